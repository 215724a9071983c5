"""Finding the generic name inside an item line as a hospital prints it.

Expense lists print far more than the generic name: a brand before or after it, with or
without a space (`络活喜 苯磺酸氨氯地平片`, `布洛芬混悬液(美林)`), the salt or ester, tags
(`(进)`, `(国)`, `【甲】`, `[乙]`, `(Ⅱ)`), strength and pack size, and the maker before the
name or after the spec (`盐酸二甲双胍片 0.25g*48片 中美上海施贵宝`). `parse` takes those apart
into a `Printed`: the name to look up, the printed dosage form and what was set aside.

The brand list (`data/brands.csv`, brand → generic name) and the maker list
(`data/makers.txt`) are written from public knowledge of the names on Chinese drug packs; a
maker not listed is still recognised by its ending (…制药, …药业, …有限公司). A brand not
listed is the matcher's business (`Catalog.match` tries dropping an unknown leading word).
Qt-free and without I/O beyond reading the two data files once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from kiosk.catalog.normalize import clean, is_form_only, split_form, strip_spec, unfolded

# Tags hospitals print in brackets or glued on: origin, class, essential-drug and
# procurement marks, variant numerals. They say nothing about which drug it is.
_TAG_RE = re.compile(
    r"^(?:进|进口|国|国产|合资|原研|仿制|甲|乙|丙|甲类|乙类|丙类|自费|自付|医保|非医保|基|基药|"
    r"国基|省基|集|集采|带量|otc|rx|处方|非处方|[ⅰ-ⅻⅠ-Ⅻ]+|[ivx]+|\d{1,2}|[a-d])$",
    re.IGNORECASE)
_LEADING_TAG_RE = re.compile(r"^(?:进口|国产|合资|原研)")
_MAKER_END_RE = re.compile(
    r"(?:制药|药业|药厂|製藥|制药厂|药品|医药|生物|集团|股份|公司|有限公司|有限责任公司|总厂|"
    r"分厂|实业|科技|制剂|工业)(?:有限公司|有限责任公司|股份有限公司|集团|总厂|厂|公司)?$")
# A maker glued in front of the name: `哈药集团制药总厂阿莫西林胶囊`.
_MAKER_PREFIX_RE = re.compile(
    r"^[\u4e00-\u9fff]{2,14}?(?:制药|药业|药厂)(?:集团|股份|有限公司|有限责任公司|"
    r"股份有限公司|总厂|厂|公司)*")
_HAN_RE = re.compile(r"[\u4e00-\u9fff]")
_SPACE_RE = re.compile(r"[\s\u3000]+")

_BRACKETS = str.maketrans({
    "【": "(", "】": ")", "〔": "(", "〕": ")", "[": "(", "]": ")", "［": "(", "］": ")",
    "{": "(", "}": ")", "〈": "(", "〉": ")", "《": "(", "》": ")", "<": "(", ">": ")",
    "（": "(", "）": ")",
})
_BRACKETED_RE = re.compile(r"\(([^()]*)\)")


@dataclass(frozen=True)
class Printed:
    """One printed item name taken apart.

    `name` is what to look the drug up by (brand, maker, tags and spec removed, salt and
    form word kept); `alternatives` are other readings worth a look-up when `name` finds
    nothing (a bracketed part that may be the generic name, the line as printed).
    `form` is the dosage-form group of the printed form word ('' when none is printed).
    """

    text: str
    name: str
    form: str = ""
    brand: str = ""
    brand_generic: str = ""  # the generic name the brand list gives for `brand`
    maker: str = ""
    tags: tuple[str, ...] = ()
    leading: str = ""  # a space-separated leading word set aside (an unknown brand?)
    alternatives: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class _Lists:
    brands: dict[str, str]  # brand (NFKC, lower) → generic name
    makers: frozenset[str]
    # the longest listed brand or maker at the start or the end of a name
    brands_start: re.Pattern[str]
    brands_end: re.Pattern[str]
    makers_start: re.Pattern[str]
    makers_end: re.Pattern[str]


def _alternation(words: list[str], start: bool) -> re.Pattern[str]:
    body = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(f"^(?:{body})" if start else f"(?:{body})$")


def _read(name: str) -> str:
    return resources.files("kiosk.catalog").joinpath(f"data/{name}").read_text("utf-8")


@lru_cache(maxsize=1)
def lists() -> _Lists:
    brands: dict[str, str] = {}
    for line in _read("brands.csv").splitlines()[1:]:
        if not line.strip() or line.startswith("#"):
            continue
        brand, _, generic = line.partition(",")
        brand = unicodedata.normalize("NFKC", brand.strip()).lower()
        if brand and generic.strip() and brand != generic.strip():
            brands[brand] = generic.strip()
    makers = sorted({unicodedata.normalize("NFKC", ln.strip()).lower()
                     for ln in _read("makers.txt").splitlines()
                     if ln.strip() and not ln.startswith("#")})
    return _Lists(brands, frozenset(makers), _alternation(list(brands), True),
                  _alternation(list(brands), False), _alternation(makers, True),
                  _alternation(makers, False))


def is_maker(text: str) -> bool:
    """A maker's name: listed, or ending like one (…制药, …药业有限公司)."""
    t = text.strip()
    if not t or not _HAN_RE.search(t):
        return False
    if t in lists().makers:
        return True
    return bool(_MAKER_END_RE.search(t)) and len(t) >= 4


