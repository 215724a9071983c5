"""The first start on the screen, through its real widgets: the installer's PIN, language (at
once), enrolment against a real county server on 127.0.0.1 (and a dead port, and a server
that answers garbage), "later" for an offline install, the camera (a video file as the
device, and none), the SANE test scanner, the summary, a restart midway, and the walk again
from ⚙. The record of how far it got is a real file in tmp_path."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from support.county_server import new_code
from support.hostile import HostileServer, reply
from support.kiosk_ui import button

from kiosk.auth.pin import PinStore
from kiosk.core.config import load_settings
from kiosk.scanner.flatbed import scanimage_path
from kiosk.store import ClaimStore, NewDocument
from kiosk.store.samples import sample_recognition, sample_resident
from kiosk.sync.credentials import CREDENTIAL_FILE, DeviceCredential
from kiosk.ui.screens.settings.firststart import progress
from kiosk.ui.screens.settings.firststart.progress import (
    MISSING,
    PROGRESS_FILE,
    WORKS,
    Progress,
)

PIN = "305917"  # as the installer sets it: random, printed once on the console
LEFT = Qt.MouseButton.LeftButton


def home_of(tmp_path: Path) -> Path:
    return tmp_path / "home"


def installed(tmp_path: Path) -> Path:
    """A home as the package's postinst leaves it: a random technician PIN, nothing else."""
    home = home_of(tmp_path)
    home.mkdir(exist_ok=True)
    PinStore(home / "technician_pin.json").set_pin(PIN)
    return home


def record(tmp_path: Path) -> dict | None:
    path = home_of(tmp_path) / PROGRESS_FILE
    return json.loads(path.read_text()) if path.exists() else None


def tap(qtbot, parent, name: str) -> None:
    b = button(parent, name)
    # a device button added from a finished scan is shown by the layout on a later turn of
    # the event loop: wait for that, not for a fixed time
    qtbot.waitUntil(lambda: b.isVisible() and b.isEnabled(), timeout=5000)
    qtbot.mouseClick(b, LEFT)


def sign_in(qtbot, kiosk, pin: str = PIN) -> None:
    s = kiosk.window.settings
    for ch in pin:
        tap(qtbot, s, f"key_{ch}")
    with qtbot.waitSignal(s.pin_entered, timeout=1000):
        tap(qtbot, s, "confirmPin")
    qtbot.waitUntil(lambda: button(s, "confirmPin").isEnabled() or s.unlocked, timeout=5000)


def at_step(qtbot, kiosk, step: str) -> None:
    wizard = kiosk.first_start
    qtbot.waitUntil(lambda: kiosk.window.current_screen() == "first_start"
                    and wizard.step == step, timeout=5000)


def next_step(qtbot, kiosk, step: str) -> None:
    """下一步, and wait until `step` is on screen (its record written first)."""
    tap(qtbot, kiosk.first_start, "firstStartNext")
    at_step(qtbot, kiosk, step)


def to_server_step(qtbot, kiosk) -> None:
    sign_in(qtbot, kiosk)
    at_step(qtbot, kiosk, "language")
    next_step(qtbot, kiosk, "server")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the record (Qt-free) -----------------------------------------------------------------


def test_the_record_says_where_the_first_start_resumes(tmp_path):
    home = tmp_path
    fresh, in_service = (lambda: False), (lambda: True)
    assert progress.due(home, fresh) == Progress()  # a fresh kiosk: from the first step
    assert progress.due(home, in_service) is None  # updated from before the wizard: never
    progress.save(home, Progress(step="camera", server_later=True))
    # begun: it resumes even once claims are filed (it is finished only when finished)
    assert progress.due(home, in_service) == Progress(step="camera", server_later=True)
    progress.save(home, Progress(step="summary", finished=True, camera=WORKS))
    assert progress.due(home, fresh) is None
    assert progress.load(home) == Progress(step="summary", finished=True, camera=WORKS)
    (home / PROGRESS_FILE).write_text('{"step": "nowhere"}')
    assert progress.load(home) == Progress()  # damaged: walked again, nothing is lost
    (home / PROGRESS_FILE).write_bytes(b"\x00garbage")
    assert progress.due(home, in_service) == Progress()
    with pytest.raises(ValueError):
        Progress().at("nowhere")


# --- on the screen --------------------------------------------------------------------------


