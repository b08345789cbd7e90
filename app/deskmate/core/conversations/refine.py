"""A follow-up turn: which output kind it asks for, and the words that ask the model to refine.

"shorter", "more formal" keep the previous answer's kind (a table stays a table, proofreading
stays a diff); "make it a table", "translate to English", "proofread it", "as plain text" change it.
"""

from __future__ import annotations

import dataclasses
import re

from .request import target_language

_TABLE = re.compile(r"\b(?:tables?|tabular|grid|spreadsheet)\b|表格|列表格|做成表|列成表|制成表", re.IGNORECASE)
_TRANSLATE = re.compile(r"\btranslat\w*\b|翻译|译成|译为|翻成", re.IGNORECASE)
_PROOFREAD = re.compile(r"\bproof-?read\w*\b|\bspell(?:ing)?\s*check\w*|校对|纠错|改错", re.IGNORECASE)
_TEXT = re.compile(r"\b(?:as|into|in)\s+(?:plain\s+)?(?:text|prose|paragraphs?|sentences)\b|写成段落|写成文字|改成文字",
                   re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class Refinement:
    kind: str  # the output kind of the new turn
    changes_kind: bool  # the turn asked for another kind than the previous answer's
    target: str | None = None  # a translation's target language


def refinement(instruction: str, previous_kind: str) -> Refinement:
    """What a follow-up turn asks for, given the previous answer's output kind."""
    target = target_language(instruction)
    # "translate to English", and also a bare "in English" / "改成英文" (no table asked for).
    if target is not None and (_TRANSLATE.search(instruction) or not _TABLE.search(instruction)):
        return Refinement("translation", previous_kind != "translation", target)
    if _TABLE.search(instruction):
        return Refinement("table", previous_kind != "table")
    if _PROOFREAD.search(instruction):
        return Refinement("diff", previous_kind != "diff")
    if _TEXT.search(instruction) and previous_kind in ("table", "json"):
        return Refinement("text", True)
    return Refinement(previous_kind, False)


# The person's instruction first, then what to do with it: small models follow the last line best.
_REFINE = {
    "en": "{instruction}\n\nApply this to your previous answer and reply with the whole new version only.",
    "zh": "{instruction}\n\n请按这个要求修改你上一次的回答，只回复修改后的完整内容。",
}
_TABLE_AGAIN = {
    "en": "{instruction}\n\nApply this to your previous table and reply with the whole new table only.",
    "zh": "{instruction}\n\n请按这个要求修改你上一次的表格，只回复修改后的完整表格。",
}
_TO_TABLE = {
    "en": "{instruction}\n\nPut the content of your previous answer into a table: one row per item, "
          "a short column name for each detail.",
    "zh": "{instruction}\n\n请把你上一次回答的内容整理成表格：每项一行，每个细节一列，列名简短。",
}


def refinement_prompt(instruction: str, previous_kind: str, kind: str, lang: str) -> str:
    """The user message of a refinement turn; the previous answer goes before it as the assistant's."""
    lang = "zh" if lang == "zh" else "en"
    if kind == "table":
        words = _TABLE_AGAIN if previous_kind == "table" else _TO_TABLE
    else:
        words = _REFINE
    return words[lang].format(instruction=instruction.strip())
