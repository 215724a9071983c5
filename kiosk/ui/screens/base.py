"""What every screen shares: retranslation on a language change and a way to forget."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QWidget


class Screen(QWidget):
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Set every visible string (called once at build and on each language change)."""

    def reset(self) -> None:
        """Forget whatever a resident left on this screen (the idle timeout calls this)."""