def test_a_fresh_kiosk_opens_on_the_first_start_behind_the_installer_pin(make_kiosk, qtbot,
                                                                         tmp_path):
    installed(tmp_path)
    kiosk = make_kiosk(first_start=True)
    w = kiosk.window
    assert w.current_screen() == "settings"
    gate = w.settings.gate
    assert gate.title.text() == "首次设置"
    assert not gate.back_btn.isVisible()  # no way round it: the kiosk is not set up
    sign_in(qtbot, kiosk, "111111")
    assert "密码不对" in gate.error.text() and not w.settings.unlocked
    sign_in(qtbot, kiosk)
    at_step(qtbot, kiosk, "language")
    wizard = kiosk.first_start
    assert "第1步，共5步" in wizard.step_label.text()
    assert not button(wizard, "firstStartBack").isEnabled()  # the first step
    assert not button(wizard, "enrolLater").isVisible()
    assert record(tmp_path) is None  # nothing recorded before a step is done
    with qtbot.waitSignal(w.settings.setting_saved, timeout=5000):
        tap(qtbot, wizard, "lang_en")
    try:  # at once: Qt posts the LanguageChange events, wait for them
        qtbot.waitUntil(lambda: wizard.title.text() == "First start", timeout=2000)
        assert button(wizard, "firstStartNext").text() == "Next"
        assert load_settings(home_of(tmp_path)).ui.language == "en"
        next_step(qtbot, kiosk, "server")
        assert record(tmp_path)["step"] == "server"
        assert wizard.step_label.text() == "Step 2 of 5"
    finally:
        kiosk.translations.install("zh_CN")


def test_enrolment_in_the_first_start_says_what_went_wrong_and_saves_nothing_then_enrols(
        make_kiosk, qtbot, tmp_path, server):
    installed(tmp_path)
    kiosk = make_kiosk(first_start=True)
    to_server_step(qtbot, kiosk)
    wizard = kiosk.first_start
    section = wizard.server
    qtbot.waitUntil(lambda: "还没有登记" in section.status.text(), timeout=5000)
    tap(qtbot, wizard, "firstStartNext")  # neither enrolled nor "later"
    assert "请先登记本机" in wizard.note.text() and wizard.step == "server"

    def attempt(url: str, code: str, says: str) -> None:
        section.url.setText(url)
        section.code.setText(code)
        tap(qtbot, wizard, "enrolDevice")
        qtbot.waitUntil(lambda: says in section.result.text(), timeout=15_000)
        assert not (home_of(tmp_path) / CREDENTIAL_FILE).exists()
        assert record(tmp_path)["step"] == "server"

    attempt(f"http://127.0.0.1:{free_port()}", new_code(server), "连不上县服务器")
    attempt(server.base_url, "2222-2222", "登记码不对")
    # something answers at the address, but not the county API: a 201 page, a 200 page
    for status in (201, 200):
        with HostileServer(lambda req, out, st=status: reply(
                out, st, b"<html>welcome</html>", content_type="text/html") or True) as odd:
            attempt(odd.url, new_code(server), "回答看不懂")
    section.url.setText(server.base_url)
    section.code.setText(new_code(server))
    with qtbot.waitSignal(section.enrolled, timeout=15_000):
        tap(qtbot, wizard, "enrolDevice")
    assert DeviceCredential.load(home_of(tmp_path)).server == server.base_url
    next_step(qtbot, kiosk, "camera")
    assert record(tmp_path) == {"step": "camera", "finished": False, "server_later": False,
                                "camera": "unchecked", "scanner": "unchecked"}


def test_later_warns_that_claims_wait_and_a_restart_resumes_at_the_step_reached(
        make_kiosk, qtbot, tmp_path):
    installed(tmp_path)
    dev = tmp_path / "dev"
    dev.mkdir()  # no camera at all
    kiosk = make_kiosk(first_start=True)
    kiosk.window.settings.ctx.dev_dir = dev
    to_server_step(qtbot, kiosk)
    wizard = kiosk.first_start
    tap(qtbot, wizard, "enrolLater")
    assert "排队" in wizard.note.text() and wizard.step == "server"  # asked, not yet done
    assert button(wizard, "enrolLater").text() == "确定以后再登记"
    assert record(tmp_path)["step"] == "server"
    tap(qtbot, wizard, "enrolLater")
    at_step(qtbot, kiosk, "camera")
    assert record(tmp_path)["server_later"] is True
    camera = wizard.camera
    qtbot.waitUntil(lambda: camera.status.text() == "没有找到摄像头。", timeout=10_000)
    next_step(qtbot, kiosk, "scanner")
    assert record(tmp_path)["camera"] == MISSING

    kiosk.close()  # the power goes midway; the kiosk starts again
    again = make_kiosk(first_start=True)
    w = again.window
    assert w.current_screen() == "settings" and not w.settings.unlocked  # the PIN again
    assert w.settings.gate.title.text() == "首次设置"
    sign_in(qtbot, again)
    at_step(qtbot, again, "scanner")
    tap(qtbot, again.first_start, "firstStartBack")
    at_step(qtbot, again, "camera")  # back is allowed; the record is not moved back
    assert record(tmp_path)["step"] == "scanner"


