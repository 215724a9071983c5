"""What kind of document a page is, from all the evidence on it.

The title says it best where it can be read, but the round 财政部监制 seal sits on the middle
of a national e-invoice's title and a dot-matrix form's pre-printed title is often half
covered, so a page is also judged by the labels and value shapes found on it: invoice
identifiers (票据代码, 票据号码, 校验码), amounts (金额合计, 医保统筹基金支付, 个人现金支付) and
the words of a stay (住院时间, 预缴金额). A page carrying receipt fields is never refused;
a page titled as a discharge record, a lab report, a prescription or a VAT invoice is named
for what it is (`unknown`) even though some of those print amounts too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from kiosk.recognition.layout import Token, median_height

# title words → document type, most specific first
DOC_TYPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("expense_list", ("费用明细", "费用清单", "明细清单", "费用汇总清单", "明细单", "日清单")),
    ("payment_slip", ("缴费凭条", "缴费凭证", "支付凭条", "自助缴费", "凭条", "缴费单", "交易凭条")),
    ("inpatient_invoice", ("住院收费票据", "住院收费", "住院费用票据", "住院结算")),
    ("outpatient_invoice", ("门诊收费票据", "门诊收费", "医疗收费票据", "门诊票据", "医疗门诊",
                            "门急诊收费")),
)
NOT_RECEIPTS = ("出院小结", "出院记录", "诊断证明", "门诊病历", "病历记录", "增值税", "检验报告",
                "检查报告", "处方笺", "入院记录", "检验单", "化验单", "报告单", "病程记录")

# fields whose presence shows the page is an invoice (identifiers of the fiscal system)
INVOICE_FIELDS = ("invoice_code", "invoice_number", "check_code")
# fields that only a bill carries: what was charged and who paid it
MONEY_FIELDS = ("total", "total_upper", "fund_paid", "other_paid", "account_paid", "cash_paid",
                "self_pay_class", "self_pay_full")
# words of a hospital stay, printed on inpatient invoices and settlement sheets
_STAY_WORDS = ("住院时间", "住院天数", "住院号", "预缴金额", "补缴金额", "退费金额", "入院日期",
               "出院日期", "住院科别", "床位费", "住院")
_SLIP_WORDS = ("缴费时间", "支付方式", "交易时间", "凭条", "交易流水", "自助机", "终端号")
_INVOICE_WORDS = ("票据", "收据", "收费", "发票", "结算单")
_LIST_COLUMNS = ("规格", "单价", "数量", "自付比例", "项目编码", "医保类别", "医保等级", "甲乙类")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def title_type(tokens: Sequence[Token]) -> str | None:
    """The type named by the title words, `"unknown"` for a non-receipt title, else None."""
    if not tokens:
        return None
    hs = median_height(tokens)
    ordered = sorted(tokens, key=lambda t: (-(t.h > hs * 1.25), t.y0))
    text = [_squash(t.text) for t in ordered]
    for t in text[:8]:
        if any(w in t for w in NOT_RECEIPTS):
            return "unknown"
    for t in text:
        for kind, words in DOC_TYPES:
            if any(w in t for w in words):
                return kind
    # the seal on the title eats a character or turns it into another one
    for t in text[:8]:
        for kind, words in DOC_TYPES:
            if any(_near(w, t) for w in words):
                return kind
    return None


def _near(word: str, text: str) -> bool:
    """`word` is in `text` with one character lost (words of 4+) or misread (words of 6+)."""
    if len(word) < 4:
        return False
    variants = [word[:i] + word[i + 1:] for i in range(len(word))]
    if any(v in text for v in variants):
        return True
    if len(word) < 6:
        return False
    return any(re.search(re.escape(word[:i]) + "." + re.escape(word[i + 1:]), text)
               for i in range(len(word)))


def evidence_type(tokens: Sequence[Token], found: Mapping[str, object]) -> str | None:
    """The type the fields and words on the page point at, or None when they show no bill.

    A bill needs an amount and something else of a bill beside it: a second amount, an
    invoice identifier or the 大写 amount. One stray figure after 合计 is not enough.
    """
    money = [k for k in MONEY_FIELDS if k in found]
    ids = [k for k in INVOICE_FIELDS if k in found]
    page = "".join(_squash(t.text) for t in tokens)
    stay = any(w in page for w in _STAY_WORDS)
    if not money and len(ids) >= 2 and "票据" in page:
        # the head of a fiscal 票据 (code, number, check code) with its amounts out of the
        # picture or unread: a receipt to complete, not a page to refuse. A VAT invoice
        # prints 发票, not 票据.
        return "inpatient_invoice" if stay else "outpatient_invoice"
    if not money or len(money) + len(ids) < 2:
        return None
    if ids or any(w in page for w in _INVOICE_WORDS):
        return "inpatient_invoice" if stay else "outpatient_invoice"
    if any(w in page for w in _SLIP_WORDS):
        return "payment_slip"
    if sum(1 for w in _LIST_COLUMNS if w in page) >= 2:
        return "expense_list"
    return "inpatient_invoice" if stay else "outpatient_invoice"


def classify(tokens: Sequence[Token], found: Mapping[str, object] | None = None) -> str:
    """Document type: the title where it is readable, else the evidence of the fields found.

    `found` is what the field extractor read on the page (field → value); without it only
    the title decides.
    """
    by_title = title_type(tokens)
    if by_title is not None:
        return by_title
    if found is None:
        return "unknown"
    return evidence_type(tokens, found) or "unknown"
