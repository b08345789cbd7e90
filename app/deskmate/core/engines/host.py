"""The engine child process: load a GGUF model and serve it over HTTP.

Started by :mod:`deskmate.core.engines.supervisor` as
``python -m deskmate.core.engines.host``. It is the only place that imports
llama_cpp, so an abort() inside llama.cpp kills this process, never the app.

It talks to its parent in JSON lines on its original stdout (events: loading,
progress, warmup, loaded, listening, error); a load that fails for want of
memory is reported as such (kind "out_of_memory"), never as a bad file; everything else llama.cpp or Python
prints goes to stderr, which the parent keeps as the engine log. It exits when
its stdin closes, so it never outlives the app that started it.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import threading
from typing import Any

from deskmate.core.child_events import Events, take_over_stdout
from deskmate.core.engines.protocol import EXIT_MODEL_INVALID, EXIT_OUT_OF_MEMORY, EXIT_START_FAILED, KEY_ENV


def _exit_with_parent() -> None:
    def watch() -> None:
        try:
            while sys.stdin.buffer.read(1):
                pass
        except (OSError, ValueError):
            pass
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _install_progress(events: Events) -> None:
    """llama_cpp.Llama exposes no load-progress hook; give its default params one."""
    import llama_cpp.llama_cpp as C

    last = [-1]

    @C.llama_progress_callback
    def on_progress(progress: float, _user_data: Any) -> bool:
        pct = int(progress * 100)
        if pct != last[0]:
            last[0] = pct
            events.emit("progress", value=round(progress, 3))
        return True

    original = C.llama_model_default_params

    def with_progress() -> Any:
        params = original()
        params.progress_callback = on_progress
        return params

    C.llama_model_default_params = with_progress
    C._deskmate_progress_ref = on_progress  # keep the ctypes callback alive


# What llama.cpp logs when memory runs out (allocation or mapping failures).
MEMORY_WORDS = ("failed to allocate", "unable to allocate", "bad_alloc", "cannot allocate memory",
                "out of memory", "failed to mmap", "mmap failed", "failed to create buffer")
KV_TYPES = {"f16": 1, "q8_0": 8, "q4_0": 2}  # GGML type numbers


class _LogTail:
    """Keeps llama.cpp's recent log lines (still printed to the log) to tell a memory failure from a bad file."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def install(self) -> None:
        import ctypes

        import llama_cpp
        from llama_cpp import _logger

        original = _logger.llama_log_callback

        @llama_cpp.llama_log_callback
        def callback(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
            self.lines = self.lines[-199:] + [text.decode("utf-8", "replace")]
            original(level, text, user_data)

        llama_cpp.llama_log_set(callback, ctypes.c_void_p(0))
        self._ref = callback  # keep the ctypes callback alive

    def short_of_memory(self, error: BaseException | None = None) -> bool:
        text = " ".join(self.lines[-60:] + [str(error or "")]).lower()
        return any(w in text for w in MEMORY_WORDS) or isinstance(error, MemoryError)


def _memory_message(name: str, model: str, n_ctx: int, kv_type: str, flash_attn: bool) -> str:
    """Worked out before loading: after an allocation failure even reading the header may fail."""
    from deskmate.core.engines import fit

    try:
        est = fit.estimate(fit.shape_from_gguf(model), n_ctx, kv_type=kv_type, flash_attn=flash_attn)
        mem = fit.system_memory()
        need = f" It needs about {fit.human_gb(est.total)} ({est.breakdown()}); {fit.human_gb(mem.available)} was free."
        if mem.address_space is not None:
            need += f" Deskmate may use no more than {fit.human_gb(mem.address_space)} of address space (ulimit -v)."
    except Exception:
        need = ""
    return (f"There was not enough memory to load {name}.{need} Close other programs, "
            "or choose a smaller model or a smaller context size.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="deskmate-engine-host")
    parser.add_argument("--model", required=True)
    parser.add_argument("--alias", default="local")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--n-ctx", type=int, default=4096)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--batch", type=int, default=512, help="tokens per prompt-processing batch")
    parser.add_argument("--kv-type", choices=sorted(KV_TYPES), default="f16")
    parser.add_argument("--flash-attn", action="store_true")
    parser.add_argument("--prompt-cache", default=None, help="folder for saved prompt prefixes (lean server)")
    parser.add_argument("--prompt-cache-bytes", type=int, default=1024**3)
    parser.add_argument("--no-warmup", action="store_true")
    parser.add_argument("--nice", type=int, default=0, help="run this much lower in priority than the parent")
    parser.add_argument("--server", choices=("lean", "llama_cpp"), default="lean",
                        help="lean: chat + models only, fastest; llama_cpp: llama-cpp-python's full server")
    parser.add_argument("--embedding", action="store_true",
                        help="load an embedding model and serve /v1/embeddings (--n-ctx 0: the model's own)")
    args = parser.parse_args(argv)

    events = Events(take_over_stdout())
    _exit_with_parent()
    if args.nice > 0 and hasattr(os, "nice"):
        # Before llama.cpp starts its threads: on Linux each thread has its own niceness, inherited.
        os.nice(args.nice)
    events.emit("starting", pid=os.getpid())

    from deskmate.core.engines.errors import EngineError
    from deskmate.core.engines.gguf_check import check_gguf

    try:
        summary = check_gguf(args.model)
    except EngineError as e:
        events.emit("error", kind="model_invalid", message=str(e))
        return EXIT_MODEL_INVALID

    events.emit("loading")
    try:
        import llama_cpp  # noqa: F401
    except ImportError as e:
        events.emit("error", kind="start_failed", message=f"The engine is not installed correctly: {e}.")
        return EXIT_START_FAILED
    _install_progress(events)
    log = _LogTail()
    log.install()
    threads = args.threads if args.threads > 0 else max(1, os.cpu_count() or 1)
    api_key = os.environ.get(KEY_ENV) or None
    name = os.path.basename(args.model)
    short_of_memory = _memory_message(name, args.model, args.n_ctx, args.kv_type, args.flash_attn)

    try:
        if args.embedding:
            app, llama = None, _embedding_llama(llama_cpp, args, summary, threads)
        elif args.server == "llama_cpp":
            app, llama = _full_server_app(args, threads, api_key)
        else:
            from deskmate.core.engines.llama_ext import DeskmateLlama

            app = None
            llama = DeskmateLlama(args.model, n_ctx=args.n_ctx, n_threads=threads, n_threads_batch=threads,
                                  n_batch=args.batch, n_ubatch=args.batch, flash_attn=args.flash_attn,
                                  type_k=KV_TYPES[args.kv_type], type_v=KV_TYPES[args.kv_type], verbose=True)
    except ImportError as e:
        events.emit("error", kind="start_failed", message=f"The engine is not installed correctly: {e}.")
        return EXIT_START_FAILED
    except NotAnEmbeddingModel as e:
        events.emit("error", kind="model_invalid", message=str(e))
        return EXIT_MODEL_INVALID
    except Exception as e:  # llama_cpp raises ValueError for most bad files
        if log.short_of_memory(e):
            events.emit("error", kind="out_of_memory",
                        message=short_of_memory)
            return EXIT_OUT_OF_MEMORY
        events.emit("error", kind="model_invalid", message=f"llama.cpp could not load {name}: {e}. "
                    "The file may be damaged or made for a newer llama.cpp.")
        return EXIT_MODEL_INVALID

    if not args.no_warmup:
        # A model with a broken tokenizer loads fine and then fails (or aborts the
        # process) on its first completion: find out now, while it counts as a load.
        events.emit("warmup")
        try:
            if args.embedding:
                llama.embed("Hello", truncate=False)
            else:
                llama.create_completion("Hello", max_tokens=1, temperature=0.0)
            llama.reset()
        except Exception as e:
            if log.short_of_memory(e):
                events.emit("error", kind="out_of_memory",
                            message=short_of_memory)
                return EXIT_OUT_OF_MEMORY
            events.emit("error", kind="model_invalid", message=f"{name} loaded but failed its first test "
                        f"({type(e).__name__}: {e or 'no detail'}). The file is damaged or not supported; "
                        "choose another model.")
            return EXIT_MODEL_INVALID
    if app is None and args.prompt_cache and not args.embedding:
        _attach_prompt_cache(llama, args)

    events.emit("loaded")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as e:
        events.emit("error", kind="start_failed", message=f"Cannot listen on {args.host}:{args.port}: {e.strerror}.")
        return EXIT_START_FAILED
    sock.listen(64)
    port = sock.getsockname()[1]
    events.emit("listening", host=args.host, port=port)
    if app is None:
        from deskmate.core.engines.lean_server import serve
        from deskmate.core.engines.speculation import LookupPolicy

        serve(sock, llama, args.alias, api_key, LookupPolicy.for_model(args.model))
    else:
        import uvicorn

        uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, timeout_keep_alive=30)).run(
            sockets=[sock])
    return 0


