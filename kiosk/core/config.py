"""Where a kiosk keeps its state, and its validated configuration.

Everything one kiosk owns (database, images, logs, keys) lives below one home directory so
that a technician can back it up, move it or wipe it as a unit. The configuration file
`kiosk.toml` lives in the platform's config directory, unless a home is given explicitly
(`--home`, `KIOSK_HOME`: then `<home>/kiosk.toml`) or `KIOSK_CONFIG` names the file.

`ConfigFile.update` is the one writer (the settings screen's): it changes one key, keeps the
others (and the technician's comments: tomlkit edits the document in place), validates the
result and replaces the file atomically.
"""

from __future__ import annotations

import logging
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs
import tomlkit
import tomlkit.exceptions

from kiosk.core.durable import replace_file

CONFIG_NAME = "kiosk.toml"
APP_NAME = "township-kiosk"

log = logging.getLogger("kiosk.config")


class ConfigError(ValueError):
    """The configuration file is unreadable or names a bad key or value."""


def resolve_home(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--home` wins, then `KIOSK_HOME`, then the platform's per-user data directory."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get("KIOSK_HOME")
    if env:
        return Path(env).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resolve_config_path(explicit_home: str | os.PathLike[str] | None = None) -> Path:
    """`KIOSK_CONFIG` wins; with a home given explicitly (`--home`, `KIOSK_HOME`) the file is
    `<home>/kiosk.toml`; otherwise it is in the platform's per-user config directory."""
    env = os.environ.get("KIOSK_CONFIG")
    if env:
        return Path(env).expanduser().resolve()
    if explicit_home or os.environ.get("KIOSK_HOME"):
        return resolve_home(explicit_home) / CONFIG_NAME
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / CONFIG_NAME


@dataclass(frozen=True)
class OcrSettings:
    """How the OCR engine is built. Model paths left empty mean the files installed with RapidOCR.

    `threads` is onnxruntime's thread count per engine; 0 means all cores for a single receipt
    and one core per worker when a stack is read on `workers` engines at once.
    """

    engine: str = "rapidocr"
    threads: int = 0
    det_limit_side: int = 960
    det_model: str = ""
    rec_model: str = ""
    cls_model: str = ""
    paddle_model_dir: str = ""
    workers: int = 2

    def validate(self) -> None:
        if self.engine not in ("rapidocr", "paddleocr"):
            raise ConfigError(f"ocr.engine: unknown engine {self.engine!r} (rapidocr, paddleocr)")
        if not 0 <= self.threads <= 16:
            raise ConfigError(f"ocr.threads: {self.threads} is outside 0..16 (0 = automatic)")
        if not 320 <= self.det_limit_side <= 4096:
            raise ConfigError(f"ocr.det_limit_side: {self.det_limit_side} is outside 320..4096")
        if not 1 <= self.workers <= 16:
            raise ConfigError(f"ocr.workers: {self.workers} is outside 1..16")

    def engine_threads(self, concurrent: int = 1) -> int:
        """onnxruntime threads for one engine when `concurrent` engines run side by side."""
        if self.threads:
            return self.threads
        return max(1, (os.cpu_count() or 1) // max(1, concurrent))


@dataclass(frozen=True)
class StoreSettings:
    """Where claims are kept and for how long personal data stays on the kiosk.

    Empty paths mean `<home>/claims.sqlite3` and `<home>/keys/store.key`. The key file must
    stay off the database's backups: a copied database without it reads as ciphertext.
    `retention_days` counts from the county's acceptance of a claim; after that its images
    and personal fields are purged and only what answers "what happened to my claim" stays.
    """

    database: str = ""
    key_file: str = ""
    retention_days: int = 90
    busy_timeout_ms: int = 10000

    def validate(self) -> None:
        if not 1 <= self.retention_days <= 3650:
            raise ConfigError(f"store.retention_days: {self.retention_days} is outside 1..3650")
        if not 100 <= self.busy_timeout_ms <= 600_000:
            raise ConfigError(
                f"store.busy_timeout_ms: {self.busy_timeout_ms} is outside 100..600000")


@dataclass(frozen=True)
class CameraSettings:
    """The document camera: an OpenCV device index ("0") or a device path / video file.

    `width`×`height` is the resolution asked of the camera (it may give another);
    `still_frames` consecutive still, sharp frames trigger an automatic capture.
    """

    device: str = "0"
    width: int = 1920
    height: int = 1080
    fps: int = 30
    still_frames: int = 8
    auto_capture: bool = True

    def validate(self) -> None:
        if not self.device.strip():
            raise ConfigError("camera.device: empty (an index such as \"0\" or a device path)")
        if not (160 <= self.width <= 8192 and 120 <= self.height <= 8192):
            raise ConfigError(f"camera: {self.width}x{self.height} is outside 160x120..8192x8192")
        if not 1 <= self.fps <= 120:
            raise ConfigError(f"camera.fps: {self.fps} is outside 1..120")
        if not 2 <= self.still_frames <= 120:
            raise ConfigError(f"camera.still_frames: {self.still_frames} is outside 2..120")


@dataclass(frozen=True)
class ScannerSettings:
    """The flatbed: a SANE device name (empty: the first one `scanimage -L` lists)."""

    device: str = ""
    dpi: int = 300
    mode: str = "Color"
    timeout_s: int = 120

    def validate(self) -> None:
        if not 75 <= self.dpi <= 1200:
            raise ConfigError(f"scanner.dpi: {self.dpi} is outside 75..1200")
        if self.mode not in ("Color", "Gray"):
            raise ConfigError(f"scanner.mode: unknown mode {self.mode!r} (Color, Gray)")
        if not 5 <= self.timeout_s <= 600:
            raise ConfigError(f"scanner.timeout_s: {self.timeout_s} is outside 5..600")


@dataclass(frozen=True)
class UiSettings:
    """The touchscreen: privacy timeout, language, full screen.

    After `idle_timeout_s` without a touch the screen warns for `idle_warning_s`, then clears
    the session and returns to the start screen.
    """

    idle_timeout_s: int = 90
    idle_warning_s: int = 20
    language: str = "zh_CN"
    fullscreen: bool = True
    pin_attempts: int = 5
    pin_lockout_s: int = 300
    voice: bool = True
    volume: int = 80

    def validate(self) -> None:
        if not 10 <= self.idle_timeout_s <= 3600:
            raise ConfigError(f"ui.idle_timeout_s: {self.idle_timeout_s} is outside 10..3600")
        if not 5 <= self.idle_warning_s <= 300:
            raise ConfigError(f"ui.idle_warning_s: {self.idle_warning_s} is outside 5..300")
        if self.language not in ("zh_CN", "en"):
            raise ConfigError(f"ui.language: unknown language {self.language!r} (zh_CN, en)")
        if not 1 <= self.pin_attempts <= 20:
            raise ConfigError(f"ui.pin_attempts: {self.pin_attempts} is outside 1..20")
        if not 10 <= self.pin_lockout_s <= 86400:
            raise ConfigError(f"ui.pin_lockout_s: {self.pin_lockout_s} is outside 10..86400")
        if not 0 <= self.volume <= 100:
            raise ConfigError(f"ui.volume: {self.volume} is outside 0..100")


@dataclass(frozen=True)
class PrinterSettings:
    """The slip printer: a Qt printer name (empty: the system's default printer), or
    `pdf` to write each slip as a PDF below `<home>/slips` (machines without a printer).
    `width_mm` is the paper roll's width (58 or 80 for thermal printers)."""

    name: str = ""
    width_mm: int = 80
    enabled: bool = True

    def validate(self) -> None:
        if not 40 <= self.width_mm <= 220:
            raise ConfigError(f"printer.width_mm: {self.width_mm} is outside 40..220")


@dataclass(frozen=True)
class CardReaderSettings:
    """An ID-card reader, for the machines that have one. `command` is run on request and
    prints the card's 18-character number on its standard output (the vendor's reader
    tool, wrapped); empty: no reader. Readers that type like a keyboard need no setting."""

    command: str = ""
    timeout_s: int = 15

    def validate(self) -> None:
        if not 1 <= self.timeout_s <= 120:
            raise ConfigError(f"cardreader.timeout_s: {self.timeout_s} is outside 1..120")


@dataclass(frozen=True)
class Settings:
    home: Path
    ocr: OcrSettings = field(default_factory=OcrSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    camera: CameraSettings = field(default_factory=CameraSettings)
    scanner: ScannerSettings = field(default_factory=ScannerSettings)
    ui: UiSettings = field(default_factory=UiSettings)
    printer: PrinterSettings = field(default_factory=PrinterSettings)
    cardreader: CardReaderSettings = field(default_factory=CardReaderSettings)
    config_file: Path | None = None  # None: <home>/kiosk.toml

    @property
    def config_path(self) -> Path:
        return self.config_file or self.home / CONFIG_NAME


_SECTIONS: dict[str, type] = {"ocr": OcrSettings, "store": StoreSettings,
                               "camera": CameraSettings, "scanner": ScannerSettings,
                               "ui": UiSettings, "printer": PrinterSettings,
                               "cardreader": CardReaderSettings}


def _section(cls: type, name: str, raw: Any) -> Any:
    if not isinstance(raw, dict):
        raise ConfigError(f"{name}: expected a table, got {type(raw).__name__}")
    known = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        f = known.get(key)
        if f is None:
            raise ConfigError(f"{name}.{key}: unknown key")
        default = getattr(cls(), key)
        if type(value) is not type(default):
            raise ConfigError(
                f"{name}.{key}: expected {type(default).__name__}, got {type(value).__name__}"
            )
        values[key] = value
    obj = cls(**values)
    obj.validate()
    return obj


def _parse(raw: dict[str, Any], where: str) -> dict[str, Any]:
    """The validated sections of a parsed TOML document (ConfigError names the bad key)."""
    updates: dict[str, Any] = {}
    for key, value in raw.items():
        cls = _SECTIONS.get(key)
        if cls is None:
            raise ConfigError(f"{key}: unknown section in {where}")
        updates[key] = _section(cls, key, value)
    return updates


def _read_raw(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def load_settings(home: str | os.PathLike[str] | None = None) -> Settings:
    """Read the configuration (see `resolve_config_path`); a missing file means all defaults."""
    return ConfigFile.locate(home).load()


class ConfigFile:
    """One kiosk's configuration file: read, validated, and updated one key at a time."""

    def __init__(self, path: Path, home: Path) -> None:
        self.path = Path(path)
        self.home = Path(home)

    @classmethod
    def locate(cls, home: str | os.PathLike[str] | None = None) -> ConfigFile:
        path = resolve_config_path(home)
        root = resolve_home(home)
        if not path.exists() and not home and not os.environ.get("KIOSK_HOME") \
                and not os.environ.get("KIOSK_CONFIG"):
            legacy = root / CONFIG_NAME  # before the file moved to the config directory
            if legacy.exists():
                log.info("reading the configuration from %s (it moves to %s on the next "
                         "change)", legacy, path)
                return _LegacyConfigFile(path, root, legacy)
        return cls(path, root)

    @classmethod
    def for_settings(cls, settings: Settings) -> ConfigFile:
        """The file `settings` were read from, to write changes back to."""
        legacy = settings.home / CONFIG_NAME
        if settings.config_path != legacy and not settings.config_path.exists() \
                and legacy.exists():
            return _LegacyConfigFile(settings.config_path, settings.home, legacy)
        return cls(settings.config_path, settings.home)

    def _source(self) -> Path:
        return self.path

    def load(self) -> Settings:
        source = self._source()
        raw = _read_raw(source)
        try:
            return self._settings(raw, source.name)
        except ConfigError as exc:  # the key first, then where to fix it
            raise ConfigError(f"{exc} (in {source})") from None

    def _settings(self, raw: dict[str, Any], where: str) -> Settings:
        base = Settings(home=self.home, config_file=self.path)
        return _with_home_paths(replace(base, **_parse(raw, where)))

    def update(self, section: str, key: str, value: str | int | bool) -> Settings:
        """Set `section.key`, keep every other key, validate, then replace the file atomically.

        Raises ConfigError naming the key (and leaves the file as it was) if the new value is
        refused.
        """
        doc = _read_document(self._source())
        table = doc.get(section)
        if table is None:
            doc[section] = tomlkit.table()
            table = doc[section]
        if not isinstance(table, dict):
            raise ConfigError(f"{section}: expected a table, got {type(table).__name__}")
        table[key] = value
        settings = self._settings(doc.unwrap(), self.path.name)  # raises before anything is written
        text = tomlkit.dumps(doc)
        replace_file(self.path, text.encode("utf-8"))
        log.info("configuration: %s.%s = %r (%s)", section, key, value, self.path)
        return settings


class _LegacyConfigFile(ConfigFile):
    """Reads `<data dir>/kiosk.toml` until the first change writes the config directory's."""

    def __init__(self, path: Path, home: Path, legacy: Path) -> None:
        super().__init__(path, home)
        self.legacy = legacy

    def _source(self) -> Path:
        return self.path if self.path.exists() else self.legacy


def _read_document(path: Path) -> tomlkit.TOMLDocument:
    """The file as tomlkit reads it (comments, order and layout kept for the write back)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        doc = tomlkit.document()
        doc.add(tomlkit.comment("township kiosk configuration: written by the settings "
                                "screen, checked at every start"))
        doc.add(tomlkit.nl())
        return doc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    try:
        return tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def _with_home_paths(settings: Settings) -> Settings:
    """Paths left empty in the file default to folders below this kiosk's home."""
    ocr = settings.ocr
    if not ocr.paddle_model_dir:
        ocr = replace(ocr, paddle_model_dir=str(settings.home / "models" / "paddle"))
    store = settings.store
    store = replace(
        store,
        database=str(settings.home / (store.database or "claims.sqlite3")),
        key_file=str(settings.home / (store.key_file or Path("keys") / "store.key")),
    )
    return replace(settings, ocr=ocr, store=store)
