"""Image pre-processing: bytes → a flat, upright, readable page for the OCR engine.

Phones photograph receipts on tables, on top of other papers, tilted, turned sideways and
in bad light. Everything here is measured from the image itself (no per-template
coordinates): the page outline from brightness and edges, orientation and skew from the
direction of text lines, seals from colour. All detection runs on a small copy; the
full-resolution image is resampled once, with every geometric step folded into a single
transform, so that a 3000×2300 photo costs well under 150 ms.

A picture we cannot use raises `ImageRejected`, whose message tells the person what to do.
"""

from __future__ import annotations

import io
import logging
import math
import warnings
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from kiosk.core.plain import PlainError

log = logging.getLogger("kiosk.recognition")

MAX_PIXELS = 60_000_000
"""Largest image we decode; a bigger one is refused from its header, before decoding."""

MIN_SIDE = 300
"""Shortest side (pixels) below which receipt text cannot be read."""

_DETECT_SIDE = 1000
"""Long side of the working copy that all measurements are taken on."""

class ImageRejected(PlainError):
    """A picture we cannot use, for a reason the person in front of the kiosk can fix
    (codes: the catalogue's `rejection` section, resources/messages)."""

    SECTION = "rejection"
    KIND = "rejection"


# ---------------------------------------------------------------------------------------
# Decoding


def decode_image(data: bytes) -> np.ndarray:
    """Decode image bytes of any common format into a BGR uint8 array.

    The pixel count is read from the header first, so that a decompression bomb (a small
    file claiming 30000×30000 pixels) is refused before any memory is allocated for it.
    EXIF orientation from the phone is applied.
    """
    if not data:
        raise ImageRejected("unreadable", "no bytes")
    size = _header_size(data)
    if size is not None and size[0] * size[1] > MAX_PIXELS:
        raise ImageRejected("too_large", f"{size[0]}x{size[1]} pixels")

    if data[:2] == b"\xff\xd8" and not _jpeg_complete(data):
        raise ImageRejected("unreadable", "truncated JPEG")
    buf = np.frombuffer(data, dtype=np.uint8)
    image: np.ndarray | None = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    if image is None:
        image = _decode_with_pil(data)
    if image is None or image.ndim != 3 or image.size == 0:
        raise ImageRejected("unreadable", "not an image, or a truncated one")
    if image.shape[0] * image.shape[1] > MAX_PIXELS:
        raise ImageRejected("too_large", f"{image.shape[1]}x{image.shape[0]} pixels")
    return image


def _jpeg_complete(data: bytes) -> bool:
    """True when the last scan of a JPEG is followed by its end-of-image marker.

    libjpeg fills a cut-off JPEG with grey and only warns; a half-received upload must be
    refused instead. Entropy-coded data never contains FF D9, so the marker after the last
    start-of-scan (FF DA) is the real end (trailers after it are allowed).
    """
    sos = data.rfind(b"\xff\xda")
    return sos >= 0 and data.find(b"\xff\xd9", sos) >= 0


def _header_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the file header without decoding pixels; None if PIL can't tell."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as im:
                return im.size
        except Image.DecompressionBombError as exc:
            raise ImageRejected("too_large", str(exc)) from exc
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            return None


