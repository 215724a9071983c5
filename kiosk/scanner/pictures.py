"""A receipt's picture at a given size, for the review screen to show beside its fields.

The bytes a claim keeps are a photo (JPEG, PNG, ...) or a PDF with the page it came from;
a PDF page is rendered in the sandboxed child process of `kiosk.scanner.files`. Qt-free; the
review runs it off the UI thread (decoding a phone photo takes a tenth of a second).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import cv2
import numpy as np

from kiosk.scanner.files import decode_picture, render_pdf, sniff
from kiosk.scanner.messages import CaptureError

PDF_DPI = 100


def picture(data: bytes, page: int | None, side: int) -> np.ndarray:
    """The picture (BGR), its longest side at most `side`; `CaptureError` if unreadable."""
    kind = sniff(data)
    if kind is None:
        raise CaptureError("unsupported", f"first bytes {data[:8]!r}")
    if kind == "pdf":
        with tempfile.TemporaryDirectory(prefix="kiosk-picture-") as tmp:
            path = Path(tmp) / "document.pdf"
            path.write_bytes(data)
            pages = render_pdf(path, dpi=PDF_DPI)
        index = max(1, page or 1) - 1
        if index >= len(pages):
            raise CaptureError("unreadable", f"page {page} of {len(pages)}")
        image = pages[index][0]
    else:
        image = decode_picture(data, kind)
    return shrink(image, side)


def shrink(image: np.ndarray, side: int) -> np.ndarray:
    """`image` scaled down (never up) so that its longest side is at most `side`."""
    h, w = image.shape[:2]
    scale = side / max(h, w)
    if scale >= 1:
        return image
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)
