"""Header fields from labels and their synonyms, the geometry around them and value shapes.

A label found in a line cuts the line into (label, value) pieces. A label with nothing after
it takes its value from the token to its right, or failing that from the one below. Every
value must have the shape of its field (a date, an amount, an identifier, a name) or it is
dropped: a missing field is better than a guessed one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from kiosk.recognition.layout import Token, below, median_height, right_of, rows, v_overlap
from kiosk.recognition.text import (
    boxed_date,
    clean_text,
    digits_fixed,
    identifier,
    parse_date,
    parse_money,
    upper_amount_text,
)

# label text → field. Longer labels win over their prefixes ("医疗机构类型" is not "医疗机构").
# A field of None marks a label we recognise only so that it ends the previous value.
LABELS: dict[str, str | None] = {
    "票据代码": "invoice_code", "发票代码": "invoice_code", "电子票据代码": "invoice_code",
    "票据号码": "invoice_number", "发票号码": "invoice_number", "电子票据号码": "invoice_number",
    "票据号": "invoice_number", "票号": "invoice_number", "NO": "invoice_number",
    "No": "invoice_number", "N0": "invoice_number", "No.": "invoice_number",
    "校验码": "check_code", "检验码": "check_code",
    "开票日期": "issue_date", "开具日期": "issue_date", "填开日期": "issue_date",
    "交款人": "payer_name", "缴款人": "payer_name", "姓名": "payer_name", "患者姓名": "payer_name",
    "病人姓名": "payer_name",
    "交款人统一社会信用代码": "payer_id_number", "统一社会信用代码": "payer_id_number",
    "身份证号": "payer_id_number", "身份证号码": "payer_id_number", "证件号码": "payer_id_number",
    "公民身份号码": "payer_id_number",
    "收款单位": "hospital", "医疗机构": "hospital", "医院名称": "hospital",
    "医疗机构名称": "hospital", "就诊医院": "hospital", "就诊机构": "hospital",
    "定点医疗机构": "hospital", "开票单位": "hospital",
    "就诊日期": "visit_date", "门诊日期": "visit_date", "就医日期": "visit_date",
    "门诊号": "outpatient_no", "就诊号": "outpatient_no", "门诊号码": "outpatient_no",
    "就诊流水号": "outpatient_no",
    "业务流水号": "serial_no", "流水号": "serial_no", "交易流水号": "serial_no",
    "医保类型": "insurance_type", "医疗保险类型": "insurance_type", "医保类别": "insurance_type",
    "险种类型": "insurance_type", "参保类型": "insurance_type", "险种": "insurance_type",
    "合计": "total", "总计": "total", "费用合计": "total", "费用总计": "total",
    "合计(小写)": "total", "金额合计(小写)": "total", "(小写)": "total", "小写": "total",
    "合计金额": "total", "总金额": "total", "费用总额": "total", "医疗费用总额": "total",
    "合计(大写)": "total_upper", "金额合计(大写)": "total_upper", "(大写)": "total_upper",
    "大写": "total_upper", "金额合计": None, "大写金额": "total_upper", "小写金额": "total",
    "医保统筹基金支付": "fund_paid", "统筹基金支付": "fund_paid", "医保统筹支付": "fund_paid",
    "统筹支付": "fund_paid", "基金支付": "fund_paid", "医保基金支付": "fund_paid",
    "统筹基金": "fund_paid",
    "其他支付": "other_paid", "其它支付": "other_paid",
    "个人账户支付": "account_paid", "账户支付": "account_paid", "个人帐户支付": "account_paid",
    "个人现金支付": "cash_paid", "现金支付": "cash_paid",
    "个人自付": "self_pay_class", "个人自费": "self_pay_full",
    # labels that end a value but feed no field
    "性别": None, "年龄": None, "科室": None, "医保编号": None, "医疗机构类型": None,
    "打印时间": None, "打印人": None, "复核人": None, "收款人": None, "开票人": None,
    "甲类金额": None, "乙类金额": None, "丙类金额": None, "当年账户余额": None,
    "历年账户余额": None, "账户余额": None, "备注": None, "住院号": None, "床号": None,
    "病区": None, "入院日期": None, "出院日期": None, "住院天数": None, "预缴金额": None,
    "补缴金额": None, "退费金额": None, "社会保障卡号": None, "医保卡号": None, "卡号": None,
    "项目名称": None, "其他信息": None, "收款单位(章)": "hospital", "交款人(章)": "payer_name",
}

FIELD_KINDS: dict[str, str] = {
    "invoice_code": "id", "invoice_number": "id", "check_code": "id", "outpatient_no": "id",
    "serial_no": "id", "payer_id_number": "idcard",
    "issue_date": "date", "visit_date": "date",
    "payer_name": "name", "hospital": "org", "insurance_type": "text",
    "total": "money", "fund_paid": "money", "other_paid": "money", "account_paid": "money",
    "cash_paid": "money", "self_pay_class": "money", "self_pay_full": "money",
    "total_upper": "upper",
}

_SEP = r"[\s]*"


def _label_pattern(label: str) -> str:
    parts = []
    for ch in label:
        if ch == "(":
            parts.append(r"[(（]")
        elif ch == ")":
            parts.append(r"[)）]")
        else:
            parts.append(re.escape(ch))
    return _SEP.join(parts)


_ORDERED = sorted(LABELS, key=len, reverse=True)
LABEL_RE = re.compile(
    "(" + "|".join(_label_pattern(lb) for lb in _ORDERED) + r")"
    + r"(?:[(（](?:章|元|大写|小写)[)）]?|[(（][^()（）]{0,4}[)）])?" + r"\s*[:：]?\s*",
)


def _label_key(matched: str) -> str:
    s = re.sub(r"\s+", "", matched).replace("（", "(").replace("）", ")")
    return s


@dataclass(frozen=True)
class Piece:
    """A label or value piece of one line."""

    field: str | None
    label: Token | None
    value: Token | None


_FUZZY_LABELS = sorted((lb for lb in LABELS if len(lb) >= 4 and "(" not in lb), key=len,
                       reverse=True)


def fuzzy_label(before: str) -> tuple[str, int] | None:
    """A label misread by one character (or missing its first), just before a colon.

    Returns the label and how many characters of `before` it covers.
    """
    stem = re.sub(r"\s*[(（][^()（）]{0,4}[)）]\s*$", "", before).rstrip()
    cut = len(before) - len(stem)
    for lb in _FUZZY_LABELS:
        n = len(lb)
        tail = stem[-n:]
        if len(tail) == n and sum(a != b for a, b in zip(tail, lb, strict=False)) == 1:
            # 个人现户支付 is one character from 个人现金支付 and from 个人账户支付: neither
            if len({LABELS[o] for o in _FUZZY_LABELS if len(o) == n and sum(
                    a != b for a, b in zip(tail, o, strict=True)) == 1}) == 1:
                return lb, n + cut
            continue
        tail = stem[-(n - 1):]
        alone = len(stem) <= n - 1 or not re.match(r"[\u4e00-\u9fff]", stem[-n])
        if tail == lb[1:] and alone:
            return lb, n - 1 + cut
        # one character inside a long label lost (医保统支付 for 医保统筹支付)
        if n >= 6 and alone and len(tail) == n - 1 and tail[0] == lb[0] and any(
                tail == lb[:i] + lb[i + 1:] for i in range(1, n - 1)):
            return lb, n - 1 + cut
    # two characters of a long label misread (个人理金支村 for 个人现金支付): only where its
    # first two stand and no other label is as close (个人账户支付 differs in three)
    near: list[tuple[int, str]] = []
    for lb in _FUZZY_LABELS:
        n = len(lb)
        tail = stem[-n:]
        if n < 6 or len(tail) != n or tail[:2] != lb[:2]:
            continue
        if len(stem) > n and re.match(r"[\u4e00-\u9fff]", stem[-n - 1]):
            continue
        near.append((sum(a != b for a, b in zip(tail, lb, strict=True)), lb))
    best = [lb for d, lb in near if d == 2]
    if best and len({LABELS[lb] for lb in best}) == 1 and not any(d < 2 for d, _ in near):
        return best[0], len(best[0]) + cut
    return None


def _fuzzy_matches(text: str, start: int, end: int) -> list[tuple[int, int, str | None]]:
    """Labels misread by OCR inside text[start:end], each ending in a colon."""
    out = []
    for m in re.finditer(r"[:：]", text[start:end]):
        colon = start + m.start()
        hit = fuzzy_label(text[start:colon])
        if hit is None:
            continue
        label, n = hit
        b = colon + 1
        while b < len(text) and text[b] == " ":
            b += 1
        out.append((colon - n, b, LABELS[label]))
    if not out:
        # a whole line that is a long label misread by one character, with no colon (the
        # form prints 医保统筹支付 in a box; 医保统筹支寸 is it), its value after a space or
        # on its own
        whole = re.fullmatch(r"(\S{5,}?)(\s*[¥￥]?\s*-?[\d.][\d,.]*[,，。]?)?\s*", text[start:end])
        if whole:
            stem = whole.group(1)
            hit = fuzzy_label(stem)
            if hit is not None and hit[1] == len(stem) >= len(hit[0]) - 1:
                out.append((start, start + hit[1], LABELS[hit[0]]))
            else:
                # or its first five or more characters, the rest lost under a seal or the
                # value printed over it (医保统筹基全 for 医保统筹基金支付)
                for lb in _FUZZY_LABELS:
                    if len(lb) == 6 and stem == lb[:5] and LABELS[lb]:
                        # a six-character label missing only its last (个人现金支 for
                        # 个人现金支付, an amount printed over its 付)
                        out.append((start, start + 5, LABELS[lb]))
                        break
                    if len(lb) >= 7 and 5 <= len(stem) < len(lb) and LABELS[lb] and sum(
                            a != b for a, b in zip(stem, lb[:len(stem)], strict=True)) <= 1 \
                            and stem[:2] == lb[:2]:
                        out.append((start, start + len(stem), LABELS[lb]))
                        break
    return out


# `No 0012345678`, the form's printed serial number: the invoice number on paper forms
_SERIAL_MARKS = {"NO", "No", "N0", "No."}


def _serial_mark(text: str, start: int, end: int) -> bool:
    """A serial mark stands alone before six or more digits (not 'No' inside a word)."""
    if start > 0 and re.match(r"[A-Za-z0-9]", text[start - 1]):
        return False
    return re.match(r"\s*[:：.]?\s*\d{6,}", text[end:]) is not None


def split_line(tok: Token) -> list[Piece]:
    """Cut one OCR line into (label, value) pieces.

    A page's tokens are cut up by the field extraction, the header date, the hospital
    fallback and both re-reads: the cut is kept (tokens and pieces are frozen), so each
    token is cut once."""
    return list(_split_line(tok))


@lru_cache(maxsize=1024)  # a page has a few hundred tokens; the cut is reused within one page
def _split_line(tok: Token) -> tuple[Piece, ...]:
    text = tok.text
    pieces: list[Piece] = []
    matches: list[tuple[int, int, str | None]] = []
    for m in LABEL_RE.finditer(text):
        key = _label_key(m.group(1))
        if key in _SERIAL_MARKS and not _serial_mark(text, m.start(), m.end()):
            continue
        if key not in LABELS:
            continue
        field = LABELS[key]
        suffix = m.group(0)[len(m.group(1)):]
        if "大写" in suffix:
            field = "total_upper"  # 合计金额(大写)
        elif "小写" in suffix:
            field = "total"
        if not re.search(r"[:：]", m.group(0)) and re.match(r"\s*[\u4e00-\u9fff]{1,2}\s*[:：]",
                                                           text[m.end():]):
            field = None  # a longer label that OCR misread (医疗机构美： is not 医疗机构)
        matches.append((m.start(), m.end(), field))
    # a misread label before a colon beats a shorter exact label inside it (统筹基金 within
    # 医保统筹基金支忖：), and is ignored where an exact label already covers the text
    exact = {(a, b) for a, b, _ in matches}
    for fa, fb, ff in _fuzzy_matches(text, 0, len(text)):
        inside = [m for m in matches if fa <= m[0] and m[1] <= fb and (m[0], m[1]) in exact]
        overlap = [m for m in matches if m[0] < fb and fa < m[1] and m not in inside]
        if overlap or (inside and max(m[1] - m[0] for m in inside) >= fb - fa):
            continue
        matches = [m for m in matches if m not in inside] + [(fa, fb, ff)]
    matches.sort()
    if not matches:
        return (Piece(None, None, tok),)
    if matches[0][0] > 0:
        lead = tok.slice(0, matches[0][0])
        if lead.text.strip():
            pieces.append(Piece(None, None, lead))
    for i, (a, b, field) in enumerate(matches):
        end = matches[i + 1][0] if i + 1 < len(matches) else len(text)
        label = tok.slice(a, b)
        value = tok.slice(b, end) if end > b and text[b:end].strip() else None
        pieces.append(Piece(field, label, value))
    return tuple(pieces)


# words of a form's table head or totals, which a value misregistered out of its box can
# stand beside; never a person's name
_NOT_NAME = re.compile(r"金额|项目|名称|数量|单价|合计|规格|单位|[(（]元[)）]")


def _name(v: str) -> str | None:
    s = clean_text(v)
    if s is None or _NOT_NAME.search(s):
        return None
    s = re.sub(r"[^\u4e00-\u9fff·]", "", s)
    return s if 2 <= len(s) <= 6 else None


# words of a label or of a seal's ring, never part of a hospital's name: where OCR runs them
# into the name (收款单位(盖章专用某某医院), the name is what follows, and is flagged. A name
# whose seal's red ring garbles it is read again without the red (overprint.reread_hospital).
ORG_RESIDUE = re.compile(r"^.*(?:单位|単位|收款|盖章|[(（]?章[)）]|[(（][\u4e00-\u9fff]?章|专用章|专用|"
                         r"收[费費]|[门住][诊院]收|票据|收据)")


# an institution's name: what a hospital field must end with to be taken as whole
ORG_NAME = re.compile(r"[\u4e00-\u9fff()（）]{2,}(?:医院|卫生院|卫生服务中心|卫生服务站|医疗中心|"
                      r"保健院|诊所|门诊部|卫生室|医学中心)")

# kinds of institution (医疗机构类型：综合医院), never a hospital's name on their own
INSTITUTION_TYPES = frozenset({
    "综合医院", "中医医院", "中西医结合医院", "西医结合医院", "专科医院", "妇幼保健院", "民族医医院",
    "社区卫生服务中心", "乡镇卫生院", "卫生院", "门诊部", "诊所", "卫生室", "医疗中心", "护理院",
    "康复医院"})


# 第 in a name is followed by its number (第一人民医院, 第六医院, 第2分院): where it is not,
# a character was lost (一, a single thin stroke, goes first under a seal's ring)
_LOST_ORDINAL = re.compile(r"第(?![一二三四五六七八九十百零〇两0-9])")


def whole_institution(name: str) -> bool:
    """A name that is one whole institution's (ends in 医院, 卫生院… and is not only a kind
    of institution such as 综合医院, and has lost no number after a 第)."""
    return len(name) >= 4 and name not in INSTITUTION_TYPES \
        and ORG_NAME.fullmatch(name) is not None and _LOST_ORDINAL.search(name) is None


def hospital_texts(tok: Token) -> list[str]:
    """The texts in a token, spaces removed, that no label but the hospital's claims: where
    an institution's name may stand."""
    return [re.sub(r"\s+", "", p.value.text) for p in split_line(tok)
            if p.value is not None and (p.label is None or p.field == "hospital")]


