"""The flatbed scanner through SANE's `scanimage` command-line tool.

`scanimage` ships with sane-utils on every distribution and keeps a misbehaving backend out
of our process (a driver that hangs is killed with its subprocess, not with the kiosk).
SANE's status messages and exit codes are mapped to plain-language `CaptureError` codes.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from kiosk.core.config import ScannerSettings
from kiosk.scanner.messages import CaptureError
from kiosk.scanner.qr import read_qr
from kiosk.scanner.quality import assess
from kiosk.scanner.source import Capture

log = logging.getLogger("kiosk.scanner")

# scanimage exits with the SANE_Status of the failure; its message names it too.
_STATUS_CODES = {
    3: "scanner_busy",        # SANE_STATUS_DEVICE_BUSY
    6: "scanner_jammed",      # SANE_STATUS_JAMMED
    7: "no_paper",            # SANE_STATUS_NO_DOCS
    8: "scanner_lid_open",    # SANE_STATUS_COVER_OPEN
    9: "scanner_failed",      # SANE_STATUS_IO_ERROR
    11: "scanner_failed",     # SANE_STATUS_ACCESS_DENIED
}
_STATUS_TEXT = (
    ("cover is open", "scanner_lid_open"),
    ("device busy", "scanner_busy"),
    ("jammed", "scanner_jammed"),
    ("out of documents", "no_paper"),
    ("no scanners were identified", "no_scanner"),
    ("open of device", "no_scanner"),
    ("no such device", "no_scanner"),
    ("invalid argument", "no_scanner"),
)


@dataclass(frozen=True)
class ScannerDevice:
    name: str
    vendor: str
    model: str
    kind: str


def scanimage_path() -> str | None:
    return shutil.which("scanimage")


def _require() -> str:
    path = scanimage_path()
    if path is None:
        raise CaptureError("no_scanner", "scanimage is not installed (package sane-utils)")
    return path


def error_from_status(returncode: int, stderr: str) -> CaptureError:
    """The plain-language error for a failed `scanimage` run."""
    low = stderr.lower()
    for needle, code in _STATUS_TEXT:
        if needle in low:
            return CaptureError(code, stderr.strip()[-300:])
    return CaptureError(_STATUS_CODES.get(returncode, "scanner_failed"),
                        f"exit {returncode}: {stderr.strip()[-300:]}")


def list_devices(timeout_s: float = 30.0) -> list[ScannerDevice]:
    """Scanners SANE can see now (network backends may take a few seconds to answer)."""
    exe = _require()
    try:
        proc = subprocess.run([exe, "-f", "%d\t%v\t%m\t%t%n"], capture_output=True,
                              text=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired as exc:
        raise CaptureError("scanner_failed", "scanimage -L timed out") from exc
    devices = []
    for line in proc.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) == 4 and parts[0]:
            devices.append(ScannerDevice(*parts))
    return devices


def scan(settings: ScannerSettings, *, extra: Sequence[str] = (),
         env: dict[str, str] | None = None) -> np.ndarray:
    """One page at `settings.dpi` as a BGR array; raises `CaptureError` on any failure.

    `extra` passes backend-specific options (the test backend's `--test-picture`...).
    """
    exe = _require()
    device = settings.device
    if not device:
        found = list_devices()
        if not found:
            raise CaptureError("no_scanner", "scanimage -L lists no device")
        device = found[0].name
    cmd = [exe, "-d", device, "--format=pnm", "--resolution", str(settings.dpi),
           "--mode", settings.mode, *extra]
    log.info("scanning: %s", " ".join(cmd))
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=settings.timeout_s, check=False,
                              env=None if env is None else {**os.environ, **env})
    except subprocess.TimeoutExpired as exc:
        raise CaptureError("scanner_failed", f"no answer in {settings.timeout_s} s") from exc
    stderr = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise error_from_status(proc.returncode, stderr)
    image = cv2.imdecode(np.frombuffer(proc.stdout, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise CaptureError("scanner_failed", f"{len(proc.stdout)} bytes, not an image")
    return image


class FlatbedSource:
    """The flatbed as a `CaptureSource`: one scan, through the quality gate.

    The page may fill the whole scan, so only darkness, blur, glare and a blank glass are
    checked, not the outline.
    """

    def __init__(self, settings: ScannerSettings, *, extra: Sequence[str] = (),
                 gate: bool = True) -> None:
        self.settings = settings
        self.extra = tuple(extra)
        self.gate = gate

    def captures(self) -> Iterator[Capture]:
        image = scan(self.settings, extra=self.extra)
        meta: dict[str, object] = {"device": self.settings.device, "dpi": self.settings.dpi,
                                   "size": [image.shape[1], image.shape[0]]}
        if self.gate:
            quality = assess(image, expect_outline=False)
            meta["quality"] = quality.metrics
            if not quality.ok:
                raise CaptureError(quality.reasons[0], f"{quality.reasons} {quality.metrics}")
        yield Capture(image=image, source="flatbed", meta=meta, qr=read_qr(image))
