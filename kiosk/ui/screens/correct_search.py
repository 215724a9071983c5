"""The catalog's pinyin search for an item name, run on the database thread.

Typing `a`, `m`, `x` asks three questions in a row; only the answer to the latest one is shown
(an older answer arriving late is dropped), and a question already overtaken by the next
letter is not even asked of the catalog.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from kiosk.catalog.model import CatalogEntry
from kiosk.ui.operations import QueryOp
from kiosk.ui.tasks import TaskManager

log = logging.getLogger("kiosk.ui")

RESULTS = 8

Searcher = Callable[[str, int], list[CatalogEntry]]


class CatalogSearch(QObject):
    """`search(query)` → `results(query, entries)` for the latest query only."""

    results = Signal(str, object)  # query, list[CatalogEntry]
    failed = Signal(str)

    def __init__(self, tasks: TaskManager, searcher: Searcher,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._searcher = searcher
        self._seq = 0

    def search(self, query: str) -> None:
        self._seq += 1
        seq = self._seq
        if not query:
            self.results.emit("", [])
            return

        def work() -> list[CatalogEntry] | None:
            if seq != self._seq:  # another letter came before this one was asked
                return None
            return self._searcher(query, RESULTS)

        QueryOp(self._tasks, work).success(
            lambda entries: self._answered(seq, query, entries)).failure(
            lambda exc: self._failed(seq, query, exc)).run()

    def _answered(self, seq: int, query: str, entries: list[CatalogEntry] | None) -> None:
        if seq == self._seq and entries is not None:  # else a newer query is on its way
            self.results.emit(query, list(entries))

    def _failed(self, seq: int, query: str, exc: Exception) -> None:
        log.error("the catalog search for %r failed: %s", query, exc)
        if seq == self._seq:
            self.failed.emit(query)  # the catalog file: the panel says search is down
