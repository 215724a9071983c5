"""`township-kiosk --self-test`: is this kiosk fit to serve residents? Qt-free.

Each check says what it found in one line; the command exits 1 naming the failed checks, 0
when all pass. The result is also written to `<home>/selftest.json`, which the daily timer
(`township-kiosk-selftest.timer`) refreshes and the technician reads under ⚙.

The checks never take what the running app holds: the database is opened read-only, the
camera is looked for, not opened (the app may be streaming from it), and the OCR engine is a
second instance reading the bundled sample receipt.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from kiosk.core.config import Settings, load_settings
from kiosk.core.health import Check, record

SAMPLE = Path("samples") / "einvoice.jpg"
MIN_FREE_BYTES = 1 << 30  # below this a day of claims with photos may not fit
QUEUE_MAX_AGE_S = 3 * 86400  # a claim waiting longer means the county has not been reached
EARLIEST_CLOCK = 1735689600.0  # 2025-01-01 UTC: a clock before this lost its battery
CLOCK_SLACK_S = 600.0


def resources_dir() -> Path:
    """The kiosk's resources/ beside the package (a checkout, or the PyInstaller folder);
    the same place `kiosk.ui.styles.resources_dir` names, without importing the UI."""
    return Path(__file__).resolve().parents[2] / "resources"


def check_engine(settings: Settings, resources: Path) -> Check:
    from kiosk.recognition.pipeline import Recognizer

    sample = resources / SAMPLE
    if not sample.is_file():
        return Check("ocr", False, f"the bundled sample receipt {sample} is missing")
    t0 = time.perf_counter()
    try:
        doc = Recognizer(settings.ocr).recognize_file(sample)
    except Exception as exc:  # any failure of the engine is the finding, not a crash
        return Check("ocr", False, f"the {settings.ocr.engine} engine failed on the sample "
                                   f"receipt: {type(exc).__name__}: {exc}")
    took = time.perf_counter() - t0
    if doc.get("doc_type") in (None, "unknown") or doc.get("total") is None:
        return Check("ocr", False, f"the {settings.ocr.engine} engine read the sample receipt "
                                   f"as {doc.get('doc_type')!r} without a total")
    return Check("ocr", True, f"{settings.ocr.engine} read the sample receipt "
                              f"({doc['doc_type']}, total {doc['total']}) in {took:.1f} s")


def check_database(settings: Settings) -> Check:
    from kiosk.store.schema import HEAD_REVISION, MIGRATIONS

    path = Path(settings.store.database)
    if not path.exists():
        return Check("database", True, f"no claim database yet ({path} is made at first use)")
    known = {HEAD_REVISION} | {p.name.split("_", 1)[0]
                               for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py")}
    try:
        db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error as exc:
        return Check("database", False, f"{path} cannot be opened: {exc}")
    try:
        rows = db.execute("PRAGMA quick_check").fetchall()
        if [tuple(r) for r in rows] != [("ok",)]:
            return Check("database", False, f"{path} failed its integrity check: "
                                            + "; ".join(str(r[0]) for r in rows[:3]))
        row = db.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error as exc:
        return Check("database", False, f"{path} cannot be read: {exc}")
    finally:
        db.close()
    revision = None if row is None else str(row[0])
    if revision not in known:
        return Check("database", False, f"{path} has schema revision {revision!r}, which this "
                                        "version does not know (written by a newer version? "
                                        "see `township-kiosk backup list`)")
    return Check("database", True, f"{path} passed its integrity check (schema {revision})")


def check_disk(settings: Settings, min_free: int = MIN_FREE_BYTES) -> Check:
    if not settings.home.is_dir():
        return Check("disk", False, f"the kiosk's home folder {settings.home} is not there "
                                    "(KIOSK_HOME, or the package's /var/lib/township-kiosk)")
    usage = shutil.disk_usage(settings.home)
    free_mb = usage.free // (1 << 20)
    if usage.free < min_free:
        return Check("disk", False, f"only {free_mb} MB free for {settings.home} "
                                    f"(at least {min_free >> 20} MB needed)")
    return Check("disk", True, f"{free_mb} MB free for {settings.home}")


def check_camera(settings: Settings, dev: Path = Path("/dev")) -> Check:
    device = settings.camera.device
    path = dev / f"video{device}" if device.isdigit() else Path(device)
    if not path.exists():
        return Check("camera", False, f"the document camera {device!r} is not there ({path} "
                                      "is missing): check its cable, or choose it under ⚙")
    return Check("camera", True, f"the document camera {device!r} is there ({path})")


def check_scanner(settings: Settings, timeout_s: float = 30.0) -> Check:
    from kiosk.scanner.flatbed import list_devices
    from kiosk.scanner.messages import CaptureError

    device = settings.scanner.device
    if not device:
        return Check("scanner", True, "no flatbed scanner configured")
    try:
        names = [d.name for d in list_devices(timeout_s)]
    except CaptureError as exc:
        return Check("scanner", False, f"cannot ask SANE for scanners: {exc.detail}")
    if device not in names:
        return Check("scanner", False, f"the scanner {device!r} is not there (SANE sees "
                                       f"{', '.join(names) or 'none'})")
    return Check("scanner", True, f"the scanner {device!r} is there")


def _latest_write(path: Path) -> float | None:
    stamps = [p.stat().st_mtime for p in (path, path.with_name(path.name + "-wal"))
              if p.exists()]
    return max(stamps) if stamps else None


def check_clock(settings: Settings, now: float | None = None) -> Check:
    now = time.time() if now is None else now
    shown = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(now))
    if now < EARLIEST_CLOCK:
        return Check("clock", False, f"the clock says {shown}: set the date and time")
    last = _latest_write(Path(settings.store.database))
    if last is not None and now + CLOCK_SLACK_S < last:
        return Check("clock", False, f"the clock says {shown}, before the database was last "
                                     "written: the clock went back; set the date and time")
    return Check("clock", True, f"the clock says {shown}")


def check_queue(settings: Settings, now: float | None = None,
                max_age_s: float = QUEUE_MAX_AGE_S) -> Check:
    now = time.time() if now is None else now
    path = Path(settings.store.database)
    if not path.exists():
        return Check("queue", True, "no claims waiting")
    try:
        db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=10)
        try:
            count, oldest = db.execute(
                "SELECT count(*), min(coalesce(confirmed_at, created_at)) FROM claims "
                "WHERE status IN ('queued', 'uploading')").fetchone()
        finally:
            db.close()
    except sqlite3.Error as exc:
        return Check("queue", False, f"cannot read the upload queue: {exc}")
    if not count:
        return Check("queue", True, "no claims waiting")
    age_h = (now - float(oldest)) / 3600
    if now - float(oldest) > max_age_s:
        return Check("queue", False, f"{count} claims waiting, the oldest for {age_h:.0f} h: "
                                     "the county server has not been reached; check the "
                                     "network and the server address under ⚙")
    return Check("queue", True, f"{count} claims waiting, the oldest for {age_h:.1f} h")


def run_checks(settings: Settings, *, resources: Path | None = None) -> list[Check]:
    resources = resources or resources_dir()
    checks: list[Callable[[], Check]] = [
        lambda: check_engine(settings, resources),
        lambda: check_database(settings),
        lambda: check_disk(settings),
        lambda: check_camera(settings),
        lambda: check_scanner(settings),
        lambda: check_clock(settings),
        lambda: check_queue(settings),
    ]
    return [c() for c in checks]


def cmd_selftest(args: argparse.Namespace) -> int:
    settings = load_settings(args.home)
    checks = run_checks(settings)
    for c in checks:
        print(f"{'ok  ' if c.ok else 'FAIL'} {c.name:9s} {c.detail}", flush=True)
    try:
        record(settings.home, checks)
    except OSError as exc:
        print(f"kiosk: cannot record the result in {settings.home}: {exc}")
    failed = [c.name for c in checks if not c.ok]
    if failed:
        print(f"self-test failed: {', '.join(failed)}")
        return 1
    print("self-test passed")
    return 0
