"""Image jobs, the errors image generation can raise, and the model check that runs before any step.

Pure Python on purpose: the app process builds and checks jobs without torch.
A model is either a diffusers folder (``model_index.json`` plus one subfolder
per component) or a single-file checkpoint (``.safetensors`` / ``.ckpt``).
Everything that can be found wrong by reading small files is found here,
before the worker spends seconds importing torch and loading weights.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import random
import struct
from collections.abc import Mapping
from pathlib import Path
from typing import Any

MAX_SEED = 2**32 - 1
MIN_SIDE, MAX_SIDE = 64, 2048
MAX_STEPS = 150
MAX_GUIDANCE = 30.0
MAX_PROMPT_CHARS = 2000


# --- errors -------------------------------------------------------------------------------------
class ImageError(Exception):
    """Base class. ``str(error)`` is a plain sentence for the person in front of the app."""

    @property
    def message(self) -> str:
        return str(self)


class ImageJobError(ImageError, ValueError):
    """A setting of the job is out of range; ``field`` names it for the form that shows the error."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class ImageModelError(ImageError):
    """The model path is missing, damaged, or not a text-to-image model."""


class ImageWorkerStartError(ImageError):
    """The worker process could not start, or lacks a library it needs."""


class ImageWorkerCrashedError(ImageError):
    """The worker died while drawing. The next job starts a fresh worker."""


class ImageOutOfMemoryError(ImageWorkerCrashedError):
    """The worker ran out of memory. The next job starts a fresh worker."""


class ImageCancelledError(ImageError):
    """The job was cancelled; no file was written."""


class ImageBusyError(ImageError):
    """Another picture is being drawn by this engine."""


# --- model defaults -----------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class ModelDefaults:
    family: str  # "sd", "sdxl", "sd-turbo", "sdxl-turbo"
    steps: int
    guidance: float
    width: int
    height: int

    @property
    def turbo(self) -> bool:
        # Adversarially distilled: 1-4 steps, no classifier-free guidance, "trailing" timesteps.
        return self.family.endswith("turbo")


def _family_defaults(family: str, native: int | None) -> ModelDefaults:
    if family == "sd-turbo":
        return ModelDefaults(family, 1, 0.0, 512, 512)
    if family == "sdxl-turbo":
        return ModelDefaults(family, 1, 0.0, 512, 512)
    if family == "sdxl":
        side = native or 1024
        return ModelDefaults(family, 30, 5.0, side, side)
    side = native or 512
    return ModelDefaults(family, 25, 7.5, side, side)


# The catalog's image models (downloads live in deskmate.core.models); these are their settings.
CATALOG_DEFAULTS: dict[str, ModelDefaults] = {
    "stabilityai/sd-turbo": _family_defaults("sd-turbo", None),
    "stabilityai/sdxl-turbo": _family_defaults("sdxl-turbo", None),
}


