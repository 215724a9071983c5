"""The technician's settings screen through its real widgets: the PIN gate (lockout, first PIN,
change), every section saving to the config file, enrolment with a real county server on
127.0.0.1, the held-claim retry, the SANE test scanner, the camera preview and log export."""

from __future__ import annotations

import tomllib
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit
from support.county_server import new_code
from support.kiosk_ui import button

from county.config import CountyConfig
from county.testing import serve_in_thread
from kiosk.auth.pin import PinStore
from kiosk.cli import main as kiosk_cli
from kiosk.core.config import load_settings
from kiosk.scanner.flatbed import scanimage_path
from kiosk.store import ClaimStore, NewDocument
from kiosk.store.samples import sample_recognition, sample_resident
from kiosk.sync.credentials import DeviceCredential
from kiosk.sync.state import SyncState

PIN = "246810"
LEFT = Qt.MouseButton.LeftButton


def click(qtbot, parent, name: str) -> None:
    qtbot.mouseClick(button(parent, name), LEFT)


def field(parent, name: str) -> QLineEdit:
    found = parent.findChild(QLineEdit, name)
    assert found is not None, f"no field {name!r}"
    return found


def type_pin(qtbot, w, pin: str) -> None:
    for ch in pin:
        click(qtbot, w.settings, f"key_{ch}")


def enter_pin(qtbot, w, pin: str) -> None:
    type_pin(qtbot, w, pin)
    with qtbot.waitSignal(w.settings.pin_entered, timeout=1000):
        click(qtbot, w.settings, "confirmPin")
    qtbot.waitUntil(lambda: button(w.settings, "confirmPin").isEnabled(), timeout=5000)


def open_settings(qtbot, w) -> None:
    with qtbot.waitSignal(w.settings.gate_ready, timeout=5000):
        click(qtbot, w.start, "technician")
    assert w.current_screen() == "settings"


def unlock(qtbot, kiosk, tmp_path: Path) -> None:
    w = kiosk.window
    PinStore(tmp_path / "home" / "technician_pin.json").set_pin(PIN)
    open_settings(qtbot, w)
    enter_pin(qtbot, w, PIN)
    assert w.settings.unlocked


def save(qtbot, w, section: str, key: str, value: str) -> None:
    field(w.settings, f"field_{section}_{key}").setText(value)
    with qtbot.waitSignal(w.settings.setting_saved, timeout=5000) as saved:
        click(qtbot, w.settings, f"save_{section}_{key}")
    assert saved.args[0] == f"{section}.{key}"


def config_file(tmp_path: Path) -> Path:
    return tmp_path / "home" / "kiosk.toml"


# --- the PIN ----------------------------------------------------------------------------------


def test_pin_lockout_after_repeated_failures(make_kiosk, qtbot, tmp_path):
    kiosk = make_kiosk(pin_attempts=3, pin_lockout_s=600)
    w = kiosk.window
    PinStore(tmp_path / "home" / "technician_pin.json").set_pin(PIN)
    open_settings(qtbot, w)
    enter_pin(qtbot, w, "111111")
    assert "还可以试2次" in w.settings.pin_error.text()
    enter_pin(qtbot, w, "222222")
    assert "还可以试1次" in w.settings.pin_error.text()
    enter_pin(qtbot, w, "333333")
    assert "分钟后再试" in w.settings.pin_error.text()
    enter_pin(qtbot, w, PIN)  # the right PIN, but locked
    assert not w.settings.unlocked
    assert "分钟后再试" in w.settings.pin_error.text()
    # a restart keeps the lock
    again = PinStore(tmp_path / "home" / "technician_pin.json", attempts=3, lockout_s=600)
    assert again.check(PIN).locked_for_s > 0


def test_the_right_pin_opens_the_settings_and_shows_the_config_file(make_kiosk, qtbot,
                                                                     tmp_path):
    kiosk = make_kiosk()
    w = kiosk.window
    unlock(qtbot, kiosk, tmp_path)
    qtbot.waitUntil(lambda: w.settings.form.rowCount() > 4, timeout=5000)
    assert w.settings.overview.config_path.text() == str(config_file(tmp_path))
    for name in ("overview", "general", "server", "queue", "camera", "scanner", "ocr",
                 "maintenance"):
        assert button(w.settings, f"section_{name}").height() >= 60
    click(qtbot, w.settings, "finish")
    assert w.current_screen() == "start"
    assert not w.settings.unlocked  # locked again for the next person


