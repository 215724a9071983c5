"""Languages: source strings are Chinese (zh_CN is the default and needs no .qm); English comes
from resources/translations/kiosk_en.qm, built from the committed .ts by
packaging/build-translations.sh. Qt's own strings (qtbase) are translated too.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from kiosk.core import messages
from kiosk.ui.styles import resources_dir

log = logging.getLogger("kiosk.ui")

LANGUAGES = ("zh_CN", "en")


def current_language() -> str:
    """The language in force (what `Translations.install` set as the default locale)."""
    return "en" if QLocale().language() == QLocale.Language.English else "zh_CN"


def message_text(code: str, /, **params: object) -> str:
    """A domain message code (kiosk.core.messages) in the language in force. Screens call
    this in their retranslate(), so a language switch re-renders the message too."""
    return messages.text(code, current_language(), **params)


def domain_text(zh: str, en: str) -> str:
    """Pick the domain's own wording (audit, scanner, recognition carry both) for the
    language in force; these strings come with the data, not through Qt's translator."""
    return en if QLocale().language() == QLocale.Language.English and en else zh


class Translations:
    """Installs and swaps the app's and qtbase's translators on the running application."""

    def __init__(self, app: QCoreApplication, folder: Path | None = None) -> None:
        self._app = app
        self._folder = folder or resources_dir() / "translations"
        self._installed: list[QTranslator] = []
        self.language = "zh_CN"

    def install(self, language: str) -> bool:
        """Switch language; False if the app's .qm for it is missing (strings stay Chinese)."""
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}")
        for tr in self._installed:
            self._app.removeTranslator(tr)
        self._installed.clear()
        self.language = language
        QLocale.setDefault(QLocale(language))
        ok = True
        qtbase = QTranslator(self._app)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qtbase.load(QLocale(language), "qtbase", "_", qt_dir):
            self._app.installTranslator(qtbase)
            self._installed.append(qtbase)
        elif language != "en":
            log.warning("no qtbase translation for %s in %s", language, qt_dir)
        if language != "zh_CN":  # the source strings are Chinese
            own = QTranslator(self._app)
            if own.load(f"kiosk_{language}", str(self._folder)):
                self._app.installTranslator(own)
                self._installed.append(own)
            else:
                log.warning("kiosk_%s.qm not found in %s; run packaging/build-translations.sh",
                            language, self._folder)
                ok = False
        return ok
