"""Run by tests/test_ui_window.py on a real X server (Xvfb, no window manager): the kiosk
full screen as `kiosk` starts it, an ID number typed, the geometries printed as JSON.

    python tests/support/fullscreen_probe.py HOME
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.app import compose
from kiosk.core.config import load_settings


class _NoOcr:
    def load(self) -> None:
        pass

    def recognize_bytes(self, data: bytes, name: str) -> dict[str, Any]:
        raise AssertionError("the probe reads no receipt")


def _rect(r: QRect) -> list[int]:
    return [r.x(), r.y(), r.width(), r.height()]


def _on_screen(w: QWidget) -> list[int]:
    return _rect(QRect(w.mapToGlobal(w.rect().topLeft()), w.size()))


def main() -> int:
    app = QApplication(sys.argv[:1])
    kiosk = compose(app, load_settings(Path(sys.argv[1])), recognizer=_NoOcr,
                    load_ocr=False, excepthook=False, sync=False)
    w = kiosk.window
    w.fill_screen()
    QTest.qWaitForWindowExposed(w, 5000)
    QTest.qWait(300)  # let the X server's configure events arrive
    screen = w.screen()
    out: dict[str, Any] = {
        "platform": app.platformName(), "screen": _rect(screen.geometry()),
        "window": _rect(w.geometry()),
        "start_buttons": [_on_screen(b) for b in (w.start.assistant_btn, w.start.tech_btn)]}
    w.start.file_btn.click()
    QTest.qWait(100)
    for ch in "32010219640615049":  # the window grew while digits were typed
        w.resident_id.type_char(ch)
        QTest.qWait(20)
    QTest.qWait(300)
    out["typed"] = _rect(w.geometry())
    out["confirm"] = _on_screen(w.resident_id.findChild(QWidget, "confirmId"))
    print(json.dumps(out))
    kiosk.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
