"""The [camera] and [scanner] sections of kiosk.toml are read and validated like [ocr]."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core.config import ConfigError, Settings, load_settings


def _load(tmp_path: Path, text: str) -> Settings:
    (tmp_path / "kiosk.toml").write_text(text, encoding="utf-8")
    return load_settings(tmp_path)


def test_defaults_and_values_from_the_file(tmp_path: Path) -> None:
    s = load_settings(tmp_path)
    assert s.camera.device == "0" and s.scanner.dpi == 300
    s = _load(tmp_path, '[camera]\ndevice = "/dev/video2"\nwidth = 2592\nheight = 1944\n'
                        '[scanner]\ndevice = "genesys:libusb:001:004"\ndpi = 200\n')
    assert (s.camera.device, s.camera.width, s.camera.height) == ("/dev/video2", 2592, 1944)
    assert (s.scanner.device, s.scanner.dpi) == ("genesys:libusb:001:004", 200)


@pytest.mark.parametrize(("text", "words"), [
    ("[camera]\nwidth = 50\n", "camera"),
    ("[camera]\ndevice = 0\n", "camera.device: expected str"),
    ("[camera]\nstill_frames = 1\n", "camera.still_frames"),
    ("[camera]\nzoom = 2\n", "camera.zoom: unknown key"),
    ("[scanner]\ndpi = 5000\n", "scanner.dpi"),
    ("[scanner]\nmode = \"Lineart\"\n", "scanner.mode"),
])
def test_bad_values_are_named(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words.replace(".", r"\.")):
        _load(tmp_path, text)
