"""Field, item and cross-check extraction on laid-out OCR tokens (no OCR model needed).

The layouts below are written for these tests: labels with values beside or below them,
tables in different column orders, two tables side by side, subtotal and category lines.
"""

from __future__ import annotations

from decimal import Decimal

from kiosk.recognition.layout import Token, char_width
from kiosk.recognition.pipeline import build_document
from kiosk.recognition.text import to_upper_amount

H = 30.0


def tok(text: str, x: float, y: float, score: float = 0.99) -> Token:
    width = sum(char_width(c) for c in text) * H
    return Token(text, x, y, x + width, y + H, score)


def row(y: float, *cells: tuple[float, str]) -> list[Token]:
    return [tok(text, x, y) for x, text in cells]


def invoice_tokens(total: str = "47.00", upper: str | None = None, fund: str = "16.22",
                   cash: str = "30.78") -> list[Token]:
    upper = upper or to_upper_amount(Decimal(total))
    t = [
        tok("江苏省医疗门诊收费票据(电子)", 300, 40),
        tok("票据代码：32060826", 60, 120), tok("票据号码：0001126835", 800, 120),
        tok("交款人：东方玉芳", 60, 160), tok("开票日期：2026-11-26", 800, 160),
        tok("校验码：y6guo9", 800, 200),
    ]
    # two item tables side by side
    t += row(260, (60, "项目名称"), (300, "数量"), (380, "单位"), (460, "金额(元)"),
             (700, "项目名称"), (940, "数量"), (1020, "单位"), (1100, "金额(元)"))
    t += row(300, (60, "急诊诊查费"), (310, "1"), (390, "次"), (470, "15.00"),
             (700, "炒白术"), (950, "75"), (1030, "g"), (1110, "21.00"))
    t += row(340, (60, "低密度脂蛋白胆固醇测定"), (310, "1"), (390, "项"), (470, "11.00"))
    t += [tok("金额合计(大写)", 60, 420), tok(upper, 300, 420), tok(f"(小写)¥{total}", 900, 420)]
    t += [tok("业务流水号：202510210182813", 60, 470), tok("门诊号：7894899", 600, 470),
          tok("就诊日期：20251021", 900, 470)]
    t += [tok("医疗机构类型：综合医院 医保类型：职工基本医疗保险", 60, 510)]
    t += [tok(f"医保统筹基金支付：{fund}", 60, 550), tok("其他支付：0.00", 500, 550),
          tok("个人账户支付：0.00", 750, 550), tok(f"个人现金支付：{cash}", 1000, 550)]
    t += [tok("收款单位(章)：", 60, 620), tok("泰州市人民医院", 300, 620)]
    return t


def test_invoice_fields_and_two_side_by_side_tables() -> None:
    doc = build_document(invoice_tokens(), "a.png")
    assert doc["doc_type"] == "outpatient_invoice"
    assert doc["invoice_code"] == "32060826"
    assert doc["invoice_number"] == "0001126835"
    assert doc["check_code"] == "y6guo9"
    assert doc["issue_date"] == "2026-11-26"
    assert doc["visit_date"] == "2025-10-21"
    assert doc["payer_name"] == "东方玉芳"
    assert doc["hospital"] == "泰州市人民医院"
    assert doc["insurance_type"] == "职工基本医疗保险"
    assert doc["outpatient_no"] == "7894899"
    assert doc["serial_no"] == "202510210182813"
    assert (doc["total"], doc["total_upper"]) == ("47.00", "肆拾柒元整")
    assert (doc["fund_paid"], doc["other_paid"], doc["cash_paid"]) == ("16.22", "0.00", "30.78")
    # printed order: row by row, the left table's line before the right table's
    assert [(i["name"], i["amount"], i["quantity"], i["unit"]) for i in doc["items"]] == [
        ("急诊诊查费", "15.00", "1", "次"),
        ("炒白术", "21.00", "75", "g"),
        ("低密度脂蛋白胆固醇测定", "11.00", "1", "项"),
    ]
    assert not [c for c in doc["checks"] if c["severity"] == "error"]
    assert doc["confidence"]["total"] >= 0.8
    # every non-null scalar has a confidence, and only those
    scalars = {k for k, v in doc.items() if isinstance(v, str) and k not in ("image", "doc_type")}
    assert set(doc["confidence"]) == scalars


