"""Log export to a USB stick: the technician takes `kiosk-logs-<date>.zip` to whoever helps.

Only the log files and the configuration go on the stick, never the claim database, keys or
images (residents' data must not leave the kiosk on a stick). Qt-free; the settings screen
runs it on a background thread.
"""

from __future__ import annotations

import logging
import os
import secrets
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from kiosk.core.durable import fsync_dir

log = logging.getLogger("kiosk.logexport")

# Where desktop Linux and udisks mount removable media.
DEFAULT_ROOTS: tuple[Path, ...] = (Path("/media"), Path("/run/media"), Path("/mnt"))
_NEVER = (".sqlite3", ".sqlite3-wal", ".sqlite3-shm", ".db", ".key", ".pem", ".jpg", ".jpeg",
          ".png", ".webp", ".pdf")


class ExportError(Exception):
    """The export could not be written (stick full, read-only, pulled out)."""


def find_removable(roots: Sequence[Path] = DEFAULT_ROOTS, *,
                   mounts_only: bool = True) -> list[Path]:
    """Writable mount points at `<root>/<label>` or `<root>/<user>/<label>`.

    `mounts_only=False` takes the writable folders directly below the roots instead (tests
    stand a tmp dir in for the stick).
    """
    found: list[Path] = []
    for root in roots:
        for child in _subdirs(root):
            if not mounts_only or os.path.ismount(child):
                candidates = [child]
            else:
                candidates = [p for p in _subdirs(child) if os.path.ismount(p)]
            found += [p for p in candidates if os.access(p, os.W_OK) and p not in found]
    return found


def _subdirs(path: Path) -> list[Path]:
    try:
        return sorted(p for p in path.iterdir() if p.is_dir())
    except OSError:
        return []


def _files_to_export(home: Path) -> list[Path]:
    logs = home / "logs"
    if not logs.is_dir():
        return []
    return sorted(p for p in logs.rglob("*") if p.is_file()
                  and not p.name.lower().endswith(_NEVER) and "keys" not in p.parts)


def export_logs(home: Path, config_path: Path | None, target: Path, *,
                now: datetime | None = None) -> Path:
    """Write `kiosk-logs-<date>-<time>.zip` to `target` durably; return its path."""
    stamp = (now or datetime.now()).strftime("%Y-%m-%d-%H%M%S")
    final = target / f"kiosk-logs-{stamp}.zip"
    n = 2
    while final.exists():
        final = target / f"kiosk-logs-{stamp}-{n}.zip"
        n += 1
    tmp = target / f".{final.name}.{secrets.token_hex(4)}.tmp"
    files = _files_to_export(home)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for path in files:
                zf.write(path, Path("logs") / path.relative_to(home / "logs"))
            if config_path is not None and config_path.is_file():
                zf.write(config_path, config_path.name)
            zf.writestr("README.txt", f"township kiosk logs, exported {stamp}\n"
                                      f"home: {home}\nconfig: {config_path}\n"
                                      f"files: {len(files)}\n")
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, final)
        fsync_dir(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"cannot write to {target}: {exc.strerror or exc}") from exc
    log.info("logs exported to %s (%d files)", final, len(files))
    return final