# the label's (盖章) read without its brackets before the name (收款单位美章宁波…): a
# character and 章 at the very front; no place name is spelt so (章 alone may be: 章丘)
_LABEL_SEAL = re.compile(r"^[\u4e00-\u9fff]章(?=[\u4e00-\u9fff]{2})")


def strip_residue(name: str) -> tuple[str, bool]:
    """The name without a label's or seal's words run into its front; whether any were."""
    m = ORG_RESIDUE.match(name) or _LABEL_SEAL.match(name)
    rest = name[m.end():] if m else name
    # and what is left of the seal's 收费专用章 (费专南京…, after a label read whole): no
    # name starts with these. 章 may (章丘), but not straight after them (盖章用章上海…)
    bare = re.sub(r"^[收费費专專用]+", "", rest)
    if bare != rest:
        bare = re.sub(r"^章[)）]?", "", bare)
    return bare, m is not None or bare != rest


def _org(v: str, *, seal: bool = True) -> str | None:
    s = clean_text(v)
    if s is None:
        return None
    s = re.sub(r"[（(]?章[)）]?$", "", s)
    if seal:
        s = strip_residue(s)[0]
    # the tail of a misread 收款单位(章) label
    s = re.sub(r"^[^()（）\u4e00-\u9fff]{0,3}[\u4e00-\u9fff]{0,4}[(（]章[)）]?[:：]?", "", s)
    s = re.sub(r"^章[)）][:：]?", "", s)
    s = re.sub(r"[^\u4e00-\u9fff()（）A-Za-z0-9]", "", s)
    if len(re.findall(r"[\u4e00-\u9fff]", s)) < 3:
        return None
    return s


