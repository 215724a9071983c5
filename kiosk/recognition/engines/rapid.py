"""The default engine: RapidOCR running PaddleOCR's PP-OCR models through onnxruntime.

The three model files are named explicitly so that no setting can make RapidOCR reach for a
model hub. Detection runs on a copy limited to `det_limit_side` pixels on the long side;
recognition reads crops of the full-resolution page, which is where the accuracy comes from.
"""

from __future__ import annotations

import copy
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from kiosk.config import OcrSettings
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


def engine_params(settings: OcrSettings) -> dict[str, Any]:
    """RapidOCR parameters with every model path pinned to a local file."""
    paths = model_paths(settings)
    threads = settings.engine_threads()
    return {
        "Global.log_level": "warning",
        "Global.use_preprocess_img": False,
        "Global.model_root_dir": str(paths["det"].parent),
        "Global.font_path": None,
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        "Det.model_path": str(paths["det"]),
        "Det.limit_side_len": settings.det_limit_side,
        "Det.limit_type": "max",
        "Cls.model_path": str(paths["cls"]),
        "Rec.model_path": str(paths["rec"]),
    }


class RapidEngine:
    name = "rapidocr"

    def __init__(self, settings: OcrSettings) -> None:
        self.settings = settings
        self._ocr: Any = None
        self._lock = threading.Lock()

    def load(self) -> None:
        with self._lock:
            if self._ocr is not None:
                return
            try:
                from rapidocr import RapidOCR
            except ImportError as exc:
                raise EngineError(f"rapidocr cannot be imported: {exc}") from exc
            try:
                ocr = RapidOCR(params=engine_params(self.settings))
                # Build the three onnxruntime sessions now, not on the first receipt.
                ocr._load_det_model()
                ocr._load_cls_model()
                ocr._load_rec_model()
            except EngineError:
                raise
            except Exception as exc:
                raise EngineError(f"the OCR models could not be loaded: {exc}") from exc
            self._ocr = ocr

    def read(self, image: np.ndarray) -> Sequence[TextLine]:
        if self._ocr is None:
            self.load()
        from rapidocr.ch_ppocr_rec import TextRecInput
        from rapidocr.utils.process_img import get_rotate_crop_image

        ocr = self._ocr
        det = ocr._load_det_model()(image)
        if det.boxes is None or len(det.boxes) == 0:
            return []
        boxes = np.asarray(det.boxes, dtype=np.float32)
        crops = [get_rotate_crop_image(image, copy.deepcopy(b)) for b in boxes]
        cls = ocr._load_cls_model()(crops)
        flipped = [bool(lbl == "180" and sc > 0.9) for lbl, sc in (cls.cls_res or [])]
        rec = ocr._load_rec_model()(TextRecInput(img=cls.img_list))
        lines: list[TextLine] = []
        for i, (box, text, score) in enumerate(zip(boxes, rec.txts or (), rec.scores or (), strict=False)):
            if not text or not text.strip():
                continue
            pts = tuple((float(x), float(y)) for x, y in box)
            lines.append(TextLine(text=text, box=pts, score=float(score),
                                  flipped=flipped[i] if i < len(flipped) else False))
        return lines
