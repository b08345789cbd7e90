"""Translate side by side: the source on the left, the translation streaming in on the right.

The work is core's TaskRun of the translation task (the path `deskmate write` and
`deskmate translate` take, with its language check), run on a Worker thread; its
events arrive here on the GUI thread and only append text and move the progress
bar. Stop cancels the run and keeps whatever has arrived.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from deskmate.core.engines.base import ChatClient
from deskmate.core.tasks.langdetect import Language, detect_language, language_name
from deskmate.core.tasks.run import Delta, Paragraph, Progress, TaskResult, TaskRun, TranslationDone
from deskmate.core.tasks.translate import TranslationResult

from .background import Worker, describe_error
from .engine_bridge import ClientSource, current_client
from .retranslating import Retranslating
from .status import notice_label, show_count, show_notice, text_of

Message = Callable[[], str]

TASK = "translate.text"  # the catalog task this view runs
# The languages offered in the pickers, in this order; any code resolve_language knows also works.
LANGUAGES = ("zh", "en", "ja", "ko", "fr", "de", "es", "pt", "it", "ru", "ar", "vi", "th", "id", "nl", "tr", "pl")
CODE_ROLE = Qt.ItemDataRole.UserRole


class TranslationView(Retranslating, QWidget):
    translationFinished = Signal(object)  # TranslationResult (``cancelled`` says whether Stop ended it)
    translationFailed = Signal(str)  # the message shown to the person
    busyChanged = Signal(bool)
    insertRequested = Signal(str)  # the translation, for the draft

    def __init__(
        self,
        client: ClientSource | None = None,
        parent: QWidget | None = None,
        *,
        source: str | None = None,
        target: str = "zh",
    ) -> None:
        super().__init__(parent)
        self._client_source = client
        self._glossary: dict[str, str] = {}
        self._detected: Language | None = None
        self._progress: tuple[int, int] | None = None  # (paragraph number, total) while running
        # Messages are kept as functions that build them, so retranslate() can say them again.
        self._warnings: list[Message] = []
        self._error: Message | None = None
        self._status: Message | None = None
        self._busy = False
        self._stopping = False

        self.worker = Worker(self, name="translation")
        self.worker.event.connect(self._on_event)
        self.worker.finished.connect(self._on_worker_finished)
        self.worker.failed.connect(self._on_worker_failed)

        self.source_combo = QComboBox()
        self.target_combo = QComboBox()
        # "Auto-detect (English)" is longer than "Auto-detect": let the picker grow with its text.
        self.source_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.source_combo.addItem("", None)  # Auto-detect; named in retranslate()
        for code in LANGUAGES:
            self.source_combo.addItem("", code)
            self.target_combo.addItem("", code)
        self.swap_button = QPushButton("⇄")
        self.swap_button.setMaximumWidth(44)
        self.swap_button.clicked.connect(self.swap)
        self.translate_button = QPushButton()
        self.stop_button = QPushButton()
        self.stop_button.setEnabled(False)
        self.translate_button.clicked.connect(self.translate)
        self.stop_button.clicked.connect(self.stop)

        self.source_edit = QPlainTextEdit()
        self.target_edit = QPlainTextEdit()
        self.source_edit.textChanged.connect(self._source_edited)
        self.target_edit.textChanged.connect(self._update_result_buttons)
        self.copy_button = QPushButton()
        self.insert_button = QPushButton()
        self.copy_button.clicked.connect(self.copy_result)
        self.insert_button.clicked.connect(self.insert_result)

        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.setMinimumWidth(200)  # room for "Paragraph 12 of 40" in any language
        self.progress.hide()
        self.status = QLabel()
        self.notice = notice_label()

        self.translate_action = self._shortcut("Ctrl+Return", self.translate)
        self.stop_action = self._shortcut("Esc", self.stop)
        self.copy_action = self._shortcut("Ctrl+Shift+C", self.copy_result)
        self.insert_action = self._shortcut("Ctrl+I", self.insert_result)

        for combo in (self.source_combo, self.target_combo):  # elided, so a large zoom still fits the screen
            combo.setMinimumContentsLength(6)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        bar = QHBoxLayout()
        self.source_label = QLabel()
        self.target_label = QLabel()
        self.source_label.setBuddy(self.source_combo)
        self.target_label.setBuddy(self.target_combo)
        for w in (self.source_label, self.source_combo, self.swap_button, self.target_label, self.target_combo):
            bar.addWidget(w, 1 if isinstance(w, QComboBox) else 0)  # the combos share the room the stretch has
        bar.addStretch(1)
        bar.addWidget(self.translate_button)
        bar.addWidget(self.stop_button)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.source_edit)
        split.addWidget(self.target_edit)
        foot = QHBoxLayout()
        foot.addWidget(self.progress)
        foot.addWidget(self.status, 1)
        foot.addWidget(self.copy_button)
        foot.addWidget(self.insert_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addLayout(foot)
        layout.addWidget(self.notice)

        self.retranslate()
        self.set_languages(source, target)
        self._update_result_buttons()

    def _shortcut(self, keys: str, slot: Callable[[], None]) -> QAction:
        action = QAction(self)
        action.setShortcut(QKeySequence(keys))
        # Only while the focus is in this view: the main window may use the same keys for its editor.
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    # --- text ----------------------------------------------------------------
    def _language_labels(self) -> dict[str, str]:
        return {
            "zh": self.tr("Chinese"), "en": self.tr("English"), "ja": self.tr("Japanese"),
            "ko": self.tr("Korean"), "fr": self.tr("French"), "de": self.tr("German"),
            "es": self.tr("Spanish"), "pt": self.tr("Portuguese"), "it": self.tr("Italian"),
            "ru": self.tr("Russian"), "ar": self.tr("Arabic"), "vi": self.tr("Vietnamese"),
            "th": self.tr("Thai"), "id": self.tr("Indonesian"), "nl": self.tr("Dutch"),
            "tr": self.tr("Turkish"), "pl": self.tr("Polish"),
        }  # fmt: skip

    def language_label(self, code: str) -> str:
        return self._language_labels().get(code) or language_name(code)

    def retranslate(self) -> None:
        for combo in (self.source_combo, self.target_combo):
            for i in range(combo.count()):
                code = combo.itemData(i, CODE_ROLE)
                if code is not None:
                    combo.setItemText(i, self.language_label(code))
        self._update_auto_label()
        self.source_label.setText(self.tr("&From:"))
        self.target_label.setText(self.tr("&To:"))
        self.source_combo.setAccessibleName(self.tr("Source language"))
        self.target_combo.setAccessibleName(self.tr("Target language"))
        self.swap_button.setToolTip(self.tr("Swap languages and texts"))
        self.swap_button.setAccessibleName(self.tr("Swap languages and texts"))
        self.translate_button.setText(self.tr("Translate"))
        self.translate_button.setToolTip(self.tr("Translate (Ctrl+Enter)"))
        self.translate_button.setAccessibleName(self.tr("Translate"))
        self.stop_button.setText(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("Stop and keep what has been translated (Esc)"))
        self.stop_button.setAccessibleName(self.tr("Stop translating"))
        self.source_edit.setPlaceholderText(self.tr("Type or paste the text to translate."))
        self.source_edit.setAccessibleName(self.tr("Text to translate"))
        self.target_edit.setPlaceholderText(self.tr("The translation appears here, paragraph by paragraph."))
        self.target_edit.setAccessibleName(self.tr("Translation"))
        self.copy_button.setText(self.tr("Copy"))
        self.copy_button.setToolTip(self.tr("Copy the translation (Ctrl+Shift+C)"))
        self.insert_button.setText(self.tr("Insert into draft"))
        self.insert_button.setToolTip(self.tr("Insert the translation into the draft (Ctrl+I)"))
        self.progress.setAccessibleName(self.tr("Translation progress"))
        self.notice.setAccessibleName(self.tr("Translation notes"))
        self._show_progress()
        self._show_status()
        self._show_notice()

    def _update_auto_label(self) -> None:
        if self._detected is not None and self._detected.known:
            label = self.tr("Auto-detect ({0})").format(self.language_label(self._detected.code))
        else:
            label = self.tr("Auto-detect")
        self.source_combo.setItemText(0, label)

    # --- settings -----------------------------------------------------------
    def set_glossary(self, glossary: Mapping[str, str]) -> None:
        """Terms the translation must use (checked after each paragraph)."""
        self._glossary = dict(glossary)

    def set_languages(self, source: str | None, target: str) -> None:
        """``source`` None means auto-detect. Codes as resolve_language understands them."""
        _select(self.source_combo, source, self.language_label)
        _select(self.target_combo, target, self.language_label)

    def source_language(self) -> str | None:
        return self.source_combo.currentData(CODE_ROLE)

    def target_language(self) -> str:
        return self.target_combo.currentData(CODE_ROLE)

    def detected_language(self) -> Language | None:
        return self._detected

    def set_source_text(self, text: str) -> None:
        self.source_edit.setPlainText(text)

    def source_text(self) -> str:
        return self.source_edit.toPlainText()

    def target_text(self) -> str:
        return self.target_edit.toPlainText()

    @property
    def busy(self) -> bool:
        return self._busy

    # --- actions ------------------------------------------------------------
    def translate(self) -> bool:
        """Start translating the source text; False (with a note saying why) when it cannot start."""
        if self._busy:
            return False
        text = self.source_text()
        if not text.strip():
            self._fail_early(lambda: self.tr("Type or paste the text to translate first."))
            return False
        source, target = self.source_language(), self.target_language()
        if source is not None and source == target:
            self._fail_early(
                lambda: self.tr("The text is already in {0}. Pick another target language.").format(
                    self.language_label(target)
                )
            )
            return False
        client = self._client()
        if client is None:
            self._fail_early(lambda: self.tr("No model is ready yet. Wait for it to load, or choose one in Settings."))
            return False
        values = {"text": text, "target": target, "source": source or ""}
        glossary = dict(self._glossary)
        self._warnings, self._error = [], None
        self._show_notice()
        self.target_edit.clear()
        self.target_edit.setReadOnly(True)  # the stream appends at the end; typing there would be lost
        self._progress = (0, 0)
        self._set_status(lambda: self.tr("Starting…"))
        self._show_progress()
        self._set_busy(True)
        self.worker.events(lambda: TaskRun(TASK, values, client=client, glossary=glossary))
        return True

    def stop(self) -> None:
        if self._busy and not self._stopping:
            self._stopping = True
            self.stop_button.setEnabled(False)
            self._set_status(lambda: self.tr("Stopping…"))
            self.worker.cancel()

    def swap(self) -> None:
        """Swap the texts and the languages; an auto-detected source becomes a real target language."""
        if self._busy:
            return
        source, target = self.source_language(), self.target_language()
        if source is None:
            known = self._detected
            if known is None and self.source_text().strip():
                known = detect_language(self.source_text())
            source = known.code if known is not None and known.known else None
        source_text, target_text = self.source_text(), self.target_text()
        self.source_edit.setPlainText(target_text)
        self.target_edit.setPlainText(source_text)
        _select(self.source_combo, target, self.language_label)
        if source is not None:
            _select(self.target_combo, source, self.language_label)
        self._warnings, self._error = [], None
        self._show_notice()
        self._set_status(None)

    def copy_result(self) -> bool:
        """Put the translation on the clipboard; False while there is none (or it is still arriving)."""
        text = self.target_text()
        if self._busy or not text.strip():
            return False
        QApplication.clipboard().setText(text)
        return True

    def insert_result(self) -> bool:
        """Ask for the translation to go into the draft (insertRequested); False while there is none."""
        text = self.target_text()
        if self._busy or not text.strip():
            return False
        self.insertRequested.emit(text)
        return True

    def shutdown(self, timeout: float = 3.0) -> None:
        """Stop any translation and wait for its thread (call before the window closes)."""
        self.worker.cancel()
        self.worker.wait(timeout)

    # --- internals ----------------------------------------------------------
    def _client(self) -> ChatClient | None:
        return current_client(self._client_source)

    def _fail_early(self, message: Message) -> None:
        self._warnings, self._error = [], message
        self._show_notice()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._stopping = False
        self.translate_button.setEnabled(not busy)
        self.stop_button.setEnabled(busy)
        self.swap_button.setEnabled(not busy)
        self.source_combo.setEnabled(not busy)
        self.target_combo.setEnabled(not busy)
        self.source_edit.setReadOnly(busy)
        if not busy:
            self.target_edit.setReadOnly(False)
            self._progress = None
            self._show_progress()
        self._update_result_buttons()
        self.busyChanged.emit(busy)

    def _update_result_buttons(self) -> None:
        ready = not self._busy and bool(self.target_text().strip())
        self.copy_button.setEnabled(ready)
        self.insert_button.setEnabled(ready)

    def _append(self, text: str) -> None:
        if not text:
            return
        bar = self.target_edit.verticalScrollBar()
        following = bar.value() >= bar.maximum() - 4  # keep following the end unless the person scrolled up
        cursor = QTextCursor(self.target_edit.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text)
        if following:
            bar.setValue(bar.maximum())

    def _on_event(self, event: object) -> None:
        if isinstance(event, Progress):
            self._progress = (event.index + 1, event.total)
            self._show_progress()
            if not self._stopping:
                self._set_status(None)
        elif isinstance(event, Delta):
            self._append(event.text)
        elif isinstance(event, Paragraph):
            self._note_paragraph(event)
        elif isinstance(event, TranslationDone):
            self._finished(event.result)

    def _note_paragraph(self, event: Paragraph) -> None:
        p, n = event.paragraph, event.index + 1
        for term, wanted in p.missing_terms:
            self._warnings.append(
                lambda term=term, wanted=wanted: self.tr(
                    "Paragraph {0}: “{1}” should be translated as “{2}”, but that is not in the translation."
                ).format(n, term, wanted)
            )
        if p.missing_numbers:
            numbers = ", ".join(p.missing_numbers)
            self._warnings.append(
                lambda: self.tr(
                    "Paragraph {0}: {1} from the source is not in the translation. Check the numbers."
                ).format(n, numbers)
            )
        if p.fallback:
            self._warnings.append(
                lambda: self.tr("Paragraph {0}: part of it came back empty, so the original words were kept.").format(n)
            )
        self._show_notice()

    def _finished(self, result: TranslationResult) -> None:
        if self.source_language() is None:
            self._detected = result.source_language
            self._update_auto_label()
        done = len(result.paragraphs)
        total = self._progress[1] if self._progress else done
        if result.cancelled:
            self._set_status(
                lambda: self.tr("Stopped after {0} of {1} paragraphs. What arrived is kept.").format(done, total)
            )
        else:
            self._set_status(lambda: self.tr("Translated %n paragraph(s).", "", done))

    def _on_worker_finished(self, result: object) -> None:
        # Idle first, so whoever hears translationFinished or translationFailed may start the next one.
        self._set_busy(False)
        if not isinstance(result, TaskResult):
            return
        if result.error is not None:
            self._failed(result.error)
        elif isinstance(result.translation, TranslationResult):
            self.translationFinished.emit(result.translation)

    def _on_worker_failed(self, error: BaseException) -> None:  # a bug below: the view must survive it
        self._set_busy(False)
        self._failed(error)

    def _failed(self, error: BaseException) -> None:
        message = describe_error(error)
        self._error = lambda: self.tr("The translation stopped: {0} What arrived before that is kept.").format(
            message
        )
        self._set_status(None)
        self._show_notice()
        self.translationFailed.emit(message)

    def _source_edited(self) -> None:
        # A detected language belongs to the text it was detected in.
        if not self._busy and self._detected is not None:
            self._detected = None
            self._update_auto_label()

    def _set_status(self, message: Message | None) -> None:
        self._status = message
        self._show_status()

    def _show_status(self) -> None:
        self.status.setText(text_of(self._status))

    def _show_progress(self) -> None:
        if self._progress is None:
            self.progress.hide()
            return
        number, total = self._progress  # total 0: busy until the first paragraph starts
        show_count(self.progress, number, total, self.tr("Paragraph {0} of {1}").format(number, total))

    def _show_notice(self) -> None:
        show_notice(self.notice, self._error, self._warnings, bullets=True)


def _select(combo: QComboBox, code: str | None, label: Callable[[str], str]) -> None:
    """Select the item for ``code``; a language not in the list yet is added at the end."""
    index = combo.findData(code, CODE_ROLE)
    if index < 0:
        combo.addItem(label(code) if code is not None else "", code)
        index = combo.count() - 1
    combo.setCurrentIndex(index)