def _text(v: str) -> str | None:
    s = clean_text(v)
    if s is None or not re.search(r"[\u4e00-\u9fff]", s):
        return None
    return s


def _id(v: str) -> str | None:
    s = clean_text(v)
    if s is None:
        return None
    first = re.split(r"\s+", s)[0]
    out = identifier(first)
    if out is None or len(out) < 4:
        return None
    return out


def _idcard(v: str) -> str | None:
    s = clean_text(v)
    if s is None:
        return None
    s = re.sub(r"\s+", "", s).upper()
    m = re.search(r"[0-9A-Z]{18}|\d{15}", s)
    return m.group(0) if m else None


def _money(v: str) -> Decimal | None:
    s = clean_text(v)
    if s is None:
        return None
    m = re.search(r"[¥￥]?\s*-?\d[\d,]*(?:\.\d+)?", digits_fixed(s))
    if not m:
        return None
    return parse_money(m.group(0))


def _strict_money(v: str) -> Decimal | None:
    """An amount that is the whole of `v` (currency sign and 元 allowed)."""
    s = clean_text(v)
    return None if s is None else parse_money(digits_fixed(s))


PARSERS: dict[str, Callable[[str], object]] = {
    "id": _id, "idcard": _idcard, "date": parse_date, "name": _name, "org": _org,
    "text": _text, "money": _money, "upper": upper_amount_text,
}


