"""Every table and key of settings.toml, each declared once: its type, default, check and meaning.

The README's list of settings is made from these models (``python -m deskmate.core.settings``),
and so are the error messages for a wrong value.
"""

from __future__ import annotations

import os
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .early import DEFAULT_UI_LANGUAGE, DEFAULT_UI_THEME, DEFAULT_UI_ZOOM, UI_ZOOM_STEPS
from .errors import SettingsValueError
from .remote import RemoteSettings

DEFAULT_HUB = "https://huggingface.co"


class _Table(BaseModel):
    # strict: TOML has real types, so `offline = "yes"` is a mistake to report, not a string to guess at.
    # extra="forbid": a misspelt key is reported by name instead of being silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _path(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise SettingsValueError("This must be the path of a file or folder, not empty text. "
                                 "Delete the line to use the default.")
    return os.path.expanduser(value) if value else None


def clean_hub_address(value: str) -> str:
    """A hub address without its trailing slash; SettingsValueError when it is not a web address."""
    cleaned = value.strip().rstrip("/")
    if not re.match(r"^https?://[^/\s]+", cleaned):
        raise SettingsValueError(f"The hub address must start with http:// or https:// (found {value!r}).")
    return cleaned


class EngineSettings(_Table):
    """``[engine]``: the local model and how it runs."""

    model: str | None = Field(
        None,
        description="The GGUF model file to run; unset: the built-in model (SmolLM2-135M).",
        examples=["~/models/qwen2.5-7b-instruct-q4_k_m.gguf"],
        json_schema_extra={"expect": "the path of a .gguf file, in quotes"},
    )
    n_ctx: int = Field(4096, ge=256, le=1 << 20, description="Context size in tokens: how much text the model sees at once.")
    threads: int = Field(0, ge=0, le=512, description="CPU threads for the model; 0: one per CPU core.")

    @field_validator("model")
    @classmethod
    def _model(cls, value: str | None) -> str | None:
        return _path(value)


class AppSettings(_Table):
    """``[app]``: the whole application."""

    offline: bool = Field(False, description="Send nothing over the network: no downloads, no remote servers.")
    close_to_tray: bool = Field(
        False, description="Closing the window keeps Deskmate running in the tray, so quick actions stay at hand."
    )


class UISettings(_Table):
    """``[ui]``: the window."""

    language: Literal["en", "zh"] = Field(DEFAULT_UI_LANGUAGE, description="The interface language: English or Simplified Chinese.")
    theme: Literal["system", "light", "dark"] = Field(
        DEFAULT_UI_THEME, description="The window's colours: follow the system's light or dark mode, or always light or dark."
    )
    zoom: int = Field(
        DEFAULT_UI_ZOOM,
        description="The size of all text in the window, in percent (View → Zoom in / Zoom out, Ctrl+= / Ctrl+-).",
        json_schema_extra={"expect": "one of " + ", ".join(map(str, UI_ZOOM_STEPS))},
    )

    @field_validator("zoom")
    @classmethod
    def _zoom(cls, value: int) -> int:
        if value not in UI_ZOOM_STEPS:
            raise SettingsValueError(f"The text size must be one of {', '.join(map(str, UI_ZOOM_STEPS))} (percent); "
                                     f"found {value}.")
        return value


class ImagesSettings(_Table):
    """``[images]``: the picture add-on."""

    model: str | None = Field(
        None,
        description="The diffusers model folder for the Images tab (File → Choose image model…); "
        "unset: the first installed image model. $DESKMATE_IMAGE_MODEL overrides it.",
        examples=["~/models/sd-turbo"],
        json_schema_extra={"expect": "the path of a model folder, in quotes"},
    )

    @field_validator("model")
    @classmethod
    def _model(cls, value: str | None) -> str | None:
        return _path(value)


class ModelsSettings(_Table):
    """``[models]``: downloading models."""

    hf_endpoint: str | None = Field(
        None,
        description="The Hugging Face Hub address downloads come from, e.g. a mirror; unset: "
        f"{DEFAULT_HUB}. $HF_ENDPOINT overrides it.",
        examples=["https://hf-mirror.com"],
        json_schema_extra={"expect": "an address starting with https:// or http://"},
    )

    # [models] offline was a second offline switch; reading it says where it went instead of "no such setting".
    @model_validator(mode="before")
    @classmethod
    def _moved(cls, data: Any) -> Any:
        if isinstance(data, dict) and "offline" in data:
            raise SettingsValueError(
                "This setting moved: delete it here and write offline = true (or false) under [app] instead; "
                "that one switch covers downloads and remote servers alike.",
                at=("offline",),
            )
        return data

    @field_validator("hf_endpoint")
    @classmethod
    def _hub(cls, value: str | None) -> str | None:
        try:
            return None if value is None else clean_hub_address(value)
        except SettingsValueError as e:
            raise SettingsValueError(f'{e} Write for example hf_endpoint = "https://hf-mirror.com".') from None


class Settings(_Table):
    """The whole of settings.toml."""

    engine: EngineSettings = Field(default_factory=EngineSettings, description="The local model and how it runs.")
    app: AppSettings = Field(default_factory=AppSettings, description="The whole application.")
    ui: UISettings = Field(default_factory=UISettings, description="The window.")
    images: ImagesSettings = Field(default_factory=ImagesSettings, description="The picture add-on.")
    models: ModelsSettings = Field(default_factory=ModelsSettings, description="Downloading models.")
    remote: RemoteSettings = Field(
        default_factory=RemoteSettings, description="Remote OpenAI-compatible servers and which tasks go to them."
    )
