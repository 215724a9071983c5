"""The technician PIN: stored as an scrypt hash with its salt, locked after repeated failures.

Qt-free; the settings screen calls it on the database thread (scrypt takes tens of ms).
The file keeps the failure count and lock time so a restart does not reset the lockout.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_N, _R, _P = 2**14, 8, 1
MIN_LENGTH = 6


@dataclass(frozen=True)
class PinResult:
    ok: bool
    locked_for_s: int = 0  # > 0: locked, try again after this many seconds
    attempts_left: int = 0
    newly_set: bool = False


def _hash(pin: str, salt: bytes) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)


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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)

    @property
    def is_set(self) -> bool:
        return "hash" in self._read()

    def set_pin(self, pin: str) -> None:
        if len(pin) < MIN_LENGTH or not pin.isdigit():
            raise ValueError(f"a technician PIN is at least {MIN_LENGTH} digits")
        salt = os.urandom(16)
        self._write({"salt": salt.hex(), "hash": _hash(pin, salt).hex(), "failures": 0,
                     "locked_until": 0.0})

    def check(self, pin: str) -> PinResult:
        """Verify a PIN. With no PIN set yet, a valid new PIN becomes the technician's PIN."""
        data = self._read()
        now = self._clock()
        if "hash" not in data:
            if len(pin) >= MIN_LENGTH and pin.isdigit():
                self.set_pin(pin)
                return PinResult(ok=True, newly_set=True)
            return PinResult(ok=False, attempts_left=self.attempts)
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
