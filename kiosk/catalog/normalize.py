"""Turning a printed or OCR'd item name into the key the catalog is indexed by.

Receipts print the same drug in many ways: full- or half-width, with the strength and pack
size glued on (`阿莫西林胶囊0.25g*24粒`), with a brand or maker in brackets, with or without
the salt (`盐酸二甲双胍片` for the catalog's `二甲双胍`). The national catalog lists a generic
name plus a dosage-form group (`阿莫西林`, 口服常释剂型). `name_key` reduces both sides to the
same stem and keeps the dosage form as a hint for choosing between entries that share a stem.

OCR confuses a few look-alike glyphs (己/已, 0/O, 1/l); `fold_confusions` maps every member of
such a group to one representative on both sides, so a confusion costs nothing at all.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Groups of glyphs that OCR mistakes for one another. The first character is the one the
# others fold to. Pairs that are different chemistry (氯/氟, 氨/胺, 钠/钾) are deliberately not
# here: folding them would merge two real drugs. Dosage-form characters (丸, 片) are not here
# either, so that the suffix they end a name with can still be recognised.
CONFUSABLE_GROUPS: tuple[str, ...] = (
    "己已巳",
    "0oO〇○",
    "1lI|丨",
    "橼橡",
    "未末",
    "土士",
    "人入",
    "日曰",
    "戊戌戍",
    "天夭",
    "拔拨",
    "侯候",
    "炙灸",
    "苡茨",
    "酞肽",
    "崩萠",
    "栓拴",
    "搽擦",
    "钴铦",
    "瑞端",
    "酯脂",
    "碱鹼",
)

_FOLD: dict[int, str] = {}
for _group in CONFUSABLE_GROUPS:
    for _ch in _group[1:]:
        _FOLD[ord(_ch)] = _group[0]
        _FOLD[ord(_ch.lower())] = _group[0]

# Invoice category lines (收费项目 groups, not items). Compared after normalisation.
CATEGORY_NAMES: tuple[str, ...] = (
    "西药费", "中成药费", "中草药费", "中药饮片费", "草药费", "中药费", "药费", "西药",
    "中成药", "中草药", "检查费", "诊察费", "诊查费", "化验费", "检验费", "治疗费",
    "卫生材料费", "材料费", "医用材料费", "特殊材料费", "手术费", "床位费", "护理费",
    "放射费", "影像费", "其他费", "其他费用", "其他门急诊收费", "其他门诊收费", "输血费",
    "输氧费", "麻醉费", "注射费", "诊疗费", "中医治疗费", "理疗费", "B超费", "CT费",
    "心电图费", "检查治疗费", "一般诊疗费用",
)

# Printed dosage-form endings → the national catalog's dosage-form group. Longest first.
_FORM_SUFFIXES: tuple[tuple[str, str], ...] = tuple(sorted((
    ("肠溶缓释片", "缓释控释剂型"), ("肠溶缓释胶囊", "缓释控释剂型"), ("缓释胶囊", "缓释控释剂型"),
    ("缓释片", "缓释控释剂型"), ("控释片", "缓释控释剂型"), ("缓释颗粒", "缓释控释剂型"), ("控释胶囊", "缓释控释剂型"),
    ("肠溶胶囊", "口服常释剂型"), ("肠溶片", "口服常释剂型"), ("分散片", "口服常释剂型"), ("分散", "口服常释剂型"), ("控片", "缓释控释剂型"),
    ("释片", "缓释控释剂型"),
    ("薄膜衣片", "口服常释剂型"), ("糖衣片", "口服常释剂型"), ("软胶囊", "口服常释剂型"),
    ("硬胶囊", "口服常释剂型"), ("胶囊", "口服常释剂型"), ("胶丸", "口服常释剂型"),
    ("片", "口服常释剂型"), ("咀嚼片", "咀嚼片"), ("口崩片", "口腔崩解片"),
    ("口腔崩解片", "口腔崩解片"), ("泡腾片", "泡腾片"), ("含片", "口服常释剂型"),
    ("舌下片", "舌下片剂"), ("阴道片", "阴道片"), ("阴道泡腾片", "阴道泡腾片"),
    ("颗粒剂", "颗粒剂"), ("颗粒", "颗粒剂"), ("冲剂", "颗粒剂"), ("干混悬剂", "口服混悬剂"),
    ("混悬液", "口服液体剂"), ("口服混悬液", "口服液体剂"), ("混悬剂", "口服液体剂"), ("口服溶液", "口服液体剂"),
    ("口服液", "口服液体剂"), ("糖浆", "口服液体剂"), ("糖浆剂", "口服液体剂"),
    ("合剂", "口服液体剂"), ("滴剂", "口服液体剂"), ("酊", "外用液体剂"),
    ("注射液", "注射剂"), ("注射剂", "注射剂"), ("针剂", "注射剂"), ("粉针剂", "注射剂"),
    ("粉针", "注射剂"), ("输液", "注射剂"), ("大输液", "注射剂"),
    ("滴眼液", "滴眼剂"), ("滴眼剂", "滴眼剂"), ("眼药水", "滴眼剂"), ("眼膏", "眼膏剂"),
    ("眼用凝胶", "眼用凝胶剂"), ("滴耳液", "滴耳剂"), ("滴鼻液", "滴鼻剂"),
    ("鼻喷雾剂", "鼻用喷雾剂"), ("喷雾剂", "喷雾剂"), ("气雾剂", "气雾剂"),
    ("吸入气雾剂", "吸入剂"), ("吸入粉雾剂", "吸入剂"), ("粉吸入剂", "吸入剂"),
    ("吸入剂", "吸入剂"), ("吸入溶液", "吸入剂"), ("吸入用溶液", "吸入剂"),
    ("软膏", "软膏剂"), ("软膏剂", "软膏剂"), ("乳膏", "乳膏剂"), ("乳膏剂", "乳膏剂"),
    ("凝胶", "凝胶剂"), ("凝胶剂", "凝胶剂"), ("贴剂", "贴剂"), ("贴膏", "贴膏剂"),
    ("贴膏剂", "贴膏剂"), ("透皮贴", "透皮贴剂"), ("栓", "栓剂"), ("栓剂", "栓剂"),
    ("外用溶液", "外用液体剂"), ("洗剂", "外用液体剂"), ("搽剂", "外用液体剂"),
    ("散", "口服散剂"), ("散剂", "口服散剂"), ("丸", "丸剂"), ("水丸", "丸剂"),
    ("蜜丸", "丸剂"), ("浓缩丸", "丸剂"), ("滴丸", "滴丸剂"), ("水", "口服液体剂"),
    ("露", "外用液体剂"), ("膏", "膏剂"),
), key=lambda p: -len(p[0])))

# "注射用头孢曲松钠": an injectable powder names its form in front.
_FORM_PREFIXES: tuple[tuple[str, str], ...] = (
    ("注射用", "注射剂"), ("吸入用", "吸入剂"),
)

_SALT_PREFIXES: tuple[str, ...] = tuple(sorted((
    "盐酸", "硫酸", "磷酸", "马来酸", "富马酸", "枸橼酸", "酒石酸", "甲磺酸", "苯磺酸",
    "琥珀酸", "醋酸", "乳酸", "氢溴酸", "二盐酸", "甲苯磺酸", "门冬氨酸", "苯甲酸", "草酸",
    "硝酸",
), key=len, reverse=True))
_SALT_SUFFIXES = ("钠", "钾", "钙", "镁")

_BRACKETS = str.maketrans({
    "【": "(", "】": ")", "〔": "(", "〕": ")", "[": "(", "]": ")", "［": "(", "］": ")",
    "{": "(", "}": ")", "〈": "(", "〉": ")", "《": "(", "》": ")", "<": "(", ">": ")",
    "（": "(", "）": ")",
})

_UNIT = (r"(?:mg|g|kg|ml|l|μg|µg|ug|mcg|iu|u|万u|万iu|万单位|单位|毫克|克|毫升|升|%|"
         r"mmol|cm|mm|m|片|粒|袋|支|瓶|盒|丸|贴|枚|包|板|张|只|个|套|卷|根|盒装|s|ml/支)")
_SPEC_RE = re.compile(
    r"(?:(?<![a-z\d.])\d+(?:\.\d+)?\s*" + _UNIT + r"(?:\s*[:：]\s*\d+(?:\.\d+)?\s*" + _UNIT + r")?"
    r"(?:\s*[*×xX/]\s*\d*(?:\.\d+)?\s*" + _UNIT + r"?)*)"
    r"|(?:[*×xX]\s*\d+(?:\.\d+)?\s*" + _UNIT + r"?(?:\s*[*×xX/]\s*\d*\s*" + _UNIT + r"?)*)",
    re.IGNORECASE)
_CLASS_MARK_RE = re.compile(r"^(?:[甲乙丙]类|自费|★|☆|△|\*|#)+|(?:[甲乙丙]类|自费)$")
_PUNCT_RE = re.compile(r"[\s\-_—–·•.,，、。:：;；'\"“”‘’!！?？~`/\\]+")
_BRACKETED_RE = re.compile(r"\([^()]*\)")


def fold_confusions(text: str) -> str:
    """Map every glyph of a confusion group to the group's representative."""
    return text.translate(_FOLD)