# --- the job ------------------------------------------------------------------------------------
def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclasses.dataclass(frozen=True)
class ImageJob:
    """What to draw. ``None`` means "the model's default" (size, steps, guidance) or "random" (seed)."""

    prompt: str
    model: Path
    negative_prompt: str = ""
    width: int | None = None
    height: int | None = None
    steps: int | None = None
    guidance: float | None = None
    seed: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.prompt, str) or not self.prompt.strip():
            raise ImageJobError("Write a prompt: say what the picture should show.", field="prompt")
        if len(self.prompt) > MAX_PROMPT_CHARS:
            raise ImageJobError(
                f"The prompt is {len(self.prompt)} characters long; keep it under {MAX_PROMPT_CHARS}. "
                "The image model reads only about the first 60 words anyway.",
                field="prompt",
            )
        if not isinstance(self.negative_prompt, str):
            raise ImageJobError("The negative prompt must be text.", field="negative_prompt")
        if self.model is None or str(self.model).strip() in ("", "."):
            raise ImageJobError("Choose an image model (a diffusers folder or a checkpoint file).", field="model")
        object.__setattr__(self, "model", Path(os.path.expanduser(str(self.model))))
        object.__setattr__(self, "prompt", self.prompt.strip())
        object.__setattr__(self, "negative_prompt", self.negative_prompt.strip())
        for name in ("width", "height"):
            value = getattr(self, name)
            if value is None:
                continue
            if not _is_int(value) or not MIN_SIDE <= value <= MAX_SIDE or value % 8:
                raise ImageJobError(
                    f"The {name} must be a multiple of 8 from {MIN_SIDE} to {MAX_SIDE} pixels (not {value!r}).",
                    field=name,
                )
        if self.steps is not None and (not _is_int(self.steps) or not 1 <= self.steps <= MAX_STEPS):
            raise ImageJobError(f"Steps must be a whole number from 1 to {MAX_STEPS} (not {self.steps!r}).",
                                field="steps")
        if self.guidance is not None:
            ok = isinstance(self.guidance, (int, float)) and not isinstance(self.guidance, bool)
            if not ok or not math.isfinite(self.guidance) or not 0.0 <= self.guidance <= MAX_GUIDANCE:
                raise ImageJobError(
                    f"Guidance must be a number from 0 to {MAX_GUIDANCE:g} (not {self.guidance!r}).", field="guidance"
                )
            object.__setattr__(self, "guidance", float(self.guidance))
        if self.seed is not None and (not _is_int(self.seed) or not 0 <= self.seed <= MAX_SEED):
            raise ImageJobError(f"The seed must be a whole number from 0 to {MAX_SEED} (not {self.seed!r}).",
                                field="seed")

    @property
    def is_resolved(self) -> bool:
        return None not in (self.width, self.height, self.steps, self.guidance, self.seed)

    @property
    def size(self) -> str:
        return f"{self.width}x{self.height}"

    @property
    def negative_used(self) -> bool:
        """With guidance at 1 or below the pipeline skips the unconditional pass, so the negative prompt is ignored."""
        return bool(self.negative_prompt) and (self.guidance or 0.0) > 1.0

    def replace(self, **changes: Any) -> ImageJob:
        return dataclasses.replace(self, **changes)

    def resolved(self, defaults: ModelDefaults | None = None) -> ImageJob:
        """Every None filled in: the model's defaults, and a fresh random seed. Checks the model."""
        if defaults is None:
            defaults = check_model(self.model).defaults
        return dataclasses.replace(
            self,
            width=self.width if self.width is not None else defaults.width,
            height=self.height if self.height is not None else defaults.height,
            steps=self.steps if self.steps is not None else defaults.steps,
            guidance=self.guidance if self.guidance is not None else defaults.guidance,
            seed=self.seed if self.seed is not None else random.SystemRandom().randint(0, MAX_SEED),
        )

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["model"] = str(self.model)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ImageJob:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ImageJobError(f"Unknown image setting {', '.join(unknown)}.", field=unknown[0])
        if "prompt" not in data or "model" not in data:
            raise ImageJobError("An image job needs a prompt and a model.", field="prompt" if "prompt" not in data
                                else "model")
        return cls(**data)


def parse_size(text: str) -> tuple[int, int]:
    """'512x768' (or '512×768', '512*768', '512') as (width, height), checked like a job's size."""
    raw = text.strip().lower().replace("×", "x").replace("*", "x")
    parts = raw.split("x") if "x" in raw else [raw, raw]
    try:
        width, height = (int(p.strip()) for p in parts)
    except ValueError:
        raise ImageJobError(f"Give the size as WIDTHxHEIGHT, for example 512x512 (not {text!r}).",
                            field="size") from None
    for name, value in (("width", width), ("height", height)):
        if not MIN_SIDE <= value <= MAX_SIDE or value % 8:
            raise ImageJobError(
                f"The {name} must be a multiple of 8 from {MIN_SIDE} to {MAX_SIDE} pixels (not {value}).", field="size"
            )
    return width, height