def _decode_with_pil(data: bytes) -> np.ndarray | None:
    """Fallback for formats OpenCV was built without (GIF, some TIFF flavours...)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as im:
                im.load()  # raises on truncated data (LOAD_TRUNCATED_IMAGES is off)
                rgb = ImageOps.exif_transpose(im).convert("RGB")
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
            return None
    return cv2.cvtColor(np.asarray(rgb), cv2.COLOR_RGB2BGR)


# ---------------------------------------------------------------------------------------
# Preparation


@dataclass
class Prepared:
    """The page ready for OCR, what was done to it, and what was measured on the way."""

    image: np.ndarray
    steps: list[str] = field(default_factory=list)
    quality: dict[str, float] = field(default_factory=dict)


def prepare(image: np.ndarray, *, max_side: int = 2400, suppress_seals: bool = True,
            outline: bool = True, turn: int | None = None) -> Prepared:
    """Find the page, turn it upright and flat, whiten red seals, scale to `max_side`.

    `outline=False` keeps the whole frame instead of cutting out the page: the reader asks
    for that when the outline found turned out to cut through print (a fold, a footer band).
    `suppress_seals=False` keeps red ink: e-invoices print their title and field labels
    in red, which whitening removes along with the seal. `turn` (0, 90 or 270) is the
    quarter turn to make instead of the one the strokes suggest: the reader knows better
    once the engine has read the page as columns, and the skew must then be measured on
    the page turned, not on its columns.

    Raises `ImageRejected` ("too_small", "too_dark", "no_document", "too_blurred") when
    the picture cannot give a readable page.
    """
    image = _as_bgr(image)
    height, width = image.shape[:2]
    if min(height, width) < MIN_SIDE:
        raise ImageRejected("too_small", f"{width}x{height}")

    steps: list[str] = []
    quality: dict[str, float] = {}

    # Working copy: every decision is made on this. An integer shrink factor keeps
    # OpenCV's area averaging on its fast path.
    factor = max(1, round(max(height, width) / _DETECT_SIDE))
    k = 1.0 / factor
    small = cv2.resize(image, None, fx=k, fy=k, interpolation=cv2.INTER_AREA) if factor > 1 \
        else image
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)

    # The paper's light, not the table's: a slip photographed from afar covers a few
    # hundredths of the frame, so the brightest 1% is looked at (the page's own brightness
    # is checked again once it is found).
    bright = _percentile(gray, 99)
    quality["brightness"] = round(float(gray.mean()) / 255, 3)
    if bright < 70:
        raise ImageRejected("too_dark", f"99th percentile grey {bright:.0f}")

    # 1. The page outline (a 4-point perspective warp), or the whole frame.
    quad = _find_page(small, gray) if outline else None
    # Text is measured on the red channel, in which red seals and rules fade into the paper
    # and only black (or blue) ink is left.
    ink = np.ascontiguousarray(small[:, :, 2])
    if quad is not None:
        page_small, to_page = _warp_small(ink, quad)
        quality["page_coverage"] = round(_quad_area(quad) / (gray.shape[0] * gray.shape[1]), 3)
        steps.append("page_outline")
    else:
        page_small, to_page = ink, np.eye(3)
        quality["page_coverage"] = 1.0

    strokes = _text_strokes(page_small)
    lines = _text_line_count(strokes)
    if quad is not None and lines < 3:
        # a page found but hardly any print on it: a page held far off in a big frame (in
        # the working copy its print is a few pixels high and runs together) or in dim
        # light (faint print under the strokes' fixed contrast floor). Its lines are
        # counted again on the page cut out of the full picture, its paper brought to
        # white; only counted there, every other decision is made as before.
        near, _ = _warp_small(np.ascontiguousarray(image[:, :, 2]), quad * factor)
        white = max(_percentile(near, 95), 1.0)
        near = np.clip(near.astype(np.float32) * (255.0 / white), 0, 255).astype(np.uint8)
        lines = max(lines, _text_line_count(_text_strokes(near)))
    # Without an outline the frame is the page; where that is doubtful (too few lines, or
    # too dark), the paper alone is measured: a textured table top (granite, cloth) swamps
    # a small page's print, and a dark one its light.
    paper = ink
    if quad is None and (lines < 3 or _percentile(ink, 90) < 0.3 * 255):
        box = _paper_box(small)
        if box is not None:
            x0, y0, x1, y1 = box
            paper = ink[y0:y1, x0:x1]
            lines = max(lines, _text_line_count(_text_strokes(paper)))
    quality["text_lines"] = float(lines)
    if lines < 3:
        raise ImageRejected("no_document", f"{lines} text lines")
    paper_sat = _paper_saturation(small, quad)
    quality["paper_saturation"] = round(paper_sat / 255, 3)
    if paper_sat > 100:
        raise ImageRejected("no_document", f"brightest part is coloured ({paper_sat:.0f})")

    page_gray = page_small if quad is not None else paper
    quality["page_brightness"] = round(_percentile(page_gray, 90) / 255, 3)
    if quality["page_brightness"] < 0.3:
        raise ImageRejected("too_dark", f"page 90th percentile {quality['page_brightness']}")

    # 2. Quarter turns: text must run left to right.
    transform = to_page
    if turn is None:
        turn = _quarter_turn(strokes)
    if turn:
        rot = _rot90_matrix(page_small.shape[1], page_small.shape[0], turn)
        page_small = _apply_rot90(page_small, turn)
        strokes = _apply_rot90(strokes, turn)
        transform = rot @ transform
        steps.append(f"rotate_{turn}")

    # 3. Small skew left over after the warp (or on a scan).
    angle = _skew_angle(strokes)
    ph, pw = page_small.shape[:2]
    if abs(angle) >= 0.2:
        rot, (pw, ph) = _deskew_matrix(pw, ph, angle)
        transform = rot @ transform
        steps.append(f"deskew:{angle:.1f}")
    quality["skew_deg"] = round(angle, 2)

    # Back to full resolution: the small copy is `k` times the original.
    full = np.diag([1 / k, 1 / k, 1.0]) @ transform @ np.diag([k, k, 1.0])
    out_w, out_h = pw / k, ph / k
    scale = min(1.0, max_side / max(out_w, out_h))
    if scale < 1.0:
        steps.append(f"scale:{scale:.2f}")
    final = np.diag([scale, scale, 1.0]) @ full
    size = (max(1, round(out_w * scale)), max(1, round(out_h * scale)))
    result = _resample(image, final, size)

    # Blur is judged at full resolution: a small page in a big photo is small, not blurred.
    sharp = _sharpness(result)
    quality["sharpness"] = round(sharp, 3)
    if sharp < _MIN_SHARPNESS:
        raise ImageRejected("too_blurred", f"sharpness {sharp:.3f}")

    # 4. Red seals over black text.
    if suppress_seals:
        result, red_share = _suppress_red(result, in_place=result is not image)
        quality["red_share"] = round(red_share, 4)
        if red_share > 0.0005:
            steps.append("seal_suppressed")
    elif result is image:
        result = image.copy()
    return Prepared(image=result, steps=steps, quality=quality)


_PAPER_WHITE = 235.0  # what paper is brought to
_DIM_PAPER = 200.0  # paper darker than this in its brightest channel is levelled


def for_reading(page: np.ndarray) -> np.ndarray:
    """The prepared page as the whole page is handed to the reader: where its paper came
    out dim, made brighter so that the paper (the 90th percentile of its brightest channel)
    is white; on a grey page the detector misses faint print altogether.

    Only the reading of the whole page gets this: the crops read again for a seal or a
    form's ink are measured in the page's own colours, and a brighter page's red is
    redder. The gain is at most 2.5: a page darker than that was refused as too dark."""
    sample = np.ascontiguousarray(page[::4, ::4])
    if sample.ndim != 3:
        return page
    paper = [_percentile(np.ascontiguousarray(sample[..., c]), 90) for c in range(3)]
    if max(paper) >= _DIM_PAPER:
        return page
    # one gain for all three channels: the inks keep their colours (a red label balanced
    # against a yellow lamp's cast would come out pale pink)
    gain = min(2.5, _PAPER_WHITE / max(max(paper), 1.0))
    lut = np.clip(np.arange(256, dtype=np.float32) * gain, 0, 255).astype(np.uint8)
    return cv2.LUT(page, lut)


def suppress_red(image: np.ndarray) -> np.ndarray:
    """Whiten red ink (seals, red rules and titles) while keeping black ink dark.

    Under red ink the red channel is bright and under black ink it is dark, so red pixels
    are replaced by their own red channel (stretched so that paper stays white): a seal
    fades to paper, while black text stamped over by the seal keeps its strokes.
    """
    return _suppress_red(_as_bgr(image))[0]


# ---------------------------------------------------------------------------------------
# Helpers


def _percentile(values: np.ndarray, q: float) -> float:
    """Percentile of uint8 values from their histogram (much faster than a sort)."""
    flat = values.reshape(-1, 1) if values.ndim == 1 or not values.flags.c_contiguous \
        else values
    hist = cv2.calcHist([np.ascontiguousarray(flat)], [0], None, [256], [0, 256]).ravel()
    cum = np.cumsum(hist)
    if cum[-1] == 0:
        return 0.0
    return float(np.searchsorted(cum, q / 100 * cum[-1]))


def _as_bgr(image: np.ndarray) -> np.ndarray:
    if image.dtype != np.uint8:
        raise TypeError(f"expected a uint8 image, got {image.dtype}")
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.ndim == 3 and image.shape[2] == 3:
        return image
    raise TypeError(f"expected a BGR image, got shape {image.shape}")


def _redness(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How much red exceeds green and blue (0 for grey, black and blue ink), and red."""
    b, g, r = cv2.split(image)
    return cv2.subtract(r, cv2.max(g, b)), r