def test_a_fresh_kiosk_sets_its_first_pin_twice_and_refuses_a_weak_one(make_kiosk, qtbot,
                                                                       tmp_path):
    kiosk = make_kiosk()
    w = kiosk.window
    open_settings(qtbot, w)
    assert w.settings.gate.mode == "first"
    type_pin(qtbot, w, "123456")
    click(qtbot, w.settings, "confirmPin")
    type_pin(qtbot, w, "123456")
    click(qtbot, w.settings, "confirmPin")
    qtbot.waitUntil(lambda: w.settings.pin_error.isVisible(), timeout=5000)
    assert "123456" in w.settings.pin_error.text()
    type_pin(qtbot, w, "204817")
    click(qtbot, w.settings, "confirmPin")
    type_pin(qtbot, w, "204871")  # typed differently
    click(qtbot, w.settings, "confirmPin")
    qtbot.waitUntil(lambda: "不一样" in w.settings.pin_error.text(), timeout=5000)
    assert not PinStore(tmp_path / "home" / "technician_pin.json").is_set
    type_pin(qtbot, w, "204817")
    click(qtbot, w.settings, "confirmPin")
    type_pin(qtbot, w, "204817")
    click(qtbot, w.settings, "confirmPin")
    qtbot.waitUntil(lambda: w.settings.unlocked, timeout=5000)
    assert PinStore(tmp_path / "home" / "technician_pin.json").check("204817").ok


def test_a_kiosk_holding_claims_takes_its_first_pin_only_on_the_console(make_kiosk, qtbot,
                                                                        tmp_path):
    kiosk = make_kiosk()
    kiosk.store.create_claim(sample_resident(1),
                             [NewDocument(sample_recognition(1), b"\xff\xd8 x")],
                             assistant="t")
    w = kiosk.window
    open_settings(qtbot, w)
    assert w.settings.gate.mode == "console"
    assert "kiosk pin set" in w.settings.gate.hint.text()
    assert not w.settings.keypad.isVisible()
    assert not PinStore(tmp_path / "home" / "technician_pin.json").is_set


def test_change_pin_needs_the_old_one_and_a_new_one_twice(make_kiosk, qtbot, tmp_path):
    kiosk = make_kiosk()
    w = kiosk.window
    unlock(qtbot, kiosk, tmp_path)
    click(qtbot, w.settings, "section_maintenance")
    click(qtbot, w.settings, "changePin")
    assert not w.settings.unlocked and w.settings.gate.mode == "change"
    for pin in ("999999", "135790", "135790"):  # a wrong old PIN
        type_pin(qtbot, w, pin)
        click(qtbot, w.settings, "confirmPin")
    qtbot.waitUntil(lambda: "还可以试" in w.settings.pin_error.text(), timeout=5000)
    with qtbot.waitSignal(w.settings.pin_changed, timeout=5000):
        for pin in (PIN, "135790", "135790"):
            type_pin(qtbot, w, pin)
            click(qtbot, w.settings, "confirmPin")
    assert w.settings.unlocked
    pins = PinStore(tmp_path / "home" / "technician_pin.json")
    assert pins.check("135790").ok and not pins.check(PIN).ok


# --- saving settings --------------------------------------------------------------------------


def test_screen_and_sound_settings_save_to_the_file_and_apply_at_once(make_kiosk, qtbot,
                                                                      tmp_path):
    kiosk = make_kiosk()
    w = kiosk.window
    unlock(qtbot, kiosk, tmp_path)
    click(qtbot, w.settings, "section_general")
    click(qtbot, w.settings, "inc_ui_idle_timeout_s")  # 90 + 10
    with qtbot.waitSignal(w.settings.setting_saved, timeout=5000):
        click(qtbot, w.settings, "save_ui_idle_timeout_s")
    save(qtbot, w, "ui", "idle_warning_s", "15")
    save(qtbot, w, "ui", "volume", "35")
    with qtbot.waitSignal(w.settings.setting_saved, timeout=5000):
        click(qtbot, w.settings, "choice_ui_voice_off")
    save(qtbot, w, "store", "retention_days", "30")
    assert "已经生效" in w.settings.panel.message.text()
    settings = load_settings(tmp_path / "home")
    assert (settings.ui.idle_timeout_s, settings.ui.idle_warning_s) == (100, 15)
    assert (settings.ui.volume, settings.ui.voice) == (35, False)
    assert settings.store.retention_days == 30
    assert (kiosk.idle.timeout_ms, kiosk.idle.grace_ms) == (100_000, 15_000)
    assert (kiosk.voice.volume, kiosk.voice.enabled) == (35, False)
    assert kiosk.store.retention_days == 30


