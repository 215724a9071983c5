"""Synthetic residents and receipts for the benchmark, the crash test and demonstrations.

Deterministic from a seed, valid by the same rules real ones are checked by (GB 11643 check
digit, receipt-json shape), and unique per seed so they never trip duplicate protection.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from kiosk.residents import Resident, id_check_digit

_NAMES = ("王秀英", "李建国", "张桂兰", "刘德华", "陈淑珍", "欧阳明")
_HOSPITALS = ("泰州市人民医院", "宁波市第一医院", "南京鼓楼医院", "苏州大学附属第一医院")


def sample_id_number(seed: int) -> str:
    rng = random.Random(seed)
    first = f"{rng.choice((110105, 320102, 330206, 510104))}{rng.randint(1930, 1970)}" \
            f"{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return first + id_check_digit(first)


def sample_resident(seed: int) -> Resident:
    rng = random.Random(seed)
    return Resident(name=rng.choice(_NAMES), id_number=sample_id_number(seed),
                    insurance_place="四川省南充市仪陇县", phone=f"139{rng.randint(0, 10**8 - 1):08d}")


def sample_recognition(seed: int, *, doc_type: str = "outpatient_invoice") -> dict[str, Any]:
    """A receipt-json object whose invoice code and number are unique to `seed`."""
    rng = random.Random(seed)
    items: list[dict[str, str | None]] = [{"name": n, "code": None, "spec": None, "unit": "次", "quantity": "1",
              "unit_price": None, "amount": f"{rng.randint(100, 40000) / 100:.2f}",
              "insurance_class": rng.choice(("甲", "乙", None))}
             for n in rng.sample(("诊察费", "检查费", "化验费", "西药费", "治疗费"), 3)]
    total = sum((Decimal(str(i["amount"])) for i in items), Decimal(0))
    return {
        "image": f"scan-{seed}.jpg", "doc_type": doc_type,
        "invoice_code": f"3{seed % 10**7:07d}", "invoice_number": f"{seed:010d}",
        "check_code": None, "issue_date": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "payer_name": rng.choice(_NAMES), "payer_id_number": None,
        "hospital": rng.choice(_HOSPITALS), "visit_date": None, "outpatient_no": None,
        "serial_no": None, "insurance_type": "城乡居民医保", "items": items,
        "total": f"{total:.2f}", "total_upper": None, "fund_paid": None, "other_paid": None,
        "account_paid": None, "cash_paid": None, "self_pay_class": None, "self_pay_full": None,
        "checks": [], "confidence": {}, "ocr_ms": 0.0, "total_ms": 0.0,
    }
