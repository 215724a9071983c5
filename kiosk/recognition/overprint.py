"""Amounts a dot-matrix printer put over their own pre-printed label, read again.

A paper form is printed in one colour (red or blue) and filled in black by a printer that is
out of register, so an amount often starts on the last character of its label: OCR then reads
医保统筹支付18.53 for 118.53 (the 1 went into 付) or 支付.00 for 0.00. The form's ink is
dropped from a small crop round the label (in the channel where that ink is as bright as
paper, while black print stays dark where it crosses it) and the crop is read again.

A new reading is taken only where it keeps every digit the first reading had (the digits
lost to the label come back, none change) or where the first reading found nothing; the
payment checks then run on the result as on any other reading.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

import cv2
import numpy as np

from kiosk.recognition.engines import OcrEngine
from kiosk.recognition.fields import Found, _barrier, split_line
from kiosk.recognition.layout import Token
from kiosk.recognition.text import digits_fixed, parse_money

PAYMENTS = ("fund_paid", "other_paid", "account_paid", "cash_paid")
_AMOUNT = re.compile(r"-?\d{1,7}\.\d{2}(?!\d)")


def drop_form_ink(crop: np.ndarray, label: np.ndarray) -> np.ndarray | None:
    """The crop in grey with the label's colour faded to paper and black print kept.

    `label` is the part of the crop the label covers: its darkest pixels tell the form's
    colour. Red ink is bright in the red channel, blue ink in the blue one; black is dark
    in every channel, also where it crosses the form's ink.
    """
    b, g, r = (c.astype(np.float32) for c in cv2.split(crop))
    lb, lg, lr = (c.astype(np.float32) for c in cv2.split(label))
    dark = (lb + lg + lr) < np.percentile(lb + lg + lr, 15)
    if not dark.any():
        dark = np.ones_like(lb, dtype=bool)
    reds = float(np.mean(lr[dark] - np.maximum(lg[dark], lb[dark])))
    channel = r if reds > 0 else np.maximum(np.maximum(b, g), r)
    lchan = lr if reds > 0 else np.maximum(np.maximum(lb, lg), lr)
    form = float(np.median(lchan[dark]))  # the label's strokes in that channel
    ink = float(np.percentile(channel, 0.5))  # the printer's black
    if form - ink < 40:
        return None  # the form's ink is as dark as the print: nothing to separate
    # from halfway between print and form ink up, paper: the label goes, the print stays
    v = (channel - ink) / ((form - ink) * 0.6)
    return np.clip(v * 255, 0, 255).astype(np.uint8)


def _amount(text: str) -> Decimal | None:
    m = _AMOUNT.search(digits_fixed(text).replace(" ", "").replace(",", "."))
    return parse_money(m.group(0)) if m else None


def _keeps_digits(old: Decimal, new: Decimal) -> bool:
    """`new` has every digit of `old`, in order, with digits added only in front."""
    a, b = f"{old:.2f}", f"{new:.2f}"
    return len(b) > len(a) and b.endswith(a)


def reread_payments(page: np.ndarray, tokens: Sequence[Token], found: dict[str, Found],
                    engine: OcrEngine) -> dict[str, Found]:
    """Payment amounts read again from crops without the form's ink, where they help."""
    if page.ndim != 3:
        return {}
    H, W = page.shape[:2]
    labels: list[Token] = []
    wanted: list[tuple[str, Token]] = []
    for tok in tokens:
        for p in split_line(tok):
            if p.label is None:
                continue
            labels.append(p.label)
            if p.field in PAYMENTS:
                wanted.append((p.field, p.label))
    out: dict[str, Found] = {}
    for field, lab in wanted:
        old = found.get(field)
        old_value = old.value if old is not None and isinstance(old.value, Decimal) else None
        h = lab.h
        stop = min(_barrier(lab, labels), lab.x1 + h * 9)
        x0 = int(max(0, lab.x0 - h * 0.3))
        x1 = int(min(W, stop))
        y0 = int(max(0, lab.y0 - h * 0.9))
        y1 = int(min(H, lab.y1 + h * 0.9))
        if x1 - x0 < h * 3 or y1 - y0 < h:
            continue
        crop = np.ascontiguousarray(page[y0:y1, x0:x1])
        lx1 = int(min(x1, lab.x1)) - x0
        label_part = crop[:, : max(lx1, 1)]
        clean = drop_form_ink(crop, label_part)
        if clean is None:
            continue
        lines = engine.read(cv2.cvtColor(clean, cv2.COLOR_GRAY2BGR))
        # only what shares the label's band (out of register by under a line's height)
        mid = lab.cy - y0
        reads = [(ln.x0, _amount(ln.text), ln.score) for ln in lines
                 if abs((ln.y0 + ln.y1) / 2 - mid) < h * 0.8]
        amounts = [(x, a, s) for x, a, s in reads if a is not None and s >= 0.85]
        if len(amounts) != 1:
            continue  # nothing clear, or two amounts: not for us to choose
        _, new, score = amounts[0]
        if old_value is None or (new != old_value and _keeps_digits(old_value, new)):
            out[field] = Found(new, score * 0.9, "reread", lab)
    return out
