"""`deskmate serve` beside a running Deskmate: it uses the app's warm engine instead of loading a second copy.

The app side is the real InstanceServer (the window's local socket) over the session's real
engine; the Qt event loop runs while the serve process asks it where the engine listens.
"""

from __future__ import annotations

import threading
from pathlib import Path

import openai
import pytest
from serve_process import Served


def children(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()


def test_serve_shares_the_running_apps_engine(qtbot, engine, tiny_model):
    from deskmate.ui.single_instance import InstanceServer, quick_handler

    app_side = InstanceServer(quick_handler(lambda: engine, lambda: engine), write_clipboard=False)
    assert app_side.listen(), app_side.error
    started: dict[str, object] = {}

    def start() -> None:
        try:
            started["served"] = Served("--host", "0.0.0.0", "--allow-network")
        except Exception as e:  # noqa: BLE001 - reported below
            started["error"] = e

    threading.Thread(target=start, daemon=True).start()
    try:
        qtbot.waitUntil(lambda: bool(started), timeout=120_000)
        assert "error" not in started, started.get("error")
        served: Served = started["served"]  # type: ignore[assignment]
        try:
            assert "the Deskmate window's engine (shared" in served.banner
            assert children(served.proc.pid) == []  # no engine process of its own: no second copy
            client = served.client()
            assert [m.id for m in client.models.list().data] == [tiny_model.stem]
            r = client.chat.completions.create(model="local", max_tokens=6, temperature=0,
                                               messages=[{"role": "user", "content": "Say hi."}])
            assert r.choices[0].message.content
            with pytest.raises(openai.NotFoundError) as e:
                client.embeddings.create(model="local-embedding", input="hello")
            assert e.value.code == "no_embedding_model" and "deskmate models pull" in e.value.message
            warned = "".join(served.err)
            assert "WARNING" in warned and "other computers can reach" in warned
        finally:
            served.stop()
    finally:
        app_side.close()


def test_serve_answers_embeddings_with_the_model_the_documents_use(tiny_model, embedding_model):
    """No --embedding-model: the embedding model installed for the documents library is served."""
    from deskmate.core.models.registry import InstalledModel, Registry

    Registry().add(InstalledModel(id="bge-small-zh-v1.5", name="bge-small-zh-v1.5", kind="embedding",
                                  path=str(embedding_model), size=embedding_model.stat().st_size, source="import"))
    served = Served("--own-engine", "--threads", "1", model=tiny_model)
    try:
        assert f"Embedding model: {embedding_model.stem}" in served.banner
        client = served.client()
        assert [m.id for m in client.models.list().data] == [tiny_model.stem, embedding_model.stem]
        vectors = client.embeddings.create(model="local-embedding", input=["the printer", "a printer"]).data
        assert len(vectors) == 2 and len(vectors[0].embedding) == 384
    finally:
        served.stop()


def test_a_damaged_installed_embedding_model_leaves_chat_served(tiny_model, tmp_path):
    from deskmate.core.models.registry import InstalledModel, Registry

    broken = tmp_path / "bge-small-zh-v1.5-q8_0.gguf"
    broken.write_bytes(b"GGUF" + b"\0" * 4096)
    Registry().add(InstalledModel(id="bge-small-zh-v1.5", name="bge-small-zh-v1.5", kind="embedding",
                                  path=str(broken), size=broken.stat().st_size, source="import"))
    served = Served("--own-engine", "--threads", "1", model=tiny_model)
    try:
        assert "Embedding model:" not in served.banner
        assert "installed embedding model cannot run" in "".join(served.err)
        r = served.client().chat.completions.create(model="local", max_tokens=4,
                                                    messages=[{"role": "user", "content": "Say hi."}])
        assert r.choices[0].message.content
    finally:
        served.stop()
