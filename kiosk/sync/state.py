"""What the sync worker remembers between runs, in `<home>/sync-state.json`.

- `cursor`: the last status-feed event applied locally (saved only after applying it);
- `held`: claims the county refused for good (uid → error), kept out of the retry loop until
  a technician releases them (`kiosk sync --release UID`);
- `catalog` / `policy`: the version and ETag of what was last fetched.

Written atomically (temporary file, fsync, rename), so a crash leaves the old or the new
state, never half of one. Losing the file is harmless: the feed is re-read from 0 (applying
an event twice changes nothing) and held claims are tried once more and held again.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from kiosk.core.durable import replace_file

STATE_FILE = "sync-state.json"


class SyncState:
    """The persisted state; every setter writes the file before returning."""

    def __init__(self, home: Path) -> None:
        self.path = home / STATE_FILE
        self._lock = threading.Lock()
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raw = {}
        except (OSError, ValueError):
            raw = {}  # unreadable: start over, which is safe (see the module docstring)
        self._data: dict[str, Any] = {
            "cursor": int(raw.get("cursor", 0)),
            "held": dict(raw.get("held", {})),
            "catalog": raw.get("catalog"),
            "policy": raw.get("policy"),
        }

    def _save(self) -> None:
        replace_file(self.path, json.dumps(self._data, ensure_ascii=False, indent=1,
                                           sort_keys=True).encode())

    @property
    def cursor(self) -> int:
        return int(self._data["cursor"])

    def set_cursor(self, value: int) -> None:
        with self._lock:
            self._data["cursor"] = int(value)
            self._save()

    @property
    def held(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return dict(self._data["held"])

    def hold(self, uid: str, reason: dict[str, Any]) -> None:
        with self._lock:
            self._data["held"][uid] = reason
            self._save()

    def release(self, uid: str) -> bool:
        with self._lock:
            found = self._data["held"].pop(uid, None) is not None
            if found:
                self._save()
            return found

    def get(self, key: str) -> Any:
        with self._lock:
            return self._data.get(key)

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            self._data[key] = value
            self._save()
