"""Render every screen of the touchscreen app to PNG under docs/screenshots/ (portrait,
1080×1920) and docs/screenshots/landscape/ (1920×1080), and the printed slip from its PDF.

Drives the real window built by `kiosk.app.compose` on a throw-away home directory, with the
real OCR reading the sample receipt. Run through packaging/screenshots.sh (a virtual X server);
it also works with QT_QPA_PLATFORM=offscreen.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer, SignalInstance
from PySide6.QtWidgets import QApplication

from kiosk.app import Kiosk, compose, sample_provider
from kiosk.auth.pin import PinStore
from kiosk.claims.desk import Receipt
from kiosk.core.config import CardReaderSettings, load_settings
from kiosk.store import Status
from kiosk.store.samples import sample_id_number, sample_recognition
from kiosk.ui.slip import SlipResult

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


def einvoice_jpeg(seed: int) -> bytes:
    sys.path.insert(0, str(ROOT / "tests"))
    from support.render import einvoice

    img, _ = einvoice(seed)
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=90)
    return buf.getvalue()


def render_pdf(pdf: Path, png: Path, scale: float = 3.0) -> None:
    """The printed slip as a picture: the first page of its PDF."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(pdf))
    try:
        doc[0].render(scale=scale).to_pil().save(png)
    finally:
        doc.close()


def file_demo_claims(kiosk: Kiosk, number: str, actor: str, seeds: tuple[int, int]) -> None:
    """Claims as the county's feed leaves them: one delivered, one returned with a reason."""
    desk, store = kiosk.desk, kiosk.store
    delivered = desk.file_claim(number, [Receipt(b"\xff\xd8demo", sample_recognition(seeds[0]))],
                                None, assistant=actor)
    returned = desk.file_claim(number, [Receipt(b"\xff\xd8demo", sample_recognition(seeds[1]))],
                               None, assistant=actor)
    for claim_id, path in ((delivered, (Status.UPLOADING, Status.ACCEPTED)),
                           (returned, (Status.UPLOADING, Status.ACCEPTED, Status.RETURNED))):
        for target in path:
            reason = "缺少住院费用清单，请到医院开具盖章的费用明细。" \
                if target is Status.RETURNED else None
            store.transition(claim_id, target, actor="county", reason=reason)


