"""Line items from the table of a receipt: header words find the columns, rows fill them.

Works for one table or several side by side (e-invoices print two half-width item tables),
columns in any order, grid or dashed rules, category lines, subtotal lines (小计, which must
not count twice) and names that wrap onto a second line.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from kiosk.recognition.layout import Token, median_height, rows
from kiosk.recognition.text import clean_text, digits_fixed, money_str, parse_money, quantity_str

HEADER_WORDS: dict[str, str] = {
    "收费项目名称": "name", "项目名称": "name", "药品名称": "name", "费用项目": "name", "收费项目": "name", "费用名称": "name",
    "项目/药品名称": "name", "药品/项目名称": "name", "医疗项目": "name", "品名": "name",
    "名称": "name", "项目": "name", "通用名": "name",
    "国家医保编码": "code", "医保编码": "code", "项目编码": "code", "药品编码": "code",
    "国家编码": "code", "编码": "code", "代码": "code",
    "规格型号": "spec", "规格": "spec",
    "计价单位": "unit", "单位": "unit",
    "数量": "qty",
    "单价": "price", "价格": "price",
    "金额": "amount", "费用": "amount",
    "医保等级": "cls", "医保类别": "cls", "甲乙类": "cls", "类别": "cls", "等级": "cls",
    "自付比例": "ratio", "比例": "ratio",
    "序号": "seq", "No": "seq", "NO": "seq",
    "备注": "remark",
}
_HEADER_RE = re.compile(
    "|".join(re.escape(w) for w in sorted(HEADER_WORDS, key=len, reverse=True))
    + r"|\(元\)|（元）"
)
STOP_WORDS = ("合计", "总计", "大写", "小写", "金额合计", "业务流水号", "医保统筹", "统筹支付",
              "个人现金", "现金支付", "其他信息", "收款单位", "医保类型")
SUBTOTAL_WORDS = ("小计", "合计", "总计", "小 计", "总金额")
_NUMERIC = ("qty", "price", "amount")
_TEXTUAL = ("name", "code", "spec", "unit", "seq")
_DECIMAL = re.compile(r"[¥￥]?-?\d+\.\d{1,4}")


@dataclass
class Column:
    kind: str
    x0: float
    x1: float
    inferred: bool = False

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Group:
    """One table: its columns left to right, and where it sits on the page."""

    columns: list[Column]
    header_y: float
    header_h: float
    left: float = 0.0
    right: float = 0.0
    bounds: list[float] = field(default_factory=list)
    # an amount column inferred from the grid, not read from a head: cells are placed by
    # their centres, since the next pair's category cells start left of its centred head
    inferred: bool = False

    def finish(self) -> None:
        cols = self.columns
        self.bounds = [(a.x1 + b.x0) / 2 for a, b in itertools.pairwise(cols)]

    def column_of(self, x: float) -> str:
        for i, b in enumerate(self.bounds):
            if x < b:
                return self.columns[i].kind
        return self.columns[-1].kind

    def column_of_token(self, t: Token) -> str:
        """The column under the token's centre, unless its content cannot belong there.

        Headers are centred over columns whose values are left- or right-aligned, so a short
        name (党参) can sit under the code header's half; content decides between neighbours.
        """
        kind = self.column_of(t.cx)
        text = t.text.strip()
        if _fits(kind, text):
            return kind
        best, best_d = kind, float("inf")
        for i, c in enumerate(self.columns):
            if not _fits(c.kind, text):
                continue
            lo = self.bounds[i - 1] if i > 0 else -float("inf")
            hi = self.bounds[i] if i < len(self.bounds) else float("inf")
            d = 0.0 if lo <= t.cx <= hi else min(abs(t.cx - lo), abs(t.cx - hi))
            if d < best_d:
                best, best_d = c.kind, d
        return best if best_d < max(t.h * 8, 1.0) else kind


_FITS = {
    "seq": re.compile(r"\d{1,4}"),
    "code": re.compile(r"[A-Za-z0-9.\-]{5,}"),
    "qty": re.compile(r"-?\d+(?:\.\d+)?"),
    "price": re.compile(r"[¥￥]?-?\d+(?:\.\d+)?"),
    "amount": re.compile(r"[¥￥]?-?\d[\d,]*\.\d{2}"),
    "cls": re.compile(r"[(（\[【]?(?:甲|乙|丙|自费|甲类|乙类|丙类|自付)[)）\]】]?"),
    "ratio": re.compile(r"\d{1,3}(?:\.\d+)?%?"),
}


def _fits(kind: str, text: str) -> bool:
    """Whether `text` has the shape of a value of column `kind`."""
    rx = _FITS.get(kind)
    if rx is not None:
        return rx.fullmatch(text) is not None
    if kind == "name":
        return re.search(r"[\u4e00-\u9fffA-Za-z]", text) is not None and not _FITS["code"].fullmatch(text)
    if kind == "unit":
        return len(text) <= 3 and not text.isdigit()
    return True


def header_cells(tok: Token) -> list[Column]:
    out: list[Column] = []
    for m in _HEADER_RE.finditer(tok.text):
        word = m.group(0)
        piece = tok.slice(m.start(), m.end())
        if word in ("(元)", "（元）"):
            if out and abs(out[-1].x1 - piece.x0) < piece.h:
                out[-1].x1 = piece.x1  # 金额(元): the unit widens the amount column
            continue
        kind = HEADER_WORDS[word]
        if out and out[-1].kind == kind and piece.x0 - out[-1].x1 < piece.h:
            out[-1].x1 = piece.x1  # one header cut in two words (收费项目 名称)
            continue
        out.append(Column(kind, piece.x0, piece.x1))
    return out


def _is_header_row(cells: Sequence[Column]) -> bool:
    kinds = {c.kind for c in cells}
    if len(cells) == 2 and kinds == {"name", "amount"}:
        # a two-column table (费用项目 … 金额 on a settlement sheet or a slip): the two
        # headers stand apart, not run together in a sentence
        a, b = sorted(cells, key=lambda c: c.x0)
        return a.kind == "name" and b.x0 - a.x1 > a.x1 - a.x0
    return "amount" in kinds and ("name" in kinds or len(kinds) >= 3) and len(cells) >= 3


def _joined_heads(row: Sequence[Token]) -> list[Token]:
    """A header word the detector cut into its characters (项  目 spaced out on a form) as one
    token again."""
    out: list[Token] = []
    for t in row:
        last = out[-1] if out else None
        if (last is not None and (last.text + t.text).replace(" ", "") in HEADER_WORDS
                and t.x0 - last.x1 < 2.5 * max(last.h, t.h)):
            out[-1] = Token(last.text + t.text, last.x0, min(last.y0, t.y0), t.x1,
                            max(last.y1, t.y1), min(last.score, t.score))
            continue
        out.append(t)
    return out


def _misread_amount_head(row: Sequence[Token], cells: Sequence[Column]) -> list[Column]:
    """金额 read with one character wrong (企额, 金颖) in a row of other column heads: the one
    head an item table cannot lack."""
    for t in row:
        word = re.sub(r"[(（]元[)）]|\s", "", t.text)
        if (len(word) == 2 and sum(a != b for a, b in zip(word, "金额", strict=True)) == 1
                and not any(c.x0 < t.cx < c.x1 for c in cells)):
            return [Column("amount", t.x0, t.x1)]
    return []


def _pair_heads(cells: list[Column]) -> list[Column] | None:
    """项目 … 金额 column pairs of a category grid where some 金额 heads were not read (under
    a form's guilloche or a seal): each 项目 head gets the 金额 head before the next 项目, or
    else an amount column spanning the gap to it. None when the row is not such a grid."""
    names = [c for c in cells if c.kind == "name"]
    if len(names) < 2 or any(c.kind not in ("name", "amount") for c in cells):
        return None
    if sum(c.kind == "amount" for c in cells) >= len(names):
        return None  # every pair has its amount head: the usual header row
    pitch = statistics.median(b.x0 - a.x0 for a, b in itertools.pairwise(names))
    out: list[Column] = []
    for i, name in enumerate(names):
        nxt = names[i + 1].x0 if i + 1 < len(names) else name.x0 + pitch
        amount = next((c for c in cells if c.kind == "amount" and name.x1 < c.x0 < nxt), None)
        h = name.x1 - name.x0
        out += [name, amount or Column("amount", name.x1 + h, nxt - h * 0.5, inferred=True)]
    return out


def _nearest_pair(t: Token, pairs: Sequence[Group]) -> Group | None:
    """The 项目/金额 pair a cell of a grid with inferred amount columns belongs to: an amount
    to the pair whose amount column is nearest, a name to the pair whose 项目 head is (its
    cells start left of the centred head, where the pair before it ends)."""
    kind = "amount" if _fits("amount", t.text.strip()) else "name"
    best, best_d = None, float("inf")
    for g in pairs:
        col = next((c for c in g.columns if c.kind == kind), None)
        if col is None:
            continue
        d = abs(t.cx - col.cx)
        if d < best_d:
            best, best_d = g, d
    return best


def find_groups(tokens: Sequence[Token]) -> list[Group]:
    """Header rows → one group per repeated run of columns."""
    groups: list[Group] = []
    for row in rows(tokens, tolerance=0.6):
        cells: list[Column] = []
        heads = _joined_heads(row)
        for t in heads:
            cells.extend(header_cells(t))
        if len(cells) >= 3 and not any(c.kind == "amount" for c in cells):
            cells += _misread_amount_head(heads, cells)
        cells.sort(key=lambda c: c.x0)
        cells = _pair_heads(cells) or cells
        if not _is_header_row(cells):
            continue
        hy = statistics.median(t.cy for t in row)
        hh = median_height(row)
        # split where a column kind repeats (two tables side by side)
        current: list[Column] = []
        parts: list[list[Column]] = []
        for c in cells:
            if any(c.kind == d.kind for d in current) and c.kind in ("name", "amount", "qty"):
                parts.append(current)
                current = []
            current.append(c)
        parts.append(current)
        inferred = any(c.inferred for c in cells)
        for p in parts:
            if any(c.kind == "amount" for c in p):
                groups.append(Group(p, hy, hh, inferred=inferred))
    for i, g in enumerate(groups):
        g.finish()
        g.left = g.columns[0].x0 - g.header_h * 3
        nxt = [h for h in groups if abs(h.header_y - g.header_y) < g.header_h and h is not g
               and h.columns[0].x0 > g.columns[0].x0]
        g.right = min((h.columns[0].x0 - h.header_h * 0.5 for h in nxt), default=float("inf"))
        del i
    return groups


_CODE = re.compile(r"[A-Za-z0-9]{6,}")
_CODE_NAME = re.compile(r"^([A-Za-z0-9]{6,})([^A-Za-z0-9\s].*)$")


def _split_token(t: Token, group: Group) -> list[Token]:
    """Cut a token that crosses columns at its spaces (and between a code and a name)."""
    parts: list[Token] = []
    text = t.text
    for m in re.finditer(r"\S+", text):
        piece = t.slice(m.start(), m.end())
        cm = _CODE_NAME.match(piece.text)
        if cm and any(c.kind == "code" for c in group.columns):
            k = len(cm.group(1))
            parts.append(piece.slice(0, k))
            parts.append(piece.slice(k, len(piece.text)))
        else:
            parts.append(piece)
    # keep multi-word names together when the words fall in one column
    merged: list[Token] = []
    for p in parts:
        if merged:
            last = merged[-1]
            same = group.column_of(last.cx) == group.column_of(p.cx) == "name"
            if same and not (_CODE.fullmatch(last.text) or _CODE.fullmatch(p.text)):
                merged[-1] = Token(last.text + p.text, last.x0, min(last.y0, p.y0), p.x1,
                                   max(last.y1, p.y1), min(last.score, p.score))
                continue
        merged.append(p)
    return merged


_CLASS_PREFIX = re.compile(r"^[\[【(（]?(甲类|乙类|丙类|自费|甲|乙|丙)[\]】)）]")
_CLASS_WORD = re.compile(r"^(甲类|乙类|丙类|自费)")


def split_class_prefix(name: str) -> tuple[str, str | None]:
    """"乙类脑心通胶囊" → ("脑心通胶囊", "乙"): e-invoices print the class before the name."""
    m = _CLASS_PREFIX.match(name) or _CLASS_WORD.match(name)
    if not m or len(name) <= m.end():
        return name, None
    return name[m.end():], _cls(m.group(1))


def _clean_name(text: str, group: Group) -> str | None:
    """The item name without a code or row number that OCR glued to its front."""
    s = text.strip()
    s = re.sub(r"^[A-Za-z0-9]{6,}(?=[^A-Za-z0-9])", "", s)
    if any(c.kind == "seq" for c in group.columns):
        s = re.sub(r"^\d{1,3}(?=[\u4e00-\u9fff])", "", s)
    s = re.sub(r"^\d+\.\d{2}(?=[\u4e00-\u9fff])", "", s)  # the neighbour cell's amount
    s = clean_text(trim_category_run(s)) or ""
    return restore_leading_one(fix_category(s)) or None


# Fee categories (the national 收费项目 groups), longest first so 中成药费 wins over 药费.
# (recognition may not import kiosk.catalog, whose CATEGORY_NAMES holds the same groups).
_FEES = tuple(sorted((
    "挂号费", "诊察费", "诊查费", "检查费", "化验费", "检验费", "治疗费", "手术费", "床位费",
    "护理费", "西药费", "中成药费", "中草药费", "中药饮片费", "草药费", "药费", "卫生材料费",
    "材料费", "医用材料费", "其他费", "放射费", "输血费", "输氧费", "麻醉费", "注射费",
    "诊疗费", "理疗费", "其他住院费"), key=len, reverse=True))
# What a pre-printed form puts beside its category cells: copy marks (二联/收据/交款),
# stray amounts and the 大写 amount's characters.
_FORM_RESIDUE = re.compile(r"[一二三四第联收据交款存根页\d.,，壹贰叁肆伍陆柒捌玖拾佰仟万元角分整零A-Za-z]*")


def _is_form_residue(text: str) -> bool:
    """A copy mark (第二联交款人 printed down the margin) or a 大写 amount, never the rest of a
    wrapped item name."""
    m = _FORM_RESIDUE.fullmatch(text)
    upper = sum(c in "壹贰叁肆伍陆柒捌玖拾佰仟万元角分整" for c in text)
    return m is not None or upper >= 3


# characters the recogniser puts for a printed 费 at the end of a category cell
_FEE_MISREADS = set("費贸资號鑽货賀资赞")


def fix_category(name: str) -> str:
    """"诊察號" → "诊察费": the fee categories are a closed list, so a cell that is one of them
    but for a misread 费 at its end is that category."""
    if len(name) >= 3 and name[-1] in _FEE_MISREADS and name[:-1] + "费" in _FEES:
        return name[:-1] + "费"
    return name


# a name cannot begin 次性 or 般诊疗/般治疗: the recogniser dropped the thin 一 in front
_LOST_ONE = re.compile(r"^(?=次性|般(?:诊疗|治疗|检查|护理))")


def restore_leading_one(name: str) -> str:
    """"次性使用输液器" → "一次性使用输液器": a 一 of one stroke at the start of a cell is often
    lost by the recogniser; 次性 and 般诊疗 cannot begin a word."""
    return _LOST_ONE.sub("一", name, count=1)


def trim_category_run(name: str) -> str:
    """"化验费治疗费" → "化验费": on forms that pre-print the fee categories in a grid, OCR
    runs a category's cell into the next pre-printed category or the copy mark beside it.
    Only a name that starts with a fee category and continues with nothing but another
    category or such residue is cut; an item name like "挂号费(普通)" stays whole."""
    for fee in _FEES:
        if not name.startswith(fee) or len(name) == len(fee):
            continue
        rest = name[len(fee):]
        m = _FORM_RESIDUE.match(rest)
        after = rest[m.end():] if m else rest
        if not after or any(after.startswith(f) for f in _FEES):
            return fee
        break
    return name


def _cls(text: str | None) -> str | None:
    if not text:
        return None
    if "自费" in text or "丙" in text:
        return "丙"
    for c in ("甲", "乙"):
        if c in text:
            return c
    return None


def _is_subtotal(cells: dict[str, list[Token]]) -> bool:
    joined = "".join(t.text for ts in cells.values() for t in ts).replace(" ", "")
    return any(w.replace(" ", "") in joined for w in SUBTOTAL_WORDS)


def _is_category(name: str) -> bool:
    return bool(re.fullmatch(r"[【\[(（].*[】\])）]", name))


@dataclass
class Item:
    name: str
    amount: Decimal
    code: str | None = None
    spec: str | None = None
    unit: str | None = None
    quantity: str | None = None
    unit_price: Decimal | None = None
    insurance_class: str | None = None
    score: float = 1.0
    y: float = 0.0
    x: float = 0.0

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "code": self.code,
            "spec": self.spec,
            "unit": self.unit,
            "quantity": self.quantity,
            "unit_price": money_str(self.unit_price),
            "amount": money_str(self.amount),
            "insurance_class": self.insurance_class,
        }


def _table_bottom(tokens: Sequence[Token], group: Group) -> float:
    """The first line under the header that ends the table (合计, 大写, payment lines)."""
    bottom = float("inf")
    for t in tokens:
        if t.cy <= group.header_y + group.header_h:
            continue
        if t.x1 < group.left or t.x0 > group.right:
            continue
        txt = t.text.replace(" ", "")
        if any(w in txt for w in STOP_WORDS) and not re.search(r"小计", txt):
            # a 合计/总计 that sits in the amount column's row is the last row, not a header
            bottom = min(bottom, t.cy - t.h * 0.3)
    return bottom


def extract_items(tokens: Sequence[Token]) -> tuple[list[Item], list[Group]]:
    groups = find_groups(tokens)
    if not groups:
        return [], []
    items: list[Item] = []
    hs = median_height(tokens)
    for g in groups:
        bottom = _table_bottom(tokens, g)
        # the next header of the same table further down (a second page of a long list)
        later = [h.header_y for h in groups if h.header_y > g.header_y + g.header_h
                 and abs(h.columns[0].x0 - g.columns[0].x0) < g.header_h * 4]
        bottom = min([bottom, *later])
        pairs = [h for h in groups if h.inferred and abs(h.header_y - g.header_y) < g.header_h]
        inside = [t for t in tokens
                  if g.header_y + g.header_h * 0.6 < t.cy < bottom
                  and (_nearest_pair(t, pairs) is g if g.inferred
                       else t.x1 > g.left and t.x0 < g.right)]
        pieces: list[Token] = []
        for t in inside:
            pieces.extend(_split_token(t, g))
        group_items: list[Item] = []
        last_bottom = -1.0
        for row in rows(pieces, tolerance=0.55):
            cells: dict[str, list[Token]] = {}
            for t in row:
                cells.setdefault(g.column_of_token(t), []).append(t)
            if _is_subtotal(cells):
                continue
            name = _clean_name("".join(t.text for t in cells.get("name", [])), g)
            amount = None
            acol = next(c for c in g.columns if c.kind == "amount")
            for t in sorted(cells.get("amount", []), key=lambda t: abs(t.x1 - acol.x1)):
                amount = parse_money(digits_fixed(t.text), need_decimals=True)
                if amount is not None:
                    break
            row_top = min(t.y0 for t in row)
            if amount is None:
                if (name and group_items and not _is_category(name)
                        and not name.endswith("费") and row_top - last_bottom < hs * 0.8
                        and group_items[-1].name not in _FEES and not _is_form_residue(name)):
                    group_items[-1].name += name  # a wrapped name
                    last_bottom = max(t.y1 for t in row)
                continue
            if not name or _is_category(name):
                continue
            name, prefixed_class = split_class_prefix(name)
            item = Item(name=name, amount=amount, y=row_top, x=g.columns[0].x0)
            item.score = min(t.score for t in row)
            code = "".join(t.text for t in cells.get("code", []))
            item.code = re.sub(r"[^0-9A-Za-z]", "", code) or None
            item.spec = clean_text(" ".join(t.text for t in cells.get("spec", [])))
            item.unit = clean_text("".join(t.text for t in cells.get("unit", [])))
            qty = cells.get("qty", [])
            item.quantity = quantity_str(digits_fixed(qty[0].text)) if qty else None
            price = cells.get("price", [])
            item.unit_price = parse_money(digits_fixed(price[0].text)) if price else None
            item.insurance_class = (_cls("".join(t.text for t in cells.get("cls", [])))
                                    or prefixed_class)
            group_items.append(item)
            last_bottom = max(t.y1 for t in row)
        items.extend(group_items)
    return printed_order(items, hs), groups


def printed_order(items: list[Item], line_height: float) -> list[Item]:
    """Top to bottom; on one row, the left table's line before the right table's."""
    out: list[Item] = []
    for it in sorted(items, key=lambda it: it.y):
        out.append(it)
        # bubble back past items of the same row that sit further right
        i = len(out) - 1
        while i > 0 and abs(out[i - 1].y - it.y) < line_height * 0.6 and out[i - 1].x > it.x:
            out[i - 1], out[i] = out[i], out[i - 1]
            i -= 1
    return out