_FORM_SUFFIXES_FOLDED = tuple((fold_confusions(a), b) for a, b in _FORM_SUFFIXES)
_SUFFIX_GROUP: dict[str, str] = {}
for _suffix, _group in _FORM_SUFFIXES_FOLDED:
    _SUFFIX_GROUP.setdefault(_suffix, _group)
_SUFFIX_LENGTHS = tuple(sorted({len(k) for k in _SUFFIX_GROUP}, reverse=True))
# for the noisy splits: endings by length, each with its place in the longest-first order
_SUFFIXES_BY_LENGTH: dict[int, list[str]] = {}
_SUFFIX_ORDER: dict[int, list[tuple[int, str]]] = {}
_ONE_GLYPH: dict[str, tuple[int, str]] = {}
for _i, (_suffix, _group) in enumerate(_FORM_SUFFIXES):
    if len(_suffix) == 1:
        _ONE_GLYPH.setdefault(_suffix, (_i, _group))
        continue
    _SUFFIXES_BY_LENGTH.setdefault(len(_suffix), []).append(_suffix)
    _SUFFIX_ORDER.setdefault(len(_suffix), []).append((_i, _group))
_FORM_PREFIXES_FOLDED = tuple((fold_confusions(a), b) for a, b in _FORM_PREFIXES)


