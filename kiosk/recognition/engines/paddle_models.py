"""Builds the local model folders the PaddleOCR engine reads, from the ONNX files of RapidOCR.

paddlex's onnxruntime engine loads a model from a folder holding `inference.onnx` and an
`inference.yml` that names the model and its pre- and post-processing. Rather than download
PaddleOCR's own folders, we write them from the models that are already installed with
rapidocr, with the processing parameters RapidOCR uses, so both engines run the same networks
the same way and a kiosk never needs a model hub.

    python -m kiosk.recognition.engines.paddle_models [--out DIR] [--home DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from kiosk.core.config import OcrSettings, load_settings
from kiosk.recognition.engines import EngineError
from kiosk.recognition.engines.rapid import installed_model_dir, model_paths

KINDS = ("det", "rec", "cls")
MODEL_FILE = "inference.onnx"
CONFIG_FILE = "inference.yml"
BUILD_COMMAND = "python -m kiosk.recognition.engines.paddle_models"

# The textline orientation model is PP-OCR's mobile angle classifier, which paddlex does not
# name; paddlex only needs a textline-orientation model name it knows, the yml says the rest.
_CLS_MODEL_NAME = "PP-LCNet_x0_25_textline_ori"
_DEFAULT_NAMES = {"det": "PP-OCRv6_small_det", "rec": "PP-OCRv6_small_rec"}


def default_model_dir(settings: OcrSettings, home: Path) -> Path:
    """`ocr.paddle_model_dir` when set, else `<kiosk home>/models/paddle`."""
    if settings.paddle_model_dir:
        return Path(settings.paddle_model_dir).expanduser()
    return home / "models" / "paddle"


def missing_parts(root: Path) -> list[Path]:
    """The files of the three folders below `root` that do not exist (empty: all there)."""
    return [root / k / f for k in KINDS for f in (MODEL_FILE, CONFIG_FILE)
            if not (root / k / f).is_file()]


def _paddlex_name(kind: str, onnx: Path) -> str:
    """paddlex's name for a PP-OCR det/rec file, e.g. PP-OCRv6_det_small -> PP-OCRv6_small_det."""
    m = re.fullmatch(r"(PP-OCRv\d+)_(det|rec)_(\w+)", onnx.stem)
    if m and m.group(2) == kind:
        return f"{m.group(1)}_{m.group(3)}_{kind}"
    m = re.fullmatch(r"(PP-OCRv\d+)_(\w+)_(det|rec)", onnx.stem)
    if m and m.group(3) == kind:
        return onnx.stem
    return _DEFAULT_NAMES[kind]


def _rapid_config() -> dict[str, Any]:
    """RapidOCR's own defaults (thresholds, normalisation, input shapes) from its wheel."""
    path = installed_model_dir().parent / "config.yaml"
    with path.open(encoding="utf-8") as f:
        data: dict[str, Any] = yaml.safe_load(f)
    return data


def character_list(rec_onnx: Path) -> list[str]:
    """The recogniser's characters, which the PP-OCR ONNX export keeps in its metadata."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(rec_onnx), providers=["CPUExecutionProvider"])
    meta = session.get_modelmeta().custom_metadata_map
    if "character" not in meta:
        raise EngineError(f"{rec_onnx} carries no character list in its metadata")
    return meta["character"].splitlines()


def model_configs(paths: dict[str, Path]) -> dict[str, dict[str, Any]]:
    """The inference.yml contents for det, rec and cls, in the layout paddlex reads."""
    rapid = _rapid_config()
    det, cls, rec = rapid["Det"], rapid["Cls"], rapid["Rec"]
    _, cls_h, cls_w = cls["cls_image_shape"]
    return {
        "det": {
            "Global": {"model_name": _paddlex_name("det", paths["det"])},
            "PreProcess": {"transform_ops": [
                {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
                {"DetResizeForTest": {"limit_side_len": 960, "limit_type": "max"}},
                {"NormalizeImage": {"mean": det["mean"], "std": det["std"],
                                    "scale": 1 / 255, "order": "hwc"}},
                {"ToCHWImage": None},
            ]},
            "PostProcess": {
                "name": "DBPostProcess",
                "thresh": det["thresh"],
                "box_thresh": det["box_thresh"],
                "max_candidates": det["max_candidates"],
                "unclip_ratio": det["unclip_ratio"],
                "use_dilation": det["use_dilation"],
                "score_mode": det["score_mode"],
                "box_type": "quad",
            },
        },
        "rec": {
            "Global": {"model_name": _paddlex_name("rec", paths["rec"])},
            "PreProcess": {"transform_ops": [
                {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
                {"RecResizeImg": {"image_shape": list(rec["rec_img_shape"])}},
            ]},
            "PostProcess": {
                "name": "CTCLabelDecode",
                "character_dict": character_list(paths["rec"]),
            },
        },
        "cls": {
            "Global": {"model_name": _CLS_MODEL_NAME},
            "PreProcess": {"transform_ops": [
                {"ResizeImage": {"size": [cls_w, cls_h]}},
                {"NormalizeImage": {"mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5],
                                    "scale": 1 / 255, "order": ""}},
                {"ToCHWImage": None},
            ]},
            "PostProcess": {"Topk": {"topk": 1, "label_list": ["0_degree", "180_degree"]}},
        },
    }


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def build(out: Path, settings: OcrSettings | None = None) -> dict[str, Path]:
    """Write `out/{det,rec,cls}/inference.{onnx,yml}`; skip folders already up to date.

    Each folder's yml records the sha256 of the ONNX file it came from, so a rapidocr upgrade
    (new model files) rebuilds the folders and an unchanged install leaves them alone.
    """
    paths = model_paths(settings or OcrSettings())
    configs = model_configs(paths)
    built: dict[str, Path] = {}
    for kind in KINDS:
        folder = out / kind
        source = paths[kind]
        digest = _digest(source)
        config = {**configs[kind], "Source": {"file": source.name, "sha256": digest}}
        text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
        yml, onnx = folder / CONFIG_FILE, folder / MODEL_FILE
        current = (yml.is_file() and onnx.is_file()
                   and yml.read_text(encoding="utf-8") == text
                   and onnx.stat().st_size == source.stat().st_size)
        if not current:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / (MODEL_FILE + ".tmp")
            shutil.copyfile(source, tmp)
            os.replace(tmp, onnx)
            tmp_yml = folder / (CONFIG_FILE + ".tmp")
            tmp_yml.write_text(text, encoding="utf-8")
            os.replace(tmp_yml, yml)
        built[kind] = folder
    return built


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=BUILD_COMMAND, description="Build PaddleOCR model folders from RapidOCR's models."
    )
    parser.add_argument("--out", help="target folder (default: ocr.paddle_model_dir, "
                        "else <kiosk home>/models/paddle)")
    parser.add_argument("--home", help="kiosk home directory (default: KIOSK_HOME or per-user)")
    args = parser.parse_args(argv)
    settings = load_settings(args.home)
    out = Path(args.out) if args.out else default_model_dir(settings.ocr, settings.home)
    try:
        built = build(out, settings.ocr)
    except (EngineError, OSError) as exc:
        print(f"paddle_models: {exc}", file=sys.stderr)
        return 1
    for kind, folder in built.items():
        print(f"paddle_models: {kind}: {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
