"""Renders receipt pages for end-to-end tests: real pixels that the real OCR has to read.

The layouts are this project's own (an e-invoice with two item tables, an expense list with
columns in a chosen order, a narrow thermal slip); values come from a `seed` so each test
gets a different, reproducible receipt. Nothing here is copied from ../shared.
"""

from __future__ import annotations

import random
import subprocess
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from kiosk.recognition.text import to_upper_amount

_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)


@lru_cache(maxsize=1)
def cjk_font_path() -> str | None:
    for p in _FONT_CANDIDATES:
        if Path(p).exists():
            return p
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True,
                             timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in out.splitlines():
        path = line.split(":")[0].strip()
        if path:
            return path
    return None


def font(size: int) -> ImageFont.FreeTypeFont:
    path = cjk_font_path()
    if path is None:
        raise RuntimeError("no CJK font installed (fonts-wqy-microhei)")
    return ImageFont.truetype(path, size)


HOSPITALS = ["泰州市人民医院", "宁波市第一医院", "上海市第六人民医院", "南京鼓楼医院",
             "杭州市西湖区北山街道社区卫生服务中心", "苏州大学附属第一医院"]
NAMES = ["王秀英", "李建国", "张桂兰", "刘德华", "陈淑珍", "欧阳明"]
ITEMS = [("诊察费", "次"), ("检查费", "次"), ("化验费", "项"), ("西药费", "次"),
         ("治疗费", "次"), ("卫生材料费", "次"), ("中成药费", "次")]
DRUGS = [("阿莫西林胶囊", "0.25g*24粒", "盒", "甲"), ("布洛芬缓释胶囊", "0.3g*20粒", "盒", "甲"),
         ("连花清瘟胶囊", "0.35g*24粒", "盒", "乙"), ("普通门诊诊查费", None, "次", "甲"),
         ("血细胞分析(血常规)", None, "项", "甲"), ("一次性使用无菌注射器", "5ml", "支", "丙"),
         ("氯雷他定片", "10mg*6片", "盒", "乙"), ("葡萄糖测定", None, "项", "甲")]
INSURANCE = ["职工基本医疗保险", "城乡居民基本医疗保险", "自费"]


class _Recording:
    """An ImageDraw that also notes every string it draws."""

    def __init__(self, draw: ImageDraw.ImageDraw) -> None:
        self.draw = draw
        self.texts: list[tuple[int, int, str, int]] = []

    def text(self, xy: tuple[int, int], text: str, font: ImageFont.FreeTypeFont,
             fill: object) -> None:
        self.draw.text(xy, text, font=font, fill=fill)
        self.texts.append((int(xy[0]), int(xy[1]), text, int(font.size)))

    def line(self, *args: object, **kwargs: object) -> None:
        self.draw.line(*args, **kwargs)  # type: ignore[arg-type]

    def rectangle(self, *args: object, **kwargs: object) -> None:
        self.draw.rectangle(*args, **kwargs)  # type: ignore[arg-type]


@dataclass
class Receipt:
    """What was printed, in the contract's terms, for comparing with what was read."""

    doc_type: str
    fields: dict[str, str | None]
    items: list[dict[str, str | None]] = field(default_factory=list)
    # every string drawn, as (x, y of its top, text, font size in px), for a PDF twin
    texts: list[tuple[int, int, str, int]] = field(default_factory=list)


def _money(rng: random.Random, lo: int, hi: int) -> Decimal:
    return Decimal(rng.randint(lo * 100, hi * 100)) / 100


def _split_payments(rng: random.Random, total: Decimal) -> tuple[Decimal, Decimal]:
    fund = (total * Decimal(rng.randint(20, 70)) / 100).quantize(Decimal("0.01"))
    return fund, total - fund


