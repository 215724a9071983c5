"""OCR engines behind one small interface.

An engine turns a BGR image into `TextLine`s. A third engine is one new module here that
defines a class with `name`, `load()` and `read()`, registered in `ENGINES`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np

    from kiosk.core.config import OcrSettings


class EngineError(RuntimeError):
    """The engine cannot be built or run (missing model files, broken runtime)."""


@dataclass(frozen=True)
class TextLine:
    """One detected line of text: its four corners (clockwise from top-left), text and score.

    `flipped` is true when the angle classifier found the crop upside down, which on a
    whole page means the page itself is rotated by 180°.
    """

    text: str
    box: tuple[tuple[float, float], ...]
    score: float
    flipped: bool = False

    @property
    def x0(self) -> float:
        return min(p[0] for p in self.box)

    @property
    def x1(self) -> float:
        return max(p[0] for p in self.box)

    @property
    def y0(self) -> float:
        return min(p[1] for p in self.box)

    @property
    def y1(self) -> float:
        return max(p[1] for p in self.box)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def height(self) -> float:
        """Height of the text band (from the box's left and right edges, robust to skew)."""
        (ax, ay), (bx, by), (cx, cy), (dx, dy) = self.box[:4]
        left = ((dx - ax) ** 2 + (dy - ay) ** 2) ** 0.5
        right = ((cx - bx) ** 2 + (cy - by) ** 2) ** 0.5
        return (left + right) / 2

    @property
    def width(self) -> float:
        (ax, ay), (bx, by), (cx, cy), (dx, dy) = self.box[:4]
        top = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5
        bottom = ((cx - dx) ** 2 + (cy - dy) ** 2) ** 0.5
        return (top + bottom) / 2


class OcrEngine(Protocol):
    name: str

    def load(self) -> None:
        """Load the models (slow, once). `read` calls it when it has not been called."""

    def read(self, image: np.ndarray) -> Sequence[TextLine]:
        """Detect, orient and recognise all text lines of a BGR uint8 image."""


def _rapid(settings: OcrSettings) -> OcrEngine:
    from kiosk.recognition.engines.rapid import RapidEngine

    return RapidEngine(settings)


def _paddle(settings: OcrSettings) -> OcrEngine:
    from kiosk.recognition.engines.paddle import PaddleEngine

    return PaddleEngine(settings)


ENGINES: dict[str, Callable[[OcrSettings], OcrEngine]] = {
    "rapidocr": _rapid,
    "paddleocr": _paddle,
}


def create_engine(settings: OcrSettings) -> OcrEngine:
    try:
        factory = ENGINES[settings.engine]
    except KeyError:
        raise EngineError(f"unknown OCR engine {settings.engine!r}") from None
    return factory(settings)
