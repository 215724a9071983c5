"""Reading catalog sources: the official drug catalog spreadsheet, item CSVs, rule libraries.

All importers return plain entries; `Catalog.install` stores them as a new version.

The item CSV (UTF-8, with or without BOM; GB18030 is accepted too) has a header row with
these columns, in any order; only `name` and `class` are required:

| column | meaning |
|---|---|
| `kind` | `service` (诊疗项目), `consumable` (耗材), `drug` (西药), `patent` (中成药), `herb` (饮片); may be left out when the importer is told the kind |
| `code` | national code (15-digit 项目编码, consumable code) or the county's own code |
| `name` | the item's name as the catalog lists it |
| `class` | `甲`, `乙` or `丙` (`自费` is read as `丙`) |
| `unit` | 计价单位 (次, 项, 个 …) |
| `standard` | 医保支付标准 in the official text form, `12.00元(次)`; empty when none |
| `negotiated` | `1` for a negotiated (协议) item whose standard caps the price; empty or `0` otherwise |
| `form` | dosage-form group for drugs (口服常释剂型 …) |
| `category` | the group it belongs to (检验, 影像, 治疗 …) |
| `note` | 备注 / 限定支付范围 |
| `aliases` | other names it is printed under, separated by `|` |
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from kiosk.catalog.model import KINDS, CatalogEntry, Restriction
from kiosk.catalog.normalize import name_key, split_form

DRUG_SHEETS: dict[str, tuple[str, bool]] = {
    # sheet → (kind, negotiated)
    "西药部分": ("drug", False),
    "中成药部分": ("patent", False),
    "协议西药": ("drug", True),
    "协议中成药": ("patent", True),
    "竞价药品部分": ("drug", True),
}

_HEADERS = {
    "药品分类代码": "category_code",
    "药品分类": "category",
    "编号": "number",
    "药品名称": "name",
    "剂型": "form",
    "医保支付标准": "standard",
    "支付标准": "standard",
    "备注": "note",
    "协议有效期": "valid",
    "支付标准有效期": "valid",
}


class SourceError(ValueError):
    """A source that cannot be read as what it claims to be; the message says why."""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _flat(value: Any) -> str:
    """A cell with its line breaks and runs of spaces removed (the sheets wrap long text)."""
    return re.sub(r"\s+", "", _cell(value))


def _split_names(raw: str) -> tuple[str, list[str]]:
    """The listed name and its alternatives.

    A cell may hold several variants, one per line (`硝苯地平\\n硝苯地平Ⅱ`), or one long name
    wrapped over lines (`精蛋白人胰岛素(精蛋白重组人\\n胰岛素)`). Lines are variants when every
    line starts like the first and the first closes its brackets.
    """
    lines = [re.sub(r"\s+", "", line) for line in raw.splitlines() if line.strip()]
    if not lines:
        return "", []
    first = lines[0]
    balanced = first.count("(") + first.count("（") == first.count(")") + first.count("）") and \
        first.count("[") == first.count("]")
    variants = balanced and len(lines) > 1 and all(
        line[:2] == first[:2] and not line.startswith(("(", "（")) for line in lines[1:])
    if not variants:
        return "".join(lines), []
    return first, lines[1:]


_FORM_WORDS = frozenset({
    "片", "胶囊", "软胶囊", "颗粒", "丸", "合剂", "口服液", "糖浆", "滴丸", "散", "膏", "酊",
    "注射液", "注射用", "胶浆", "浓缩丸", "水丸", "蜜丸", "大蜜丸", "小蜜丸", "滴剂", "贴",
    "贴膏", "软膏", "乳膏", "凝胶", "栓", "气雾剂", "喷雾剂", "搽剂", "洗剂", "涂膜剂",
    "茶", "锭", "冻干", "露", "口服溶液", "糊剂", "丹", "液", "水", "分散片", "咀嚼片",
    "泡腾片", "缓释片", "肠溶片", "含片", "灌肠剂", "颗粒剂", "片剂", "胶囊剂",
    "肠溶胶囊", "缓释胶囊", "控释片", "口腔崩解片", "干混悬剂", "混悬液", "口服乳液",
})


def _bracket_aliases(name: str) -> list[str]:
    """Other names a listed name stands for.

    `坦洛新(坦索罗辛)` → [坦索罗辛]; a list of forms in brackets spells out the products,
    `六味地黄片(胶囊、颗粒)` → [六味地黄胶囊, 六味地黄颗粒]; `云南白药、云南白药片` lists two.
    """
    out: list[str] = []
    outside = re.sub(r"[(（\[][^()（）\[\]]*[)）\]]", "", name)
    if "、" in outside:
        out.extend(p for p in outside.split("、") if p)
    base, _ = split_form(re.split(r"[(（\[]", name, maxsplit=1)[0])
    for content in re.findall(r"[(（\[]([^()（）\[\]]+)[)）\]]", name):
        parts = [p for p in re.split(r"[、,，\s]+", content) if p]
        if parts and all(p in _FORM_WORDS for p in parts):
            out.extend(base + p for p in parts if p != "注射用")
        elif len(re.findall(r"[\u4e00-\u9fff]", content)) >= 2:
            out.append(content)
    return out


def _header_map(row: Sequence[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, value in enumerate(row):
        label = _flat(value)
        key = _HEADERS.get(label)
        if key and key not in found:
            found[key] = i
    return found


def _class_column(rows: Sequence[Sequence[Any]]) -> int:
    """The 甲/乙 column has no header in the official sheets: it is the one holding 甲 and 乙."""
    counts: Counter[int] = Counter()
    for row in rows:
        for i, value in enumerate(row):
            if _cell(value) in ("甲", "乙"):
                counts[i] += 1
    if not counts:
        raise SourceError("no column holds 甲/乙 classes")
    return counts.most_common(1)[0][0]


def read_drug_sheet(title: str, rows: Sequence[Sequence[Any]]) -> list[CatalogEntry]:
    """Entries of one sheet of the official drug catalog (header row within the first five)."""
    kind, negotiated = DRUG_SHEETS[title]
    header_at = next((i for i, row in enumerate(rows[:6]) if "name" in _header_map(row)), None)
    if header_at is None:
        raise SourceError(f"sheet {title}: no header row with 药品名称")
    cols = _header_map(rows[header_at])
    body = rows[header_at + 1:]
    class_col = _class_column(body)
    name_col = cols["name"]
    code_col = cols.get("category_code", 0)
    number_col = cols.get("number")
    out: list[CatalogEntry] = []
    category = ""

    def get(row: Sequence[Any], key: str) -> str:
        i = cols.get(key)
        return _cell(row[i]) if i is not None and i < len(row) else ""

    for row in body:
        cls = _cell(row[class_col]) if class_col < len(row) else ""
        raw_name = _cell(row[name_col]) if name_col < len(row) else ""
        if cls not in ("甲", "乙") or not raw_name:
            # A classification row: the deepest group name printed on it is the category.
            if code_col < len(row) and _cell(row[code_col]):
                names = [_cell(v) for j, v in enumerate(row) if j != code_col and _cell(v)]
                if names:
                    category = _flat(names[-1])
            continue
        name, variants = _split_names(raw_name)
        number = _flat(row[number_col]) if number_col is not None and number_col < len(row) \
            else ""
        number = re.sub(r"[★☆()（）]", "", number)
        form = re.sub(r"\s+", "", get(row, "form"))
        note = re.sub(r"\s+", "", get(row, "note"))
        qualifier = re.search(r"[(（]([^()（）]*)[)）]", form)
        if qualifier:  # 口服常释剂型(不含分散片): the group, and the exclusion as a note
            form = form[: qualifier.start()]
            note = f"{qualifier.group(1)}。{note}" if note else qualifier.group(1)
        if kind == "drug" and not form:
            form = name_key(name).form
        aliases = tuple(dict.fromkeys([*variants, *_bracket_aliases(name)]))
        out.append(CatalogEntry(
            kind=kind, code=f"{title}#{number}" if number else title, name=name,
            insurance_class=cls, form=form, category=category, section=title,
            negotiated=negotiated, payment_standard=re.sub(r"\s+", "", get(row, "standard")),
            valid=_flat(get(row, "valid")), note=note,
            aliases=aliases))
    return out


def _open_workbook(source: Path | bytes) -> Any:
    import openpyxl  # imported here: only importing a spreadsheet needs it

    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise SourceError(f"not a readable .xlsx workbook: {exc}") from None


def workbook_rows(source: Path | bytes) -> dict[str, list[tuple[Any, ...]]]:
    wb = _open_workbook(source)
    try:
        return {ws.title.strip(): list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    finally:
        wb.close()


def is_drug_catalog(sheets: dict[str, list[tuple[Any, ...]]]) -> bool:
    return any(title in DRUG_SHEETS for title in sheets)


def import_drug_catalog(source: Path | bytes) -> list[CatalogEntry]:
    """All drugs of the official national catalog spreadsheet (the sheets it has)."""
    sheets = workbook_rows(source)
    if not is_drug_catalog(sheets):
        raise SourceError("no sheet named like the national drug catalog "
                           f"({', '.join(DRUG_SHEETS)})")
    out: list[CatalogEntry] = []
    for title, rows in sheets.items():
        if title in DRUG_SHEETS:
            out.extend(read_drug_sheet(title, rows))
    return out


_CLASS_ALIASES = {"甲": "甲", "甲类": "甲", "乙": "乙", "乙类": "乙", "丙": "丙", "丙类": "丙",
                  "自费": "丙"}


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceError("the CSV is neither UTF-8 nor GB18030 text")


def import_items_csv(source: Path | bytes, kind: str | None = None) -> list[CatalogEntry]:
    """Entries of an item CSV (columns in the module docstring); `kind` fills a missing column."""
    text = _decode(source if isinstance(source, bytes) else Path(source).read_bytes())
    reader = csv.DictReader(io.StringIO(text))
    fields = {f.strip() for f in reader.fieldnames or []}
    missing = {"name", "class"} - fields
    if missing:
        raise SourceError(f"the CSV lacks the column(s) {', '.join(sorted(missing))}")
    if "kind" not in fields and kind is None:
        raise SourceError("the CSV has no `kind` column and no kind was given")
    out: list[CatalogEntry] = []
    for line_no, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        if not row.get("name"):
            continue
        item_kind = row.get("kind") or kind or ""
        if item_kind not in KINDS:
            raise SourceError(f"line {line_no}: kind {item_kind!r} is not one of "
                               f"{', '.join(KINDS)}")
        cls = _CLASS_ALIASES.get(row["class"])
        if cls is None:
            raise SourceError(f"line {line_no}: class {row['class']!r} is not 甲, 乙 or 丙")
        aliases = tuple(a.strip() for a in row.get("aliases", "").split("|") if a.strip())
        out.append(CatalogEntry(
            kind=item_kind, code=row.get("code", ""), name=row["name"], insurance_class=cls,
            form=row.get("form", ""), category=row.get("category", ""), section="csv",
            negotiated=row.get("negotiated", "") in ("1", "true", "yes", "是"),
            payment_standard=row.get("standard", ""), note=row.get("note", ""),
            unit=row.get("unit", ""), aliases=aliases))
    return out


# --- supervision rule libraries (两库) -------------------------------------------------------

_AGE_GROUPS_MONTHS = {
    # target → (min, max) months; the libraries name groups, not ages.
    "新生儿": (0, 1),  # 出生 28 天内
    "婴幼儿": (0, 36),  # 3 岁以下
    "婴儿": (0, 12),
    "儿童": (0, 18 * 12),  # 未满 18 周岁 (when the note gives an age range, that wins)
    "青少年": (0, 18 * 12),
}
_AGE_RANGE_RE = re.compile(r"(\d+)\s*(?:岁)?\s*(?:-|~|－|至|到)\s*(\d+)\s*岁")


def _age_bounds(target: str, note: str) -> tuple[int, int]:
    found = _AGE_RANGE_RE.search(note or "")
    if found:
        low, high = int(found.group(1)), int(found.group(2))
        if low <= high <= 120:
            return low * 12, (high + 1) * 12
    for group, bounds in _AGE_GROUPS_MONTHS.items():
        if group in target:
            return bounds
    return 0, 0


def read_rule_rows(rows: Sequence[Sequence[Any]], library: str = "") -> list[Restriction]:
    """Age and sex restrictions from one rule-library sheet (header in the first row).

    Other restriction types (insurance type, hospital level, frequency …) are skipped: only
    age and sex can be checked from what the kiosk knows about the resident.
    """
    if not rows:
        return []
    header = [_flat(v) for v in rows[0]]

    def col(*labels: str) -> int | None:
        return next((header.index(x) for x in labels if x in header), None)

    drug_col, service_col = col("药品通用名"), col("项目名称")
    name_col = drug_col if drug_col is not None else service_col
    type_col = col("限定类型")
    if name_col is None or type_col is None:
        return []
    subject = "drug" if drug_col is not None else "service"
    code_col = col("国标代码", "项目代码") if subject == "service" else None
    note_col = col("药品说明", "项目说明", "备注")
    target_col = col("限定对象", "限定性别")
    out: list[Restriction] = []
    for row in rows[1:]:
        def get(i: int | None, row: Sequence[Any] = row) -> str:
            return _flat(row[i]) if i is not None and i < len(row) else ""

        name, kind_text, target = get(name_col), get(type_col), get(target_col)
        if not name:
            continue
        note = get(note_col)
        if "性别" in kind_text and target in ("男", "女"):
            out.append(Restriction(subject=subject, name=name, code=get(code_col), rule="sex",
                                   target=target, sex="M" if target == "男" else "F",
                                   note=note, library=library))
        elif "年龄" in kind_text:
            low, high = _age_bounds(target, note)
            if high:
                out.append(Restriction(subject=subject, name=name, code=get(code_col),
                                       rule="age", target=target, min_age_months=low,
                                       max_age_months=high, note=note, library=library))
    return out


def import_rule_library(source: Path | bytes, library: str = "") -> list[Restriction]:
    """Age/sex restrictions of one rule-library workbook (its first sheet lists them)."""
    sheets = workbook_rows(source)
    first = next(iter(sheets.values()), [])
    return read_rule_rows(first, library)


RULE_FILES: tuple[str, ...] = ("drug-age.xlsx", "drug-sex.xlsx", "service-age.xlsx",
                               "service-sex.xlsx")


def import_rule_directory(directory: Path,
                          names: Iterable[str] = RULE_FILES) -> Iterator[tuple[str, list[Restriction]]]:
    """(library, restrictions) for each of the named files present in `directory`."""
    for name in names:
        path = Path(directory) / name
        if path.is_file():
            yield name, import_rule_library(path, name)

