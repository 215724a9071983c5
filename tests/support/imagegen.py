"""Synthetic receipt pictures for the pre-processing tests.

A receipt page is drawn with PIL (title, label/value lines, a ruled table, a red seal
stamped over some black text), then photographed in software: laid on a textured table
with perspective, turned, skewed, blurred or darkened. Everything is deterministic for a
given seed, so a failing test shows the same picture every time.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

_KNOWN_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simsun.ttc",
)


@cache
def find_cjk_font() -> Path | None:
    """A font file that can draw Chinese: $KIOSK_TEST_CJK_FONT, known paths, then fc-list."""
    env = os.environ.get("KIOSK_TEST_CJK_FONT")
    candidates = [env] if env else []
    candidates += list(_KNOWN_FONTS)
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c)
    if shutil.which("fc-list"):
        try:
            out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True,
                                 text=True, timeout=10, check=False).stdout
        except (OSError, subprocess.SubprocessError):
            return None
        for line in out.splitlines():
            path = Path(line.split(":")[0].strip())
            if path.is_file():
                return path
    return None


@dataclass
class Page:
    """A rendered receipt page and where its parts are (for assertions)."""

    image: np.ndarray        # BGR uint8
    seal_mask: np.ndarray    # bool: pixels inked red by the seal only
    under_seal: np.ndarray   # bool: black text pixels that the seal is stamped over

    @property
    def aspect(self) -> float:
        return self.image.shape[1] / self.image.shape[0]


def _font(size: int) -> ImageFont.FreeTypeFont:
    path = find_cjk_font()
    if path is None:
        raise RuntimeError("no CJK font found (install fonts-wqy-microhei)")
    return ImageFont.truetype(str(path), size)


def render_receipt(width: int = 1100, height: int = 1500, seed: int = 0) -> Page:
    """An outpatient invoice-like page: title, fields, a ruled table, a red seal."""
    rng = np.random.default_rng(seed)
    text = Image.new("L", (width, height), 0)  # black-ink coverage
    rules = Image.new("L", (width, height), 0)
    draw, rdraw = ImageDraw.Draw(text), ImageDraw.Draw(rules)
    s = width / 1100

    title = _font(int(54 * s))
    body = _font(int(30 * s))
    draw.text((width / 2, 70 * s), "医疗门诊收费票据", font=title, fill=255, anchor="mt")

    fields = [
        ("票据代码", f"{rng.integers(10**7, 10**8)}"),
        ("票据号码", f"{rng.integers(10**9, 10**10):010d}"),
        ("交款人", "张建国"),
        ("开票日期", "2025-10-21"),
        ("医疗机构", "城关镇卫生院"),
    ]
    y = 170 * s
    for label, value in fields:
        draw.text((70 * s, y), f"{label}：{value}", font=body, fill=255)
        y += 48 * s

    # A ruled table of items.
    top, left, right = y + 20 * s, 60 * s, width - 60 * s
    cols = [left, left + 420 * s, left + 560 * s, left + 760 * s, right]
    rows = 9
    row_h = 56 * s
    for i in range(rows + 1):
        yy = top + i * row_h
        rdraw.line([(left, yy), (right, yy)], fill=255, width=max(2, int(2 * s)))
    for x in cols:
        rdraw.line([(x, top), (x, top + rows * row_h)], fill=255, width=max(2, int(2 * s)))
    header = ["项目名称", "数量", "单价", "金额"]
    names = ["西药费", "中成药费", "检查费", "化验费", "治疗费", "诊察费", "卫生材料费", "挂号费"]
    for j, h in enumerate(header):
        draw.text((cols[j] + 12 * s, top + 12 * s), h, font=body, fill=255)
    total = 0.0
    for i, name in enumerate(names):
        yy = top + (i + 1) * row_h + 12 * s
        qty = int(rng.integers(1, 5))
        price = float(rng.integers(100, 9000)) / 100
        total += qty * price
        for j, v in enumerate([name, str(qty), f"{price:.2f}", f"{qty * price:.2f}"]):
            draw.text((cols[j] + 12 * s, yy), v, font=body, fill=255)

    y = top + rows * row_h + 40 * s
    draw.text((70 * s, y), f"合计（小写）：{total:.2f}", font=body, fill=255)
    draw.text((70 * s, y + 50 * s), "医保统筹基金支付：0.00  个人现金支付：0.00", font=body, fill=255)
    seal_text_y = y + 130 * s
    draw.text((90 * s, seal_text_y), "收款单位（章）：城关镇卫生院财务专用", font=body, fill=255)
    draw.text((70 * s, seal_text_y + 60 * s), "收款人：李梅    复核人：王强", font=body, fill=255)

    # The seal: a red ring with a star, stamped over the payee line.
    seal = Image.new("L", (width, height), 0)
    sdraw = ImageDraw.Draw(seal)
    cx, cy, r = 330 * s, seal_text_y + 20 * s, 120 * s
    sdraw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=255, width=max(6, int(9 * s)))
    star = [
        (cx + 50 * s * np.cos(np.pi / 2 + k * 4 * np.pi / 5),
         cy - 50 * s * np.sin(np.pi / 2 + k * 4 * np.pi / 5))
        for k in range(5)
    ]
    sdraw.polygon(star, fill=255)
    sdraw.text((cx, cy + 70 * s), "财务专用章", font=_font(int(24 * s)), fill=255, anchor="mm")

    ink = np.maximum(np.asarray(text), np.asarray(rules)).astype(np.float32) / 255
    red = np.asarray(seal).astype(np.float32) / 255
    paper = np.array([238, 243, 246], np.float32)  # BGR, slightly warm white
    seal_ink = np.array([55, 40, 200], np.float32)   # BGR red
    # Inks multiply (subtractive): the seal tints paper red; black text stays black.
    img = paper * (1 - red[..., None] * (1 - seal_ink / paper))
    img = img * (1 - ink[..., None] * 0.92)
    img += rng.normal(0, 2.0, img.shape)  # paper grain
    image = np.clip(img, 0, 255).astype(np.uint8)
    return Page(image=image, seal_mask=(red > 0.8) & (ink < 0.05),
                under_seal=(ink > 0.8) & (red > 0.8))


def textured_background(width: int, height: int, seed: int = 1) -> np.ndarray:
    """A brown wood-grain-like table top (BGR)."""
    rng = np.random.default_rng(seed)
    y = np.arange(height, dtype=np.float32)[:, None]
    x = np.arange(width, dtype=np.float32)[None, :]
    grain = np.sin(x / 9.0 + 3 * np.sin(y / 70.0)) * 0.5 + 0.5
    noise = cv2.GaussianBlur(rng.normal(0, 1, (height, width)).astype(np.float32), (0, 0), 3)
    v = 0.55 + 0.25 * grain + 0.08 * noise
    base = np.array([60, 100, 150], np.float32)  # BGR brown
    return np.clip(v[..., None] * base[None, None, :] * 1.1, 0, 255).astype(np.uint8)


def granite_background(width: int, height: int, seed: int = 1) -> np.ndarray:
    """A dark speckled granite or terrazzo counter (BGR): grains of every size and shade,
    which a stroke detector takes for print all over the frame."""
    rng = np.random.default_rng(seed)
    v = np.full((height, width), 0.32, np.float32)
    for sigma, amp in ((0.6, 0.22), (1.5, 0.18), (4.0, 0.08)):
        v += amp * cv2.GaussianBlur(rng.normal(0, 1, (height, width)).astype(np.float32),
                                    (0, 0), sigma) * sigma
    base = np.array([120, 125, 130], np.float32)  # a warm grey
    return np.clip(v[..., None] * base[None, None, :] * 1.6, 0, 255).astype(np.uint8)


def finger(photo: np.ndarray, tip: tuple[float, float], side: str = "left",
           width: float = 0.035) -> np.ndarray:
    """A fingertip holding the page: a skin-coloured rounded bar from the frame's `side`
    ("left", "right", "top", "bottom") to `tip` (x, y as fractions of the frame), `width`
    a fraction of the frame's long side (a finger is about 1/30 of a phone photo)."""
    h, w = photo.shape[:2]
    tx, ty = tip[0] * w, tip[1] * h
    start = {"left": (0.0, ty), "right": (w - 1.0, ty), "top": (tx, 0.0),
             "bottom": (tx, h - 1.0)}[side]
    r = max(3, round(width * max(h, w) / 2))
    mask = np.zeros((h, w), np.uint8)
    cv2.line(mask, (round(start[0]), round(start[1])), (round(tx), round(ty)), (255,), 2 * r)
    cv2.circle(mask, (round(tx), round(ty)), r, (255,), -1)
    soft = cv2.GaussianBlur(mask, (0, 0), 2).astype(np.float32)[..., None] / 255
    skin = np.array([165, 195, 232], np.float32)  # BGR, a pale hand in flat light
    # lit from above: the finger's upper half lighter, its lower half in its own shade
    ys = np.arange(h, dtype=np.float32)[:, None, None]
    shade = np.clip(1.05 - 0.25 * (ys - ty + r) / (2 * r), 0.75, 1.1)
    out = photo.astype(np.float32) * (1 - soft) + skin * shade * soft
    return np.clip(out, 0, 255).astype(np.uint8)