def test_misread_total_digit_is_repaired_when_two_sources_agree() -> None:
    tokens = invoice_tokens()
    tokens = [Token(t.text.replace("¥47.00", "¥41.00"), t.x0, t.y0, t.x1, t.y1, t.score)
              for t in tokens]
    doc = build_document(tokens, "a.png")
    assert doc["total"] == "47.00"
    assert "total_corrected" in {c["code"] for c in doc["checks"]}


def test_total_that_nothing_corroborates_is_flagged() -> None:
    # no 大写 and no payment lines: the item sum alone may not overrule the printed total
    tokens = [t for t in invoice_tokens()
              if "大写" not in t.text and "肆拾" not in t.text and "支付" not in t.text]
    tokens = [Token(t.text.replace("¥47.00", "¥41.00"), t.x0, t.y0, t.x1, t.y1, t.score)
              for t in tokens]
    doc = build_document(tokens, "a.png")
    assert doc["total"] == "41.00"
    codes = {c["code"]: c["severity"] for c in doc["checks"]}
    assert codes.get("items_sum_mismatch") == "error"
    assert doc["confidence"]["total"] < 0.8


def test_upper_and_lower_disagree_is_an_error() -> None:
    doc = build_document(invoice_tokens(upper="肆拾捌元整"), "a.png")
    codes = {c["code"]: c["severity"] for c in doc["checks"]}
    assert codes["total_upper_mismatch"] == "error"


def test_payments_not_adding_up_are_reported() -> None:
    doc = build_document(invoice_tokens(cash="31.78"), "a.png")
    assert "payments_sum_mismatch" in {c["code"] for c in doc["checks"]}


def expense_list_tokens() -> list[Token]:
    t = [tok("盐城市第一人民医院", 400, 20), tok("门诊费用明细清单", 420, 60),
         tok("姓名：陶燕思", 60, 120), tok("性别：女", 300, 120), tok("门诊号：751419624", 600, 120),
         tok("就诊日期：2026-11-16科室：泌尿外科医保类型：自费", 60, 160)]
    # columns in another order: code first, class and ratio last
    t += row(220, (40, "No"), (90, "国家医保编码"), (420, "名称"), (700, "规格"), (830, "单位"),
             (900, "数量"), (980, "单价"), (1090, "金额"), (1180, "医保等级"))
    t += row(260, (440, "【诊察费】"))
    t += row(300, (40, "1"), (90, "001102000010000"), (420, "普通门诊诊查费"), (840, "次"),
             (905, "1.00"), (980, "19.0000"), (1095, "19.00"), (1200, "甲"))
    t += row(340, (980, "小计："), (1095, "19.00"))
    t += row(380, (440, "【西药费】"))
    t += row(420, (40, "2"), (90, "XH03AAG625A481210058756"), (420, "左甲状腺素钠片"),
             (700, "50μg*100片"), (840, "盒"), (905, "2.00"), (980, "21.8500"), (1095, "43.70"),
             (1200, "甲"))
    t += row(460, (40, "3"), (90, "XM01AEJ389A231005756560"), (420, "布洛芬缓释胶囊"),
             (700, "0.3g*20粒"), (840, "盒"), (905, "2.00"), (980, "19.0900"), (1095, "38.18"),
             (1200, "自费"))
    t += row(500, (980, "小计："), (1095, "81.88"))
    t += row(540, (60, "总计"), (1095, "100.88"))
    t += [tok("合计(大写)：壹佰元捌角捌分", 60, 600), tok("小写：100.88", 800, 600)]
    t += [tok("医保统筹支付：0.00", 60, 640), tok("个人账户支付：0.00", 400, 640),
          tok("个人现金支付：100.88", 700, 640)]
    return t


