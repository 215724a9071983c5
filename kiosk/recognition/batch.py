"""A stack of receipts on both cores: one engine per worker, results in input order."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from kiosk.config import OcrSettings
from kiosk.recognition.pipeline import Recognizer
from kiosk.recognition.preprocess import ImageRejected

Result = dict[str, Any] | ImageRejected


class StackRecognizer:
    """Recognises many images with `workers` engines; onnxruntime releases the GIL while it
    runs, so threads give real parallelism, each engine on one onnxruntime thread."""

    def __init__(self, settings: OcrSettings, workers: int | None = None):
        self.workers = max(1, workers or settings.workers)
        # each engine gets its share of the cores: one onnxruntime thread per image beats two
        self.settings = replace(settings, threads=settings.engine_threads(self.workers))
        self._local = threading.local()
        self._all: list[Recognizer] = []
        self._lock = threading.Lock()

    def _recognizer(self) -> Recognizer:
        rec = getattr(self._local, "rec", None)
        if rec is None:
            rec = Recognizer(self.settings)
            rec.load()
            self._local.rec = rec
            with self._lock:
                self._all.append(rec)
        return rec

    def _one(self, path: str) -> Result:
        try:
            return self._recognizer().recognize_file(path)
        except ImageRejected as exc:
            return exc

    def run(self, paths: Iterable[str | Path]) -> Iterator[tuple[str, Result]]:
        items = [str(p) for p in paths]
        if self.workers == 1 or len(items) == 1:
            for p in items:
                yield p, self._one(p)
            return
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="ocr") as pool:
            yield from zip(items, pool.map(self._one, items), strict=False)
