"""The page outline on a live frame, and the quality gate every still passes before recognition.

Per-frame work must stay cheap (the preview runs at camera rate), so the outline is found on
a copy about 320 pixels wide: paper is bright and colourless, the plate or table is not, so
one Otsu threshold on "brightness minus saturation" separates them, and the biggest blob is
approximated by four corners. The gate looks at the full-resolution still once, and names
every problem in plain words (codes of `kiosk.scanner.messages.CODES`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

WORK_SIDE = 320
"""Long side of the copy the outline is found on."""

EDGE_MARGIN = 0.012
"""A corner closer than this share of the frame to an edge means the page is cut off."""

MIN_COVERAGE = 0.12
"""A page covering less of the frame than this is too small to read."""

MIN_SHARPNESS = 0.35
"""Edge steepness relative to contrast (see `sharpness`) below which text is blurred.

Stricter than recognition's 0.2 (measured after its resampling): a Gaussian defocus of
2 pixels on a 1080p frame scores about 0.39, of 3 pixels 0.26."""

DARK_PAPER = 90
"""Paper (the page's 90th percentile grey) darker than this is too dark."""

BLANK_CONTRAST = 30
"""A page whose ink is within this many grey levels of its paper holds no print at all."""

GLARE_SHARE = 0.004
"""Share of the page burnt out to white (above the paper's own brightness) that counts as glare."""


@dataclass
class Outline:
    """The page's four corners (TL, TR, BR, BL) in full-frame pixels, and where it lies."""

    quad: np.ndarray
    coverage: float
    cut_off: bool


@dataclass
class Quality:
    """What the gate found: `reasons` empty means the still is good to recognise."""

    reasons: list[str] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)
    outline: Outline | None = None

    @property
    def ok(self) -> bool:
        return not self.reasons


def shrink(frame: np.ndarray, side: int = WORK_SIDE) -> tuple[np.ndarray, float]:
    """A copy whose long side is about `side` pixels, and its scale (small / full).

    The factor is a whole number: OpenCV's area averaging has a fast path for those (a
    1280→960 shrink costs more than 1920→960), and per-frame cost is what matters here.
    """
    h, w = frame.shape[:2]
    factor = round(max(h, w) / side)
    if factor <= 1:
        return frame, 1.0
    k = 1.0 / factor
    return cv2.resize(frame, (max(1, w // factor), max(1, h // factor)),
                      interpolation=cv2.INTER_AREA), k


def find_outline(frame: np.ndarray, *, small: np.ndarray | None = None,
                 scale: float | None = None) -> Outline | None:
    """The page's outline, or None when no page-like bright region is in the frame.

    Pass `small`/`scale` when a shrunken copy already exists (the preview loop has one).
    """
    h, w = frame.shape[:2]
    if small is None or scale is None:
        small, scale = shrink(frame)
    if small.ndim == 2:
        white = small
    else:
        hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
        white = cv2.subtract(hsv[:, :, 2], hsv[:, :, 1])
    white = cv2.GaussianBlur(white, (5, 5), 0)
    t, mask = cv2.threshold(white, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if t < 40 or float(white.max()) - float(white.min()) < 40:
        return None  # one flat tone: nothing stands out as paper
    # Text and table rules are dark holes in the paper; close them.
    k = max(3, round(max(small.shape[:2]) / 40)) | 1
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(
        cv2.MORPH_RECT, (k, k)))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    biggest = max(contours, key=cv2.contourArea)
    sh, sw = mask.shape
    area = cv2.contourArea(biggest)
    if area < 0.02 * sh * sw or area > 0.985 * sh * sw:
        return None  # a speck, or everything bright (no contrast to a background)
    hull = cv2.convexHull(biggest)
    if area < 0.75 * cv2.contourArea(hull):
        return None  # ragged: a patch of light, not a sheet
    quad = _four_corners(hull)
    coverage = float(cv2.contourArea(quad)) / (sh * sw)
    mx, my = EDGE_MARGIN * sw, EDGE_MARGIN * sh
    touches = bool(np.any((quad[:, 0] <= mx) | (quad[:, 0] >= sw - 1 - mx)
                          | (quad[:, 1] <= my) | (quad[:, 1] >= sh - 1 - my)))
    full = (quad / scale).astype(np.float32)
    full[:, 0] = np.clip(full[:, 0], 0, w - 1)
    full[:, 1] = np.clip(full[:, 1], 0, h - 1)
    return Outline(quad=full, coverage=round(coverage, 4), cut_off=touches)


def _four_corners(hull: np.ndarray) -> np.ndarray:
    """TL, TR, BR, BL of a convex hull: a 4-point approximation, else its min-area box."""
    peri = cv2.arcLength(hull, True)
    for eps in (0.02, 0.04, 0.06):
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) == 4:
            return _order(approx.reshape(4, 2).astype(np.float32))
    return _order(cv2.boxPoints(cv2.minAreaRect(hull)).astype(np.float32))


def _order(pts: np.ndarray) -> np.ndarray:
    s = pts.sum(axis=1)
    d = pts[:, 1] - pts[:, 0]
    return np.array([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)],
                     pts[np.argmax(d)]], np.float32)


