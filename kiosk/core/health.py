"""The last self-test's result, `<home>/selftest.json`: written by `township-kiosk
--self-test` (kiosk.cli.selftest), read by the technician's screen and sent to the county with
the kiosk's heartbeat (kiosk.sync.heartbeat). Qt-free, and below every layer that reads it."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kiosk.core.durable import replace_file

RESULT_FILE = "selftest.json"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def record(home: Path, checks: list[Check], now: float | None = None) -> dict[str, Any]:
    """Write `<home>/selftest.json` (what ⚙ shows) and return it."""
    result = {"at": time.time() if now is None else now,
              "ok": all(c.ok for c in checks),
              "checks": [asdict(c) for c in checks]}
    home.mkdir(parents=True, exist_ok=True)
    replace_file(home / RESULT_FILE,
                 json.dumps(result, ensure_ascii=False, indent=1).encode("utf-8"))
    return result


def last_result(home: Path) -> dict[str, Any] | None:
    """The last recorded self-test, or None when there is none (or it cannot be read)."""
    try:
        data = json.loads((home / RESULT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "checks" in data else None
