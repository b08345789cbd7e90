"""Start the GUI: the window first, then the engine in its own process.

This module assembles services (settings, catalog, drafts, engine) and hands
them to the views; it never imports llama_cpp or torch.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from deskmate.core import paths
from deskmate.core.engines.errors import EngineError
from deskmate.core.settings import SettingsError

from .engine_bridge import EngineBridge
from .i18n import Translations
from .icons import APP_ID, app_icon

PAINT_GRACE_MS = 1500
# The window's engine runs below the window (EngineConfig.nice), so streaming never starves the GUI thread.
WINDOW_ENGINE_NICE = 10


class _FirstPaint(QObject):
    def __init__(self, callback) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.callback = callback
        self.done = False

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.done:
            self.done = True
            QTimer.singleShot(0, self.callback)
        return False


class DeskmateApp:
    """Owns the services for one GUI session and swaps the engine when settings change.

    Built in two steps so the window paints first: the constructor makes the window's shell
    from ``[ui] language`` alone; :meth:`load` (run by :meth:`start` right after the first
    paint, or called directly) reads the settings, the task catalog and the drafts, builds
    the views and the engine. Until then the status line says the window is opening.
    """

    def __init__(self, model: str | None = None) -> None:
        from deskmate.core.front_end import use_window_words
        from deskmate.core.settings import ui_language, ui_look

        from .look import Look
        from .main_window import MainWindow

        use_window_words()  # core's advice names this window's menus, not CLI commands

        self.cli_model = model
        self.loaded = False
        self.problems: list[str] = []
        self.settings_problems: list[str] = []
        lang = ui_language()
        self.translations = Translations()
        self.translations.apply(lang)
        self.look = Look(*ui_look())  # colours and text size before the first paint
        # The one holder of the current client: every view reads it from here when it starts work.
        self.bridge = EngineBridge()
        self.remote_name: str | None = None
        self.engine = None
        self.engine_error = ""
        self.window = MainWindow(self.bridge, lang=lang)
        self.window.languageRequested.connect(self.set_language)
        self.window.settingsRequested.connect(self.open_settings)
        self.window.modelRequested.connect(self.choose_model)
        self.window.remoteRequested.connect(self.use_remote)
        self.window.endpointsRequested.connect(self.edit_endpoints)
        self.window.modelsRequested.connect(self.open_models)
        self.window.modelDownloadRequested.connect(lambda entry: self.open_models(entry))
        self._after_paint: list = []
        self._painted = False

    def load(self) -> None:
        """Settings, catalog, drafts, the views and the engine object (the engine starts in :meth:`start`)."""
        if self.loaded:
            return
        from deskmate.core.settings import load_settings_leniently
        from deskmate.core.store import DraftStore, recover
        from deskmate.core.tasks import catalog as task_catalog

        # A wrong value falls back to its default; the rest of the file still counts. Nothing is rewritten.
        self.settings, settings_problems = load_settings_leniently()
        self.settings_problems = [str(p) for p in settings_problems]
        if self.settings.ui.language != self.window.lang:  # the early reader and the models always agree
            self.translations.apply(self.settings.ui.language)
            self.window.lang = self.settings.ui.language
        self.look.set_theme(self.settings.ui.theme, remember=False)
        self.look.set_zoom(self.settings.ui.zoom, remember=False)
        loaded = task_catalog.current()
        self.problems += [str(err) for err in loaded.errors]
        self.store = DraftStore.open(paths.data_dir() / "deskmate.sqlite3")
        self.problems += list(self.store.notices)
        # Text journaled before a crash or kill becomes the newest version of its draft.
        self.recovered = recover(self.store)
        self._make_engine()
        window = self.window
        window.model_name = Path(self.engine.config.model).name if self.engine else self.tr_none()
        window.build(loaded.catalog, self.store)
        from .look import LookMenu

        self.look_menu = LookMenu(self.look, window.menu_view, window)
        self.look.failed.connect(lambda error: window.statusBar().showMessage(error, 10000))
        window.runner.route = self.client_for_task
        window.model_picker.moreRequested.connect(lambda: self.open_models(page="recommended"))
        # Listing models reads the registry and remote settings (keyring): after the first paint.
        self._after_paint.append(lambda: window.model_picker.refresh(
            str(self.engine.config.model) if self.engine else ""))
        if self.recovered:
            window.draft_editor.open_draft(self.recovered[0].draft_id)
            note = QCoreApplication.translate("DeskmateApp", "Drafts recovered from before Deskmate last stopped: {n}")
            # Said once the window shows: a status message shown before would not hide the engine
            # label, and both were painted over each other.
            self.problems.append(note.format(n=len(self.recovered)))
        else:
            window.reopen_last_draft()
        if self.engine is None:
            window.engine_label.setText(self.engine_error)
            window.progress.setVisible(False)
        else:
            self._after_paint.insert(0, self.engine.start)
        self._after_paint.append(self._start_quick_actions)
        # Each Run asks the router (settings, remote servers): its import now, not as a stall at the first Run.
        self._after_paint.append(lambda: importlib.import_module("deskmate.core.remote.router"))
        self.loaded = True

    @property
    def client(self):  # type: ignore[no-untyped-def]  # -> ChatClient | None
        """The model the window, the palette and quick actions use now (local engine or a remote server)."""
        return self.bridge.client

    @staticmethod
    def tr_none() -> str:
        return "no model"

    def _make_engine(self) -> None:
        from deskmate.core.engines.factory import local_engine

        try:
            self.engine = local_engine(self.cli_model, listener=self.bridge.on_status, settings=self.settings,
                                       nice=WINDOW_ENGINE_NICE)
            self.engine_error = ""
        except (EngineError, SettingsError) as e:
            self.engine = None
            self.engine_error = str(e)
        self.bridge.set_client(self.engine)

    def _start_quick_actions(self) -> None:
        """Tray, quick palette, `deskmate quick` IPC, copy-twice and the global hotkey."""
        from .hotkeys import ActionHotkeys, CopyTwiceDetector, GlobalHotkey, platform_problem
        from .quick_notice import QuickNotice
        from .quick_palette import QuickPalette
        from .single_instance import InstanceServer, quick_handler
        from .tray import DeskmateTray

        lang = self.settings.ui.language
        self.palette = QuickPalette(lambda: self.client, self.window, lang=lang)
        self.palette.openAsDraft.connect(self._open_as_draft)
        self.instance = InstanceServer(quick_handler(lambda: self.client, lambda: self.engine))
        if not self.instance.listen():
            self.window.statusBar().showMessage(
                self.instance.error or "Another Deskmate is already running; quick actions go to that one.", 15000)
        self.instance.paletteRequested.connect(lambda _text: self.palette.show_for_clipboard())
        self.tray = DeskmateTray(lang)
        self.tray.actionRequested.connect(self._tray_action)
        self.tray.openRequested.connect(self._show_window)
        self.tray.quitRequested.connect(self.quit)
        self.tray.show()
        self.window.close_to_tray = lambda: self.tray.available and self.tray.keeps_running
        clipboard = QApplication.clipboard()
        self.copy_twice = CopyTwiceDetector(clipboard)
        self.copy_twice.triggered.connect(lambda _text: self.palette.show_for_clipboard())
        self.palette.clipboardWritten.connect(lambda: self.copy_twice.ignore_for(1.5))
        self.hotkey = GlobalHotkey()
        self.hotkey.triggered.connect(self.palette.show_for_clipboard)
        self.hotkey_error = platform_problem(QApplication.platformName())
        if not self.hotkey_error and not self.hotkey.start():
            self.hotkey_error = self.hotkey.error
        # The person's own quick actions: in the palette and tray already; their own hotkeys here.
        self.action_hotkeys = ActionHotkeys()
        self.action_hotkeys.triggered.connect(self._tray_action)
        self.notice = QuickNotice()
        self.notice.undoRequested.connect(self._undo_quick_result)
        self.notice.openRequested.connect(self._open_quick_result)
        self._quick_result: tuple[dict, object] | None = None
        self.instance.clipboardReplaced.connect(self._quick_result_arrived)
        self.window.catalogChanged.connect(self._user_actions_changed)
        self._user_actions_changed()
        self._say_hotkey_problems()

    def _user_actions_changed(self) -> None:
        """The editor saved or deleted a task of the person's own: palette, tray and hotkeys follow."""
        from deskmate.core.quick import user_actions

        self.palette.refresh_actions()
        self.tray.refresh_actions()
        combos = {a.id: a.hotkey for a in user_actions() if a.hotkey}
        failed = self.action_hotkeys.set_actions(combos, platform=QApplication.platformName())
        self.action_hotkey_errors = failed

    def hotkey_status(self) -> str:
        """What Settings says about the global hotkeys: working, or why not and what to do instead."""
        from deskmate.core.tasks.user_tasks import hotkey_to_keys

        if not getattr(self, "hotkey", None):
            return ""
        problems = [p for p in [self.hotkey_error, *getattr(self, "action_hotkey_errors", {}).values()] if p]
        tray = "" if self.tray.available else " " + self.tray._tr(
            "This desktop has no system tray; use the window or `deskmate quick`.")
        if not problems:
            working = QCoreApplication.translate("DeskmateApp", "The quick palette opens with {keys} from any application.")
            return working.format(keys=hotkey_to_keys(self.hotkey.combo)) + tray
        from .hotkeys import bind_instead

        commands = ["deskmate quick palette", *getattr(self, "action_hotkey_errors", {})]
        commands = [c if c.startswith("deskmate") else f"deskmate quick {c}" for c in commands]
        return " ".join(dict.fromkeys([problems[0], bind_instead(commands)])) + tray

    def _say_hotkey_problems(self) -> None:
        """Once per reason: a notice saying why the hotkeys cannot work and how to bind them instead."""
        from deskmate.core.fs import atomic_write

        if not (self.hotkey_error or self.action_hotkey_errors):
            return
        text = self.hotkey_status()
        marker = paths.data_dir() / "hotkey-notice-shown"
        try:
            if marker.is_file() and marker.read_text(encoding="utf-8") == text:
                return  # said once for this reason already: Settings keeps saying it
            marker.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(marker, text, durable=False)
        except OSError:
            pass  # saying it again next time is the lesser harm
        self.notice.show_message(QCoreApplication.translate("DeskmateApp", "Quick action hotkeys are off"), text)
        self.window.statusBar().showMessage(text, 20000)

    def _quick_result_arrived(self, response: dict, before: object) -> None:
        from deskmate.core.quick import QuickInputError, action

        self._quick_result = (response, before)
        self.copy_twice.ignore_for(1.5)
        lang = self.settings.ui.language
        try:
            name = action(str(response.get("action", ""))).label(lang)
        except QuickInputError:
            name = str(response.get("action", ""))
        text = QCoreApplication.translate(
            "DeskmateApp", "The result ({n} characters) replaced the clipboard. Undo puts the old clipboard back.")
        self.notice.show_result(QCoreApplication.translate("DeskmateApp", "{action}: done").format(action=name),
                                text.format(n=len(str(response.get("text", "")))))

    def _undo_quick_result(self) -> None:
        from .single_instance import copy_mime

        if self._quick_result is None:
            return
        self.copy_twice.ignore_for(1.5)
        QApplication.clipboard().setMimeData(copy_mime(self._quick_result[1]))  # type: ignore[arg-type]
        self.notice.say(QCoreApplication.translate("DeskmateApp", "The old clipboard is back."))

    def _open_quick_result(self) -> None:
        if self._quick_result is None:
            return
        self.notice.hide()
        self._open_as_draft(str(self._quick_result[0].get("text", "")))

    def _housekeeping(self) -> None:
        try:
            self.store.maintenance()  # empty the bin after its undo window, prune old versions
        except Exception as e:  # housekeeping must never disturb the session
            self.window.statusBar().showMessage(QCoreApplication.translate(
                "DeskmateApp", "Emptying the bin and pruning old versions failed: {error}").format(error=e), 10000)

    def _tray_action(self, action_id: str) -> None:
        self.palette.show_for_clipboard()
        self.palette.run(action_id)

    def _open_as_draft(self, text: str) -> None:
        self._show_window()
        self.window.draft_editor.new_draft()
        self.window.draft_editor.insert_text(text)

    def _show_window(self) -> None:
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()

    def quit(self) -> None:
        self.window.close_to_tray = None
        self.window.close()
        QApplication.quit()

    def start(self) -> None:
        """Show the window; once it has been painted, load the rest (unless :meth:`load` ran already),
        then start the engine, the model list and the tray. A zero timer can fire before the first
        paint, so this waits for the paint itself."""
        self._paint_watch = _FirstPaint(self._run_after_paint)
        self.window.installEventFilter(self._paint_watch)
        self.window.show()
        # Should no paint reach the window itself (its children can cover all of it), go on anyway.
        QTimer.singleShot(PAINT_GRACE_MS, self._run_after_paint)
        if self.loaded:
            self._show_problems()

    def _show_problems(self) -> None:
        for problem in self.problems:
            self.window.statusBar().showMessage(problem, 20000)
        if self.settings_problems:
            self.window.show_problems(self.settings_problems)
        QTimer.singleShot(2000, self._housekeeping)

    def _run_after_paint(self) -> None:
        if self._painted:
            return  # the paint came first, or the grace timer did
        self._painted = True
        self.window.removeEventFilter(self._paint_watch)
        if not self.loaded:
            try:
                self.load()
            except Exception as e:  # a broken data folder must still explain itself
                cannot_start(self.window, e)
                QApplication.exit(1)
                return
            self._show_problems()
        jobs, self._after_paint = self._after_paint, []
        for job in jobs:
            QTimer.singleShot(0, job)

    def set_language(self, lang: str) -> None:
        from deskmate.core.settings import set_value

        if not self.translations.apply(lang):
            self.window.statusBar().showMessage("The Chinese translation file is missing; showing English.", 10000)
        self.window.set_language(lang)
        if getattr(self, "palette", None) is not None:  # made once the window has painted
            self.palette.set_language(lang)
        try:
            set_value("ui", "language", lang)
            # What File → Settings shows and compares against (it showed "English" under a Chinese UI).
            self.settings = settings_now()
        except (SettingsError, OSError) as e:
            self.window.statusBar().showMessage(str(e), 10000)

    def open_settings(self) -> None:
        from .settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self.window, hotkey_status=self.hotkey_status())
        if dialog.exec() != SettingsDialog.DialogCode.Accepted or dialog.saved is None:
            return
        old, self.settings = self.settings, dialog.saved
        if old.ui.language != self.settings.ui.language:
            self.set_language(self.settings.ui.language)
        self.look.set_theme(self.settings.ui.theme, remember=False)  # saved by the dialog already
        self.look.set_zoom(self.settings.ui.zoom, remember=False)
        if old.engine != self.settings.engine and self.cli_model is None:
            self.replace_engine()

    def client_for_task(self, task):  # type: ignore[no-untyped-def]  # -> ChatClient
        """The task's route from settings: local (default), remote or auto with a local fallback."""
        if self.remote_name is not None or self.engine is None:
            return self.client
        try:
            from deskmate.core.remote.router import router_for_task

            notices = self.window.runner.notice
            return router_for_task(self.engine, task_id=task.id, heavy=task.heavy,
                                   local_context=self.engine.config.n_ctx, on_notice=notices.emit)
        except Exception as e:  # a broken [remote] section must not stop local work
            self.window.statusBar().showMessage(str(e), 10000)
            return self.engine

    def use_remote(self, name: str) -> None:
        """The model picker chose a remote server: tasks and translation go there."""
        from deskmate.core.remote import client_for

        try:
            client = client_for(name)
        except Exception as e:
            QMessageBox.warning(self.window, "Deskmate", str(e))
            self.window.model_picker.refresh(str(self.engine.config.model) if self.engine else "")
            return
        self.remote_name = name
        self.bridge.set_client(client)
        self.window.model_name = QCoreApplication.translate("DeskmateApp", "remote server {name}").format(name=name)
        self.window.retranslate()

    def edit_endpoints(self) -> None:
        from .remote_servers import RemoteServersDialog

        dialog = RemoteServersDialog(self.window)
        dialog.changed.connect(lambda: self.window.model_picker.refresh(
            str(self.engine.config.model) if self.engine else ""))
        dialog.exec()

    def open_models(self, entry_id: str = "", page: str = "") -> None:
        """The Models dialog; ``entry_id`` a catalog model to download at once, ``page`` "recommended"."""
        from .models_dialog import ModelsDialog

        dialog = ModelsDialog(parent=self.window)
        dialog.defaultModelChanged.connect(self.choose_model)
        dialog.modelsChanged.connect(lambda: self.window.model_picker.refresh(
            str(self.engine.config.model) if self.engine else ""))
        dialog.modelInstalled.connect(self.window.image_model_installed)
        if entry_id:
            dialog.get(entry_id)
        elif page == "recommended":
            dialog.tabs.setCurrentWidget(dialog.recommended_page)
        dialog.exec()
        dialog.shutdown()

    def choose_model(self, path: str) -> None:
        """The model picker: remember the choice in settings and switch the engine to it."""
        from deskmate.core.settings import set_value

        try:
            set_value("engine", "model", path or None)
            self.settings = settings_now()
        except (SettingsError, OSError) as e:
            QMessageBox.warning(self.window, "Deskmate", str(e))
            return
        self.cli_model = None
        self.remote_name = None
        self.replace_engine()
        self.window.model_picker.refresh(str(self.engine.config.model) if self.engine else "")

    def replace_engine(self) -> None:
        """A new model or engine setting: stop the old engine, start the new one."""
        self.window.runner.stop()
        if self.engine is not None:
            self.engine.close()
        self._make_engine()
        if self.engine is None:
            QMessageBox.warning(self.window, "Deskmate", self.engine_error)
            return
        self.window.model_name = Path(self.engine.config.model).name
        self.window.retranslate()
        self.engine.start()

    def shutdown(self) -> None:
        if getattr(self, "hotkey", None) is not None:
            # Nothing of a session that has ended may answer the clipboard or the keys any more.
            self.hotkey.stop()
            self.action_hotkeys.stop()
            self.copy_twice.set_enabled(False)
            self.palette.hide()
            self.notice.hide()
        if getattr(self, "instance", None) is not None:
            self.instance.close()
        if not self.loaded:
            return
        self.window.draft_editor.close_store()
        if self.engine is not None:
            self.engine.close()
        self.store.close()


def settings_now():  # type: ignore[no-untyped-def]  # -> Settings
    from deskmate.core.settings import load_settings_leniently

    return load_settings_leniently().settings


def cannot_start(parent: QWidget | None, error: Exception) -> None:
    QMessageBox.critical(parent, "Deskmate", f"Deskmate could not start: {error}")


def identify_app(app: QApplication) -> None:
    """Name, icon and desktop entry: Wayland and X11 docks match windows to the installed launcher by these."""
    app.setApplicationName("Deskmate")
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())


def run_gui(model: str | None = None, argv: list[str] | None = None) -> int:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    identify_app(app)
    try:
        session = DeskmateApp(model)
    except Exception as e:  # a broken data folder must still explain itself
        cannot_start(None, e)
        return 1
    session.start()
    try:
        return app.exec()
    finally:
        session.shutdown()
