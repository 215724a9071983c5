"""Pre-processing on real (synthetic) pictures: page finding, orientation, skew, seals,
refusals and decoding. Pictures come from tests/support/imagegen.py; nothing is mocked."""

from __future__ import annotations

import struct
import zlib

import cv2
import numpy as np
import pytest
from support import imagegen

from kiosk.recognition.preprocess import (
    ImageRejected,
    decode_image,
    prepare,
    suppress_red,
)

pytestmark = pytest.mark.skipif(
    imagegen.find_cjk_font() is None,
    reason="no CJK font to draw test receipts (install fonts-wqy-microhei or set "
    "KIOSK_TEST_CJK_FONT)",
)


@pytest.fixture(scope="module")
def page() -> imagegen.Page:
    return imagegen.render_receipt()


def _small_gray(image: np.ndarray, size: tuple[int, int] = (200, 280)) -> np.ndarray:
    g = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return cv2.resize(g, size, interpolation=cv2.INTER_AREA).astype(np.float32)


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))


def _measured_skew(image: np.ndarray) -> float:
    """Angle (degrees, descending to the right) of the dark print: an independent oracle.

    Projection profile: at the right angle, text rows and table rules fall into few rows.
    """
    ys, xs = np.nonzero(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) < 110)
    xs = xs - image.shape[1] / 2

    def peak(deg: float) -> float:
        rows = np.round(ys - xs * np.tan(np.radians(deg))).astype(np.int64)
        hist = np.bincount(rows - rows.min())
        return float(np.dot(hist, hist))

    angles = np.arange(-8.0, 8.01, 0.1)
    return float(angles[int(np.argmax([peak(a) for a in angles]))])


# --- the page in a photo -------------------------------------------------------------


