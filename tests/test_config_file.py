"""Where the configuration file lives, and the settings screen's writer for it."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import platformdirs
import pytest

from kiosk.core.config import APP_NAME, ConfigError, ConfigFile, load_settings, resolve_config_path


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No KIOSK_* variables; the platform directories below tmp_path (XDG on Linux)."""
    for name in ("KIOSK_HOME", "KIOSK_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    return tmp_path


def test_without_a_home_the_file_is_in_the_platform_config_directory(no_env: Path) -> None:
    expected = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "kiosk.toml"
    assert expected.is_relative_to(no_env / "xdg-config")
    assert resolve_config_path() == expected
    expected.parent.mkdir(parents=True)
    expected.write_text("[ui]\nidle_timeout_s = 45\n")
    settings = load_settings()
    assert settings.ui.idle_timeout_s == 45
    assert settings.config_path == expected
    # the data stays in the data directory
    assert settings.home.is_relative_to(no_env / "xdg-data")
    assert Path(settings.store.database).is_relative_to(no_env / "xdg-data")


def test_an_explicit_home_keeps_its_own_file_and_kiosk_config_overrides_both(
        no_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = no_env / "home"
    assert resolve_config_path(home) == home.resolve() / "kiosk.toml"
    monkeypatch.setenv("KIOSK_HOME", str(no_env / "env-home"))
    assert resolve_config_path() == (no_env / "env-home").resolve() / "kiosk.toml"
    elsewhere = no_env / "etc" / "kiosk-a.toml"
    elsewhere.parent.mkdir()
    elsewhere.write_text("[ocr]\nthreads = 3\n")
    monkeypatch.setenv("KIOSK_CONFIG", str(elsewhere))
    settings = load_settings(home)
    assert settings.config_path == elsewhere.resolve()
    assert settings.ocr.threads == 3 and settings.home == home.resolve()


def test_an_old_file_in_the_data_directory_is_read_until_the_first_change(no_env: Path
                                                                           ) -> None:
    data = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    data.mkdir(parents=True)
    (data / "kiosk.toml").write_text("[ui]\nlanguage = \"en\"\n")
    assert load_settings().ui.language == "en"
    ConfigFile.locate().update("ui", "volume", 40)
    settings = load_settings()
    assert settings.config_path == resolve_config_path()
    assert (settings.ui.language, settings.ui.volume) == ("en", 40)


def test_update_keeps_the_other_keys_and_the_next_load_sees_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    path = home / "kiosk.toml"
    path.write_text('[camera]\ndevice = "/dev/video2"\nfps = 15\n\n[ui]\nvoice = false\n')
    config = ConfigFile.locate(home)
    changed = config.update("ui", "idle_timeout_s", 120)
    assert changed.ui.idle_timeout_s == 120
    again = load_settings(home)
    assert again.ui.idle_timeout_s == 120 and again.ui.voice is False
    assert again.camera.device == "/dev/video2" and again.camera.fps == 15
    config.update("scanner", "device", 'test:0 "quoted" \\ 中文')
    assert load_settings(home).scanner.device == 'test:0 "quoted" \\ 中文'
    config.update("ui", "fullscreen", False)
    raw = tomllib.loads(path.read_text())
    assert raw["ui"] == {"voice": False, "idle_timeout_s": 120, "fullscreen": False}
    assert not [p for p in home.iterdir() if p.name.endswith(".tmp")]
    assert stat.S_IMODE(path.stat().st_mode) & 0o022 == 0


@pytest.mark.parametrize(("section", "key", "value", "named"), [
    ("ui", "idle_timeout_s", 5, "ui.idle_timeout_s"),
    ("ui", "volume", 101, "ui.volume"),
    ("ui", "language", "fr", "ui.language"),
    ("ocr", "engine", "tesseract", "ocr.engine"),
    ("store", "retention_days", 0, "store.retention_days"),
    ("ui", "volume", "loud", "ui.volume"),
    ("ui", "no_such_key", 1, "ui.no_such_key"),
    ("nonsense", "x", 1, "nonsense"),
])
def test_a_bad_value_is_refused_naming_the_key_and_the_file_is_unchanged(
        tmp_path: Path, section: str, key: str, value: object, named: str) -> None:
    home = tmp_path / "home"
    home.mkdir()
    path = home / "kiosk.toml"
    path.write_text("[ui]\nvolume = 30\n")
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    with pytest.raises(ConfigError, match=rf"^{named}\b"):
        ConfigFile.locate(home).update(section, key, value)  # type: ignore[arg-type]
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before
    assert load_settings(home).ui.volume == 30


def test_a_missing_file_is_created_with_just_the_changed_key(tmp_path: Path) -> None:
    home = tmp_path / "fresh"
    ConfigFile.locate(home).update("printer", "width_mm", 58)
    assert tomllib.loads((home / "kiosk.toml").read_text()) == {"printer": {"width_mm": 58}}
    assert load_settings(home).printer.width_mm == 58


def test_a_bad_file_stops_the_start_naming_the_key_and_the_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.cli import main as kiosk

    home = tmp_path / "home"
    home.mkdir()
    (home / "kiosk.toml").write_text("[ui]\nidle_timeout_s = 3\n")
    with pytest.raises(ConfigError, match=r"^ui\.idle_timeout_s: 3 is outside"):
        load_settings(home)
    assert kiosk(["--home", str(home), "pin", "status"]) == 2
    err = capsys.readouterr().err
    assert "ui.idle_timeout_s" in err and str(home / "kiosk.toml") in err


def test_an_update_keeps_the_technicians_comments_and_layout(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    path = home / "kiosk.toml"
    text = ("# kiosk 7, Dongshan township: camera on the left arm\n"
            "[camera]\n"
            "device = \"/dev/video2\"  # the document camera, not the face camera\n"
            "\n"
            "[ui]\n"
            "# louder: the hall is noisy\n"
            "volume = 90\n")
    path.write_text(text, encoding="utf-8")
    ConfigFile.locate(home).update("ui", "volume", 70)
    after = path.read_text(encoding="utf-8")
    assert after == text.replace("volume = 90", "volume = 70")
    ConfigFile.locate(home).update("printer", "width_mm", 58)
    assert path.read_text(encoding="utf-8").startswith(text.replace("volume = 90", "volume = 70"))
    assert load_settings(home).printer.width_mm == 58 and load_settings(home).ui.volume == 70


@pytest.mark.parametrize(("text", "message"), [
    ('[ui]\nvolume = "80"\n', "ui.volume: expected int, got str"),
    ("[ui]\nfullscreen = 1\n", "ui.fullscreen: expected bool, got int"),
    ("[ocr]\nworkers = true\n", "ocr.workers: expected int, got bool"),
    ("[ocr]\nthreads = 2.0\n", "ocr.threads: expected int, got float"),
    ("[ocr]\nthreads = 17\n", "ocr.threads: 17 is outside 0..16"),
    ('[ocr]\nengine = "tesseract"\n', "ocr.engine: unknown value 'tesseract' (rapidocr, paddleocr)"),
    ("ui = 3\n", "ui: expected a table, got int"),
    ("[home]\n", "home: unknown section"),
    ('[camera]\ndevice = "  "\n', "camera.device: empty"),
])
def test_pydantic_refuses_a_wrong_type_instead_of_coercing_it_and_names_the_key(
        tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "kiosk.toml").write_text(text)
    with pytest.raises(ConfigError) as err:
        load_settings(tmp_path)
    assert str(err.value).startswith(message)
    assert str(err.value).endswith(f"(in {tmp_path / 'kiosk.toml'})")


def test_every_refused_key_is_named_not_only_the_first(tmp_path: Path) -> None:
    (tmp_path / "kiosk.toml").write_text("[ui]\nvolume = 101\nidle_timeout_s = 1\n")
    with pytest.raises(ConfigError, match=r"^ui\.idle_timeout_s: 1 is outside 10\.\.3600; "
                                          r"ui\.volume: 101 is outside 0\.\.100 \(in "):
        load_settings(tmp_path)


def test_a_command_line_override_is_checked_like_the_file() -> None:
    from kiosk.core.config import OcrSettings, changed

    assert changed(OcrSettings(), workers=4).workers == 4
    with pytest.raises(ConfigError, match=r"^ocr\.workers: 0 is outside 1\.\.16$"):
        changed(OcrSettings(), workers=0)
