"""Receipt pictures for the review, decoded off the UI thread (`kiosk.scanner.pictures`).

The decoding runs as a `QueryOp` on the task manager's low-priority media pool (not the
database thread; its shutdown joins the threads). Answers come back with the bytes they were
made from, so the screen shows a picture only if it still belongs to the receipt on screen.
Pictures made are kept until `forget()` (the next resident); work asked before a `forget()`
and not yet started is skipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from kiosk.scanner import CaptureError
from kiosk.scanner.pictures import picture, shrink
from kiosk.ui.camera import to_qimage
from kiosk.ui.operations import QueryOp
from kiosk.ui.tasks import TaskManager

log = logging.getLogger("kiosk.ui")

SIDE = 1600  # enough for the enlarged view
SMALL = 900  # the band or column beside the fields is scaled from this one: on the UI thread,
# a smooth scaling of the 1600 px picture took ~20 ms, of this one ~3 ms


@dataclass(frozen=True)
class Picture:
    large: QImage  # the enlarged view
    small: QImage  # the band or column beside the fields


def _rgb32(image: Any) -> QImage:
    return to_qimage(image).convertToFormat(QImage.Format.Format_RGB32)


class PictureLoader(QObject):
    ready = Signal(object, object, object)  # bytes, page, Picture | None (unreadable)

    def __init__(self, tasks: TaskManager, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._generation = 0  # bumped by forget(): older work is skipped, its answers dropped
        self._closed = False
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
        if self._closed:
            return
        self._asked.append((data, page))
        generation = self._generation

        def work() -> tuple[bool, Picture | None]:
            if generation != self._generation:
                return False, None  # forgotten before it started
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
            return True, image

        QueryOp(self._tasks, work, media=True).success(
            lambda made: self._keep(generation, data, page, *made)).run()

    def _keep(self, generation: int, data: bytes, page: int | None, made: bool,
              image: Picture | None) -> None:
        if not made or generation != self._generation or self._closed:
            return  # forgotten meanwhile
        self._kept.append((data, page, image))
        self.ready.emit(data, page, image)

    def forget(self) -> None:
        self._generation += 1
        self._kept, self._asked = [], []

    def close(self) -> None:
        """Nothing more is made (queued work is skipped; the task manager's shutdown joins
        the threads)."""
        self.forget()
        self._closed = True
