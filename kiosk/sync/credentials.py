"""The device credential a kiosk gets at enrolment, kept in `<home>/keys/device.json` (0600).

It holds the county server's URL, the bearer token the server gave this device (the server
keeps only its hash, so losing this file means enrolling again) and, for HTTPS, the SHA-256
fingerprint of the county certificate that connections must present.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from kiosk.core.durable import replace_file

CREDENTIAL_FILE = Path("keys") / "device.json"


class CredentialError(Exception):
    """No usable credential: the kiosk must be enrolled (again)."""


@dataclass(frozen=True)
class DeviceCredential:
    server: str
    device_id: str
    device_name: str
    token: str
    enrolled_at: str
    pin_sha256: str | None = None

    def save(self, home: Path) -> Path:
        path = home / CREDENTIAL_FILE
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        data = json.dumps(asdict(self), ensure_ascii=False, indent=2).encode() + b"\n"
        replace_file(path, data, mode=0o600)
        return path

    @classmethod
    def load(cls, home: Path) -> DeviceCredential:
        path = home / CREDENTIAL_FILE
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return cls(**raw)
        except FileNotFoundError:
            raise CredentialError(
                f"this kiosk is not enrolled ({path} is missing): run `kiosk enrol --server "
                "URL --code CODE` with a code from `county enrol-code`") from None
        except (OSError, ValueError, TypeError) as exc:
            raise CredentialError(f"cannot read the device credential {path}: {exc}") from None


def normalise_pin(value: str) -> str:
    """Lower-case hex without separators; `AB:CD:…` as `openssl -fingerprint` prints it works."""
    pin = "".join(ch for ch in value.lower() if ch in "0123456789abcdef")
    if len(pin) != 64:
        raise CredentialError(f"{value!r} is not a SHA-256 fingerprint (64 hex digits)")
    return pin


def check_server_url(url: str, pin: str | None) -> str:
    """The URL without a trailing slash; plain http only to loopback, https needs no CA."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CredentialError(f"{url!r} is not an http(s) URL")
    if parts.scheme == "http":
        if not is_loopback(parts.hostname):
            raise CredentialError(
                f"refusing plain http to {parts.hostname}: the token and residents' data would "
                "cross the network unencrypted; use https:// with --pin-sha256")
        if pin:
            raise CredentialError("a certificate pin needs an https:// server URL")
    return url.rstrip("/")


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
