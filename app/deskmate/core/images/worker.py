"""The image worker: a child process that holds a diffusers pipeline and draws on request.

Started by :class:`deskmate.core.images.client.ImageEngine` as
``python -m deskmate.core.images.worker``. It is the only place torch,
diffusers and transformers are imported, so a crash or an out-of-memory kill
takes down this process and never the app.

Protocol: one JSON object per line. Requests on stdin::

    {"op": "generate", "id": "...", "job": {...resolved ImageJob...}, "output": "/path/x.png"}
    {"op": "cancel", "id": "..."}

Events on the original stdout (everything else that is printed goes to stderr,
which the parent keeps as the worker log)::

    ready    {pid}                          once, before torch is imported
    loading  {id, model}                    the pipeline is being loaded (first job, or a new model)
    loaded   {id, seconds}
    progress {id, step, steps}              after every denoising step
    done     {id, path, seconds, load_seconds}
    cancelled {id}                          nothing was decoded, no file written
    error    {id, kind, message}            kind: bad_job, model_invalid, missing_library, out_of_memory, failed

The worker exits when its stdin closes (so it never outlives the app), and
after an out-of-memory error (so the memory really goes back to the system).

Importing this module is cheap: the heavy imports happen inside functions.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import queue
import sys
import threading
import time
from pathlib import Path
from typing import Any

from deskmate.core.child_events import Events, take_over_stdout
from deskmate.core.images.addons import IMAGES, activate, install_hint

from .jobs import ImageJob, ImageJobError, ImageModelError, ModelInfo, check_model

EXIT_OUT_OF_MEMORY = 6


class Cancelled(Exception):
    """Raised inside the step callback: diffusers unwinds before decoding, so no picture is made."""


def is_out_of_memory(error: BaseException) -> bool:
    if isinstance(error, MemoryError):
        return True
    text = str(error).lower()
    return isinstance(error, RuntimeError) and (
        "out of memory" in text or "can't allocate memory" in text or "not enough memory" in text
    )


def _short(error: BaseException) -> str:
    """The first line of a library error, trimmed: enough to act on, not a stack dump."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text if len(text) <= 300 else text[:297] + "..."


# --- loading and drawing (the code the tests and the benchmark use too) --------------------------
def load_pipeline(model: Path | str, info: ModelInfo | None = None) -> Any:
    """A ready text-to-image pipeline on the CPU, from a diffusers folder or a single-file checkpoint.

    Raises ImageModelError for a model that fails the file checks or fails to load.
    ImportError means torch/diffusers/transformers are missing (not the model's fault).
    """
    info = info or check_model(model)
    import torch
    from diffusers import AutoPipelineForText2Image, StableDiffusionPipeline, StableDiffusionXLPipeline
    from diffusers.utils import logging as dlogging

    dlogging.disable_progress_bar()
    try:
        from transformers.utils import logging as tlogging

        tlogging.disable_progress_bar()
    except ImportError:  # transformers is optional for pipelines that do not use it
        pass
    try:
        # float32 always: half-precision weights (fp16 variants, most checkpoints) crawl or fail on a CPU.
        kwargs: dict[str, Any] = {_dtype_keyword(): torch.float32, "local_files_only": True}
        if info.kind == "folder":
            skipped = dict.fromkeys(info.absent)  # None for each optional part that was not downloaded
            pipe = AutoPipelineForText2Image.from_pretrained(str(info.path), variant=info.variant, **skipped,
                                                             **kwargs)
        else:
            cls = StableDiffusionXLPipeline if "XL" in info.pipeline_class else StableDiffusionPipeline
            if info.config_dir is not None:
                kwargs["config"] = str(info.config_dir)
            pipe = cls.from_single_file(str(info.path), **kwargs)
    except (ImportError, MemoryError):
        raise
    except Exception as e:
        if is_out_of_memory(e):
            raise
        if info.kind == "file" and info.config_dir is None and _looks_offline(e):
            raise ImageModelError(
                f"{info.name} is a single-file checkpoint, and turning it into a pipeline needs the model's "
                "configuration files, which are not on this computer. Use the model's diffusers folder "
                "(the one with model_index.json) instead, or put the checkpoint inside that folder."
            ) from None
        raise ImageModelError(f"{info.name} could not be loaded: {_short(e)}. The model may be damaged or of a "
                              "kind Deskmate does not support.") from None
    if info.defaults.turbo:
        _use_trailing_timesteps(pipe)
    pipe.set_progress_bar_config(disable=True)
    return pipe.to("cpu")