def test_the_camera_step_shows_the_live_picture(make_kiosk, qtbot, tmp_path):
    from test_ui_capture import slide_in_then_still

    installed(tmp_path)
    progress.save(home_of(tmp_path), Progress(step="camera", server_later=True))
    dev = tmp_path / "dev"
    dev.mkdir()
    (dev / "video0").symlink_to(slide_in_then_still(tmp_path / "receipt.avi", still=60))
    kiosk = make_kiosk(first_start=True)
    kiosk.window.settings.ctx.dev_dir = dev
    sign_in(qtbot, kiosk)
    at_step(qtbot, kiosk, "camera")
    camera = kiosk.first_start.camera
    qtbot.waitUntil(lambda: bool(camera.devices.buttons), timeout=10_000)
    with qtbot.waitSignal(kiosk.window.settings.setting_saved, timeout=5000):
        tap(qtbot, camera, "camera_0")
    assert load_settings(home_of(tmp_path)).camera.device == str(dev / "video0")
    with qtbot.waitSignal(camera.checked, timeout=10_000) as checked:
        tap(qtbot, camera, "testCamera")
    assert checked.args == [WORKS]
    qtbot.waitUntil(lambda: not camera.preview.pixmap().isNull(), timeout=5000)
    assert "摄像头正常" in camera.status.text()
    next_step(qtbot, kiosk, "scanner")
    assert camera.feed is None  # leaving the step stops the preview
    assert record(tmp_path)["camera"] == WORKS


@pytest.mark.skipif(scanimage_path() is None,
                    reason="scanimage is not installed: apt-get install sane-utils")
def test_scanner_step_summary_and_start_screen_then_never_again(make_kiosk, qtbot, tmp_path,
                                                                monkeypatch):
    sane = tmp_path / "sane"
    sane.mkdir()
    (sane / "dll.conf").write_text("test\n")
    monkeypatch.setenv("SANE_CONFIG_DIR", str(sane))
    installed(tmp_path)
    progress.save(home_of(tmp_path), Progress(step="scanner", server_later=True,
                                              camera=MISSING))
    kiosk = make_kiosk(first_start=True)
    w = kiosk.window
    sign_in(qtbot, kiosk)
    at_step(qtbot, kiosk, "scanner")
    scanner = kiosk.first_start.scanner
    tap(qtbot, scanner, "findScanners")
    qtbot.waitUntil(lambda: bool(scanner.devices.buttons), timeout=30_000)
    index = scanner.devices.devices.index("test:0")
    with qtbot.waitSignal(w.settings.setting_saved, timeout=5000):
        tap(qtbot, scanner, f"scanner_{index}")
    with qtbot.waitSignal(scanner.checked, timeout=60_000) as checked:
        tap(qtbot, scanner, "testScan")
    assert checked.args == [WORKS]
    assert not scanner.thumbnail.pixmap().isNull()
    next_step(qtbot, kiosk, "summary")
    summary = kiosk.first_start.summary
    qtbot.waitUntil(lambda: "还没有登记" in summary.server.text(), timeout=5000)
    assert summary.language.text() == "中文"
    assert "没有找到摄像头" in summary.camera.text()
    assert "正常" in summary.scanner.text()
    assert button(kiosk.first_start, "firstStartNext").text() == "完成，开始使用"
    with qtbot.waitSignal(kiosk.first_start.finished, timeout=5000):
        tap(qtbot, kiosk.first_start, "firstStartNext")
    qtbot.waitUntil(lambda: w.current_screen() == "start", timeout=5000)
    assert record(tmp_path)["finished"] is True
    assert load_settings(home_of(tmp_path)).scanner.device == "test:0"
    kiosk.close()

    again = make_kiosk(first_start=True)
    assert again.window.current_screen() == "start"  # finished: never shown by itself again
    assert again.window.settings.gate.title.text() == "技术员设置"