def test_expense_list_skips_category_and_subtotal_lines() -> None:
    doc = build_document(expense_list_tokens(), "b.png")
    assert doc["doc_type"] == "expense_list"
    assert doc["payer_name"] == "陶燕思"
    assert doc["hospital"] == "盐城市第一人民医院"
    assert doc["visit_date"] == "2026-11-16"
    assert doc["insurance_type"] == "自费"
    assert doc["total"] == "100.88"
    names = [(i["name"], i["amount"], i["code"], i["spec"], i["unit_price"], i["insurance_class"])
             for i in doc["items"]]
    assert names == [
        ("普通门诊诊查费", "19.00", "001102000010000", None, "19.00", "甲"),
        ("左甲状腺素钠片", "43.70", "XH03AAG625A481210058756", "50μg*100片", "21.85", "甲"),
        ("布洛芬缓释胶囊", "38.18", "XM01AEJ389A231005756560", "0.3g*20粒", "19.09", "丙"),
    ]
    assert "items_sum_mismatch" not in {c["code"] for c in doc["checks"]}


def test_not_a_receipt_invents_nothing() -> None:
    tokens = [tok("出院小结", 400, 20), tok("姓名：张三", 60, 100), tok("入院日期：2026-01-02", 60, 140),
              tok("合计：123.00", 60, 180)]
    doc = build_document(tokens, "c.png")
    assert doc["doc_type"] == "unknown"
    assert doc["items"] == []
    assert all(doc[k] is None for k in ("payer_name", "total", "hospital", "issue_date"))


def test_misread_labels_still_find_their_values() -> None:
    tokens = invoice_tokens()
    tokens = [Token(t.text.replace("收款单位", "文款单位").replace("医保统筹基金支付", "医保统筹基金支忖"),
                    t.x0, t.y0, t.x1, t.y1, t.score) for t in tokens]
    doc = build_document(tokens, "a.png")
    assert doc["hospital"] == "泰州市人民医院"
    assert doc["fund_paid"] == "16.22"


def _retext(tokens: list[Token], old: str, new: str) -> list[Token]:
    return [Token(t.text.replace(old, new), t.x0, t.y0, t.x1, t.y1, t.score) for t in tokens]


def test_a_total_cut_short_is_outvoted_by_the_upper_amount_and_the_items() -> None:
    # 小写 lost its last digits under a fold (4.00 for 47.00): not one digit apart, but the
    # 大写, the items and the payments all say 47.00
    doc = build_document(_retext(invoice_tokens(), "¥47.00", "¥4.00"), "a.png")
    assert doc["total"] == "47.00"
    assert "total_corrected" in {c["code"] for c in doc["checks"]}
    assert not [c for c in doc["checks"] if c["severity"] == "error"]


def test_a_garbled_upper_amount_still_confirms_the_items() -> None:
    # 柒 read as 查, and the 小写 figure and the payments lost: the readable characters of
    # 肆拾查元整 spell 47 with the items' sum and nothing else
    tokens = [t for t in invoice_tokens() if "支付" not in t.text]
    tokens = _retext(_retext(tokens, "肆拾柒元整", "肆拾查元整"), "(小写)¥47.00", "(小写)")
    doc = build_document(tokens, "a.png")
    assert doc["total"] == "47.00"
    assert doc["total_upper"] == "肆拾柒元整"
    codes = {c["code"] for c in doc["checks"]}
    assert {"total_upper_corrected", "total_recovered"} <= codes
    # the 大写 vouches only for the characters it shows, 柒 not among them: offered, flagged
    assert doc["confidence"]["total"] < 0.8
    # with the payments as a second whole source the total is sure
    paid = _retext(_retext(invoice_tokens(), "肆拾柒元整", "肆拾查元整"), "(小写)¥47.00", "(小写)")
    doc = build_document(paid, "a.png")
    assert doc["total"] == "47.00"
    assert doc["confidence"]["total"] >= 0.8


