"""The technician PIN: stored as an scrypt hash with its salt, locked after repeated failures.

Qt-free; the settings screen calls it on the database thread (scrypt takes tens of ms).
The file keeps the failure count and lock time so a restart does not reset the lockout.

Setting the first PIN is a deliberate act: `check` never turns a typed PIN into the PIN (a
passer-by could otherwise claim a fresh machine). It is set on the console with `kiosk pin
set`, or on the screen through `set_first` (typed twice, weak PINs refused), which the screen
offers only while the kiosk holds no claims and is not enrolled.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.core.durable import replace_file

_N, _R, _P = 2**14, 8, 1
MIN_LENGTH = 6
MAX_LENGTH = 12
PIN_FILE = "technician_pin.json"


class PinError(ValueError):
    """A PIN that cannot be set; `code` keys the screen's plain message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class PinResult:
    ok: bool
    locked_for_s: int = 0  # > 0: locked, try again after this many seconds
    attempts_left: int = 0
    newly_set: bool = False
    not_set: bool = False  # no PIN yet: nothing typed can open the settings


def _hash(pin: str, salt: bytes) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)


def weakness(pin: str) -> str | None:
    """Why `pin` must not be a technician PIN (a `PinError` code), or None if it may.

    Refused: not MIN_LENGTH..MAX_LENGTH digits, one digit repeated, a run up or down
    (123456, 987654, 890123), or a pair repeated (121212).
    """
    if not pin.isdigit() or not pin.isascii():
        return "not_digits"
    if not MIN_LENGTH <= len(pin) <= MAX_LENGTH:
        return "length"
    digits = [int(ch) for ch in pin]
    if len(set(digits)) == 1:
        return "repeated"
    steps = {(b - a) % 10 for a, b in itertools.pairwise(digits)}
    if steps in ({1}, {9}):
        return "sequence"
    if len(set(pin[0::2])) == 1 and len(set(pin[1::2])) == 1:
        return "pattern"
    return None


WEAKNESS_TEXT = {
    "not_digits": "a PIN is digits only",
    "length": f"a PIN is {MIN_LENGTH} to {MAX_LENGTH} digits",
    "repeated": "one digit repeated is too easy to guess",
    "sequence": "a run of digits like 123456 is too easy to guess",
    "pattern": "a repeated pair like 121212 is too easy to guess",
    "mismatch": "the two PINs differ",
    "already_set": "a PIN is already set; change it with the old PIN",
}


def require_strong(pin: str) -> None:
    code = weakness(pin)
    if code is not None:
        raise PinError(code, WEAKNESS_TEXT[code])


class PinStore:
    def __init__(self, path: Path, *, attempts: int = 5, lockout_s: int = 300,
                 clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.attempts = attempts
        self.lockout_s = lockout_s
        self._clock = clock

    def _read(self) -> dict[str, object]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, data: dict[str, object]) -> None:
        replace_file(self.path, json.dumps(data).encode(), mode=0o600)

    @property
    def is_set(self) -> bool:
        return "hash" in self._read()

    def set_pin(self, pin: str) -> None:
        """Store `pin` (any MIN_LENGTH+ digits; the technician flows call `require_strong`
        first). Clears the failure count and any lock."""
        if len(pin) < MIN_LENGTH or not pin.isdigit():
            raise PinError("length", f"a PIN is at least {MIN_LENGTH} digits")
        salt = os.urandom(16)
        self._write({"salt": salt.hex(), "hash": _hash(pin, salt).hex(), "failures": 0,
                     "locked_until": 0.0})

    def set_first(self, pin: str, again: str) -> PinResult:
        """The first PIN, typed twice; refused once a PIN exists or when it is weak."""
        if self.is_set:
            raise PinError("already_set", WEAKNESS_TEXT["already_set"])
        require_strong(pin)
        if not hmac.compare_digest(pin.encode(), again.encode()):
            raise PinError("mismatch", WEAKNESS_TEXT["mismatch"])
        self.set_pin(pin)
        return PinResult(ok=True, newly_set=True)

    def change(self, old: str, new: str, again: str) -> PinResult:
        """A new PIN for whoever knows the old one (a wrong old PIN counts as a failure)."""
        require_strong(new)
        if not hmac.compare_digest(new.encode(), again.encode()):
            raise PinError("mismatch", WEAKNESS_TEXT["mismatch"])
        result = self.check(old)
        if result.ok:
            self.set_pin(new)
            return PinResult(ok=True, newly_set=True)
        return result

    def check(self, pin: str) -> PinResult:
        """Verify a PIN. With no PIN set nothing opens (`not_set`): see the module docstring."""
        data = self._read()
        now = self._clock()
        if "hash" not in data:
            return PinResult(ok=False, not_set=True)
        locked_until = float(data.get("locked_until", 0.0))  # type: ignore[arg-type]
        if locked_until > now:
            return PinResult(ok=False, locked_for_s=int(locked_until - now + 0.999))
        salt = bytes.fromhex(str(data["salt"]))
        if hmac.compare_digest(_hash(pin, salt), bytes.fromhex(str(data["hash"]))):
            data.update(failures=0, locked_until=0.0)
            self._write(data)
            return PinResult(ok=True)
        failures = int(data.get("failures", 0)) + 1  # type: ignore[call-overload]
        if failures >= self.attempts:
            data.update(failures=0, locked_until=now + self.lockout_s)
            self._write(data)
            return PinResult(ok=False, locked_for_s=self.lockout_s)
        data.update(failures=failures)
        self._write(data)
        return PinResult(ok=False, attempts_left=self.attempts - failures)
