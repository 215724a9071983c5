"""Receipt pictures for the review, decoded off the UI thread (`kiosk.scanner.pictures`).

One worker thread of its own (not the database thread); answers come back as a signal with
the bytes they were made from, so the screen shows a picture only if it still belongs to
the receipt on screen. Pictures made are kept until `forget()` (the next resident).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from kiosk.scanner import CaptureError
from kiosk.scanner.pictures import picture, shrink
from kiosk.ui.camera import to_qimage

log = logging.getLogger("kiosk.ui")

SIDE = 1600  # enough for the enlarged view
SMALL = 900  # the band or column beside the fields is scaled from this one: on the UI thread,
# a smooth scaling of the 1600 px picture took ~20 ms, of this one ~3 ms


def lower_priority() -> None:
    """A worker thread's initializer: pictures give way to the UI thread on a busy machine
    (on Linux the nice value is per thread; the decoding itself runs without Python's lock)."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the default priority
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


@dataclass(frozen=True)
class Picture:
    large: QImage  # the enlarged view
    small: QImage  # the band or column beside the fields


def _rgb32(image: Any) -> QImage:
    return to_qimage(image).convertToFormat(QImage.Format.Format_RGB32)


class PictureLoader(QObject):
    ready = Signal(object, object, object)  # bytes, page, Picture | None (unreadable)
    _made = Signal(object, object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool: ThreadPoolExecutor | None = None
        self._made.connect(self._keep)  # queued from the worker thread
        self._kept: list[tuple[bytes, int | None, Picture | None]] = []
        self._asked: list[tuple[bytes, int | None]] = []

    def get(self, data: bytes, page: int | None) -> Picture | None:
        for d, p, image in self._kept:
            if d is data and p == page:
                return image
        return None

    def request(self, data: bytes, page: int | None) -> None:
        """Make the picture unless it is made or being made; `ready` says when it is."""
        if not data or any(d is data and p == page for d, p in self._asked):
            kept = next(((d, p, i) for d, p, i in self._kept if d is data and p == page), None)
            if kept is not None:
                self.ready.emit(*kept)
            return
        self._asked.append((data, page))
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-picture",
                                            initializer=lower_priority)

        def work() -> None:
            image: Picture | None
            try:  # QImage is fine off the UI thread; RGB32 is what a pixmap is made from
                large = picture(data, page, SIDE)
                image = Picture(_rgb32(large), _rgb32(shrink(large, SMALL)))
            except CaptureError as exc:
                log.info("receipt picture not shown: %s", exc)
                image = None
            except Exception:  # the picture is a help, not the claim: a decoder's failure
                log.exception("receipt picture failed")  # is logged, the fields still show
                image = None
            self._made.emit(data, page, image)
        self._pool.submit(work)

    def _keep(self, data: bytes, page: int | None, image: Picture | None) -> None:
        if not any(d is data and p == page for d, p in self._asked):
            return  # forgotten meanwhile
        self._kept.append((data, page, image))
        self.ready.emit(data, page, image)

    def forget(self) -> None:
        self._kept, self._asked = [], []

    def close(self) -> None:
        self.forget()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
