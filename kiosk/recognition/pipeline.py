"""The whole recognition path: image bytes → receipt JSON (../shared/spec/receipt-json.md)."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from kiosk.core.config import OcrSettings
from kiosk.recognition import preprocess
from kiosk.recognition.checks import reconcile
from kiosk.recognition.classify import classify
from kiosk.recognition.engines import OcrEngine, TextLine, create_engine
from kiosk.recognition.fields import (
    FIELD_KINDS,
    ORG_NAME,
    Found,
    extract_fields,
    header_date,
    hospital_texts,
    printed_figures,
    split_line,
    strip_residue,
    whole_institution,
)
from kiosk.recognition.layout import Token, tokens_from_lines, upside_down, v_overlap
from kiosk.recognition.overprint import reread_fields
from kiosk.recognition.table import extract_items
from kiosk.recognition.text import (
    UPPER_CHARS,
    clean_text,
    digits_fixed,
    fold,
    money_str,
    parse_money,
    upper_amount_text,
)

log = logging.getLogger("kiosk.recognition")

SCALAR_FIELDS = (
    "invoice_code", "invoice_number", "check_code", "issue_date", "payer_name",
    "payer_id_number", "hospital", "visit_date", "outpatient_no", "serial_no",
    "insurance_type",
)
MONEY_FIELDS = ("total", "total_upper", "fund_paid", "other_paid", "account_paid", "cash_paid",
                "self_pay_class", "self_pay_full")

_SOURCE_WEIGHT = {"label": 1.0, "mark": 0.97, "right": 0.97, "below": 0.9, "row": 0.9,
                  "fallback": 0.75, "seal": 0.5, "reread": 1.0, "shape": 0.9, "garbled": 0.8}

Reread = Callable[[Sequence[Token], dict[str, Found], str], dict[str, Found]]


def _hospital_fallback(tokens: Sequence[Token], found: Found | None) -> Found | None:
    """An institution name anywhere on the page (a letterhead, a title line).

    Only text that no label claims, or the hospital label's own value, is looked at, so a
    label never becomes part of the name. A name with a label's or seal's words run into
    its front (a garbled 收款单位(章) under the 收费专用章) keeps what follows them and is
    marked `seal` so that it is flagged for the person, not taken as read.
    """
    cands: list[tuple[float, str, Token, bool]] = []
    for t, texts in _name_lines(tokens):
        for txt in texts:
            if "类型" in txt:
                continue  # 医疗机构类型：综合医院 says what kind, not which
            for m in ORG_NAME.finditer(txt):
                name, cut = strip_residue(m.group(0))
                if whole_institution(name):
                    cands.append((t.h * t.score, name, t, cut))
    if not cands:
        return found
    current = str(found.value) if found else ""
    # a label value cut short by a seal is completed by a longer name that contains it
    for _, name, t, cut in sorted(cands, key=lambda c: -c[0]):
        if current and current in name and len(name) > len(current):
            return Found(name, t.score * 0.9, "seal" if cut else "fallback", t)
    if found is not None and ORG_NAME.fullmatch(current):
        return found
    # of one line's readings, the name that runs on into the next line is the whole one
    _, name, t, cut = max(cands, key=lambda c: (c[0], len(c[1])))
    return Found(name, t.score, "seal" if cut else "fallback", t)


def _name_lines(tokens: Sequence[Token]) -> list[tuple[Token, list[str]]]:
    """Each token's texts where a name may stand, and a name wrapped onto a second line.

    A narrow slip prints a long name in two centred lines (上海市长宁区新华街道社区卫生服务 /
    中心): a short line right under a line, no wider than it and as tall, is its end.
    """
    texts = {t: hospital_texts(t) for t in tokens}
    out = list(texts.items())
    for t in tokens:
        head = texts[t][-1] if texts[t] else ""
        if len(head) < 4 or ORG_NAME.fullmatch(head):
            continue
        for u in tokens:
            if (u is not t and texts[u] and len(texts[u][0]) <= 6
                    and 0 <= u.y0 - t.y1 + t.h * 0.3 <= t.h * 0.8
                    and 0.7 * t.h <= u.h <= 1.4 * t.h
                    and u.x0 >= t.x0 - t.h and u.x1 <= t.x1 + t.h):
                joined = head + texts[u][0]
                # the name must run on into the second line (…总医院 / 第一医学中心)
                if any(m.end() > len(head) for m in ORG_NAME.finditer(joined)):
                    out.append((t, [joined]))
    return out


def _upper_by_shape(tokens: Sequence[Token]) -> Token | None:
    """The one line that is a 大写 amount by its characters alone, its label lost.

    贰佰零叠元陆角壹分 with no 金额合计（大写） before it (the label faded, blurred or under
    a seal): most of its characters are 大写 digits and units, with a 元 among them.
    """
    cands = []
    for t in tokens:
        s = "".join(fold(t.text).split())
        if len(s) < 3 or not any(c in "元圆" for c in s):
            continue
        upper = sum(c in UPPER_CHARS for c in s)
        if upper >= 3 and upper >= 0.6 * len(s) and any(c in "零壹贰叁肆伍陆柒捌玖" for c in s):
            cands.append(t)
    return cands[0] if len(cands) == 1 else None


def _total_beside(anchor: Token, tokens: Sequence[Token]) -> Found | None:
    """The figure at the end of the 大写 amount's row: the 小写 total, its label lost."""
    row = sorted((t for t in tokens if t is not anchor and t.x0 > anchor.x1
                  and v_overlap(t, anchor) >= 0.4), key=lambda t: t.x0)
    for t in row:
        # ¥ is read as V or Y as often as not
        s = re.sub(r"^[¥￥VY]", "", digits_fixed(t.text).strip())
        amount = parse_money(s, need_decimals=True)
        if amount is not None:
            return Found(amount, t.score * 0.9, "row", t)
    return None