def _dtype_keyword() -> str:
    # diffusers renamed torch_dtype to dtype (the old name still works, with a warning).
    from diffusers.utils import deprecation_utils

    return "dtype" if hasattr(deprecation_utils, "_resolve_dtype") else "torch_dtype"


def _looks_offline(error: BaseException) -> bool:
    text = f"{type(error).__name__} {error}".lower()
    return any(w in text for w in ("offline", "localentrynotfound", "connection", "hub", "cannot find the requested"))


def _use_trailing_timesteps(pipe: Any) -> None:
    # Turbo models are distilled to start from pure noise at t=999; "leading" spacing would start
    # one step at t=1 and give a grey smear. Single-file loading picks a default scheduler, so fix it.
    config = pipe.scheduler.config
    if config.get("timestep_spacing") != "trailing":
        pipe.scheduler = type(pipe.scheduler).from_config(config, timestep_spacing="trailing")


def draw(pipe: Any, job: ImageJob, on_step: Any = None, should_stop: Any = None) -> Any:
    """Run the pipeline for a resolved job; returns a PIL image. ``should_stop()`` true raises Cancelled."""
    import torch

    def callback(p: Any, i: int, _t: Any, _tensors: dict[str, Any]) -> dict[str, Any]:
        if on_step is not None:
            on_step(i + 1, int(getattr(p, "num_timesteps", None) or job.steps))
        if should_stop is not None and should_stop():
            raise Cancelled()
        return {}

    kwargs: dict[str, Any] = dict(
        prompt=job.prompt,
        width=job.width,
        height=job.height,
        num_inference_steps=job.steps,
        guidance_scale=job.guidance,
        generator=torch.Generator("cpu").manual_seed(int(job.seed)),  # type: ignore[arg-type]
        callback_on_step_end=callback,
        output_type="pil",
    )
    if job.negative_used:
        kwargs["negative_prompt"] = job.negative_prompt
    return pipe(**kwargs).images[0]


# --- the process ---------------------------------------------------------------------------------
class _Requests:
    """Reads stdin on a thread so a cancel arrives while the main thread is busy drawing."""

    def __init__(self) -> None:
        self.jobs: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._cancelled: set[str] = set()
        self._lock = threading.Lock()
        self.closed = threading.Event()

    def start(self) -> None:
        threading.Thread(target=self._read, name="requests", daemon=True).start()

    def _read(self) -> None:
        try:
            for raw in sys.stdin.buffer:
                try:
                    req = json.loads(raw)
                except ValueError:
                    continue
                if not isinstance(req, dict):
                    continue
                if req.get("op") == "cancel":
                    with self._lock:
                        self._cancelled.add(str(req.get("id")))
                elif req.get("op") == "generate":
                    self.jobs.put(req)
        except (OSError, ValueError):
            pass
        # The parent is gone or done with us: stop the current job at its next step, then exit.
        self.closed.set()
        self.jobs.put(None)

    def cancelled(self, job_id: str) -> bool:
        with self._lock:
            return job_id in self._cancelled or self.closed.is_set()

    def forget(self, job_id: str) -> None:
        with self._lock:
            self._cancelled.discard(job_id)


