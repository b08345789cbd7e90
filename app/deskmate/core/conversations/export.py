"""A conversation as one document: Markdown, then the drafts' exporters (Markdown, DOCX, HTML);
PDF from the same HTML through a writer the front end gives (the window draws it with Qt)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from deskmate.core.store.conversations import ConversationRecord
from deskmate.core.store.io import EXPORT_SUFFIXES, DraftExportError, export_draft, to_html
from deskmate.core.tasks import Catalog

PdfWriter = Callable[[str, Path], None]  # (a complete HTML page, the .pdf path)

_WORDS = {
    "en": {"you": "You", "answer": "Deskmate ({task})", "stopped": "(stopped before the end)",
           "failed": "(failed: {error})", "interrupted": "(interrupted: Deskmate stopped while writing)"},
    "zh": {"you": "你", "answer": "Deskmate（{task}）", "stopped": "（生成中途已停止）",
           "failed": "（失败：{error}）", "interrupted": "（中断：Deskmate 在生成时停止了）"},
}


def to_markdown(conversation: ConversationRecord, lang: str = "en", catalog: Catalog | None = None) -> str:
    """Each turn as the request under "You" and the answer under the task that wrote it."""
    if catalog is None:
        from deskmate.core.tasks import default_catalog

        catalog = default_catalog()
    words = _WORDS["zh" if lang == "zh" else "en"]
    parts = [f"# {conversation.title}"]
    for turn in conversation.turns:
        parts.append(f"## {words['you']}\n\n{turn.request}")
        body = turn.text.strip()
        note = {"stopped": words["stopped"], "failed": words["failed"].format(error=turn.error),
                "running": words["interrupted"]}.get(turn.state)
        if note:
            body = f"{body}\n\n*{note}*" if body else f"*{note}*"
        task = catalog.task(turn.task_id).name.get(lang) if turn.task_id in catalog else turn.task_id
        parts.append(f"## {words['answer'].format(task=task)}\n\n{body}")
    return "\n\n".join(parts) + "\n"


def export_conversation(conversation: ConversationRecord, path: str | os.PathLike[str], *, lang: str = "en",
                        pdf: PdfWriter | None = None, catalog: Catalog | None = None) -> Path:
    """Write the conversation as .md, .docx, .html or .pdf, chosen by the file name."""
    path = Path(path)
    text = to_markdown(conversation, lang, catalog)
    if path.suffix.lower() != ".pdf":
        return export_draft(text, path, title=conversation.title)
    if pdf is None:
        raise DraftExportError("PDF needs the Deskmate window to draw the pages; export as "
                               f"{', '.join(EXPORT_SUFFIXES)} here, or use File → Export in the window.")
    if not path.parent.is_dir():
        raise DraftExportError(f"The folder {path.parent} does not exist.")
    try:
        pdf(to_html(text, conversation.title), path)
    except OSError as e:
        raise DraftExportError(f"Could not write {path}: {e.strerror or e}.") from None
    return path
