#!/usr/bin/env python3
"""Recognition benchmark: accuracy against labels, and speed against the bare engine.

    python bench/recognition.py --data ../shared/data/dev-v2 [--out bench/out] [--limit N]
                                [--no-bare] [--no-stack]

Prints and writes (OUT/recognition.json):
- the scorer's figures (../shared/tools/score_receipts.py): per-field accuracy, item F1,
  doc_type, silent wrong totals, latency;
- key-field accuracy per layout × capture condition (from the set's manifest.jsonl), with
  the images the quality gate refused counted apart (a refusal is not a wrong value);
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

from kiosk.core.config import OcrSettings  # noqa: E402
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
        from kiosk.core.config import OcrSettings
        from kiosk.recognition.pipeline import Recognizer
        r = Recognizer(OcrSettings())
        r.load()
        print(json.dumps({"cold_start_s": time.perf_counter() - t0}))
    """)


def stack_run(paths: list[Path]) -> dict[str, float]:
    """Throughput and peak memory of a 20-receipt stack, in its own interpreter."""
    return _fresh(f"""
        import json, time
        from kiosk.core.config import OcrSettings
        from kiosk.recognition.batch import StackRecognizer
        paths = {[str(p) for p in paths]!r}
        stack = StackRecognizer(OcrSettings(), workers=2)
        t0 = time.perf_counter()
        n = sum(1 for _ in stack.run(paths))
        wall = time.perf_counter() - t0
        # VmHWM, not ru_maxrss: ru_maxrss keeps the forking parent's size across exec, so
        # after a full run (two engines in the parent) it reported the bench, not the stack.
        with open("/proc/self/status") as f:
            peak = next(int(ln.split()[1]) for ln in f if ln.startswith("VmHWM:")) / 1024
        print(json.dumps({{"stack_n": n, "stack_s": wall, "per_min": n / wall * 60,
                          "peak_mb": peak}}))
    """)


