"""Assistant mode through the real widgets: PIN sign-in and lockout, several residents in one
sitting on today's list, the idle timeout signing out, the assistants' admin screen, and the
queue's state following a real county server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from support.county_server import enrol_kiosk
from support.kiosk_ui import FixedReader, button

from county.review import review_claim
from county.testing import RunningServer
from kiosk.auth.assistants import AssistantBook
from kiosk.store import Status
from kiosk.store.samples import sample_id_number, sample_recognition
from kiosk.sync.payload import county_uuid

CODE, NAME, PIN = "1024", "王小芳", "246810"
ACTOR = f"{CODE} {NAME}"


def tap(qtbot, parent, name: str) -> None:
    qtbot.mouseClick(button(parent, name), Qt.MouseButton.LeftButton)


def type_keys(qtbot, parent, digits: str) -> None:
    for ch in digits:
        tap(qtbot, parent, f"key_{ch}")


def with_assistant(tmp_path: Path, attempts: int = 5) -> AssistantBook:
    book = AssistantBook(tmp_path / "home", attempts=attempts)
    book.add(CODE, NAME, PIN)
    return book


def sign_in(qtbot, kiosk, pin: str = PIN) -> None:
    """Start screen → work number → PIN; waits for the answer of the PIN check."""
    w = kiosk.window
    screen = kiosk.assistant_mode.sign_in
    if w.current_screen() == "start":
        tap(qtbot, w.start, "assistantLogin")
    assert w.current_screen() == "assistant_sign_in"
    if screen.step == "code":
        type_keys(qtbot, screen, CODE)
        tap(qtbot, screen, "confirmSignIn")
    assert screen.step == "pin"
    type_keys(qtbot, screen, pin)
    tap(qtbot, screen, "confirmSignIn")
    qtbot.waitUntil(lambda: not screen.busy, timeout=5000)


def file_for(qtbot, kiosk, seed: int) -> int:
    """From the assistant's home: one resident's claim, ID → receipt → review → filed."""
    w = kiosk.window
    tap(qtbot, kiosk.assistant_mode.home, "newClaim")
    assert w.current_screen() == "resident_id"
    type_keys(qtbot, w.resident_id, sample_id_number(seed))
    tap(qtbot, w.resident_id, "confirmId")
    with qtbot.waitSignal(w.screen_changed, timeout=20_000,
                          check_params_cb=lambda name: name == "review"):
        tap(qtbot, w.capture, "useSample")
    with qtbot.waitSignal(kiosk.claims.claim_filed, timeout=10_000) as filed:
        tap(qtbot, w.review, "confirmClaim")
    return int(filed.args[0])


def back_home(qtbot, kiosk) -> None:
    """Done → the assistant's home, with today's list read again."""
    w = kiosk.window
    home = kiosk.assistant_mode.home
    before = home.list.count()
    tap(qtbot, w.done, "finish")
    assert w.current_screen() == "assistant_home"
    qtbot.waitUntil(lambda: home.list.count() > before, timeout=5000)


def test_a_wrong_pin_says_how_many_tries_are_left_and_the_right_one_signs_in(
        make_kiosk, qtbot, tmp_path):
    with_assistant(tmp_path)
    kiosk = make_kiosk()
    w = kiosk.window
    screen = kiosk.assistant_mode.sign_in
    sign_in(qtbot, kiosk, pin="111111")
    assert w.current_screen() == "assistant_sign_in" and kiosk.flow.operator is None
    assert screen.error.isVisible() and "还可以试4次" in screen.error.text()
    assert screen.display.text().strip() == ""  # the wrong PIN is not left on screen
    with qtbot.waitSignal(w.screen_changed, timeout=5000,
                          check_params_cb=lambda name: name == "assistant_home"):
        sign_in(qtbot, kiosk)
    assert kiosk.flow.operator == ACTOR and kiosk.flow.actor == ACTOR
    assert NAME in kiosk.assistant_mode.home.greeting.text()
    tap(qtbot, kiosk.assistant_mode.home, "signOut")
    assert w.current_screen() == "start" and kiosk.flow.operator is None


def test_an_unknown_work_number_and_a_lockout_are_said_plainly(make_kiosk, qtbot, tmp_path):
    with_assistant(tmp_path, attempts=2)
    kiosk = make_kiosk(pin_attempts=2)
    w = kiosk.window
    screen = kiosk.assistant_mode.sign_in
    tap(qtbot, w.start, "assistantLogin")
    type_keys(qtbot, screen, "77")
    tap(qtbot, screen, "confirmSignIn")
    type_keys(qtbot, screen, "123456")
    tap(qtbot, screen, "confirmSignIn")
    qtbot.waitUntil(screen.error.isVisible, timeout=5000)
    assert "没有这个工号" in screen.error.text() and screen.step == "code"
    sign_in(qtbot, kiosk, pin="000000")
    assert "还可以试1次" in screen.error.text()
    sign_in(qtbot, kiosk, pin="000001")
    assert "锁定" in screen.error.text() and "5分钟" in screen.error.text()
    sign_in(qtbot, kiosk)  # the right PIN, but locked: still refused
    assert kiosk.flow.operator is None and "锁定" in screen.error.text()
    QTest.keyClick(screen, Qt.Key.Key_Escape)
    assert w.current_screen() == "start"


def test_two_residents_in_one_sitting_are_both_on_todays_list(make_kiosk, qtbot, tmp_path):
    with_assistant(tmp_path)
    recs = [sample_recognition(71), sample_recognition(72)]
    kiosk = make_kiosk(recognizer=lambda: FixedReader(*recs), sample_seed=71)
    sign_in(qtbot, kiosk)
    home = kiosk.assistant_mode.home
    qtbot.waitUntil(home.empty.isVisible, timeout=5000)
    first = file_for(qtbot, kiosk, 71)
    back_home(qtbot, kiosk)
    second = file_for(qtbot, kiosk, 72)
    back_home(qtbot, kiosk)
    assert kiosk.flow.operator == ACTOR  # still signed in after two residents
    assert home.list.count() == 2
    rows = [home.list.item(i).text() for i in range(2)]
    assert rows[0].startswith(f"{second:06d}") and rows[1].startswith(f"{first:06d}")
    for row, seed in zip(rows, (72, 71), strict=True):
        assert sample_id_number(seed)[-4:] in row
        assert sample_id_number(seed) not in row  # the ID is never shown whole
        assert "1张收据" in row and "等待联网发送" in row
    assert "2份" in home.today_title.text()
    for claim_id in (first, second):
        record = kiosk.store.get_claim(claim_id)
        assert record.summary.assistant == ACTOR
        assert record.events[0].actor == ACTOR


def test_idle_timeout_clears_the_resident_and_signs_the_assistant_out(
        make_kiosk, qtbot, tmp_path):
    with_assistant(tmp_path)
    kiosk = make_kiosk(idle_ms=(400, 300))
    w = kiosk.window
    sign_in(qtbot, kiosk)
    assert w.current_screen() == "assistant_home"
    # Esc during a resident's flow returns to the assistant's home, still signed in
    tap(qtbot, kiosk.assistant_mode.home, "newClaim")
    type_keys(qtbot, w.resident_id, "3201")
    QTest.keyClick(w.resident_id, Qt.Key.Key_Escape)
    assert w.current_screen() == "assistant_home" and kiosk.flow.operator == ACTOR
    assert w.resident_id.number == ""
    tap(qtbot, kiosk.assistant_mode.home, "newClaim")
    type_keys(qtbot, w.resident_id, sample_id_number(9)[:10])
    with qtbot.waitSignal(kiosk.claims.went_home, timeout=5000):
        pass  # nobody touches the kiosk: warning, then cleared
    assert w.current_screen() == "start"
    assert kiosk.flow.operator is None and kiosk.flow.actor == "self-service"
    assert w.resident_id.number == "" and kiosk.flow.session.id_number == ""
    assert kiosk.assistant_mode.home.greeting.text() == "协理员"
    assert kiosk.assistant_mode.home.list.count() == 0
    assert not kiosk.idle.armed


def test_the_technician_adds_and_removes_assistants(make_kiosk, qtbot, tmp_path):
    kiosk = make_kiosk()
    w = kiosk.window
    admin = kiosk.assistant_mode.admin
    kiosk.assistant_mode.open_admin()  # the settings screen's "manageAssistants" leads here
    assert w.current_screen() == "assistants"
    qtbot.waitUntil(lambda: "还没有" in admin.message.text(), timeout=5000)
    tap(qtbot, admin, "addAssistant")
    type_keys(qtbot, admin, "88")
    tap(qtbot, admin, "addNext")
    assert admin.step == "name"
    admin.name_edit.insert("刘洋")  # what the on-screen keyboard (IME) commits
    tap(qtbot, admin, "addNext")
    type_keys(qtbot, admin, "135790")
    tap(qtbot, admin, "addNext")
    type_keys(qtbot, admin, "135791")  # typed differently the second time
    tap(qtbot, admin, "addNext")
    assert admin.step == "pin" and "不一样" in admin.add_error.text()
    type_keys(qtbot, admin, "135790")
    tap(qtbot, admin, "addNext")
    type_keys(qtbot, admin, "135790")
    tap(qtbot, admin, "addNext")
    qtbot.waitUntil(lambda: admin.list.count() == 1, timeout=5000)
    assert admin.list.item(0).text() == "88   刘洋"
    book = AssistantBook(tmp_path / "home")
    assert book.check("88", "135790").ok
    admin.list.setCurrentRow(0)
    tap(qtbot, admin, "removeAssistant")
    assert admin.list.count() == 1  # one tap only asks for a second
    tap(qtbot, admin, "removeAssistant")
    qtbot.waitUntil(lambda: admin.list.count() == 0, timeout=5000)
    assert book.list() == []


# --- with a real county ----------------------------------------------------------------------

def enrol(server: RunningServer, home: Path) -> None:
    enrol_kiosk(server, home, "assistant test kiosk")


def test_the_queue_goes_from_waiting_to_delivered_and_a_return_shows_its_reason(
        make_kiosk, qtbot, tmp_path, server):
    with_assistant(tmp_path)
    kiosk = make_kiosk(recognizer=lambda: FixedReader(sample_recognition(81)), sample_seed=81)
    w, sync = kiosk.window, kiosk.sync
    home = kiosk.assistant_mode.home
    assert not sync.enrolled  # no credential yet: the feed is idle
    sign_in(qtbot, kiosk)
    assert "还没有连上县医保局" in home.queue.text()
    claim_id = file_for(qtbot, kiosk, 81)
    back_home(qtbot, kiosk)
    assert "等待联网发送" in home.list.item(0).text()

    enrol(server, tmp_path / "home")  # the technician enrols the kiosk
    with qtbot.waitSignal(sync.changed, timeout=30_000,
                          check_params_cb=lambda s: s.delivered == 1 and s.sending is None):
        sync.restart()
    assert sync.enrolled
    qtbot.waitUntil(lambda: "已送到县医保局" in home.list.item(0).text(), timeout=10_000)
    assert "0份等待发送" in home.queue.text() and "已联网" in home.queue.text()
    record = kiosk.store.get_claim(claim_id)
    assert record.status is Status.ACCEPTED and record.county_ref

    db = server.database()
    try:
        review_claim(db, county_uuid(record.summary.uid), "returned", "缺少住院清单")
    finally:
        db.dispose()
    sync.wake()
    qtbot.waitUntil(lambda: "被退回：缺少住院清单" in home.list.item(0).text(), timeout=20_000)

    # the resident checks her claims herself: the county's reason and what to do
    tap(qtbot, home, "signOut")
    tap(qtbot, w.start, "checkStatus")
    type_keys(qtbot, w.resident_id, sample_id_number(81))
    with qtbot.waitSignal(w.screen_changed, timeout=5000,
                          check_params_cb=lambda name: name == "status"):
        tap(qtbot, w.resident_id, "confirmId")
    text = w.status.list.item(0).text()
    assert "被退回" in text and "缺少住院清单" in text and "找协理员" in text


def test_the_settings_lead_to_the_assistants_and_back(make_kiosk, qtbot, tmp_path):
    from test_ui_settings import unlock

    kiosk = make_kiosk()
    w = kiosk.window
    unlock(qtbot, kiosk, tmp_path)
    tap(qtbot, w.settings, "section_maintenance")
    tap(qtbot, w.settings, "manageAssistants")
    assert w.current_screen() == "assistants"
    tap(qtbot, kiosk.assistant_mode.admin, "back")
    assert w.current_screen() == "settings" and w.settings.unlocked
