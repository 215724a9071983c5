"""How far the first start got, `<home>/first-start.json`: Qt-free.

The record is written whole (`replace_file`) only after a step's own saving has succeeded
(the language in kiosk.toml, the credential in keys/device.json, the devices in kiosk.toml),
so a restart midway resumes at the step reached with nothing half-saved. A kiosk with no
record is due for the first start only while it is fresh: no claims and not enrolled (an
older kiosk updated to this version is not sent through it again).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from kiosk.core.durable import replace_file

log = logging.getLogger("kiosk.ui.settings")

PROGRESS_FILE = "first-start.json"
STEPS = ("language", "server", "camera", "scanner", "summary")
# what a device check found, for the summary (also across a restart)
UNCHECKED, WORKS, MISSING, FAILED = "unchecked", "works", "missing", "failed"
OUTCOMES = (UNCHECKED, WORKS, MISSING, FAILED)


@dataclass(frozen=True)
class Progress:
    step: str = STEPS[0]  # the step to show next
    finished: bool = False
    server_later: bool = False  # "以后再登记": claims wait in the queue until enrolment
    camera: str = UNCHECKED
    scanner: str = UNCHECKED

    def at(self, step: str) -> Progress:
        if step not in STEPS:
            raise ValueError(f"unknown first-start step {step!r}")
        return replace(self, step=step)

    def next_step(self) -> str | None:
        i = STEPS.index(self.step)
        return STEPS[i + 1] if i + 1 < len(STEPS) else None

    def previous_step(self) -> str | None:
        i = STEPS.index(self.step)
        return STEPS[i - 1] if i > 0 else None


def load(home: Path) -> Progress | None:
    """The record, or None when there is none. A damaged one starts again at the first
    step: every step shows what is in force, so walking it again loses nothing."""
    path = home / PROGRESS_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        data = json.loads(raw)
        progress = _parse(data)
    except (ValueError, TypeError) as exc:
        log.warning("first start: %s cannot be read (%s); starting it again", path, exc)
        return Progress()
    return progress


def _parse(data: object) -> Progress:
    if not isinstance(data, Mapping):
        raise ValueError("not a JSON object")
    step, finished = data.get("step"), data.get("finished", False)
    later = data.get("server_later", False)
    camera, scanner = data.get("camera", UNCHECKED), data.get("scanner", UNCHECKED)
    if step not in STEPS or not isinstance(finished, bool) or not isinstance(later, bool) \
            or camera not in OUTCOMES or scanner not in OUTCOMES:
        raise ValueError(f"unexpected content {dict(data)!r}")
    return Progress(step=str(step), finished=finished, server_later=later, camera=str(camera),
                    scanner=str(scanner))


def save(home: Path, progress: Progress) -> Progress:
    data = json.dumps(asdict(progress), indent=1).encode("utf-8") + b"\n"
    replace_file(home / PROGRESS_FILE, data, mode=0o600)
    return progress


def due(home: Path, in_service: Callable[[], bool]) -> Progress | None:
    """Where the first start resumes, or None when it is not due: finished, or a kiosk
    already in service (enrolled or holding claims) without a record."""
    progress = load(home)
    if progress is not None:
        return None if progress.finished else progress
    return None if in_service() else Progress()