def _suppress_red(image: np.ndarray, *, in_place: bool = False) -> tuple[np.ndarray, float]:
    """`suppress_red` for the seals only; also returns the share of the picture that was red.

    E-invoices print their title, field labels and table rules in red too, and OCR needs
    those. So red is looked for on a quarter-size copy, straight rules are taken out, and
    only blobs shaped like a seal (round or oval, a few centimetres across, not a line of
    text) are whitened, at full size.
    """
    out = image if in_place else image.copy()
    f = 4 if min(image.shape[:2]) >= 64 else 1
    tiny = cv2.resize(image, None, fx=1 / f, fy=1 / f, interpolation=cv2.INTER_AREA) \
        if f > 1 else image
    red_t, r_t = _redness(tiny)
    share = float(np.count_nonzero(red_t > 40)) / red_t.size
    hot = ((red_t > 12) * 255).astype(np.uint8)  # thin red rules are diluted by the averaging
    if not hot.any():
        return out, 0.0
    paper_r = max(_percentile(r_t, 95), 64.0)
    # whitened ink must not come out lighter than the paper around it: a white ring is an edge
    paper = _percentile(cv2.cvtColor(tiny, cv2.COLOR_BGR2GRAY), 90)
    height, width = image.shape[:2]
    for x0, y0, x1, y1 in _seal_boxes(hot):
        x0, y0 = max(0, x0 * f - 2 * f), max(0, y0 * f - 2 * f)
        x1, y1 = min(width, x1 * f + 2 * f), min(height, y1 * f + 2 * f)
        roi = out[y0:y1, x0:x1]
        redness, r = _redness(roi)
        # Weight 0 below 25 of "red over the other channels", 1 from 55 on; soft in
        # between so that the anti-aliased rim of a stroke fades too.
        weight = cv2.addWeighted(redness, 255 / 30, redness, 0.0, -25 * 255 / 30)
        # Stamp ink (印泥) is a bright vermilion; printed labels and rules that the seal's box
        # takes in are a darker red. Fade only the bright red: weight 0 below R 165, 1 at 195.
        bright = cv2.addWeighted(r, 255 / 30, r, 0.0, -165 * 255 / 30)
        weight = cv2.multiply(weight, bright, scale=1 / 255)
        # Red ink's own red channel, stretched to paper white and lifted by its redness:
        # at least as light as every channel of the pixel, so taking the maximum whitens.
        lifted = cv2.add(cv2.convertScaleAbs(r, alpha=255.0 / paper_r), redness)
        lifted = np.minimum(cv2.multiply(lifted, weight, scale=1 / 255), np.uint8(paper))
        out[y0:y1, x0:x1] = cv2.max(roi, cv2.merge([lifted, lifted, lifted]))
    return out, share