def test_ocr_limits_save_and_apply_after_a_restart(make_kiosk, qtbot, tmp_path):
    kiosk = make_kiosk()
    w = kiosk.window
    unlock(qtbot, kiosk, tmp_path)
    click(qtbot, w.settings, "section_ocr")
    save(qtbot, w, "ocr", "threads", "2")
    assert "重启后生效" in w.settings.panel.message.text()
    click(qtbot, w.settings, "inc_ocr_det_limit_side")
    with qtbot.waitSignal(w.settings.setting_saved, timeout=5000):
        click(qtbot, w.settings, "save_ocr_det_limit_side")
    settings = load_settings(tmp_path / "home")
    assert (settings.ocr.threads, settings.ocr.det_limit_side) == (2, 960 + 160)
    assert settings.ocr.engine == "rapidocr"


@pytest.mark.parametrize(("section", "key", "value"), [
    ("ui", "idle_timeout_s", "5"), ("ui", "volume", "120"), ("ocr", "threads", "99"),
    ("store", "retention_days", "0"), ("ui", "idle_warning_s", "")])
def test_a_bad_value_is_refused_with_its_key_and_the_file_is_unchanged(
        make_kiosk, qtbot, tmp_path, section, key, value):
    config_file(tmp_path).parent.mkdir(parents=True, exist_ok=True)
    config_file(tmp_path).write_text("[ui]\nvolume = 60\n")
    before = config_file(tmp_path).read_bytes()
    kiosk = make_kiosk()
    w = kiosk.window
    unlock(qtbot, kiosk, tmp_path)
    click(qtbot, w.settings, "section_ocr" if section == "ocr" else "section_general")
    field(w.settings, f"field_{section}_{key}").setText(value)
    with qtbot.waitSignal(w.settings.setting_refused, timeout=5000) as refused:
        click(qtbot, w.settings, f"save_{section}_{key}")
    assert refused.args[0].startswith(f"{section}.{key}")
    assert f"{section}.{key}" in w.settings.panel.message.text()
    assert config_file(tmp_path).read_bytes() == before
    assert load_settings(tmp_path / "home").ui.volume == 60


def test_switching_to_english_retranslates_and_is_saved(make_kiosk, qtbot, tmp_path):
    if not (Path(__file__).parents[1] / "resources/translations/kiosk_en.qm").exists():
        import subprocess

        subprocess.run(["sh", "packaging/build-translations.sh"], check=True,
                       cwd=Path(__file__).parents[1])
    kiosk = make_kiosk()
    w = kiosk.window
    unlock(qtbot, kiosk, tmp_path)
    click(qtbot, w.settings, "section_general")
    with qtbot.waitSignal(w.settings.setting_saved, timeout=5000):
        click(qtbot, w.settings, "lang_en")
    start = button(w.start, "fileClaim")
    try:  # Qt posts the LanguageChange events: wait for them, do not sleep
        qtbot.waitUntil(lambda: start.text() == "File a claim", timeout=2000)
        assert button(w.start, "technician").accessibleName() == "Technician settings"
        assert load_settings(tmp_path / "home").ui.language == "en"
    finally:
        with qtbot.waitSignal(w.settings.setting_saved, timeout=5000):
            click(qtbot, w.settings, "lang_zh_CN")
    qtbot.waitUntil(lambda: start.text() == "我要报销", timeout=2000)
    assert load_settings(tmp_path / "home").ui.language == "zh_CN"


# --- the county server ------------------------------------------------------------------------


