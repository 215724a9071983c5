"""READY=1 after the first paint and WATCHDOG=1 from the Qt event loop, on a real socket."""

from __future__ import annotations

import socket
from pathlib import Path

from PySide6.QtWidgets import QLabel

from kiosk.core.sdnotify import Notifier
from kiosk.ui.watchdog import Watchdog, process_age_s


def test_ready_follows_the_first_paint_and_pings_follow_the_event_loop(qtbot, tmp_path: Path):
    path = str(tmp_path / "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(5)
    try:
        dog = Watchdog(Notifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "300000"}))
        dog.watch()
        label = QLabel("start")
        qtbot.addWidget(label)
        with qtbot.waitSignal(dog.first_frame, timeout=5000) as shown:
            label.show()
        assert shown.args[0] > 0 and dog.shown_after == shown.args[0]
        assert sock.recv(4096) == b"READY=1\nSTATUS=serving residents"
        assert sock.recv(4096) == b"WATCHDOG=1"  # at once
        # then every 100 ms while the event loop runs (a third of WatchdogSec)
        qtbot.waitUntil(lambda: _received(sock) == b"WATCHDOG=1", timeout=2000)
        dog.stop()
        tail = [sock.recv(4096)]  # a ping sent just before stop() may come first
        while tail[-1] != b"STOPPING=1" and len(tail) < 10:
            tail.append(sock.recv(4096))
        assert tail[-1] == b"STOPPING=1" and set(tail[:-1]) <= {b"WATCHDOG=1"}
    finally:
        sock.close()


def _received(sock: socket.socket) -> bytes:
    sock.setblocking(False)
    try:
        return sock.recv(4096)
    except BlockingIOError:
        return b""
    finally:
        sock.settimeout(5)


def test_the_process_age_counts_from_the_process_start():
    age = process_age_s()
    assert age is not None and 0 < age < 24 * 3600


def test_the_app_tells_systemd_it_is_ready_once_its_first_screen_is_shown(tmp_path: Path):
    """`kiosk --one-frame` as the installation check runs it, under a real notify socket."""
    import os
    import subprocess
    import sys

    path = str(tmp_path / "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(5)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "NOTIFY_SOCKET": path,
           "WATCHDOG_USEC": "30000000"}
    try:
        proc = subprocess.run([sys.executable, "-m", "kiosk", "--home", str(tmp_path / "home"),
                               "--one-frame"], env=env, capture_output=True, text=True,
                              timeout=180, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "first screen shown" in proc.stdout
        messages = []
        while b"STOPPING=1" not in messages:
            messages.append(sock.recv(4096))
    finally:
        sock.close()
    assert messages[0] == b"READY=1\nSTATUS=serving residents"
    assert b"WATCHDOG=1" in messages