def render_all(app: QApplication, out: Path, width: int, height: int, *,
               slip_png: Path | None) -> None:
    with tempfile.TemporaryDirectory() as home:
        settings = load_settings(home)
        kiosk = compose(app, settings, sample=sample_provider(), idle_ms=(3_600_000, 60_000))
        w = kiosk.window
        w.resize(width, height)
        w.show()
        settle(app)
        w.resize(width, height)  # again: the first resize met the other orientation's minimum
        out.mkdir(parents=True, exist_ok=True)

        def shot(name: str) -> None:
            settle(app)
            w.resize(width, height)
            settle(app)
            if (w.width(), w.height()) != (width, height):
                need = {n: s.minimumSizeHint() for n, s in kiosk.navigator.screens()}
                print(f"screenshots: {name}: the window is {w.width()}×{w.height()}, not "
                      f"{width}×{height}; minimum sizes {need}", file=sys.stderr)
            path = out / f"{name}.png"
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
            loop_until(app, lambda: w.review.picture.image is not None)
            shot("06-review")
            w.review._enlarge()
            shot("35-review-picture")
            w.review.show_review()
            slips: list[SlipResult] = []
            w.done.slip_done.connect(slips.append)
            w.review.confirmed.emit()
            wait(kiosk.claims.claim_filed)
            if w.done.can_print:
                loop_until(app, lambda: bool(slips))
            shot("07-done")
            if slip_png is not None and slips and slips[0].path is not None:
                render_pdf(slips[0].path, slip_png)
                print(f"screenshots: {slip_png.relative_to(ROOT)}")
            file_demo_claims(kiosk, number, "demo", (3, 4))
            kiosk.claims.go_home()
            w.start.check_status.emit()
            for ch in number:
                w.resident_id.type_char(ch)
            w.resident_id.submit()
            wait(w.screen_changed, until=lambda name: name == "status")
            shot("08-status")
            kiosk.claims.go_home()
            w.start.file_claim.emit()
            for ch in "3201":
                w.resident_id.type_char(ch)
            kiosk.idle.warning.emit(20)
            shot("09-idle-warning")
            kiosk.claims.go_home()
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
            kiosk.claims.show_bug("RuntimeError #1")
            shot("12-call-technician")
            kiosk.claims.go_home()
            kiosk.translations.install("en")
            shot("13-start-english")
            kiosk.translations.install("zh_CN")
            # --- the technician's other sections, then the assistants' accounts ---------
            w.start.technician.emit()
            for ch in "246810":
                w.settings._type(ch)
            w.settings._submit()
            loop_until(app, lambda: w.settings.unlocked)
            panel = w.settings.panel
            for i, key in enumerate(list(panel.sections)[1:], 14):
                panel.open_section(key)
                shot(f"{i}-settings-{key}")
            w.settings.manage_assistants.emit()
            admin = kiosk.assistant_mode.admin
            kiosk.assistant_mode._add("1001", "王芳", "135790")
            loop_until(app, lambda: admin.list.count() > 0)
            shot("21-assistants")
            admin.begin_add()
            for ch in "1002":
                admin._type(ch)
            shot("22-assistants-add")
            # --- an assistant's sitting ---------------------------------------------------
            kiosk.claims.go_home()
            w.start.assistant_login.emit()
            for ch in "1001":
                kiosk.assistant_mode.sign_in.type_char(ch)
            shot("23-assistant-sign-in")
            kiosk.assistant_mode.sign_in.submit()
            for ch in "135790":
                kiosk.assistant_mode.sign_in.type_char(ch)
            kiosk.assistant_mode.sign_in.submit()
            wait(w.screen_changed, until=lambda name: name == "assistant_home")
            assert kiosk.flow.operator is not None
            file_demo_claims(kiosk, sample_id_number(9), kiosk.flow.operator, (5, 6))
            kiosk.assistant_mode.refresh()
            loop_until(app, lambda: kiosk.assistant_mode.home.list.count() >= 2)
            shot("24-assistant-home")
            kiosk.assistant_mode.home.new_claim.emit()
            w.resident_id.set_card_reader(CardReaderSettings(command="idcard-read"))
            w.resident_id.scan_btn.show()  # as on a kiosk with a camera: 扫码
            w.resident_id.keypad.hide()
            w.resident_id.preview.setText(w.resident_id.tr("请把医保码对准摄像头"))
            w.resident_id.preview.show()
            w.resident_id.scan_btn.setText(w.resident_id.tr("输入号码"))
            shot("25-resident-id-scan")
            w.resident_id.preview.hide()
            w.resident_id.keypad.show()
            for ch in sample_id_number(10):
                w.resident_id.type_char(ch)
            w.resident_id.submit()
            sample = kiosk.claims._sample
            for n in range(3):
                if n:
                    w.review.add_another.emit()
                    # two more receipts, different ones: synthetic e-invoices (read by the
                    # real OCR like the sample)
                    kiosk.claims._sample = lambda n=n: (einvoice_jpeg(20 + n), f"einvoice-{20 + n}.jpg")
                if n == 1:
                    shot("26-capture-counter")
                w.capture.sample_requested.emit()
                wait(w.screen_changed, until=lambda name: name == "review")
            kiosk.claims._sample = sample
            # the OCR read these three confidently; mark one field as it marks an unsure one
            # (confidence under 0.85) so the picture shows the yellow highlight
            kiosk.flow.session.receipts[0].recognition.setdefault("confidence", {})["payer_name"] = 0.5
            kiosk.flow.at = 0
            kiosk.claims._review()
            wait(w.screen_changed, until=lambda name: name == "review")
            review = w.review
            review.go_to(0)
            review.steps_btn.setChecked(True)
            shot("27-review-assistant")
            review._edit_field("issue_date")
            shot("28-correct-date")
            review._edit_field("total")
            shot("29-correct-total")
            review._edit_field("hospital")
            shot("30-correct-hospital")
            review.show_review()
            review._edit_item(0)
            shot("31-correct-item")
            editor = review.editor
            editor._item_name()
            for ch in "XY":
                editor._letter(ch)
            loop_until(app, lambda: bool(editor.result_buttons()))
            shot("32-correct-pinyin")
            review._edit_item(0)
            editor._item_class()
            shot("33-correct-class")
            review.show_review()
            # --- the USB import: no stick, then a stick with photos, a PDF and a folder ----
            w.go_home()
            media = Path(home) / "media"
            media.mkdir()
            w.usb_import.set_roots((media,), mounts_only=False)
            w.start.file_claim.emit()
            for ch in number:
                w.resident_id.type_char(ch)
            w.resident_id.submit()
            w.capture.import_wanted.emit()
            loop_until(app, lambda: w.usb_import._state == "no_stick")
            shot("36-usb-no-stick")
            stick = media / "KINGSTON"
            (stick / "DCIM").mkdir(parents=True)
            for seed in (11, 12, 13, 14):
                (stick / f"IMG_20260{seed}.jpg").write_bytes(einvoice_jpeg(seed))
            (stick / "broken.jpg").write_bytes(b"\xff\xd8\xff cut off")
            w.usb_import.feed.scan()
            loop_until(app, lambda: w.usb_import._state == "shown" and all(
                t.has_picture() or t.problem is not None or t.entry.kind == "folder"
                for t in w.usb_import._tiles.values()))
            shot("37-usb-stick")
        finally:
            kiosk.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    ap.add_argument("--only", choices=("portrait", "landscape"),
                    help="one set only (default: portrait, then landscape/ below it)")
    args = ap.parse_args()
    app = QApplication(sys.argv[:1])
    if args.only != "landscape":
        render_all(app, args.out, 1080, 1920, slip_png=args.out / "34-slip.png")
    if args.only != "portrait":
        render_all(app, args.out / "landscape", 1920, 1080, slip_png=None)
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
