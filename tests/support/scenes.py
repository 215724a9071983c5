"""Camera scenes for the capture tests and benchmark: a rendered e-invoice on the plate.

Real pixels: the page comes from `render.einvoice`, the plate from `imagegen`'s textured
background, with the uneven light of a lamp on an arm. Glare, blur and darkness are applied
to these frames the way they happen at the kiosk.
"""

from __future__ import annotations

import cv2
import numpy as np

from support.imagegen import photograph
from support.render import einvoice


def einvoice_page(seed: int = 1, qr_text: str | None = None) -> np.ndarray:
    """The e-invoice as BGR, with the fiscal QR code printed top left when `qr_text` is given."""
    img, _ = einvoice(seed)
    page = cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)
    if qr_text is not None:
        code = cv2.QRCodeEncoder.create().encode(qr_text)
        side = 170
        code = cv2.resize(code, (side, side), interpolation=cv2.INTER_NEAREST)
        page[20:20 + side, 120:120 + side] = cv2.cvtColor(code, cv2.COLOR_GRAY2BGR)
    return page


def on_plate(page: np.ndarray, size: tuple[int, int], box: tuple[float, float, float, float],
             light: float = 0.85, seed: int = 1) -> np.ndarray:
    """The page lying in `box` (x0, y0, x1, y1 as shares of the frame) of a `size` (w, h) frame."""
    w, h = size
    x0, y0, x1, y1 = box
    corners = np.array([[x0 * w, y0 * h], [x1 * w, y0 * h], [x1 * w, y1 * h], [x0 * w, y1 * h]],
                       np.float32)
    frame, _ = photograph(page, (h, w), corners, seed=seed)
    return np.clip(frame.astype(np.float32) * light, 0, 255).astype(np.uint8)


def add_glare(frame: np.ndarray, centre: tuple[float, float], radius: float,
              strength: float = 150.0) -> np.ndarray:
    """A lamp's reflection: a soft white spot of `radius` pixels at `centre` (shares)."""
    h, w = frame.shape[:2]
    yy, xx = np.mgrid[:h, :w].astype(np.float32)
    cx, cy = centre[0] * w, centre[1] * h
    spot = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * radius ** 2)) * strength
    return np.clip(frame.astype(np.float32) + spot[..., None], 0, 255).astype(np.uint8)


def noisy(frame: np.ndarray, seed: int, amplitude: int = 3) -> np.ndarray:
    """Sensor noise (uniform, ±`amplitude` grey levels), different in every frame."""
    rng = np.random.default_rng(seed)
    noise = rng.integers(-amplitude, amplitude + 1, frame.shape, dtype=np.int16)
    return np.clip(frame.astype(np.int16) + noise, 0, 255).astype(np.uint8)
