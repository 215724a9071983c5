"""Where a kiosk keeps its state, and its validated configuration.

Everything one kiosk owns (database, images, logs, keys) lives below one home directory so
that a technician can back it up, move it or wipe it as a unit. The configuration file
`kiosk.toml` lives in the platform's config directory, unless a home is given explicitly
(`--home`, `KIOSK_HOME`: then `<home>/kiosk.toml`) or `KIOSK_CONFIG` names the file.

Validation is pydantic's: each section is a pydantic dataclass whose annotations are the types
and ranges; `_describe` turns pydantic's errors into the key-first lines a technician reads.
`ConfigFile.update` is the one writer (the settings screen's): it changes one key, keeps the
others (and the technician's comments: tomlkit edits the document in place), validates the
result and replaces the file atomically.
"""

from __future__ import annotations

import logging
import os
import tomllib
from dataclasses import field, replace
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import platformdirs
import tomlkit
import tomlkit.exceptions
from pydantic import ConfigDict, Field, Strict, TypeAdapter, ValidationError, field_validator
from pydantic.dataclasses import dataclass

from kiosk.core.durable import replace_file
from kiosk.core.night import OpeningHours

CONFIG_NAME = "kiosk.toml"
APP_NAME = "township-kiosk"

MAX_THREADS = 16  # onnxruntime threads per engine; more do not help on a kiosk's CPU
SectionT = TypeVar("SectionT")

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


# The settings are pydantic dataclasses: the types and ranges below are the validation (a value
# of the wrong TOML type is refused, never coerced: `volume = "80"` or `fullscreen = 1` is a
# mistake to name, not to guess at). Each section refuses keys it does not know. A new key is one
# annotated line in its section, e.g. `[ocr]`:
# `name: Annotated[Int, Field(ge=lo, le=hi)] = default`.
_SECTION = ConfigDict(extra="forbid")
Int = Annotated[int, Strict()]
Str = Annotated[str, Strict()]
Bool = Annotated[bool, Strict()]


