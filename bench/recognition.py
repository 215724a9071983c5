#!/usr/bin/env python3
"""Recognition benchmark: accuracy against labels, and speed against the bare engine.

    python bench/recognition.py --data ../shared/data/dev-v1 [--out bench/out] [--limit N]

Prints and writes (OUT/recognition.json):
- the scorer's figures (../shared/tools/score_receipts.py): per-field accuracy, item F1,
  silent wrong totals, latency;
- latency: our whole pipeline (file bytes → JSON) and the bare RapidOCR engine with its
  shipped defaults, on the same images, interleaved (A B, B A, ...) so machine drift hits
  both alike; medians and the ratio ours / bare;
- throughput: a stack of 20 receipts on both cores;
- cold start (a fresh interpreter: import + load models) and peak memory (a fresh
  interpreter reading the 20-receipt stack).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.config import OcrSettings  # noqa: E402
from kiosk.recognition.pipeline import Recognizer  # noqa: E402
from kiosk.recognition.preprocess import ImageRejected  # noqa: E402

DEFAULT_SCORER = ROOT.parent / "shared" / "tools" / "score_receipts.py"


def images_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir()
                  if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp"))


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.node()}: {os.cpu_count()} cores, {cpu}, {mem:.0f} GiB, Python {platform.python_version()}"


def _fresh(script: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True,
                         text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def cold_start() -> dict[str, float]:
    return _fresh("""
        import json, time
        t0 = time.perf_counter()
        from kiosk.config import OcrSettings
        from kiosk.recognition.pipeline import Recognizer
        r = Recognizer(OcrSettings())
        r.load()
        print(json.dumps({"cold_start_s": time.perf_counter() - t0}))
    """)


def stack_run(paths: list[Path]) -> dict[str, float]:
    """Throughput and peak memory of a 20-receipt stack, in its own interpreter."""
    return _fresh(f"""
        import json, resource, time
        from kiosk.config import OcrSettings
        from kiosk.recognition.batch import StackRecognizer
        paths = {[str(p) for p in paths]!r}
        stack = StackRecognizer(OcrSettings(), workers=2)
        t0 = time.perf_counter()
        n = sum(1 for _ in stack.run(paths))
        wall = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({{"stack_n": n, "stack_s": wall, "per_min": n / wall * 60,
                          "peak_mb": peak}}))
    """)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path, help="folder of images + NNNN.json labels")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--scorer", type=Path, default=DEFAULT_SCORER)
    ap.add_argument("--limit", type=int, help="only the first N images")
    ap.add_argument("--no-bare", action="store_true", help="skip timing the bare engine")
    a = ap.parse_args(argv)

    paths = images_in(a.data)[: a.limit] if a.limit else images_in(a.data)
    a.out.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}")
    print(f"images: {len(paths)} from {a.data}")

    cold = cold_start()
    print(f"cold start (import + load models, fresh interpreter): {cold['cold_start_s']:.2f} s")

    ours = Recognizer(OcrSettings())
    ours.load()
    bare = None
    if not a.no_bare:
        from rapidocr import RapidOCR
        bare = RapidOCR()  # the shipped defaults, as a user of the library gets them
        bare(str(paths[0]))  # its models load lazily: keep that out of the timings

    preds = a.out / "predictions.jsonl"
    t_ours: list[float] = []
    t_bare: list[float] = []
    rejected = []
    with preds.open("w", encoding="utf-8") as fh:
        for i, p in enumerate(paths):
            order = ("ours", "bare") if i % 2 == 0 else ("bare", "ours")
            for who in order:
                if who == "bare":
                    if bare is None:
                        continue
                    t0 = time.perf_counter()
                    bare(str(p))
                    t_bare.append((time.perf_counter() - t0) * 1000)
                    continue
                t0 = time.perf_counter()
                try:
                    doc = ours.recognize_file(p)
                except ImageRejected as exc:
                    rejected.append(f"{p.name}: {exc.code}")
                    continue
                t_ours.append((time.perf_counter() - t0) * 1000)
                doc["image"] = p.name
                fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
            print(f"  {p.name}: ours {t_ours[-1]:.0f} ms" + (f", bare {t_bare[-1]:.0f} ms" if t_bare else ""),
                  flush=True)

    scored = subprocess.run([sys.executable, str(a.scorer), str(preds), str(a.data), "--json"],
                            capture_output=True, text=True, check=True)
    summary = json.loads(scored.stdout)
    subprocess.run([sys.executable, str(a.scorer), str(preds), str(a.data)], check=True)

    stack_paths = (paths * ((20 // len(paths)) + 1))[:20]
    stack = stack_run(stack_paths)

    med_ours = statistics.median(t_ours)
    result = {
        "machine": machine(),
        "images": len(paths),
        "rejected": rejected,
        "score": summary,
        "latency_ms_median_ours": med_ours,
        "latency_ms_median_bare": statistics.median(t_bare) if t_bare else None,
        "ratio_ours_to_bare": med_ours / statistics.median(t_bare) if t_bare else None,
        **cold, **stack,
    }
    (a.out / "recognition.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print()
    print(f"key-field accuracy {summary['key_field_accuracy']:.1%}   item F1 {summary['item_f1']:.1%}"
          f"   silent wrong totals {summary['silent_total_errors']}")
    for grp, v in summary["per_group_key_accuracy"].items():
        print(f"  {grp:26s} {v:.1%}")
    line = f"latency median: ours {med_ours:.0f} ms"
    if t_bare:
        line += f", bare engine {result['latency_ms_median_bare']:.0f} ms, ratio {result['ratio_ours_to_bare']:.2f}"
    print(line)
    print(f"stack of 20 on both cores: {stack['stack_s']:.1f} s, {stack['per_min']:.1f} receipts/min,"
          f" peak memory {stack['peak_mb']:.0f} MB")
    print(f"cold start {cold['cold_start_s']:.2f} s")
    if rejected:
        print("rejected:", ", ".join(rejected))
    return 0


if __name__ == "__main__":
    sys.exit(main())