@dataclass
class Found:
    value: object
    score: float
    source: str  # "label", "right", "below", "fallback"
    token: Token | None = None


# which reading of a field wins: its own label, then a form's serial mark, then geometry
_RANK = {"label": 3, "mark": 2, "right": 1, "below": 1, "row": 1, "garbled": 0}


def _bare(value: Token | None) -> bool:
    """No value at all, or only a currency sign or punctuation where the value should be."""
    return value is None or not re.search(r"[0-9A-Za-z\u4e00-\u9fff]", value.text)


def _barrier(label: Token, labels: Sequence[Token]) -> float:
    """Where the next label on the same row begins: a value past it is that label's."""
    xs = [b.x0 for b in labels
          if b is not label and b.x0 >= label.x1 - label.h * 0.3 and v_overlap(label, b) >= 0.4]
    return min(xs, default=float("inf"))


def _figure_under(label: Token, free_values: Sequence[Token], labels: Sequence[Token],
                  hs: float) -> Token | None:
    """An amount printed under its label at the right end of the label's box (a column of
    payments: 医保统筹基金支付： on one line, 345.49 right-aligned under it): the first
    figure in the line below, right of the label's start, that no label on its own line
    claims."""
    cands = []
    for t in free_values:
        gap = t.y0 - label.y1
        if not (-0.3 * label.h <= gap <= hs * 1.2) or t.x0 < label.x0 or \
                t.x0 - label.x1 > hs * 20 or _strict_money(t.text) is None:
            continue
        if any(o is not label and o.x1 <= t.x0 and v_overlap(o, t) >= 0.4 for o in labels):
            continue  # its own line has a label of its own
        cands.append(t)
    return min(cands, key=lambda t: (t.y0, t.x0)) if cands else None

