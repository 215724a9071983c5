"""Names as hospital expense lists print them: brands, makers, tags, dosage forms, 中药饮片,
and answers that are exact only when name, salt and form agree.

One test per failure shape of issue 18 (a brand before the name; a maker after the spec or
before the name; a printed form the entry lacks reported exact; herbs landing on patent
medicines; fuzzy answers that change the drug), each on names of that shape. Most run on a
small catalog written here in the official catalog's layout (generic name + form group);
the last ones check the same properties over the official catalog when ../shared has it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kiosk.audit import Insured, Policy, audit_claim
from kiosk.catalog import Catalog
from kiosk.catalog.lines import herb_names
from kiosk.catalog.normalize import form_rank, name_key
from kiosk.catalog.printed import lists, parse
from kiosk.residents import Resident, id_check_digit

OFFICIAL = (Path(__file__).resolve().parents[2] / "shared" / "data" / "catalog"
            / "nhsa-drug-catalog-2024.xlsx")

# drug lines as the national catalog lists them: a generic name and a dosage-form group
CSV = """kind,code,name,class,unit,standard,negotiated,form,category,note,aliases
drug,,非洛地平,甲,,,,口服常释剂型,,,
drug,,非洛地平,乙,,,,缓释控释剂型,,,
drug,,头孢唑林,甲,,,,注射剂,,,
drug,,头孢唑肟,乙,,,,注射剂,,,
drug,,多糖铁复合物,乙,,,,口服常释剂型,,,
drug,,克霉唑,甲,,,,阴道片,,,
drug,,氯雷他定,甲,,,,口服常释剂型,,,
drug,,氯雷他定,乙,,,,口服液体剂,,,
drug,,二甲双胍,甲,,,,口服常释剂型,,,
drug,,二甲双胍,乙,,,,缓释控释剂型,,,
drug,,硝苯地平,甲,,,,缓释控释剂型,,,硝苯地平Ⅱ
drug,,阿托伐他汀,乙,,,,口服常释剂型,,,
drug,,奥司他韦,乙,,,,口服常释剂型,,,
drug,,奥司他韦,乙,,,,颗粒剂,,,
drug,,磷酸奥司他韦干混悬剂,乙,,,,口服混悬剂,,,
patent,,夏枯草膏,乙,,,,,,,
patent,,夏枯草片(胶囊),乙,,,,,,,夏枯草胶囊
patent,,蒲公英颗粒,乙,,,,,,,
patent,,川贝枇杷膏,乙,,,,,,,
herb,,炒白术,甲,,,,,,,
herb,,炙甘草,甲,,,,,,,
""".encode()


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    c = Catalog.open(tmp_path_factory.mktemp("kiosk-home"))
    c.install(CSV, version="printed-test", filename="drugs.csv")
    return c


def _is(m_entry: object, name: str, form: str) -> bool:
    return getattr(m_entry, "name", None) == name and getattr(m_entry, "form", None) == form


# --- 1. a brand before the generic name, with or without a space ----------------------------

@pytest.mark.parametrize("printed", [
    "立普妥 阿托伐他汀钙片",  # a listed brand, a space
    "立普妥阿托伐他汀钙片",  # glued on
    "康宁乐 阿托伐他汀钙片",  # a brand the list lacks, a space
    "恒舒阿托伐他汀钙片",  # … glued on: an unknown leading word
    "阿托伐他汀钙片(立普妥)",  # and after it in brackets, as before
])
def test_a_brand_before_the_generic_name_is_set_aside(catalog: Catalog, printed: str) -> None:
    m = catalog.match(printed)
    assert m.kind == "exact", (printed, m)
    assert _is(m.entry, "阿托伐他汀", "口服常释剂型")


def test_a_brand_picks_the_form_it_prints(catalog: Catalog) -> None:
    # the leading brand set aside, the salt stripped, and the printed form chooses the line
    granules = catalog.match("可威 磷酸奥司他韦颗粒")
    assert granules.kind == "exact" and _is(granules.entry, "奥司他韦", "颗粒剂")
    capsules = catalog.match("可威磷酸奥司他韦胶囊")
    assert capsules.kind == "exact" and _is(capsules.entry, "奥司他韦", "口服常释剂型")
    release = catalog.match("拜新同 硝苯地平控释片")
    assert release.kind == "exact" and release.score == 100
    assert _is(release.entry, "硝苯地平", "缓释控释剂型")


def test_a_brand_alone_is_matched_through_the_brand_list_but_not_exact(catalog: Catalog) -> None:
    m = catalog.match("立普妥")
    assert m.entry is not None and m.entry.name == "阿托伐他汀"
    assert m.kind == "fuzzy" and "brand_only" in m.reasons


def test_a_word_that_begins_a_drug_name_is_not_dropped_as_a_brand(catalog: Catalog) -> None:
    # 多糖 is the head of 多糖铁复合物, not a brand before some 铁复合物
    m = catalog.match("复方非洛地平片")
    assert m.entry is None or m.kind != "exact"


# --- 2. a maker after the spec or before the name ------------------------------------------

@pytest.mark.parametrize(("printed", "name", "form"), [
    ("盐酸二甲双胍缓释片 0.5g*30片 华润双鹤", "二甲双胍", "缓释控释剂型"),
    ("非洛地平缓释片5mg×10片 阿斯利康制药有限公司", "非洛地平", "缓释控释剂型"),
    ("哈药集团制药总厂盐酸二甲双胍片", "二甲双胍", "口服常释剂型"),
    ("潘高寿川贝枇杷膏", "川贝枇杷膏", ""),  # a maker the list lacks, glued before
    ("北京同仁堂 川贝枇杷膏 150ml", "川贝枇杷膏", ""),
    ("【乙】硝苯地平控释片(Ⅱ)(进) 30mg*7片", "硝苯地平", "缓释控释剂型"),  # tags
])
def test_makers_specs_and_tags_anywhere_are_removed(catalog: Catalog, printed: str, name: str,
                                                    form: str) -> None:
    m = catalog.match(printed)
    assert m.kind == "exact", (printed, m)
    assert _is(m.entry, name, form)


def test_parse_says_what_it_set_aside() -> None:
    p = parse("络活喜 苯磺酸氨氯地平片 5mg*7片 辉瑞制药有限公司")
    assert p.name == "苯磺酸氨氯地平片"
    assert p.brand == "络活喜" and p.brand_generic == "氨氯地平"
    assert p.maker == "辉瑞制药有限公司"
    assert p.form == "口服常释剂型"
    tagged = parse("[甲]阿莫西林胶囊(进)")
    assert tagged.name == "阿莫西林胶囊" and set(tagged.tags) == {"甲", "进"}


def test_the_brand_list_maps_brands_to_generic_names() -> None:
    brands = lists().brands
    assert len(brands) >= 150
    # every generic is a name, not a brand of its own
    assert not set(brands.values()) & set(brands)


# --- 3. a printed form the entry does not have is never exact -----------------------------

def test_a_printed_form_among_the_forms_is_exact_and_chooses_the_class(catalog: Catalog) -> None:
    syrup = catalog.match("氯雷他定糖浆")
    assert syrup.kind == "exact" and _is(syrup.entry, "氯雷他定", "口服液体剂")
    assert syrup.entry is not None and syrup.entry.insurance_class == "乙"
    # a suspension is one of the catalog's 口服液体剂
    suspension = catalog.match("氯雷他定混悬液(开瑞坦)")
    assert suspension.kind == "exact" and _is(suspension.entry, "氯雷他定", "口服液体剂")


@pytest.mark.parametrize(("printed", "form"), [
    ("非洛地平注射液", "注射剂"),
    ("阿托伐他汀钙颗粒", "颗粒剂"),
    ("头孢唑林钠片", "口服常释剂型"),
])
def test_a_form_the_entry_lacks_is_reported_not_exact(catalog: Catalog, printed: str,
                                                     form: str) -> None:
    m = catalog.match(printed)
    assert m.entry is not None and m.kind == "fuzzy" and m.score < 100
    assert "form_differs" in m.reasons
    assert m.printed_form == form
    assert form not in catalog.forms_of(m.entry)


def test_no_printed_form_over_several_forms_is_not_exact(catalog: Catalog) -> None:
    m = catalog.match("氯雷他定")
    assert m.kind == "fuzzy" and "form_not_printed" in m.reasons
    assert {c.form for c in (m.entry, *m.candidates) if c} == {"口服常释剂型", "口服液体剂"}


# --- 4. 中药饮片 are herbs, never patent medicines -----------------------------------------

@pytest.mark.parametrize("printed", ["夏枯草", "蒲公英 15g", "夏枯草 10g", "蒲公英饮片"])
def test_a_bare_herb_name_is_never_a_patent_medicine(catalog: Catalog, printed: str) -> None:
    m = catalog.match(printed)
    assert m.line == "herb"
    assert m.entry is None
    assert "herb_not_in_drug_catalog" in m.reasons


def test_the_patent_medicine_of_a_herb_is_still_found(catalog: Catalog) -> None:
    assert catalog.match("夏枯草胶囊").entry is not None
    m = catalog.match("蒲公英颗粒")
    assert m.kind == "exact" and m.entry is not None and m.entry.name == "蒲公英颗粒"


@pytest.mark.parametrize(("printed", "listed"), [("白术", "炒白术"), ("甘草片", "炙甘草"),
                                                 ("甘草", "炙甘草")])
def test_a_raw_herb_is_not_its_processed_piece(catalog: Catalog, printed: str,
                                               listed: str) -> None:
    m = catalog.match(printed)
    assert m.line == "herb" and m.entry is None
    # the processed piece is offered, not taken
    assert listed in [c.name for c in m.candidates]


def test_a_processed_herb_the_catalog_lists_is_exact(catalog: Catalog) -> None:
    m = catalog.match("灸甘草")  # 灸/炙 misread
    assert m.kind == "exact" and m.line == "herb" and m.entry is not None
    assert m.entry.name == "炙甘草"


# --- 5. fuzzy answers that would change the drug are refused --------------------------------

def test_a_misread_glyph_between_two_drugs_is_refused(catalog: Catalog) -> None:
    m = catalog.match("注射用头孢唑材钠")  # 材 is neither 林 nor 肟
    assert m.entry is None and m.kind == "none"
    assert "ambiguous" in m.reasons
    assert {"头孢唑林", "头孢唑肟"} <= {c.name for c in m.candidates}


def test_another_element_is_another_compound(catalog: Catalog) -> None:
    m = catalog.match("多糖锌复合物胶囊")
    assert m.entry is None and "ingredient_differs" in m.reasons
    assert [c.name for c in m.candidates] == ["多糖铁复合物"]


def test_an_extra_compound_glyph_in_another_form_is_refused(catalog: Catalog) -> None:
    m = catalog.match("克霉唑素片")  # not the vaginal tablet 克霉唑
    assert m.entry is None
    assert set(m.reasons) & {"ingredient_differs", "name_and_form_differ"}


def test_an_ocr_slip_that_is_no_chemistry_is_still_offered(catalog: Catalog) -> None:
    m = catalog.match("阿托伐他汁钙片")  # 汀 misread as 汁
    assert m.kind == "fuzzy" and _is(m.entry, "阿托伐他汀", "口服常释剂型")


# --- the audit finding ---------------------------------------------------------------------

def test_every_answer_that_is_not_exact_is_an_audit_finding_with_candidates(
        catalog: Catalog) -> None:
    first17 = "41162519520315002"
    resident = Resident("王秀英", first17 + id_check_digit(first17))
    items = [{"name": n, "amount": "10.00"} for n in
             ("非洛地平注射液", "注射用头孢唑材钠", "夏枯草", "阿托伐他汀钙片")]
    doc = {"doc_type": "outpatient_invoice", "invoice_number": "00012345",
           "issue_date": "2025-03-01", "hospital": "上海市第一人民医院", "total": "40.00",
           "payer_name": "王秀英", "items": items}
    result = audit_claim([doc], Insured(resident), catalog, Policy.example_county(),
                         today=date(2025, 3, 10))
    found = {f.items: f for f in result.findings if f.code == "items_match_not_exact"}
    assert set(found) == {(0,), (1,), (2,)}  # the exact fourth line is not reported
    assert "注射剂" not in found[(0,)].message and "没有印的剂型" in found[(0,)].message
    assert "头孢唑林" in found[(1,)].message and "头孢唑肟" in found[(1,)].message
    assert "中药饮片" in found[(2,)].message
    item = result.as_json()["items"][1]
    assert item["kind"] == "none" and item["reasons"] == ["ambiguous"]
    assert len(item["candidates"]) >= 2


# --- the same properties over the official catalog -----------------------------------------

needs_official = pytest.mark.skipif(
    not OFFICIAL.is_file(),
    reason=f"the national catalog spreadsheet is not at {OFFICIAL} (../shared absent)")


@pytest.fixture(scope="module")
def official(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    if not OFFICIAL.is_file():
        pytest.skip(f"the national catalog spreadsheet is not at {OFFICIAL}")
    c = Catalog.open(tmp_path_factory.mktemp("kiosk-official"))
    c.install_file(OFFICIAL, version="nhsa-2024")
    return c


@needs_official
def test_official_no_herb_a_patent_medicine_is_named_after_matches_it(official: Catalog) -> None:
    herbs = sorted({h for e in official.entries if e.kind == "patent" for h in herb_names()
                    if e.name.startswith(h)})
    assert len(herbs) >= 30
    for h in herbs:
        for printed in (h, f"{h} 10g", f"炒{h}"):
            m = official.match(printed)
            assert m.entry is None or m.entry.kind == "herb", (printed, m.entry)


@needs_official
def test_official_every_listed_brand_before_its_generic_finds_it(official: Catalog) -> None:
    tried = 0
    for brand, generic in lists().brands.items():
        entries = [e for e in official.entries if e.kind == "drug" and e.form == "口服常释剂型"
                   and name_key(e.name).stem == name_key(generic).stem]
        if not entries:
            continue
        tried += 1
        for printed in (f"{brand} {generic}片", f"{brand}{generic}片"):
            m = official.match(printed)
            assert m.kind == "exact", (printed, m)
            assert m.entry is not None and m.entry.form == "口服常释剂型"
            assert name_key(m.entry.name).stem == name_key(generic).stem, printed
    assert tried >= 60


@needs_official
def test_official_a_form_the_drug_is_not_listed_in_is_never_exact(official: Catalog) -> None:
    words = {"口服常释剂型": "片", "注射剂": "注射液", "颗粒剂": "颗粒", "口服液体剂": "口服溶液",
             "软膏剂": "软膏", "滴眼剂": "滴眼液"}
    by_stem: dict[str, set[str]] = {}
    for e in official.entries:
        # plain generic names (no combination packs 先诺特韦片/利托那韦片组合包装)
        if e.kind == "drug" and e.name == name_key(e.name).stem:
            by_stem.setdefault(name_key(e.name).stem, set()).update(official.forms_of(e))
    checked = 0
    for stem, forms in sorted(by_stem.items())[::7]:
        for group, word in words.items():
            if group in forms or len(stem) < 3:
                continue
            m = official.match(stem + word)
            checked += 1
            assert m.kind != "exact" or (
                m.entry is not None and form_rank(group, official.forms_of(m.entry)) is not None
            ), (stem + word, m)
    assert checked > 100
