"""USB sticks for the file import, with real folders standing in for mounted sticks: only what
is on a stick is listed or read, links and `..` cannot leave it, bad files say so."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest
from PIL import Image
from support.render import einvoice, save, save_pdf

from kiosk.core.config import ConfigError, ScannerSettings, changed
from kiosk.scanner import CaptureError
from kiosk.scanner.media import (
    MediaError,
    Medium,
    find_media,
    list_folder,
    parse_roots,
    preview,
    read_entry,
    resolve,
)


@pytest.fixture
def media(tmp_path: Path) -> Path:
    """`/media` with one stick, `STICK`, holding receipts, a subfolder and other files."""
    root = tmp_path / "media"
    stick = root / "STICK"
    (stick / "DCIM").mkdir(parents=True)
    img, _ = einvoice(3)
    save(img, stick / "receipt.jpg")
    save(img.resize((300, 420)), stick / "DCIM" / "IMG_0001.JPG")
    (stick / "notes.txt").write_text("not a receipt")
    (stick / ".hidden.jpg").write_bytes(b"")
    (tmp_path / "secret").mkdir()
    save(img, tmp_path / "secret" / "other.jpg")
    return root


def _stick(media: Path) -> Medium:
    [medium] = find_media([media], mounts_only=False)
    return medium


def test_only_the_sticks_below_the_roots_are_media(media: Path, tmp_path: Path) -> None:
    assert [m.label for m in find_media([media], mounts_only=False)] == ["STICK"]
    # plain folders are no mount points: on a real kiosk only mounted sticks count
    assert find_media([media]) == []
    assert find_media([tmp_path / "nowhere"], mounts_only=False) == []


def test_a_folder_lists_its_folders_then_its_receipts_and_nothing_else(media: Path) -> None:
    stick = _stick(media)
    listing = list_folder(stick)
    assert [(e.name, e.kind) for e in listing.entries] == [("DCIM", "folder"),
                                                            ("receipt.jpg", "image")]
    inner = list_folder(stick, "DCIM")
    assert [e.rel for e in inner.entries] == [PurePosixPath("DCIM/IMG_0001.JPG")]
    assert read_entry(inner.entries[0])[:3] == b"\xff\xd8\xff"


def test_links_and_dots_cannot_leave_the_stick(media: Path, tmp_path: Path) -> None:
    stick = _stick(media)
    os.symlink(tmp_path / "secret", media / "STICK" / "escape")
    os.symlink(tmp_path / "secret" / "other.jpg", media / "STICK" / "other.jpg")
    os.symlink(media / "STICK" / "DCIM", media / "STICK" / "photos")  # stays on the stick
    names = [e.name for e in list_folder(stick).entries]
    assert "escape" not in names and "other.jpg" not in names and "photos" in names
    for rel in ("escape", "escape/other.jpg", "other.jpg", "../../secret/other.jpg",
                "DCIM/../../..", str(tmp_path / "secret")):
        with pytest.raises(MediaError) as err:
            resolve(stick, rel)
        assert err.value.code == "outside_medium"
    with pytest.raises(MediaError):
        list_folder(stick, "escape")
    assert resolve(stick, "photos/IMG_0001.JPG") == (media / "STICK" / "DCIM" /
                                                     "IMG_0001.JPG").resolve()


def test_an_empty_stick_lists_nothing_and_a_pulled_one_says_so(tmp_path: Path) -> None:
    (tmp_path / "media" / "EMPTY" / ".Trash-1000").mkdir(parents=True)
    stick = _stick(tmp_path / "media")
    assert list_folder(stick).entries == []
    (tmp_path / "media" / "EMPTY" / ".Trash-1000").rmdir()
    (tmp_path / "media" / "EMPTY").rmdir()
    with pytest.raises(MediaError) as err:
        list_folder(stick)
    assert err.value.code == "medium_gone"


def test_previews_are_small_pictures_and_pdf_pages(media: Path) -> None:
    stick = _stick(media)
    [_folder, photo] = list_folder(stick).entries
    [small], pages = preview(photo, 240)
    assert pages == 1 and max(small.shape[:2]) == 240
    pytest.importorskip("reportlab", reason="reportlab (dev extra) writes the test PDF")
    img, truth = einvoice(4)
    save_pdf(img, truth, media / "STICK" / "e-invoice.pdf")
    pdf = next(e for e in list_folder(stick).entries if e.kind == "pdf")
    images, pages = preview(pdf, 240)
    assert pages == 1 and len(images) == 1 and max(images[0].shape[:2]) <= 240


def test_a_broken_file_is_refused_with_a_code_the_screen_can_say(media: Path) -> None:
    stick = _stick(media)
    (media / "STICK" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 cut off")
    Image.new("RGB", (10, 10)).save(media / "STICK" / "tiny.png")
    (media / "STICK" / "fake.pdf").write_bytes(b"hello")
    by_name = {e.name: e for e in list_folder(stick).entries}
    for name, code in (("broken.jpg", "unreadable"), ("fake.pdf", "unsupported")):
        with pytest.raises(CaptureError) as err:
            preview(by_name[name], 240)
        assert err.value.code == code and err.value.message
    assert preview(by_name["tiny.png"], 240)[0][0].shape[:2] == (10, 10)


def test_the_roots_are_configurable_and_checked() -> None:
    assert parse_roots(ScannerSettings().media_roots) == (Path("/media"), Path("/run/media"))
    assert parse_roots("/srv/usb") == (Path("/srv/usb"),)
    with pytest.raises(ConfigError):
        changed(ScannerSettings(), media_roots="media")


def test_a_receipts_picture_is_its_photo_or_its_pdf_page_made_small(tmp_path: Path) -> None:
    from kiosk.scanner.pictures import picture

    img, truth = einvoice(5)
    photo = save(img, tmp_path / "r.jpg").read_bytes()
    assert max(picture(photo, None, 500).shape[:2]) == 500
    with pytest.raises(CaptureError):
        picture(b"not a picture", None, 500)
    pytest.importorskip("reportlab", reason="reportlab (dev extra) writes the test PDF")
    pdf = save_pdf(img, truth, tmp_path / "e.pdf").read_bytes()
    page = picture(pdf, 1, 500)
    assert max(page.shape[:2]) == 500 and page.mean() > 100  # a white page with print
    with pytest.raises(CaptureError):
        picture(pdf, 3, 500)  # no third page