# a title of a receipt form, which the form's serial number follows
_FORM_TITLE = re.compile(r"(?:收费|医疗|门诊|住院).*(?:票据|收据|发票)")


def _loose_serial(tokens: Sequence[Token]) -> Found | None:
    """A paper form's serial number where its `No` was not read as a mark: glued to the
    title and garbled (…收费票据N。0030781067), or lost and the digits alone right after
    the title (…收费票据 0001089408). Six to twelve digits, level with the title and close
    after it; flagged, as no mark was read."""
    titles = [t for t in tokens if _FORM_TITLE.search(t.text)]
    for title in sorted(titles, key=lambda t: t.y0):
        m = re.search(r"(?:票据|收据|发票)\s*N[oO0。.·,，]?\s*[:：.]?\s*(\d{6,12})\s*$",
                      title.text)
        if m is not None:
            return Found(m.group(1), title.score * 0.75, "mark", title)
        after = [t for t in right_of(title, tokens, max_gap=title.h * 2, min_overlap=0.5)
                 if re.fullmatch(r"\d{6,12}", re.sub(r"\s+", "", t.text))]
        if after:
            t = after[0]
            return Found(re.sub(r"\s+", "", t.text), t.score * 0.75, "mark", t)
    return None


_OTHER_PAYMENTS = ("account_paid", "cash_paid", "other_paid")


