"""Identify the resident without typing: the e-voucher QR code at the camera, the slip's own
QR code, the card reader — through the real ID screen, its decoder thread and real commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import cv2
import numpy as np
import qrcode
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from support.kiosk_ui import button

from kiosk.claims.desk import Receipt
from kiosk.core.config import CameraSettings, CardReaderSettings
from kiosk.residents.evoucher import slip_payload
from kiosk.store.samples import sample_id_number, sample_recognition
from kiosk.ui.camera import to_qimage

NUMBER = sample_id_number(41)


def tap(qtbot, widget, name: str) -> None:
    qtbot.mouseClick(button(widget, name), Qt.MouseButton.LeftButton)


def qr_frame(payload: str, size: tuple[int, int] = (1280, 720)) -> np.ndarray:
    """A camera-sized BGR frame: a phone's dark screen showing a real QR code."""
    img = qrcode.make(payload, box_size=8, border=4).convert("L")
    code = np.array(img, dtype=np.uint8)
    frame = np.full((size[1], size[0], 3), 90, np.uint8)
    h, w = code.shape
    y, x = (size[1] - h) // 2, (size[0] - w) // 2
    frame[y:y + h, x:x + w] = code[:, :, None]
    return frame


def qr_image(payload: str) -> QImage:
    return to_qimage(qr_frame(payload))


def scan(qtbot, screen, payload: str) -> None:
    """Hand one frame to the ID screen's decoder thread, as the camera's preview does."""
    screen.qr.active = True
    with qtbot.waitSignal(screen.qr.found, timeout=5000):
        assert screen.qr.feed(qr_image(payload))


def reader_command(tmp_path: Path, body: str) -> str:
    path = tmp_path / "reader.py"
    path.write_text(body, encoding="utf-8")
    return f"{sys.executable} {path}"


def test_without_a_camera_or_reader_only_the_keypad_is_offered(make_kiosk, qtbot):
    kiosk = make_kiosk()
    w = kiosk.window
    tap(qtbot, w.start, "fileClaim")
    assert not button(w.resident_id, "scanQr").isVisible()
    assert not button(w.resident_id, "readCard").isVisible()
    QTest.keyClicks(w.resident_id, NUMBER)  # a reader that types like a keyboard
    with qtbot.waitSignal(w.screen_changed, timeout=2000) as sig:
        QTest.keyClick(w.resident_id, Qt.Key.Key_Return)
    assert sig.args == ["capture"] and kiosk.flow.session.id_number == NUMBER


def test_an_e_voucher_shown_to_the_camera_finds_her_claims(make_kiosk, qtbot, tmp_path):
    frame = qr_frame(json.dumps({"idNo": NUMBER, "userName": "王秀芳"}, ensure_ascii=False))
    for i in range(40):
        cv2.imwrite(str(tmp_path / f"qr{i:03d}.png"), frame)
    kiosk = make_kiosk(camera=CameraSettings(device=str(tmp_path / "qr%03d.png")))
    w = kiosk.window
    tap(qtbot, w.start, "checkStatus")
    scan_btn = button(w.resident_id, "scanQr")
    assert scan_btn.isVisible()
    with qtbot.waitSignal(w.screen_changed, timeout=15_000,
                          check_params_cb=lambda name: name == "status"):
        tap(qtbot, w.resident_id, "scanQr")
        assert w.resident_id.preview.isVisible() and not w.resident_id.keypad.isVisible()
    assert kiosk.flow.session.id_number == NUMBER
    assert not w.resident_id.scanning
    assert w.status.empty.isVisible()  # no claims on this kiosk yet


def test_a_qr_with_the_id_number_starts_her_claim(make_kiosk, qtbot):
    kiosk = make_kiosk()
    w = kiosk.window
    tap(qtbot, w.start, "fileClaim")
    with qtbot.waitSignal(w.screen_changed, timeout=5000) as sig:
        scan(qtbot, w.resident_id, f"姓名:王秀芳;身份证号:{NUMBER}")
    assert sig.args == ["capture"] and kiosk.flow.session.id_number == NUMBER


def test_the_slips_qr_opens_that_claims_status(make_kiosk, qtbot):
    kiosk = make_kiosk()
    w = kiosk.window
    desk = kiosk.desk
    receipt = Receipt(b"\xff\xd8 not really a jpeg", sample_recognition(42))
    claim_id = kiosk.tasks.run_in_background(
        lambda: desk.file_claim(NUMBER, [receipt], None, assistant="test")).result()
    uid = kiosk.store.get_claim(claim_id).summary.uid
    tap(qtbot, w.start, "checkStatus")
    with qtbot.waitSignal(w.screen_changed, timeout=5000,
                          check_params_cb=lambda name: name == "status"):
        scan(qtbot, w.resident_id, slip_payload(uid))
    assert w.status.list.count() == 1
    assert f"报销单 {claim_id:06d}" in w.status.list.item(0).text()


def test_an_online_only_e_voucher_says_to_type_the_number(make_kiosk, qtbot):
    kiosk = make_kiosk()
    w = kiosk.window
    tap(qtbot, w.start, "fileClaim")
    with qtbot.waitSignal(kiosk.voice.spoken, timeout=5000,
                          check_params_cb=lambda key, how: key.startswith("qr.")) as said:
        scan(qtbot, w.resident_id, "A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6E7F8A9B0C1D2")
    assert said.args[0] == "qr.token"
    assert w.current_screen() == "resident_id"
    assert "联网" in w.resident_id.error.text() and w.resident_id.error.isVisible()
    assert w.resident_id.keypad.isVisible()


def test_the_card_reader_fills_in_the_number(make_kiosk, qtbot, tmp_path):
    kiosk = make_kiosk()
    w = kiosk.window
    cmd = reader_command(tmp_path, f"print('{NUMBER}')\n")
    w.resident_id.set_card_reader(CardReaderSettings(command=cmd, timeout_s=10))
    tap(qtbot, w.start, "fileClaim")
    assert button(w.resident_id, "readCard").isVisible()
    with qtbot.waitSignal(w.screen_changed, timeout=10_000) as sig:
        tap(qtbot, w.resident_id, "readCard")
        assert not button(w.resident_id, "readCard").isEnabled()  # one read at a time
    assert sig.args == ["capture"] and kiosk.flow.session.id_number == NUMBER


def test_no_card_on_the_reader_is_said_plainly(make_kiosk, qtbot, tmp_path):
    kiosk = make_kiosk()
    w = kiosk.window
    cmd = reader_command(tmp_path, "import sys\nsys.exit(3)\n")
    w.resident_id.set_card_reader(CardReaderSettings(command=cmd, timeout_s=10))
    tap(qtbot, w.start, "fileClaim")
    with qtbot.waitSignal(kiosk.voice.spoken, timeout=10_000,
                          check_params_cb=lambda key, how: key.startswith("card.")) as said:
        tap(qtbot, w.resident_id, "readCard")
    assert said.args[0] == "card.no_card"
    assert "读卡器" in w.resident_id.error.text()
    assert button(w.resident_id, "readCard").isEnabled()
    assert w.current_screen() == "resident_id"
