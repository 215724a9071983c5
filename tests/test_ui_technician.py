"""The kiosk that cannot start shows "call the technician" with the plain reason, and logs it.

The app is started as the `kiosk` command starts it (`run_app`) on a home whose claim store
cannot open: a damaged database, a missing key file. A timer inside the running event loop
looks at what is on the screen, then closes it or presses "try again".
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kiosk.app import run_app
from kiosk.store import ClaimStore, NewDocument
from kiosk.store.samples import sample_recognition, sample_resident
from kiosk.ui.technician import TechnicianScreen


def _screens(app: QApplication) -> list[TechnicianScreen]:
    return [w for w in app.topLevelWidgets()
            if isinstance(w, TechnicianScreen) and w.isVisible()]


def _store_with_a_claim(home: Path) -> None:
    with ClaimStore(home) as store:
        store.create_claim(sample_resident(1), [NewDocument(sample_recognition(1),
                                                            os.urandom(1000))], assistant="a")


@pytest.mark.parametrize("damage", ["damaged database", "missing key file"])
def test_a_store_that_cannot_open_shows_the_technician_screen_with_the_reason(
        qapp: QApplication, tmp_path: Path, damage: str) -> None:
    _store_with_a_claim(tmp_path)
    if damage == "damaged database":
        db = tmp_path / "claims.sqlite3"
        data = bytearray(db.read_bytes())
        data[4096:] = bytes([0xA5]) * (len(data) - 4096)
        db.write_bytes(bytes(data))
        expected = "restore the last backup"
    else:
        (tmp_path / "keys" / "store.key").unlink()
        expected = "store.key is missing"
    seen: list[tuple[str, str, str]] = []

    def look() -> None:
        screens = _screens(qapp)
        if screens:
            s = screens[0]
            seen.append((s.title.text(), s.reason.text(), s.retry_btn.text()))
        qapp.quit()

    QTimer.singleShot(0, look)
    code = run_app(argparse.Namespace(home=str(tmp_path), windowed=True, verbose=False))
    assert code == 3
    ((title, reason, button),) = seen
    assert title == "请联系技术员" and button
    assert expected in reason
    log = (tmp_path / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "the kiosk cannot start" in log and expected in log
    assert not _screens(qapp)
