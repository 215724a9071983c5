#!/usr/bin/env python3
"""UI responsiveness: the longest event-loop stall while a full claim goes through the app.

    python bench/ui_stall.py [--runs 3] [--out bench/out]

Builds the real app (`kiosk.app.compose`) offscreen on a throw-away home, with the real OCR,
then per run: start → ID number → sample receipt → OCR on its thread → audit on the database
thread → review → confirm → claim filed → start. A 5 ms QTimer ticks throughout; a stall is
the gap between two ticks beyond the 5 ms period. The issue's bar: no stall over 100 ms.
Start-up is measured on its own: the first frame of the start screen (from the interpreter's
start), then the longest stall while the catalog and the OCR models load behind it. Writes OUT/ui_stall.json.
"""

from __future__ import annotations

import time as _time

START = _time.perf_counter()  # before the imports: the first frame counts them too

import argparse  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from support.render import einvoice  # noqa: E402

from kiosk.app import compose  # noqa: E402
from kiosk.core.config import load_settings  # noqa: E402
from kiosk.store.samples import sample_id_number  # noqa: E402


class StallMeter:
    def __init__(self, period_ms: int = 5) -> None:
        self.period = period_ms / 1000
        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(period_ms)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last - self.period)
        self._last = now

    def start(self) -> None:
        self.gaps.clear()
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return max(self.gaps, default=0.0) * 1000


def wait_until(cond, timeout_s: float = 120.0) -> None:
    end = time.perf_counter() + timeout_s
    loop = QEventLoop()
    while not cond():
        if time.perf_counter() > end:
            raise SystemExit("ui_stall: timed out")
        QTimer.singleShot(10, loop.quit)
        loop.exec()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = ap.parse_args()
    app = QApplication([])
    results = []
    with tempfile.TemporaryDirectory() as home:
        settings = load_settings(home)
        images: dict[int, bytes] = {}  # rendered after start-up: not part of the first frame
        current = {"run": 0}
        meter = StallMeter()
        t0 = START  # from the interpreter's start: imports, store, screens, first paint
        kiosk = compose(app, settings, load_ocr=True,
                        sample=lambda: (images[current["run"]], f"r{current['run']}.jpg"),
                        idle_ms=(3_600_000, 60_000), excepthook=False)
        w = kiosk.window
        first: dict[str, float] = {}
        w.first_frame.connect(lambda: first.setdefault("at", time.perf_counter()))
        w.resize(1080, 1920)
        w.show()
        meter.start()
        wait_until(lambda: "at" in first)
        first_frame = first["at"] - t0
        wait_until(lambda: kiosk.ocr.ready and kiosk.desk._catalog is not None)
        startup = {"first_frame_s": round(first_frame, 2),
                   "loading_longest_stall_ms": round(meter.stop(), 1),
                   "ready_s": round(time.perf_counter() - t0, 2)}
        print(f"start-up: first frame {first_frame:.2f} s after the interpreter started; "
              f"catalog and OCR models load behind the start screen: longest stall "
              f"{startup['loading_longest_stall_ms']} ms, ready after {startup['ready_s']} s")
        for run in range(args.runs):
            buf = io.BytesIO()
            einvoice(100 + run)[0].convert("RGB").save(buf, "JPEG", quality=90)
            images[run] = buf.getvalue()
        filed: list[int] = []
        kiosk.claims.claim_filed.connect(filed.append)
        try:
            for run in range(args.runs):
                current["run"] = run
                meter.start()
                t0 = time.perf_counter()
                w.start.file_claim.emit()
                for ch in sample_id_number(200 + run):
                    w.resident_id.type_char(ch)
                w.resident_id.submit()
                w.capture.sample_requested.emit()
                wait_until(lambda: w.current_screen() == "review")
                t_review = time.perf_counter() - t0
                w.review.confirmed.emit()
                wait_until(lambda r=run: len(filed) == r + 1)
                w.done.finished.emit()
                worst = meter.stop()
                results.append({"run": run, "ticks": len(meter.gaps),
                                "longest_stall_ms": round(worst, 1),
                                "to_review_s": round(t_review, 2),
                                "whole_claim_s": round(time.perf_counter() - t0, 2)})
                print(f"run {run}: longest stall {worst:.1f} ms, review after {t_review:.2f} s")
        finally:
            kiosk.close()
    args.out.mkdir(parents=True, exist_ok=True)
    out = {"machine": platform.platform(), "cpus": os.cpu_count(), "startup": startup,
           "runs": results,
           "worst_ms": max(r["longest_stall_ms"] for r in results)}
    (args.out / "ui_stall.json").write_text(json.dumps(out, indent=1))
    print(f"worst stall during a claim: {out['worst_ms']} ms (bar: 100 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
