"""One 0–1 control, factual ↔ creative, turned into sampling settings and a line for the prompt.

Every setting rises with creativity. Repeat penalty starts at 1.0 on purpose:
faithful jobs (translation, proofreading) must be free to repeat the source's
own terms, while creative jobs gain from being pushed off repeated phrases.
"""

from __future__ import annotations

import math

from deskmate.core.engines.base import Sampling

FACTUAL = 0.0
CREATIVE = 1.0

# (upper bound, label en, label zh, hint en, hint zh) — ordered from factual to creative.
_BANDS: tuple[tuple[float, str, str, str, str], ...] = (
    (
        0.15,
        "Strict",
        "严谨",
        "Be strictly faithful: use only the information given, change nothing you were not asked to change, "
        "and do not add facts, names or numbers.",
        "严格忠实：只使用给出的信息，不要改动未要求修改的内容，不要添加任何事实、人名或数字。",
    ),
    (
        0.4,
        "Factual",
        "客观",
        "Stay factual and precise. Do not invent facts; if something needed is missing, say so or leave a clear "
        "placeholder such as [date].",
        "保持客观准确，不要编造事实；缺少必要信息时请直接说明，或留出明显的占位符，如【日期】。",
    ),
    (
        0.65,
        "Balanced",
        "平衡",
        "Balance accuracy and readability: keep every fact right, and feel free to improve the wording and flow.",
        "兼顾准确与可读：事实务必准确，措辞和行文可以适当润色。",
    ),
    (
        0.85,
        "Creative",
        "创意",
        "Be creative: vivid wording, fresh angles and a little surprise are welcome, as long as the facts given "
        "stay true.",
        "发挥创意：欢迎生动的措辞、新颖的角度和一点惊喜，但给出的事实不能改变。",
    ),
    (
        math.inf,
        "Imaginative",
        "奔放",
        "Be bold and imaginative: playful, unexpected and unconventional ideas are welcome; variety matters more "
        "than caution.",
        "大胆发挥想象：欢迎有趣、出人意料、不落俗套的想法；多样性比稳妥更重要。",
    ),
)


def check(creativity: float) -> float:
    """The value itself, or a ValueError a person can act on."""
    value = float(creativity)
    if math.isnan(value) or not 0.0 <= value <= 1.0:
        raise ValueError(f"Creativity must be between 0 (factual) and 1 (creative), not {creativity}.")
    return value


def band(creativity: float) -> int:
    """0 (strict) to 4 (imaginative)."""
    value = check(creativity)
    return next(i for i, b in enumerate(_BANDS) if value < b[0])


def label(creativity: float, lang: str = "en") -> str:
    b = _BANDS[band(creativity)]
    return b[2] if lang == "zh" else b[1]


def hint(creativity: float, lang: str = "en") -> str:
    """The sentence added to the system prompt for this level."""
    b = _BANDS[band(creativity)]
    return b[4] if lang == "zh" else b[3]


def sampling_for(creativity: float, *, max_tokens: int = 512, base: Sampling | None = None) -> Sampling:
    """Sampling for this creativity; seed and stop words come from ``base``."""
    c = check(creativity)
    return (base or Sampling()).replace(
        temperature=round(0.1 + 1.0 * c, 3),
        top_p=round(0.75 + 0.23 * c, 3),
        top_k=int(round(20 + 60 * c)),
        repeat_penalty=round(1.0 + 0.15 * c, 3),
        max_tokens=max_tokens,
    )