def _load_scorer(path: Path):  # type: ignore[no-untyped-def]
    import importlib.util
    spec = importlib.util.spec_from_file_location("score_receipts", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def layout_table(scorer_path: Path, preds: Path, data: Path, refused: dict[str, str]
                 ) -> dict[str, dict[str, dict[str, float | int]]]:
    """Key-field accuracy per layout × capture condition, refusals counted apart.

    `acc` is over the images that were read (a refusal with its reason is not a wrong
    value); `acc_all` counts a refused image's key fields as missed.
    """
    sc = _load_scorer(scorer_path)
    man = data / "manifest.jsonl"
    meta = {}
    if man.exists():
        for line in man.read_text(encoding="utf-8").splitlines():
            if line.strip():
                m = json.loads(line)
                meta[Path(m["image"]).name] = m
    got = {}
    for line in preds.read_text(encoding="utf-8").splitlines():
        if line.strip():
            p = json.loads(line)
            got[Path(p["image"]).name] = p
    cells: dict[str, dict[str, dict[str, float | int]]] = {}
    for name, m in meta.items():
        label = data / m.get("label", Path(name).with_suffix(".json").name)
        if not label.exists() or (name not in got and name not in refused):
            continue  # not in this run (--limit)
        gold = json.loads(label.read_text(encoding="utf-8"))
        c = cells.setdefault(m.get("template", "?"), {}).setdefault(
            m.get("condition", "?"), {"images": 0, "refused": 0, "right": 0, "seen": 0,
                                      "seen_read": 0, "doc_ok": 0})
        c["images"] += 1
        pred = got.get(name)
        if pred is None:
            c["refused"] += 1
        else:
            c["doc_ok"] += int(pred.get("doc_type") == gold.get("doc_type"))
        for f in sc.KEY_FIELDS:
            gv = sc.norm(f, gold.get(f))
            if gv is None:
                continue
            c["seen"] += 1
            if pred is None:
                continue
            c["seen_read"] += 1
            c["right"] += int(sc.norm(f, pred.get(f)) == gv)
    for by_cond in cells.values():
        for c in by_cond.values():
            c["acc"] = c["right"] / c["seen_read"] if c["seen_read"] else 0.0
            c["acc_all"] = c["right"] / c["seen"] if c["seen"] else 0.0
    return cells


def print_layout_table(cells: dict[str, dict[str, dict[str, float | int]]]) -> None:
    conds = [c for c in ("clean", "scan", "photo", "hard")
             if any(c in by for by in cells.values())]
    conds += sorted({c for by in cells.values() for c in by} - set(conds))
    print("key fields per layout × condition (over images read; refused in brackets):")
    print(f"  {'layout':14s}" + "".join(f"{c:>16s}" for c in conds))
    for layout in sorted(cells):
        row = f"  {layout:14s}"
        for cond in conds:
            c = cells[layout].get(cond)
            if c is None:
                row += f"{'-':>11s}{'':5s}"
                continue
            mark = f" ({c['refused']})" if c["refused"] else ""
            row += f"{c['acc']:>11.1%}{mark:5s}"
        print(row)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path, help="folder of images + NNNN.json labels")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--scorer", type=Path, default=DEFAULT_SCORER)
    ap.add_argument("--limit", type=int, help="only the first N images")
    ap.add_argument("--no-bare", action="store_true", help="skip timing the bare engine")
    ap.add_argument("--no-stack", action="store_true", help="skip the 20-receipt stack run")
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
    refused: dict[str, str] = {}
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
                    refused[p.name] = exc.code
                    continue
                t_ours.append((time.perf_counter() - t0) * 1000)
                doc["image"] = p.name
                fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
            ours_ms = "refused" if p.name in refused else f"{t_ours[-1]:.0f} ms"
            print(f"  {p.name}: ours {ours_ms}" + (f", bare {t_bare[-1]:.0f} ms" if t_bare else ""),
                  flush=True)

    scored = subprocess.run([sys.executable, str(a.scorer), str(preds), str(a.data), "--json"],
                            capture_output=True, text=True, check=True)
    summary = json.loads(scored.stdout)
    subprocess.run([sys.executable, str(a.scorer), str(preds), str(a.data)], check=True)

    cells = layout_table(a.scorer, preds, a.data, refused)

    stack_paths = (paths * ((20 // len(paths)) + 1))[:20]
    stack = stack_run(stack_paths) if not a.no_stack else {"stack_n": 0, "stack_s": 0.0,
                                                           "per_min": 0.0, "peak_mb": 0.0}

    med_ours = statistics.median(t_ours)
    result = {
        "machine": machine(),
        "images": len(paths),
        "rejected": rejected,
        "score": summary,
        "per_layout_condition": cells,
        "latency_ms_median_ours": med_ours,
        "latency_ms_median_bare": statistics.median(t_bare) if t_bare else None,
        "ratio_ours_to_bare": med_ours / statistics.median(t_bare) if t_bare else None,
        **cold, **stack,
    }
    (a.out / "recognition.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print()
    print_layout_table(cells)
    print(f"key-field accuracy {summary['key_field_accuracy']:.1%} (refused images count as missed)"
          f"   item F1 {summary['item_f1']:.1%}   doc_type {summary['doc_type_accuracy']:.1%}"
          f"   silent wrong totals {summary['silent_total_errors']}")
    print(f"refused by the quality gate: {len(rejected)} of {len(paths)}"
          + (" (" + ", ".join(rejected) + ")" if rejected else ""))
    for grp, v in summary["per_group_key_accuracy"].items():
        print(f"  {grp:26s} {v:.1%}")
    line = f"latency median: ours {med_ours:.0f} ms"
    if t_bare:
        line += f", bare engine {result['latency_ms_median_bare']:.0f} ms, ratio {result['ratio_ours_to_bare']:.2f}"
    print(line)
    if not a.no_stack:
        print(f"stack of 20 on both cores: {stack['stack_s']:.1f} s, {stack['per_min']:.1f} receipts/min,"
              f" peak memory {stack['peak_mb']:.0f} MB")
    print(f"cold start {cold['cold_start_s']:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
