"""Where a kiosk keeps its state, and its validated configuration.

Everything one kiosk owns (configuration, database, images, logs, keys) lives below one home
directory so that a technician can back it up, move it or wipe it as a unit.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

CONFIG_NAME = "kiosk.toml"


class ConfigError(ValueError):
    """The configuration file is unreadable or names a bad key or value."""


def resolve_home(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--home` wins, then `KIOSK_HOME`, then the platform's per-user data directory."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get("KIOSK_HOME")
    if env:
        return Path(env).expanduser().resolve()
    return Path(platformdirs.user_data_dir("township-kiosk", appauthor=False))


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

    @property
    def config_path(self) -> Path:
        return self.home / CONFIG_NAME


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


def load_settings(home: str | os.PathLike[str] | None = None) -> Settings:
    """Read `kiosk.toml` below the home directory; a missing file means all defaults."""
    root = resolve_home(home)
    settings = _with_home_paths(Settings(home=root))
    path = settings.config_path
    if not path.exists():
        return settings
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    updates: dict[str, Any] = {}
    for key, value in raw.items():
        cls = _SECTIONS.get(key)
        if cls is None:
            raise ConfigError(f"{key}: unknown section in {path.name}")
        updates[key] = _section(cls, key, value)
    return _with_home_paths(replace(settings, **updates))


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