def is_tag(text: str) -> bool:
    return bool(_TAG_RE.match(text.strip()))


def _is_spec(text: str) -> bool:
    t = text.strip()
    return bool(t) and not strip_spec(t).strip(" *×x/:：.,，") and bool(re.search(r"\d", t))


def _strip_known_ends(token: str) -> tuple[str, str, str, str]:
    """(rest, brand, generic, maker) with a listed brand or maker removed from either end."""
    lst = lists()
    brand = generic = maker = ""
    for found in (lst.makers_start.match(token), lst.makers_end.search(token)):
        if found and len(token) - len(found.group(0)) >= 2:
            maker = found.group(0)
            token = token[len(maker):] if found.start() == 0 else token[: found.start()]
            break
    if not maker:
        found = _MAKER_PREFIX_RE.match(token)
        if found and len(token) - found.end() >= 2:
            token, maker = token[found.end():], found.group(0)
    if token in lst.brands:
        return "", token, lst.brands[token], maker
    for found in (lst.brands_start.match(token), lst.brands_end.search(token)):
        if found and len(token) - len(found.group(0)) >= 2:
            brand = found.group(0)
            token = token[len(brand):] if found.start() == 0 else token[: found.start()]
            break
    if brand:
        generic = lst.brands[brand]
    token = _LEADING_TAG_RE.sub("", token) if len(token) > 4 else token
    return token, brand, generic, maker


def _cut_trailing_maker(token: str) -> tuple[str, str]:
    """`阿莫西林胶囊珠海联邦制药` → (`阿莫西林胶囊`, `珠海联邦制药`): a maker after the form word."""
    _, form = split_form(unfolded(token))
    if form or not (_MAKER_END_RE.search(token) or lists().makers_end.search(token)):
        return token, ""
    for i in range(2, len(token) - 1):
        head, tail = token[:i], token[i:]
        if split_form(unfolded(head))[1] and is_maker(tail):
            return head, tail
    return token, ""


def parse(text: str) -> Printed:
    """Take a printed item name apart (see the module docstring)."""
    raw = text or ""
    t = unicodedata.normalize("NFKC", raw).translate(_BRACKETS).lower().strip()
    tags: list[str] = []
    inside: list[str] = []
    brand = generic = maker = ""
    # bracketed parts: tags, specs, makers, brands (or the generic name, when outside is a brand)
    while True:
        found = _BRACKETED_RE.findall(t)
        if not found:
            break
        for part in found:
            p = part.strip()
            if not p:
                continue
            if is_tag(p):
                tags.append(p)
            elif _is_spec(p):
                pass
            elif is_maker(p):
                maker = maker or p
            else:
                inside.append(p)
        t = _BRACKETED_RE.sub("", t)
    t = t.replace("(", " ").replace(")", " ")
    # specs and pack sizes split the line: what follows a spec is maker or pack noise
    t = strip_spec_spaced(t)
    tokens = [tok for tok in _SPACE_RE.split(t) if tok]
    kept: list[str] = []
    for tok in tokens:
        if is_tag(tok) or (not _HAN_RE.search(tok) and not re.search(r"[a-z]{2,}", tok)):
            if is_tag(tok):
                tags.append(tok)
            continue
        if is_maker(tok) and len(tokens) > 1:
            maker = maker or tok
            continue
        kept.append(tok)
    leading = ""
    if len(kept) > 1:
        # The name is the token that ends in a dosage-form word; the others are a brand or
        # a maker. Without a form word anywhere, the longest reads best.
        formed = [k for k in kept if split_form(unfolded(k))[1]]
        name_tok = formed[0] if formed else max(kept, key=len)
        others = [k for k in kept if k is not name_tok]
        lst = lists()
        for o in others:
            if o in lst.brands:
                brand, generic = o, lst.brands[o]
            elif not leading:
                leading = o
    else:
        name_tok = kept[0] if kept else ""
    name_tok, cut_maker = _cut_trailing_maker(name_tok)
    maker = maker or cut_maker
    rest, b2, g2, m2 = _strip_known_ends(name_tok)
    if rest and is_form_only(rest):
        rest = name_tok  # 吗丁啉缓释片: the brand is all the name there is
    brand, generic, maker = brand or b2, generic or g2, maker or m2
    if not brand:
        for p in inside:
            if p in lists().brands:
                brand, generic = p, lists().brands[p]
                break
    alternatives = [p for p in inside if p != brand]
    if rest != name_tok:
        alternatives.append(name_tok)
    name = rest
    if not name and generic:
        name = generic
    _, form = split_form(unfolded(name)) if name else ("", "")
    if not form:
        for p in (name_tok, *inside):
            _, form = split_form(unfolded(p))
            if form:
                break
    return Printed(text=raw, name=name, form=form, brand=brand, brand_generic=generic,
                   maker=maker, tags=tuple(tags), leading=leading,
                   alternatives=tuple(dict.fromkeys(a for a in alternatives if a)))


def strip_spec_spaced(text: str) -> str:
    """`strip_spec` that leaves a space where a spec was, so it separates what it stood
    between (`片0.25g*48片中美上海施贵宝` → `片 中美上海施贵宝`)."""
    from kiosk.catalog.normalize import _SPEC_RE

    return _SPEC_RE.sub(" ", text)


def cleaned_name(printed: Printed) -> str:
    """The printed name as the catalog keys see it (width, punctuation, look-alikes)."""
    return clean(printed.name)
