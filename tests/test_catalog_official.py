"""The importers on the real 2024 national drug catalog and the supervision rule libraries.

These files live in ../shared/data/catalog and may not be copied into the project; without
that folder the tests skip.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kiosk.catalog import Catalog, CatalogEntry, import_drug_catalog, import_rule_directory

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "catalog"
OFFICIAL = SHARED / "nhsa-drug-catalog-2024.xlsx"
RULES = SHARED / "rules"

pytestmark = pytest.mark.skipif(
    not OFFICIAL.is_file(),
    reason=f"the national catalog spreadsheet is not at {OFFICIAL} (../shared absent)")


@pytest.fixture(scope="module")
def entries() -> list[CatalogEntry]:
    return import_drug_catalog(OFFICIAL)


@pytest.fixture(scope="module")
def official(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    catalog = Catalog.open(tmp_path_factory.mktemp("kiosk-home"))
    catalog.install_file(OFFICIAL, version="nhsa-2024")
    catalog.import_rules(RULES)
    return catalog


def test_every_sheet_is_read_with_its_classes(entries: list[CatalogEntry]) -> None:
    by_sheet = Counter(e.section for e in entries)
    assert set(by_sheet) == {"西药部分", "中成药部分", "协议西药", "协议中成药", "竞价药品部分"}
    # The README: about 3,800 drugs, ≈770 甲 and ≈3,060 乙.
    assert 3700 <= len(entries) <= 3900
    classes = Counter(e.insurance_class for e in entries)
    assert 740 <= classes["甲"] <= 800
    assert 2950 <= classes["乙"] <= 3150
    assert set(classes) == {"甲", "乙"}


def test_rows_carry_form_category_number_and_notes(entries: list[CatalogEntry]) -> None:
    amox = [e for e in entries if e.name == "阿莫西林" and e.section == "西药部分"]
    assert {e.form for e in amox} == {"口服常释剂型", "口服液体剂", "颗粒剂"}
    assert all(e.insurance_class == "甲" and e.code.startswith("西药部分#") for e in amox)
    assert all(e.category for e in amox)
    limited = [e for e in entries if e.note.startswith("限")]
    assert len(limited) > 300


def test_negotiated_drugs_have_payment_standards_and_terms(entries: list[CatalogEntry]) -> None:
    negotiated = [e for e in entries if e.negotiated]
    assert {e.section for e in negotiated} == {"协议西药", "协议中成药", "竞价药品部分"}
    priced = [e for e in negotiated if e.standards()]
    confidential = [e for e in negotiated if e.payment_standard == "*"]  # 价格保密
    assert len(priced) > 150 and len(confidential) > 200
    assert len(negotiated) - len(priced) - len(confidential) <= 2  # `见备注…`
    assert all(e.valid for e in negotiated)
    first = next(e for e in negotiated if e.name == "注射用艾普拉唑钠")
    [standard] = first.standards()
    assert str(standard.price) == "63.00" and standard.per == "10mg/支"


def test_cells_wrapped_over_lines_are_one_name_and_variants_are_aliases(
        entries: list[CatalogEntry]) -> None:
    names = {e.name for e in entries}
    assert "精蛋白人胰岛素(精蛋白重组人胰岛素)" in names  # one name wrapped over two lines
    nifedipine = next(e for e in entries if e.name == "硝苯地平" and e.form == "缓释控释剂型")
    assert "硝苯地平Ⅱ" in nifedipine.aliases  # variants listed one per line
    assert not any("\n" in e.name for e in entries)


def test_a_form_qualifier_goes_to_the_note(entries: list[CatalogEntry]) -> None:
    aspirin = next(e for e in entries if e.name == "阿司匹林" and "分散片" in e.note)
    assert aspirin.form == "口服常释剂型"


def test_matching_against_the_official_catalog(official: Catalog) -> None:
    cases = {
        "阿莫西林胶囊 0.25g*24粒": ("阿莫西林", "口服常释剂型", "甲"),
        "阿莫西林颗粒": ("阿莫西林", "颗粒剂", "甲"),
        "盐酸二甲双胍片(格华止)": ("二甲双胍", "口服常释剂型", "甲"),
        "盐酸坦索罗辛缓释胶囊": ("坦洛新(坦索罗辛)", "缓释控释剂型", "乙"),
        "注射用头孢曲松钠": ("头孢曲松", "注射剂", "甲"),
        "六味地黄丸": ("六味地黄丸", "", "甲"),
        "六味地黄胶囊": ("六味地黄片(胶囊、颗粒、口服液)", "", "乙"),
    }
    for printed, (name, form, cls) in cases.items():
        m = official.match(printed)
        assert m.entry is not None, printed
        assert (m.entry.name, m.entry.form, m.entry.insurance_class) == (name, form, cls), printed
    # services and consumables came over from the shipped catalog
    assert official.match("血常规").kind == "exact"
    assert official.version.counts["service"] > 0


def test_the_rule_libraries_are_imported_as_age_and_sex_restrictions(official: Catalog) -> None:
    found = dict(import_rule_directory(RULES))
    assert set(found) == {"drug-age.xlsx", "drug-sex.xlsx", "service-age.xlsx",
                          "service-sex.xlsx"}
    assert len(found["drug-age.xlsx"]) > 250 and len(found["drug-sex.xlsx"]) > 450
    assert {r.rule for r in found["drug-sex.xlsx"]} == {"sex"}
    newborn = [r for r in found["service-age.xlsx"] if r.target == "新生儿"]
    assert newborn and all(r.max_age_months == 1 and len(r.code) == 15 for r in newborn)
    # an explicit age range in the note wins over the group: 限6-17岁 → 6 to under 18
    ranged = [r for r in found["drug-age.xlsx"] if "6-17岁" in r.note]
    assert ranged and ranged[0].min_age_months == 72 and ranged[0].max_age_months == 216
    [women] = official.restrictions_for("艾附暖宫丸")
    assert women.sex == "F"
    assert official.restrictions_for("阿莫西林胶囊") == []
