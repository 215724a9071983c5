"""More receipt families for end-to-end tests, drawn from ../shared/spec/receipt-layouts.md.

- `national_einvoice`: the national unified 医疗收费票据（电子） printout, 门诊 or 住院, with
  the round 财政部监制 seal stamped on the middle of the red title and the hospital's
  收费专用章 over its name; the totals row with （小写） far right; the 其他信息 block.
- `dotmatrix_form`: a pre-printed paper form filled by a dot-matrix printer, every value
  out of register by a few millimetres, the date without a label, `No` serial in red.
- `settlement_sheet`: a hospital's 住院费用结算单.
- `discharge_summary`, `lab_report`: pages that are not receipts and must be named so.

And the capture conditions of real scans (`scanned`): RGBA or greyscale PNG, a light grey
scanner bed around the page, low contrast, faint print, quarter and half turns.

Values come from a seed; nothing is copied from ../shared. Provinces, hospitals and names
are drawn from short lists so that no rule can key on one of them.
"""

from __future__ import annotations

import io
import math
import random
from decimal import Decimal

import cv2
import numpy as np
from PIL import Image, ImageDraw

from kiosk.recognition.text import to_upper_amount
from support.render import HOSPITALS, NAMES, Receipt, font

PROVINCES = ["贵州省", "上海市", "天津市", "湖南省", "河南省", "浙江省", "四川省", "山东省",
             "江西省", "重庆市"]
OUTPATIENT_CATEGORIES = ["挂号费", "诊察费", "检查费", "化验费", "治疗费", "西药费", "中成药费",
                         "卫生材料费"]
INPATIENT_CATEGORIES = ["床位费", "诊察费", "检查费", "化验费", "治疗费", "护理费", "西药费",
                        "中成药费", "卫生材料费", "其他住院费"]
RED = (200, 30, 30)
SEAL_RED = (235, 60, 50)


def _amount(rng: random.Random, lo: int, hi: int) -> Decimal:
    return Decimal(rng.randint(lo * 100, hi * 100)) / 100


def _date(rng: random.Random, year: int = 2024) -> str:
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _money(v: Decimal, rng: random.Random | None = None) -> str:
    """An amount as these printouts show it: thousands separators above 999."""
    return f"{v:,.2f}"