def _percentile(values: np.ndarray, q: float, mask: np.ndarray | None = None) -> float:
    """Percentile of uint8 values from their histogram (much faster than a sort)."""
    hist = cv2.calcHist([values], [0], mask, [256], [0, 256]).ravel()
    cum = np.cumsum(hist)
    if cum[-1] == 0:
        return 0.0
    return float(np.searchsorted(cum, q / 100 * cum[-1]))


def sharpness(gray: np.ndarray, mask: np.ndarray | None = None) -> float:
    """Edge steepness of the print relative to its contrast (0 = mush, about 1 = crisp).

    Sharp text goes from ink to paper within a pixel or two, so its steepest gradients come
    close to the full ink/paper contrast; blur spreads the step and the ratio falls. The
    same measure as recognition's, so that a still passed here is not refused there.
    """
    gx = cv2.Sobel(gray, cv2.CV_16S, 1, 0, ksize=3)
    gy = cv2.Sobel(gray, cv2.CV_16S, 0, 1, ksize=3)
    mag = cv2.max(cv2.convertScaleAbs(gx, alpha=0.25), cv2.convertScaleAbs(gy, alpha=0.25))
    if mask is not None:
        mask = cv2.erode(mask, np.ones((5, 5), np.uint8))  # not the page's own border
    steep = _percentile(mag, 99.5, mask)
    contrast = _percentile(gray, 95, mask) - _percentile(gray, 1, mask)
    return steep / max(contrast, 20.0)


def assess(frame: np.ndarray, *, expect_outline: bool = True,
           outline: Outline | None = None) -> Quality:
    """Run the quality gate on a still.

    `expect_outline=False` is for the flatbed, where the page lies on the glass and may fill
    the whole scan: then neither a missing outline nor an edge contact is a problem.
    """
    q = Quality()
    if frame.ndim == 2:
        frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    h, w = frame.shape[:2]
    if outline is None:
        outline = find_outline(frame)
    q.outline = outline
    gray_full = frame[:, :, 2]  # red channel: red seals and rules fade, black ink stays
    mask_full: np.ndarray | None = None
    if outline is not None:
        q.metrics["coverage"] = outline.coverage
        mask_full = np.zeros((h, w), np.uint8)
        cv2.fillConvexPoly(mask_full, np.round(outline.quad).astype(np.int32), (255,))
        if expect_outline and outline.cut_off:
            q.reasons.append("cut_off")
        if expect_outline and outline.coverage < MIN_COVERAGE:
            q.reasons.append("too_small")
    elif expect_outline:
        # No outline may just be darkness: say "too dark" rather than "no page" then.
        paper = _percentile(np.ascontiguousarray(gray_full[::4, ::4]), 90)
        q.metrics["paper"] = paper
        q.reasons.append("too_dark" if paper < DARK_PAPER else "no_page")
        return q

    # Work on the page region at a moderate size: text strokes survive, cost stays low.
    if mask_full is not None:
        x, y, bw, bh = cv2.boundingRect(mask_full)
        page = np.ascontiguousarray(gray_full[y:y + bh, x:x + bw])
        pmask = np.ascontiguousarray(mask_full[y:y + bh, x:x + bw])
    else:
        page, pmask = np.ascontiguousarray(gray_full), None
    paper = _percentile(page, 90, pmask)
    q.metrics["paper"] = paper
    if paper < DARK_PAPER:
        q.reasons.append("too_dark")
        return q
    contrast = _percentile(page, 95, pmask) - _percentile(page, 1, pmask)
    q.metrics["contrast"] = contrast
    if contrast < BLANK_CONTRAST:
        q.reasons.append("no_page")  # an empty plate or glass, or a blank sheet
        return q
    sharp = sharpness(page, pmask)
    q.metrics["sharpness"] = round(sharp, 3)
    if sharp < MIN_SHARPNESS:
        q.reasons.append("blurred")
    glare = _glare_share(frame, pmask, (x, y) if mask_full is not None else (0, 0))
    q.metrics["glare"] = round(glare, 4)
    if glare > GLARE_SHARE:
        q.reasons.append("glare")
    return q