def test_a_garbled_upper_amount_that_could_be_another_figure_confirms_nothing() -> None:
    from kiosk.recognition.checks import upper_reads_as
    assert upper_reads_as("大写：玖佰叁拾查元伍角删分", Decimal("931.58"))
    # a readable digit that differs, a 大写 digit before the run, too much garbled
    assert not upper_reads_as("大写：玖佰叁拾查元伍角删分", Decimal("941.58"))
    assert not upper_reads_as("壹仟玖佰叁拾查元伍角删分", Decimal("931.58"))
    assert not upper_reads_as("大写：查佰叁拾查元伍角删分", Decimal("931.58"))
    # a clean reading is a parse, not a fuzzy match
    assert not upper_reads_as("玖佰叁拾壹元伍角捌分", Decimal("931.58"))


def test_a_payment_that_lost_its_decimals_is_completed_from_the_balance() -> None:
    doc = build_document(invoice_tokens(cash="30"), "a.png")
    assert doc["cash_paid"] == "30.78"
    assert "payment_corrected" in {c["code"] for c in doc["checks"]}
    assert "payments_sum_mismatch" not in {c["code"] for c in doc["checks"]}


def test_a_payment_whose_figure_is_lost_is_offered_as_the_balance_and_flagged() -> None:
    doc = build_document(invoice_tokens(cash=""), "a.png")
    assert doc["cash_paid"] == "30.78"
    assert doc["confidence"]["cash_paid"] < 0.8
    assert "payment_inferred" in {c["code"] for c in doc["checks"]}
    # without its label on the page nothing is made up
    tokens = [t for t in invoice_tokens() if "现金" not in t.text]
    assert build_document(tokens, "a.png")["cash_paid"] is None


def test_a_payment_whose_label_was_lost_is_the_printed_figure_that_balances() -> None:
    """A seal over the red 医保统筹基金支付 took the label and left its figure, alone below
    the block: the one figure on the page that is what the total leaves after the payments
    read, to the fen, is the fund's, offered and flagged."""
    def lost_label(figure: str, cash: str = "30.78") -> list[Token]:
        return [t for t in invoice_tokens(cash=cash) if "统筹" not in t.text] + [
            tok(figure, 60, 580)]

    doc = build_document(lost_label("16.22"), "a.png")
    assert doc["fund_paid"] == "16.22"
    assert doc["confidence"]["fund_paid"] < 0.8
    assert "payment_from_figure" in {c["code"] for c in doc["checks"]}
    # a figure that does not balance vouches for nothing; nor does the total's own figure
    # where nothing else was paid
    assert build_document(lost_label("16.20"), "a.png")["fund_paid"] is None
    assert build_document(lost_label("47.00", cash="0.00"), "a.png")["fund_paid"] is None
    # no figure printed: nothing is made up
    tokens = [t for t in invoice_tokens() if "统筹" not in t.text]
    assert build_document(tokens, "a.png")["fund_paid"] is None


def test_a_total_only_the_items_give_is_offered_and_flagged() -> None:
    tokens = [t for t in invoice_tokens()
              if "大写" not in t.text and "肆拾" not in t.text and "支付" not in t.text]
    doc = build_document(_retext(tokens, "(小写)¥47.00", "(小写)"), "a.png")
    assert doc["total"] == "47.00"
    assert doc["confidence"]["total"] < 0.8
    assert "total_inferred" in {c["code"] for c in doc["checks"]}


def test_an_upper_amount_whose_labels_are_lost_still_gives_the_total() -> None:
    # 金额合计（大写） and （小写） blurred away, 叁 read as 叠 and ¥ as V: the line is a 大写
    # amount by its characters, the figure at the end of its row is the total
    tokens = [t for t in invoice_tokens(total="203.61", fund="147.55", cash="56.06")
              if "金额合计" not in t.text]
    tokens = _retext(_retext(tokens, "贰佰零叁元陆角壹分", "贰佰零叠元陆角壹分"),
                     "(小写)¥203.61", "V203.61")
    doc = build_document(tokens, "a.png")
    assert doc["total"] == "203.61"
    assert doc["total_upper"] == "贰佰零叁元陆角壹分"
    assert doc["confidence"]["total"] >= 0.8  # the payments agree with it
    # a page with two such lines cannot say which is the total: nothing is taken by shape
    twice = [*tokens, tok("壹佰元整", 60, 700)]
    assert build_document(twice, "a.png")["total_upper"] is None