def test_the_technician_walks_it_again_from_settings_and_nothing_is_recorded(
        make_kiosk, qtbot, tmp_path):
    installed(tmp_path)
    progress.save(home_of(tmp_path), Progress(step="summary", finished=True))
    before = (home_of(tmp_path) / PROGRESS_FILE).read_bytes()
    kiosk = make_kiosk(first_start=True)
    w = kiosk.window
    assert w.current_screen() == "start"
    with qtbot.waitSignal(w.settings.gate_ready, timeout=5000):
        tap(qtbot, w.start, "technician")
    sign_in(qtbot, kiosk)
    qtbot.waitUntil(lambda: w.settings.panel.isVisible(), timeout=5000)
    tap(qtbot, w.settings.panel, "firstStartAgain")
    at_step(qtbot, kiosk, "language")
    wizard = kiosk.first_start
    assert button(wizard, "firstStartBack").text() == "← 回到设置"
    next_step(qtbot, kiosk, "server")
    tap(qtbot, wizard, "firstStartBack")
    at_step(qtbot, kiosk, "language")
    try:
        with qtbot.waitSignal(wizard.saved, timeout=5000):
            tap(qtbot, wizard, "lang_en")
        tap(qtbot, wizard, "firstStartBack")  # from the first step: back to the panel
        qtbot.waitUntil(lambda: w.settings.panel.isVisible(), timeout=5000)
        # the panel shows what the walk changed
        assert button(w.settings.panel, "lang_en").isChecked()
        assert not button(w.settings.panel, "lang_zh_CN").isChecked()
    finally:
        kiosk.translations.install("zh_CN")
    assert (home_of(tmp_path) / PROGRESS_FILE).read_bytes() == before


def test_a_kiosk_in_service_is_not_sent_through_it(make_kiosk, qtbot, tmp_path):
    home = installed(tmp_path)
    store = ClaimStore(home)
    store.create_claim(sample_resident(3), [NewDocument(sample_recognition(3), b"\xff\xd8 x")],
                       assistant="ci")
    store.close()
    kiosk = make_kiosk(first_start=True)
    assert kiosk.window.current_screen() == "start"
    assert record(tmp_path) is None


def test_idle_during_the_first_start_locks_it_again_instead_of_opening_the_kiosk(
        make_kiosk, qtbot, tmp_path):
    installed(tmp_path)
    kiosk = make_kiosk(first_start=True, idle_ms=(400, 200))
    w = kiosk.window
    sign_in(qtbot, kiosk)
    at_step(qtbot, kiosk, "language")
    next_step(qtbot, kiosk, "server")
    with qtbot.waitSignal(kiosk.idle.expired, timeout=5000):
        pass
    qtbot.waitUntil(lambda: w.current_screen() == "settings" and not w.settings.unlocked,
                    timeout=5000)
    assert w.settings.gate.title.text() == "首次设置"
    sign_in(qtbot, kiosk)
    at_step(qtbot, kiosk, "server")  # where it was left


def test_the_kiosk_command_opens_a_fresh_install_on_the_first_start(tmp_path):
    """`kiosk --one-frame` (the installation check's way) on a home as the installer leaves
    it names the first-start wizard as its first screen; `--demo` never shows it."""
    import os
    import subprocess
    import sys

    installed(tmp_path)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("NOTIFY_SOCKET", None)
    shown = {}
    for extra in ([], ["--demo"]):
        proc = subprocess.run([sys.executable, "-m", "kiosk", "--home", str(home_of(tmp_path)),
                               *extra, "--one-frame"], env=env, capture_output=True,
                              text=True, timeout=180, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        shown[bool(extra)] = proc.stdout
    assert "s after start: settings (first start)" in shown[False]
    assert "s after start: start" in shown[True]
    assert record(tmp_path) is None  # looking is not a step: nothing recorded


def test_a_checkout_without_the_installer_pin_sets_one_first_then_opens_the_wizard(
        make_kiosk, qtbot, tmp_path):
    """No installer ran (a developer's checkout): the fresh kiosk's first PIN is set on the
    screen, twice, as before; the wizard follows."""
    kiosk = make_kiosk(first_start=True)
    s = kiosk.window.settings
    qtbot.waitUntil(lambda: s.gate.mode == "first", timeout=5000)
    assert not s.gate.back_btn.isVisible()
    for _ in range(2):
        for ch in PIN:
            tap(qtbot, s, f"key_{ch}")
        tap(qtbot, s, "confirmPin")
    at_step(qtbot, kiosk, "language")
    assert PinStore(home_of(tmp_path) / "technician_pin.json").check(PIN).ok
