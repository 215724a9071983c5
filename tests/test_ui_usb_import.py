"""The USB import screen instead of a desktop file dialog: sticks as they are plugged in, large
pictures made in the background, folders, and plain words for no stick, an empty stick and a
file that cannot be read. Folders in tmp_path stand in for mounted sticks."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog
from support.kiosk_ui import FixedReader, keys, tap
from support.render import einvoice, save

from kiosk.store.samples import sample_id_number, sample_recognition
from kiosk.ui.screens.usb_import import THUMB, Tile


def to_import(qtbot, kiosk, media: Path, seed: int) -> None:
    w = kiosk.window
    w.usb_import.set_roots((media,), mounts_only=False)
    tap(qtbot, w.start, "fileClaim")
    keys(qtbot, w.resident_id, sample_id_number(seed))
    tap(qtbot, w.resident_id, "confirmId")
    tap(qtbot, w.capture, "importFile")
    assert w.current_screen() == "usb_import"


def tiles(w) -> dict[str, Tile]:
    return {t.entry.name: t for t in w.usb_import.findChildren(Tile) if t.isVisible()}


def test_no_stick_then_a_stick_is_plugged_in_and_a_photo_on_it_is_read(make_kiosk, qtbot,
                                                                       tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    rec = sample_recognition(71)
    kiosk = make_kiosk(recognizer=lambda: FixedReader(rec))
    w = kiosk.window
    to_import(qtbot, kiosk, media, 71)
    message = w.usb_import.message
    qtbot.waitUntil(lambda: "没有找到U盘" in message.text(), timeout=5000)
    assert not QFileDialog.findChildren(w, QFileDialog)  # no desktop dialog, ever
    stick = media / "STICK"
    (stick / "DCIM").mkdir(parents=True)
    img, _ = einvoice(71)
    save(img, stick / "DCIM" / "receipt.jpg")
    qtbot.waitUntil(lambda: "DCIM" in tiles(w), timeout=10_000)  # found by the next look
    assert not message.isVisible()
    tap(qtbot, w.usb_import, "usb_DCIM")
    qtbot.waitUntil(lambda: "receipt.jpg" in tiles(w), timeout=5000)
    photo = tiles(w)["receipt.jpg"]
    qtbot.waitUntil(photo.has_picture, timeout=10_000)  # made in the background
    pixmap = photo.picture.pixmap()
    assert max(pixmap.width(), pixmap.height()) == THUMB  # large, not an icon
    assert photo.height() >= 60 and "STICK / DCIM" in w.usb_import.folder.text()
    with qtbot.waitSignal(w.screen_changed, timeout=10_000,
                          check_params_cb=lambda name: name == "review"):
        tap(qtbot, w.usb_import, "usb_DCIM/receipt.jpg")
    assert kiosk.flow.session.receipts[0].image == (stick / "DCIM" / "receipt.jpg").read_bytes()


def test_an_empty_stick_and_an_unreadable_file_are_said_plainly(make_kiosk, qtbot, tmp_path):
    media = tmp_path / "media"
    (media / "EMPTY").mkdir(parents=True)
    kiosk = make_kiosk()
    w = kiosk.window
    to_import(qtbot, kiosk, media, 72)
    message = w.usb_import.message
    qtbot.waitUntil(lambda: "没有照片或PDF文件" in message.text(), timeout=5000)
    (media / "EMPTY").rename(media / "OTHER")  # the stick is swapped for another one
    (media / "OTHER" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 cut off in the middle")
    w.usb_import.feed.scan()
    qtbot.waitUntil(lambda: "broken.jpg" in tiles(w), timeout=5000)
    broken = tiles(w)["broken.jpg"]
    qtbot.waitUntil(lambda: broken.problem is not None, timeout=10_000)
    assert "读不出来" in broken.caption.text()
    tap(qtbot, w.usb_import, "usb_broken.jpg")
    assert w.current_screen() == "usb_import"  # nothing was imported
    assert "broken.jpg" in message.text() and "损坏" in message.text()
    tap(qtbot, w.usb_import, "usbBack")
    assert w.current_screen() == "capture"


def test_nothing_outside_the_stick_is_shown(make_kiosk, qtbot, tmp_path):
    media = tmp_path / "media"
    (media / "STICK").mkdir(parents=True)
    (tmp_path / "home-photos").mkdir()
    img, _ = einvoice(73)
    save(img, tmp_path / "home-photos" / "private.jpg")
    (media / "STICK" / "link").symlink_to(tmp_path / "home-photos")
    (media / "STICK" / "private.jpg").symlink_to(tmp_path / "home-photos" / "private.jpg")
    save(img, media / "STICK" / "mine.jpg")
    kiosk = make_kiosk()
    w = kiosk.window
    to_import(qtbot, kiosk, media, 73)
    qtbot.waitUntil(lambda: "mine.jpg" in tiles(w), timeout=5000)
    assert set(tiles(w)) == {"mine.jpg"}
    assert not w.usb_import.up_btn.isVisible()  # at the stick's top there is no way up
