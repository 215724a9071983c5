"""Voice prompts: each screen says its prompt, problems say theirs, volume and on/off hold,
and every prompt ships as a recording in both languages."""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTextToSpeech import QTextToSpeech
from support.kiosk_ui import button

from kiosk.recognition.preprocess import decode_image, prepare
from kiosk.ui.voice import Voice
from kiosk.voice.prompts import LANGUAGES, PROMPTS, SCREEN_PROMPTS, rejection_key, scan_key

RECORDINGS = Path(__file__).resolve().parents[1] / "resources" / "voice"


def tap(qtbot, widget, name: str) -> None:
    qtbot.mouseClick(button(widget, name), Qt.MouseButton.LeftButton)


class Heard:
    """Everything a Voice said, as (key, how)."""

    def __init__(self, voice: Voice) -> None:
        self.said: list[tuple[str, str]] = []
        voice.spoken.connect(lambda key, how: self.said.append((key, how)))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_prompt_has_a_small_16khz_mono_recording(language: str) -> None:
    for key in PROMPTS:
        path = RECORDINGS / language / f"{key}.wav"
        assert path.exists(), f"no recording for {key} ({language}): run " \
                              "tools/make_voice_prompts.py"
        with wave.open(str(path)) as w:
            assert (w.getframerate(), w.getnchannels()) == (16_000, 1)
            seconds = w.getnframes() / w.getframerate()
        assert 0.3 < seconds < 15, (key, seconds)
        assert path.stat().st_size < 300_000
    stale = {p.stem for p in (RECORDINGS / language).glob("*.wav")} - set(PROMPTS)
    assert not stale, f"recordings without a prompt: {sorted(stale)}"


def test_every_capture_and_recognition_problem_has_a_prompt() -> None:
    from kiosk.recognition.preprocess import ImageRejected
    from kiosk.scanner.messages import CODES

    for code in CODES:
        assert scan_key(code) in PROMPTS
    for code in ImageRejected.codes():
        assert f"reject.{code}" in PROMPTS
    # codes in both are told apart by the error's catalogue section
    assert rejection_key("too_dark", ImageRejected.SECTION) == "reject.too_dark"
    assert rejection_key("too_dark", "capture") == "scan.too_dark"
    assert rejection_key("encrypted", "capture") == "scan.encrypted"


def test_the_mock_engine_speaks_english_and_recordings_stand_in_for_chinese(qapp) -> None:
    language = ["en"]
    voice = Voice(engine="mock", language=lambda: language[0])
    heard = Heard(voice)
    for key in SCREEN_PROMPTS.values():
        voice.say(key)
    assert heard.said == [(k, "tts") for k in SCREEN_PROMPTS.values()]
    assert voice._tts is not None and voice._tts.engine() == "mock"
    language[0] = "zh_CN"  # the mock engine has no Chinese voice: the recording is played
    assert voice.say("screen.start") == "recording"
    voice.stop()


def test_a_new_prompt_interrupts_the_one_speaking(qapp) -> None:
    voice = Voice(engine="mock", language=lambda: "en")
    voice.say("screen.start")
    tts = voice._tts
    assert tts is not None and tts.state() == QTextToSpeech.State.Speaking
    states: list[Any] = []
    tts.stateChanged.connect(states.append)
    voice.say("screen.resident_id")
    assert QTextToSpeech.State.Ready in states  # stopped, then speaking again
    assert tts.state() == QTextToSpeech.State.Speaking
    voice.stop()
    assert tts.state() == QTextToSpeech.State.Ready


def test_volume_and_on_off_are_respected(qapp) -> None:
    voice = Voice(engine="mock", volume=80, language=lambda: "en")
    voice.set_volume(40)
    assert voice.say("screen.done") == "tts"
    assert voice._tts is not None and voice._tts.volume() == pytest.approx(0.4, abs=0.01)
    voice.set_volume(0)
    assert voice.say("screen.done") == "silent"
    voice.set_volume(70)
    voice.set_enabled(False)
    assert voice._tts.state() == QTextToSpeech.State.Ready
    assert voice.say("screen.done") == "silent"
    voice.set_enabled(True)
    assert voice.say("screen.done") == "tts"
    voice.stop()