def _sideways(lines: Sequence[TextLine]) -> bool:
    """Most lines read top to bottom (boxes far taller than wide): the page lies sideways.

    Upright print gives no box of two or more characters that is far taller than wide, so
    three such lines are evidence enough on a small slip; single characters and stamps
    (square or round) say nothing and are not counted.
    """
    worded = [ln for ln in lines if len(ln.text) >= 2 and ln.height > 0]
    tall = sum(1 for ln in worded if (ln.y1 - ln.y0) > 1.5 * (ln.x1 - ln.x0))
    return tall >= 3 and tall > len(worded) * 0.5


def _cut_at_edge(lines: Sequence[TextLine], height: int, width: int) -> bool:
    """Two or more lines of words run into the top or the bottom of the cut-out page.

    A page's own edge has a margin; print that reaches the top or bottom of the cut-out
    was cut there, by an outline that followed a fold or the edge of a band across the
    page. (Sides are not looked at: a form's vertical 第二联 note and a slip's right-aligned
    amounts sit close to them on whole pages.)
    """
    margin = 0.02 * max(height, width)
    worded = [ln for ln in lines if len(ln.text.strip()) >= 2]
    top = sum(1 for ln in worded if ln.y0 <= margin)
    bottom = sum(1 for ln in worded if ln.y1 >= height - margin)
    return max(top, bottom) >= 2


def _read_weight(lines: Sequence[TextLine]) -> float:
    """How much was read, and how surely: characters weighted by their line's confidence."""
    return sum(len(ln.text.strip()) * ln.score for ln in lines)


