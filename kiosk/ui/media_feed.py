"""The USB import's adapter: `kiosk.scanner.media` run off the UI thread, answers as signals.

A stick being pulled out can block a listing for seconds, and a picture or a PDF page takes
tens to hundreds of milliseconds to decode or render: all of it runs as `QueryOp`s on the task
manager's low-priority media pool (never the database thread; its shutdown joins the threads).
Each answer carries the generation it was asked in; after `cancel()` (a new folder, the screen
left) older answers are dropped and work not yet started is skipped, so a slow stick never
paints over the next folder. A known failure (no stick, an unreadable file) is an answer; any
other exception is a bug and goes to the bug reporter like every operation's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath

import cv2
import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from kiosk.core.plain import PlainError
from kiosk.scanner import CaptureError
from kiosk.scanner.media import (
    DEFAULT_MEDIA_ROOTS,
    Entry,
    Listing,
    MediaError,
    Medium,
    find_media,
    list_folder,
    preview,
)
from kiosk.ui.camera import to_qimage
from kiosk.ui.operations import QueryOp
from kiosk.ui.tasks import TaskManager

log = logging.getLogger("kiosk.ui.media")

GAP = 8


class MediaFeed(QObject):
    media = Signal(object)  # list[Medium]
    listed = Signal(object, object, object)  # Medium, rel path, Listing | PlainError
    previewed = Signal(object, object, int)  # Entry, QImage | PlainError, page count

    def __init__(self, tasks: TaskManager, roots: Sequence[Path] = DEFAULT_MEDIA_ROOTS, *,
                 mounts_only: bool = True, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self.roots = tuple(roots)
        self.mounts_only = mounts_only
        self._generation = 0
        self._closed = False

    def set_roots(self, roots: Sequence[Path], *, mounts_only: bool = True) -> None:
        """Where sticks are mounted (`[scanner] media_roots`; tests give plain folders)."""
        self.roots, self.mounts_only = tuple(roots), mounts_only

    def _submit(self, work: Callable[[], Callable[[], None]]) -> None:
        if self._closed:
            return
        generation = self._generation

        def run() -> Callable[[], None] | None:
            if generation != self._generation:
                return None  # asked for a folder no longer shown: not started
            return work()

        QueryOp(self._tasks, run, media=True).success(
            lambda answer: self._deliver(generation, answer)).run()

    def _deliver(self, generation: int, answer: Callable[[], None] | None) -> None:
        if answer is not None and generation == self._generation and not self._closed:
            answer()

    def cancel(self) -> None:
        """Answers to what was asked so far are dropped."""
        self._generation += 1

    def scan(self) -> None:
        roots, mounts_only = self.roots, self.mounts_only

        def work() -> Callable[[], None]:
            found = find_media(roots, mounts_only=mounts_only)
            return lambda: self.media.emit(found)
        self._submit(work)

    def list(self, medium: Medium, rel: PurePosixPath) -> None:
        def work() -> Callable[[], None]:
            result: Listing | PlainError
            try:
                result = list_folder(medium, rel)
            except (CaptureError, MediaError) as exc:
                result = exc
            return lambda: self.listed.emit(medium, rel, result)
        self._submit(work)

    def preview(self, entry: Entry, side: int) -> None:
        def work() -> Callable[[], None]:
            result: QImage | PlainError
            pages = 0
            try:
                images, pages = preview(entry, side)
                result = to_qimage(side_by_side(images, side))  # QImage is fine off the UI thread
            except (CaptureError, MediaError) as exc:
                result = exc
            return lambda: self.previewed.emit(entry, result, pages)
        self._submit(work)

    def close(self) -> None:
        """Nothing more is asked or answered (queued work is skipped; the task manager's
        shutdown joins the threads)."""
        self.cancel()
        self._closed = True


def side_by_side(images: list[np.ndarray], side: int) -> np.ndarray:
    """A PDF's first pages next to each other, all within a `side`-wide picture."""
    if len(images) == 1:
        return images[0]
    shown = images[:3]
    height = min(img.shape[0] for img in shown)
    width = (side - GAP * (len(shown) - 1)) // len(shown)
    scaled = []
    for img in shown:
        h, w = img.shape[:2]
        scale = min(width / w, height / h)
        scaled.append(cv2.resize(img, (max(1, int(w * scale)), max(1, int(h * scale))),
                                 interpolation=cv2.INTER_AREA))
    out_h = max(img.shape[0] for img in scaled)
    out = np.full((out_h, sum(img.shape[1] for img in scaled) + GAP * (len(scaled) - 1), 3),
                  255, dtype=np.uint8)
    x = 0
    for img in scaled:
        out[:img.shape[0], x:x + img.shape[1]] = img
        x += img.shape[1] + GAP
    return out
