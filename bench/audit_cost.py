#!/usr/bin/env python3
"""CPU cost of one claim's audit (rules, estimate, their words) and its JSON, as the
database thread does it before the review screen shows the claim.

    PYTHONPATH=$PWD .venv/bin/python bench/audit_cost.py

Two invoices from tests/test_refund.py's helpers (an unregistered resident, a self-paid and
an unknown item, a hospital settlement, one invoice without a hospital name): 50 audits,
five times; prints the best and the median time per audit.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk.audit import Insured, Policy, audit_claim
from kiosk.catalog import Catalog
from tests.test_refund import FIVE_LINES, GRANDMA, TODAY, invoice, item

cat = Catalog.open(Path(tempfile.mkdtemp()))
docs = [invoice([*FIVE_LINES, item("某保健品", "30.00"), item("不知名药", "12.00")], "200.00",
                fund_paid="10.00"),
        invoice(FIVE_LINES, "150.00", number="0000000002", hospital="")]
policy = Policy.example_county()
ins = Insured(GRANDMA, scheme="resident", registered=False)


def once() -> str:
    r = audit_claim(docs, ins, cat, policy, today=TODAY)
    return json.dumps(r.as_json(), ensure_ascii=False)


once()
best = []
for _ in range(5):
    t = time.perf_counter()
    for _ in range(50):
        out = once()
    best.append((time.perf_counter() - t) / 50 * 1000)
r = audit_claim(docs, ins, cat, policy, today=TODAY)
print(f"audit + as_json + dumps: best {min(best):.2f} ms, median {sorted(best)[2]:.2f} ms "
      f"({len(r.findings)} findings, {len(r.estimate.steps)} steps, {len(out)} chars)")