class NotAnEmbeddingModel(Exception):
    pass


def _embedding_llama(llama_cpp: Any, args: argparse.Namespace, summary: Any, threads: int) -> Any:
    """Llama(embedding=True) whose batch holds a whole input: n_batch == n_ubatch == the context.

    design.md: a larger n_batch than n_ubatch crashes BERT-type models, and the context may
    not exceed what the model was trained for (its position table ends there)."""
    arch = summary.architecture
    meta = summary.metadata
    if f"{arch}.pooling_type" not in meta:
        raise NotAnEmbeddingModel(
            f"{os.path.basename(args.model)} is not an embedding model (it names no pooling; it is probably "
            "a chat model). Choose an embedding GGUF, such as bge-small-zh-v1.5.")
    trained = int(meta.get(f"{arch}.context_length") or 512)
    n_ctx = min(args.n_ctx, trained) if args.n_ctx > 0 else trained
    return llama_cpp.Llama(args.model, embedding=True, n_ctx=n_ctx, n_batch=n_ctx, n_ubatch=n_ctx,
                           n_threads=threads, n_threads_batch=threads, verbose=True)


def _attach_prompt_cache(llama: Any, args: argparse.Namespace) -> None:
    from pathlib import Path

    import llama_cpp

    from deskmate.core.engines.prompt_cache import PromptCache, fingerprint

    key = fingerprint(Path(args.model), llama_cpp=llama_cpp.__version__, kv=args.kv_type, fa=args.flash_attn)
    llama.prompt_cache = PromptCache(Path(args.prompt_cache), key, args.prompt_cache_bytes)


def _full_server_app(args: argparse.Namespace, threads: int, api_key: str | None) -> tuple[Any, Any]:
    """llama-cpp-python's own server (all of its endpoints), for `deskmate serve`."""
    from llama_cpp.server import app as server_app
    from llama_cpp.server.settings import ModelSettings, ServerSettings

    server = ServerSettings(host=args.host, port=args.port, api_key=api_key,
                            # Queue a second request instead of silently cutting the first one short.
                            interrupt_requests=False)
    model = ModelSettings(model=args.model, model_alias=args.alias, n_ctx=args.n_ctx, n_threads=threads,
                          n_threads_batch=threads, n_batch=args.batch, n_ubatch=args.batch,
                          flash_attn=args.flash_attn, type_k=KV_TYPES[args.kv_type], type_v=KV_TYPES[args.kv_type],
                          verbose=True)
    app = server_app.create_app(server_settings=server, model_settings=[model])
    return app, server_app._llama_proxy(args.alias)  # type: ignore[misc]


if __name__ == "__main__":
    sys.exit(main())
