"""Files from phones and USB sticks: pictures by content, PDFs page by page, bad input refused."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from support.scenes import einvoice_page

from kiosk.scanner import CaptureError, CaptureSource
from kiosk.scanner.files import FileSource, heif_available, render_pdf, sniff

QR_TEXT = "01,10,32345678,0012345678,123.45,20260315,k7m2p9,A1B2"


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return einvoice_page(5, qr_text=QR_TEXT)


def _one(path: Path) -> list:
    return list(FileSource(path).captures())


def _code(path: Path) -> str:
    with pytest.raises(CaptureError) as err:
        _one(path)
    assert err.value.message and err.value.words.render("en")
    return err.value.code


# -- pictures -------------------------------------------------------------------------------


@pytest.mark.parametrize(("ext", "kind", "name"), [
    (".jpg", "jpeg", "scan.png"), (".png", "png", "invoice.pdf"), (".webp", "webp", "photo"),
])
def test_pictures_are_recognised_by_content_not_name(tmp_path: Path, page: np.ndarray, ext: str,
                                                     kind: str, name: str) -> None:
    ok, buf = cv2.imencode(ext, page)
    assert ok
    path = tmp_path / name
    path.write_bytes(buf.tobytes())
    source = FileSource(path)
    assert isinstance(source, CaptureSource)
    [cap] = list(source.captures())
    assert cap.meta["format"] == kind and cap.source == "file" and cap.page == 1
    assert cap.image.shape == page.shape
    assert cap.pdf_text is None
    assert cap.qr is not None and cap.qr["raw"] == QR_TEXT


def test_heic_photos_when_pillow_heif_is_installed(tmp_path: Path, page: np.ndarray) -> None:
    if not heif_available():
        pytest.skip("pillow-heif is not installed (optional: HEIC photos from iPhones)")
    path = tmp_path / "IMG_0001.jpeg"  # iPhones' files are often renamed on the way
    Image.fromarray(cv2.cvtColor(page, cv2.COLOR_BGR2RGB)).save(path, format="HEIF", quality=90)
    assert sniff(path.read_bytes()) == "heif"
    [cap] = _one(path)
    assert cap.meta["format"] == "heif" and cap.image.shape == page.shape


def test_an_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.jpg").write_bytes(b"")
    assert _code(tmp_path / "empty.jpg") == "empty_file"


def test_not_a_picture(tmp_path: Path) -> None:
    (tmp_path / "notes.jpg").write_bytes("就诊记录，不是图片".encode() * 20)
    assert _code(tmp_path / "notes.jpg") == "unsupported"


def test_a_truncated_jpeg(tmp_path: Path, page: np.ndarray) -> None:
    data = cv2.imencode(".jpg", page)[1].tobytes()
    (tmp_path / "half.jpg").write_bytes(data[: len(data) // 2])
    assert _code(tmp_path / "half.jpg") == "unreadable"


def _png_claiming(width: int, height: int) -> bytes:
    """A real 1×1 PNG whose header claims another size (a decompression bomb's calling card)."""
    data = bytearray(cv2.imencode(".png", np.zeros((1, 1, 3), np.uint8))[1].tobytes())
    ihdr = 8 + 8  # signature, then length + "IHDR"
    data[ihdr:ihdr + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[12:ihdr + 13]))
    data[ihdr + 13:ihdr + 17] = struct.pack(">I", crc)
    return bytes(data)


def test_a_30000_pixel_image_is_refused_before_decoding(tmp_path: Path) -> None:
    (tmp_path / "bomb.png").write_bytes(_png_claiming(30_000, 30_000))
    assert _code(tmp_path / "bomb.png") == "too_large"


def test_a_30000_pixel_long_strip_is_refused(tmp_path: Path) -> None:
    strip = np.full((120, 30_000, 3), 255, np.uint8)
    (tmp_path / "strip.png").write_bytes(cv2.imencode(".png", strip)[1].tobytes())
    assert _code(tmp_path / "strip.png") == "too_large"


# -- PDFs -----------------------------------------------------------------------------------


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF written by hand: objects[i] is the body of object i + 1, object 1 the catalog."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"", compress: bool = False) -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


_CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"


