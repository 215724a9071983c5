"""What the settings screen offers to choose from: cameras and scanners. Qt-free.

Listing runs on a background thread: opening cameras and asking SANE can take seconds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("kiosk.devices")


@dataclass(frozen=True)
class CameraChoice:
    device: str  # what goes into camera.device
    label: str
    found: bool = True  # False: only the configured device, not seen on this machine


def _v4l_name(dev: Path) -> str:
    """The driver's name for /dev/videoN from sysfs ("" if unknown)."""
    try:
        return (Path("/sys/class/video4linux") / dev.name / "name").read_text().strip()
    except OSError:
        return ""


def list_cameras(dev_dir: Path = Path("/dev"), *, current: str = "",
                 probe_indices: int = 0) -> list[CameraChoice]:
    """Video devices under `dev_dir` (/dev/video*), then OpenCV indices 0..probe_indices-1
    that open (where there is no /dev), then the configured device if it is none of those."""
    found: list[CameraChoice] = []
    for dev in sorted(dev_dir.glob("video*"), key=lambda p: (len(p.name), p.name)):
        name = _v4l_name(dev)
        found.append(CameraChoice(str(dev), f"{dev.name} {name}".strip()))
    if not found and probe_indices:
        import cv2

        for index in range(probe_indices):
            cap = cv2.VideoCapture(index)
            try:
                if cap.isOpened():
                    found.append(CameraChoice(str(index), f"camera {index}"))
            finally:
                cap.release()
    if current and all(c.device != current for c in found):
        found.append(CameraChoice(current, current, found=False))
    return found
