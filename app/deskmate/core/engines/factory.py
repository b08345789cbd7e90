"""Build the local engine from settings, environment and command-line choices."""

from __future__ import annotations

import os
from pathlib import Path

from deskmate.core import paths
from deskmate.core.engines.embedded import embedded_model_path
from deskmate.core.settings import Settings, load_settings

from .local import LocalEngine
from .supervisor import EngineConfig, Listener

MODEL_ENV = "DESKMATE_MODEL"


def resolve_model(explicit: str | os.PathLike[str] | None = None, settings: Settings | None = None) -> Path:
    """--model beats $DESKMATE_MODEL beats settings beats the embedded default."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get(MODEL_ENV):
        return Path(os.environ[MODEL_ENV]).expanduser()
    settings = settings or load_settings()
    if settings.engine.model:
        return Path(settings.engine.model)
    return embedded_model_path()


def engine_config(
    model: str | os.PathLike[str] | None = None,
    *,
    role: str = "app",
    port: int = 0,
    api_key: str | None = None,
    n_ctx: int | None = None,
    threads: int | None = None,
    settings: Settings | None = None,
    server: str = "lean",
    nice: int = 0,
) -> EngineConfig:
    settings = settings or load_settings()
    return EngineConfig(
        model=resolve_model(model, settings),
        n_ctx=n_ctx or settings.engine.n_ctx,
        threads=threads if threads is not None else settings.engine.threads,
        port=port,
        api_key=api_key,
        prompt_cache_dir=paths.cache_dir() / "prompt-cache",
        log_path=paths.log_dir() / "engine.log",
        runtime_dir=paths.runtime_dir(),
        role=role,
        server=server,
        nice=nice,
    )


def local_engine(model: str | os.PathLike[str] | None = None, listener: Listener | None = None, **kw: object) -> LocalEngine:
    return LocalEngine(engine_config(model, **kw), listener)  # type: ignore[arg-type]
