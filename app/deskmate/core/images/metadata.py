"""The settings behind a picture, kept in its PNG text chunks so the file alone can be redrawn.

One chunk per setting (``prompt``, ``seed``, ...), written as UTF-8 iTXt so a
Chinese prompt survives, plus a ``parameters`` chunk in the layout other
Stable Diffusion tools read (AUTOMATIC1111, ComfyUI viewers, civitai), so a
picture made here shows its settings there too.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from deskmate.core.fs import atomic_write

from .jobs import ImageJob, ImageJobError

SOFTWARE = "Deskmate"
_KEYS = ("prompt", "negative_prompt", "seed", "steps", "guidance", "width", "height", "model")


@dataclasses.dataclass(frozen=True)
class ImageMetadata:
    prompt: str
    negative_prompt: str
    seed: int
    steps: int
    guidance: float
    width: int
    height: int
    model: str
    software: str = ""

    @classmethod
    def from_job(cls, job: ImageJob) -> ImageMetadata:
        if not job.is_resolved:
            raise ValueError("Only a resolved job (seed, size, steps and guidance known) can describe a picture.")
        return cls(job.prompt, job.negative_prompt, int(job.seed), int(job.steps), float(job.guidance),  # type: ignore[arg-type]
                   int(job.width), int(job.height), str(job.model), SOFTWARE)  # type: ignore[arg-type]

    def job(self, model: Path | str | None = None) -> ImageJob:
        """The job that draws this picture again ("use same settings"), optionally on another model."""
        return ImageJob(
            prompt=self.prompt,
            model=Path(model if model is not None else self.model),
            negative_prompt=self.negative_prompt,
            width=self.width,
            height=self.height,
            steps=self.steps,
            guidance=self.guidance,
            seed=self.seed,
        )

    def chunks(self) -> dict[str, str]:
        values = {k: getattr(self, k) for k in _KEYS}
        out = {k: (f"{v:g}" if isinstance(v, float) else str(v)) for k, v in values.items()}
        out["software"] = self.software or SOFTWARE
        out["parameters"] = self.parameters()
        return out

    def parameters(self) -> str:
        lines = [self.prompt]
        if self.negative_prompt:
            lines.append(f"Negative prompt: {self.negative_prompt}")
        lines.append(
            f"Steps: {self.steps}, CFG scale: {self.guidance:g}, Seed: {self.seed}, "
            f"Size: {self.width}x{self.height}, Model: {Path(self.model).name}"
        )
        return "\n".join(lines)


def pnginfo(meta: ImageMetadata) -> Any:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    for key, value in meta.chunks().items():
        info.add_itxt(key, value)
    return info


def save_png(image: Any, path: Path, meta: ImageMetadata) -> Path:
    """Write ``image`` (a PIL image) with its settings; a crash mid-write never leaves a partial file."""
    return atomic_write(path, lambda f: image.save(f, format="PNG", pnginfo=pnginfo(meta)))


class NoMetadataError(ValueError):
    """The PNG carries no Deskmate settings (made elsewhere, or its text chunks were stripped)."""


def read_metadata(path: Path | str) -> ImageMetadata:
    """The settings stored in a PNG written by :func:`save_png`."""
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    try:
        with Image.open(path) as im:
            text = dict(getattr(im, "text", {}) or {})
    except FileNotFoundError:
        raise FileNotFoundError(f"{path} does not exist.") from None
    except UnidentifiedImageError:
        raise NoMetadataError(f"{path.name} is not a picture Deskmate can read.") from None
    missing = [k for k in ("prompt", "seed", "steps", "guidance", "width", "height", "model") if k not in text]
    if missing:
        raise NoMetadataError(f"{path.name} has no Deskmate settings (missing {', '.join(missing)}).")
    try:
        return ImageMetadata(
            prompt=text["prompt"],
            negative_prompt=text.get("negative_prompt", ""),
            seed=int(text["seed"]),
            steps=int(text["steps"]),
            guidance=float(text["guidance"]),
            width=int(text["width"]),
            height=int(text["height"]),
            model=text["model"],
            software=text.get("software", ""),
        )
    except (ValueError, ImageJobError) as e:
        raise NoMetadataError(f"{path.name} has damaged Deskmate settings: {e}") from None