def basic(text: str) -> str:
    """NFKC (full width → half width), lower case, one bracket style, no spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_BRACKETS)
    return re.sub(r"\s+", "", text).lower()


def strip_spec(text: str) -> str:
    """Remove strength and pack size (`0.25g*24粒`, `10ml:5mg`, `×2板`) wherever they sit.

    A number that is part of the name (维生素B12, 辅酶Q10) has no unit after it and stays.
    """
    return _SPEC_RE.sub("", text)


def drop_brackets(text: str) -> tuple[str, list[str]]:
    """The text without bracketed parts, and the parts (brand, alias, maker, spec)."""
    parts: list[str] = []
    while True:
        found = _BRACKETED_RE.findall(text)
        if not found:
            break
        parts.extend(p[1:-1] for p in found)
        text = _BRACKETED_RE.sub("", text)
    return text.replace("(", "").replace(")", ""), [p for p in parts if p]


@dataclass(frozen=True)
class Key:
    """A name reduced for look-up: `stem` without form and salt noise, `form` a hint or ''."""

    stem: str
    form: str
    bare: str  # the stem before salts were removed (kept for display and exact tie-breaks)


def split_form(text: str) -> tuple[str, str]:
    """(`阿莫西林`, `口服常释剂型`) from `阿莫西林胶囊`; the form group is '' when none is printed.

    Endings are compared with look-alikes folded (吸人剂 is 吸入剂), glyph for glyph.
    """
    form = ""
    folded = fold_confusions(text)
    for prefix, group in _FORM_PREFIXES_FOLDED:
        if folded.startswith(prefix) and len(text) > len(prefix) + 1:
            text, folded = text[len(prefix):], folded[len(prefix):]
            form = form or group
    for n in _SUFFIX_LENGTHS:  # longest ending first, one dictionary look-up per length
        found = _SUFFIX_GROUP.get(folded[-n:]) if len(text) > n + 1 else None
        if found is not None:
            return text[:-n], found or form
    return text, form


def fuzzy_form_splits(text: str) -> list[tuple[str, str]]:
    """(stem, form) for every dosage-form ending the text has up to one wrong glyph in.

    OCR doubles or drops glyphs of the form word too (`胶囊囊`, `注射射液`, `服溶液`, `片人`),
    and then the exact split leaves the junk on the stem. Only used when nothing matched
    exactly; the caller keeps the split whose stem scores best.
    """
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    found: list[tuple[int, int, str, str]] = []  # (suffix order, tail order, stem, group)
    for tail_len in range(1, min(len(text) - 2, _SUFFIX_LENGTHS[0] + 1) + 1):
        tail = text[-tail_len:]
        for n in (tail_len - 1, tail_len, tail_len + 1):
            if n == 1:
                if tail_len == 2 and tail[0] in _ONE_GLYPH:
                    found.append((_ONE_GLYPH[tail[0]][0], 2, text[:-2], _ONE_GLYPH[tail[0]][1]))
                continue
            choices = _SUFFIXES_BY_LENGTH.get(n)
            if not choices:
                continue
            for _, _, order in process.extract(tail, choices, scorer=Levenshtein.distance,
                                               score_cutoff=1, limit=None):
                suffix_order, group = _SUFFIX_ORDER[n][order]
                found.append((suffix_order, tail_len - n + 1, text[:-tail_len], group))
    out: dict[str, str] = {}
    for _, _, stem, group in sorted(found):
        out.setdefault(stem, group)
    return list(out.items())


def strip_salt(stem: str) -> str:
    """`盐酸二甲双胍` → `二甲双胍`, `头孢曲松钠` → `头孢曲松`, `头孢呋辛酯` → `头孢呋辛`;
    `氯化钠`, `葡萄糖酸钙` stay."""
    return _split_salt(stem)[0]


def salt_of(stem: str) -> str:
    """The salt or ester a name carries (`盐酸`, `钠`, `酯`), '' when none."""
    return _split_salt(stem)[1]


def _split_salt(stem: str) -> tuple[str, str]:
    salt = ""
    for prefix in _SALT_PREFIXES:
        if stem.startswith(prefix) and len(stem) - len(prefix) >= 2:
            stem, salt = stem[len(prefix):], prefix
            break
    if (len(stem) >= 4 and stem.endswith(_SALT_SUFFIXES)
            and stem[-2] not in "化酸"):
        stem, salt = stem[:-1], salt + stem[-1]
    elif len(stem) >= 4 and stem.endswith(_ESTER_SUFFIXES):
        stem, salt = stem[:-1], salt + "酯"
    return stem, salt


# An ester is written after the name (头孢呋辛酯, 达比加群酯); the catalog lists some drugs
# with it and some without, like a salt. 脂 is its OCR look-alike.
_ESTER_SUFFIXES = ("酯", "脂")

# Glyphs that name an element: one read for another is a different compound (葡萄糖酸锌 is
# not 葡萄糖酸钙), never an OCR slip worth a guess.
ELEMENT_GLYPHS = frozenset(
    "锂钠钾铷铯铍镁钙锶钡铝镓铟铊锗锡铅铋锑砷硒碲钛锆钒铬钼钨锰铁钴镍铜银金锌镉汞铂钯铑钌"
    "铱锇钆镧铈钇硼硅碳氮磷硫氟氯溴碘氢氧锝镭钚铀铼")
# Glyphs of chemical names whose change, or whose presence in print but not in the catalog
# name, makes another compound (胺/氨, 醇/酮, 左/右, 乳酸菌素 is not 乳酸菌).
CHEMISTRY_GLYPHS = ELEMENT_GLYPHS | frozenset("胺氨酸醇酮醛酯醚酚苯萘甲乙丙戊己庚辛左右双三四素复")


def _unfolded(text: str) -> str:
    text = basic(text)
    outside, inside = drop_brackets(text)
    # A line printed wholly in brackets (（西药费）) is its content.
    text = outside if outside.strip() else "".join(inside)
    text = strip_spec(text)
    text = _PUNCT_RE.sub("", text)
    return _CLASS_MARK_RE.sub("", text)


def clean(text: str) -> str:
    """Width, brackets, spec, class marks and punctuation removed; confusions folded."""
    return fold_confusions(_unfolded(text))


def unfolded(text: str) -> str:
    """`clean` without folding confusions (dosage-form words are read from this)."""
    return _unfolded(text)


def name_key(text: str) -> Key:
    """The look-up key of an item name as printed or OCR'd.

    The dosage form is read off before confusions are folded (吸入剂 must not become 吸人剂
    first); salts are stripped before folding for the same reason.
    """
    stem, form = split_form(_unfolded(text))
    bare = fold_confusions(stem)
    return Key(stem=strip_salt(fold_confusions(strip_salt(stem))), form=form, bare=bare)


def is_category_name(text: str) -> bool:
    """True when `text` is one of the invoice's category lines (西药费, 检查费 …) verbatim."""
    return clean(text) in _CATEGORY_KEYS