# --- the model check ----------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class ModelInfo:
    path: Path
    kind: str  # "folder" or "file"
    pipeline_class: str  # from model_index.json; for a file, the class that loads it
    defaults: ModelDefaults
    variant: str | None = None  # "fp16" when only fp16 weight files are present
    config_dir: Path | None = None  # for a single file: a diffusers folder with its configuration
    absent: tuple[str, ...] = ()  # optional parts listed in model_index.json but not downloaded

    @property
    def name(self) -> str:
        return self.path.name


# Components that hold weights, and the weight file names diffusers/transformers look for.
_MODEL_WEIGHTS = ("diffusion_pytorch_model", "model")
_NEEDED = {
    "StableDiffusionPipeline": ("unet", "vae", "text_encoder", "tokenizer", "scheduler"),
    "StableDiffusionXLPipeline": ("unet", "vae", "text_encoder", "text_encoder_2", "tokenizer", "tokenizer_2",
                                  "scheduler"),
}
# Folders made for other jobs that AutoPipelineForText2Image maps to their text-to-image twin.
_TWINS = {
    "StableDiffusionImg2ImgPipeline": "StableDiffusionPipeline",
    "StableDiffusionInpaintPipeline": "StableDiffusionPipeline",
    "StableDiffusionXLImg2ImgPipeline": "StableDiffusionXLPipeline",
    "StableDiffusionXLInpaintPipeline": "StableDiffusionXLPipeline",
}
_MAX_HEADER = 100 * 1024 * 1024
# Parts a picture can be drawn without; people often skip downloading them.
_OPTIONAL = ("safety_checker", "feature_extractor", "image_encoder")


def check_safetensors(file: Path) -> dict[str, Any]:
    """The file's tensor table; ImageModelError if the file is not safetensors or is cut short."""
    try:
        size = file.stat().st_size
        with open(file, "rb") as f:
            head = f.read(8)
            if len(head) < 8:
                raise ImageModelError(f"{_show(file)} is empty or cut short ({size} bytes). Download the model again.")
            (length,) = struct.unpack("<Q", head)
            if length <= 1 or length > _MAX_HEADER or 8 + length > size:
                raise ImageModelError(f"{_show(file)} is not a valid safetensors file. Download the model again.")
            header = json.loads(f.read(length))
    except OSError as e:
        raise ImageModelError(f"Cannot read {_show(file)}: {e.strerror or e}.") from None
    except (ValueError, UnicodeDecodeError):
        raise ImageModelError(f"{_show(file)} is not a valid safetensors file. Download the model again.") from None
    if not isinstance(header, dict):
        raise ImageModelError(f"{_show(file)} is not a valid safetensors file. Download the model again.")
    end = 0
    for key, entry in header.items():
        if key == "__metadata__":
            continue
        offsets = entry.get("data_offsets") if isinstance(entry, dict) else None
        if not (isinstance(offsets, list) and len(offsets) == 2 and all(_is_int(o) for o in offsets)):
            raise ImageModelError(f"{_show(file)} is not a valid safetensors file. Download the model again.")
        end = max(end, offsets[1])
    expected = 8 + length + end
    if size < expected:
        raise ImageModelError(
            f"{_show(file)} is incomplete: it has {size:,} of {expected:,} bytes. The download was probably "
            "interrupted; download the model again."
        )
    return header


def _show(file: Path) -> str:
    # Name the file by its last two parts ("unet/diffusion_pytorch_model.safetensors"): enough to find it.
    return "/".join(file.parts[-2:]) if len(file.parts) >= 2 else str(file)