def pad_type(qtbot, pad, text: str) -> None:
    """Type `text` on the on-screen keyboard, key by key (shift for capitals)."""
    for ch in text:
        upper = ch.isalpha() and ch.isupper()
        if upper:
            click(qtbot, pad, "text_shift")
        click(qtbot, pad, f"text_{ch.lower()}" if ch.isalnum() else f"text_{ord(ch)}")
        if upper:
            click(qtbot, pad, "text_shift")


def test_the_address_and_code_are_typed_on_the_screen_and_the_kiosk_enrols(
        make_kiosk, qtbot, tmp_path, server):
    kiosk = make_kiosk()
    w = kiosk.window
    unlock(qtbot, kiosk, tmp_path)
    click(qtbot, w.settings, "section_server")
    section = w.settings.server
    url, code = field(w.settings, "serverUrl"), field(w.settings, "enrolCode")
    url.setFocus()
    pad_type(qtbot, section.keys, server.base_url + "x")
    click(qtbot, section.keys, "text_back")  # a slip of the finger, taken back
    assert url.text() == server.base_url
    enrol_code = new_code(server)
    code.setFocus()
    qtbot.waitUntil(lambda: section.keys.target is code, timeout=2000)
    pad_type(qtbot, section.keys, enrol_code)
    assert code.text() == enrol_code and url.text() == server.base_url
    with qtbot.waitSignal(section.enrolled, timeout=10_000):
        click(qtbot, w.settings, "enrolDevice")
    assert DeviceCredential.load(tmp_path / "home").server == server.base_url


def test_enrolment_on_screen_against_a_real_county(make_kiosk, qtbot, tmp_path, server):
    kiosk = make_kiosk()
    w = kiosk.window
    unlock(qtbot, kiosk, tmp_path)
    click(qtbot, w.settings, "section_server")
    section = w.settings.server
    qtbot.waitUntil(lambda: "还没有登记" in section.status.text(), timeout=5000)
    field(w.settings, "serverUrl").setText(server.base_url)
    field(w.settings, "enrolCode").setText("2222-2222")  # not a code the county made
    click(qtbot, w.settings, "enrolDevice")
    qtbot.waitUntil(lambda: "登记码不对" in section.result.text(), timeout=10_000)
    field(w.settings, "serverUrl").setText("http://county.example:80")  # plain http, remote
    click(qtbot, w.settings, "enrolDevice")
    qtbot.waitUntil(lambda: "填写的内容不对" in section.result.text(), timeout=10_000)
    field(w.settings, "serverUrl").setText(server.base_url)
    field(w.settings, "enrolCode").setText(new_code(server))
    with qtbot.waitSignal(section.enrolled, timeout=10_000) as enrolled:
        click(qtbot, w.settings, "enrolDevice")
    cred = DeviceCredential.load(tmp_path / "home")
    assert enrolled.args[0] == cred.device_id and cred.server == server.base_url
    assert cred.device_id in section.status.text()
    qtbot.waitUntil(lambda: kiosk.sync.enrolled, timeout=10_000)  # the feed restarted


def test_a_certificate_that_is_not_the_typed_fingerprint_is_refused(make_kiosk, qtbot,
                                                                   tmp_path):
    from test_county_tls import make_self_signed

    from county.tls import cert_fingerprint

    (tmp_path / "tls").mkdir()
    (tmp_path / "other").mkdir()
    cert, key = make_self_signed(tmp_path / "tls")
    impostor, _ = make_self_signed(tmp_path / "other")
    with serve_in_thread(CountyConfig.build(tmp_path / "county"), tls_cert=cert,
                         tls_key=key) as srv:
        kiosk = make_kiosk()
        w = kiosk.window
        unlock(qtbot, kiosk, tmp_path)
        click(qtbot, w.settings, "section_server")
        section = w.settings.server
        field(w.settings, "serverUrl").setText(srv.base_url)
        field(w.settings, "enrolCode").setText(new_code(srv))
        click(qtbot, w.settings, "enrolDevice")  # https without a fingerprint
        qtbot.waitUntil(lambda: "填写的内容不对" in section.result.text(), timeout=10_000)
        field(w.settings, "serverFingerprint").setText(cert_fingerprint(impostor))
        click(qtbot, w.settings, "enrolDevice")
        qtbot.waitUntil(lambda: "指纹对不上" in section.result.text(), timeout=10_000)
        assert not (tmp_path / "home" / "keys" / "device.json").exists()
        field(w.settings, "serverFingerprint").setText(cert_fingerprint(cert))
        with qtbot.waitSignal(section.enrolled, timeout=10_000):
            click(qtbot, w.settings, "enrolDevice")
        typed = cert_fingerprint(cert)  # AB:CD:… as `county cert-fingerprint` prints it
        assert DeviceCredential.load(tmp_path / "home").pin_sha256 == \
            typed.replace(":", "").lower()
        kiosk.sync.stop()  # before the server goes away


