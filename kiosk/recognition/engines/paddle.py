"""The second engine: PaddleOCR 3.x on its onnxruntime engine, without paddlepaddle.

It reads local model folders (`inference.onnx` + `inference.yml` for det, rec and cls) that
`paddle_models` builds from the ONNX files installed with RapidOCR, so both engines run the
same networks and nothing is ever downloaded. Document orientation and unwarping stay off:
their models are not on the kiosk, and with them on the boxes would be in the coordinates of
the turned or unwarped page instead of the input image's. The output is mapped onto `TextLine` exactly as
`RapidEngine` does it, so the rest of the kiosk cannot tell the engines apart.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from kiosk.core.config import OcrSettings, resolve_home
from kiosk.recognition.engines import EngineError, TextLine
from kiosk.recognition.engines.paddle_models import (
    BUILD_COMMAND,
    CONFIG_FILE,
    default_model_dir,
    missing_parts,
)

log = logging.getLogger("kiosk.recognition")

# paddlex probes its model hosters over the network when a pipeline is built unless this is
# set; it reads the variable once, when paddlex is first imported.
_OFFLINE_ENV = {"PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK": "True"}


class PaddleEngine:
    name = "paddleocr"

    def __init__(self, settings: OcrSettings, home: Path | None = None) -> None:
        self.settings = settings
        self.home = home if home is not None else resolve_home()
        self.model_dir = default_model_dir(settings, self.home)
        self._ocr: Any = None
        self._lock = threading.Lock()

    def _folder_config(self, kind: str) -> dict[str, Any]:
        path = self.model_dir / kind / CONFIG_FILE
        try:
            with path.open(encoding="utf-8") as f:
                data = yaml.safe_load(f)
            if not isinstance(data["Global"]["model_name"], str):
                raise TypeError("Global.model_name is not a string")
        except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
            raise EngineError(
                f"{path} is unreadable ({exc}); rebuild it with "
                f"`{BUILD_COMMAND} --out {self.model_dir}`"
            ) from exc
        return dict(data)

    def load(self) -> None:
        with self._lock:
            if self._ocr is not None:
                return
            missing = missing_parts(self.model_dir)
            if missing:
                raise EngineError(
                    "PaddleOCR model files are missing: "
                    + ", ".join(str(p) for p in missing)
                    + f". Build them with `{BUILD_COMMAND} --out {self.model_dir}`"
                    " (packaging/install-paddle.sh does this at install time)."
                )
            det, rec, cls = (self._folder_config(k) for k in ("det", "rec", "cls"))
            os.environ.update(_OFFLINE_ENV)
            # paddlex keeps lock files and caches in ~/.paddlex unless told otherwise; a
            # kiosk keeps everything below its home.
            os.environ.setdefault("PADDLE_PDX_CACHE_HOME", str(self.home / "cache" / "paddlex"))
            try:
                from paddleocr import PaddleOCR
            except ImportError as exc:
                raise EngineError(
                    f"paddleocr cannot be imported ({exc}); install it with "
                    "`bash packaging/install-paddle.sh VENV`"
                ) from exc
            logging.getLogger("paddlex").setLevel(logging.WARNING)
            post = det.get("PostProcess", {})
            threads = self.settings.threads
            try:
                ocr = PaddleOCR(
                    text_detection_model_name=det["Global"]["model_name"],
                    text_detection_model_dir=str(self.model_dir / "det"),
                    text_recognition_model_name=rec["Global"]["model_name"],
                    text_recognition_model_dir=str(self.model_dir / "rec"),
                    textline_orientation_model_name=cls["Global"]["model_name"],
                    textline_orientation_model_dir=str(self.model_dir / "cls"),
                    use_doc_orientation_classify=False,
                    use_doc_unwarping=False,
                    use_textline_orientation=True,
                    text_det_limit_side_len=self.settings.det_limit_side,
                    text_det_limit_type="max",
                    # The pipeline's own defaults differ from the models' (RapidOCR's) values.
                    text_det_thresh=post.get("thresh"),
                    text_det_box_thresh=post.get("box_thresh"),
                    text_det_unclip_ratio=post.get("unclip_ratio"),
                    text_rec_score_thresh=0.0,
                    engine="onnxruntime",
                    engine_config={
                        "intra_op_num_threads": threads,
                        "inter_op_num_threads": 1,
                    },
                    device="cpu",
                )
            except Exception as exc:
                raise EngineError(f"the PaddleOCR models could not be loaded: {exc}") from exc
            _use_exact_flip(ocr)
            self._ocr = ocr

    def read(self, image: np.ndarray) -> Sequence[TextLine]:
        if self._ocr is None:
            self.load()
        results = self._ocr.predict(image)
        if not results:
            return []
        res = results[0]
        texts = _as_list(res.get("rec_texts"))
        scores = _as_list(res.get("rec_scores"))
        polys = _as_list(res.get("rec_polys"))
        # Orientation comes per detected box; rec_polys are the boxes whose text passed the
        # score threshold (all of them at 0.0), so find each one's place in dt_polys.
        dt_polys = _as_list(res.get("dt_polys"))
        angles = [int(a) for a in _as_list(res.get("textline_orientation_angles"))]
        lines: list[TextLine] = []
        for poly, text, score in zip(polys, texts, scores, strict=True):
            if not text or not text.strip():
                continue
            pts = tuple((float(x), float(y)) for x, y in np.asarray(poly).reshape(-1, 2)[:4])
            lines.append(TextLine(text=text, box=pts, score=float(score),
                                  flipped=_angle_for(poly, dt_polys, angles) == 1))
        return lines


def _flip_180(images: list[np.ndarray], angles: list[int]) -> list[np.ndarray]:
    """Turn the crops classified as 180° by an exact pixel flip, as RapidOCR does."""
    return [np.ascontiguousarray(img[::-1, ::-1]) if a == 1 else img
            for img, a in zip(images, angles, strict=True)]


def _use_exact_flip(ocr: Any) -> None:
    """Replace paddlex's 180° turn of upside-down crops by an exact flip.

    paddlex turns them with `cv2.warpAffine` around (w/2, h/2) with cubic interpolation, which
    shifts the crop by a pixel and paints a black border row and column into it; on a
    rendered receipt line that was enough to lose the space in "合计 123.45". Only the
    single-device pipeline is patched; if paddlex's internals move, we keep its own turn.
    """
    inner = getattr(getattr(ocr, "paddlex_pipeline", None), "__dict__", {}).get("_pipeline")
    if inner is not None and callable(getattr(inner, "rotate_image", None)):
        inner.rotate_image = _flip_180
    else:
        log.warning("paddleocr: cannot reach the pipeline's rotate_image; upside-down lines "
                    "are turned by paddlex's own (lossy) rotation")


def _as_list(value: Any) -> list[Any]:
    """paddlex hands out lists or numpy arrays (and None); `or []` fails on arrays."""
    return [] if value is None else list(value)


def _angle_for(poly: Any, dt_polys: Sequence[Any], angles: Sequence[int]) -> int:
    """The textline orientation class (0: 0°, 1: 180°, -1: not run) of one detected box."""
    for i, candidate in enumerate(dt_polys):
        if candidate is poly or np.array_equal(candidate, poly):
            return angles[i] if i < len(angles) else -1
    return -1