def garbled_fund_label(tokens: Sequence[Token]) -> Token | None:
    """Where the fund's label stands when it was garbled past reading (医保统金, 医保统筹,
    医保多技支: a seal or the printer's figures over 医保统筹支付) but the row says what it
    is: words that start with 医保 and are no label, first in a row whose other boxes are
    the other payments (个人账户支付, 个人现金支付). The token returned is those words,
    any amount run into them left out."""
    pieces_by_tok = [(t, split_line(t)) for t in tokens]
    others = [p.label for _, ps in pieces_by_tok for p in ps
              if p.field in _OTHER_PAYMENTS and p.label is not None]
    if not others or any(p.field == "fund_paid" for _, ps in pieces_by_tok for p in ps):
        return None
    for _, pieces in pieces_by_tok:
        lead = pieces[0]
        if lead.label is not None or lead.value is None:
            continue
        m = re.match(r"\s*医保[\u4e00-\u9fff]{1,4}(?![\u4e00-\u9fff])", lead.value.text)
        if m is None:
            continue
        row = [b for b in others if v_overlap(lead.value, b) >= 0.4]
        if row and min(b.x0 for b in row) >= lead.value.x1:
            return lead.value.slice(0, m.end())
    return None


def _garbled_fund(tokens: Sequence[Token], labels: Sequence[Token],
                  free_values: Sequence[Token], hs: float) -> Found | None:
    """The fund's amount beside its garbled label (`garbled_fund_label`): run into it, or
    the token to its right before the next label. Only an amount with its decimals is
    taken, and it is flagged (the label was not read)."""
    stem = garbled_fund_label(tokens)
    if stem is None:
        return _orphan_fund(tokens, labels, free_values)
    tok = next(t for t in tokens if t.y0 == stem.y0 and t.x0 == stem.x0 and t.text.startswith(
        stem.text))
    lead = split_line(tok)[0].value
    rest = (lead.text if lead is not None else "")[len(stem.text):]  # not the next label's
    value = _decimal_amount(rest) if rest.strip() else None
    if value is None and not rest.strip():
        stop = _barrier(stem, labels)
        for nxt in right_of(stem, free_values, max_gap=hs * 12, min_overlap=0.25):
            if nxt.x0 < stop:
                value = _decimal_amount(nxt.text)
                if value is not None:
                    break
    return None if value is None else Found(value, tok.score * 0.85, "garbled", tok)


def _orphan_fund(tokens: Sequence[Token], labels: Sequence[Token],
                 free_values: Sequence[Token]) -> Found | None:
    """An amount alone in the first box of the payments row, its 医保统筹支付 lost whole
    under a seal of the form's own red: on the row of 个人账户支付 and 个人现金支付, left
    of them, and no label before it on the row that could own it. Flagged."""
    others = [p.label for t in tokens for p in split_line(t)
              if p.field in _OTHER_PAYMENTS and p.label is not None]
    if not others or any(p.field == "fund_paid" for t in tokens for p in split_line(t)):
        return None
    first = min(others, key=lambda b: b.x0)
    cands = [t for t in free_values if t.x1 <= first.x0 and v_overlap(t, first) >= 0.25
             and _decimal_amount(t.text) is not None
             and not any(b.x1 <= t.x0 + b.h and v_overlap(t, b) >= 0.25 for b in labels)]
    if len(cands) != 1:
        return None  # none, or two figures: not for us to choose
    t = cands[0]
    return Found(_decimal_amount(t.text), t.score * 0.8, "garbled", t)


# what the seal left of a label before its colon (点：265.13 for 医保统筹基金支付：265.13)
_LABEL_TAIL = re.compile(r"^\s*[\u4e00-\u9fff]{1,2}\s*[:：]\s*")


def _amount_after_tail(text: str) -> Decimal | None:
    """The amount with its decimals in `text`, after what a seal left of its label."""
    return _decimal_amount(_LABEL_TAIL.sub("", text))


