#!/usr/bin/env python3
"""Capture benchmark: the camera preview loop's frame rate and the quality gate's cost.

    python bench/capture.py [--frames 120] [--out bench/out]

On generated frames (a rendered e-invoice on a textured plate, sliding in then lying still,
with sensor noise) at 1280×720 and 1920×1080:
- preview loop: `CameraWorker.process` per frame (shrink to the 960 px preview, outline on a
  320 px copy, stillness, outline drawn), auto-capture off so only the per-frame work counts;
- end to end: the worker thread reading an MJPG video through OpenCV (decode + the above),
  the closest stand-in for a USB camera's MJPG stream;
- quality gate: `assess` on a full-resolution still (good, blurred, dark, glare), median;
- QR decode on a still (once per capture).
Writes OUT/capture.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from kiosk.core.config import CameraSettings  # noqa: E402
from kiosk.scanner.camera import CameraWorker, Preview  # noqa: E402
from kiosk.scanner.qr import read_qr  # noqa: E402
from kiosk.scanner.quality import assess  # noqa: E402
from tests.support.imagegen import blur, darken  # noqa: E402
from tests.support.scenes import add_glare, einvoice_page, noisy, on_plate  # noqa: E402


def frames_for(page: np.ndarray, size: tuple[int, int], n: int) -> list[np.ndarray]:
    moving = n // 3
    out = []
    for i in range(moving):
        dx = 0.4 * (1 - i / moving)
        out.append(noisy(on_plate(page, size, (0.2 + dx, 0.1, 0.8 + dx, 0.9)), i))
    rest = on_plate(page, size, (0.2, 0.1, 0.8, 0.9))
    out += [noisy(rest, 1000 + i) for i in range(n - moving)]
    return out


def preview_fps(frames: list[np.ndarray], settings: CameraSettings) -> float:
    sink: list[Preview] = []
    worker = CameraWorker(settings, on_preview=sink.append)
    worker.process(frames[0])  # warm-up
    sink.clear()
    t0 = time.perf_counter()
    for f in frames:
        worker.process(f)
    dt = time.perf_counter() - t0
    assert len(sink) == len(frames)
    return len(frames) / dt


def video_fps(frames: list[np.ndarray], settings_kw: dict) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.avi")
        h, w = frames[0].shape[:2]
        writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"MJPG"), 30, (w, h))
        for f in frames:
            writer.write(f)
        writer.release()
        count = [0]

        def on_preview(_: Preview) -> None:
            count[0] += 1

        worker = CameraWorker(CameraSettings(device=path, **settings_kw), on_preview=on_preview)
        t0 = time.perf_counter()
        worker.start()
        worker.join()
        dt = time.perf_counter() - t0
    return count[0] / dt


def median3(run: Callable[[], float]) -> float:
    """Median of three runs: the first often pays for OpenCV's thread pool and caches."""
    return round(statistics.median(run() for _ in range(3)), 1)


def gate_ms(frame: np.ndarray, repeat: int) -> float:
    assess(frame)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        assess(frame)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def measure(frames: list[np.ndarray], size: tuple[int, int], repeat: int) -> dict:
    still = frames[-1]
    off = CameraSettings(auto_capture=False)
    r: dict = {
        "preview_fps": median3(lambda: preview_fps(frames, off)),
        "preview_fps_auto_capture_on": median3(lambda: preview_fps(frames, CameraSettings())),
        "mjpg_video_fps": median3(lambda: video_fps(frames, {"auto_capture": False})),
        "gate_ms": {
            "good": round(gate_ms(still, repeat), 1),
            "blurred": round(gate_ms(blur(still, 3.0), repeat), 1),
            "dark": round(gate_ms(darken(still, 0.3), repeat), 1),
            "glare": round(gate_ms(add_glare(still, (0.45, 0.45), size[1] / 12), repeat), 1),
        },
    }
    t0 = time.perf_counter()
    qr = read_qr(still)
    r["qr_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    r["qr_found"] = qr is not None
    return r



def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", type=int, default=120)
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = ap.parse_args()
    page = einvoice_page(7, qr_text="01,10,32345678,0012345678,123.45,20260315,k7m2p9,A1B2")
    results: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                 "opencv": cv2.__version__, "cv2_threads": cv2.getNumThreads()},
                     "sizes": {}}
    for size in ((1280, 720), (1920, 1080)):
        r = measure(frames_for(page, size, args.frames), size, args.repeat)
        results["sizes"][f"{size[0]}x{size[1]}"] = r
        print(f"{size[0]}x{size[1]}: {json.dumps(r)}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "capture.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
