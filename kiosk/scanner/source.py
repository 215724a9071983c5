"""One interface for every way an image arrives, so the UI and `kiosk recognize` need not care."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np


@dataclass
class Capture:
    """One page ready for recognition.

    `source` says where it came from ("camera", "flatbed", "file"); `page` counts from 1
    within a multi-page document; `qr` holds the fiscal e-invoice QR code if one was read
    (`{"raw": ..., "fields": {...}}`); `pdf_text` is the page's own text layer, which
    recognition can use instead of OCR, and `pdf_lines` the same text as runs
    `(text, x0, y0, x1, y1)` in the image's pixels.
    """

    image: np.ndarray
    source: str
    page: int = 1
    meta: dict[str, Any] = field(default_factory=dict)
    qr: dict[str, Any] | None = None
    pdf_text: str | None = None
    pdf_lines: list[tuple[str, float, float, float, float]] | None = None

    def size(self) -> tuple[int, int]:
        """(height, width) of the image in pixels, the frame `pdf_lines` are placed in."""
        h, w = self.image.shape[:2]
        return int(h), int(w)


@runtime_checkable
class CaptureSource(Protocol):
    """Anything that yields captures: a camera still, a flatbed scan, the pages of a file."""

    def captures(self) -> Iterator[Capture]:
        """Yield the pages; raise `CaptureError` for a problem the person can fix."""
        ...