def _text_pdf(lines: list[str]) -> bytes:
    ops = b"BT /F1 14 Tf 72 760 Td 18 TL " + b" ".join(
        b"(%s) Tj T*" % line.encode("ascii") for line in lines) + b" ET"
    return _pdf([
        _CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(ops),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def test_a_multi_page_image_pdf_is_rendered_page_by_page(tmp_path: Path,
                                                         page: np.ndarray) -> None:
    rgb = Image.fromarray(cv2.cvtColor(page, cv2.COLOR_BGR2RGB))
    blank = Image.new("RGB", rgb.size, "white")
    path = tmp_path / "einvoice.jpg"  # a PDF, whatever the name says
    rgb.save(path, "PDF", save_all=True, append_images=[blank, rgb], resolution=200)
    caps = _one(path)
    assert [c.page for c in caps] == [1, 2, 3]
    assert all(c.meta["format"] == "pdf" and c.meta["pages"] == 3 for c in caps)
    assert all(c.pdf_text is None for c in caps), "scanned pages carry no text layer"
    # 200 dpi in, 200 dpi out: the page comes back at its own size
    assert abs(caps[0].image.shape[1] - page.shape[1]) <= 2
    assert caps[0].qr is not None and caps[0].qr["fields"]["invoice_number"] == "0012345678"
    assert caps[1].qr is None


def test_a_text_pdf_gives_its_text(tmp_path: Path) -> None:
    lines = ["Outpatient e-invoice", "Invoice code 32345678", "Invoice number 0012345678",
             "Total 123.45"]
    path = tmp_path / "text.pdf"
    path.write_bytes(_text_pdf(lines))
    [cap] = _one(path)
    assert cap.pdf_text is not None
    for line in lines:
        assert line in cap.pdf_text
    assert cap.image.shape[:2] == (round(842 * 200 / 72), round(595 * 200 / 72))


def test_a_pdf_with_thousands_of_pages_is_refused(tmp_path: Path) -> None:
    n = 5000
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(n))
    objs = [_CATALOG, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n), _stream(b"")]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * n
    path = tmp_path / "many.pdf"
    path.write_bytes(_pdf(objs))
    assert _code(path) == "too_many_pages"


def test_a_pdf_page_the_size_of_a_football_pitch_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.pdf"
    path.write_bytes(_pdf([_CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                           b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] >>"]))
    assert _code(path) == "too_large"


def test_a_big_but_legal_page_is_rendered_within_the_pixel_cap(tmp_path: Path) -> None:
    path = tmp_path / "poster.pdf"
    path.write_bytes(_pdf([_CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                           b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 4800 2400] >>"]))
    [cap] = _one(path)
    assert cap.image.shape[:2] == (2000, 4000)


def test_nested_forms_bomb_ends_the_renderer_not_the_kiosk(tmp_path: Path) -> None:
    """Forty forms each drawing the next four times: 4**40 draws if nothing stopped it."""
    depth = 40
    objs = [_CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /XObject << /X 5 0 R >> >> >>", _stream(b"/X Do")]
    for i in range(depth):
        last = i == depth - 1
        body = b"0 0 10 10 re f" if last else b"/X Do /X Do /X Do /X Do"
        res = b"" if last else b" /Resources << /XObject << /X %d 0 R >> >>" % (6 + i)
        objs.append(_stream(body, b" /Type /XObject /Subtype /Form /BBox [0 0 595 842]" + res))
    path = tmp_path / "nested.pdf"
    path.write_bytes(_pdf(objs))
    with pytest.raises(CaptureError) as err:
        render_pdf(path, timeout_s=30)
    assert err.value.code == "too_large"


def test_compressed_content_bomb_is_contained(tmp_path: Path) -> None:
    """Half a megabyte that inflates to 260 MB of drawing operators."""
    objs = [_CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            _stream(b"0 0 1 1 re f\n" * 20_000_000, compress=True)]
    path = tmp_path / "zip.pdf"
    path.write_bytes(_pdf(objs))
    assert path.stat().st_size < 1_000_000
    with pytest.raises(CaptureError) as err:
        render_pdf(path, timeout_s=30)
    assert err.value.code == "too_large"


@pytest.mark.parametrize("data", [b"%PDF-1.7\n" + b"\x00garbage" * 50,
                                  b"%PDF-1.4\n1 0 obj << /Type /Catalog"])
def test_a_broken_pdf(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "broken.pdf").write_bytes(data)
    assert _code(tmp_path / "broken.pdf") == "unreadable"


def test_sniff_formats() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buf, "TIFF")
    assert sniff(buf.getvalue()) == "tiff"
    assert sniff(b"junk before %PDF-1.5 header") == "pdf"
    assert sniff(b"\x00\x01\x02") is None
