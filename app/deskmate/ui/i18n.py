"""UI languages: English (the source strings) and Simplified Chinese (Qt Linguist files in assets/)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

LANGUAGES = {"en": "English", "zh": "中文（简体）"}
_QT_LOCALE = {"zh": "zh_CN"}


def assets_dir() -> Path:
    """The assets/ folder; DESKMATE_ASSETS overrides."""
    if os.environ.get("DESKMATE_ASSETS"):
        return Path(os.environ["DESKMATE_ASSETS"])
    return find_assets(Path(__file__).resolve().parents[2])


def find_assets(package_parent: Path) -> Path:
    """assets/ beside the folder holding the deskmate package (installed app: app/assets),
    or one level up (source checkout: app/deskmate and assets/ at the top)."""
    for candidate in (package_parent / "assets", package_parent.parent / "assets"):
        if candidate.is_dir():
            return candidate
    return package_parent.parent / "assets"


def translation_file(lang: str) -> Path:
    return assets_dir() / "translations" / f"deskmate_{_QT_LOCALE.get(lang, lang)}.qm"


class Translations:
    """Installs and swaps the app's translators; Qt then sends LanguageChange to every widget."""

    def __init__(self) -> None:
        self._installed: list[QTranslator] = []
        self.language = "en"

    def apply(self, lang: str) -> bool:
        app = QCoreApplication.instance()
        for t in self._installed:
            app.removeTranslator(t)
        self._installed = []
        self.language = lang
        if lang == "en":
            QLocale.setDefault(QLocale(QLocale.Language.English))
            return True
        ok = True
        ours = QTranslator()
        if ours.load(str(translation_file(lang))):
            app.installTranslator(ours)
            self._installed.append(ours)
        else:
            ok = False
        # Qt's own strings (standard buttons, file dialogs).
        qt = QTranslator()
        if qt.load(f"qtbase_{_QT_LOCALE.get(lang, lang)}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qt)
            self._installed.append(qt)
        QLocale.setDefault(QLocale(_QT_LOCALE.get(lang, lang)))
        return ok
