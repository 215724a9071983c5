"""What every screen shares: retranslation on a language change, a way to forget, and an
arrangement for a portrait (1080×1920) or a landscape (1920×1080) screen."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLayout, QWidget


class Screen(QWidget):
    landscape = False

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Set every visible string (called once at build and on each language change)."""

    def reset(self) -> None:
        """Forget whatever a resident left on this screen (the idle timeout calls this)."""

    def set_landscape(self, landscape: bool) -> None:
        """Wider than tall, or not. The window tells every screen when it is resized (hidden
        screens too: the stack's minimum size is the largest of theirs)."""
        if landscape != self.landscape:
            self.landscape = landscape
            self.arrange(landscape)
            if self.isHidden():
                self._forget_sizes()

    def _forget_sizes(self) -> None:
        """A hidden widget's layouts do not tell their parents that they changed, and the
        stack would go on asking this screen for its old minimum size: forget them all."""
        for widget in (self, *self.findChildren(QWidget)):
            widget.updateGeometry()
        for layout in self.findChildren(QLayout):  # nested layouts are their parents' children
            layout.invalidate()

    def arrange(self, landscape: bool) -> None:
        """Lay out for a wide screen or a tall one (screens that differ override this)."""

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.set_landscape(self.width() > self.height())

