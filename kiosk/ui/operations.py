"""One way to run work off the UI thread (after Anki's `aqt/operations` QueryOp).

    QueryOp(tasks, lambda: desk.audit(number, receipts)) \\
        .success(self._audited).failure(self._not_audited).run()

The operation runs on the task manager's database thread (`io=True`: its device and
network pool; `media=True`: its low-priority picture and USB pool) and must not touch a widget; `success(value)` runs on the UI thread. A failure
is sorted once, here (`is_known`): a known one (a full disk, a refused claim, an unreadable
picture, a device or the county not answering) goes to `failure(exc)`, or, without one, to
`TaskManager.known_failed` in plain words; anything else is a bug and is raised on the UI
thread, where the excepthook (`kiosk.ui.errors.BugReporter`) logs it and shows "please call
the technician". No screen unpacks a future.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from typing import Generic, TypeVar

from PySide6.QtCore import QCoreApplication

from kiosk.ui.errors import is_known
from kiosk.ui.tasks import TaskManager

log = logging.getLogger("kiosk.ui")

T = TypeVar("T")


class QueryOp(Generic[T]):
    """`op()` off the UI thread; its value to `success`, a known failure to `failure`."""

    def __init__(self, tasks: TaskManager, op: Callable[[], T], *, io: bool = False,
                 media: bool = False) -> None:
        self._tasks = tasks
        self._op = op
        self._io = io
        self._media = media
        self._success: Callable[[T], None] | None = None
        self._failure: Callable[[Exception], None] | None = None
        self._finally: Callable[[], None] | None = None

    def success(self, fn: Callable[[T], None]) -> QueryOp[T]:
        self._success = fn
        return self

    def failure(self, fn: Callable[[Exception], None]) -> QueryOp[T]:
        """Handle a known failure (the screen says what it means for the person); a bug
        never reaches `fn`."""
        self._failure = fn
        return self

    def after(self, fn: Callable[[], None]) -> QueryOp[T]:
        """Run `fn` on the UI thread when the operation ended either way (a button
        enabled again), before `success` or `failure`."""
        self._finally = fn
        return self

    def run(self) -> None:
        self._tasks.run_in_background(self._op, self._done, io=self._io, media=self._media)

    def _done(self, fut: Future[T]) -> None:
        if self._finally is not None:
            self._finally()
        exc = fut.exception()
        if exc is None:
            if self._success is not None:
                self._success(fut.result())
            return
        if not isinstance(exc, Exception) or not is_known(exc):
            raise exc  # a bug: the excepthook logs it and shows the technician's screen
        if self._failure is not None:
            self._failure(exc)
            return
        log.error("%s failed: %s", getattr(self._op, "__qualname__", "an operation"), exc)
        self._tasks.known_failed.emit(
            QCoreApplication.translate("QueryOp", "没能完成，请叫工作人员帮忙。"))
