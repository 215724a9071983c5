"""More provinces' printouts of the national unified medical e-invoice (医疗收费票据（电子）).

Every fiscal system prints the same fields, but arranges them its own way; the recogniser must
hold on arrangements it was not built against. Two arrangements beside the one in
`layouts.national_einvoice`:

- `"row"`: the four fiscal identifiers in one row under the title, one item table with a
  code column, the 大写 total on the left of its row and the 小写 one far right, the 其他信息
  block in three columns with the payments among them;
- `"column"`: identifiers stacked on the left under the QR code, the payer on the right, two
  item tables side by side, and the payments in a column of their own at the right, each
  label on the left of the column and its figure right-aligned.

Values come from a seed; the seal is stamped over the payee's name, as on paper.
"""

from __future__ import annotations

import random
from decimal import Decimal

from PIL import Image, ImageDraw

from kiosk.recognition.text import to_upper_amount
from support.layouts import (
    INPATIENT_CATEGORIES,
    OUTPATIENT_CATEGORIES,
    PROVINCES,
    RED,
    _amount,
    einvoice_identity,
    stamp,
)
from support.render import NAMES, Receipt, font


def provincial_einvoice(seed: int, style: str = "row", stay: str = "outpatient",
                        seal_on_fund: bool = False) -> tuple[Image.Image, Receipt]:
    rng = random.Random(seed)
    inpatient = stay == "inpatient"
    w, h = 1754, 1240
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    f_title, f, f_small = font(48), font(25), font(22)
    kind = "住院" if inpatient else "门诊"
    title = f"{rng.choice(PROVINCES)}医疗{kind}收费票据（电子）"
    cats = rng.sample(INPATIENT_CATEGORIES if inpatient else OUTPATIENT_CATEGORIES,
                      rng.randint(4, 7) if inpatient else rng.randint(3, 6))
    items = [{"name": c, "amount": str(_amount(rng, 30, 3000) if inpatient
                                       else _amount(rng, 5, 300))} for c in cats]
    total = sum(Decimal(i["amount"]) for i in items)
    fund = (total * Decimal(rng.randint(20, 70)) / 100).quantize(Decimal("0.01"))
    account = Decimal("0.00") if rng.random() < 0.5 else \
        ((total - fund) * Decimal(rng.randint(10, 50)) / 100).quantize(Decimal("0.01"))
    cash = total - fund - account
    fields: dict[str, str | None] = {
        **einvoice_identity(rng),
        "total": str(total),
        "total_upper": to_upper_amount(total),
        "fund_paid": str(fund),
        "account_paid": str(account),
        "cash_paid": str(cash),
    }
    tw = d.textlength(title, font=f_title)
    d.text(((w - tw) / 2, 40), title, font=f_title, fill=RED)
    d.rectangle((60, 30, 190, 160), outline="black", width=3)  # the QR code's place
    ids = (("票据代码", "invoice_code"), ("票据号码", "invoice_number"),
           ("校验码", "check_code"), ("开票日期", "issue_date"))

    def pair(x: int, y: int, label: str, value: str | None, fnt=f) -> None:  # type: ignore[no-untyped-def]
        d.text((x, y), f"{label}：", font=fnt, fill=RED)
        lw = d.textlength(f"{label}：", font=fnt)
        d.text((x + lw + 6, y), value or "", font=fnt, fill="black")

    if style == "row":
        for i, (label, key) in enumerate(ids):
            pair(230 + i * 380, 180, label, fields[key])
        pair(60, 230, "交款人", fields["payer_name"])
        pair(600, 230, "交款人统一社会信用代码", "")
        top = 280
        d.rectangle((50, top, w - 50, top + 420), outline=RED, width=2)
        heads = (("项目编码", 70), ("项目名称", 300), ("单位", 700), ("数量", 860),
                 ("标准", 1020), ("金额(元)", 1230), ("备注", 1480))
        for text, x in heads:
            d.text((x, top + 12), text, font=f, fill=RED)
        for r, it in enumerate(items):
            y = top + 56 + r * 46
            d.text((70, y), f"{rng.randint(10**5, 10**6 - 1)}", font=f, fill="black")
            d.text((300, y), it["name"], font=f, fill="black")
            d.text((700, y), "项", font=f, fill="black")
            d.text((860, y), "1", font=f, fill="black")
            d.text((1020, y), it["amount"], font=f, fill="black")
            d.text((1230, y), it["amount"], font=f, fill="black")
        y_sum = top + 420
        d.rectangle((50, y_sum, w - 50, y_sum + 50), outline=RED, width=2)
        pair(70, y_sum + 12, "金额合计（大写）", fields["total_upper"])
        pair(1300, y_sum + 12, "（小写）", f"¥{fields['total']}")
        y = y_sum + 80
        d.text((60, y + 40), "其\n他\n信\n息", font=f_small, fill=RED, spacing=8)
        block = [("业务流水号", f"{rng.randint(10**11, 10**12 - 1)}"),
                 ("门诊号" if not inpatient else "住院号", f"{rng.randint(10**6, 10**7 - 1)}"),
                 ("就诊日期" if not inpatient else "住院时间", fields["issue_date"]),
                 ("医疗机构类型", "综合医院"), ("医保类型", "职工基本医疗保险"),
                 ("性别", rng.choice("男女")),
                 ("医保统筹基金支付", fields["fund_paid"]), ("其他支付", "0.00"),
                 ("个人账户支付", fields["account_paid"]), ("个人现金支付", fields["cash_paid"]),
                 ("个人自付", "0.00"), ("个人自费", "0.00")]
        for i, (label, value) in enumerate(block):
            pair(110 + (i % 3) * 560, y + (i // 3) * 40, label, value, f_small)
        fund_at = (110, y + 80, int(d.textlength("医保统筹基金支付：", font=f_small)))
        y_pay = y + 190
    else:  # "column"
        for i, (label, key) in enumerate(ids):
            pair(230, 160 + i * 34, label, fields[key], f_small)
        pair(1000, 200, "交款人", fields["payer_name"])
        top = 330
        d.rectangle((50, top, 1250, top + 380), outline=RED, width=2)
        half = (len(items) + 1) // 2
        for side, part in enumerate((items[:half], items[half:])):
            x0 = 70 + side * 600
            d.text((x0, top + 12), "项目名称", font=f, fill=RED)
            d.text((x0 + 330, top + 12), "金额(元)", font=f, fill=RED)
            for r, it in enumerate(part):
                d.text((x0, top + 60 + r * 44), it["name"], font=f, fill="black")
                d.text((x0 + 330, top + 60 + r * 44), it["amount"], font=f, fill="black")
        d.rectangle((1270, top, w - 50, top + 380), outline=RED, width=2)
        pays = (("医保统筹基金支付", "fund_paid"), ("其他支付", None),
                ("个人账户支付", "account_paid"), ("个人现金支付", "cash_paid"))
        fund_at = (1290, top + 20, int(d.textlength("医保统筹基金支付：", font=f_small)))
        for i, (label, key) in enumerate(pays):
            yy = top + 20 + i * 80
            d.text((1290, yy), f"{label}：", font=f_small, fill=RED)
            value = fields[key] if key else "0.00"
            vw = d.textlength(value or "", font=f)
            d.text((w - 70 - vw, yy + 34), value or "", font=f, fill="black")
        y_sum = top + 400
        pair(70, y_sum, "金额合计（大写）", fields["total_upper"])
        pair(1300, y_sum, "（小写）", f"¥{fields['total']}")
        y_pay = y_sum + 120
    pair(60, y_pay, "收款单位（章）", fields["hospital"])
    d.text((900, y_pay), "复核人：", font=f, fill=RED)
    d.text((1300, y_pay), f"收款人：{rng.choice(NAMES)}", font=f, fill=RED)
    name_w = int(d.textlength(fields["hospital"] or "", font=f))
    if seal_on_fund:
        # stamped high: the seal's red over the red 医保统筹基金支付 label, the black figure
        # beside it clear (a seal over its own red label leaves it unreadable)
        fx, fy, fw = fund_at
        stamp(img, (fx + fw // 2, fy + 12), 88, (fields["hospital"] or "") + "收费专用章")
    else:
        stamp(img, (60 + 220 + name_w // 2, y_pay + 14), 88,
              (fields["hospital"] or "") + "收费专用章")
    doc_type = "inpatient_invoice" if inpatient else "outpatient_invoice"
    return img, Receipt(doc_type, fields, items)
