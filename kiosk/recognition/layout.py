"""Geometry of OCR output: tokens, pieces of a line, rows, and what lies right of or below.

Everything here works from relative positions and text height, never from per-template
coordinates, so a new province's layout needs no new code.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kiosk.recognition.engines import TextLine
from kiosk.recognition.text import fold


@dataclass(frozen=True)
class Token:
    """A piece of text with an axis-aligned box on the upright page."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    score: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def h(self) -> float:
        return self.y1 - self.y0

    def slice(self, start: int, end: int) -> Token:
        """The sub-token for characters [start:end), with x estimated from character widths."""
        text = self.text
        widths = [char_width(c) for c in text]
        total = sum(widths) or 1.0
        span = self.x1 - self.x0
        a = self.x0 + span * sum(widths[:start]) / total
        b = self.x0 + span * sum(widths[:end]) / total
        return Token(text[start:end], a, self.y0, b, self.y1, self.score)


def char_width(c: str) -> float:
    return 0.55 if ord(c) < 0x2E80 else 1.0


def upside_down(lines: Sequence[TextLine]) -> bool:
    """Most lines came back flipped by the angle classifier: the page is upside down."""
    flipped = sum(1 for ln in lines if ln.flipped)
    return len(lines) >= 4 and flipped > len(lines) * 0.6


def tokens_from_lines(lines: Iterable[TextLine], width: float, height: float) -> list[Token]:
    """Axis-aligned tokens; a page the angle classifier found upside down is turned around."""
    lines = list(lines)
    turned = upside_down(lines)
    out = []
    for ln in lines:
        x0, y0, x1, y1 = ln.x0, ln.y0, ln.x1, ln.y1
        if turned:
            x0, x1, y0, y1 = width - x1, width - x0, height - y1, height - y0
        text = fold(ln.text).strip()
        if len(text) >= 2 and (y1 - y0) > 1.5 * (x1 - x0):
            # a column of single characters read as one vertical line (a units column, or
            # 其他信息 printed top to bottom): one token per character, each on its own row
            step = (y1 - y0) / len(text)
            for i, ch in enumerate(text):
                out.append(Token(ch, x0, y0 + i * step, x1, y0 + (i + 1) * step, ln.score))
            continue
        # the detector's box includes padding; use the band height along the text for rows
        h = min(y1 - y0, max(ln.height, 1.0))
        cy = (y0 + y1) / 2
        out.append(Token(text, x0, cy - h / 2, x1, cy + h / 2, ln.score))
    return [t for t in out if t.text]


def median_height(tokens: Sequence[Token]) -> float:
    hs = [t.h for t in tokens if t.h > 0]
    return statistics.median(hs) if hs else 20.0


def v_overlap(a: Token, b: Token) -> float:
    """Vertical overlap as a fraction of the smaller height."""
    inter = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(0.0, inter) / max(1.0, min(a.h, b.h))


def h_overlap(a: Token, b: Token) -> float:
    inter = min(a.x1, b.x1) - max(a.x0, b.x0)
    return max(0.0, inter) / max(1.0, min(a.x1 - a.x0, b.x1 - b.x0))


def rows(tokens: Sequence[Token], tolerance: float = 0.5) -> list[list[Token]]:
    """Group tokens into rows: each joins the row whose centre line it overlaps most."""
    hs = median_height(tokens)
    out: list[list[Token]] = []
    centres: list[float] = []
    for t in sorted(tokens, key=lambda t: t.cy):
        best = -1
        best_d = hs * tolerance
        for i, c in enumerate(centres):
            d = abs(t.cy - c)
            if d <= best_d:
                best, best_d = i, d
        if best < 0:
            out.append([t])
            centres.append(t.cy)
        else:
            out[best].append(t)
            n = len(out[best])
            centres[best] = (centres[best] * (n - 1) + t.cy) / n
    for r in out:
        r.sort(key=lambda t: t.x0)
    out.sort(key=lambda r: statistics.median(t.cy for t in r))
    return out


def right_of(anchor: Token, tokens: Sequence[Token], max_gap: float,
             min_overlap: float = 0.4) -> list[Token]:
    """Tokens on the same line to the right of `anchor`, nearest first.

    `min_overlap` is the share of the smaller height two tokens must have in common.
    """
    out = []
    for t in tokens:
        # boxes of neighbouring words overlap a little; the centre must be past the label
        if t is anchor or t.cx <= anchor.x1 or t.x0 < anchor.x1 - anchor.h:
            continue
        if v_overlap(anchor, t) < min_overlap:
            continue
        if t.x0 - anchor.x1 > max_gap:
            continue
        out.append(t)
    return sorted(out, key=lambda t: t.x0)


def below(anchor: Token, tokens: Sequence[Token], max_gap: float) -> Token | None:
    """The nearest token under `anchor` that shares some of its horizontal span."""
    best: Token | None = None
    for t in tokens:
        if t is anchor or t.cy <= anchor.y1 - anchor.h * 0.2:
            continue
        gap = t.y0 - anchor.y1
        if gap > max_gap:
            continue
        if h_overlap(anchor, t) < 0.3 and abs(t.x0 - anchor.x0) > anchor.h * 1.5:
            continue
        if best is None or t.y0 < best.y0:
            best = t
    return best
