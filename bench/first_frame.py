#!/usr/bin/env python3
"""Start-up as the resident sees it: how long after `kiosk` is launched the first frame
appears, when the real start screen replaces it, and the longest stall while the catalog and
the OCR models load behind the start screen.

    python bench/first_frame.py [--runs 3]

Each run is a fresh interpreter (offscreen, a throw-away home) doing what `kiosk` does:
`kiosk.ui.splash.show_splash()` first, then `kiosk.app.compose` with the real OCR, the
window at the screen's geometry, the splash closed. Times are from just before the child
process was started, so the interpreter's own start is counted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, time
from kiosk.ui.splash import close_splash, show_splash
splash = show_splash()
painted = time.time() - (time.perf_counter() - splash.painted_at)
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from kiosk.app import compose
from kiosk.core.config import load_settings
app = QApplication.instance()
kiosk = compose(app, load_settings(sys.argv[1]), excepthook=False, sync=False)
w = kiosk.window
first = {}
w.first_frame.connect(lambda: first.setdefault("at", time.time()))
w.fill_screen()
close_splash()
gaps, last = [], [time.perf_counter()]
def tick():
    now = time.perf_counter(); gaps.append(now - last[0] - 0.005); last[0] = now
timer = QTimer(); timer.setInterval(5); timer.timeout.connect(tick); timer.start()
loop = QEventLoop()
end = time.time() + 300
while not (kiosk.ocr.ready and kiosk.desk._catalog is not None and "at" in first):
    if time.time() > end:
        raise SystemExit("timed out")
    QTimer.singleShot(10, loop.quit); loop.exec()
timer.stop()
print(json.dumps({"splash": painted, "start_screen": first["at"], "ready": time.time(),
                  "loading_stall_ms": max(gaps, default=0) * 1000}))
kiosk.close()
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    rows = []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as home:
            t0 = time.time()
            done = subprocess.run([sys.executable, "-c", CHILD, home], env=env, cwd=ROOT,
                                  capture_output=True, text=True, timeout=600, check=False)
            if done.returncode != 0:
                print(done.stderr[-2000:], file=sys.stderr)
                return 1
            got = json.loads(done.stdout.strip().splitlines()[-1])
            row = {"first_frame_s": round(got["splash"] - t0, 2),
                   "start_screen_s": round(got["start_screen"] - t0, 2),
                   "ready_s": round(got["ready"] - t0, 2),
                   "loading_longest_stall_ms": round(got["loading_stall_ms"], 1)}
            rows.append(row)
            print(f"run {run}: first frame {row['first_frame_s']} s, start screen "
                  f"{row['start_screen_s']} s, OCR ready {row['ready_s']} s, longest stall "
                  f"while loading {row['loading_longest_stall_ms']} ms")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
