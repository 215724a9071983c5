"""The kiosk that cannot start shows "call the technician" with the plain reason, and logs it.

The app is started as the `kiosk` command starts it (`run_app`) on a home whose claim store
cannot open: a damaged database, a missing key file. A timer inside the running event loop
looks at what is on the screen, then closes it. `run_app` sets process-wide state (logging,
faulthandler, signal handlers, Qt's message handler), so it runs in a process of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.store import ClaimStore, NewDocument
from kiosk.store.samples import sample_recognition, sample_resident

# Runs in the child: starts the app, looks at the visible technician screens from inside the
# event loop, quits, and prints what it saw and run_app's exit code as JSON.
_CHILD = """
import argparse, json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from kiosk.app import run_app
from kiosk.ui.technician import TechnicianScreen

app = QApplication([])
seen = []

def screens():
    return [w for w in app.topLevelWidgets()
            if isinstance(w, TechnicianScreen) and w.isVisible()]

def look():
    for s in screens():
        seen.append([s.title.text(), s.reason.text(), s.retry_btn.text()])
    app.quit()

QTimer.singleShot(0, look)
code = run_app(argparse.Namespace(home=sys.argv[1], windowed=True, verbose=False))
print(json.dumps({"code": code, "seen": seen, "left": len(screens())}))
"""


def _store_with_a_claim(home: Path) -> None:
    with ClaimStore(home) as store:
        store.create_claim(sample_resident(1), [NewDocument(sample_recognition(1),
                                                            os.urandom(1000))], assistant="a")


@pytest.mark.parametrize("damage", ["damaged database", "missing key file"])
def test_a_store_that_cannot_open_shows_the_technician_screen_with_the_reason(
        tmp_path: Path, damage: str) -> None:
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
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", _CHILD, str(tmp_path)], env=env,
                         capture_output=True, text=True, timeout=120, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["code"] == 3
    ((title, reason, button),) = result["seen"]
    assert title == "请联系技术员" and button
    assert expected in reason
    log = (tmp_path / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "the kiosk cannot start" in log and expected in log
    assert result["left"] == 0