def _read_json(file: Path, what: str) -> dict[str, Any]:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except OSError as e:
        raise ImageModelError(f"Cannot read {_show(file)}: {e.strerror or e}.") from None
    except (ValueError, UnicodeDecodeError):
        raise ImageModelError(f"{_show(file)} is damaged: it is not valid JSON. {what}") from None
    if not isinstance(data, dict):
        raise ImageModelError(f"{_show(file)} is damaged: it should hold a JSON object. {what}")
    return data


def _weights_in(folder: Path, component: str) -> str | None:
    """Check a model component's weight files; return "fp16" if only the fp16 variant is there."""
    files = [f for f in folder.iterdir() if f.is_file()]
    names = {f.name for f in files}
    for stem in _MODEL_WEIGHTS:
        for ext in (".safetensors", ".bin"):
            if stem + ext in names:
                if ext == ".safetensors":
                    check_safetensors(folder / (stem + ext))
                return None
            if f"{stem}{ext}.index.json" in names:
                index = _read_json(folder / f"{stem}{ext}.index.json", "Download the model again.")
                shards = sorted(set((index.get("weight_map") or {}).values()))
                missing = [s for s in shards if s not in names]
                if not shards or missing:
                    raise ImageModelError(
                        f"The {component} weights are split into parts and "
                        f"{'some are missing (' + ', '.join(missing[:3]) + ')' if missing else 'the index lists none'}. "
                        "Download the model again."
                    )
                for shard in shards:
                    if shard.endswith(".safetensors"):
                        check_safetensors(folder / shard)
                return None
    for stem in _MODEL_WEIGHTS:
        if f"{stem}.fp16.safetensors" in names:
            check_safetensors(folder / f"{stem}.fp16.safetensors")
            return "fp16"
    raise ImageModelError(
        f"The {component} folder has no weights file (diffusion_pytorch_model.safetensors or model.safetensors). "
        "The download is incomplete; download the model again."
    )


def _native_side(folder: Path) -> int | None:
    """Picture size the model was trained at: the UNet's latent size times the VAE's scale."""
    try:
        unet = json.loads((folder / "unet" / "config.json").read_text(encoding="utf-8"))
        vae = json.loads((folder / "vae" / "config.json").read_text(encoding="utf-8"))
        sample = int(unet["sample_size"])
        scale = 2 ** (len(vae["block_out_channels"]) - 1)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    side = sample * scale
    return side if MIN_SIDE <= side <= MAX_SIDE and side % 8 == 0 else None


def _family(class_name: str, *names: str) -> str:
    xl = "XL" in class_name
    turbo = any("turbo" in n.lower() for n in names if n)
    return ("sdxl" if xl else "sd") + ("-turbo" if turbo else "")


