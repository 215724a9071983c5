"""The catalog's pinyin search for an item name, run on the database thread.

Typing `a`, `m`, `x` asks three questions in a row; only the answer to the latest one is shown
(an older answer arriving late is dropped), and a question already overtaken by the next
letter is not even asked of the catalog.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, Signal

from kiosk.catalog.model import CatalogEntry
from kiosk.ui.errors import is_known

log = logging.getLogger("kiosk.ui")

RESULTS = 8

RunInBackground = Callable[[Callable[[], Any], Callable[[Future[Any]], None]], Any]
Searcher = Callable[[str, int], list[CatalogEntry]]


class CatalogSearch(QObject):
    """`search(query)` → `results(query, entries)` for the latest query only."""

    results = Signal(str, object)  # query, list[CatalogEntry]
    failed = Signal(str)

    def __init__(self, run_in_background: RunInBackground, searcher: Searcher,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._run = run_in_background
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

        self._run(work, lambda fut: self._answered(seq, query, fut))

    def _answered(self, seq: int, query: str, fut: Future[Any]) -> None:
        if seq != self._seq:
            return  # stale: a newer query is on its way
        exc = fut.exception()
        if exc is not None:
            if not is_known(exc):
                raise exc  # a bug: the excepthook's "please call the technician"
            log.error("the catalog search for %r failed: %s", query, exc)
            self.failed.emit(query)  # the catalog file: the panel says search is down
            return
        entries = fut.result()
        if entries is not None:
            self.results.emit(query, list(entries))