def test_unreachable_county_is_said_plainly(make_kiosk, qtbot, tmp_path):
    kiosk = make_kiosk()
    w = kiosk.window
    unlock(qtbot, kiosk, tmp_path)
    click(qtbot, w.settings, "section_server")
    field(w.settings, "serverUrl").setText("http://127.0.0.1:9")  # discard port: refused
    field(w.settings, "enrolCode").setText("ABCD-EFGH")
    click(qtbot, w.settings, "enrolDevice")
    qtbot.waitUntil(lambda: "连不上" in w.settings.server.result.text(), timeout=15_000)


def test_a_held_claim_is_listed_with_its_reason_and_retried(make_kiosk, qtbot, tmp_path,
                                                           server):
    home = tmp_path / "home"
    assert kiosk_cli(["--home", str(home), "enrol", "--server", server.base_url,
                      "--code", new_code(server)]) == 0
    with ClaimStore(home) as store:
        bad = store.create_claim(sample_resident(20),
                                 [NewDocument(sample_recognition(200), b"\xff\xd8 img")],
                                 assistant="t")
        store.confirm(bad, actor="t")
        store.queue(bad, actor="t")
        store.set_audit(bad, [{"code": "x", "severity": "fatal", "message": "?"}], None,
                        actor="audit")
        uid = store.get_claim(bad).summary.uid
    assert kiosk_cli(["--home", str(home), "sync", "--once"]) == 1  # refused and held
    assert uid in SyncState(home).held
    kiosk = make_kiosk()
    w = kiosk.window
    unlock(qtbot, kiosk, tmp_path)
    with qtbot.waitSignal(w.settings.queue.listed, timeout=5000):
        click(qtbot, w.settings, "section_queue")
    assert "被县里退回待处理 1 份" in w.settings.queue.count.text()
    rows = [lab.text() for lab in w.settings.queue.findChildren(QLabel)]
    assert any("县里没有接收" in text for text in rows)
    retry = button(w.settings, f"retry_{uid}")
    with qtbot.waitSignal(w.settings.queue.released, timeout=5000):
        qtbot.mouseClick(retry, LEFT)

    def refusals() -> int:
        return sum(1 for e in kiosk.store.get_claim(bad).events if e.action == "upload_refused")

    qtbot.waitUntil(lambda: refusals() == 2, timeout=20_000)  # sent again, refused again
    click(qtbot, w.settings, "networkTest")
    qtbot.waitUntil(lambda: "网络正常" in w.settings.queue.net_result.text(), timeout=10_000)


# --- devices ----------------------------------------------------------------------------------


@pytest.mark.skipif(scanimage_path() is None,
                    reason="scanimage is not installed: apt-get install sane-utils")
def test_scanner_test_page_through_the_sane_test_device(make_kiosk, qtbot, tmp_path,
                                                        monkeypatch):
    sane = tmp_path / "sane"
    sane.mkdir()
    (sane / "dll.conf").write_text("test\n")
    monkeypatch.setenv("SANE_CONFIG_DIR", str(sane))
    kiosk = make_kiosk()
    w = kiosk.window
    unlock(qtbot, kiosk, tmp_path)
    click(qtbot, w.settings, "section_scanner")
    click(qtbot, w.settings, "findScanners")
    qtbot.waitUntil(lambda: bool(w.settings.scanner.devices.buttons), timeout=30_000)
    index = w.settings.scanner.devices.devices.index("test:0")
    with qtbot.waitSignal(w.settings.setting_saved, timeout=5000):
        click(qtbot, w.settings, f"scanner_{index}")
    assert load_settings(tmp_path / "home").scanner.device == "test:0"
    with qtbot.waitSignal(w.settings.scanner.scanned, timeout=60_000):
        click(qtbot, w.settings, "testScan")
    assert not w.settings.scanner.thumbnail.pixmap().isNull()
    assert "扫描" in w.settings.scanner.verdict.text()


