"""Benchmark: N queued claims with images drain to a local county server; claims/s and memory.

    .venv/bin/python bench/sync.py                    # 1,000 claims, one 200 KB image each
    .venv/bin/python bench/sync.py --claims 250       # a quick run

The queue is built first by a child process (so its memory does not count), then this
process opens the store and runs `SyncWorker.run_once` against `python -m county serve` on
127.0.0.1 (a subprocess, so the server's memory does not count either). Every claim goes the
full way: queued → uploading (durable), HEAD + PUT of each image decrypted from the store,
PUT of the claim JSON, → accepted (durable), then the status feed. RSS is sampled from
/proc/self/status as claims are delivered; VmHWM is the peak.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from kiosk.store import ClaimStore, NewDocument
from kiosk.store.samples import sample_recognition, sample_resident
from kiosk.sync.client import CountyClient
from kiosk.sync.demo import enrol_code, start_county
from kiosk.sync.runner import enrol_device
from kiosk.sync.worker import SyncSnapshot, SyncWorker


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def prepare(home: Path, claims: int, images: int, image_kb: int) -> None:
    with ClaimStore(home) as store:
        for i in range(claims):
            seed = 7_000_000 + i
            docs = [NewDocument(sample_recognition(seed * 10 + j),
                                b"\xff\xd8\xff\xe0" + os.urandom(image_kb * 1024))
                    for j in range(images)]
            cid = store.create_claim(sample_resident(seed), docs, assistant="bench")
            store.confirm(cid, actor="bench")
            store.queue(cid, actor="bench")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--claims", type=int, default=1000)
    ap.add_argument("--images", type=int, default=1, help="images per claim")
    ap.add_argument("--image-kb", type=int, default=200)
    ap.add_argument("--dir", default=None, help="where the temporary homes go")
    ap.add_argument("--prepare", metavar="HOME", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.prepare:
        prepare(Path(args.prepare), args.claims, args.images, args.image_kb)
        return 0

    root = Path(tempfile.mkdtemp(prefix="kiosk-bench-sync-", dir=args.dir))
    home, data = root / "kiosk", root / "county"
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    try:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--prepare", str(home), "--claims",
                        str(args.claims), "--images", str(args.images), "--image-kb",
                        str(args.image_kb)], check=True)
        print(f"queued {args.claims} claims × {args.images} image(s) of {args.image_kb} KB "
              f"in {time.perf_counter() - t0:.1f} s")
        proc, url = start_county(data, 0)
        try:
            cred = enrol_device(home, url, enrol_code(data), "bench kiosk", None)
            samples: dict[int, int] = {}
            marks = sorted({args.claims // 4, args.claims // 2, 3 * args.claims // 4,
                            args.claims})

            last_delivery = [0.0]

            def sample(snap: SyncSnapshot) -> None:
                if snap.delivered in marks and snap.delivered not in samples:
                    samples[snap.delivered] = _status_kb("VmRSS")
                    last_delivery[0] = time.perf_counter()

            with ClaimStore(home) as store:
                before = _status_kb("VmRSS")
                worker = SyncWorker(store, home, lambda: CountyClient(
                    cred, timeout=httpx.Timeout(30.0)), on_change=sample, pull_updates=False)
                started = time.perf_counter()
                code, message = worker.run_once()
                elapsed = time.perf_counter() - started
            print(f"sync --once: exit {code}: {message}")
            n = worker.snapshot().delivered
            mb = n * args.images * args.image_kb / 1024
            sending = last_delivery[0] - started
            print(f"delivered {n} claims in {sending:.1f} s: {n / sending:.1f} claims/s, "
                  f"{mb / sending:.1f} MB/s of images; then the status feed "
                  f"({n} events) in {elapsed - sending:.1f} s; {elapsed:.1f} s in all")
            print(f"load average afterwards: {os.getloadavg()[0]:.1f}")
            print(f"RSS before the drain: {before / 1024:.1f} MB")
            for mark in marks:
                print(f"RSS after {mark:>5} delivered: {samples.get(mark, 0) / 1024:.1f} MB")
            print(f"peak RSS (VmHWM) of the kiosk process: {_status_kb('VmHWM') / 1024:.1f} MB")
            return code
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
