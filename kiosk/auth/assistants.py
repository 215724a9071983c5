"""The village insurance assistants (协理员) who may sign in on this kiosk. Qt-free.

Each assistant has a work number (digits), a display name and a PIN. The PIN is kept the
way the technician's is, by `kiosk.auth.pin.PinStore` (an scrypt hash, the failure count and
the lock time in the file, so a restart does not reset a lockout): one file per assistant
under `<home>/assistants/<code>.json`, beside an index with the names. Every file is 0600
and written atomically.

`kiosk assistant add|list|remove` manages them from a shell; the technician's settings lead
to the same book on the touchscreen. The UI calls it on its database thread (scrypt takes
tens of milliseconds).
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.auth.pin import MIN_LENGTH, PinStore
from kiosk.core.durable import replace_file
from kiosk.residents import mask_name
from kiosk.store import ClaimStore, Status

FOLDER = "assistants"
INDEX = "index.json"
CODE_RE = re.compile(r"\d{1,12}")
NAME_MAX = 32


class AssistantError(ValueError):
    """A work number, name or PIN that cannot be used (the message says why)."""


@dataclass(frozen=True)
class Assistant:
    code: str
    name: str

    @property
    def actor(self) -> str:
        """How claims and the log name them: "work-number name"."""
        return f"{self.code} {self.name}"


@dataclass(frozen=True)
class AssistantCheck:
    """The answer to a sign-in. `unknown`: no assistant has this work number."""

    ok: bool
    assistant: Assistant | None = None
    locked_for_s: int = 0
    attempts_left: int = 0
    unknown: bool = False


def check_code(code: str) -> str:
    code = code.strip()
    if not CODE_RE.fullmatch(code):
        raise AssistantError(f"{code!r} is not a work number (1 to 12 digits)")
    return code


def check_pin(pin: str) -> str:
    if len(pin) < MIN_LENGTH or not pin.isdigit():
        raise AssistantError(f"an assistant's PIN is at least {MIN_LENGTH} digits")
    return pin


class AssistantBook:
    """The assistants of one kiosk home; safe to call from several threads."""

    def __init__(self, home: Path, *, attempts: int = 5, lockout_s: int = 300) -> None:
        self.folder = Path(home) / FOLDER
        self.attempts = attempts
        self.lockout_s = lockout_s
        self._lock = threading.RLock()

    # --- files --------------------------------------------------------------------------

    def _pins(self, code: str) -> PinStore:
        return PinStore(self.folder / f"{code}.json", attempts=self.attempts,
                        lockout_s=self.lockout_s)

    def _index(self) -> dict[str, dict[str, Any]]:
        try:
            raw = json.loads((self.folder / INDEX).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            return {}
        return {str(k): dict(v) for k, v in raw.items()} if isinstance(raw, dict) else {}

    def _write_index(self, index: dict[str, dict[str, Any]]) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self.folder / INDEX
        data = json.dumps(index, ensure_ascii=False, indent=1, sort_keys=True).encode()
        replace_file(path, data, mode=0o600)

    # --- the book -----------------------------------------------------------------------

    def list(self) -> list[Assistant]:
        """Everyone who may sign in, by work number."""
        with self._lock:
            index = self._index()
        return [Assistant(code, str(v.get("name", ""))) for code, v in
                sorted(index.items(), key=lambda kv: (len(kv[0]), kv[0]))]

    def get(self, code: str) -> Assistant | None:
        with self._lock:
            entry = self._index().get(code.strip())
        return None if entry is None else Assistant(code.strip(), str(entry.get("name", "")))

    def add(self, code: str, name: str, pin: str) -> Assistant:
        """A new assistant, or a new name and PIN for an existing work number."""
        code = check_code(code)
        name = " ".join(name.split())
        if not name or len(name) > NAME_MAX:
            raise AssistantError(f"an assistant's name is 1 to {NAME_MAX} characters")
        check_pin(pin)
        with self._lock:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            self._pins(code).set_pin(pin)
            index = self._index()
            index[code] = {"name": name}
            self._write_index(index)
        return Assistant(code, name)

    def remove(self, code: str) -> bool:
        """Take an assistant off this kiosk; False if there was none with this work number."""
        code = code.strip()
        with self._lock:
            index = self._index()
            found = index.pop(code, None) is not None
            if found:
                self._write_index(index)
            (self.folder / f"{code}.json").unlink(missing_ok=True)
        return found

    def check(self, code: str, pin: str) -> AssistantCheck:
        """Sign-in: the PIN of this work number, with its own count of failures."""
        code = code.strip()
        with self._lock:
            entry = self._index().get(code) if CODE_RE.fullmatch(code) else None
            pins = self._pins(code) if entry is not None else None
            # PinStore.check would take a first PIN as the new one: never for an assistant
            if entry is None or pins is None or not pins.is_set:
                return AssistantCheck(ok=False, unknown=True)
            result = pins.check(pin)
        assistant = Assistant(code, str(entry.get("name", "")))
        return AssistantCheck(ok=result.ok, assistant=assistant,
                              locked_for_s=result.locked_for_s,
                              attempts_left=result.attempts_left)


# --- today's list ---------------------------------------------------------------------------

@dataclass(frozen=True)
class TodayClaim:
    """One line of an assistant's "today" list: nothing a passer-by could use."""

    id: int
    uid: str
    status: Status
    resident: str  # masked: 王*芳
    id_tail: str  # the last four characters of the ID number
    receipts: int
    total: str | None
    created_at: float
    return_reason: str | None


def start_of_day(now: float) -> float:
    """Local midnight before `now` (the kiosk's clock and time zone)."""
    t = time.localtime(now)
    return time.mktime((t.tm_year, t.tm_mon, t.tm_mday, 0, 0, 0, 0, 0, -1))


def todays_claims(store: ClaimStore, actor: str, *, now: float | None = None,
                  scan: int = 1000) -> list[TodayClaim]:
    """The claims `actor` filed on this kiosk today, newest first (reads the store: call it
    on the database thread)."""
    since = start_of_day(time.time() if now is None else now)
    out: list[TodayClaim] = []
    for summary in store.list_claims(limit=scan):
        if summary.created_at < since:
            break  # newest first: the rest are older
        if summary.assistant != actor:
            continue
        record = store.get_claim(summary.id)
        resident = record.resident
        out.append(TodayClaim(
            id=summary.id, uid=summary.uid, status=summary.status,
            resident=mask_name(resident.name) if resident else "",
            id_tail=resident.id_number[-4:] if resident else "",
            receipts=summary.document_count, total=summary.total,
            created_at=summary.created_at, return_reason=record.return_reason))
    return out
