"""`kiosk --self-test`: each check on real files, and the command's exit status and record."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli.selftest import (
    check_camera,
    check_clock,
    check_database,
    check_disk,
    check_engine,
    check_queue,
    resources_dir,
)
from kiosk.core.config import load_settings
from kiosk.core.health import last_result, reason, record
from kiosk.store import ClaimStore
from kiosk.store.claims import NewDocument
from kiosk.store.samples import sample_recognition, sample_resident

NOW = 1_800_000_000.0


def _queued_claim(home: Path, at: float) -> None:
    with ClaimStore(home, clock=lambda: at) as store:
        claim = store.create_claim(sample_resident(1), [
            NewDocument(sample_recognition(1), image=b"image " + os.urandom(256))],
            assistant="self")
        store.confirm(claim, actor="test")
        store.queue(claim, actor="test")


def test_a_healthy_database_passes_and_a_damaged_one_is_named(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    assert check_database(settings).ok  # none yet: made at first use
    ClaimStore(tmp_path).close()
    good = check_database(settings)
    assert good.ok and "integrity" in good.detail
    db = Path(settings.store.database)
    data = bytearray(db.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # a page of garbage
    db.write_bytes(bytes(data))
    bad = check_database(settings)
    assert not bad.ok and str(db) in bad.detail


def test_a_schema_from_a_newer_version_fails_and_points_at_the_backups(tmp_path: Path) -> None:
    ClaimStore(tmp_path).close()
    settings = load_settings(tmp_path)
    conn = sqlite3.connect(settings.store.database)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    result = check_database(settings)
    assert not result.ok and "'9999'" in result.detail and "backup" in result.detail


def test_disk_camera_and_clock_checks(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    assert check_disk(settings, min_free=1).ok
    assert not check_disk(settings, min_free=1 << 60).ok
    gone = check_disk(load_settings(tmp_path / "never-made"), min_free=1)
    assert not gone.ok and "never-made" in gone.detail  # a reason, not a traceback
    dev = tmp_path / "dev"
    dev.mkdir()
    assert not check_camera(settings, dev=dev).ok  # camera.device "0": /dev/video0
    (dev / "video0").touch()
    assert check_camera(settings, dev=dev).ok
    assert check_clock(settings, now=NOW).ok
    assert not check_clock(settings, now=1_600_000_000.0).ok  # 2020: a flat clock battery
    _queued_claim(tmp_path, NOW)
    db = Path(settings.store.database)
    os.utime(db, (NOW, NOW))
    went_back = check_clock(settings, now=NOW - 86400)
    assert not went_back.ok and "went back" in went_back.detail


def test_a_claim_waiting_for_days_fails_the_queue_check(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    assert check_queue(settings, now=NOW).ok
    _queued_claim(tmp_path, NOW)
    fresh = check_queue(settings, now=NOW + 3600)
    assert fresh.ok and "1 claims waiting" in fresh.detail
    stale = check_queue(settings, now=NOW + 4 * 86400)
    assert not stale.ok and "96 h" in stale.detail


def test_the_result_is_recorded_for_the_settings_screen(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    checks = [check_disk(settings, min_free=1), check_disk(settings, min_free=1 << 60)]
    record(tmp_path, checks, now=NOW)
    saved = last_result(tmp_path)
    assert saved is not None and saved["at"] == NOW and saved["ok"] is False
    assert [c["ok"] for c in saved["checks"]] == [True, False]
    (tmp_path / "selftest.json").write_text("{not json")
    assert last_result(tmp_path) is None


@pytest.mark.slow
def test_the_engine_reads_the_bundled_sample_and_a_missing_sample_is_named(
        tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    ok = check_engine(settings, resources_dir())
    assert ok.ok, ok.detail
    missing = check_engine(settings, tmp_path)
    assert not missing.ok and "missing" in missing.detail


@pytest.mark.parametrize(("language", "says"), [
    (None, "FAIL camera    the document camera '7' is not there (/dev/video7 is missing)"),
    ("zh_CN", "FAIL camera    找不到摄像头 '7'（没有 /dev/video7）"),
    ("en", "FAIL camera    the document camera '7' is not there"),
])
def test_the_command_exits_1_naming_what_failed_in_the_configured_language(
        tmp_path: Path, language: str | None, says: str) -> None:
    # No camera at /dev/video7 here, so the command must fail on it and say so.
    ui = "" if language is None else f'[ui]\nlanguage = "{language}"\n'
    (tmp_path / "kiosk.toml").write_text(f'[camera]\ndevice = "7"\n{ui}', encoding="utf-8")
    env = {**os.environ, "KIOSK_HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "kiosk", "--self-test"], env=env,
                          capture_output=True, text=True, timeout=180, check=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert says in proc.stdout
    assert proc.stdout.rstrip().endswith("self-test failed: camera")  # scripts read this
    saved = json.loads((tmp_path / "selftest.json").read_text())
    camera = {c["name"]: c for c in saved["checks"]}["camera"]
    assert camera["ok"] is False and camera["code"] == "selftest.camera_missing"
    assert camera["params"] == {"device": "'7'", "path": "/dev/video7"}
    assert "is not there" in camera["detail"]  # the English words, for older readers


def test_every_finding_has_its_words_in_every_language(tmp_path: Path) -> None:
    """Each check's reasons render in Chinese and English from the record alone."""
    settings = load_settings(tmp_path)
    _queued_claim(tmp_path, NOW)
    checks = [check_disk(settings, min_free=1), check_disk(settings, min_free=1 << 60),
              check_camera(settings, dev=tmp_path), check_clock(settings, now=NOW),
              check_clock(settings, now=1_600_000_000.0), check_database(settings),
              check_queue(settings, now=NOW + 4 * 86400)]
    record(tmp_path, checks, now=NOW)
    saved = last_result(tmp_path)
    assert saved is not None
    for c, kept in zip(checks, saved["checks"], strict=True):
        assert kept["code"].startswith("selftest.") and kept["detail"] == c.detail
        zh, en = reason(kept, "zh_CN"), reason(kept, "en")
        assert zh != en and en == c.detail
        assert not any(word in zh for word in ("the ", " is ", "free for", "waiting"))
    assert reason(saved["checks"][6], "zh_CN").startswith("1 份报销在等待上传，最早的已经等了 96 小时")


def test_an_old_record_or_an_unknown_code_shows_its_recorded_words() -> None:
    old = {"name": "camera", "ok": False, "detail": "no camera found at /dev/video*"}
    assert reason(old, "zh_CN") == reason(old, "en") == "no camera found at /dev/video*"
    newer = {**old, "code": "selftest.made_up_by_a_newer_version", "params": {}}
    assert reason(newer, "zh_CN") == "no camera found at /dev/video*"
    short = {**old, "code": "selftest.camera_missing", "params": {"device": "'0'"}}
    assert reason(short, "en") == "no camera found at /dev/video*"  # a parameter missing