def test_a_payment_misread_by_one_digit_is_corrected_from_a_confirmed_total_and_flagged() -> None:
    doc = build_document(invoice_tokens(fund="86.22"), "a.png")  # 16.22 printed
    assert doc["fund_paid"] == "16.22"
    assert doc["confidence"]["fund_paid"] < 0.8
    assert "payments_sum_mismatch" not in {c["code"] for c in doc["checks"]}
    # two payments each one digit from making it add up: not for us to choose
    doc = build_document(invoice_tokens(fund="16.32", cash="30.88"), "a.png")
    assert "payments_sum_mismatch" in {c["code"] for c in doc["checks"]}


def test_a_payment_read_without_its_decimal_point_is_put_right() -> None:
    doc = build_document(invoice_tokens(cash="3078"), "a.png")
    assert doc["cash_paid"] == "30.78"
    assert "payment_corrected" in {c["code"] for c in doc["checks"]}
    assert "payment_over_total" not in {c["code"] for c in doc["checks"]}


def test_what_the_seal_left_before_the_hospital_name_is_dropped_and_flagged() -> None:
    """The seal's 收费专用章 runs into the name after its label (收款单位(盖章)费专南京…,
    the label read whole): no name starts with 收, 费, 专 or 用, so they go, and the name
    is for the person to check. 章 may start a name (章丘) and stays."""
    tokens = [t for t in invoice_tokens() if "泰州" not in t.text and "收款单位" not in t.text]
    doc = build_document([*tokens, tok("收款单位(盖章)费专南京鼓楼医院", 60, 620)], "a.png")
    assert doc["hospital"] == "南京鼓楼医院"
    assert doc["confidence"]["hospital"] < 0.8
    doc = build_document([*tokens, tok("收款单位(章)：", 60, 620), tok("章丘市人民医院", 300, 620)],
                         "a.png")
    assert doc["hospital"] == "章丘市人民医院"
    # the label's (盖章) garbled to (美章, or the ring's 专用章 run in after the label
    for garbled in ("收款单应(美章上海市第六人民医院", "收款单位(盖章用章上海市第六人民医院",
                    "收款单位美章上海市第六人民医院", "收款单位（鑫章专用章上海市第六人民医院"):
        doc = build_document([*tokens, tok(garbled, 60, 620)], "a.png")
        assert doc["hospital"] == "上海市第六人民医院", garbled
        assert doc["confidence"]["hospital"] < 0.8


def test_a_hospital_name_that_lost_the_number_after_its_di_is_flagged() -> None:
    """第 in a name is followed by its number: 杭州市余杭区第人民医院 lost its 一 (a thin
    stroke under the seal's ring) and is for the person to check, never taken as read."""
    tokens = [t for t in invoice_tokens() if "泰州" not in t.text]
    doc = build_document([*tokens, tok("杭州市余杭区第人民医院", 300, 620)], "a.png")
    assert doc["hospital"] is None or doc["confidence"]["hospital"] < 0.8
    doc = build_document([*tokens, tok("杭州市余杭区第一人民医院", 300, 620)], "a.png")
    assert (doc["hospital"], doc["confidence"]["hospital"] >= 0.8) == ("杭州市余杭区第一人民医院", True)


def test_a_payment_that_lost_its_first_digit_into_its_label_is_completed() -> None:
    """医保统筹基金支付：6.22 for 16.22: the 1 went into the label's last character. The
    balance is the figure read with digits in front, in this one payment only."""
    doc = build_document(invoice_tokens(fund="6.22"), "a.png")
    assert doc["fund_paid"] == "16.22"
    assert doc["confidence"]["fund_paid"] < 0.8
    assert "payment_corrected" in {c["code"] for c in doc["checks"]}
    # both payments short: either could have lost the digits, so neither is touched
    doc = build_document(invoice_tokens(fund="6.22", cash="0.78"), "a.png")
    assert (doc["fund_paid"], doc["cash_paid"]) == ("6.22", "0.78")