def _glare_share(frame: np.ndarray, pmask: np.ndarray | None, origin: tuple[int, int]) -> float:
    """Share of the page burnt out to pure white, well above what the paper itself shows.

    A lamp reflected in glossy thermal paper or a plastic sleeve is a blob of clipped,
    colourless pixels, brighter than the paper around it: text under it is gone. Paper that
    is itself white to the sensor (a flatbed, an over-exposed plate) has no such contrast.
    """
    x, y = origin
    if pmask is not None:
        bh, bw = pmask.shape
        region = frame[y:y + bh, x:x + bw]
    else:
        region = frame
    step = 2
    region = region[::step, ::step]
    m = pmask[::step, ::step] if pmask is not None else None
    gray = cv2.cvtColor(np.ascontiguousarray(region), cv2.COLOR_BGR2GRAY)
    paper = _percentile(gray, 50, m)
    if paper >= 235:
        return 0.0  # the paper itself is at the top of the range: clipping says nothing
    clipped = (gray >= 250).astype(np.uint8)
    if m is not None:
        clipped &= (m > 0).astype(np.uint8)
    # A few clipped pixels are noise; glare is a compact patch.
    opened = cv2.morphologyEx(clipped, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    total = float(np.count_nonzero(m)) if m is not None else float(gray.size)
    return float(np.count_nonzero(opened)) / max(total, 1.0)


def draw_outline(image: np.ndarray, outline: Outline | None, scale: float = 1.0,
                 good: bool = False) -> np.ndarray:
    """Draw the outline in place (green when ready, amber otherwise); returns `image`."""
    if outline is None:
        return image
    pts = np.round(outline.quad * scale).astype(np.int32).reshape(-1, 1, 2)
    colour = (60, 200, 60) if good else (0, 170, 255)
    thick = max(2, round(max(image.shape[:2]) / 300))
    cv2.polylines(image, [pts], True, colour, thick, cv2.LINE_AA)
    return image


GUIDE_MARGIN = 0.07
"""The frame guide's corners stand this fraction of the frame in from its edges."""


def draw_guide(image: np.ndarray, still_count: int = 0, needed: int = 0) -> np.ndarray:
    """Draw the frame guide in place: white corner brackets showing where the receipt goes,
    and, while the page lies still, a bar along the bottom filling up towards the automatic
    capture (`still_count` of `needed` frames). Returns `image`."""
    h, w = image.shape[:2]
    thick = max(3, round(min(h, w) / 100))
    arm = round(min(h, w) * 0.12)
    mx, my = round(w * GUIDE_MARGIN), round(h * GUIDE_MARGIN)
    white = (255, 255, 255)
    for x, y, dx, dy in ((mx, my, 1, 1), (w - 1 - mx, my, -1, 1),
                         (w - 1 - mx, h - 1 - my, -1, -1), (mx, h - 1 - my, 1, -1)):
        cv2.line(image, (x, y), (x + dx * arm, y), white, thick, cv2.LINE_AA)
        cv2.line(image, (x, y), (x, y + dy * arm), white, thick, cv2.LINE_AA)
    if needed > 0 and still_count > 0:
        filled = round((w - 2 * mx) * min(1.0, still_count / needed))
        y = h - 1 - my // 2
        cv2.line(image, (mx, y), (w - 1 - mx, y), (90, 90, 90), thick, cv2.LINE_AA)
        cv2.line(image, (mx, y), (mx + filled, y), (60, 200, 60), thick, cv2.LINE_AA)
    return image
