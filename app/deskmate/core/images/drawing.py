"""The drawing hand-off: the text model turns a request ("a poster of our team picnic") into an image prompt.

It uses the catalog's ``image.prompt`` task, whose answer is one English
paragraph and then a line starting with "Negative:". Small models wrap that in
labels, quotes, fences or a friendly intro line; :func:`clean_prompt` strips
all of it so the image model gets only the picture's description.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from deskmate.core.engines.base import ChatClient

from .jobs import ImageError, ImageJob

TASK_ID = "image.prompt"
# CLIP reads 77 tokens; about 60 words fit with room for punctuation.
MAX_PROMPT_WORDS = 60
MAX_NEGATIVE_WORDS = 30


class DrawingPromptError(ImageError):
    """The text model gave nothing usable as an image prompt."""


@dataclasses.dataclass(frozen=True)
class DrawingPrompt:
    prompt: str
    negative_prompt: str = ""


_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_NEGATIVE = re.compile(r"(?:^|\n|\s)\W{0,3}(?:negative(?:\s+prompt)?|avoid|负面提示词|反向提示词|负面词|负面)\W{0,3}\s*[:：]",
                       re.IGNORECASE)
_LABEL = re.compile(
    r"^\W{0,3}(?:(?:positive\s+|image\s+|drawing\s+|final\s+)?prompt|提示词|正面提示词|描述)\W{0,3}\s*[:：]\s*", re.IGNORECASE
)
_INTRO = re.compile(r"^(?:here(?:'s| is| are)|sure|certainly|okay|ok|好的|以下是|下面是)\b.*[:：]\s*$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


def _tidy(text: str, max_words: int) -> str:
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("```") or _INTRO.match(line):
            continue
        line = _LABEL.sub("", _BULLET.sub("", line)).strip()
        if line:
            lines.append(line.strip("*_`\"'“”‘’ ").strip())
    joined = ", ".join(p.rstrip(",;") for p in lines if p)
    joined = re.sub(r"\s+", " ", joined)
    joined = re.sub(r"\s*,(\s*,)+", ",", joined).strip(" ,;")
    return _limit_words(joined, max_words)


def _limit_words(text: str, max_words: int) -> str:
    if len(text.split()) <= max_words:
        return text
    # Keep whole comma-separated phrases while they fit: a phrase cut in half reads as noise.
    kept: list[str] = []
    count = 0
    for phrase in text.split(","):
        n = len(phrase.split())
        if count + n > max_words:
            break
        kept.append(phrase.strip())
        count += n
    if kept:
        return ", ".join(kept)
    return " ".join(text.split()[:max_words])


def clean_prompt(text: str) -> DrawingPrompt:
    """The prompt and the negative prompt from a text model's answer, free of labels and chatter."""
    text = _THINK.sub("", text or "").replace("\r\n", "\n")
    m = _NEGATIVE.search(text)
    positive, negative = (text[: m.start()], text[m.end():]) if m else (text, "")
    prompt = _tidy(positive, MAX_PROMPT_WORDS)
    neg = _tidy(negative, MAX_NEGATIVE_WORDS)
    if not any(ch.isalpha() for ch in prompt):
        raise DrawingPromptError(
            "The text model did not write a usable image prompt. Try again, or write the prompt yourself."
        )
    return DrawingPrompt(prompt, neg)


def _lang_of(text: str) -> str:
    from deskmate.core.tasks.langdetect import detect_language

    return "zh" if detect_language(text).code == "zh" else "en"


def drawing_prompt(
    client: ChatClient,
    request: str,
    *,
    style: str = "",
    mood: str = "",
    lang: str | None = None,
    creativity: float | None = None,
    seed: int | None = None,
) -> DrawingPrompt:
    """Ask the text model for an image prompt (and a negative prompt) for ``request``."""
    from deskmate.core.tasks.render import render

    if not request or not request.strip():
        raise DrawingPromptError("Say what the picture should show.")
    lang = lang or _lang_of(request)
    messages, sampling = render(TASK_ID, {"subject": request, "style": style, "mood": mood}, lang=lang,
                                creativity=creativity)
    if seed is not None:
        sampling = sampling.replace(seed=seed)
    answer = client.complete(messages, sampling)
    return clean_prompt(answer.text)


def prompt_from_request(client: ChatClient, request: str, **options: Any) -> str:
    """The cleaned image prompt for ``request`` (see :func:`drawing_prompt` for the options)."""
    return drawing_prompt(client, request, **options).prompt


def job_from_request(client: ChatClient, request: str, model: Path | str, **job_settings: Any) -> ImageJob:
    """A ready image job for ``request``: the text model's prompt and negative prompt on ``model``."""
    drawn = drawing_prompt(client, request)
    return ImageJob(prompt=drawn.prompt, model=Path(model), negative_prompt=drawn.negative_prompt, **job_settings)