@dataclass(frozen=True, config=_SECTION)
class OcrSettings:
    """How the OCR engine is built. Model paths left empty mean the files installed with RapidOCR.

    `threads` is onnxruntime's thread count per engine; 0 means all cores for a single receipt
    and one core per worker when a stack is read on `workers` engines at once.
    """

    engine: Literal["rapidocr", "paddleocr"] = "rapidocr"
    threads: Annotated[Int, Field(ge=0, le=MAX_THREADS)] = 0
    det_limit_side: Annotated[Int, Field(ge=320, le=4096)] = 960
    det_model: Str = ""
    rec_model: Str = ""
    cls_model: Str = ""
    paddle_model_dir: Str = ""
    workers: Annotated[Int, Field(ge=1, le=16)] = 2

    def engine_threads(self, concurrent: int = 1) -> int:
        """onnxruntime threads for one engine when `concurrent` engines run side by side
        (at most MAX_THREADS, the most `threads` may be set to)."""
        if self.threads:
            return int(self.threads)
        return min(MAX_THREADS, max(1, (os.cpu_count() or 1) // max(1, concurrent)))


@dataclass(frozen=True, config=_SECTION)
class StoreSettings:
    """Where claims are kept and for how long personal data stays on the kiosk.

    Empty paths mean `<home>/claims.sqlite3` and `<home>/keys/store.key`. The key file must
    stay off the database's backups: a copied database without it reads as ciphertext.
    `retention_days` counts from the county's acceptance of a claim; after that its images
    and personal fields are purged and only what answers "what happened to my claim" stays.
    """

    database: Str = ""
    key_file: Str = ""
    retention_days: Annotated[Int, Field(ge=1, le=3650)] = 90
    busy_timeout_ms: Annotated[Int, Field(ge=100, le=600_000)] = 10000


@dataclass(frozen=True, config=_SECTION)
class CameraSettings:
    """The document camera: an OpenCV device index ("0") or a device path / video file.

    `width`×`height` is the resolution asked of the camera (it may give another);
    `still_frames` consecutive still, sharp frames trigger an automatic capture.
    """

    device: Str = "0"
    width: Annotated[Int, Field(ge=160, le=8192)] = 1920
    height: Annotated[Int, Field(ge=120, le=8192)] = 1080
    fps: Annotated[Int, Field(ge=1, le=120)] = 30
    still_frames: Annotated[Int, Field(ge=2, le=120)] = 8
    auto_capture: Bool = True

    @field_validator("device")
    @classmethod
    def _a_device(cls, device: str) -> str:
        if not device.strip():
            raise ValueError('empty (an index such as "0" or a device path)')
        return device


@dataclass(frozen=True, config=_SECTION)
class ScannerSettings:
    """The flatbed: a SANE device name (empty: the first one `scanimage -L` lists); and
    `media_roots`, the folders USB sticks are mounted below (colon-separated, as PATH), the
    only places the file import shows."""

    device: Str = ""
    dpi: Annotated[Int, Field(ge=75, le=1200)] = 300
    mode: Literal["Color", "Gray"] = "Color"
    timeout_s: Annotated[Int, Field(ge=5, le=600)] = 120
    media_roots: Str = "/media:/run/media"

    @field_validator("media_roots")
    @classmethod
    def _absolute_roots(cls, media_roots: str) -> str:
        roots = [p for p in media_roots.split(":") if p.strip()]
        if not roots or not all(p.startswith("/") for p in roots):
            raise ValueError(f"{media_roots!r} is not a list of absolute folders separated "
                             "by ':'")
        return media_roots


@dataclass(frozen=True, config=_SECTION)
class UiSettings:
    """The touchscreen: privacy timeout, language, full screen, the night.

    After `idle_timeout_s` without a touch the screen warns for `idle_warning_s`, then clears
    the session and returns to the start screen.

    The screen never blanks during `open_hours` (local time, "07:00-20:00"; "22:00-06:00" runs
    past midnight). Outside them, with `dark_at_night`, the start screen goes dark after
    `dark_after_s` without a touch (the backlights below `backlight`, and a black cover); a
    touch lights it again. A claim under way is never darkened.
    """

    idle_timeout_s: Annotated[Int, Field(ge=10, le=3600)] = 90
    idle_warning_s: Annotated[Int, Field(ge=5, le=300)] = 20
    language: Literal["zh_CN", "en"] = "zh_CN"
    fullscreen: Bool = True
    pin_attempts: Annotated[Int, Field(ge=1, le=20)] = 5
    pin_lockout_s: Annotated[Int, Field(ge=10, le=86400)] = 300
    voice: Bool = True
    volume: Annotated[Int, Field(ge=0, le=100)] = 80
    open_hours: Str = "07:00-20:00"
    dark_at_night: Bool = True
    dark_after_s: Annotated[Int, Field(ge=10, le=3600)] = 120
    backlight: Str = "/sys/class/backlight"

    @field_validator("open_hours")
    @classmethod
    def _hours(cls, open_hours: str) -> str:
        return str(OpeningHours.parse(open_hours))

    @field_validator("backlight")
    @classmethod
    def _absolute_backlight(cls, backlight: str) -> str:
        if not backlight.startswith("/"):
            raise ValueError(f"{backlight!r} is not an absolute folder (the sysfs "
                             "/sys/class/backlight)")
        return backlight


@dataclass(frozen=True, config=_SECTION)
class PrinterSettings:
    """The slip printer: a Qt printer name (empty: the system's default printer), or
    `pdf` to write each slip as a PDF below `<home>/slips` (machines without a printer).
    `width_mm` is the paper roll's width (58 or 80 for thermal printers)."""

    name: Str = ""
    width_mm: Annotated[Int, Field(ge=40, le=220)] = 80
    enabled: Bool = True


@dataclass(frozen=True, config=_SECTION)
class CardReaderSettings:
    """An ID-card reader, for the machines that have one. `command` is run on request and
    prints the card's 18-character number on its standard output (the vendor's reader
    tool, wrapped); empty: no reader. Readers that type like a keyboard need no setting."""

    command: Str = ""
    timeout_s: Annotated[Int, Field(ge=1, le=120)] = 15


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
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
_TYPE_NAMES = {"int_type": "int", "string_type": "str", "bool_type": "bool"}
_SETTINGS = TypeAdapter(Settings)


def _bounds(section: str | None, key: str) -> tuple[Any, Any]:
    cls = _SECTIONS.get(section or "")
    info = getattr(cls, "__pydantic_fields__", {}).get(key)
    lo = next((m.ge for m in getattr(info, "metadata", ()) if hasattr(m, "ge")), None)
    hi = next((m.le for m in getattr(info, "metadata", ()) if hasattr(m, "le")), None)
    return lo, hi


def _describe(error: Any, section: str | None = None) -> str:
    """One pydantic error in the words a technician fixing kiosk.toml needs: the key first."""
    loc = [str(part) for part in error["loc"]]
    if section is not None:
        loc.insert(0, section)
    where = ".".join(loc)
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        return f"{where}: {'unknown section' if len(loc) == 1 else 'unknown key'}"
    if kind in _TYPE_NAMES:
        return f"{where}: expected {_TYPE_NAMES[kind]}, got {type(value).__name__}"
    if kind in ("greater_than_equal", "less_than_equal"):
        lo, hi = _bounds(loc[0] if len(loc) > 1 else None, loc[-1])
        return f"{where}: {value} is outside {lo}..{hi}"
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return f"{where}: unknown value {value!r} ({expected})"
    if kind in ("dataclass_type", "dataclass_exact_type", "dict_type"):
        return f"{where}: expected a table, got {type(value).__name__}"
    if kind == "value_error" and "error" in ctx:
        return f"{where}: {ctx['error']}"
    return f"{where}: {error['msg']}"


def _config_error(exc: ValidationError, section: str | None = None) -> ConfigError:
    return ConfigError("; ".join(_describe(e, section) for e in exc.errors()))


def changed(settings: SectionT, **changes: Any) -> SectionT:
    """`dataclasses.replace` for one section that names a refused key as a ConfigError
    (e.g. a command-line option overriding `[ocr] workers`)."""
    section = next((n for n, c in _SECTIONS.items() if isinstance(settings, c)), None)
    try:
        return replace(settings, **changes)  # type: ignore[type-var]
    except ValidationError as exc:
        raise _config_error(exc, section) from None


def _parse(raw: dict[str, Any], home: Path, config_file: Path, where: str) -> Settings:
    """Validated settings from a parsed TOML document (ConfigError names the bad key)."""
    for key in raw:
        if key not in _SECTIONS:
            raise ConfigError(f"{key}: unknown section in {where}")
    try:
        return _SETTINGS.validate_python({**raw, "home": home, "config_file": config_file})
    except ValidationError as exc:
        raise _config_error(exc) from None


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
        return _with_home_paths(_parse(raw, self.home, self.path, where))

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