class Recognizer:
    """Holds one loaded OCR engine and turns images into receipt JSON objects."""

    def __init__(self, settings: OcrSettings | None = None, engine: OcrEngine | None = None):
        self.settings = settings or OcrSettings()
        self.engine = engine or create_engine(self.settings)

    def load(self) -> None:
        self.engine.load()

    def recognize_file(self, path: str | Path) -> dict[str, Any]:
        t0 = time.perf_counter()
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise preprocess.ImageRejected("unreadable", str(exc)) from exc
        return self.recognize_bytes(data, str(path), started=t0)

    def recognize_bytes(self, data: bytes, name: str, *, started: float | None = None
                        ) -> dict[str, Any]:
        t0 = started if started is not None else time.perf_counter()
        image = preprocess.decode_image(data)
        return self.recognize_image(image, name, started=t0)

    def recognize_image(self, image: np.ndarray, name: str, *, started: float | None = None
                        ) -> dict[str, Any]:
        t0 = started if started is not None else time.perf_counter()
        prepared = preprocess.prepare(image)
        page = prepared.image
        t_ocr = time.perf_counter()

        def read(page: np.ndarray) -> Sequence[TextLine]:
            return self.engine.read(preprocess.for_reading(page))

        lines = read(page)
        if _sideways(lines):
            # the turn detector missed a sideways page (a curled slip photographed across):
            # the text came back as columns of single characters. A quarter turn and a
            # second read; a page that needed the other quarter turn is then upside down,
            # which the angle classifier reports line by line and the tokens undo.
            # The page is prepared again with that turn, so that its skew is measured on
            # the lines and not on the columns (a slip levelled by its columns comes out
            # with its labels a row away from their figures).
            before = next((int(st.split("_")[1]) for st in prepared.steps
                           if st in ("rotate_90", "rotate_270")), 0)
            quarter = (before + 90) % 360
            redone = preprocess.prepare(image, turn=quarter) if quarter != 180 else None
            page = redone.image if redone is not None else \
                np.ascontiguousarray(np.rot90(page, k=-1))
            turned = read(page)
            # the engine reads a tall box turned, so a sideways page's columns may read
            # nearly as well as its lines: the turn is kept unless it lost much of the text
            if not _sideways(turned) and _read_weight(turned) >= 0.5 * _read_weight(lines):
                lines = turned
                if redone is not None:
                    prepared = redone
                prepared.steps.append("rotate_90_after_ocr")
            else:
                page = prepared.image
        if "page_outline" in prepared.steps and _cut_at_edge(lines, *page.shape[:2]):
            # the outline cut through print: it was a fold, a crease or a band of the page,
            # not its edge. The whole frame is read instead, and kept if it reads more.
            whole = preprocess.prepare(image, outline=False)
            again = read(whole.image)
            if _read_weight(again) > 1.2 * _read_weight(lines):
                prepared, page, lines = whole, whole.image, again
                prepared.steps.append("outline_dropped")
        ocr_ms = (time.perf_counter() - t_ocr) * 1000
        h, w = page.shape[:2]
        tokens = tokens_from_lines(lines, w, h)
        if not tokens:
            raise preprocess.ImageRejected("no_document", "no text found on the page")
        # tokens of an upside-down page are on the page turned round: crops come from that
        seen = np.rot90(page, 2) if upside_down(lines) else page

        def reread(toks: Sequence[Token], found: dict[str, Found], doc_type: str
                   ) -> dict[str, Found]:
            return reread_fields(seen, toks, found, doc_type, self.engine)

        doc = build_document(tokens, name, reread=reread)
        doc["ocr_ms"] = round(ocr_ms, 1)
        doc["total_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        log.debug("%s: %s, %d lines, steps %s", name, doc["doc_type"], len(lines), prepared.steps)
        return doc

    def recognize_text_runs(self, runs: Sequence[tuple[str, float, float, float, float]],
                            width: float, height: float, name: str, *,
                            started: float | None = None) -> dict[str, Any]:
        """A page whose text is known exactly (a PDF e-invoice's text layer): no OCR at all.

        `runs` are `(text, x0, y0, x1, y1)` in the page's pixels, as the capture layer
        reports them; the same layout reading and checks apply as to OCR output.
        """
        t0 = started if started is not None else time.perf_counter()
        tokens = tokens_from_lines(_runs_to_lines(runs), width, height)
        if not tokens:
            raise preprocess.ImageRejected("no_document", "the text layer is empty")
        doc = build_document(tokens, name)
        doc["ocr_ms"] = 0.0
        doc["total_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        return doc


def _upper_row(tokens: Sequence[Token], labelled: dict[Token, frozenset[str]]) -> str | None:
    """The text of the row that carries the 大写 label, left to right, as it was read: the
    amount may stand in the label's own line or beside it, or alone with its label lost."""
    label = next((t for t in tokens if "total_upper" in labelled[t]), None) \
        or _upper_by_shape(tokens)
    if label is None:
        return None
    row = sorted((t for t in tokens if v_overlap(t, label) >= 0.5), key=lambda t: t.x0)
    return " ".join(t.text for t in row)


def _runs_to_lines(runs: Sequence[tuple[str, float, float, float, float]]) -> list[TextLine]:
    return [TextLine(text=t, box=((x0, y0), (x1, y0), (x1, y1), (x0, y1)), score=1.0)
            for t, x0, y0, x1, y1 in runs if t.strip()]


def build_document(tokens: Sequence[Token], name: str, *, reread: Reread | None = None
                   ) -> dict[str, Any]:
    """Fields, items and checks from the page's tokens, in the contract's key order.

    `reread` reads fields again from the pixels (see `overprint`): payment amounts that do
    not add up, a hospital's name under a red seal; without pixels (a PDF's text layer)
    there is nothing to read again.
    """
    found = extract_fields(tokens)
    doc_type = classify(tokens, found)
    if reread is not None and doc_type != "unknown":
        found.update(reread(tokens, found, doc_type))
    doc: dict[str, Any] = {"image": name, "doc_type": doc_type}
    conf: dict[str, float] = {}
    if doc_type == "unknown":
        for k in SCALAR_FIELDS:
            doc[k] = None
        doc["items"] = []
        for k in MONEY_FIELDS:
            doc[k] = None
        doc["checks"] = [{"code": "not_a_receipt", "severity": "error",
                          "message": "这不是医疗收费票据或费用清单 (not a medical receipt)"}]
        doc["confidence"] = {}
        return doc
    if "total_upper" not in found or "total" not in found:
        anchor = found["total_upper"].token if "total_upper" in found else _upper_by_shape(tokens)
        if anchor is not None and "total_upper" not in found:
            value = upper_amount_text(anchor.text)
            if value is not None:
                found["total_upper"] = Found(value, anchor.score, "shape", anchor)
        if anchor is not None and "total" not in found:
            beside = _total_beside(anchor, tokens)
            if beside is not None:
                found["total"] = beside
    if doc_type.endswith("_invoice") and "issue_date" not in found:
        dated = header_date(tokens)
        if dated is not None:
            found["issue_date"] = dated
    hosp = _hospital_fallback(tokens, found.get("hospital"))
    if hosp is not None:
        found["hospital"] = hosp
    for k in SCALAR_FIELDS:
        f = found.get(k)
        doc[k] = None if f is None else clean_text(str(f.value))
        if f is not None and doc[k] is not None:
            score = f.score * _SOURCE_WEIGHT.get(f.source, 0.8)
            if k == "hospital" and not whole_institution(doc[k] or ""):
                score = min(score, 0.6)
            conf[k] = round(score, 3)
    if doc.get("payer_id_number"):
        doc["payer_id_number"] = doc["payer_id_number"].upper()
    items, _ = extract_items(tokens)
    doc["items"] = []
    for k in MONEY_FIELDS:
        f = found.get(k)
        if f is None:
            doc[k] = None
            continue
        doc[k] = clean_text(str(f.value)) if FIELD_KINDS[k] == "upper" else money_str(f.value)  # type: ignore[arg-type]
        conf[k] = round(f.score * _SOURCE_WEIGHT.get(f.source, 0.8), 3)
    labelled = {t: frozenset(p.field for p in split_line(t)
                             if p.label is not None and p.field is not None) for t in tokens}
    outcome = reconcile(doc, conf, items, upper_text=_upper_row(tokens, labelled),
                        labelled=frozenset().union(*labelled.values()),
                        page_figures=printed_figures(tokens))
    doc["items"] = [it.as_json() for it in items]
    ordered: dict[str, Any] = {"image": doc["image"], "doc_type": doc_type}
    for k in SCALAR_FIELDS:
        ordered[k] = doc[k]
    ordered["items"] = doc["items"]
    for k in MONEY_FIELDS:
        ordered[k] = doc[k]
    ordered["checks"] = outcome.checks
    ordered["confidence"] = {k: round(v, 3) for k, v in conf.items() if ordered.get(k) is not None}
    return ordered
