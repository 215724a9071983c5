"""Matching printed and OCR'd item names against the shipped catalog; pinyin search."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.catalog import Catalog, builtin_entries, is_category_name, name_key
from kiosk.catalog.normalize import CONFUSABLE_GROUPS, fold_confusions, strip_spec


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    home: Path = tmp_path_factory.mktemp("kiosk-home")
    return Catalog.open(home)


def test_the_shipped_catalog_is_large_enough_and_classified() -> None:
    entries = builtin_entries()
    assert len(entries) >= 150
    kinds = {e.kind for e in entries}
    assert {"drug", "patent", "service", "consumable"} <= kinds
    assert {e.insurance_class for e in entries} == {"甲", "乙", "丙"}
    names = [e.name for e in entries]
    assert len(names) == len(set(names)), "a name listed twice"


@pytest.mark.parametrize(("printed", "expected"), [
    ("阿莫西林胶囊0.25g*24粒", "阿莫西林"),
    ("阿莫西林胶囊 ０.２５ｇ×２４粒", "阿莫西林"),  # full width
    ("盐酸二甲双胍片(格华止)", "二甲双胍"),  # salt and brand
    ("【乙】盐酸二甲双胍片", "二甲双胍"),
    ("注射用头孢曲松钠 1.0g", "头孢曲松"),  # injectable powder, sodium salt
    ("0.9%氯化钠注射液 250ml", "氯化钠"),  # a salt that is the drug stays
    ("葡萄糖酸钙片", "葡萄糖酸钙"),
    ("维生素D3片", "维生素d3"),  # a digit that is part of the name stays
    ("甲钴胺片0.5mg*20片", "甲钴胺"),  # 甲 starting a name is not a class mark
    ("枸橡酸莫沙必利片", "莫沙必利"),  # OCR look-alike inside a salt
])
def test_name_key_removes_noise_but_keeps_the_drug(printed: str, expected: str) -> None:
    assert name_key(printed).stem == expected


def test_name_key_reads_the_dosage_form_before_folding_look_alikes() -> None:
    # 入 and 人 are confused by OCR; folding first would hide the 吸入剂 ending.
    key = name_key("沙美特罗替卡松粉吸入剂")
    assert key.form == "吸入剂"
    assert key.stem == "沙美特罗替卡松"


def test_spec_noise_is_removed_wherever_it_sits() -> None:
    assert strip_spec("10ml:5mg阿莫西林") == "阿莫西林"
    assert strip_spec("布洛芬×2板") == "布洛芬"
    assert strip_spec("辅酶q10") == "辅酶q10"


@pytest.mark.parametrize(("printed", "name"), [
    ("阿莫西林胶囊", "阿莫西林胶囊"),
    ("阿莫西林胶囊 0.25g*24粒（珠海联邦）", "阿莫西林胶囊"),
    ("阿莫西林片", "阿莫西林胶囊"),  # an alias
    ("盐酸二甲双胍片 0.5g*20片", "盐酸二甲双胍片"),
    ("盐酸二甲双胍缓释片", "盐酸二甲双胍缓释片"),  # the form tells the two apart
    ("枸橡酸莫沙必利片", "枸橼酸莫沙必利片"),  # 橡/橼
    ("尿常规", "尿液分析(尿常规)"),
    ("普通门诊诊察费", "普通门诊诊查费"),  # 察/查 printed either way
    ("一次性使用输液器", "一次性使用输液器"),
    ("炙甘草", "炙甘草"),
    ("灸甘草", "炙甘草"),  # 灸/炙 confusion
])
def test_exact_matches(catalog: Catalog, printed: str, name: str) -> None:
    m = catalog.match(printed)
    assert m.kind == "exact"
    assert m.score == 100
    assert m.entry is not None and m.entry.name == name


@pytest.mark.parametrize(("printed", "name"), [
    ("阿莫西林胶嚢", "阿莫西林胶囊"),  # 囊 misread
    ("阿莫西林胶囊囊", "阿莫西林胶囊"),  # a doubled glyph in the form word
    ("瑞舒伐他汀钙片片", "瑞舒伐他汀钙片"),
    ("硝苯地平控释", "硝苯地平控释片"),  # the form word cut off
    ("左甲状腺素纳片", "左甲状腺素钠片"),  # 钠 → 纳
    ("天门冬氨酸氨基转移酶测", "天门冬氨酸氨基转移酶测定"),  # last glyph dropped
])
def test_fuzzy_matches_report_a_score_below_100(catalog: Catalog, printed: str,
                                                name: str) -> None:
    m = catalog.match(printed)
    assert m.kind == "fuzzy"
    assert 70 <= m.score < 100
    assert m.entry is not None and m.entry.name == name


@pytest.mark.parametrize("printed", ["西药费", "检查费", "诊察费", "化验费", "治疗费",
                                     "卫生材料费", "中成药费", "中草药费", "（西药费）",
                                     "西药费 ", "检查贵", "化验赀"])
def test_category_lines_are_categories_not_drugs(catalog: Catalog, printed: str) -> None:
    m = catalog.match(printed)
    assert m.kind == "category"
    assert m.entry is None
    assert m.category.endswith("费")


def test_an_item_whose_name_ends_in_fee_is_still_an_item(catalog: Catalog) -> None:
    m = catalog.match("主任医师诊查费")
    assert m.kind == "exact" and m.entry is not None
    assert not is_category_name("主任医师诊查费")


@pytest.mark.parametrize("printed", ["汤臣倍健蛋白粉", "电动轮椅", "", "   ", "12345"])
def test_names_not_in_the_catalog_match_nothing(catalog: Catalog, printed: str) -> None:
    m = catalog.match(printed)
    assert m.kind == "none"
    assert m.entry is None


def test_a_printed_code_wins_over_the_name(tmp_path: Path) -> None:
    csv = ("kind,code,name,class\nservice,003105120040000,儿童前牙树脂冠修复,乙\n"
           "service,001102000010000,一般诊疗费,甲\n").encode()
    with Catalog.open(tmp_path) as catalog:
        catalog.install(csv, version="v-code", filename="services.csv")
        m = catalog.match("看不清的名字", code="001102000010000")
        assert m.kind == "exact" and m.entry is not None and m.entry.name == "一般诊疗费"


def test_pinyin_initials_find_amoxicillin(catalog: Catalog) -> None:
    found = catalog.search_pinyin("amxl", limit=10)
    assert found[0].name == "阿莫西林胶囊"
    assert all(e.name.startswith("阿莫西林") for e in found)


def test_pinyin_search_takes_full_pinyin_and_ignores_case_and_spaces(catalog: Catalog) -> None:
    assert catalog.search_pinyin("AMO XI")[0].name == "阿莫西林胶囊"
    assert catalog.search_pinyin("xcg")[0].name == "血常规"
    assert catalog.search_pinyin("") == []
    assert catalog.search_pinyin("zzzzzz") == []


def test_pinyin_search_respects_the_limit(catalog: Catalog) -> None:
    assert len(catalog.search_pinyin("a", limit=3)) == 3


def test_candidates_offer_the_closest_entries(catalog: Catalog) -> None:
    options = catalog.candidates("阿莫西林", limit=3)
    assert options[0].entry is not None and options[0].entry.name.startswith("阿莫西林")
    assert [m.score for m in options] == sorted((m.score for m in options), reverse=True)


# Every entry name with a look-alike glyph swapped still matches it exactly: the folding
# covers the whole confusion table, on both sides.
_SWAPPABLE = [(e.name, i, g) for e in builtin_entries() for i, ch in enumerate(e.name)
              for g in CONFUSABLE_GROUPS if ch in g]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(_SWAPPABLE) if _SWAPPABLE else st.nothing(), st.integers(0, 10))
def test_any_confusion_swap_still_matches_exactly(catalog: Catalog,
                                                  case: tuple[str, int, str],
                                                  pick: int) -> None:
    name, i, group = case
    other = [c for c in group if c != name[i]]
    noisy = name[:i] + other[pick % len(other)] + name[i + 1:]
    m = catalog.match(noisy)
    assert m.kind == "exact", noisy
    assert m.entry is not None and fold_confusions(name_key(m.entry.name).stem) == \
        name_key(name).stem


def test_the_confusion_table_has_no_overlapping_groups() -> None:
    seen: set[str] = set()
    for group in CONFUSABLE_GROUPS:
        assert not (set(group) & seen), group
        seen |= set(group)
