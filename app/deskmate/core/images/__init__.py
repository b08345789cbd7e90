"""Pictures from text: jobs, the worker process that draws them, PNG metadata and the gallery history.

Nothing here imports torch; only the worker child (``python -m
deskmate.core.images.worker``) does.
"""

from .client import ImageEngine, ImageEvent, ImageResult, ImageRun
from .jobs import (
    CATALOG_DEFAULTS,
    ImageBusyError,
    ImageCancelledError,
    ImageError,
    ImageJob,
    ImageJobError,
    ImageModelError,
    ImageOutOfMemoryError,
    ImageWorkerCrashedError,
    ImageWorkerStartError,
    ModelDefaults,
    ModelInfo,
    check_model,
    parse_size,
)

__all__ = [
    "CATALOG_DEFAULTS",
    "ImageBusyError",
    "ImageCancelledError",
    "ImageEngine",
    "ImageError",
    "ImageEvent",
    "ImageJob",
    "ImageJobError",
    "ImageModelError",
    "ImageOutOfMemoryError",
    "ImageResult",
    "ImageRun",
    "ImageWorkerCrashedError",
    "ImageWorkerStartError",
    "ModelDefaults",
    "ModelInfo",
    "check_model",
    "parse_size",
]
