"""The default engine: RapidOCR running PaddleOCR's PP-OCR models through onnxruntime.

The three model files are named explicitly so that no setting can make RapidOCR reach for a
model hub. Detection runs on a copy limited to `det_limit_side` pixels on the long side;
recognition reads crops of the full-resolution page, which is where the accuracy comes from.
"""

from __future__ import annotations

import copy
import ctypes
import ctypes.util
import logging
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from kiosk.core.config import OcrSettings
from kiosk.recognition.engines import EngineError, TextLine

log = logging.getLogger("kiosk.recognition")

_MODEL_FILES = {
    "det": "PP-OCRv6_det_small.onnx",
    "rec": "PP-OCRv6_rec_small.onnx",
    "cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}


def installed_model_dir() -> Path:
    """The `models/` folder of the installed rapidocr wheel (where its ONNX files ship)."""
    try:
        import rapidocr
    except ImportError as exc:  # pragma: no cover - rapidocr is a hard dependency
        raise EngineError("the rapidocr package is not installed") from exc
    return Path(rapidocr.__file__).resolve().parent / "models"


def model_paths(settings: OcrSettings) -> dict[str, Path]:
    """The det/rec/cls model files this configuration uses; all must exist locally."""
    base = installed_model_dir()
    chosen = {
        "det": Path(settings.det_model) if settings.det_model else base / _MODEL_FILES["det"],
        "rec": Path(settings.rec_model) if settings.rec_model else base / _MODEL_FILES["rec"],
        "cls": Path(settings.cls_model) if settings.cls_model else base / _MODEL_FILES["cls"],
    }
    missing = [f"{k}: {p}" for k, p in chosen.items() if not p.is_file()]
    if missing:
        raise EngineError("OCR model files are missing: " + "; ".join(missing))
    return chosen


def engine_params(settings: OcrSettings, threads: int | None = None) -> dict[str, Any]:
    """RapidOCR parameters with every model path pinned to a local file."""
    paths = model_paths(settings)
    threads = threads or settings.engine_threads()
    return {
        "Global.log_level": "warning",
        "Global.use_preprocess_img": False,
        "Global.model_root_dir": str(paths["det"].parent),
        "Global.font_path": None,
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        "EngineConfig.onnxruntime.enable_cpu_mem_arena": False,
        "Det.model_path": str(paths["det"]),
        "Det.limit_side_len": settings.det_limit_side,
        "Det.limit_type": "max",
        "Cls.model_path": str(paths["cls"]),
        "Rec.model_path": str(paths["rec"]),
        # Each batch is padded to its widest crop but to at least this width. The shipped 320
        # pads a one-character cell (次, 甲, 1) to seven times its size; receipts are full of
        # those, and 96 halved recognition time here without losing accuracy.
        "Rec.rec_img_shape": [3, 48, 96],
        # one crop per run: a batch is padded to its widest crop, and on one thread the
        # padding costs more than the batching saves (a receipt's lines run from two
        # characters to forty): 30% less engine time on dev-v2 pages, see docs/benchmarks.md
        "Rec.rec_batch_num": 1,
    }


_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8


def limit_heap_growth() -> bool:
    """Keep glibc from hoarding the large buffers onnxruntime frees after every run.

    Detection allocates ~150 MB of feature maps per image. glibc serves such blocks from its
    heap once its mmap threshold has grown, keeps one heap per thread, and returns little to
    the system: two images in parallel peaked at ~0.8 GB. Blocks over 8 MB from fresh
    mappings (returned on free) and two arenas bring a 20-receipt stack under 0.55 GB, at
    some 20% of stack throughput (page faults on the fresh mappings). Returns whether it
    could be applied (glibc only).
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, 8 << 20)) and bool(mallopt(_M_ARENA_MAX, 2))


# How many crops the angle classifier looks at to decide whether the whole page is upside down.
_ORIENTATION_SAMPLE = 16


class RapidEngine:
    """Detection runs on all of the engine's threads; recognition, which is most of the work,
    runs its batches on one single-threaded session per thread side by side, which beats one
    session with several intra-op threads on small batches."""

    name = "rapidocr"

    def __init__(self, settings: OcrSettings) -> None:
        self.settings = settings
        self.threads = settings.engine_threads()
        self._det: Any = None
        self._cls: Any = None
        self._rec: Any = None
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        # one detection at a time: its feature maps (~150 MB for a page) are the engine's
        # largest buffers, and two pages detected at once on a stack's workers doubled the
        # peak. Recognition, most of the work, still runs on all workers together.
        self._det_lock = threading.Lock()

    def load(self) -> None:
        with self._lock:
            if self._det is not None:
                return
            try:
                from rapidocr import RapidOCR
            except ImportError as exc:
                raise EngineError(f"rapidocr cannot be imported: {exc}") from exc
            try:
                det_ocr = RapidOCR(params=engine_params(self.settings, self.threads))
                rec_ocr = RapidOCR(params=engine_params(self.settings, 1))
                # build the onnxruntime sessions now, not on the first receipt
                det, cls, rec = (det_ocr._load_det_model(), rec_ocr._load_cls_model(),
                                 rec_ocr._load_rec_model())
            except EngineError:
                raise
            except Exception as exc:
                raise EngineError(f"the OCR models could not be loaded: {exc}") from exc
            if self.threads > 1:
                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="ocr-rec")
            if not limit_heap_growth():
                log.info("mallopt is not available; the OCR engine's memory may grow")
            self._det, self._cls, self._rec = det, cls, rec

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def read(self, image: np.ndarray) -> Sequence[TextLine]:
        if self._det is None:
            self.load()
        from rapidocr.utils.process_img import get_rotate_crop_image

        with self._det_lock:
            det = self._det(image)
        if det.boxes is None or len(det.boxes) == 0:
            return []
        boxes = np.asarray(det.boxes, dtype=np.float32)
        crops = [get_rotate_crop_image(image, copy.deepcopy(b)) for b in boxes]
        flips = self._orientation(crops)
        crops = [np.ascontiguousarray(c[::-1, ::-1]) if f else c
                 for c, f in zip(crops, flips, strict=True)]
        texts, scores = self._recognise(crops)
        lines: list[TextLine] = []
        for box, text, score, flipped in zip(boxes, texts, scores, flips, strict=True):
            if not text or not text.strip():
                continue
            pts = tuple((float(x), float(y)) for x, y in box)
            lines.append(TextLine(text=text, box=pts, score=float(score), flipped=flipped))
        return lines

    def _orientation(self, crops: list[np.ndarray]) -> list[bool]:
        """Which crops are upside down. A receipt is printed one way round, so on a page with
        enough lines the angle classifier's verdict on the widest ones decides for all; a
        few lines are each asked about."""
        order = sorted(range(len(crops)), key=lambda i: -crops[i].shape[1])
        sample = order[:_ORIENTATION_SAMPLE]
        res = self._cls([crops[i] for i in sample]).cls_res or []
        votes = [bool(lbl == "180" and sc > 0.9) for lbl, sc in res]
        if len(votes) < 3:
            flips = [False] * len(crops)
            for i, v in zip(sample, votes, strict=True):
                flips[i] = v
            return flips
        page = sum(votes) > len(votes) * 0.6
        return [page] * len(crops)

    def _recognise(self, crops: list[np.ndarray]) -> tuple[list[str], list[float]]:
        from rapidocr.ch_ppocr_rec import TextRecInput

        if self._pool is None or len(crops) < 8:
            out = self._rec(TextRecInput(img=crops))
            return list(out.txts or ()), list(out.scores or ())
        # deal crops by width so each thread gets a similar amount of work
        order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / crops[i].shape[0])
        shares = [order[k::self.threads] for k in range(self.threads)]
        results = self._pool.map(
            lambda idx: self._rec(TextRecInput(img=[crops[i] for i in idx])), shares)
        texts = [""] * len(crops)
        scores = [0.0] * len(crops)
        for idx, out in zip(shares, results, strict=True):
            for i, t, sc in zip(idx, out.txts or (), out.scores or (), strict=True):
                texts[i], scores[i] = t, float(sc)
        return texts, scores
