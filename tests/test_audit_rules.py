"""Each audit rule firing on a claim that breaks it, and staying quiet on one that does not."""

from __future__ import annotations

import copy
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from kiosk.audit import RULES, AuditResult, Insured, Policy, audit_claim, rule_book
from kiosk.audit.insured import BadIdNumber, age_in_months, birth_date, sex
from kiosk.audit.regions import hospital_province, province_of_name
from kiosk.catalog import Catalog
from kiosk.residents import Resident, id_check_digit
from kiosk.store.invoices import invoice_key

TODAY = date(2025, 6, 1)


def id_number(region: str, born: str, seq: str) -> str:
    first17 = f"{region}{born}{seq}"
    return first17 + id_check_digit(first17)


# A woman born 1950-03-12 insured in the example county (Henan, 41); sequence 002 is even.
GRANDMA = Resident("王秀英", id_number("411625", "19500312", "002"))
GRANDPA = Resident("李建国", id_number("411625", "19480701", "013"))


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    catalog = Catalog.open(tmp_path_factory.mktemp("kiosk-home"))
    # Restrictions as the supervision libraries state them (a tiny library of our own).
    import openpyxl

    folder: Path = tmp_path_factory.mktemp("rules")
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["药品通用名", "药品说明", "限定类型", "限定对象"])
    ws.append(["小儿咳喘灵颗粒", "用于小儿咳嗽", "限定年龄对象", "儿童"])
    wb.save(folder / "drug-age.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["药品通用名", "药品说明", "限定类型", "限定对象"])
    ws.append(["非那雄胺片", "良性前列腺增生", "限定性别对象", "男"])
    wb.save(folder / "drug-sex.xlsx")
    assert catalog.import_rules(folder) == {"drug-age.xlsx": 1, "drug-sex.xlsx": 1}
    # The county's drug list: the shipped one plus a negotiated drug with a payment standard
    # (a published list replaces the drugs as a whole).
    shipped = (resources.files("kiosk.catalog") / "data/builtin.csv").read_text("utf-8")
    catalog.install(
        (shipped + "drug,,注射用艾普拉唑钠,乙,支,63.00元(10mg/支),1,注射剂,,,\n").encode(),
        version="test-negotiated", filename="drugs.csv")
    return catalog


def invoice(**changes: Any) -> dict[str, Any]:
    """A clean outpatient invoice from a Shanghai hospital, for the resident, last month."""
    doc: dict[str, Any] = {
        "doc_type": "outpatient_invoice", "invoice_code": "31060124",
        "invoice_number": "0012345678", "issue_date": "2025-05-10",
        "payer_name": "王秀英", "payer_id_number": None, "hospital": "上海市第六人民医院",
        "visit_date": "2025-05-10", "insurance_type": "自费",
        "items": [
            {"name": "普通门诊诊查费", "amount": "20.00", "quantity": "1", "unit": "次",
             "unit_price": "20.00", "insurance_class": None},
            {"name": "阿莫西林胶囊", "spec": "0.25g*24粒", "amount": "30.00",
             "quantity": "2", "unit": "盒", "unit_price": "15.00", "insurance_class": None},
        ],
        "total": "50.00", "fund_paid": "0.00", "other_paid": None, "account_paid": None,
        "cash_paid": "50.00", "checks": [],
    }
    doc.update(changes)
    return doc


def run(docs: list[dict[str, Any]], catalog: Catalog, resident: Resident = GRANDMA,
        **kwargs: Any) -> AuditResult:
    return audit_claim(docs, Insured(resident), catalog, Policy.example_county(),
                       today=TODAY, **kwargs)


def codes(result: AuditResult) -> set[str]:
    return {f.code for f in result.findings}


def test_a_clean_claim_has_no_findings(catalog: Catalog) -> None:
    result = run([invoice()], catalog)
    assert result.findings == ()
    assert not result.blocking
    assert result.catalog_version.id == "test-negotiated"


def test_every_rule_is_described_for_the_reviewer() -> None:
    book = rule_book()
    assert len(book) == len(RULES) >= 15
    assert len({r["code"] for r in book}) == len(book)
    for r in book:
        assert r["severity"] in ("error", "warning", "info")
        assert r["title"] and r["title_en"] and r["explanation"] and r["explanation_en"]


def test_no_invoice(catalog: Catalog) -> None:
    slip = invoice(doc_type="payment_slip")
    result = run([slip], catalog)
    assert {"no_invoice", "document_not_invoice"} <= codes(result)
    assert result.blocking


def test_missing_required_fields(catalog: Catalog) -> None:
    result = run([invoice(invoice_number=None, total=None)], catalog)
    [f] = [f for f in result.findings if f.code == "missing_required"]
    assert f.document == 0 and "票据号码" in f.message and "合计金额" in f.message
    # the visit date stands in for a missing issue date
    assert "missing_required" not in codes(run([invoice(issue_date=None)], catalog))


def test_payer_not_the_resident(catalog: Catalog) -> None:
    assert "payer_not_resident" in codes(run([invoice(payer_name="张三")], catalog))
    other = id_number("320102", "19800101", "011")
    assert "payer_not_resident" in codes(run([invoice(payer_id_number=other)], catalog))
    assert "payer_not_resident" not in codes(run([invoice(payer_name="王 秀英")], catalog))


def test_duplicate_invoice_on_this_kiosk_from_a_set_or_a_function(catalog: Catalog) -> None:
    doc = invoice()
    key = invoice_key(doc)
    assert key is not None
    assert "duplicate_invoice" in codes(run([doc], catalog, known_invoices={key}))
    assert "duplicate_invoice" in codes(run([doc], catalog, known_invoices=lambda k: k == key))
    assert "duplicate_invoice" not in codes(run([doc], catalog, known_invoices={"other"}))


def test_the_same_invoice_twice_in_one_claim_counts_once(catalog: Catalog) -> None:
    result = run([invoice(), invoice()], catalog)
    [f] = [f for f in result.findings if f.code == "duplicate_invoice"]
    assert f.document == 1
    assert result.estimate.total == run([invoice()], catalog).estimate.total


def test_duplicate_reported_by_the_county(catalog: Catalog) -> None:
    doc = invoice()
    key = invoice_key(doc)
    assert key is not None
    result = run([doc], catalog, county_duplicates={key})
    assert "duplicate_invoice_county" in codes(result)
    assert result.estimate.refund == 0


@pytest.mark.parametrize(("day", "fires"), [
    ("2025-05-10", False),
    ("2024-06-01", False),  # exactly 365 days before 2025-06-01
    ("2024-05-31", True),  # one day too old
    ("2025-06-02", True),  # tomorrow: misread
])
def test_claim_window(catalog: Catalog, day: str, fires: bool) -> None:
    result = run([invoice(issue_date=day, visit_date=day)], catalog)
    assert ("outside_claim_window" in codes(result)) is fires


@pytest.mark.parametrize(("code", "hospital", "fires"), [
    ("41010124", "郑州大学第一附属医院", True),  # invoice code 41: Henan, her province
    (None, "河南省人民医院", True),
    (None, "洛阳市中心医院", True),  # a Henan city
    ("31060124", "上海市第六人民医院", False),
    (None, "复旦大学附属中山医院", False),  # Shanghai by the institution
])
def test_hospital_in_the_insured_province(catalog: Catalog, code: str | None, hospital: str,
                                          fires: bool) -> None:
    result = run([invoice(invoice_code=code, hospital=hospital)], catalog)
    assert ("hospital_in_insured_province" in codes(result)) is fires


def test_the_residents_own_insured_place_wins_over_the_county(catalog: Catalog) -> None:
    moved = Resident("王秀英", GRANDMA.id_number, insurance_place="上海市浦东新区")
    assert "hospital_in_insured_province" in codes(run([invoice()], catalog, resident=moved))


def test_hospital_province_unknown(catalog: Catalog) -> None:
    result = run([invoice(invoice_code=None, hospital="仁爱医院")], catalog)
    assert "hospital_place_unknown" in codes(result)
    assert "hospital_in_insured_province" not in codes(result)


def test_totals_inconsistent_comes_from_the_recognition_checks(catalog: Catalog) -> None:
    checks = [{"code": "payments_sum_mismatch", "severity": "warning", "message": "x"},
              {"code": "low_confidence", "severity": "warning", "message": "y"}]
    [f] = [f for f in run([invoice(checks=checks)], catalog).findings
           if f.code == "totals_inconsistent"]
    assert "各项支付之和" in f.message and "大写" not in f.message


def test_class_c_and_unknown_items(catalog: Catalog) -> None:
    doc = invoice(items=[*invoice()["items"],
                         {"name": "维生素E软胶囊", "amount": "25.00"},
                         {"name": "汤臣倍健蛋白粉", "amount": "100.00"}],
                  total="175.00")
    result = run([doc], catalog)
    [c] = [f for f in result.findings if f.code == "items_self_paid"]
    assert c.items == (2,) and "25.00" in c.message
    [n] = [f for f in result.findings if f.code == "items_not_in_catalog"]
    assert n.items == (3,)


def test_a_loose_match_is_reported_for_confirmation(catalog: Catalog) -> None:
    doc = invoice(items=[{"name": "阿莫西林胶嚢", "amount": "50.00"}])
    [f] = [f for f in run([doc], catalog).findings if f.code == "items_matched_loosely"]
    assert f.items == (0,) and "阿莫西林胶囊" in f.message


def test_price_above_the_payment_standard(catalog: Catalog) -> None:
    line = {"name": "注射用艾普拉唑钠", "spec": "10mg", "unit": "支", "quantity": "2",
            "unit_price": "70.00", "amount": "140.00"}
    result = run([invoice(items=[line], total="140.00")], catalog)
    [f] = [f for f in result.findings if f.code == "price_above_standard"]
    assert f.items == (0,) and "14.00" in f.message  # (70.00 − 63.00) × 2
    at_standard = {**line, "unit_price": "63.00", "amount": "126.00"}
    assert "price_above_standard" not in codes(run([invoice(items=[at_standard],
                                                            total="126.00")], catalog))
    per_box = {**line, "unit": "盒"}  # a box price says nothing against a per-vial standard
    assert "price_above_standard" not in codes(run([invoice(items=[per_box])], catalog))


def test_age_restricted_drug_for_a_grandmother(catalog: Catalog) -> None:
    doc = invoice(items=[{"name": "小儿咳喘灵颗粒", "amount": "18.00"}], total="18.00")
    [f] = [f for f in run([doc], catalog).findings if f.code == "age_restricted"]
    assert f.items == (0,) and "儿童" in f.message
    child = Resident("王小明", id_number("411625", "20180101", "011"))
    assert "age_restricted" not in codes(run([invoice(
        items=doc["items"], total="18.00", payer_name="王小明")], catalog, resident=child))


def test_sex_restricted_drug(catalog: Catalog) -> None:
    doc = invoice(items=[{"name": "非那雄胺片", "spec": "5mg*10片", "amount": "40.00"}],
                  total="40.00")
    assert "sex_restricted" in codes(run([doc], catalog))  # she is a woman
    assert "sex_restricted" not in codes(run([invoice(**{**doc, "payer_name": "李建国"})],
                                             catalog, resident=GRANDPA))


def test_settled_at_the_hospital(catalog: Catalog) -> None:
    result = run([invoice(fund_paid="12.00", cash_paid="38.00")], catalog)
    [f] = [f for f in result.findings if f.code == "settled_at_hospital"]
    assert "12.00" in f.message
    assert "settled_at_hospital" not in codes(run([invoice(fund_paid=None)], catalog))


def test_an_expense_list_details_an_invoice_of_category_lines(catalog: Catalog) -> None:
    inv = invoice(items=[{"name": "西药费", "amount": "30.00"},
                         {"name": "诊察费", "amount": "20.00"}])
    detail = copy.deepcopy(invoice(doc_type="expense_list", invoice_code=None))
    detail["items"].append({"name": "维生素E软胶囊", "amount": "0.00"})
    result = run([inv, detail], catalog)
    # the class C item is found on the expense list (document 1), not on the invoice
    [f] = [f for f in result.findings if f.code == "items_self_paid"]
    assert f.document == 1


def test_the_result_as_json_has_no_floats_anywhere(catalog: Catalog) -> None:
    data = run([invoice(fund_paid="12.00")], catalog).as_json()

    def walk(value: object) -> None:
        assert not isinstance(value, float), value
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk({k: v for k, v in data.items() if k != "items"})  # match scores are floats
    assert data["catalog_version"] == "test-negotiated"
    assert data["refund_estimate"]["amount"] == data["refund_estimate"]["refund"]


def test_birth_date_sex_and_age_come_from_the_id_number() -> None:
    assert birth_date(GRANDMA.id_number) == date(1950, 3, 12)
    assert sex(GRANDMA.id_number) == "F" and sex(GRANDPA.id_number) == "M"
    assert age_in_months(date(1950, 3, 12), date(2025, 3, 11)) == 74 * 12 + 11
    assert age_in_months(date(1950, 3, 12), date(2025, 3, 12)) == 75 * 12
    with pytest.raises(BadIdNumber):
        birth_date("411625195003120021")  # wrong check digit
    with pytest.raises(BadIdNumber):
        birth_date(id_number("411625", "19501332", "002"))  # month 13


def test_province_detection() -> None:
    assert hospital_province("33050926", "随便什么医院") == ("33", "invoice_code")
    assert hospital_province(None, "宁波市第一医院") == ("33", "hospital_name")
    assert province_of_name("浙江西湖医院") == "33"  # not 江西: the earliest name wins
    assert hospital_province("ABC", None) == (None, "unknown")


def test_duplicate_invoice_messages_name_the_invoice_in_each_language() -> None:
    from kiosk.store.invoices import describe, invoice_key

    doc = {"doc_type": "outpatient_invoice", "invoice_code": "32037842", "invoice_number": "00012345"}
    key = invoice_key(doc)
    assert key is not None
    zh, en = describe(key).render("zh_CN"), describe(key).render("en")
    assert "32037842" in zh and "00012345" in zh and "invoice" not in zh
    assert en.startswith("invoice 32037842")
    receipt = invoice_key({"doc_type": "outpatient_invoice", "invoice_number": "7",
                           "hospital": "某某医院", "issue_date": "2024-03-05", "total": "12.50"})
    assert receipt is not None
    assert describe(receipt).render("zh_CN") == "某某医院2024-03-05的收据（号码7，金额12.50元）"
