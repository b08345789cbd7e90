"""Shared fixtures: an isolated Deskmate home and one real engine on the tiny model."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Every process the tests start (engine children, the app, the CLI) inherits this,
# so nothing touches the developer's real settings or drafts.
_HOME = Path(tempfile.mkdtemp(prefix="deskmate-test-home-"))
os.environ["DESKMATE_HOME"] = str(_HOME)
os.environ.pop("DESKMATE_MODEL", None)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# What the engine child gets from the supervisor (engines/tuning.py), for tests that run llama.cpp in
# process: spinning OpenMP threads are many times slower on a machine shared with other test runs.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


@pytest.fixture(scope="session")
def deskmate_home() -> Path:
    return _HOME


@pytest.fixture(scope="session")
def tiny_model() -> Path:
    from deskmate.core.models.embedded import embedded_model_path

    return embedded_model_path()


@pytest.fixture(scope="session")
def engine(tiny_model: Path) -> Iterator[object]:
    """One warm local engine (SmolLM2-135M in a child process) shared by the session."""
    from deskmate.core.engines.factory import local_engine

    eng = local_engine(tiny_model, n_ctx=4096, threads=2)
    eng.wait_ready(120)
    yield eng
    eng.close()
