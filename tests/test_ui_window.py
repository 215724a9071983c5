"""The window fills the screen on every platform plugin (issue 15, item 6): on plain X
without a window manager `showFullScreen()` alone left it at its size hint (1280×1135 on a
1920×1080 screen, with 协理员登录 and ⚙ off the bottom) and it grew as digits were typed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication

PROBE = Path(__file__).parent / "support" / "fullscreen_probe.py"


def _inside(rect: list[int], screen: list[int]) -> bool:
    x, y, w, h = rect
    sx, sy, sw, sh = screen
    return sx <= x and sy <= y and x + w <= sx + sw and y + h <= sy + sh


@pytest.mark.skipif(shutil.which("xvfb-run") is None,
                    reason="xvfb-run is not installed (packaging/setup.sh installs it)")
@pytest.mark.parametrize("size", ["1080x1920", "1920x1080"])
def test_on_plain_x_without_a_window_manager_the_window_is_the_screen(size, tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="xcb",
               PYTHONPATH=os.pathsep.join([str(PROBE.parents[2]), str(PROBE.parents[1]),
                                           os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run(
        ["xvfb-run", "-a", "-s", f"-screen 0 {size}x24", sys.executable, str(PROBE),
         str(tmp_path / "home")],
        env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    got = json.loads(done.stdout.strip().splitlines()[-1])
    width, height = (int(n) for n in size.split("x"))
    assert got["platform"] == "xcb"
    assert got["screen"] == [0, 0, width, height]
    assert got["window"] == got["screen"]
    assert got["typed"] == got["screen"]  # typing never grows it
    for rect in [*got["start_buttons"], got["confirm"]]:
        assert _inside(rect, got["screen"]), rect


def test_offscreen_the_window_takes_the_screens_geometry_and_keeps_it(make_kiosk, qtbot):
    kiosk = make_kiosk()
    w = kiosk.window
    w.fill_screen()
    screen = w.screen() or QGuiApplication.primaryScreen()
    assert w.geometry() == screen.geometry()
    w.start.file_btn.click()
    for ch in "32010219640615049":
        w.resident_id.type_char(ch)
    qtbot.wait(50)  # layout requests are posted events: let them run
    assert w.geometry() == screen.geometry()