def stamp(img: Image.Image, centre: tuple[int, int], radius: int, ring_text: str,
          centre_text: str = "", oval: float = 1.0, opacity: float = 0.85,
          foot_text: str = "") -> None:
    """A round (or oval) red seal: ring, star or centre words, text round the upper edge,
    and `foot_text` in a line under the star (a 收费专用章's 门诊收费专用章).

    Stamp ink is laid over what is printed (multiplied), as on paper.
    """
    w, h = img.size
    layer = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(layer)
    cx, cy = centre
    rx, ry = radius, int(radius * oval)
    d.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), outline=255, width=max(4, radius // 14))
    if centre_text:
        f = font(max(14, radius // 4))
        d.text((cx, cy), centre_text, font=f, fill=255, anchor="mm")
    else:
        pts = [(cx + radius * 0.32 * math.cos(math.pi / 2 + k * 4 * math.pi / 5),
                cy - radius * 0.32 * math.sin(math.pi / 2 + k * 4 * math.pi / 5)) for k in range(5)]
        d.polygon(pts, fill=255)
    if foot_text:
        d.text((cx, cy + radius * 0.55), foot_text, font=font(max(12, radius // 6)), fill=255,
               anchor="mm")
    f = font(max(14, radius // 4))
    n = len(ring_text)
    for i, ch in enumerate(ring_text):
        a = math.pi * (1.15 - 1.3 * i / max(1, n - 1))  # along the upper arc, left to right
        x, y = cx + rx * 0.72 * math.cos(a), cy - ry * 0.72 * math.sin(a)
        glyph = Image.new("L", (radius // 3, radius // 3), 0)
        ImageDraw.Draw(glyph).text((radius // 6, radius // 6), ch, font=f, fill=255, anchor="mm")
        glyph = glyph.rotate(math.degrees(a - math.pi / 2), resample=Image.BILINEAR)
        layer.paste(glyph, (int(x - radius // 6), int(y - radius // 6)), glyph)
    ink = np.asarray(layer, np.float32)[..., None] / 255 * opacity
    base = np.asarray(img.convert("RGB"), np.float32)
    colour = np.array(SEAL_RED, np.float32) / 255
    out = base * (1 - ink * (1 - colour))
    img.paste(Image.fromarray(np.clip(out, 0, 255).astype(np.uint8)))


def einvoice_identity(rng: random.Random) -> dict[str, str | None]:
    """What every e-invoice printout names, whatever its province's arrangement: the fiscal
    code, number and check code, the date, the payer and the payee, drawn in this order."""
    return {
        "invoice_code": f"{rng.choice([52, 31, 12, 43, 41, 33, 51, 37])}06{rng.randint(0, 99):02d}",
        "invoice_number": f"{rng.randint(0, 10**10 - 1):010d}",
        "check_code": "".join(rng.choice("abcdef0123456789") for _ in range(6)),
        "issue_date": _date(rng),
        "payer_name": rng.choice(NAMES),
        "hospital": rng.choice(HOSPITALS),
    }


def national_einvoice(seed: int, stay: str = "outpatient") -> tuple[Image.Image, Receipt]:
    """The national unified medical e-invoice printout (门诊 or 住院), A4 landscape half."""
    rng = random.Random(seed)
    inpatient = stay == "inpatient"
    w, h = 1754, 1240
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    f_title, f, f_small = font(50), font(25), font(22)
    province = rng.choice(PROVINCES)
    kind = "住院" if inpatient else "门诊"
    title = f"{province}医疗{kind}收费票据(电子)"
    cats = rng.sample(INPATIENT_CATEGORIES if inpatient else OUTPATIENT_CATEGORIES,
                      rng.randint(5, 8) if inpatient else rng.randint(3, 6))
    items = [{"name": c, "amount": str(_amount(rng, 30, 3000) if inpatient else _amount(rng, 5, 300))}
             for c in cats]
    total = sum(Decimal(i["amount"]) for i in items)
    fund = (total * Decimal(rng.randint(30, 70)) / 100).quantize(Decimal("0.01"))
    cash = total - fund
    fields: dict[str, str | None] = {
        **einvoice_identity(rng),
        "total": str(total),
        "total_upper": to_upper_amount(total),
        "fund_paid": str(fund),
        "cash_paid": str(cash),
        "serial_no": f"{rng.randint(10**11, 10**12 - 1)}",
    }
    tw = d.textlength(title, font=f_title)
    d.text(((w - tw) / 2, 50), title, font=f_title, fill=RED)
    # top left: the QR code's place and the payer; top right: the fiscal identifiers
    d.rectangle((60, 40, 200, 180), outline="black", width=3)
    x_id = w - 470
    for i, (label, key) in enumerate((("票据代码", "invoice_code"), ("票据号码", "invoice_number"),
                                      ("校验码", "check_code"), ("开票日期", "issue_date"))):
        d.text((x_id, 140 + i * 38), f"{label}:", font=f, fill=RED)
        d.text((x_id + 130, 140 + i * 38), fields[key] or "", font=f, fill="black")
    d.text((60, 240), "交款人统一社会信用代码:", font=f, fill=RED)
    d.text((60, 282), "交款人:", font=f, fill=RED)
    d.text((160, 282), fields["payer_name"] or "", font=f, fill="black")
    # the items: two column groups (门诊) or three (住院) side by side
    top, left, right = 330, 50, w - 50
    groups = 3 if inpatient else 2
    gw = (right - left) // groups
    d.rectangle((left, top, right, top + 330), outline=RED, width=2)
    for g in range(groups):
        gx = left + g * gw
        if g:
            d.line((gx, top, gx, top + 290), fill=RED, width=2)
        d.text((gx + 15, top + 10), "项目名称", font=f, fill=RED)
        if not inpatient:
            d.text((gx + 250, top + 10), "数量/单位", font=f, fill=RED)
        d.text((gx + gw - 260, top + 10), "金额(元)", font=f, fill=RED)
        d.text((gx + gw - 90, top + 10), "备注", font=f, fill=RED)
    for i, it in enumerate(items):
        gx = left + (i % groups) * gw
        y = top + 60 + (i // groups) * 42
        d.text((gx + 15, y), it["name"] or "", font=f, fill="black")
        if not inpatient:
            d.text((gx + 270, y), "1次", font=f, fill="black")
        d.text((gx + gw - 250, y), _money(Decimal(it["amount"] or 0)), font=f, fill="black")
    d.line((left, top + 290, right, top + 290), fill=RED, width=2)
    d.text((left + 15, top + 297), "金额合计(大写)", font=f, fill=RED)
    d.text((left + 215, top + 297), fields["total_upper"] or "", font=f, fill="black")
    d.text((right - 360, top + 297), "(小写)", font=f, fill=RED)
    d.text((right - 270, top + 297), _money(total), font=f, fill="black")
    # 其他信息: the label printed vertically, then three columns of label:value pairs
    y0 = top + 350
    for i, ch in enumerate("其他信息"):
        d.text((60, y0 + i * 34), ch, font=f_small, fill=RED)
    pairs = [("业务流水号", fields["serial_no"]), ("门诊号" if not inpatient else "病历号",
                                                    f"{rng.randint(10**6, 10**7 - 1)}"),
             ("就诊日期" if not inpatient else "住院时间",
              fields["issue_date"] if not inpatient else
              f"{fields['issue_date'].replace('-', '')[:6]}01-{fields['issue_date'].replace('-', '')}"),
             ("医疗机构类型", "综合医院"), ("医保类型", "职工基本医疗保险"), ("性别", rng.choice("男女")),
             ("医保统筹基金支付", fields["fund_paid"]), ("其他支付", "0.0"), ("个人账户支付", "0.0"),
             ("个人现金支付", fields["cash_paid"]), ("个人自付", "0.0"), ("个人自费", "0.0")]
    if inpatient:
        pairs += [("预缴金额", str(_amount(rng, 500, 3000))), ("补缴金额", "0.0"), ("退费金额", "0.0"),
                  ("住院天数", str(rng.randint(2, 20)))]
    col_w = (w - 140) // 3
    for i, (label, value) in enumerate(pairs):
        x = 110 + (i % 3) * col_w
        y = y0 + (i // 3) * 36
        d.text((x, y), f"{label}:{value}", font=f_small, fill="black")
    y_pay = y0 + ((len(pairs) + 2) // 3) * 36 + 40
    d.text((60, y_pay), "收款单位(章):", font=f, fill=RED)
    d.text((240, y_pay), fields["hospital"] or "", font=f, fill="black")
    d.text((w - 560, y_pay), "复核人:", font=f, fill=RED)
    d.text((w - 300, y_pay), "收款人:", font=f, fill=RED)
    d.text((60, y_pay + 50), "查验网址:http://pjcy.example.gov.cn", font=f_small, fill="black")
    # the fiscal seal on the middle of the title; the hospital's seal beside its name
    stamp(img, (int(w / 2), 80), 95, "财政部监制", centre_text="财政部", oval=0.68,
          opacity=0.95)
    name_w = int(d.textlength(fields["hospital"] or "", font=f))
    stamp(img, (240 + name_w // 2, y_pay + 15), 90, (fields["hospital"] or "") + "收费专用章",
          opacity=0.8)
    return img, Receipt("inpatient_invoice" if inpatient else "outpatient_invoice", fields, items)


def _dotted(img: Image.Image, box: tuple[int, int, int, int], seed: int) -> None:
    """Turn the ink inside `box` into the dots of a worn 24-pin ribbon."""
    x0, y0, x1, y1 = box
    arr = np.asarray(img, np.float32).copy()
    roi = arr[y0:y1, x0:x1]
    yy, xx = np.mgrid[0:roi.shape[0], 0:roi.shape[1]]
    dots = ((yy % 3 == 0) | (xx % 3 == 0)).astype(np.float32)[..., None]
    rng = np.random.default_rng(seed)
    wear = rng.uniform(0.55, 1.0, size=(1, roi.shape[1], 1)).astype(np.float32)
    ink = (255 - roi) / 255
    roi[:] = 255 - ink * 255 * (1 - 0.45 * dots) * wear
    img.paste(Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)))


def dotmatrix_form(seed: int, *, overprint: bool = False, category_grid: bool = False,
                   seal: bool = False, drop: bool = False, date_boxes: bool = False,
                   worn: bool = False, seal_on_payments: bool = False,
                   serial_by_title: bool = False) -> tuple[Image.Image, Receipt]:
    """A pre-printed 门诊收费票据 form in red or blue, filled by a dot-matrix printer out of
    register. `overprint` shifts the printer's pass far enough left that the amounts start
    on the last character of their labels (医保统筹支付 with 118.53 printed over its 付).
    `category_grid`: the form pre-prints every fee category in two column pairs and the
    printer fills in only the amounts of those charged, the rest stay empty.
    `seal`: the hospital's round 收费专用章 stamped over the start of its printed name, its
    ring reaching up over the payment labels above (its own name round the ring).
    `drop`: the pass lands most of a line low, so each payment amount sits under its label,
    level with the next row's label, and the table's rules cross the figures.
    `date_boxes`: the form pre-prints 年 月 日 in its own ink and the printer fills in only
    the digits before each, out of register like every value: above the characters, run
    into them, or printed over them.
    `worn`: a worn ribbon prints every value in light grey, not black.
    `seal_on_payments`: the 收费专用章 stamped lower left, its red over the 医保统筹支付
    label and the amount printed under it.
    `serial_by_title`: the red `No` and serial printed close after the title's last
    character, the `No` small, as some provinces' forms have it."""
    rng = random.Random(seed)
    w, h = 1650, 760
    img = Image.new("RGB", (w, h), (252, 250, 246))
    d = ImageDraw.Draw(img)
    f_title, f, fv = font(44), font(26), font(27)
    form_ink = rng.choice([RED, (40, 60, 170)])
    province = rng.choice(PROVINCES)
    cats = rng.sample(OUTPATIENT_CATEGORIES, rng.randint(3, 6))
    if category_grid:
        cats = [c for c in OUTPATIENT_CATEGORIES if c in cats]  # in the grid's order
    items = [{"name": c, "amount": str(_amount(rng, 5, 400))} for c in cats]
    total = sum(Decimal(i["amount"]) for i in items)
    fund = (total * Decimal(rng.randint(20, 70)) / 100).quantize(Decimal("0.01"))
    cash = total - fund
    day = _date(rng, rng.randint(2016, 2021))
    y_, m_, d_ = day.split("-")
    fields: dict[str, str | None] = {
        "invoice_code": f"{rng.randint(31000000, 33999999)}",
        "invoice_number": f"{rng.randint(0, 10**8 - 1):010d}",
        "issue_date": day,
        "payer_name": rng.choice(NAMES),
        "hospital": rng.choice(HOSPITALS),
        "total": str(total), "total_upper": to_upper_amount(total),
        "fund_paid": str(fund), "cash_paid": str(cash),
    }
    # the pre-printed form
    title = f"{province}医疗机构门诊收费票据"
    d.text((420, 40), title, font=f_title, fill=form_ink)
    if serial_by_title:
        x_no = 420 + int(d.textlength(title, font=f_title)) + 6
        d.text((x_no, 58), "No", font=font(20), fill=RED)
        d.text((x_no + 30, 46), fields["invoice_number"] or "", font=font(32), fill=RED)
    else:
        d.text((w - 420, 50), "No", font=f, fill=RED)
        d.text((w - 370, 50), fields["invoice_number"] or "", font=f, fill=RED)
    d.text((60, 60), "票据代码:", font=f, fill=form_ink)
    labels = {"payer_name": ((60, 150), "交款人:"), "total_upper": ((60, 470), "合计(大写)"),
              "total": ((1000, 470), "(小写)¥"), "fund_paid": ((60, 540), "医保统筹支付"),
              "account_paid": ((620, 540), "个人账户支付"), "cash_paid": ((1100, 540), "个人现金支付"),
              "hospital": ((60, 620), "收款单位(盖章)")}
    for (x, y), text in labels.values():
        d.text((x, y), text, font=f, fill=form_ink)
    d.text((1060, 620), "收款人:", font=f, fill=form_ink)
    d.rectangle((50, 200, w - 120, 450), outline=form_ink, width=2)
    for gx in (80, 820):
        d.text((gx + 60, 205), "项目", font=f, fill=form_ink)
        d.text((gx + 430, 205), "金额(元)", font=f, fill=form_ink)
    for i, ch in enumerate("第二联交款人收据联"):
        d.text((w - 80, 180 + i * 40), ch, font=f, fill=form_ink)
    # the printer's pass: every value shifted by the same few millimetres, plus jitter
    dx, dy = rng.randint(-25, 25), rng.randint(-18, 18)
    if overprint:
        dx, dy = rng.randint(-52, -44), rng.randint(-6, 6)
    if drop:
        dx, dy = rng.randint(-10, 25), rng.randint(18, 24)
    ribbon = (30, 30, 30)
    if worn:
        grey = rng.randint(125, 150)
        ribbon = (grey, grey, grey)
    printed: list[tuple[tuple[int, int], str]] = [((200, 60), fields["invoice_code"] or "")]
    if date_boxes:
        x_date = w - 420
        for x, ch in ((x_date + 80, "年"), (x_date + 175, "月"), (x_date + 270, "日")):
            d.text((x, 100), ch, font=f, fill=form_ink)
        # the date's own pass: a few millimetres off the boxes, up, down or onto them
        ddx, ddy = rng.choice([(rng.randint(-6, 6), rng.randint(-26, -18)),
                               (rng.randint(28, 42), rng.randint(-14, -6)),
                               (rng.randint(-6, 4), rng.randint(-4, 4))])
        printed += [((x_date + ddx - dx, 100 + ddy - dy), y_),
                    ((x_date + 115 + ddx - dx, 100 + ddy - dy), m_),
                    ((x_date + 210 + ddx - dx, 100 + ddy - dy), d_)]
    else:
        printed.append(((w - 420, 100), f"{y_}年{m_}月{d_}日"))
    printed.append(((180, 150), fields["payer_name"] or ""))
    if category_grid:
        for i, cat in enumerate(OUTPATIENT_CATEGORIES):
            x, y = (80 if i % 2 == 0 else 820), 255 + (i // 2) * 48
            d.text((x, y), cat, font=f, fill=form_ink)
            amount = next((it["amount"] for it in items if it["name"] == cat), None)
            if amount:
                printed.append(((x + 450, y), amount or ""))
    for i, it in enumerate(items if not category_grid else []):
        x = 80 if i % 2 == 0 else 820
        y = 255 + (i // 2) * 60
        printed += [((x, y), it["name"] or ""), ((x + 450, y), it["amount"] or "")]
    printed += [((260, 470), fields["total_upper"] or ""), ((1130, 470), fields["total"] or ""),
                ((250, 540), fields["fund_paid"] or ""), ((800, 540), "0.00"),
                ((1290, 540), fields["cash_paid"] or ""), ((290, 620), fields["hospital"] or "")]
    for (x, y), text in printed:
        jx, jy = rng.randint(-4, 4), rng.randint(-4, 4)
        d.text((x + dx + jx, y + dy + jy), text, font=fv, fill=ribbon)
    if drop:
        # the form's ruled boxes under each label line, which the dropped figures cross
        for y in (512, 582):
            d.line((50, y, w - 120, y), fill=form_ink, width=2)
    _dotted(img, (0, 0, w - 130, h), seed)
    if seal:
        hosp = fields["hospital"] or ""
        x_name, y_name = 290 + dx, 620 + dy
        r = rng.randint(100, 120)
        # the ring's upper right crosses the name's first characters, its top the labels
        cx = x_name - int(r * rng.uniform(0.1, 0.4))
        cy = y_name + 14 + int(r * rng.uniform(0.35, 0.75))
        stamp(img, (cx, cy), r, hosp, foot_text="门诊收费专用章",
              opacity=rng.uniform(0.75, 0.9))
    if seal_on_payments:
        r = rng.randint(100, 120)
        cx, cy = 250 + dx + rng.randint(-40, 40), 560 + dy + rng.randint(-20, 20)
        stamp(img, (cx, cy), r, fields["hospital"] or "", foot_text="门诊收费专用章",
              opacity=rng.uniform(0.75, 0.9))
    return img, Receipt("outpatient_invoice", fields, items)


def settlement_sheet(seed: int) -> tuple[Image.Image, Receipt]:
    """A hospital's 住院费用结算单: header of the stay, category totals, who paid what."""
    rng = random.Random(seed)
    w, h = 1654, 1100
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    f_title, f = font(44), font(26)
    hosp = rng.choice(HOSPITALS)
    cats = rng.sample(INPATIENT_CATEGORIES, 6)
    items = [{"name": c, "amount": str(_amount(rng, 50, 2500))} for c in cats]
    total = sum(Decimal(i["amount"]) for i in items)
    fund = (total * Decimal(rng.randint(40, 80)) / 100).quantize(Decimal("0.01"))
    cash = total - fund
    fields: dict[str, str | None] = {"hospital": hosp, "payer_name": rng.choice(NAMES),
                                     "total": str(total), "fund_paid": str(fund),
                                     "cash_paid": str(cash)}
    d.text((w // 2 - 22 * len(hosp), 40), hosp, font=f_title, fill="black")
    d.text((w // 2 - 200, 100), "住院费用结算单", font=f_title, fill="black")
    start = _date(rng)
    d.text((80, 190), f"姓名:{fields['payer_name']}    住院号:{rng.randint(10**6, 10**7 - 1)}"
           f"    科室:内科", font=f, fill="black")
    d.text((80, 235), f"入院日期:{start}    出院日期:{start}    住院天数:{rng.randint(2, 15)}",
           font=f, fill="black")
    d.text((80, 300), "费用项目", font=f, fill="black")
    d.text((600, 300), "金额", font=f, fill="black")
    d.line((60, 290, 900, 290), fill="black", width=2)
    d.line((60, 340, 900, 340), fill="black", width=2)
    for i, it in enumerate(items):
        d.text((80, 355 + i * 50), it["name"] or "", font=f, fill="black")
        d.text((600, 355 + i * 50), it["amount"] or "", font=f, fill="black")
    y = 355 + len(items) * 50 + 30
    d.text((80, y), f"医疗费用总额:{fields['total']}", font=f, fill="black")
    d.text((80, y + 50), f"统筹基金支付:{fields['fund_paid']}    个人账户支付:0.00    "
           f"个人现金支付:{fields['cash_paid']}", font=f, fill="black")
    return img, Receipt("inpatient_invoice", fields, items)


def discharge_summary(seed: int) -> tuple[Image.Image, Receipt]:
    """出院记录: a hospital letterhead, the stay's dates, diagnoses and advice. Not a receipt."""
    rng = random.Random(seed)
    w, h = 1240, 1754
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    f_title, f = font(46), font(28)
    hosp = rng.choice(HOSPITALS)
    d.text((w // 2 - 23 * len(hosp), 60), hosp, font=f_title, fill="black")
    d.text((w // 2 - 100, 130), "出院记录", font=f_title, fill="black")
    start = _date(rng)
    lines = [f"姓名:{rng.choice(NAMES)}    性别:男    年龄:{rng.randint(30, 85)}岁",
             f"住院号:{rng.randint(10**6, 10**7 - 1)}    科室:心内科    床号:{rng.randint(1, 40)}",
             f"入院日期:{start}    出院日期:{start}    住院天数:{rng.randint(3, 20)}天",
             "入院诊断:1.冠状动脉粥样硬化性心脏病 2.高血压病3级",
             "诊疗经过:入院后完善相关检查,予抗血小板、调脂、降压等治疗,",
             "症状好转,生命体征平稳。",
             "出院诊断:1.冠状动脉粥样硬化性心脏病 2.高血压病3级",
             "出院医嘱:1.低盐低脂饮食 2.规律服药 3.门诊随访,不适随诊。",
             "医师签名:                 日期:" + start]
    for i, line in enumerate(lines):
        d.text((90, 240 + i * 60), line, font=f, fill="black")
    return img, Receipt("unknown", {}, [])


def lab_report(seed: int) -> tuple[Image.Image, Receipt]:
    """检验报告单: a results table with units and reference ranges. Not a receipt."""
    rng = random.Random(seed)
    w, h = 1240, 1200
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    f_title, f = font(44), font(26)
    hosp = rng.choice(HOSPITALS)
    d.text((w // 2 - 22 * len(hosp), 50), hosp, font=f_title, fill="black")
    d.text((w // 2 - 120, 115), "检验报告单", font=f_title, fill="black")
    d.text((80, 200), f"姓名:{rng.choice(NAMES)}  性别:女  年龄:{rng.randint(20, 80)}  "
           f"标本:血清  送检日期:{_date(rng)}", font=f, fill="black")
    for x, head in ((80, "项目"), (520, "结果"), (700, "单位"), (880, "参考范围")):
        d.text((x, 270), head, font=f, fill="black")
    rows = [("谷丙转氨酶", "23", "U/L", "7-40"), ("谷草转氨酶", "19", "U/L", "13-35"),
            ("总胆红素", "12.4", "umol/L", "0-21"), ("肌酐", "68", "umol/L", "41-73"),
            ("葡萄糖", "5.12", "mmol/L", "3.9-6.1")]
    for i, r in enumerate(rows):
        for x, v in zip((80, 520, 700, 880), r, strict=True):
            d.text((x, 320 + i * 50), v, font=f, fill="black")
    return img, Receipt("unknown", {}, [])


# --- capture conditions of real scans ---------------------------------------------------

def scanned(img: Image.Image, *, mode: str = "RGB", bed: int | None = None,
            contrast: float = 1.0, turn: int = 0, faint: float = 0.0) -> bytes:
    """The page as a flatbed scanner or a fiscal system's export hands it over, as PNG.

    `mode` "RGBA" or "L" for the PNG flavours seen on real scans; `bed` the grey of the
    scanner bed showing round the page (e.g. 200); `contrast` < 1 squeezes ink and paper
    together; `faint` in 0..1 lightens the ink (worn ribbon, thermal fading); `turn` 90,
    180 or 270 degrees clockwise.
    """
    arr = np.asarray(img.convert("RGB"), np.float32)
    if faint:
        arr = 255 - (255 - arr) * (1 - faint)
    if contrast != 1.0:
        arr = 128 + (arr - 128) * contrast
    if bed is not None:
        h, w = arr.shape[:2]
        pad = max(40, w // 20)
        canvas = np.full((h + 2 * pad, w + 2 * pad, 3), float(bed), np.float32)
        canvas[pad:pad + h, pad:pad + w] = arr
        arr = canvas
    out = np.clip(arr, 0, 255).astype(np.uint8)
    if turn:
        out = cv2.rotate(out, {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180,
                               270: cv2.ROTATE_90_COUNTERCLOCKWISE}[turn])
    pic = Image.fromarray(out)
    if mode == "RGBA":
        pic = pic.convert("RGBA")
    elif mode == "L":
        pic = pic.convert("L")
    buf = io.BytesIO()
    pic.save(buf, format="PNG")
    return buf.getvalue()