class Worker:
    def __init__(self, events: Events, requests: _Requests) -> None:
        self.events = events
        self.requests = requests
        self.pipe: Any = None
        self.model_key: tuple[str, float] | None = None

    def _pipeline(self, job_id: str, info: ModelInfo) -> tuple[Any, float]:
        # A model folder replaced on disk (same path, newer model_index.json) is loaded afresh.
        try:
            stamp = (info.path / "model_index.json").stat().st_mtime if info.kind == "folder" else \
                info.path.stat().st_mtime
        except OSError:
            stamp = 0.0
        key = (str(info.path.resolve()), stamp)
        if self.pipe is not None and self.model_key == key:
            return self.pipe, 0.0
        if self.pipe is not None:  # free the old model before loading the next one
            self.pipe = self.model_key = None
            gc.collect()
        self.events.emit("loading", id=job_id, model=info.name)
        t0 = time.perf_counter()
        pipe = load_pipeline(info.path, info)
        seconds = time.perf_counter() - t0
        self.pipe, self.model_key = pipe, key
        self.events.emit("loaded", id=job_id, seconds=round(seconds, 3))
        return pipe, seconds

    def handle(self, req: dict[str, Any]) -> int | None:
        """Run one request; returns an exit code when the process must end."""
        job_id = str(req.get("id", ""))
        emit = self.events.emit
        try:
            job = ImageJob.from_dict(req.get("job") or {})
            output = Path(str(req["output"]))
            if not job.is_resolved:
                raise ImageJobError("The job reached the worker without its size, steps, guidance and seed.",
                                    field="seed")
        except (KeyError, TypeError, ImageJobError) as e:
            emit("error", id=job_id, kind="bad_job", message=str(e) if isinstance(e, ImageJobError)
                 else "The image request was malformed.")
            return None
        try:
            info = check_model(job.model)
        except ImageModelError as e:
            emit("error", id=job_id, kind="model_invalid", message=str(e))
            return None
        if self.requests.cancelled(job_id):
            emit("cancelled", id=job_id)
            return None
        try:
            pipe, load_seconds = self._pipeline(job_id, info)
        except ImageModelError as e:
            emit("error", id=job_id, kind="model_invalid", message=str(e))
            return None
        except ImportError as e:
            emit("error", id=job_id, kind="missing_library",
                 message=f"A library needed to draw pictures is missing ({_short(e)}). {install_hint(IMAGES)}")
            return None
        except Exception as e:  # noqa: BLE001 - one bad model must not take the worker down
            if is_out_of_memory(e):
                return self._out_of_memory(job_id, info, loading=True)
            emit("error", id=job_id, kind="failed", message=f"Loading {info.name} failed: {_short(e)}.")
            return None
        t0 = time.perf_counter()
        try:
            image = draw(
                pipe,
                job,
                on_step=lambda step, steps: emit("progress", id=job_id, step=step, steps=steps),
                should_stop=lambda: self.requests.cancelled(job_id),
            )
            from .metadata import ImageMetadata, save_png

            save_png(image, output, ImageMetadata.from_job(job))
        except Cancelled:
            emit("cancelled", id=job_id)
            return None
        except Exception as e:  # noqa: BLE001 - report any failure as this job's error, keep serving
            if is_out_of_memory(e):
                return self._out_of_memory(job_id, info, loading=False)
            if isinstance(e, OSError) and e.filename is not None:
                emit("error", id=job_id, kind="failed", message=f"Cannot save the picture to {output}: "
                     f"{e.strerror or e}.")
            else:
                emit("error", id=job_id, kind="failed", message=f"Drawing failed: {_short(e)}.")
            return None
        finally:
            self.requests.forget(job_id)
        emit("done", id=job_id, path=str(output), seconds=round(time.perf_counter() - t0, 4),
             load_seconds=round(load_seconds, 3))
        return None

    def _out_of_memory(self, job_id: str, info: ModelInfo, *, loading: bool) -> int:
        what = f"load {info.name}" if loading else "draw this picture"
        self.pipe = self.model_key = None
        self.events.emit(
            "error", id=job_id, kind="out_of_memory",
            message=f"The computer ran out of memory trying to {what}. Close other programs, or choose a "
            "smaller size or a smaller model, and try again.",
        )
        return EXIT_OUT_OF_MEMORY


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="deskmate-image-worker")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads for torch (0: torch's default).")
    args = parser.parse_args(argv)

    activate(IMAGES)
    events = Events(take_over_stdout())
    requests = _Requests()
    requests.start()
    events.emit("ready", pid=os.getpid())
    if args.threads > 0:
        import torch

        torch.set_num_threads(args.threads)
    worker = Worker(events, requests)
    while True:
        req = requests.jobs.get()
        if req is None:
            return 0
        code = worker.handle(req)
        if code is not None:
            return code


if __name__ == "__main__":
    code = main()
    sys.stderr.flush()
    # Skip interpreter teardown: with torch loaded it takes seconds, and every file is already
    # written whole (save_png renames into place), so there is nothing left to clean up.
    os._exit(code)
