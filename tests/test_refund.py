"""The refund estimate, checked against worked examples computed by hand below.

The example county's policy (kiosk/audit/data/example_policy.json), 城乡居民 scheme:
deductible (起付线) 200.00 a year, annual cap (封顶线) 3000.00, rates primary 60%,
secondary 50%, tertiary 40% (the default level), 乙类 first self-pay 10%, unregistered care
(未备案) 10 percentage points less. 职工: deductible 800.00, tertiary 60%.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import Any

import pytest

from kiosk.audit import Estimate, Insured, Policy, PolicyError, UsedThisYear, audit_claim
from kiosk.audit.money import fen, parse_money
from kiosk.catalog import Catalog
from kiosk.residents import Resident, id_check_digit

D = Decimal
TODAY = date(2025, 6, 1)
_FIRST17 = "41162519500312002"
GRANDMA = Resident("王秀英", _FIRST17 + id_check_digit(_FIRST17))


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    catalog = Catalog.open(tmp_path_factory.mktemp("kiosk-home"))
    shipped = (resources.files("kiosk.catalog") / "data/builtin.csv").read_text("utf-8")
    catalog.install(
        (shipped + "drug,,注射用艾普拉唑钠,乙,支,63.00元(10mg/支),1,注射剂,,,\n").encode(),
        version="test-negotiated", filename="drugs.csv")
    return catalog


def item(name: str, amount: str, **more: str) -> dict[str, Any]:
    return {"name": name, "amount": amount, **more}


def invoice(items: list[dict[str, Any]], total: str, *, hospital: str = "上海市第六人民医院",
            number: str = "0000000001", fund_paid: str | None = None) -> dict[str, Any]:
    return {"doc_type": "outpatient_invoice", "invoice_code": "31060124",
            "invoice_number": number, "issue_date": "2025-05-10", "payer_name": "王秀英",
            "hospital": hospital, "items": items, "total": total, "fund_paid": fund_paid,
            "checks": []}


def estimate(catalog: Catalog, docs: list[dict[str, Any]], *, registered: bool = True,
             scheme: str = "resident", used: UsedThisYear | None = None) -> Estimate:
    result = audit_claim(docs, Insured(GRANDMA, scheme=scheme, registered=registered),
                         catalog, Policy.example_county(), used, today=TODAY)
    return result.estimate


FIVE_LINES = [
    item("普通门诊诊查费", "20.00"),  # 甲
    item("阿莫西林胶囊", "180.00"),  # 甲
    item("瑞舒伐他汀钙片", "300.00"),  # 乙
    item("胸部CT平扫", "400.00"),  # 乙
    item("维生素E软胶囊", "100.00"),  # 丙
]


def test_worked_example_first_claim_of_the_year(catalog: Catalog) -> None:
    # total                       1000.00
    # 丙 (维生素E)                  −100.00  self-paid in full
    # 乙 300 + 400 = 700 × 10%     −70.00   乙类 first self-pay
    # eligible                     830.00
    # deductible 200, none met    −200.00  → 630.00
    # tertiary 40%, registered     630.00 × 0.40 = 252.00
    # cap 3000, none used          252.00
    # settled at hospital: none    refund 252.00
    e = estimate(catalog, [invoice(FIVE_LINES, "1000.00")])
    assert (e.total, e.self_paid, e.class_b_self_pay, e.eligible) == \
        (D("1000.00"), D("100.00"), D("70.00"), D("830.00"))
    assert (e.deductible, e.fund_share, e.refund) == (D("200.00"), D("252.00"), D("252.00"))
    [part] = e.self_paid_parts
    assert part.reason == "class_c" and part.items == (4,)


def test_worked_example_unregistered_with_the_years_usage(catalog: Catalog) -> None:
    # eligible as above            830.00
    # deductible met 150 of 200    −50.00  → 780.00
    # tertiary 40% − 10 points     780.00 × 0.30 = 234.00
    # cap 3000, 2900 used          only 100.00 left → 100.00
    e = estimate(catalog, [invoice(FIVE_LINES, "1000.00")], registered=False,
                 used=UsedThisYear(deductible_met=D("150.00"), fund_paid=D("2900.00")))
    assert e.eligible == D("830.00")
    assert e.deductible == D("50.00")
    assert e.fund_share == D("234.00")
    assert e.fund_after_cap == D("100.00")
    assert e.refund == D("100.00")


def test_worked_example_rounding_and_hospital_settlement(catalog: Catalog) -> None:
    # community health centre: primary, 60%
    # 甲 33.33 + 乙 66.67 = 100.00
    # 乙 66.67 × 10% = 6.667 → 6.67 (half up to the fen)
    # eligible 100.00 − 6.67 = 93.33; deductible already met
    # 93.33 × 0.60 = 55.998 → 56.00
    # the fund paid 20.00 at the hospital → 56.00 − 20.00 = 36.00
    docs = [invoice([item("阿莫西林胶囊", "33.33"), item("瑞舒伐他汀钙片", "66.67")], "100.00",
                    hospital="上海市长宁区新华街道社区卫生服务中心", fund_paid="20.00")]
    e = estimate(catalog, docs, used=UsedThisYear(deductible_met=D("200.00")))
    assert e.class_b_self_pay == D("6.67")
    assert e.eligible == D("93.33")
    assert e.deductible == D("0.00")
    assert e.fund_share == D("56.00")
    assert e.settled_at_hospital == D("20.00")
    assert e.refund == D("36.00")


def test_worked_example_deductible_across_two_invoices(catalog: Catalog) -> None:
    # A: 150.00 甲 at a tertiary hospital: the deductible takes all 150 (50 left) → 0
    # B: 300.00 甲 at a county hospital (secondary, 50%): deductible takes 50 → 250 × 0.5
    #    = 125.00
    docs = [invoice([item("阿莫西林胶囊", "150.00")], "150.00", number="A1"),
            invoice([item("普通门诊诊查费", "300.00")], "300.00", number="B2",
                    hospital="苏州市吴江区某县人民医院")]
    e = estimate(catalog, docs)
    assert e.deductible == D("200.00")
    assert e.fund_share == D("125.00")
    assert e.refund == D("125.00")


def test_worked_example_employee_scheme(catalog: Catalog) -> None:
    # 职工: 1000.00 甲 − deductible 800.00 = 200.00 × 60% (tertiary) = 120.00
    e = estimate(catalog, [invoice([item("阿莫西林胶囊", "1000.00")], "1000.00")],
                 scheme="employee")
    assert e.refund == D("120.00")


def test_worked_example_price_above_the_payment_standard(catalog: Catalog) -> None:
    # 2 vials at 70.00, standard 63.00 a vial: (70 − 63) × 2 = 14.00 self-paid
    # the rest, 126.00, is 乙: 12.60 first self-pay
    # eligible 140.00 − 14.00 − 12.60 = 113.40; deductible met
    # 113.40 × 0.40 = 45.36
    line = item("注射用艾普拉唑钠", "140.00", spec="10mg", unit="支", quantity="2",
                unit_price="70.00")
    e = estimate(catalog, [invoice([line], "140.00")],
                 used=UsedThisYear(deductible_met=D("200.00")))
    assert e.self_paid == D("14.00")
    assert e.class_b_self_pay == D("12.60")
    assert e.eligible == D("113.40")
    assert e.refund == D("45.36")


def test_worked_example_category_lines_count_as_covered(catalog: Catalog) -> None:
    # 西药费 100.00 + 检查费 50.00, no details: 150.00 counted as covered
    # deductible met; 150.00 × 0.40 = 60.00
    docs = [invoice([item("西药费", "100.00"), item("检查费", "50.00")], "150.00")]
    e = estimate(catalog, docs, used=UsedThisYear(deductible_met=D("200.00")))
    assert e.eligible == D("150.00") and e.refund == D("60.00")
    assert any(s.rule == "unclassified" and s.amount == D("150.00") for s in e.steps)


def test_an_invoice_with_a_stopping_finding_is_left_out(catalog: Catalog) -> None:
    # the same invoice twice: counted once (the 252.00 of the first example)
    docs = [invoice(FIVE_LINES, "1000.00"), invoice(FIVE_LINES, "1000.00")]
    e = estimate(catalog, docs)
    assert e.total == D("1000.00") and e.refund == D("252.00")
    assert any(s.rule == "excluded" and s.document == 1 for s in e.steps)


def test_every_number_comes_with_its_rule_and_plain_words(catalog: Catalog) -> None:
    e = estimate(catalog, [invoice(FIVE_LINES, "1000.00")])
    rules = [s.rule for s in e.steps]
    assert rules[0] == "example_policy"  # the example county says so, first
    for expected in ("invoice_total", "class_c", "class_b_self_pay", "eligible",
                     "deductible", "fund_share", "annual_cap", "refund"):
        assert expected in rules
    assert all(s.text and s.words.render("en") for s in e.steps)
    fund = next(s for s in e.steps if s.rule == "fund_share")
    assert "630.00 × 40% = 252.00" in fund.text
    assert e.steps[-1].text.startswith("预计可报销252.00元")


def test_money_is_decimal_only(catalog: Catalog) -> None:
    e = estimate(catalog, [invoice(FIVE_LINES, "1000.00")])
    for name in ("total", "self_paid", "class_b_self_pay", "eligible", "deductible",
                 "fund_share", "fund_after_cap", "settled_at_hospital", "refund"):
        value = getattr(e, name)
        assert type(value) is Decimal and value == fen(value), name
    js = e.as_json()
    assert js["amount"] == "252.00" and js["policy_version"] == "example-2025.1"
    assert json.loads(json.dumps(js)) == js
    with pytest.raises(TypeError):
        UsedThisYear(fund_paid=100.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        parse_money(0.1)
    assert parse_money("1,234.5") == D("1234.50")
    assert parse_money("garbled") is None and parse_money(None) is None


EXAMPLE = json.loads((resources.files("kiosk.audit") / "data/example_policy.json")
                     .read_text("utf-8"))


def test_the_example_policy_is_marked_as_an_example() -> None:
    policy = Policy.example_county()
    assert policy.example and "示例" in policy.notice
    assert policy.class_b_self_share == D("0.10")


def test_policy_from_the_county_servers_json() -> None:
    county = {**EXAMPLE, "example": False, "claim_window_days": 180,
              "schemes": {"resident": {"name": "城乡居民", "deductible": 300,
                                       "annual_cap": "5000",
                                       "rates": {"primary": "0.7", "secondary": "0.6",
                                                 "tertiary": "0.5"}}}}
    policy = Policy.from_json(json.dumps(county, ensure_ascii=False), version="7")
    assert policy.version == "7" and not policy.example
    assert policy.claim_window_days == 180
    assert policy.scheme("resident").deductible == D("300.00")
    assert policy.scheme("resident").rates["tertiary"] == D("0.5")
    with pytest.raises(PolicyError, match="employee"):
        policy.scheme("employee")
    # a JSON number with a fraction is read exactly, never as a float
    exact = Policy.from_json(json.dumps(EXAMPLE).replace('"0.10"', "0.10"))
    assert exact.class_b_self_share == D("0.10")


@pytest.mark.parametrize(("change", "message"), [
    ({"class_b_self_share": 0.1}, "not a float"),
    ({"class_b_self_share": "1.5"}, "more than 1"),
    ({"unregistered_rate_reduction": "-0.1"}, "zero or more"),
    ({"schemes": {}}, "at least one scheme"),
    ({"schemes": {"farmer": {}}}, "only 'resident' and 'employee'"),
    ({"default_hospital_level": "quaternary"}, "default_hospital_level"),
    ({"claim_window_days": 0}, "claim_window_days"),
])
def test_bad_policies_are_refused_with_the_key(change: dict[str, Any], message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        Policy.from_dict({**EXAMPLE, **change})


def test_a_policy_that_is_not_json_is_refused() -> None:
    with pytest.raises(PolicyError, match="not JSON"):
        Policy.from_json(b"\xff\xfe not json")
