"""`deskmate serve`: the local model as an OpenAI-compatible server (see core/serve/front.py)."""

from __future__ import annotations

import ipaddress
import secrets
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import click

from deskmate.cli.common import EXIT_USAGE, Context, exit_code_for, fail, one_line
from deskmate.core.engines.errors import EngineError
from deskmate.core.settings import SettingsError


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _ask_app() -> dict[str, Any] | None:
    """Where the running Deskmate window's engine listens, or None when no window answers."""
    try:
        from deskmate.ui.single_instance import send_request

        answer = send_request({"action": "engine"}, timeout=330)
    except (ImportError, TimeoutError, ValueError, OSError):
        return None
    return answer


@click.command()
@click.option("--port", default=8765, show_default=True, help="Port to listen on (0 picks a free one).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Beyond this computer only with --allow-network.")
@click.option("--allow-network", is_flag=True,
              help="Allow a --host other apps on the network can reach (the key then travels unencrypted).")
@click.option("--token", "--api-key", "token", default=None, metavar="KEY",
              help="API key clients must send (default: a new random one, printed at start).")
@click.option("--embedding-model", "embedding_model", metavar="PATH", default=None,
              help="Embedding GGUF that answers /v1/embeddings (default: the one your documents use, "
                   "installed with `deskmate models pull bge-small-zh-v1.5`).")
@click.option("--own-engine", is_flag=True, help="Load the model here even when the Deskmate window is running.")
@click.option("--max-seconds", default=300.0, show_default=True, type=click.FloatRange(min=1),
              help="Longest one request may hold the model; then its answer ends (finish_reason length).")
@click.option("--queue", "max_waiting", default=8, show_default=True, type=click.IntRange(min=0),
              help="Requests that may wait for the model; more are refused with 429 and Retry-After.")
@click.option("--n-ctx", default=None, type=click.IntRange(min=256), help="Context size of the chat model.")
@click.option("--threads", default=None, type=click.IntRange(min=0), help="CPU threads for the model (0: all).")
@click.pass_obj
def serve(obj: Context, port: int, host: str, allow_network: bool, token: str | None, embedding_model: str | None,
          own_engine: bool, max_seconds: float, max_waiting: int, n_ctx: int | None, threads: int | None) -> None:
    """Offer the local model to other apps as an OpenAI-compatible server.

    Chat (streamed or not, with JSON-schema structured output), /v1/models, and
    /v1/embeddings from the embedding model your documents use (or --embedding-model).
    Listens on 127.0.0.1 with an API key.
    When the Deskmate window is running, its loaded model is shared, not loaded twice.
    """
    if not is_loopback(host) and not allow_network:
        fail(f"--host {host} lets other computers reach the model; add --allow-network if that is what you "
             "want (anyone who learns the key can then use it, and the key travels unencrypted).", EXIT_USAGE)
    if embedding_model and not Path(embedding_model).expanduser().is_file():
        fail(f"the embedding model {embedding_model} does not exist; give the path of an embedding .gguf file.",
             EXIT_USAGE)
    chosen_embedding = bool(embedding_model)
    if not embedding_model:
        from deskmate.core.docs.embedding import installed_embedding_model

        installed = installed_embedding_model()
        embedding_model = str(installed) if installed is not None else None
    token = token or secrets.token_urlsafe(24)
    from deskmate.core.engines.embedding import embedding_config
    from deskmate.core.engines.factory import engine_config
    from deskmate.core.engines.supervisor import Supervisor
    from deskmate.core.serve.front import CHAT_ALIAS, EMBEDDING_ALIAS, Front, ServeConfig
    from deskmate.core.serve.sources import OwnEngine, SharedEngine

    def log(message: str) -> None:
        click.echo(f"deskmate serve: {message}", err=True)

    def own_chat() -> OwnEngine:
        config = engine_config(obj.model, role="serve", n_ctx=n_ctx, threads=threads)
        source = OwnEngine(Supervisor(config))
        source.supervisor.start()
        return source

    sources: list[Any] = []
    try:
        chat: Any = None
        if not own_engine and obj.model is None and n_ctx is None:
            info = _ask_app()
            if info is not None and info.get("ok"):
                chat = SharedEngine(_app_lookup, info, own_chat, on_change=log)
            elif info is not None:
                log(f"the Deskmate window's engine cannot be shared ({info.get('error')}); loading one here")
        if chat is None:
            chat = own_chat()
        sources.append(chat)
        embed = None
        if embedding_model:
            from deskmate.core import paths

            embed = OwnEngine(Supervisor(embedding_config(
                Path(embedding_model).expanduser(), threads=threads or 0, role="serve-embedding",
                log_path=paths.log_dir() / "embedding.log", runtime_dir=paths.runtime_dir())))
            embed.supervisor.start()
            sources.append(embed)
        for source in sources:
            if isinstance(source, OwnEngine) and source is not embed:
                source.start()
        if embed is not None:
            try:
                embed.start()
            except EngineError as e:
                if chosen_embedding:
                    raise
                # The documents' model, not one asked for: chat still serves; say why embeddings do not.
                log(f"the installed embedding model cannot run ({one_line(str(e))}); serving chat without "
                    "/v1/embeddings")
                sources.remove(embed)
                embed.close()
                embed = None
        front = Front(ServeConfig(api_key=token, host=host, port=port, hold_limit=max_seconds,
                                  max_waiting=max_waiting), chat, embed, log)
    except (EngineError, SettingsError) as e:
        for source in sources:
            source.close()
        fail(one_line(str(e)), exit_code_for(e))
    except OSError as e:
        for source in sources:
            source.close()
        fail(f"cannot listen on {host}:{port}: {e.strerror or e}. Choose another --port.", EXIT_USAGE)

    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    threading.Thread(target=front.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True,
                     name="serve-front").start()
    shown = "localhost" if host == "localhost" else host
    click.echo(f"Serving at http://{shown}:{front.port}/v1")
    click.echo(f"API key: {token}")
    click.echo(f"Chat model: {front.chat_id()} (also \"{CHAT_ALIAS}\"), from {chat.describe()}")
    if embed is not None:
        click.echo(f"Embedding model: {front.embedding_id()} (also \"{EMBEDDING_ALIAS}\")")
    click.echo(f"One request holds the model at most {max_seconds:g} s; up to {max_waiting} wait. Ctrl+C stops.")
    if not is_loopback(host):
        log(f"WARNING: listening on {host}: other computers can reach this server. Anyone with the key can use "
            "the model, and requests (key included) travel unencrypted over the network.")
    sys.stdout.flush()
    try:
        while not stop.wait(0.5):
            pass
    finally:
        front.shutdown()
        front.server_close()
        for source in sources:
            source.close()
        click.echo("stopped", err=True)


def _app_lookup() -> dict[str, Any] | None:
    info = _ask_app()
    return info if info is not None and info.get("ok") else None