def printed_figures(tokens: Sequence[Token]) -> list[Decimal]:
    """Every amount printed with its decimals on the page, as value pieces read it (a
    label's own words and what a seal left of a label before its colon dropped)."""
    out = []
    for tok in tokens:
        for p in split_line(tok):
            if p.value is not None:
                v = _amount_after_tail(p.value.text)
                if v is not None and v > 0:
                    out.append(v)
    return out


def _decimal_amount(v: str) -> Decimal | None:
    s = clean_text(v)
    return None if s is None else parse_money(digits_fixed(s), need_decimals=True)


def extract_fields(tokens: Sequence[Token]) -> dict[str, Found]:
    """Every header field that a label points at, with the OCR score behind it.

    Values printed out of register (a dot-matrix printer on a pre-printed form) sit a few
    millimetres above or below their label's line: a value to the right only needs to
    share a quarter of its height with the label, but may not lie past the next label.
    """
    hs = median_height(tokens)
    pieces_by_tok = [(t, split_line(t)) for t in tokens]
    free_values: list[Token] = []  # value tokens that no label in their own line claimed
    labels: list[Token] = []
    for _, pieces in pieces_by_tok:
        if len(pieces) == 1 and pieces[0].field is None and pieces[0].label is None:
            free_values.append(pieces[0].value)  # type: ignore[arg-type]
        labels += [p.label for p in pieces if p.label is not None]
    found: dict[str, Found] = {}
    upper_labels: list[Token] = []
    for tok, pieces in pieces_by_tok:
        for p in pieces:
            if p.field is None or p.label is None:
                continue
            kind = FIELD_KINDS[p.field]
            parse = PARSERS[kind]
            if p.field == "total_upper":
                upper_labels.append(p.label)
            value = parse(p.value.text) if not _bare(p.value) else None  # type: ignore[union-attr]
            source = "mark" if p.label.text.lstrip().startswith("N") else "label"
            if value is None and _bare(p.value):
                # label alone at the end of its line: the value is to the right, else below;
                # a total's figure may sit at the far end of the row, in the amount column
                reach = hs * (80 if kind == "money" else 12)
                stop = _barrier(p.label, labels)
                near = [t for t in right_of(p.label, free_values, max_gap=reach, min_overlap=0.25)
                        if t.x0 < stop]
                # a value on the label's own line before one shifted up or down into it
                near.sort(key=lambda t: (abs(t.cy - p.label.cy) > p.label.h / 2, t.x0))  # type: ignore[union-attr]
                # a token beside the label must be the value and nothing else: 杭区第41 is
                # what OCR made of a seal over a name, not an amount of 41
                strict = _strict_money if kind == "money" else parse
                for nxt in near:
                    value = strict(nxt.text)
                    if value is not None:
                        source = "right"
                        break
                if value is None:
                    under = below(p.label, free_values, max_gap=hs * 1.2)
                    if under is not None:
                        value = (_strict_money if kind == "money" else parse)(under.text)
                        source = "below"
                if value is None and kind == "money":
                    under = _figure_under(p.label, free_values, labels, hs)
                    if under is not None:
                        value, source = _strict_money(under.text), "below"
            if value is None:
                continue
            score = tok.score
            if kind == "org" and p.value is not None and value != _org(p.value.text, seal=False):
                score *= 0.7  # a seal's words dropped from its front: for the person to check
            if source == "mark" and p.label.text == "N0" and isinstance(value, str):
                # N0 glued to the digits (a small No printed close to them): the 0 may be
                # the mark's o or the serial's first digit. The forms' serials have ten
                # digits, so nine left over take it back; either way it is for a person
                value = "0" + value if len(value) == 9 else value
                score *= 0.75
            prev = found.get(p.field)
            if prev is None or _RANK[source] > _RANK[prev.source]:
                found[p.field] = Found(value, score, source, tok)
    if "invoice_number" not in found:
        serial = _loose_serial(tokens)
        if serial is not None:
            found["invoice_number"] = serial
    if "fund_paid" not in found:
        fund = _garbled_fund(tokens, labels, free_values, hs)
        if fund is not None:
            found["fund_paid"] = fund
    if "total" not in found:
        # 金额合计（大写）… on the left, the figure far right on the same row, its （小写）
        # label lost under a seal or in the gap
        for lab in upper_labels:
            for nxt in right_of(lab, free_values, max_gap=hs * 80, min_overlap=0.4):
                amount = parse_money(digits_fixed(nxt.text).lstrip("¥￥"), need_decimals=True)
                if amount is not None:
                    found["total"] = Found(amount, nxt.score * 0.9, "row", nxt)
                    break
            if "total" in found:
                break
    return found


