"""QueryOp: values to success, known failures to failure (or plain words), bugs raised."""

from __future__ import annotations

import threading

import pytest

from kiosk.store import DiskFull
from kiosk.ui.operations import QueryOp
from kiosk.ui.tasks import TaskManager


@pytest.fixture
def tasks(qapp):
    manager = TaskManager()
    yield manager
    manager.shutdown()


def test_the_value_comes_back_on_the_ui_thread(tasks, qtbot):
    got: list[tuple[int, bool]] = []
    ui = threading.get_ident()

    def op() -> int:
        assert threading.get_ident() != ui  # off the UI thread
        return 42

    QueryOp(tasks, op).success(lambda v: got.append((v, threading.get_ident() == ui))).run()
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    assert got == [(42, True)]


def test_a_known_failure_goes_to_failure_and_after_runs_first(tasks, qtbot):
    order: list[str] = []

    def full() -> None:
        raise DiskFull("no space left on /var")

    QueryOp(tasks, full, io=True).after(lambda: order.append("after")).success(
        lambda _v: order.append("success")).failure(
        lambda exc: order.append(type(exc).__name__)).run()
    qtbot.waitUntil(lambda: len(order) == 2, timeout=5000)
    assert order == ["after", "DiskFull"]


def test_a_known_failure_nobody_handles_is_said_in_plain_words(tasks, qtbot):
    def full() -> None:
        raise DiskFull("no space left on /var")

    with qtbot.waitSignal(tasks.known_failed, timeout=5000) as said:
        QueryOp(tasks, full).success(lambda _v: None).run()
    assert said.args[0] and "DiskFull" not in said.args[0]


def test_a_bug_is_raised_on_the_ui_thread_not_handed_to_failure(tasks, qtbot):
    failures: list[Exception] = []

    def bug() -> None:
        raise KeyError("audit rule table")

    with qtbot.captureExceptions() as raised:
        QueryOp(tasks, bug).failure(failures.append).run()
        qtbot.waitUntil(lambda: bool(raised), timeout=5000)
    assert failures == []
    assert raised[0][0] is KeyError