def _check_folder(folder: Path) -> ModelInfo:
    index_file = folder / "model_index.json"
    if not index_file.exists():
        hint = ""
        if (folder / "config.json").exists() or (folder / "scheduler_config.json").exists():
            hint = " It looks like one part of a model; choose the folder above it."
        elif (folder.parent / "model_index.json").exists():
            hint = f" Choose the folder above it ({folder.parent.name})."
        raise ImageModelError(
            f"{folder.name} is not a diffusers model folder: it has no model_index.json.{hint} "
            "Choose the whole downloaded model folder (for SD-Turbo, the 'sd-turbo' folder)."
        )
    what = "Download the model again."
    index = _read_json(index_file, what)
    class_name = index.get("_class_name")
    if not isinstance(class_name, str) or not class_name:
        raise ImageModelError(f"{_show(index_file)} is damaged: it does not say which pipeline the model is. {what}")
    components: dict[str, tuple[str, str]] = {}
    for key, value in index.items():
        if key.startswith("_"):
            continue
        if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value):
            components[key] = (value[0], value[1])
    base_class = _TWINS.get(class_name, class_name)
    needed = _NEEDED.get(base_class)
    if needed is None:
        # Unknown pipelines may still draw from text, but only those with a text tokenizer and a denoiser.
        if not any(k.startswith("tokenizer") for k in components) or not (
            "unet" in components or "transformer" in components or "prior" in components
        ):
            raise ImageModelError(
                f"{folder.name} holds a {class_name}, which does not draw pictures from a text prompt. "
                "Choose a text-to-image model such as SD-Turbo or SDXL-Turbo."
            )
        needed = tuple(components)
    missing_entries = [n for n in needed if n not in components]
    if missing_entries:
        raise ImageModelError(
            f"{_show(index_file)} lists no {', '.join(missing_entries)}, which a {class_name} needs. {what}"
        )
    variant = None
    absent = []
    for name in components:
        sub = folder / name
        if not sub.is_dir() and name in _OPTIONAL:
            absent.append(name)
            continue
        if not sub.is_dir():
            raise ImageModelError(
                f"{folder.name} is incomplete: the '{name}' folder is missing. The download was probably "
                "interrupted; download the model again."
            )
        if name.startswith("tokenizer"):
            if not any(sub.iterdir()):
                raise ImageModelError(f"{folder.name} is incomplete: the '{name}' folder is empty. {what}")
            continue
        if name == "scheduler":
            _read_json(sub / "scheduler_config.json", what)
            continue
        if name.startswith("feature_extractor") or name.endswith("processor"):
            continue
        _read_json(sub / "config.json", what)
        if _weights_in(sub, name) == "fp16":
            variant = "fp16"
    names = (folder.name, str(index.get("_name_or_path") or ""))
    family = _family(base_class, *names)
    return ModelInfo(folder, "folder", class_name, _family_defaults(family, _native_side(folder)), variant,
                     absent=tuple(absent))


def _check_file(file: Path) -> ModelInfo:
    suffix = file.suffix.lower()
    if suffix == ".safetensors":
        header = check_safetensors(file)
        keys = [k for k in header if k != "__metadata__"]
        if not any(k.startswith("model.diffusion_model.") for k in keys):
            raise ImageModelError(
                f"{file.name} is not a whole Stable Diffusion checkpoint (it has no UNet weights). It may be a LoRA, "
                "an embedding or one part of a model; choose a full checkpoint or a diffusers folder."
            )
        xl = any(k.startswith("conditioner.embedders.1.") for k in keys)
        class_name = "StableDiffusionXLPipeline" if xl else "StableDiffusionPipeline"
    elif suffix in (".ckpt", ".pt", ".pth"):
        try:
            with open(file, "rb") as f:
                magic = f.read(2)
        except OSError as e:
            raise ImageModelError(f"Cannot read {file.name}: {e.strerror or e}.") from None
        if magic not in (b"PK", b"\x80\x02", b"\x80\x03", b"\x80\x04", b"\x80\x05"):
            raise ImageModelError(f"{file.name} is not a PyTorch checkpoint (or it is damaged).")
        class_name = "StableDiffusionXLPipeline" if "xl" in file.name.lower() else "StableDiffusionPipeline"
    else:
        raise ImageModelError(
            f"{file.name} is not an image model: choose a diffusers folder (with model_index.json) or a "
            ".safetensors / .ckpt checkpoint."
        )
    # Turning a single file into a pipeline needs its configuration; offline it must be on disk. The
    # hub layout (e.g. stabilityai/sd-turbo) keeps sd_turbo.safetensors next to model_index.json.
    config_dir = file.parent if (file.parent / "model_index.json").exists() else None
    family = _family(class_name, file.name, file.parent.name)
    return ModelInfo(file, "file", class_name, _family_defaults(family, None), None, config_dir)


def check_model(path: Path | str) -> ModelInfo:
    """Everything that can be checked without torch; ImageModelError with a plain message otherwise."""
    path = Path(os.path.expanduser(str(path)))
    if not path.exists():
        raise ImageModelError(f"The image model {path} does not exist. Choose a model folder or checkpoint file.")
    if path.is_dir():
        return _check_folder(path)
    return _check_file(path)
