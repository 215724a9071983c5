"""`township-kiosk --self-test`: is this kiosk fit to serve residents? Qt-free.

Each check says what it found in one line, as a message code and its parameters
(`[selftest]` in resources/messages/*.toml), printed in the kiosk's configured language
(`[ui] language`; English when kiosk.toml names none). The command exits 1 naming the failed
checks, 0 when all pass. The result is also written to `<home>/selftest.json`, which the
daily timer (`township-kiosk-selftest.timer`) refreshes and the technician reads under ⚙ in the
screen's language.

The checks never take what the running app holds: the database is opened read-only, the
camera is looked for, not opened (the app may be streaming from it), and the OCR engine is a
second instance reading the bundled sample receipt.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import time
import tomllib
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from kiosk.core.config import Settings, load_settings
from kiosk.core.health import Check, finding, reason, record

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
        return finding("ocr", False, "ocr_no_sample", path=str(sample))
    t0 = time.perf_counter()
    try:
        doc = Recognizer(settings.ocr).recognize_file(sample)
    except Exception as exc:  # any failure of the engine is the finding, not a crash
        return finding("ocr", False, "ocr_failed", engine=settings.ocr.engine,
                       error=f"{type(exc).__name__}: {exc}")
    took = time.perf_counter() - t0
    if doc.get("doc_type") in (None, "unknown") or doc.get("total") is None:
        return finding("ocr", False, "ocr_unread", engine=settings.ocr.engine,
                       doc_type=str(doc.get("doc_type")))
    return finding("ocr", True, "ocr_ok", engine=settings.ocr.engine,
                   doc_type=str(doc["doc_type"]), total=str(doc["total"]),
                   seconds=round(took, 1))


def check_database(settings: Settings) -> Check:
    from kiosk.store.schema import HEAD_REVISION, MIGRATIONS

    path = Path(settings.store.database)
    if not path.exists():
        return finding("database", True, "db_none", path=str(path))
    known = {HEAD_REVISION} | {p.name.split("_", 1)[0]
                               for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py")}
    try:
        db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error as exc:
        return finding("database", False, "db_cannot_open", path=str(path), error=str(exc))
    try:
        rows = db.execute("PRAGMA quick_check").fetchall()
        if [tuple(r) for r in rows] != [("ok",)]:
            return finding("database", False, "db_damaged", path=str(path),
                           problems="; ".join(str(r[0]) for r in rows[:3]))
        row = db.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error as exc:
        return finding("database", False, "db_cannot_read", path=str(path), error=str(exc))
    finally:
        db.close()
    revision = None if row is None else str(row[0])
    if revision not in known:
        return finding("database", False, "db_newer", path=str(path),
                       revision=repr(revision))
    return finding("database", True, "db_ok", path=str(path), revision=str(revision))


def check_disk(settings: Settings, min_free: int = MIN_FREE_BYTES) -> Check:
    if not settings.home.is_dir():
        return finding("disk", False, "disk_no_home", path=str(settings.home))
    usage = shutil.disk_usage(settings.home)
    free_mb = usage.free // (1 << 20)
    if usage.free < min_free:
        return finding("disk", False, "disk_low", path=str(settings.home), free_mb=free_mb,
                       need_mb=min_free >> 20)
    return finding("disk", True, "disk_ok", path=str(settings.home), free_mb=free_mb)


def check_camera(settings: Settings, dev: Path = Path("/dev")) -> Check:
    device = settings.camera.device
    path = dev / f"video{device}" if device.isdigit() else Path(device)
    if not path.exists():
        return finding("camera", False, "camera_missing", device=repr(device), path=str(path))
    return finding("camera", True, "camera_ok", device=repr(device), path=str(path))


def check_scanner(settings: Settings, timeout_s: float = 30.0) -> Check:
    from kiosk.scanner.flatbed import list_devices
    from kiosk.scanner.messages import CaptureError

    device = settings.scanner.device
    if not device:
        return finding("scanner", True, "scanner_none")
    try:
        names = [d.name for d in list_devices(timeout_s)]
    except CaptureError as exc:
        return finding("scanner", False, "scanner_cannot_ask", error=str(exc.detail))
    if device not in names:
        if not names:
            return finding("scanner", False, "scanner_missing_none", device=repr(device))
        return finding("scanner", False, "scanner_missing", device=repr(device),
                       seen=", ".join(names))
    return finding("scanner", True, "scanner_ok", device=repr(device))


def _latest_write(path: Path) -> float | None:
    stamps = [p.stat().st_mtime for p in (path, path.with_name(path.name + "-wal"))
              if p.exists()]
    return max(stamps) if stamps else None


def check_clock(settings: Settings, now: float | None = None) -> Check:
    now = time.time() if now is None else now
    shown = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(now))
    if now < EARLIEST_CLOCK:
        return finding("clock", False, "clock_unset", shown=shown)
    last = _latest_write(Path(settings.store.database))
    if last is not None and now + CLOCK_SLACK_S < last:
        return finding("clock", False, "clock_back", shown=shown)
    return finding("clock", True, "clock_ok", shown=shown)


def check_queue(settings: Settings, now: float | None = None,
                max_age_s: float = QUEUE_MAX_AGE_S) -> Check:
    now = time.time() if now is None else now
    path = Path(settings.store.database)
    if not path.exists():
        return finding("queue", True, "queue_empty")
    try:
        db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=10)
        try:
            count, oldest = db.execute(
                "SELECT count(*), min(coalesce(confirmed_at, created_at)) FROM claims "
                "WHERE status IN ('queued', 'uploading')").fetchone()
        finally:
            db.close()
    except sqlite3.Error as exc:
        return finding("queue", False, "queue_cannot_read", error=str(exc))
    if not count:
        return finding("queue", True, "queue_empty")
    age_h = (now - float(oldest)) / 3600
    if now - float(oldest) > max_age_s:
        return finding("queue", False, "queue_stuck", count=int(count), hours=round(age_h))
    return finding("queue", True, "queue_ok", count=int(count), hours=round(age_h, 1))


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


def configured_language(settings: Settings) -> str:
    """`[ui] language` when kiosk.toml sets it, else English (the console's default: a
    technician's terminal may have no Chinese font). load_settings has validated the file."""
    try:
        raw = tomllib.loads(settings.config_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return "en"
    ui = raw.get("ui")
    return settings.ui.language if isinstance(ui, dict) and "language" in ui else "en"


def cmd_selftest(args: argparse.Namespace) -> int:
    settings = load_settings(args.home)
    language = configured_language(settings)
    checks = run_checks(settings)
    for c in checks:
        # "ok"/"FAIL", the names and the last line stay English: scripts read them
        print(f"{'ok  ' if c.ok else 'FAIL'} {c.name:9s} {reason(asdict(c), language)}",
              flush=True)
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