def placed(page_size: tuple[int, int], frame: tuple[int, int], centre: tuple[float, float],
           height: float, tilt: float = 0.0, lean: float = 0.03) -> np.ndarray:
    """Corners (TL, TR, BR, BL) for `photograph` that keep the page's proportions.

    `page_size` and `frame` are (height, width); `centre` is (x, y) and `height` the page's
    height, as fractions of the frame; `tilt` turns the page (degrees, clockwise) and
    `lean` narrows its far edge, as a camera held at a slant sees it.
    """
    ph, pw = page_size
    fh, fw = frame
    hh = height * fh / 2
    hw = hh * pw / ph
    pts = np.array([[-hw * (1 - lean), -hh], [hw * (1 - lean), -hh], [hw, hh], [-hw, hh]],
                   np.float64)
    t = np.radians(tilt)
    rot = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    return (pts @ rot.T + [centre[0] * fw, centre[1] * fh]).astype(np.float32)


def photograph(page: np.ndarray, frame: tuple[int, int] = (2000, 1600),
               corners: np.ndarray | None = None, seed: int = 1,
               background: str = "wood") -> tuple[np.ndarray, np.ndarray]:
    """The page laid on a table and shot at an angle: (photo, page corners in the photo).

    `frame` is (height, width); `corners` are TL, TR, BR, BL in the photo (a default
    trapezoid is used when omitted); `background` "wood" or "granite".
    """
    fh, fw = frame
    if corners is None:
        corners = np.array([[0.22 * fw, 0.14 * fh], [0.80 * fw, 0.18 * fh],
                            [0.86 * fw, 0.88 * fh], [0.16 * fw, 0.84 * fh]], np.float32)
    ph, pw = page.shape[:2]
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    hom = cv2.getPerspectiveTransform(src, corners.astype(np.float32))
    warped = cv2.warpPerspective(page, hom, (fw, fh), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), hom, (fw, fh))
    table = granite_background if background == "granite" else textured_background
    photo = table(fw, fh, seed)
    alpha = (mask.astype(np.float32) / 255)[..., None]
    out = photo * (1 - alpha) + warped * alpha
    # Uneven light: a soft gradient across the frame.
    light = np.linspace(0.88, 1.0, fw, dtype=np.float32)[None, :, None]
    return np.clip(out * light, 0, 255).astype(np.uint8), corners