def _seal_boxes(hot: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (x0, y0, x1, y1) of seal-shaped red blobs in a red mask."""
    short = min(hot.shape)
    # straight rules (table grids, underlines) would join a seal to the whole table
    k = max(9, short // 12)
    rules = cv2.max(
        cv2.morphologyEx(hot, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1))),
        cv2.morphologyEx(hot, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, k))))
    ink = cv2.subtract(hot, rules)
    blob = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(
        cv2.MORPH_ELLIPSE, (max(3, short // 60) | 1,) * 2))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(blob, connectivity=8)
    boxes = []
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        big, small_side = max(w, h), min(w, h)
        if big < short * 0.06 or big > short * 0.5:
            continue  # specks, or most of the page
        if small_side < big * 0.45:
            continue  # a line of red text or a rule is long and thin; seals are round or oval
        if area > w * h * 0.8:
            continue  # a filled block, not a stamp's ring and characters
        if _corner_share(labels[y:y + h, x:x + w] == i) > 0.19:
            continue  # a block of red labels (票据代码 / 票据号码 / …) fills its corners too
        boxes.append((int(x), int(y), int(x + w), int(y + h)))
    return boxes


def _corner_share(blob: np.ndarray) -> float:
    """Share of a blob's pixels outside the ellipse inscribed in its box.

    A seal is round or oval, so little of it lies in the corners of its box (more where it
    touches other red print); a block of text lines fills them nearly as densely as the
    middle: an evenly filled box has 1 - π/4 ≈ 0.21 of its ink there.
    """
    h, w = blob.shape
    yy, xx = np.ogrid[:h, :w]
    outside = ((xx - (w - 1) / 2) / (w / 2)) ** 2 + ((yy - (h - 1) / 2) / (h / 2)) ** 2 > 1.0
    ink = np.count_nonzero(blob)
    return float(np.count_nonzero(blob & outside)) / ink if ink else 0.0


def _paper_saturation(small: np.ndarray, quad: np.ndarray | None) -> float:
    """Median colour saturation of the brightest fifth of the page (or picture).

    Receipt paper is nearly grey whatever the light; a table top, a floor or cloth, whose
    stripes can look like lines of text, is not.
    """
    if quad is not None:
        mask = np.zeros(small.shape[:2], np.uint8)
        cv2.fillConvexPoly(mask, quad.astype(np.int32), (255,))
    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    value, sat = hsv[:, :, 2], hsv[:, :, 1]
    if quad is not None:
        value, sat = value[mask > 0], sat[mask > 0]
    bright = value >= _percentile(value, 80)
    return _percentile(sat[bright], 50)


def _finger_block(h: int, w: int) -> np.ndarray:
    """A square wider than a finger on a frame of h × w (a page is several times wider):
    opening a mask with it cuts off a finger holding the page or a pen across its edge."""
    return cv2.getStructuringElement(cv2.MORPH_RECT, (max(7, round(0.03 * max(h, w))),) * 2)


def _paper_box(small: np.ndarray) -> tuple[int, int, int, int] | None:
    """Bounding box (x0, y0, x1, y1) of the largest bright, nearly colourless region:
    the paper, outlined or not. None when there is no such region of a page's size."""
    h, w = small.shape[:2]
    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    whiteness = cv2.GaussianBlur(cv2.subtract(hsv[:, :, 2], hsv[:, :, 1]), (5, 5), 0)
    _, mask = cv2.threshold(whiteness, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    arm = _finger_block(h, w)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, arm)
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n < 2:
        return None
    i = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, bw, bh, area = (int(v) for v in stats[i])
    if area < 0.03 * h * w or bw * bh > 0.9 * h * w or min(bw, bh) < MIN_SIDE // 6:
        return None
    return x, y, x + bw, y + bh


def _text_strokes(gray: np.ndarray) -> np.ndarray:
    """Binary mask of dark, thin strokes (text and rules) on a lighter background."""
    side = max(gray.shape)
    k = max(9, int(side / 60) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    blackhat = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, kernel)
    top = _percentile(blackhat, 99.5)
    thresh = max(18.0, 0.3 * top)
    return (blackhat > thresh).astype(np.uint8) * 255


def _text_line_count(strokes: np.ndarray) -> int:
    """How many line-shaped blobs (rows of characters, table rules) the strokes form."""
    side = max(strokes.shape)
    k = max(5, side // 80)
    closed = cv2.morphologyEx(strokes, cv2.MORPH_CLOSE, cv2.getStructuringElement(
        cv2.MORPH_RECT, (k, 1)))
    closed_v = cv2.morphologyEx(strokes, cv2.MORPH_CLOSE, cv2.getStructuringElement(
        cv2.MORPH_RECT, (1, k)))
    count = 0
    for mask, axis in ((closed, 0), (closed_v, 1)):
        _, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        w, h = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
        long_, short = (w, h) if axis == 0 else (h, w)
        extent = strokes.shape[1 - axis]
        # Longer than the picture is wide or high, it is wood grain or cloth, not a line of text.
        ok = (long_ >= 3 * short) & (short >= 3) & (short <= side / 25) & (long_ >= side / 20) \
            & (long_ < 0.9 * extent)
        count = max(count, int(np.count_nonzero(ok)))
    return count


_MIN_SHARPNESS = 0.2


def _sharpness(page: np.ndarray) -> float:
    """Edge steepness of the print, relative to its contrast (0 = mush, ~1 = crisp).

    Sharp text goes from ink to paper within a pixel or two, so its steepest gradients are
    close to the full ink/paper contrast; blur spreads the step and the ratio falls.
    Measured on the middle of the page (where the text is) in the red channel (no seals).
    """
    h, w = page.shape[:2]
    gray = np.ascontiguousarray(page[h // 5: h - h // 5, w // 8: w - w // 8, 2])
    gx = cv2.Sobel(gray, cv2.CV_16S, 1, 0, ksize=3)
    gy = cv2.Sobel(gray, cv2.CV_16S, 0, 1, ksize=3)
    mag = cv2.max(cv2.convertScaleAbs(gx, alpha=0.25), cv2.convertScaleAbs(gy, alpha=0.25))
    steep = _percentile(mag, 99.5)
    contrast = _percentile(gray, 95) - _percentile(gray, 1)
    return steep / max(contrast, 20.0)


def _quad_area(quad: np.ndarray) -> float:
    return float(cv2.contourArea(quad.astype(np.float32)))


def _order_corners(pts: np.ndarray) -> np.ndarray:
    """Top-left, top-right, bottom-right, bottom-left."""
    pts = pts.reshape(4, 2).astype(np.float32)
    c = pts.mean(axis=0)
    ang = np.arctan2(pts[:, 1] - c[1], pts[:, 0] - c[0])
    pts = pts[np.argsort(ang)]  # clockwise from the left in image coordinates
    start = int(np.argmin(pts.sum(axis=1)))
    return np.roll(pts, -start, axis=0)


def _warp_small(gray: np.ndarray, quad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The page cut out of the working copy, and the homography that does it."""
    tl, tr, br, bl = quad
    w = max(8, round(float(np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2))
    h = max(8, round(float(np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2))
    dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    hom = cv2.getPerspectiveTransform(quad.astype(np.float32), dst)
    page = cv2.warpPerspective(gray, hom, (w, h), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)
    return page, hom.astype(np.float64)


def _find_page(small: np.ndarray, gray: np.ndarray) -> np.ndarray | None:
    """Corners of the receipt in the working copy, or None when the page fills the frame.

    Candidates are convex quadrilaterals from bright low-saturation regions and from edge
    contours. Each is scored by how much of its outline lies on a real edge and how much
    of the text in the picture it holds, so that a blank sheet lying under the receipt
    loses to the receipt itself.
    """
    h, w = gray.shape
    frame = float(h * w)
    blur = cv2.GaussianBlur(gray, (5, 5), 0)
    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    # Paper is bright and nearly colourless; wood, fabric and skin are not.
    whiteness = cv2.subtract(hsv[:, :, 2], hsv[:, :, 1])
    whiteness = cv2.GaussianBlur(whiteness, (5, 5), 0)

    # Region masks need no fine detail: they are made at half the working size.
    masks: list[np.ndarray] = []
    for src in (cv2.pyrDown(blur), cv2.pyrDown(whiteness)):
        _, m = cv2.threshold(src, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        masks.append(m)
        # A ladder of brightness levels: on a heap of papers the receipt is often just a
        # little brighter (it lies on top, nearest the light) than the ones under it.
        levels = [_percentile(src, q) for q in (35, 50, 65, 80)]
        masks += [(src > t).astype(np.uint8) * 255 for t in levels]
    # Sensitive edges: a page lying on other paper shows only a faint shadow edge.
    edge_maps = [cv2.Canny(blur, 20, 50)]

    close = cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5))
    # A finger holding the page, or a pen lying across its edge, is bright too and joins
    # the page in every mask, so that no quadrilateral fits. Opening with a block wider
    # than a finger (a page is several times wider) cuts such arms off.
    arm = _finger_block(h, w)
    candidates: list[np.ndarray] = []
    for m in masks:
        m = cv2.morphologyEx(m, cv2.MORPH_CLOSE, close)
        m = cv2.morphologyEx(m, cv2.MORPH_OPEN, close)
        for mm in (m, cv2.morphologyEx(m, cv2.MORPH_OPEN, arm)):
            cs, _ = cv2.findContours(mm, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
            candidates += [c * 2 for c in cs if cv2.contourArea(c) > 0.02 * frame]
    for edges in edge_maps:
        # Regions enclosed by edges; the dilation bridges small gaps in a faint outline.
        inv = cv2.bitwise_not(cv2.dilate(edges, np.ones((5, 5), np.uint8)))
        cs, _ = cv2.findContours(inv, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        candidates += [c for c in cs if cv2.contourArea(c) > 0.08 * frame]

    # A frame whose border is all paper is a page already (a scan, a rendered e-invoice):
    # there a quadrilateral that holds less than half of the print is a printed box on it.
    ring = max(2, min(h, w) // 50)
    border = np.concatenate([whiteness[:ring].ravel(), whiteness[-ring:].ravel(),
                             whiteness[:, :ring].ravel(), whiteness[:, -ring:].ravel()])
    paper_border = float(np.mean(border > 180)) > 0.9

    strokes = _text_strokes(gray)
    total_ink = max(1.0, float(np.count_nonzero(strokes)))
    ys, xs = np.nonzero(strokes[::2, ::2])
    ink_pts = np.stack([xs, ys], axis=1).astype(np.float32)[:: max(1, len(xs) // 8000)] * 2
    sharp_grad = cv2.magnitude(cv2.Sobel(blur, cv2.CV_32F, 1, 0),
                               cv2.Sobel(blur, cv2.CV_32F, 0, 1))
    # strongest gradient within ±2 px: the outline is only approximately placed
    grad = cv2.dilate(sharp_grad, np.ones((5, 5), np.uint8))

    # A quadrilateral hugging the picture border is the frame (or a scan's page): no warp.
    margin = 0.04 * max(h, w)
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    best: tuple[float, np.ndarray] | None = None
    seen: set[tuple[int, ...]] = set()
    for c in candidates:
        quad = _quad_from_contour(c)
        if quad is None or np.all(np.linalg.norm(quad - corners, axis=1) < margin):
            continue
        key = tuple(int(v) // 6 for v in quad.ravel())
        if key in seen:
            continue
        seen.add(key)
        area = _quad_area(quad)
        if area < 0.08 * frame:
            continue
        support = _edge_support(quad, grad, w, h)
        if support < 0.6 or _outline_sides(quad, blur) < 4:
            continue
        share = float(np.count_nonzero(_inside_quad(quad, ink_pts))) / max(len(ink_pts), 1)
        ink = share  # of all the print in the picture, how much lies on this page
        density = share * total_ink / max(area, 1.0)
        if density < 0.004:
            continue
        if share < 0.5 and paper_border:
            continue  # most of the print lies outside: a box printed on the page, not the page
        score = ink * support * (area / frame) ** 0.25
        if best is None or score > best[0]:
            best = (score, quad)
    return None if best is None else _refine_quad(best[1], sharp_grad)


def _inside_quad(quad: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Which points (N×2, x y) lie inside a convex quadrilateral."""
    signs = []
    for i in range(4):
        p, q = quad[i], quad[(i + 1) % 4]
        signs.append((q[0] - p[0]) * (pts[:, 1] - p[1]) - (q[1] - p[1]) * (pts[:, 0] - p[0]))
    s = np.stack(signs)
    return np.all(s >= 0, axis=0) | np.all(s <= 0, axis=0)


def _refine_quad(quad: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """Move each side onto the strongest nearby edge, then tuck it in by a pixel.

    Candidate outlines come from blurred, half-size masks and sit a few pixels off; a
    sliver of table along the border of the page would be read as a dark rule.
    """
    h, w = grad.shape
    reach = max(3, round(max(h, w) / 150))
    offsets = np.arange(-reach, reach + 1, dtype=np.float64)
    centre = quad.mean(axis=0)
    lines = []
    for i in range(4):
        p, q = quad[i].astype(np.float64), quad[(i + 1) % 4].astype(np.float64)
        normal = np.array([q[1] - p[1], p[0] - q[0]])
        normal /= max(float(np.linalg.norm(normal)), 1e-6)
        if np.dot(normal, (p + q) / 2 - centre) < 0:
            normal = -normal
        t = np.linspace(0.1, 0.9, 40)[:, None]
        pts = p + (q - p) * t
        cand = pts[:, None, :] + offsets[None, :, None] * normal  # (40, offsets, 2)
        xs = np.clip(np.round(cand[..., 0]).astype(int), 0, w - 1)
        ys = np.clip(np.round(cand[..., 1]).astype(int), 0, h - 1)
        mags = grad[ys, xs]
        best = mags.argmax(axis=1)
        strong = mags[np.arange(len(best)), best] > 40
        # With nothing to snap to (e.g. the picture border) the side stays where it is.
        found = pts if np.count_nonzero(strong) < 10 else cand[np.arange(len(best)), best][strong]
        vx, vy, x0, y0 = cv2.fitLine(found.astype(np.float32), cv2.DIST_HUBER, 0, 0.01,
                                     0.01).ravel()
        origin = np.array([x0, y0]) - normal * 1.0  # one pixel inside the edge
        lines.append((origin, np.array([vx, vy])))
    corners = []
    for i in range(4):
        (p1, d1), (p2, d2) = lines[i - 1], lines[i]
        a = np.array([d1, -d2]).T
        if abs(np.linalg.det(a)) < 1e-6:
            return quad
        s = np.linalg.solve(a, p2 - p1)
        corners.append(p1 + d1 * s[0])
    refined = np.array(corners, np.float32)
    if np.max(np.linalg.norm(refined - quad, axis=1)) > 4 * reach:
        return quad  # the fit ran off somewhere: keep the original outline
    return refined


def _quad_from_contour(contour: np.ndarray) -> np.ndarray | None:
    """Four ordered corners approximating a convex contour, or None if it is no quadrilateral."""
    hull = cv2.convexHull(contour)
    peri = cv2.arcLength(hull, True)
    for eps in (0.01, 0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) == 4:
            quad = _order_corners(approx)
            hull_area = cv2.contourArea(hull)
            if hull_area <= 0 or _quad_area(quad) < 0.85 * hull_area:
                return None
            if cv2.contourArea(contour) < 0.8 * hull_area:
                return None
            return quad
        if len(approx) < 4:
            return None
    return None


def _edge_support(quad: np.ndarray, grad: np.ndarray, w: int, h: int) -> float:
    """Share of the outline that runs along a visible edge (or along the picture border).

    `grad` is the gradient magnitude, max-filtered so that a nearby edge counts.
    """
    hits = total = 0
    for i in range(4):
        p, q = quad[i], quad[(i + 1) % 4]
        n = max(8, int(np.linalg.norm(q - p) / 4))
        t = np.linspace(0.05, 0.95, n)[:, None]
        pts = p + (q - p) * t
        on_border = (
            (pts[:, 0] < 3) | (pts[:, 0] > w - 4) | (pts[:, 1] < 3) | (pts[:, 1] > h - 4)
        )
        xs = np.clip(np.round(pts[:, 0]).astype(int), 0, w - 1)
        ys = np.clip(np.round(pts[:, 1]).astype(int), 0, h - 1)
        strong = grad[ys, xs] > 40
        hits += int(np.count_nonzero(strong | on_border))
        total += n
    return hits / max(total, 1)


def _outline_sides(quad: np.ndarray, gray: np.ndarray) -> int:
    """How many sides separate paper from something else (or run along the picture border).

    A printed box on a page has paper on both sides of its rules; the page itself has
    table, cloth or a shadow outside.
    """
    h, w = gray.shape
    centre = quad.mean(axis=0)
    d = max(4.0, max(h, w) / 150)
    good = 0
    for i in range(4):
        p, q = quad[i], quad[(i + 1) % 4]
        t = np.linspace(0.1, 0.9, 24)[:, None]
        pts = p + (q - p) * t
        normal = np.array([q[1] - p[1], p[0] - q[0]], np.float64)
        normal /= max(float(np.linalg.norm(normal)), 1e-6)
        if np.dot(normal, (p + q) / 2 - centre) < 0:
            normal = -normal
        out = pts + normal * d
        inside = pts - normal * d
        off = (out[:, 0] < 0) | (out[:, 0] > w - 1) | (out[:, 1] < 0) | (out[:, 1] > h - 1)
        if np.count_nonzero(off) > len(off) // 2:
            good += 1
            continue
        out, inside = out[~off], inside[~off]
        vo = gray[np.clip(out[:, 1].astype(int), 0, h - 1), np.clip(out[:, 0].astype(int), 0, w - 1)]
        vi = gray[np.clip(inside[:, 1].astype(int), 0, h - 1),
                  np.clip(inside[:, 0].astype(int), 0, w - 1)]
        if abs(float(np.median(vi.astype(float) - vo.astype(float)))) >= 10:
            good += 1
    return good


def _remove_rules(strokes: np.ndarray) -> np.ndarray:
    """Strokes without long straight table rules (which run both ways and say nothing)."""
    side = max(strokes.shape)
    k = max(15, side // 12)
    hl = cv2.morphologyEx(strokes, cv2.MORPH_OPEN, cv2.getStructuringElement(
        cv2.MORPH_RECT, (k, 1)))
    vl = cv2.morphologyEx(strokes, cv2.MORPH_OPEN, cv2.getStructuringElement(
        cv2.MORPH_RECT, (1, k)))
    return cv2.subtract(strokes, cv2.max(hl, vl))


_CLEAR_TURN = 0.7
"""How far (log ratio of the cues) the page must lean sideways before it is turned."""


def _quarter_turn(strokes: np.ndarray) -> int:
    """0, 90 or 270: the clockwise turn that makes text lines run horizontally.

    Two cues, each symmetric under a quarter turn: characters in a line sit closer
    together than lines do, so closing the strokes along the writing direction makes long
    thin bars (across it only blocks); and digits and Latin letters, frequent on any
    receipt, are taller than wide. Which way up a sideways page goes is decided by the
    title: the largest text sits at the top.

    The page is turned only on clear evidence, with the bars agreeing: in a blurred photo
    neighbouring characters run together into wide blobs, so the glyph cue says
    "sideways" on many upright pages, and a small or sparse page has few bars to go on.
    A doubtful page stays as it is; the reader turns it after all if its lines then come
    back as columns of single characters (`pipeline._sideways`).
    """
    text = _remove_rules(strokes)
    bars = math.log((_bar_length(text, axis=0) + 1) / (_bar_length(text, axis=1) + 1))
    tall, wide = _glyph_shapes(text)
    glyphs = math.log((tall + 1) / (wide + 1))
    if bars >= 0 or bars + glyphs > -_CLEAR_TURN:
        return 0
    upright = np.ascontiguousarray(np.rot90(text, k=-1))  # 90° clockwise
    return 90 if _title_on_top(upright) else 270


def _glyph_shapes(text: np.ndarray) -> tuple[int, int]:
    """How many character-sized blobs are clearly taller than wide, and wider than tall."""
    _, _, stats, _ = cv2.connectedComponentsWithStats(text, connectivity=8)
    w = stats[1:, cv2.CC_STAT_WIDTH].astype(float)
    h = stats[1:, cv2.CC_STAT_HEIGHT].astype(float)
    size = np.maximum(w, h)
    ok = (size >= 4) & (size <= max(text.shape) / 25)
    w, h = w[ok], h[ok]
    return int(np.count_nonzero(h >= 1.4 * w)), int(np.count_nonzero(w >= 1.4 * h))


def _bar_length(text: np.ndarray, axis: int) -> float:
    """Total length of line-shaped blobs after closing gaps along `axis` (0: x, 1: y)."""
    side = max(text.shape)
    k = max(5, side // 90)
    size = (k, 1) if axis == 0 else (1, k)
    closed = cv2.morphologyEx(text, cv2.MORPH_CLOSE, cv2.getStructuringElement(
        cv2.MORPH_RECT, size))
    _, _, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    w = stats[1:, cv2.CC_STAT_WIDTH].astype(float)
    h = stats[1:, cv2.CC_STAT_HEIGHT].astype(float)
    long_, short = (w, h) if axis == 0 else (h, w)
    ok = (long_ >= 3 * short) & (short >= 2) & (long_ >= 2 * k)
    return float(long_[ok].sum())


def _title_on_top(text: np.ndarray) -> bool:
    """True when the tallest text lines are in the upper half of an upright-or-flipped page."""
    side = max(text.shape)
    k = max(5, side // 90)
    closed = cv2.morphologyEx(text, cv2.MORPH_CLOSE, cv2.getStructuringElement(
        cv2.MORPH_RECT, (k, 1)))
    _, _, stats, centroids = cv2.connectedComponentsWithStats(closed, connectivity=8)
    w = stats[1:, cv2.CC_STAT_WIDTH].astype(float)
    h = stats[1:, cv2.CC_STAT_HEIGHT].astype(float)
    cy = centroids[1:, 1]
    ok = (w >= 3 * h) & (h >= 2)
    if np.count_nonzero(ok) < 2:
        return True
    h, cy = h[ok], cy[ok]
    med = float(np.median(h))
    # Titles are clearly taller than body text; a seal or a photo merged with its
    # neighbours is far taller still and says nothing.
    title = (h >= 1.4 * med) & (h <= 4 * med)
    if not title.any():
        return True
    return bool(np.mean(cy[title]) <= text.shape[0] / 2)


def _skew_angle(strokes: np.ndarray) -> float:
    """Degrees by which text lines descend to the right, within ±10°.

    Projection profile: project the ink onto a tilted axis; at the true angle text lines
    and rules fall into few bins and the sum of squared bin counts peaks.
    """
    ys, xs = np.nonzero(strokes)
    if len(xs) < 200:
        return 0.0
    if len(xs) > 15000:
        pick = np.random.default_rng(0).choice(len(xs), 15000, replace=False)
        xs, ys = xs[pick], ys[pick]
    xs = xs.astype(np.float64) - strokes.shape[1] / 2
    ys = ys.astype(np.float64)
    nbins = strokes.shape[0] + strokes.shape[1]

    def score(deg: float) -> float:
        t = math.tan(math.radians(deg))
        proj = ys - xs * t
        hist = np.bincount(np.clip((proj + strokes.shape[1]).astype(np.int64), 0,
                                   nbins * 2), minlength=1)
        return float(np.dot(hist, hist))

    coarse = [float(a) for a in np.arange(-10.0, 10.01, 0.5)]
    best = coarse[int(np.argmax([score(a) for a in coarse]))]
    fine = [float(a) for a in np.arange(best - 0.5, best + 0.51, 0.05)]
    return fine[int(np.argmax([score(a) for a in fine]))]


def _rot90_matrix(w: int, h: int, turn: int) -> np.ndarray:
    """Homography of a clockwise quarter turn of a w×h image (90 or 270 degrees)."""
    if turn == 90:  # (x, y) -> (h - y, x)
        return np.array([[0, -1, h], [1, 0, 0], [0, 0, 1]], np.float64)
    return np.array([[0, 1, 0], [-1, 0, w], [0, 0, 1]], np.float64)  # (x, y) -> (y, w - x)


def _apply_rot90(img: np.ndarray, turn: int) -> np.ndarray:
    code = cv2.ROTATE_90_CLOCKWISE if turn == 90 else cv2.ROTATE_90_COUNTERCLOCKWISE
    return cv2.rotate(img, code)


def _deskew_matrix(w: int, h: int, angle: float) -> tuple[np.ndarray, tuple[int, int]]:
    """Rotation that levels lines descending at `angle`°, on a canvas grown to keep corners."""
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    c, s = abs(rot[0, 0]), abs(rot[0, 1])
    nw, nh = round(w * c + h * s), round(w * s + h * c)
    rot[0, 2] += nw / 2 - w / 2
    rot[1, 2] += nh / 2 - h / 2
    return np.vstack([rot, [0, 0, 1]]), (nw, nh)


def _resample(image: np.ndarray, m: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Apply homography `m` (full-res → output) once; plain resize when it is only a scale."""
    sx, sy = m[0, 0], m[1, 1]
    shrink = math.sqrt(abs(np.linalg.det(m[:2, :2])))
    if np.allclose(m, np.diag([sx, sy, 1.0]), atol=1e-9):
        if abs(sx - 1) < 1e-9 and abs(sy - 1) < 1e-9:
            return image
        inter = cv2.INTER_LINEAR if shrink >= 0.6 else cv2.INTER_AREA
        return cv2.resize(image, size, interpolation=inter)
    # Shrinking by much more than 2 with one bilinear warp aliases thin strokes:
    # shrink with area averaging first, warp the rest of the way.
    if shrink < 0.6:
        f = 1.0 / math.floor(0.9 / shrink)
        image = cv2.resize(image, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
        m = m @ np.diag([1 / f, 1 / f, 1.0])
    white = (255, 255, 255)
    if np.allclose(m[2], [0, 0, 1], atol=1e-12):
        return cv2.warpAffine(image, m[:2], size, flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=white)
    return cv2.warpPerspective(image, m, size, flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=white)
