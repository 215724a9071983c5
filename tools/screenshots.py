"""Render every screen of the touchscreen app to PNG under docs/screenshots/.

Drives the real window built by `kiosk.app.compose` on a throw-away home directory, with the
real OCR reading the sample receipt. Run through packaging/screenshots.sh (a virtual X server);
it also works with QT_QPA_PLATFORM=offscreen.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer, SignalInstance
from PySide6.QtWidgets import QApplication

from kiosk.app import compose, sample_provider
from kiosk.config import load_settings
from kiosk.store.samples import sample_id_number, sample_recognition
from kiosk.ui.desk import Receipt
from kiosk.ui.pin import PinStore

ROOT = Path(__file__).resolve().parents[1]


def wait(signal: SignalInstance, timeout_ms: int = 60_000,
         until: Callable[..., bool] | None = None) -> None:
    loop = QEventLoop()
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)

    def got(*args: object) -> None:
        if until is None or until(*args):
            loop.quit()

    signal.connect(got)
    timer.start(timeout_ms)
    loop.exec()
    signal.disconnect(got)
    if not timer.isActive():
        raise SystemExit(f"screenshots: timed out waiting for {signal}")


def settle(app: QApplication) -> None:
    loop = QEventLoop()
    QTimer.singleShot(150, loop.quit)
    loop.exec()
    app.processEvents()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    ap.add_argument("--size", default="1080x1920", help="window size (portrait 21-inch)")
    args = ap.parse_args()
    width, height = (int(x) for x in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as home:
        settings = load_settings(home)
        kiosk = compose(app, settings, sample=sample_provider(), idle_ms=(3_600_000, 60_000))
        w = kiosk.window
        w.resize(width, height)
        w.show()

        def shot(name: str) -> None:
            settle(app)
            path = args.out / f"{name}.png"
            w.grab().save(str(path))
            print(f"screenshots: {path.relative_to(ROOT)}")

        try:
            number = sample_id_number(8)
            shot("01-start")
            w.start.file_claim.emit()
            for ch in number[:9]:
                w.resident_id.type_char(ch)
            shot("02-resident-id")
            for ch in number[9:17]:
                w.resident_id.type_char(ch)
            w.resident_id.type_char("0" if number[17] != "0" else "1")
            w.resident_id.submit()
            shot("03-resident-id-wrong")
            w.resident_id.delete_char()
            w.resident_id.type_char(number[17])
            w.resident_id.submit()
            shot("04-capture")
            w.capture.sample_requested.emit()
            shot("05-capture-reading")
            wait(w.screen_changed, until=lambda name: name == "review")
            shot("06-review")
            w.review.confirmed.emit()
            wait(w.claim_filed)
            shot("07-done")
            kiosk.desk.file_claim(number, [Receipt(b"\xff\xd8demo", sample_recognition(3))],
                                  None, assistant="demo")
            w.go_home()
            w.start.check_status.emit()
            for ch in number:
                w.resident_id.type_char(ch)
            w.resident_id.submit()
            wait(w.screen_changed, until=lambda name: name == "status")
            shot("08-status")
            w.go_home()
            w.start.file_claim.emit()
            for ch in "3201":
                w.resident_id.type_char(ch)
            kiosk.idle.warning.emit(20)
            shot("09-idle-warning")
            w.go_home()
            PinStore(settings.home / "technician_pin.json").set_pin("246810")
            w.start.technician.emit()
            for ch in "111111":
                w.settings._type(ch)
            w.settings._submit()
            settle(app)
            loop_until(app, lambda: w.settings.pin_error.isVisible())
            shot("10-settings-pin")
            for ch in "246810":
                w.settings._type(ch)
            w.settings._submit()
            loop_until(app, lambda: w.settings.unlocked and w.settings.form.rowCount() > 4)
            shot("11-settings")
            w.show_bug("RuntimeError #1")
            shot("12-call-technician")
            w.go_home()
            kiosk.window.translations.install("en")
            shot("13-start-english")
            kiosk.window.translations.install("zh_CN")
        finally:
            kiosk.close()
    return 0


def loop_until(app: QApplication, cond: Callable[[], bool], timeout_ms: int = 20_000) -> None:
    waited = 0
    while not cond():
        loop = QEventLoop()
        QTimer.singleShot(50, loop.quit)
        loop.exec()
        waited += 50
        if waited > timeout_ms:
            raise SystemExit("screenshots: timed out")


if __name__ == "__main__":
    raise SystemExit(main())
