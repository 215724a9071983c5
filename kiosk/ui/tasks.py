"""Work off the UI thread, results back on it (after Anki's aqt/taskman.py).

`TaskManager` owns every short-lived background thread of the UI: one single-worker
executor for database and catalog work (their connections stay on one thread), a small
pool for slow devices and the network (camera probes, card reader, printing, county tests),
which must never hold up the database thread, and a low-priority pool for media (decoding
receipt pictures, listing and previewing USB sticks), which must not hold up either: a
pulled stick can block a listing for seconds. Screens go through `kiosk.ui.operations`
(`QueryOp(...).success(...).failure(...).run()`), not through futures. `shutdown()` waits
for both. `OcrService` owns the recognizer: a QObject moved to its own QThread, loaded once
in the background, fed images through a queued signal.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

log = logging.getLogger("kiosk.ui.tasks")


class TaskManager(QObject):
    """One background thread for database work, a few for devices and the network; closures
    queued back to the UI thread."""

    _closures_pending = Signal()
    known_failed = Signal(str)  # plain words for a known failure no screen handled itself

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-ui-db")
        self._io = ThreadPoolExecutor(max_workers=4, thread_name_prefix="kiosk-ui-io")
        self._media = ThreadPoolExecutor(max_workers=2, thread_name_prefix="kiosk-ui-media",
                                         initializer=lower_priority)
        self._closures: list[Callable[[], None]] = []
        self._lock = threading.Lock()
        self._closed = False
        self._closures_pending.connect(self._on_closures_pending)

    def run_on_main(self, closure: Callable[[], None]) -> None:
        """Run `closure` on the UI thread soon (safe from any thread)."""
        with self._lock:
            self._closures.append(closure)
        self._closures_pending.emit()

    def run_in_background(self, fn: Callable[[], Any],
                          on_done: Callable[[Future[Any]], None] | None = None, *,
                          io: bool = False, media: bool = False) -> Future[Any]:
        """Run `fn` on the database thread (`io`: on the device and network pool; `media`: on
        the low-priority picture and USB pool); `on_done(future)` afterwards on the UI thread.

        `fn` must not touch a widget. `on_done` calls `future.result()` to get the value or
        the exception; an exception nobody collects is logged as a bug. Screens use
        `kiosk.ui.operations.QueryOp`, which does that unpacking once.
        """
        pool = self._media if media else self._io if io else self._executor
        fut = pool.submit(fn)

        def done(f: Future[Any]) -> None:
            if self._closed:
                return
            if on_done is None:
                self.run_on_main(lambda: _raise_if_failed(f))
            else:
                self.run_on_main(lambda: on_done(f))

        fut.add_done_callback(done)
        return fut

    @Slot()
    def _on_closures_pending(self) -> None:
        with self._lock:
            closures, self._closures = self._closures, []
        for closure in closures:
            closure()

    def shutdown(self) -> None:
        """Finish queued database and device work (each bounded by its own timeout), drop
        pending UI callbacks."""
        self._closed = True
        self._media.shutdown(wait=True, cancel_futures=True)
        self._io.shutdown(wait=True, cancel_futures=True)
        self._executor.shutdown(wait=True)
        with self._lock:
            self._closures.clear()


def lower_priority() -> None:
    """The media pool's initializer: pictures and sticks give way to the UI thread on a busy
    machine (on Linux the nice value is per thread; decoding runs without Python's lock)."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the default priority
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


def _raise_if_failed(f: Future[Any]) -> None:
    f.result()  # re-raised on the UI thread: the excepthook turns it into the bug screen


class _OcrWorker(QObject):
    """Lives on the OCR thread; builds and runs the recognizer. Never touches a widget."""

    loaded = Signal()
    recognized = Signal(int, object)  # job id, list[PageRead] (one or more receipts)
    rejected = Signal(int, str, str)  # job id, code, its catalogue section (PlainError)
    failed = Signal(int, str)  # job id, detail (a bug or an engine failure)

    def __init__(self, factory: Callable[[], Any]) -> None:
        super().__init__()
        self._factory = factory
        self._recognizer: Any = None
        self._stop = threading.Event()

    def request_stop(self) -> None:
        self._stop.set()

    @Slot()
    def load(self) -> None:
        if self._stop.is_set():
            return
        if self._recognizer is not None:  # a receipt came first and loaded it on demand
            self.loaded.emit()
            return
        try:
            self._recognizer = self._factory()
            self._recognizer.load()
        except Exception:  # any engine failure: the kiosk runs on, "读图引擎 正在加载" /
            log.exception("the OCR engine could not be loaded")  # the technician's screen
            self._recognizer = None
            self.failed.emit(0, "the OCR engine could not be loaded")
            return
        self.loaded.emit()

    @Slot(int, bytes, str)
    def recognize(self, job: int, data: bytes, name: str) -> None:
        from kiosk.recognition.preprocess import ImageRejected
        from kiosk.scanner.messages import CaptureError

        if self._stop.is_set():
            return
        if self._recognizer is None:
            self.load()
            if self._recognizer is None:
                self.failed.emit(job, "no OCR engine")
                return
        try:
            pages = read_pages(self._recognizer, data, name)
        except (ImageRejected, CaptureError) as exc:
            self.rejected.emit(job, exc.code, exc.SECTION)
            return
        except Exception as exc:  # a bug or an engine crash on this thread: reported through
            log.exception("recognition of %s failed", name)  # `failed` (technician's screen)
            self.failed.emit(job, f"{type(exc).__name__}: {exc}")
            return
        if not self._stop.is_set():
            self.recognized.emit(job, pages)


@dataclass(frozen=True)
class PageRead:
    """One receipt read from a picture or a document's page (`page` None for a picture)."""

    recognition: dict[str, Any]
    page: int | None = None


def is_receipt(doc: dict[str, Any]) -> bool:
    """Recognition's own verdict: an `unknown` document is not a medical receipt."""
    return doc.get("doc_type") != "unknown"


def read_pages(recognizer: Any, data: bytes, name: str) -> list[PageRead]:
    """A picture is read as is; a PDF through the capture layer, every page, each from its
    text layer when it has one (no OCR), else from the rendered pixels.

    A page that is not a receipt (a cover letter, a blank back) is skipped with a log line;
    a document with no receipt page at all raises CaptureError("no_receipt_in_document").
    """
    if not data.startswith(b"%PDF"):
        return [PageRead(dict(recognizer.recognize_bytes(data, name)))]
    from kiosk.recognition.preprocess import ImageRejected
    from kiosk.scanner.files import FileSource
    from kiosk.scanner.messages import CaptureError

    with tempfile.TemporaryDirectory(prefix="kiosk-import-") as tmp:
        path = Path(tmp) / "document.pdf"
        path.write_bytes(data)
        captures = list(FileSource(path, qr=False).captures())
    out: list[PageRead] = []
    for cap in captures:
        try:
            if cap.pdf_lines:
                h, w = cap.size()
                doc = dict(recognizer.recognize_text_runs(cap.pdf_lines, w, h, name))
            else:
                doc = dict(recognizer.recognize_image(cap.image, name))
        except ImageRejected as exc:
            log.info("%s page %d of %d skipped: %s", name, cap.page, len(captures), exc.code)
            continue
        if not is_receipt(doc):
            log.info("%s page %d of %d skipped: not a receipt", name, cap.page, len(captures))
            continue
        out.append(PageRead(doc, cap.page if len(captures) > 1 else None))
    if not out:
        raise CaptureError("no_receipt_in_document", f"{name}: no page is a receipt")
    log.info("%s: %d receipt(s) in %d page(s)", name, len(out), len(captures))
    return out


def read_document(recognizer: Any, data: bytes, name: str) -> dict[str, Any]:
    """The first receipt of a picture or document (`read_pages` reads them all)."""
    return read_pages(recognizer, data, name)[0].recognition


class OcrService(QObject):
    """The UI's handle on the OCR thread: `recognize()` returns a job id; signals carry it."""

    loaded = Signal()
    recognized = Signal(int, object)  # job id, list[PageRead]
    rejected = Signal(int, str, str)  # job id, code, catalogue section ("rejection"…)
    failed = Signal(int, str)
    _request = Signal(int, bytes, str)
    _load = Signal()

    def __init__(self, factory: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs = 0
        self.ready = False
        self._thread = QThread()
        self._thread.setObjectName("kiosk-ocr")
        self._worker = _OcrWorker(factory)
        self._worker.moveToThread(self._thread)
        self._thread.finished.connect(self._worker.deleteLater)
        self._request.connect(self._worker.recognize)
        self._load.connect(self._worker.load)
        self._worker.loaded.connect(self._on_loaded)
        self._worker.recognized.connect(self.recognized)
        self._worker.rejected.connect(self.rejected)
        self._worker.failed.connect(self.failed)
        self._thread.start()

    def start_loading(self) -> None:
        """Load the models on the OCR thread (seconds) behind the start screen, so the
        first frame comes at once and the first receipt is quick (`kiosk.app.compose`)."""
        self._load.emit()


    def _on_loaded(self) -> None:
        self.ready = True
        log.info("OCR engine loaded")
        self.loaded.emit()

    def recognize(self, data: bytes, name: str) -> int:
        self._jobs += 1
        self._request.emit(self._jobs, data, name)
        return self._jobs

    def shutdown(self, timeout_ms: int = 30000) -> None:
        """Stop after the current image; wait for the thread (never terminate it)."""
        if not self._thread.isRunning():
            return
        self._worker.request_stop()
        self._thread.quit()
        if not self._thread.wait(timeout_ms):
            log.error("the OCR thread did not stop within %d ms", timeout_ms)