def test_each_screen_says_its_prompt_in_the_app(make_kiosk, qtbot) -> None:
    kiosk = make_kiosk()
    w = kiosk.window
    heard = Heard(kiosk.voice)
    with qtbot.waitSignal(kiosk.voice.spoken, timeout=2000) as sig:
        tap(qtbot, w.start, "fileClaim")
    key, how = sig.args
    assert key == "screen.resident_id"
    assert how in ("tts", "recording")  # speechd if it has a Chinese voice, else the recording
    tap(qtbot, w.resident_id, "back")
    assert heard.said[-1][0] == "screen.start"
    kiosk.voice.set_enabled(False)
    tap(qtbot, w.start, "checkStatus")
    assert heard.said[-1] == ("screen.resident_id", "silent")


def test_the_settings_volume_and_voice_switch_reach_the_app(make_kiosk) -> None:
    kiosk = make_kiosk(voice=False, volume=35)
    assert (kiosk.voice.enabled, kiosk.voice.volume) == (False, 35)
    assert kiosk.voice.say("screen.start") == "silent"


def test_an_unusable_file_and_a_dark_picture_are_said(make_kiosk, qtbot, tmp_path) -> None:
    class QualityGateOnly:
        """The real decoder and quality gate, no OCR: for pictures that never get that far."""

        def load(self) -> None:
            pass

        def recognize_bytes(self, data: bytes, name: str) -> dict[str, Any]:
            prepare(decode_image(data))
            raise AssertionError("this picture should have been refused")

    kiosk = make_kiosk(recognizer=QualityGateOnly)
    w = kiosk.window
    w.show_screen("capture")
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with qtbot.waitSignal(kiosk.voice.spoken, timeout=5000,
                          check_params_cb=lambda key, how: key.startswith("scan.")) as sig:
        w.capture.file_chosen.emit(str(empty))
    assert sig.args[0] == "scan.empty_file"
    dark = tmp_path / "dark.jpg"
    cv2.imwrite(str(dark), np.full((1200, 900, 3), 12, np.uint8))
    with qtbot.waitSignal(kiosk.voice.spoken, timeout=10_000,
                          check_params_cb=lambda key, how: key.startswith("reject.")) as sig:
        w.capture.file_chosen.emit(str(dark))
    assert sig.args[0] == "reject.too_dark"


def test_the_cameras_hint_is_said_on_the_capture_screen_only(make_kiosk, qtbot, tmp_path):
    for i in range(30):  # an empty table under the camera: "put the receipt in the frame"
        cv2.imwrite(str(tmp_path / f"f{i:03d}.png"), np.full((720, 1280, 3), 60, np.uint8))
    from kiosk.core.config import CameraSettings
    from kiosk.store.samples import sample_id_number

    kiosk = make_kiosk(camera=CameraSettings(device=str(tmp_path / "f%03d.png")))
    w = kiosk.window
    heard = Heard(kiosk.voice)
    tap(qtbot, w.start, "fileClaim")
    with qtbot.waitSignal(w.resident_id.qr.decoded, timeout=5000):
        tap(qtbot, w.resident_id, "scanQr")  # the same camera, looking for a QR code
    assert w.capture.camera_hint.text()  # the preview's hint reached the window, unsaid
    assert not any(key.startswith("scan.") for key, _ in heard.said)
    tap(qtbot, w.resident_id, "scanQr")  # back to the keypad
    for ch in sample_id_number(5):
        tap(qtbot, w.resident_id, f"key_{ch}")
    with qtbot.waitSignal(kiosk.voice.spoken, timeout=10_000,
                          check_params_cb=lambda key, how: key == "scan.no_page"):
        tap(qtbot, w.resident_id, "confirmId")
    assert [k for k, _ in heard.said].count("scan.no_page") == 1  # not once per frame