def rotate(image: np.ndarray, degrees: int) -> np.ndarray:
    """Turn clockwise by 90, 180 or 270 degrees."""
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180,
             270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(image, codes[degrees])


def skew(image: np.ndarray, degrees: float, fill: int = 255) -> np.ndarray:
    """Rotate by a small angle (positive: counter-clockwise) on a grown white canvas, as a
    page laid crookedly on a scanner comes out."""
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    c, s = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(w * c + h * s), int(w * s + h * c)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(image, m, (nw, nh), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=(fill, fill, fill))


def blur(image: np.ndarray, sigma: float) -> np.ndarray:
    """Defocus: a Gaussian blur of `sigma` pixels."""
    return cv2.GaussianBlur(image, (0, 0), sigma)


def motion_blur(image: np.ndarray, length: int, degrees: float = 0.0) -> np.ndarray:
    """A shaken hand: a straight smear of `length` pixels at `degrees` (0: along the rows),
    which runs neighbouring characters of a line together."""
    k = np.zeros((length, length), np.float32)
    k[length // 2, :] = 1.0
    rot = cv2.getRotationMatrix2D(((length - 1) / 2, (length - 1) / 2), degrees, 1.0)
    k = cv2.warpAffine(k, rot, (length, length))
    return cv2.filter2D(image, -1, k / max(float(k.sum()), 1e-6))


def darken(image: np.ndarray, factor: float) -> np.ndarray:
    """Less light: every pixel multiplied by `factor`, with a little sensor noise."""
    rng = np.random.default_rng(7)
    out = image.astype(np.float32) * factor + rng.normal(0, 1.5, image.shape)
    return np.clip(out, 0, 255).astype(np.uint8)


def warm_dim(image: np.ndarray, level: float = 0.7) -> np.ndarray:
    """Indoor light: the whole picture dimmer by `level` and yellowed (tungsten, a shaded
    window), so that white paper comes out a beige hardly whiter than a finger."""
    cast = np.array([0.78, 0.95, 1.0], np.float32) * level  # BGR: less blue
    return np.clip(image.astype(np.float32) * cast, 0, 255).astype(np.uint8)


def encode(image: np.ndarray, ext: str = ".jpg") -> bytes:
    """The picture as file bytes, the way a camera or scanner hands it over."""
    ok, buf = cv2.imencode(ext, image)
    assert ok
    return buf.tobytes()


def _fold(photo: np.ndarray, rng: random.Random) -> np.ndarray:
    """A crease across the frame: a band a little darker on one side of it than the other."""
    h, w = photo.shape[:2]
    y = rng.uniform(0.3, 0.7) * h
    slope = rng.uniform(-0.15, 0.15)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    d = yy - (y + slope * (xx - w / 2))
    shade = 1.0 - 0.12 * np.exp(-(d / (0.02 * h)) ** 2) - 0.05 * (d > 0)
    return np.clip(photo * shade[..., None], 0, 255).astype(np.uint8)


def phone_photo(page: np.ndarray, condition: str, rng: random.Random
                ) -> tuple[bytes, dict[str, Any]]:
    """The page photographed with a phone as JPEG bytes, and what was done (for a manifest).

    `condition` "photo": a fair photo, the page filling most of the frame, a little tilted,
    indoor light. "hard": the page farther off (under half the frame's width for a wide
    form), a crease, a finger holding its margin, dim yellow light, a shaken hand (a smear
    up to a third of a character's height), stronger JPEG. Every choice comes from `rng`.
    """
    ph, pw = page.shape[:2]
    portrait = ph >= pw
    frame = (3000, 2250) if portrait else (2250, 3000)
    coverage = rng.uniform(0.45, 0.75) if condition == "hard" else rng.uniform(0.7, 0.88)
    tilt = rng.uniform(-6, 6)
    # the share of the frame the page's longer side fills (a wide form is held farther off)
    height = min(coverage, coverage * (frame[1] / frame[0]) * (ph / pw))
    corners = placed((ph, pw), frame, (rng.uniform(0.45, 0.55), rng.uniform(0.45, 0.55)),
                     height, tilt=tilt, lean=rng.uniform(0.0, 0.06))
    background = rng.choice(["wood", "granite"])
    photo, _ = photograph(page, frame, corners, seed=rng.randint(0, 999),
                          background=background)
    info: dict[str, Any] = {"frame": list(frame), "coverage": round(coverage, 2),
                            "tilt": round(tilt, 1), "background": background}
    if condition == "hard":
        photo = _fold(photo, rng)
        # a fingertip holding the page by its margin, from the top or from a side
        fh, fw = frame
        x0, x1 = float(corners[:, 0].min() / fw), float(corners[:, 0].max() / fw)
        y0, y1 = float(corners[:, 1].min() / fh), float(corners[:, 1].max() / fh)
        side = rng.choice(["top", "left", "right"])
        inset = rng.uniform(0.0, 0.015)
        tip = {"top": (rng.uniform(x0 + 0.2 * (x1 - x0), x1 - 0.2 * (x1 - x0)), y0 + inset),
               "left": (x0 + inset, rng.uniform(y0 + 0.3 * (y1 - y0), y1 - 0.2 * (y1 - y0))),
               "right": (x1 - inset, rng.uniform(y0 + 0.3 * (y1 - y0), y1 - 0.2 * (y1 - y0)))}[side]
        photo = finger(photo, tip, side=side)
        exposure = rng.uniform(0.45, 0.7)
        photo = warm_dim(photo, exposure)
        # a character is about 25 px on the drawn page: its height in the photo
        char = 25 * height * frame[0] / ph
        length = max(3, round(char * rng.uniform(0.1, 0.3)))
        photo = motion_blur(photo, length, rng.uniform(-30, 30))
        info.update(deform="fold", occlusion="finger", exposure=round(exposure, 2),
                    motion_blur=length)
    else:
        photo = warm_dim(photo, rng.uniform(0.75, 0.95))
    quality = rng.randint(70, 85) if condition == "hard" else rng.randint(76, 90)
    ok, buf = cv2.imencode(".jpg", photo, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    info["quality"] = quality
    return buf.tobytes(), info


def faded_colour(page: np.ndarray, strength: float) -> np.ndarray:
    """The page as a colour printer low on ink prints it: coloured ink (the red labels and
    rules of an e-invoice, a form's red or blue) pale by `strength` in 0..1, black print
    as it was."""
    f = page.astype(np.float32)
    sat = f.max(axis=2) - f.min(axis=2)
    colour = np.clip((sat - 40) / 60, 0, 1)[..., None] * strength
    return np.clip(f * (1 - colour) + 255 * colour, 0, 255).astype(np.uint8)