def test_page_is_found_and_flattened(page: imagegen.Page) -> None:
    photo, _ = imagegen.photograph(page.image, frame=(2000, 1600))

    result = prepare(photo)

    assert "page_outline" in result.steps
    out = result.image
    assert out.shape[1] / out.shape[0] == pytest.approx(page.aspect, rel=0.06)
    # The wood is gone: a strip along every edge is paper, not brown table.
    strip = max(4, out.shape[0] // 100)
    edges = [out[:strip], out[-strip:], out[:, :strip], out[:, -strip:]]
    for e in edges:
        assert cv2.cvtColor(e, cv2.COLOR_BGR2GRAY).mean() > 180
    # And it looks like the page it was photographed from.
    assert _corr(_small_gray(out), _small_gray(page.image)) > 0.6
    assert 0.2 < result.quality["page_coverage"] < 0.7


def test_clean_scan_passes_through_without_warp(page: imagegen.Page) -> None:
    result = prepare(page.image)

    assert set(result.steps) <= {"seal_suppressed"}
    assert result.image.shape == page.image.shape
    untouched = ~cv2.dilate(page.seal_mask.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    red = page.image[..., 2].astype(int) - page.image[..., :2].max(axis=2) > 20
    same = untouched & ~red
    assert np.array_equal(result.image[same], page.image[same])


def test_large_scan_is_only_scaled(page: imagegen.Page) -> None:
    result = prepare(page.image, max_side=900)

    assert max(result.image.shape[:2]) == 900
    assert [s for s in result.steps if s != "seal_suppressed"] == ["scale:0.60"]


# --- orientation and skew -------------------------------------------------------------


@pytest.mark.parametrize("turn", [90, 270])
def test_sideways_page_comes_out_upright(page: imagegen.Page, turn: int) -> None:
    result = prepare(imagegen.rotate(page.image, turn))

    assert f"rotate_{360 - turn}" in result.steps
    out = _small_gray(result.image)
    upright = _small_gray(page.image)
    assert _corr(out, upright) > 0.8
    assert _corr(out, upright) > _corr(out, upright[::-1, ::-1]) + 0.2


def test_upside_down_page_is_left_for_the_ocr(page: imagegen.Page) -> None:
    result = prepare(imagegen.rotate(page.image, 180))

    assert not any(s.startswith("rotate_") for s in result.steps)
    assert result.image.shape == page.image.shape


@pytest.mark.parametrize("angle", [-6.0, -1.5, 3.0])
def test_skew_is_corrected(page: imagegen.Page, angle: float) -> None:
    result = prepare(imagegen.skew(page.image, angle))

    assert any(s.startswith("deskew:") for s in result.steps)
    # The generator turns counter-clockwise, so lines then rise to the right.
    assert result.quality["skew_deg"] == pytest.approx(-angle, abs=0.5)
    assert _measured_skew(imagegen.skew(page.image, angle)) == pytest.approx(-angle, abs=0.3)
    assert abs(_measured_skew(result.image)) <= 0.5


def test_turned_photo_is_flattened_and_levelled(page: imagegen.Page) -> None:
    # The page lies turned by about 8° on the table, seen at an angle.
    fh, fw = 2000, 1600
    corners = np.array([[0.28 * fw, 0.12 * fh], [0.86 * fw, 0.20 * fh],
                        [0.78 * fw, 0.90 * fh], [0.14 * fw, 0.82 * fh]], np.float32)
    photo, _ = imagegen.photograph(page.image, frame=(fh, fw), corners=corners)

    result = prepare(photo)

    assert "page_outline" in result.steps
    assert abs(_measured_skew(result.image)) <= 0.5
    assert result.image.shape[1] / result.image.shape[0] == pytest.approx(page.aspect, rel=0.08)


# --- seals ----------------------------------------------------------------------------


def test_red_seal_is_whitened_and_black_text_under_it_stays(page: imagegen.Page) -> None:
    gray_before = cv2.cvtColor(page.image, cv2.COLOR_BGR2GRAY)
    out = suppress_red(page.image)
    gray = cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)

    assert gray_before[page.seal_mask].mean() < 130  # the seal really was there
    assert gray[page.seal_mask].mean() > 215  # ... and now is nearly paper
    assert gray[page.under_seal].mean() < 80  # black strokes under it stay dark
    assert gray[page.under_seal].mean() <= gray_before[page.under_seal].mean() + 15
    # Black text elsewhere is untouched.
    text = (gray_before < 80) & ~page.under_seal
    assert np.abs(gray[text].astype(int) - gray_before[text]).mean() < 3


def test_prepare_reports_seal_suppression(page: imagegen.Page) -> None:
    result = prepare(page.image)

    assert "seal_suppressed" in result.steps
    gray = cv2.cvtColor(result.image, cv2.COLOR_BGR2GRAY)
    assert gray[page.seal_mask].mean() > 215


def test_seal_suppression_can_be_left_out(page: imagegen.Page) -> None:
    result = prepare(page.image, suppress_seals=False)

    assert result.steps == []
    assert np.array_equal(result.image, page.image)
    assert result.image is not page.image


# --- refusals -------------------------------------------------------------------------


def _code(image: np.ndarray) -> str:
    with pytest.raises(ImageRejected) as info:
        prepare(image)
    err = info.value
    assert err.message and err.words.render("en")  # something a person can act on
    return err.code


def test_blank_wall_is_no_document() -> None:
    y = np.linspace(170, 215, 1200, dtype=np.float32)[:, None, None]
    wall = np.broadcast_to(y, (1200, 1600, 3)) + np.random.default_rng(3).normal(0, 2, (1200, 1600, 3))
    assert _code(np.clip(wall, 0, 255).astype(np.uint8)) == "no_document"


def test_random_noise_is_no_document() -> None:
    noise = np.random.default_rng(4).integers(0, 256, (1200, 1600, 3), dtype=np.uint8)
    assert _code(noise) == "no_document"


def test_bare_table_is_no_document() -> None:
    assert _code(imagegen.textured_background(1600, 1200)) == "no_document"


def test_dark_picture_is_too_dark(page: imagegen.Page) -> None:
    photo, _ = imagegen.photograph(page.image)
    assert _code(imagegen.darken(photo, 0.15)) == "too_dark"


def test_blurred_picture_is_too_blurred(page: imagegen.Page) -> None:
    photo, _ = imagegen.photograph(page.image)
    assert _code(imagegen.blur(photo, 6)) == "too_blurred"


def test_mild_blur_and_dim_light_are_accepted(page: imagegen.Page) -> None:
    photo, _ = imagegen.photograph(page.image)
    prepare(imagegen.blur(photo, 1.5))
    prepare(imagegen.darken(photo, 0.5))


def test_tiny_picture_is_too_small(page: imagegen.Page) -> None:
    tiny = cv2.resize(page.image, (200, 270), interpolation=cv2.INTER_AREA)
    assert _code(tiny) == "too_small"


def test_rejection_messages() -> None:
    err = ImageRejected("no_document")
    assert err.message == "没有找到票据，请把票据放在拍摄区域中间"
    assert "receipt" in err.words.render("en")
    with pytest.raises(ValueError):
        ImageRejected("nonsense")


# --- decoding -------------------------------------------------------------------------


def _decode_code(data: bytes) -> str:
    with pytest.raises(ImageRejected) as info:
        decode_image(data)
    return info.value.code


def test_decode_roundtrip(page: imagegen.Page) -> None:
    for ext in (".jpg", ".png", ".webp", ".bmp"):
        img = decode_image(imagegen.encode(page.image, ext))
        assert img.shape == page.image.shape
        assert img.dtype == np.uint8


def test_decode_falls_back_to_pil_for_gif(page: imagegen.Page) -> None:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(page.image[:400, :300, ::-1]).save(buf, format="GIF")
    img = decode_image(buf.getvalue())
    assert img.shape == (400, 300, 3)


def test_decode_refuses_empty_truncated_and_garbage(page: imagegen.Page) -> None:
    jpeg = imagegen.encode(page.image, ".jpg")
    assert _decode_code(b"") == "unreadable"
    assert _decode_code(jpeg[: len(jpeg) // 2]) == "unreadable"
    assert _decode_code(np.random.default_rng(5).bytes(50_000)) == "unreadable"
    assert _decode_code(b"%PDF-1.4 not a picture") == "unreadable"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def test_decode_refuses_a_decompression_bomb_from_its_header() -> None:
    # A few hundred bytes claiming 30000×30000 pixels (2.7 GB decoded): refused from the
    # header without allocating the image.
    ihdr = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    row = b"\x00" + b"\x00" * 3 * 30000
    idat = zlib.compress(row * 4, 9)
    data = (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat)
            + _png_chunk(b"IEND", b""))
    assert len(data) < 10_000
    assert _decode_code(data) == "too_large"


def test_decode_refuses_just_over_the_pixel_limit() -> None:
    ihdr = struct.pack(">IIBBBBB", 8000, 7600, 8, 0, 0, 0, 0)  # 60.8 MP grey
    data = b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IEND", b"")
    assert _decode_code(data) == "too_large"