def test_camera_choice_and_live_preview(make_kiosk, qtbot, tmp_path):
    from test_ui_capture import slide_in_then_still

    dev = tmp_path / "dev"
    dev.mkdir()
    (dev / "video0").symlink_to(slide_in_then_still(tmp_path / "receipt.avi", still=60))
    kiosk = make_kiosk()
    w = kiosk.window
    w.settings.ctx.dev_dir = dev
    unlock(qtbot, kiosk, tmp_path)
    section = w.settings.camera
    click(qtbot, w.settings, "section_camera")  # lists the cameras by itself
    qtbot.waitUntil(lambda: bool(section.devices.buttons), timeout=10_000)
    assert section.devices.devices[0] == str(dev / "video0")
    with qtbot.waitSignal(w.settings.setting_saved, timeout=5000):
        click(qtbot, w.settings, "camera_0")
    assert load_settings(tmp_path / "home").camera.device == str(dev / "video0")
    click(qtbot, w.settings, "testCamera")
    assert section.feed is not None
    with qtbot.waitSignal(section.feed.frame, timeout=10_000):
        pass
    qtbot.waitUntil(lambda: section.preview.pixmap() is not None
                    and not section.preview.pixmap().isNull(), timeout=5000)
    click(qtbot, w.settings, "finish")  # leaving stops the preview
    assert section.feed is None


# --- upkeep -----------------------------------------------------------------------------------


def test_logs_export_to_a_usb_stick_without_the_database_or_keys(make_kiosk, qtbot, tmp_path):
    kiosk = make_kiosk()
    w = kiosk.window
    logs = tmp_path / "home" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    (logs / "kiosk.log").write_text("2026-11-22 started\n")
    (logs / "kiosk.log.1").write_text("older\n")
    (logs / "copy.sqlite3").write_bytes(b"SQLite format 3\0")
    media = tmp_path / "media"
    media.mkdir()
    w.settings.ctx.usb_roots = (media,)
    w.settings.ctx.usb_mounts_only = False
    unlock(qtbot, kiosk, tmp_path)
    click(qtbot, w.settings, "section_general")
    save(qtbot, w, "ui", "volume", "50")  # so there is a config file to export
    click(qtbot, w.settings, "section_maintenance")
    click(qtbot, w.settings, "exportLogs")
    section = w.settings.maintenance
    qtbot.waitUntil(lambda: "没有找到U盘" in section.export_result.text(), timeout=5000)
    stick = media / "KINGSTON"
    stick.mkdir()
    with qtbot.waitSignal(section.exported, timeout=10_000) as exported:
        click(qtbot, w.settings, "exportLogs")
    path = Path(exported.args[0])
    assert path.parent == stick and path.name.startswith("kiosk-logs-")
    assert path.name in section.export_result.text()
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        assert {"logs/kiosk.log", "logs/kiosk.log.1", "kiosk.toml"} <= names
        assert not [n for n in names if "sqlite" in n or "key" in n]
        assert tomllib.loads(zf.read("kiosk.toml").decode())["ui"]["volume"] == 50
    assert not [p for p in stick.iterdir() if p.name.endswith(".tmp")]


def test_manage_assistants_button_is_there(make_kiosk, qtbot, tmp_path):
    kiosk = make_kiosk()
    w = kiosk.window
    unlock(qtbot, kiosk, tmp_path)
    click(qtbot, w.settings, "section_maintenance")
    with qtbot.waitSignal(w.settings.manage_assistants, timeout=1000):
        click(qtbot, w.settings, "manageAssistants")


def test_the_idle_timeout_locks_the_panel_again(make_kiosk, qtbot, tmp_path):
    kiosk = make_kiosk(idle_ms=(1500, 300))
    w = kiosk.window
    unlock(qtbot, kiosk, tmp_path)
    with qtbot.waitSignal(kiosk.claims.went_home, timeout=10_000):
        pass  # nobody touches the screen
    assert w.current_screen() == "start" and not w.settings.unlocked