_CATEGORY_KEYS = frozenset(clean(c) for c in CATEGORY_NAMES)


def category_keys() -> frozenset[str]:
    return _CATEGORY_KEYS


# The catalog's dosage-form groups a printed form group agrees with, best first. The 2024
# catalog counts suspensions and emulsions among 口服液体剂 and lists a few narrower groups
# (口服混悬剂, 咀嚼片, 肠溶缓释片 …) beside the broad ones.
_AGREES: dict[str, tuple[str, ...]] = {
    "口服常释剂型": ("口服常释剂型", "片剂", "咀嚼片", "口腔崩解片", "泡腾片", "舌下片剂"),
    "口服液体剂": ("口服液体剂", "口服溶液剂", "口服混悬剂", "口服乳剂", "胶浆剂"),
    "口服混悬剂": ("口服混悬剂", "口服液体剂"),
    "缓释控释剂型": ("缓释控释剂型", "肠溶缓释片", "肠溶缓释胶囊", "缓控释颗粒剂",
                   "双释放肠溶胶囊"),
    "咀嚼片": ("咀嚼片", "口服常释剂型"),
    "口腔崩解片": ("口腔崩解片", "口服常释剂型"),
    "泡腾片": ("泡腾片", "口服常释剂型"),
    "舌下片剂": ("舌下片剂", "口服常释剂型"),
    "注射剂": ("注射剂", "脂质体注射剂", "微球注射剂", "缓释微球注射剂"),
    "吸入剂": ("吸入剂", "吸入用溶液剂", "吸入溶液剂", "气雾剂"),
    "气雾剂": ("气雾剂", "吸入剂"),
    "口服散剂": ("口服散剂", "散剂", "口服粉剂"),
    "外用液体剂": ("外用液体剂", "溶液剂", "醑剂"),
    "贴剂": ("贴剂", "透皮贴剂"),
    "透皮贴剂": ("透皮贴剂", "贴剂"),
    "贴膏剂": ("贴膏剂", "巴布膏剂", "凝胶贴膏剂"),
    "喷雾剂": ("喷雾剂", "鼻用喷雾剂"),
    "膏剂": ("膏剂", "软膏剂", "乳膏剂", "煎膏剂"),
}
ORAL_GROUPS = frozenset({"口服常释剂型", "口服液体剂", "口服混悬剂", "缓释控释剂型", "颗粒剂",
                         "咀嚼片", "口腔崩解片", "泡腾片", "口服散剂", "丸剂", "滴丸剂",
                         "口服溶液剂", "口服乳剂", "口服粉剂", "片剂", "散剂", "缓控释颗粒剂"})


