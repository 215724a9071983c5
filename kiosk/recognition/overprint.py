"""Fields read again from the pixels: amounts over their own label, names under a seal.

A paper form is printed in one colour (red or blue) and filled in black by a printer that is
out of register, so an amount often starts on the last character of its label: OCR then reads
医保统筹支付18.53 for 118.53 (the 1 went into 付) or 支付.00 for 0.00. The form's ink is
dropped from a small crop round the label (in the channel where that ink is as bright as
paper, while black print stays dark where it crosses it) and the crop is read again.

A new reading is taken only where it keeps every digit the first reading had (the digits
lost to the label come back, none change) or where the first reading found nothing; the
payment checks then run on the result as on any other reading.

A hospital's name printed over the red ring of its 收费专用章 loses the characters the ring
crosses (上海 read as 主海, 义乌 as 义阜) or gains the ring's words. The seal's ink is as bright
as paper in the red channel while black print stays dark there, so a crop of the name in
that channel, contrast stretched, is read again; the new name is taken only when it is a
whole institution's name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

import cv2
import numpy as np

from kiosk.recognition.engines import OcrEngine
from kiosk.recognition.fields import (
    FIELD_KINDS,
    LABELS,
    ORG_NAME,
    PARSERS,
    DateRun,
    Found,
    _barrier,
    _org,
    _run_date,
    extract_fields,
    garbled_fund_label,
    header_date_run,
    hospital_texts,
    split_line,
    strip_residue,
    whole_institution,
)
from kiosk.recognition.layout import Token, median_height
from kiosk.recognition.text import digits_fixed, digits_in_front, parse_money

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


def _adds_up(found: dict[str, Found], field: str, new: Decimal) -> bool:
    """With `new` for `field`, the payments read add up to the total, as they did not with
    the first reading: a seal's words run into a figure (个人现金支付：3632医院 for 363.95)
    leave no digit to keep, and the sum is what vouches for the new one."""
    total = found.get("total")
    if total is None or not isinstance(total.value, Decimal):
        return False
    rest = [found[k].value for k in PAYMENTS if k != field and k in found]
    paid = [v for v in rest if isinstance(v, Decimal)]
    return len(paid) == len(rest) and sum(paid, Decimal(0)) + new == total.value


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
    stand_in = garbled_fund_label(tokens)
    if stand_in is not None:
        wanted.append(("fund_paid", stand_in))  # its label garbled, its row's place known
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
        # the form's own ink dropped first; then the crop only made lighter where it is
        # coloured and stretched, for faint print the first crop lost with the form's ink
        # (worn ribbon, a red seal over a blue label hiding the form's colour)
        amounts: list[tuple[float, Decimal, float]] = []
        for clean in (drop_form_ink(crop, label_part), stretched(crop)):
            if clean is None:
                continue
            lines = engine.read(cv2.cvtColor(clean, cv2.COLOR_GRAY2BGR))
            # only what shares the label's band (out of register by under a line's height)
            mid = lab.cy - y0
            reads = [(ln.x0, _amount(ln.text), ln.score) for ln in lines
                     if abs((ln.y0 + ln.y1) / 2 - mid) < h * 0.8]
            # a payment box holds no minus: a dash before the figures is the box's rule
            amounts = [(x, a, s) for x, a, s in reads if a is not None and a >= 0 and s >= 0.85]
            if amounts:
                break
        if len(amounts) != 1:
            continue  # nothing clear, or two amounts: not for us to choose
        _, new, score = amounts[0]
        if old_value is None or (new != old_value and (digits_in_front(old_value, new)
                                                       or _adds_up(found, field, new))):
            # beside a label that was not read, the figure is for the person to check
            out[field] = Found(new, score * (0.9 if lab is not stand_in else 0.7), "reread",
                               lab)
    return out


def payments_doubtful(found: dict[str, Found]) -> bool:
    """The payments read do not add up to the total (or there is no total to add up to)."""
    total = found.get("total")
    paid = [found[k].value for k in PAYMENTS if k in found]
    if total is None or not paid:
        return True
    return sum(paid) != total.value  # type: ignore[arg-type]


def reread_fields(page: np.ndarray, tokens: Sequence[Token], found: dict[str, Found],
                  doc_type: str, engine: OcrEngine) -> dict[str, Found]:
    """Every field worth a second look at the pixels: doubtful payments and a date in a
    form's boxes on an invoice, a hospital's name under a seal on any receipt."""
    out: dict[str, Found] = {}
    if doc_type.endswith("_invoice") and payments_doubtful(found):
        out.update(reread_payments(page, tokens, found, engine))
    if doc_type.endswith("_invoice") and "issue_date" not in found:
        dated = reread_date(page, tokens, engine)
        if dated is not None:
            out["issue_date"] = dated
    for field, cut in reread_cut_labels(page, tokens, {**found, **out}, engine).items():
        out[field] = cut
    hospital = reread_hospital(page, tokens, {**found, **out}, engine)
    if hospital is not None:
        out["hospital"] = hospital
    return out


_CUT = re.compile(r"\s*([\u4e00-\u9fff]{1,2})\s*[:：]\s*(\S.*)")


def reread_cut_labels(page: np.ndarray, tokens: Sequence[Token], found: dict[str, Found],
                      engine: OcrEngine, limit: int = 2) -> dict[str, Found]:
    """Values whose label the detector cut short, read again with the label whole.

    A line that starts with the last characters of a label and a colon (人：史鹏, the
    detector left 交款 of 交款人 out of its box, in a form's background pattern) says only
    that some label ending so stood there: 交款人, or 收款人, or 开票人. The line is read
    again from a crop reaching a few characters to its left; the value is taken where that
    reading names a field not yet found, with a label, and gives the same value.
    """
    if page.ndim != 3:
        return {}
    H, W = page.shape[:2]
    out: dict[str, Found] = {}
    reads = 0
    for tok in tokens:
        if reads >= limit:
            break
        lead = split_line(tok)[0]
        if lead.label is not None or lead.value is None:
            continue
        m = _CUT.fullmatch(lead.value.text)
        if m is None or m.group(1) in LABELS:
            continue
        frag = m.group(1)
        wanted = {f for k, f in LABELS.items() if f is not None and len(k) > len(frag)
                  and k.endswith(frag) and f not in found and f not in out}
        if not wanted:
            continue
        h = tok.h
        x0, x1 = int(max(0, tok.x0 - h * 4)), int(min(W, tok.x1 + h * 0.5))
        y0, y1 = int(max(0, tok.y0 - h * 0.4)), int(min(H, tok.y1 + h * 0.4))
        if x1 - x0 < h * 3 or y1 - y0 < h:
            continue
        reads += 1
        lines = engine.read(np.ascontiguousarray(page[y0:y1, x0:x1]))
        again = extract_fields([Token(ln.text, ln.x0, ln.y0, ln.x1, ln.y1, ln.score)
                                for ln in lines if ln.text.strip()])
        for field in wanted:
            hit = again.get(field)
            first = PARSERS[FIELD_KINDS[field]](m.group(2))
            if hit is not None and hit.source == "label" and first is not None \
                    and hit.value == first:
                out[field] = Found(hit.value, min(hit.score, tok.score) * 0.9, "reread", tok)
    return out


def drop_colour(crop: np.ndarray) -> np.ndarray | None:
    """The crop in grey with every coloured ink (a form's red or blue) faded to paper and
    black or grey print kept; None where there is no coloured ink to fade."""
    b, g, r = (c.astype(np.float32) for c in cv2.split(crop))
    top = np.maximum(np.maximum(b, g), r)
    coloured = (top - np.minimum(np.minimum(b, g), r)) > 60
    if coloured.mean() < 0.005 or coloured.all():
        return None
    form = float(np.median(top[coloured]))  # the form's ink, in the brightest channel
    ink = float(np.percentile(top[~coloured], 0.5))  # the printer's black
    if form - ink < 40:
        return None
    v = (top - ink) / ((form - ink) * 0.6)
    return np.clip(v * 255, 0, 255).astype(np.uint8)


def stretched(crop: np.ndarray) -> np.ndarray | None:
    """The crop's brightest channel (coloured inks lighter, black and grey print as they
    are), its contrast stretched from the darkest print to paper."""
    top = np.max(crop, axis=2).astype(np.float32)
    ink, paper = float(np.percentile(top, 0.5)), float(np.percentile(top, 90))
    if paper - ink < 40:
        return None
    return np.clip((top - ink) / ((paper - ink) * 0.7) * 255, 0, 255).astype(np.uint8)


def _date_kept(old: str, new: str) -> bool:
    """`new` is `old` with digits put back: the same year, and each of the month's and the
    day's digits as first read still there (2017-1-3 read again as 2017-11-23)."""
    (oy, om, od), (ny, nm, nd) = old.split("-"), new.split("-")
    return oy == ny and str(int(om)) in nm and str(int(od)) in nd


def reread_date(page: np.ndarray, tokens: Sequence[Token], engine: OcrEngine) -> Found | None:
    """A date printed into a form's 年 月 日 boxes, read again without the form's ink.

    The printer's digits out of register run into the form's characters, and the reader
    loses a digit into them (`2017` `年1月3日` for 2017年11月23日, `201年` for 2018年) or
    the row falls apart. Without the form's ink only the digits are left. The new reading
    is taken where the first spelt no date, or where it keeps every digit the first had.
    """
    if page.ndim != 3:
        return None
    run = header_date_run(tokens)
    if run is None or not re.search("[年月日]", "".join(t.text for t in run.tokens)):
        return None  # a date printed whole by the printer has no form's boxes to lose
    H, W = page.shape[:2]
    x0f, y0f, x1f, y1f = run.box
    h = float(np.median([t.h for t in run.tokens]))
    x0, x1 = int(max(0, x0f - h)), int(min(W, x1f + h))
    y0, y1 = int(max(0, y0f - h * 0.6)), int(min(H, y1f + h * 0.6))
    if x1 - x0 < h * 3 or y1 - y0 < h:
        return None
    clean = drop_colour(np.ascontiguousarray(page[y0:y1, x0:x1]))
    if clean is None:
        return None
    lines = engine.read(cv2.cvtColor(clean, cv2.COLOR_GRAY2BGR))
    # only what lies in the run's own band: not the serial above nor a number below
    top, low = y0f - y0 - h * 0.2, y1f - y0 + h * 0.2
    pieces = [Token(ln.text, ln.x0, ln.y0, ln.x1, ln.y1, ln.score) for ln in lines
              if ln.score >= 0.8 and ln.text.strip() and top <= (ln.y0 + ln.y1) / 2 <= low]
    if not pieces:
        return None
    again = DateRun(_run_date(sorted(pieces, key=lambda t: t.x0)), tuple(pieces))
    new = again.value
    if new is None or new == run.value or (run.value is not None
                                           and not _date_kept(run.value, new)):
        return None
    score = min(t.score for t in again.tokens)
    return Found(new, score * 0.9, "fallback", run.tokens[0])


def seal_share(crop: np.ndarray) -> float:
    """The share of a crop's pixels in a seal's red (bright in red, dark in green and blue)."""
    if crop.ndim != 3 or crop.size == 0:
        return 0.0
    b, g, r = (c.astype(np.int16) for c in cv2.split(crop))
    red = (r > 110) & (r - np.maximum(g, b) > 40)
    return float(red.mean())


def without_red(crop: np.ndarray) -> np.ndarray | None:
    """The crop's red channel, stretched so that red ink goes to paper and black stays."""
    r = crop[..., 2].astype(np.float32)
    ink, paper = float(np.percentile(r, 1)), float(np.percentile(r, 90))
    if paper - ink < 40:
        return None
    v = np.clip((r - ink) / ((paper - ink) * 0.7) * 255, 0, 255).astype(np.uint8)
    return cv2.cvtColor(v, cv2.COLOR_GRAY2BGR)


_READ_HEIGHT = 36.0  # text height the crops are read at
_SEALED = 0.01  # a seal's ring and words cover a per cent or more of the value's box


def _org_in(text: str) -> tuple[str, bool] | None:
    """The institution's name in one line read from a crop (label, seal words dropped), and
    whether seal words had to be dropped from its front."""
    for txt in hospital_texts(Token(text, 0, 0, 1, 1, 1.0)):
        for m in ORG_NAME.finditer(txt):
            stripped, cut = strip_residue(m.group(0))
            name = _org(stripped)
            if name is not None and whole_institution(name):
                return name, cut
    return None


def reread_hospital(page: np.ndarray, tokens: Sequence[Token], found: dict[str, Found],
                    engine: OcrEngine) -> Found | None:
    """The hospital's name read again without the red of a seal stamped over it.

    The box looked at is the hospital label's line, from the label to the next label on its
    row, a line's height up and down (a dot-matrix printer puts the name out of register),
    and the token the name was read from; where neither label nor name was read, the row
    before its 收款人 box. Nothing is read again where no seal is there.
    """
    if page.ndim != 3:
        return None
    H, W = page.shape[:2]
    hs = median_height(tokens)
    labels: list[Token] = []
    anchors: list[Token] = []
    cashiers: list[Token] = []  # 收款人, the box to the right of the hospital's on its row
    for tok in tokens:
        before = ""
        for p in split_line(tok):
            if p.label is not None:
                labels.append(p.label)
                # a label, not the same words inside a title (浙江省医疗机构门诊收费票据)
                if p.field == "hospital" and not re.search(r"[\u4e00-\u9fff]$", before):
                    anchors.append(p.label)
                if re.sub(r"\s+", "", p.label.text).startswith("收款人"):
                    cashiers.append(p.label)
            last = p.value or p.label
            before = last.text if last is not None else before
    old = found.get("hospital")
    if old is None:
        # no label read (its line lost under the seal): a name read on its own, whose first
        # characters the seal may have split off to the left
        orgs = [t for t in tokens if ORG_NAME.search(t.text) and "类型" not in t.text]
        if orgs:
            t = max(orgs, key=lambda t: t.h * t.score)
            old = Found(t.text, t.score, "fallback", Token(t.text, t.x0 - t.h * 3, t.y0, t.x1,
                                                           t.y1, t.score))
    boxes: list[tuple[float, float, float, float, float]] = []  # x0, y0, x1, y1, value's x0
    if old is not None and old.token is not None:
        # the line the name was read from, first: the tightest box round it
        t = old.token
        start = next((a.x1 for a in anchors if t.x0 <= a.cx <= t.x1 and t.y0 <= a.cy <= t.y1),
                     t.x0)
        boxes.append((t.x0 - t.h * 0.5, t.y0 - t.h * 0.4, t.x1 + t.h * 0.5, t.y1 + t.h * 0.4,
                      start))
    for lab in anchors[:2]:
        h = lab.h
        stop = min(_barrier(lab, labels), lab.x1 + h * 24, W)
        boxes.append((lab.x0 - h * 0.3, lab.y0 - h * 0.8, stop, lab.y1 + h * 0.8, lab.x1))
    by_row = not boxes and len(cashiers) == 1
    if by_row:
        # the label's line and the name both lost under the seal: the row is still known
        # by the 收款人 box at its other end, and the name is looked for before that box
        lab = cashiers[0]
        left = min(t.x0 for t in tokens)
        boxes.append((left - lab.h, lab.y0 - lab.h * 0.8, lab.x0 - lab.h * 0.3,
                      lab.y1 + lab.h * 0.8, left))
    reads = 0
    for x0f, y0f, x1f, y1f, value_x in boxes:
        if reads >= 2:
            break
        x0, y0 = int(max(0, x0f)), int(max(0, y0f))
        x1, y1 = int(min(W, x1f)), int(min(H, y1f))
        if x1 - x0 < hs * 3 or y1 - y0 < hs:
            continue
        crop = np.ascontiguousarray(page[y0:y1, x0:x1])
        # the seal must lie on the value, not only on a red label before it
        if seal_share(crop[:, int(max(0, value_x - x0)):]) < _SEALED:
            continue
        clean = without_red(crop)
        if clean is None:
            continue
        scale = _READ_HEIGHT / hs
        if scale < 1:  # the recogniser reads lines at 48 px: larger print only costs time
            clean = cv2.resize(clean, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        reads += 1
        names = [(ln.score, _org_in(ln.text)) for ln in engine.read(clean)]
        hits = [(s, n) for s, n in names if n is not None and s >= 0.9]
        if len(hits) != 1:
            continue  # nothing whole, or two names: not for us to choose
        score, (name, cut) = hits[0]
        # a name the seal's words ran into even without the red is for the person to check,
        # and so is one read where no label was
        source = "seal" if cut else "fallback" if by_row else "reread"
        return Found(name, score * 0.95, source, old.token if old else None)
    return None
