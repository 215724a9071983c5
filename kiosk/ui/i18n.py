"""Languages: source strings are Chinese (zh_CN is the default and needs no .qm); English comes
from resources/translations/kiosk_en.qm, built from the committed .ts by
packaging/build-translations.sh. Qt's own strings (qtbase) are translated too.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

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


def render(words: messages.Text) -> str:
    """Domain words (a finding, a step, a plain error's `words`) in the language in force."""
    return words.render(current_language())


def stored_text(data: Mapping[str, Any], fallback: str) -> str:
    """The words of a finding or estimate step as the audit JSON keeps them (`words`: code
    and parameters) in the language in force; a record made before the catalogue, or one
    whose words cannot be read, shows its Chinese `fallback` field as it was stored."""
    words = data.get("words")
    if isinstance(words, Mapping):
        try:
            return render(messages.Text.from_json(words))
        except (KeyError, ValueError, IndexError) as exc:  # a code or parameter of another
            log.warning("stored words not shown: %s", exc)  # version: its Chinese instead
    return str(data.get(fallback, ""))


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
