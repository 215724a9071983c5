"""Benchmark: confirm N claims with one image each; report claims/s, sizes and list times.

    .venv/bin/python bench/claims.py                  # 10,000 claims, 300 KB images
    .venv/bin/python bench/claims.py --claims 500     # a quick run

Each claim is created (image encrypted, written, fsynced and renamed, then the row
committed), confirmed and queued: three transactions, the last two with synchronous=FULL,
exactly what `kiosk claims create` does after recognition. The images are random bytes (they
do not compress, like JPEGs). The database goes into a temporary folder on the disk that
holds --dir (default: the system's temporary folder) and is removed afterwards.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kiosk.store import ClaimStore, NewDocument, Status
from kiosk.store.samples import sample_recognition, sample_resident


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _timed(fn: object, repeat: int) -> tuple[float, float]:
    assert callable(fn)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), max(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--claims", type=int, default=10_000)
    ap.add_argument("--image-kb", type=int, default=300)
    ap.add_argument("--dir", default=None, help="where the temporary kiosk home goes")
    ap.add_argument("--keep", action="store_true", help="keep the kiosk home afterwards")
    args = ap.parse_args()

    home = Path(tempfile.mkdtemp(prefix="kiosk-bench-claims-", dir=args.dir))
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}")
    print(f"home: {home}")
    try:
        with ClaimStore(home) as store:
            started = time.perf_counter()
            last = started
            for i in range(args.claims):
                image = os.urandom(args.image_kb * 1024)
                cid = store.create_claim(sample_resident(i),
                                         [NewDocument(sample_recognition(i), image)],
                                         assistant="bench")
                store.confirm(cid, actor="bench")
                store.queue(cid, actor="bench")
                if (i + 1) % 1000 == 0:
                    now = time.perf_counter()
                    print(f"  {i + 1:>6} claims  {1000 / (now - last):6.1f} claims/s",
                          flush=True)
                    last = now
            elapsed = time.perf_counter() - started
            n = args.claims
            print(f"confirmed {n} claims with one {args.image_kb} KB image each in "
                  f"{elapsed:.1f} s: {n / elapsed:.1f} claims/s "
                  f"({elapsed / n * 1000:.1f} ms per claim: create, confirm, queue)")

            db = sum(p.stat().st_size for p in home.glob("claims.sqlite3*"))
            images = _size(home / "images")
            print(f"database: {db / 2**20:.1f} MiB ({db / n:.0f} bytes per claim, WAL "
                  f"included); images: {images / 2**30:.2f} GiB")

            queue_len = len(store.queue_list())
            assert queue_len == n
            med, worst = _timed(store.queue_list, 20)
            print(f"listing the whole queue ({queue_len} claims): median {med:.1f} ms, "
                  f"worst {worst:.1f} ms of 20")
            med, worst = _timed(lambda: store.list_claims(Status.QUEUED, limit=50), 20)
            print(f"listing one screen of the queue (50 claims): median {med:.2f} ms, "
                  f"worst {worst:.2f} ms")
            resident = sample_resident(n // 2)
            med, worst = _timed(lambda: store.find_by_id_number(resident.id_number), 20)
            print(f"finding a resident's claims by ID number: median {med:.2f} ms, "
                  f"worst {worst:.2f} ms")
            t0 = time.perf_counter()
            store.close()
        with ClaimStore(home) as again:
            reopen = (time.perf_counter() - t0) * 1000
            assert len(again.queue_list()) == queue_len
        print(f"closing and re-opening (integrity check, re-queue, orphan sweep): "
              f"{reopen:.0f} ms")
    finally:
        if args.keep:
            print(f"kept {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
