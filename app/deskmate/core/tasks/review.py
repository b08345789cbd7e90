"""Review pass: the model checks an answer against its instruction, and rewrites it once if needed.

The verdict is schema-constrained JSON. ``issues`` comes before ``ok`` in the
schema so the model names problems before it decides (reason, then verdict);
an answer with any issue listed counts as not ok, whatever ``ok`` says.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from deskmate.core.engines.base import ChatClient, Sampling, msg

if TYPE_CHECKING:
    from .proofread import ProofreadResult

MAX_ISSUES = 5
ISSUE_CHARS = 160

DEFAULT_CHECKLIST = (
    "It does everything the instruction asks, and nothing else.",
    "Facts, numbers and names match the instruction.",
    "It is in the requested language, format and length.",
    "No repetition, filler or notes to the reader.",
)

VERDICT_SCHEMA = {
    "type": "object",
    "properties": {
        "issues": {
            "type": "array",
            "items": {"type": "string", "maxLength": ISSUE_CHARS},
            "maxItems": MAX_ISSUES,
        },
        "ok": {"type": "boolean"},
    },
    "required": ["issues", "ok"],
    "additionalProperties": False,
}

# Judging wants no creativity at all; the rewrite uses the task's own sampling.
VERDICT_SAMPLING = Sampling(temperature=0.0, top_p=1.0, top_k=1, repeat_penalty=1.0, max_tokens=60 + 60 * MAX_ISSUES)


class ReviewError(Exception):
    """The review could not be done (the model's verdict was unreadable)."""


@dataclasses.dataclass(frozen=True)
class Verdict:
    ok: bool
    issues: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class ReviewResult:
    original: str
    revised: str | None  # None when the answer passed (or the rewrite came back empty)
    ok: bool
    issues: list[str]

    @property
    def final(self) -> str:
        return self.revised or self.original

    def diff(self, lang: str = "en") -> "ProofreadResult":
        """What the rewrite changed in the first answer, as proofreading changes (token diff, each with
        the kind of edit as its reason): ``apply(ids)`` keeps the accepted ones, ``apply([])`` undoes all.
        No changes when the answer passed."""
        from .proofread import ProofreadResult, diff_changes, edit_reason

        revised = self.revised or self.original
        changes = tuple(dataclasses.replace(c, reason=edit_reason(c, lang)) for c in diff_changes(self.original, revised))
        return ProofreadResult(self.original, revised, changes, ())


def parse_verdict(text: str) -> Verdict:
    """Read the model's JSON verdict. Raises ReviewError in plain words when it is not one."""
    try:
        data = json.loads(text, strict=False)  # models put raw newlines and tabs inside strings
    except ValueError:
        raise ReviewError(
            "The review could not be read: the model's verdict was cut off or is not valid JSON. "
            "The answer itself is unchanged."
        ) from None
    well_formed = isinstance(data, dict) and isinstance(data.get("ok"), bool)
    if not well_formed or not isinstance(data.get("issues", []), list):
        raise ReviewError("The review could not be read: the verdict has no yes/no 'ok' and list of 'issues'.")
    issues: list[str] = []
    for item in data.get("issues", []):
        issue = " ".join(str(item).split())[:ISSUE_CHARS]
        if issue and issue not in issues:
            issues.append(issue)
    issues = issues[:MAX_ISSUES]
    return Verdict(data["ok"] and not issues, tuple(issues))


def verdict_messages(instruction: str, answer: str, checklist: Sequence[str]) -> list[dict[str, str]]:
    checks = "\n".join(f"- {c}" for c in checklist)
    return [
        msg(
            "system",
            "You check answers. Compare the answer with the instruction and the checklist. "
            "List each real problem you find in issues, in a short sentence each (an empty list if there are none), "
            "then set ok to true only if there are no problems.",
        ),
        msg("user", f"Instruction:\n{instruction}\n\nAnswer:\n{answer}\n\nChecklist:\n{checks}"),
    ]


def check(client: ChatClient, instruction: str, answer: str, checklist: Sequence[str] = DEFAULT_CHECKLIST) -> Verdict:
    """One constrained verdict; a cut-off or unreadable one is asked for again once."""
    messages = verdict_messages(instruction, answer, checklist)
    completion = client.complete(messages, VERDICT_SAMPLING, schema=VERDICT_SCHEMA)
    try:
        return parse_verdict(completion.text)
    except ReviewError:
        # Greedy decoding can run a list until the token limit; a seeded sample usually ends it.
        retry = VERDICT_SAMPLING.replace(temperature=0.3, top_k=40, seed=7, max_tokens=VERDICT_SAMPLING.max_tokens * 2)
        return parse_verdict(client.complete(messages, retry, schema=VERDICT_SCHEMA).text)


def revise(
    client: ChatClient,
    instruction: str,
    answer: str,
    issues: Sequence[str],
    checklist: Sequence[str] = DEFAULT_CHECKLIST,
    sampling: Sampling | None = None,
) -> str:
    """Rewrite ``answer`` once so it fixes ``issues``; returns the new text ('' if none came back)."""
    problems = "\n".join(f"- {i}" for i in issues) or "\n".join(f"- Check: {c}" for c in checklist)
    base = sampling or Sampling(temperature=0.3, max_tokens=160)
    # Room for an answer about as long as the first one, whatever the task's limit.
    sampling = base.replace(max_tokens=max(base.max_tokens, 64 + len(answer) // 2))
    messages = [
        msg(
            "system",
            "You improve answers. Rewrite the answer so that it follows the instruction and fixes every problem listed. "
            "Reply with the new answer only, with no notes about what you changed.",
        ),
        msg("user", f"Instruction:\n{instruction}\n\nAnswer:\n{answer}\n\nProblems to fix:\n{problems}"),
    ]
    return client.complete(messages, sampling).text.strip()


def review(
    client: ChatClient,
    instruction: str,
    answer: str,
    *,
    checklist: Sequence[str] = DEFAULT_CHECKLIST,
    sampling: Sampling | None = None,
    rewrite: bool = True,
) -> ReviewResult:
    """Check ``answer`` against ``instruction``; if it fails, rewrite it once with the issues found.

    ``sampling`` is used for the rewrite (pass the task's own creativity)."""
    verdict = check(client, instruction, answer, checklist)
    revised = None
    if not verdict.ok and rewrite:
        revised = revise(client, instruction, answer, verdict.issues, checklist, sampling) or None
    return ReviewResult(answer, revised, verdict.ok, list(verdict.issues))
