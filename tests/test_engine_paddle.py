"""The PaddleOCR engine: model folders built from RapidOCR's files, same text, no network."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
import yaml

from kiosk.core.config import OcrSettings
from kiosk.recognition.engines import EngineError, OcrEngine, create_engine
from kiosk.recognition.engines.paddle_models import BUILD_COMMAND, KINDS, build, missing_parts
from kiosk.recognition.engines.rapid import RapidEngine, model_paths

pytestmark = [
    pytest.mark.paddle,
    pytest.mark.skipif(
        importlib.util.find_spec("paddleocr") is None,
        reason="paddleocr is not installed (extra 'paddle': bash packaging/install-paddle.sh VENV)",
    ),
]

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
LINES = ("门诊收费票据", "合计 123.45")


def render(lines: tuple[str, ...] = LINES) -> np.ndarray:
    """A white page with one line of black CJK text per entry, as a BGR array."""
    from PIL import Image, ImageDraw, ImageFont

    if not FONT.is_file():
        pytest.skip(f"CJK font {FONT} is not installed (Debian fonts-wqy-microhei)")
    font = ImageFont.truetype(str(FONT), 40)
    page = Image.new("RGB", (720, 110 * len(lines) + 40), "white")
    draw = ImageDraw.Draw(page)
    for i, line in enumerate(lines):
        draw.text((40, 40 + 110 * i), line, font=font, fill="black")
    return np.ascontiguousarray(np.asarray(page)[:, :, ::-1])


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("paddle-models")
    build(root)
    return root


@pytest.fixture(scope="module")
def paddle(model_dir: Path) -> OcrEngine:
    engine = create_engine(OcrSettings(engine="paddleocr", paddle_model_dir=str(model_dir)))
    engine.load()
    return engine


def test_builds_folders_from_the_rapidocr_files_and_loads_them(tmp_path: Path) -> None:
    built = build(tmp_path)
    assert missing_parts(tmp_path) == []
    sources = model_paths(OcrSettings())
    for kind in KINDS:
        assert built[kind] == tmp_path / kind
        assert (tmp_path / kind / "inference.onnx").read_bytes() == sources[kind].read_bytes()

    rec = yaml.safe_load((tmp_path / "rec" / "inference.yml").read_text(encoding="utf-8"))
    chars = rec["PostProcess"]["character_dict"]
    assert rec["PostProcess"]["name"] == "CTCLabelDecode"
    # The recogniser's last axis is blank + the dictionary + space.
    classes = ort.InferenceSession(str(sources["rec"])).get_outputs()[0].shape[-1]
    assert len(chars) + 2 == classes
    assert {"门", "诊", "合", "计", "1", "."} <= set(chars)

    stamp = (tmp_path / "rec" / "inference.onnx").stat().st_mtime_ns
    build(tmp_path)  # up to date: nothing rewritten
    assert (tmp_path / "rec" / "inference.onnx").stat().st_mtime_ns == stamp

    engine = create_engine(OcrSettings(engine="paddleocr", paddle_model_dir=str(tmp_path)))
    engine.load()
    assert engine.name == "paddleocr"


def test_reads_the_same_text_as_rapidocr(paddle: OcrEngine) -> None:
    page = render()
    rapid = RapidEngine(OcrSettings())
    ours, theirs = paddle.read(page), rapid.read(page)
    assert [line.text for line in ours] == list(LINES)
    assert [line.text for line in ours] == [line.text for line in theirs]
    for a, b in zip(ours, theirs, strict=True):
        assert len(a.box) == 4
        assert np.allclose(a.box, b.box, atol=2.0), (a.box, b.box)
        # RapidOCR reads each line alone and unpadded; PaddleX pads every line to at least
        # 320 px, which lowers its confidence a little (0.963 against 0.987 here)
        assert a.score == pytest.approx(b.score, abs=0.04)
        assert not a.flipped

    upside_down = np.ascontiguousarray(page[::-1, ::-1])
    ours, theirs = paddle.read(upside_down), rapid.read(upside_down)
    assert [line.text for line in ours] == [line.text for line in theirs]
    assert [line.text.replace(" ", "") for line in ours] == [
        line.replace(" ", "") for line in reversed(LINES)
    ]
    assert all(line.flipped for line in ours)
    assert all(line.flipped for line in theirs)


def test_missing_folders_name_what_is_missing(tmp_path: Path) -> None:
    absent = tmp_path / "nowhere"
    engine = create_engine(OcrSettings(engine="paddleocr", paddle_model_dir=str(absent)))
    with pytest.raises(EngineError) as err:
        engine.load()
    assert str(absent / "det" / "inference.onnx") in str(err.value)
    assert BUILD_COMMAND in str(err.value)

    build(tmp_path / "partial")
    (tmp_path / "partial" / "rec" / "inference.yml").unlink()
    engine = create_engine(
        OcrSettings(engine="paddleocr", paddle_model_dir=str(tmp_path / "partial"))
    )
    with pytest.raises(EngineError) as err:
        engine.load()
    message = str(err.value)
    assert str(tmp_path / "partial" / "rec" / "inference.yml") in message
    assert "det" + os.sep not in message and "cls" + os.sep not in message


_OFFLINE_READ = textwrap.dedent(
    """
    import json, sys

    attempts = []

    def no_network(event, args):
        if event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname"):
            attempts.append(f"{event} {args!r}")
            raise OSError(f"network access during OCR: {event} {args!r}")

    sys.addaudithook(no_network)

    from pathlib import Path

    import cv2

    from kiosk.core.config import OcrSettings
    from kiosk.recognition.engines.paddle import PaddleEngine

    models, image, home = sys.argv[1:4]
    engine = PaddleEngine(OcrSettings(paddle_model_dir=models), home=Path(home))
    lines = engine.read(cv2.imread(image))
    print(json.dumps({"texts": [line.text for line in lines], "attempts": attempts}))
    sys.exit(1 if attempts else 0)
    """
)


def test_reads_without_touching_the_network(model_dir: Path, tmp_path: Path) -> None:
    import cv2

    image = tmp_path / "page.png"
    cv2.imwrite(str(image), render())
    env = {k: v for k, v in os.environ.items() if not k.startswith("PADDLE_PDX_")}
    done = subprocess.run(
        [sys.executable, "-c", _OFFLINE_READ, str(model_dir), str(image), str(tmp_path)],
        capture_output=True, text=True, timeout=120, env=env, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"texts": list(LINES), "attempts": []}