def einvoice(seed: int) -> tuple[Image.Image, Receipt]:
    """A printed fiscal outpatient e-invoice (A5 landscape at ~200 dpi)."""
    rng = random.Random(seed)
    w, h = 1650, 1160
    img = Image.new("RGB", (w, h), "white")
    d = _Recording(ImageDraw.Draw(img))
    red = (180, 40, 40)
    f_title, f, f_small = font(46), font(26), font(22)
    items = []
    for name, unit in rng.sample(ITEMS, rng.randint(3, 5)):
        items.append({"name": name, "unit": unit, "quantity": "1",
                      "amount": str(_money(rng, 5, 400))})
    total = sum(Decimal(i["amount"]) for i in items)
    fund, cash = _split_payments(rng, total)
    fields = {
        "invoice_code": f"{rng.randint(31000000, 33999999)}",
        "invoice_number": f"{rng.randint(0, 9999999999):010d}",
        "check_code": "".join(rng.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(6)),
        "issue_date": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "payer_name": rng.choice(NAMES),
        "hospital": rng.choice(HOSPITALS),
        "insurance_type": rng.choice(INSURANCE),
        "serial_no": f"{rng.randint(10**14, 10**15 - 1)}",
        "total": str(total),
        "total_upper": to_upper_amount(total),
        "fund_paid": str(fund),
        "cash_paid": str(cash),
        "other_paid": "0.00",
        "account_paid": "0.00",
    }
    d.text((380, 40), "江苏省医疗门诊收费票据(电子)", font=f_title, fill="black")
    d.text((1180, 40), f"票据代码：{fields['invoice_code']}", font=f, fill="black")
    d.text((1180, 80), f"票据号码：{fields['invoice_number']}", font=f, fill="black")
    d.text((1180, 120), f"校验码：{fields['check_code']}", font=f, fill="black")
    d.text((1180, 160), f"开票日期：{fields['issue_date']}", font=f, fill="black")
    d.text((60, 200), f"交款人：{fields['payer_name']}", font=f, fill="black")
    top, left, right = 250, 50, w - 50
    d.rectangle((left, top, right, top + 330), outline=red, width=2)
    mid = (left + right) // 2
    d.line((mid, top, mid, top + 300), fill=red, width=2)
    cols = [("项目名称", 0), ("数量", 300), ("单位", 390), ("金额(元)", 480)]
    for base in (left + 15, mid + 15):
        for label, dx in cols:
            d.text((base + dx, top + 10), label, font=f, fill=red)
    half = (len(items) + 1) // 2
    for i, it in enumerate(items):
        base = left + 15 if i % 2 == 0 else mid + 15
        y = top + 60 + (i // 2) * 44
        d.text((base, y), it["name"], font=f, fill="black")
        d.text((base + 315, y), it["quantity"] or "", font=f, fill="black")
        d.text((base + 395, y), it["unit"] or "", font=f, fill="black")
        d.text((base + 490, y), it["amount"] or "", font=f, fill="black")
    del half
    # printed order is row by row, left table first
    d.line((left, top + 300, right, top + 300), fill=red, width=2)
    d.text((left + 15, top + 305), f"金额合计(大写)  {fields['total_upper']}", font=f, fill="black")
    d.text((right - 330, top + 305), f"(小写)¥{fields['total']}", font=f, fill="black")
    y = top + 360
    d.text((60, y), f"业务流水号：{fields['serial_no']}", font=f_small, fill="black")
    d.text((60, y + 40), f"医疗机构类型：综合医院    医保类型：{fields['insurance_type']}",
           font=f_small, fill="black")
    d.text((60, y + 80), f"医保统筹基金支付：{fields['fund_paid']}    其他支付：0.00    "
           f"个人账户支付：0.00    个人现金支付：{fields['cash_paid']}", font=f_small, fill="black")
    d.text((60, y + 160), f"收款单位(章)：{fields['hospital']}", font=f, fill="black")
    d.text((1000, y + 160), "复核人：周敏    收款人：吴芳", font=f, fill="black")
    return img, Receipt("outpatient_invoice", fields, items, d.texts)


def expense_list(seed: int, columns: tuple[str, ...] = ("name", "spec", "unit", "qty", "price",
                                                         "amount", "cls")) -> tuple[Image.Image, Receipt]:
    """A hospital's itemised outpatient expense list, columns in the order given."""
    rng = random.Random(seed)
    w = 1654
    rows = rng.sample(DRUGS, rng.randint(4, 7))
    h = 700 + 52 * len(rows)
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    f_title, f = font(44), font(26)
    hosp = rng.choice(HOSPITALS)
    items = []
    for name, spec, unit, cls in rows:
        qty = rng.randint(1, 4)
        price = _money(rng, 1, 60)
        items.append({"name": name, "spec": spec, "unit": unit, "quantity": str(qty),
                      "unit_price": str(price), "amount": str(price * qty), "insurance_class": cls})
    total = sum(Decimal(i["amount"] or 0) for i in items)
    fields = {"hospital": hosp, "payer_name": rng.choice(NAMES),
              "visit_date": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
              "outpatient_no": f"{rng.randint(10**8, 10**9 - 1)}", "total": str(total),
              "total_upper": to_upper_amount(total)}
    d.text((w // 2 - 20 * len(hosp), 40), hosp, font=f_title, fill="black")
    d.text((w // 2 - 170, 100), "门诊费用明细清单", font=f_title, fill="black")
    d.text((80, 190), f"姓名：{fields['payer_name']}    性别：女    门诊号：{fields['outpatient_no']}",
           font=f, fill="black")
    d.text((80, 235), f"就诊日期：{fields['visit_date']}    科室：内科", font=f, fill="black")
    header = {"name": ("名称", 330), "spec": ("规格", 200), "unit": ("单位", 90),
              "qty": ("数量", 100), "price": ("单价", 140), "amount": ("金额", 150),
              "cls": ("医保等级", 140)}
    x = 60
    xs = {}
    for c in columns:
        xs[c] = x
        d.text((x, 300), header[c][0], font=f, fill="black")
        x += header[c][1]
    d.line((50, 290, x, 290), fill="black", width=2)
    d.line((50, 340, x, 340), fill="black", width=2)
    for i, it in enumerate(items):
        y = 355 + i * 52
        vals = {"name": it["name"], "spec": it["spec"] or "", "unit": it["unit"],
                "qty": f"{Decimal(it['quantity'] or 0):.2f}", "price": it["unit_price"],
                "amount": it["amount"], "cls": it["insurance_class"]}
        for c in columns:
            d.text((xs[c], y), vals[c] or "", font=f, fill="black")
    y = 355 + len(items) * 52 + 20
    d.line((50, y - 10, x, y - 10), fill="black", width=2)
    d.text((80, y), f"合计(大写)：{fields['total_upper']}", font=f, fill="black")
    d.text((1000, y), f"小写：{fields['total']}", font=f, fill="black")
    return img, Receipt("expense_list", fields, items)


def save(img: Image.Image, path: Path, quality: int = 92) -> Path:
    img.save(path, quality=quality) if path.suffix.lower() in (".jpg", ".jpeg") else img.save(path)
    return path


# names too long for one line of an 80 mm slip
LONG_NAMES = ["上海市长宁区新华街道社区卫生服务中心", "杭州市西湖区北山街道社区卫生服务中心",
              "中国人民解放军总医院第一医学中心", "成都市武侯区玉林街道社区卫生服务中心"]


def thermal_slip(seed: int, *, long_name: bool = False) -> tuple[Image.Image, Receipt]:
    """A narrow thermal self-service payment slip (80 mm roll, ~200 dpi): proof of payment.

    `long_name`: the institution's name does not fit the roll's width and is printed in
    two centred lines, the second short (…社区卫生服务 / 中心).
    """
    rng = random.Random(seed)
    w, h = 600, 900
    img = Image.new("RGB", (w, h), (246, 246, 242))
    d = ImageDraw.Draw(img)
    f_big, f = font(34), font(24)
    hosp = rng.choice(LONG_NAMES) if long_name else rng.choice(HOSPITALS[:4])
    total = _money(rng, 20, 600)
    fields = {"hospital": hosp, "payer_name": rng.choice(NAMES),
              "outpatient_no": f"{rng.randint(10**8, 10**9 - 1)}",
              "serial_no": f"{rng.randint(10**15, 10**16 - 1)}", "total": str(total)}
    y = 30
    per_line = (w - 40) // 34
    for start in range(0, len(hosp), per_line):
        part = hosp[start:start + per_line]
        d.text((w // 2 - 17 * len(part), y), part, font=f_big, fill="black")
        y += 44
    d.text((w // 2 - 100, y + 6), "自助缴费凭条", font=f_big, fill="black")
    y += 86
    for line in (f"姓名：{fields['payer_name']}", f"门诊号：{fields['outpatient_no']}",
                 f"交易流水号：{fields['serial_no']}", "缴费时间：2026-03-05 09:41:27",
                 "支付方式：微信支付", "- - - - - - - - - - - - - - - - -",
                 f"合计：¥{fields['total']}", "请妥善保管此凭条"):
        d.text((40, y), line, font=f, fill="black")
        y += 48
    return img, Receipt("payment_slip", fields, [])


def save_pdf(img: Image.Image, receipt: Receipt, path: Path, dpi: int = 200) -> Path:
    """The receipt as an e-invoice PDF with a real text layer (what a hospital system emits).

    Needs reportlab (a test-only dependency); the text sits where the picture draws it.
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font_file = cjk_font_path()
    if font_file is None:
        raise RuntimeError("no CJK font installed (fonts-wqy-microhei)")
    if "kiosk-cjk" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("kiosk-cjk", font_file, subfontIndex=0))
    k = 72 / dpi
    w, h = img.size
    c = canvas.Canvas(str(path), pagesize=(w * k, h * k))
    for x, y, text, size in receipt.texts:
        c.setFont("kiosk-cjk", size * k)
        c.drawString(x * k, (h - y - size * 0.9) * k, text)
    c.save()
    return path


def handwritten(img: Image.Image, seed: int) -> Image.Image:
    """The page as it comes back from the assistant's desk: ballpoint marks on it.

    A note written slanted in the margin (a date and 已复印), a ring drawn round a figure,
    a tick and a scribbled signature, in blue or black ink, anywhere on the page but over
    no printed value (a note over a value is a stamp over it, another condition).
    """
    rng = random.Random(seed)
    out = img.convert("RGB").copy()
    w, h = out.size
    ink = rng.choice([(30, 50, 160), (20, 20, 30)])
    d = ImageDraw.Draw(out)
    # a note, slanted, in the right-hand margin or at the foot
    note = rng.choice(["已复印 3/12", "已报 5.8", "李 核对", "12.3 收"])
    layer = Image.new("RGBA", (int(34 * len(note)), 50), (0, 0, 0, 0))
    ImageDraw.Draw(layer).text((0, 0), note, font=font(30), fill=(*ink, 230))
    layer = layer.rotate(rng.uniform(-14, 14), expand=True, resample=Image.BICUBIC)
    spot = (rng.randint(int(w * 0.6), max(int(w * 0.6) + 1, w - layer.width - 10)),
            rng.randint(int(h * 0.82), max(int(h * 0.82) + 1, h - layer.height - 5)))
    out.paste(layer, spot, layer)
    # a ring round something in the middle of the page, a tick, a scribble
    cx, cy = rng.randint(w // 4, 3 * w // 4), rng.randint(h // 3, 2 * h // 3)
    d.ellipse((cx - 90, cy - 26, cx + 90, cy + 26), outline=ink, width=3)
    tx, ty = rng.randint(20, w // 5), rng.randint(int(h * 0.88), h - 30)
    d.line((tx, ty, tx + 12, ty + 18, tx + 40, ty - 20), fill=ink, width=4)
    sx, sy = rng.randint(w // 2, w - 200), rng.randint(int(h * 0.75), h - 40)
    pts = [(sx + i * 9, sy + rng.randint(-14, 14)) for i in range(18)]
    d.line(pts, fill=ink, width=3, joint="curve")
    return out