_DATE_ONLY = re.compile(r"(?:19|20)\d{2}(?:年\d{1,2}月\d{1,2}日?|[-/.]\d{1,2}[-/.]\d{1,2}|\d{4}"
                        r"|\d{1,2}月\d{1,2}日)"
                        r"(?:\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?")
# a piece of a date printed into a form's 年 月 日 boxes: a few digits, the form's characters
_DATE_PIECE = re.compile(r"[\d年月日]{1,8}")
# a run of such pieces that starts with a year (or what is left of one)
_DATEISH = re.compile(r"(?:19|20)[\d年月日 ]*")


def _date_piece(t: Token) -> bool:
    s = re.sub(r"\s+", "", t.text)
    return _DATE_PIECE.fullmatch(s) is not None and re.search(r"\d{5}", s) is None


def _run_date(run: Sequence[Token]) -> str | None:
    """The date a run of tokens spells, and nothing else: `2016年08月30日`, `2016-08-30`, or
    three separate groups of digits (`2017` `05` `03`) with the form's 年 月 日 lost."""
    text = re.sub(r"\s+", "", "".join(r.text for r in run))
    if _DATE_ONLY.fullmatch(text):
        # read with the gaps between tokens kept: a year cut short (`201` `07月` `24日`, its
        # last digit lost under the form's 年) must not borrow the month's first digit
        value = parse_date(" ".join(r.text for r in run))
        if value is not None:
            return value
    if all(re.fullmatch(r"[\d年月日\s]+", r.text) for r in run):
        digits = " ".join(g for r in run for g in re.findall(r"\d+", r.text))
        return boxed_date(digits)
    return None


@dataclass(frozen=True)
class DateRun:
    """A date printed alone in a page's header, the tokens it was read from, and what they
    spell (None: date-like pieces that spell no date, a digit lost under a form's 年)."""

    value: str | None
    tokens: tuple[Token, ...]

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (min(t.x0 for t in self.tokens), min(t.y0 for t in self.tokens),
                max(t.x1 for t in self.tokens), max(t.y1 for t in self.tokens))


def header_date_run(tokens: Sequence[Token]) -> DateRun | None:
    """The topmost run of label-less tokens in the header that reads as a date, else the
    topmost that only looks like one (digits and 年 月 日, starting with a year)."""
    if not tokens:
        return None
    free = [t for t in tokens if all(p.label is None for p in split_line(t))]
    top, bottom = min(t.y0 for t in tokens), max(t.y1 for t in tokens)
    limit = top + (bottom - top) * 0.35
    best: DateRun | None = None
    rough: DateRun | None = None
    for row in rows([t for t in free if t.cy < limit]):
        run: list[Token] = []
        for t in [*row, None]:
            if t is not None and run:
                gap = t.x0 - run[-1].x1
                # pieces of a date in a form's boxes stand further apart than words
                reach = 4.0 if _date_piece(t) and _date_piece(run[-1]) else 1.5
                if gap < run[-1].h * reach:
                    run.append(t)
                    continue
            if run:
                value = _run_date(run)
                text = " ".join(re.sub(r"\s+", "", r.text) for r in run)
                if value is not None and (best is None or run[0].y0 < best.tokens[0].y0):
                    best = DateRun(value, tuple(run))
                elif value is None and _DATEISH.fullmatch(text) and all(
                        _date_piece(r) for r in run) and re.search("[年月日]", text) and (
                        rough is None or run[0].y0 < rough.tokens[0].y0):
                    rough = DateRun(None, tuple(run))
            run = [t] if t is not None else []
    return best or rough


def header_date(tokens: Sequence[Token]) -> Found | None:
    """A date printed alone in the header, the way a form's 开票日期 is filled in.

    Pre-printed forms carry the label in red (or only 年 月 日 boxes) and the printer puts
    the date beside it; OCR then reads the date without its label, often in pieces
    (`2016` `年` `08` `月` `30` `日`). Pieces on one row are joined; the run must be a date
    and nothing else, and must lie in the top part of the page, above the items.
    """
    run = header_date_run(tokens)
    if run is None or run.value is None:
        return None
    return Found(run.value, min(r.score for r in run.tokens), "fallback", run.tokens[0])