def agreeing_forms(printed: str) -> tuple[str, ...]:
    """The catalog form groups that a printed form group agrees with, best first."""
    return _AGREES.get(printed, (printed,)) if printed else ()


def form_rank(printed: str, forms: frozenset[str]) -> int | None:
    """How well an entry's form groups fit the printed form: 0 best, None: they disagree.

    An entry without any known form, or a line without a printed form, cannot disagree.
    """
    if not printed or not forms:
        return 0
    for rank, group in enumerate(agreeing_forms(printed)):
        if group in forms:
            return rank
    return None


# Words that are only a dosage form (or the front of one): a listed "name" made of them
# alone (an alias `注射液` or `肠溶胶囊` split off a wrapped cell) names no drug.
_FORM_FRAGMENTS = frozenset({"肠溶", "缓释", "控释", "口服", "注射", "分散", "泡腾", "咀嚼",
                             "口腔崩解", "软", "硬", "薄膜衣", "糖衣", "外用", "吸入", "口服乳",
                             "干混悬", "混悬", "浓缩", "大蜜", "小蜜", "注射用", "口服乳液"})


def is_form_only(text: str) -> bool:
    """True when `text` is a dosage-form word and no drug name (`注射液`, `肠溶胶囊`)."""
    t = fold_confusions(_unfolded(text))
    if not t:
        return True
    stem, _ = split_form(t)
    return (t in _FORM_WORDS_FOLDED or stem in _FORM_FRAGMENTS
            or t in _FORM_FRAGMENTS)


_FORM_WORDS_FOLDED = frozenset(fold_confusions(a) for a, _ in _FORM_SUFFIXES)
