#!/usr/bin/env python3
"""Compare OCR engine settings on a labelled folder: accuracy and time for each.

    python bench/engine_settings.py --data ../shared/data/dev-v1 [--limit 20]

Checks two claims the configuration rests on, in one run so machine drift hits all alike:
- detection limited to 960 px on the long side reads receipts as well as 2000 px, faster;
- for a stack, one onnxruntime thread per engine on two engines beats one engine on two.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.core.config import OcrSettings  # noqa: E402
from kiosk.recognition.batch import StackRecognizer  # noqa: E402
from kiosk.recognition.pipeline import Recognizer  # noqa: E402

SCORER = ROOT.parent / "shared" / "tools" / "score_receipts.py"


def score(preds: list[dict], data: Path) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        for p in preds:
            fh.write(json.dumps(p, ensure_ascii=False) + "\n")
    out = subprocess.run([sys.executable, str(SCORER), fh.name, str(data), "--json", "--subset"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--limit", type=int, default=20)
    a = ap.parse_args()
    paths = sorted(p for p in a.data.iterdir() if p.suffix in (".jpg", ".png"))[: a.limit]

    variants = {"det 960": OcrSettings(det_limit_side=960), "det 2000": OcrSettings(det_limit_side=2000)}
    recs = {k: Recognizer(v) for k, v in variants.items()}
    for r in recs.values():
        r.load()
    times: dict[str, list[float]] = {k: [] for k in recs}
    preds: dict[str, list[dict]] = {k: [] for k in recs}
    for i, p in enumerate(paths):
        keys = list(recs) if i % 2 == 0 else list(reversed(recs))
        for k in keys:
            t0 = time.perf_counter()
            doc = recs[k].recognize_file(p)
            times[k].append((time.perf_counter() - t0) * 1000)
            doc["image"] = p.name
            preds[k].append(doc)
    print(f"{len(paths)} images")
    for k in recs:
        s = score(preds[k], a.data)
        print(f"{k:10s} median {statistics.median(times[k]):6.0f} ms   key fields "
              f"{s['key_field_accuracy']:.1%}   item F1 {s['item_f1']:.1%}")

    for workers, threads in ((1, 2), (2, 1)):
        stack = StackRecognizer(OcrSettings(threads=threads), workers=workers)
        list(stack.run(paths[:2]))  # load the engines outside the timing
        t0 = time.perf_counter()
        n = sum(1 for _ in stack.run(paths))
        wall = time.perf_counter() - t0
        print(f"stack: {workers} engine(s) × {threads} thread(s): {n / wall * 60:.1f} receipts/min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
