"""Encryption at rest: AES-256-GCM for personal fields and images, HMAC for look-ups.

The key lives in a file outside the database (`<home>/keys/store.key` by default, 0600),
created on first use. Each sealed value carries a random nonce and is bound to its purpose
(associated data such as ``claim.name`` or the image's SHA-256), so a value cut from one
column and pasted into another fails to open. ID numbers are also stored as a keyed HMAC so
that "find by ID number" and duplicate checks never need the plaintext.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk.core.durable import fsync_dir
from kiosk.store.errors import KeyFileError, ReadOnly
from kiosk.store.fsutil import os_error

_VERSION = b"\x01"


class SealedValueDamaged(KeyFileError):
    """One sealed value does not open: `what` names the claim field or image it belongs to."""

    def __init__(self, message: str, *, what: str | None) -> None:
        super().__init__(message)
        self.what = what

_NONCE = 12
KEY_BYTES = 32


class Sealer:
    """Seals and opens byte strings with keys derived from one master key."""

    def __init__(self, master: bytes) -> None:
        if len(master) != KEY_BYTES:
            raise KeyFileError(f"the store key must be {KEY_BYTES} bytes, not {len(master)}")
        self._aead = AESGCM(_derive(master, b"kiosk-store aes-gcm v1"))
        self._mac_key = _derive(master, b"kiosk-store hmac v1")

    def seal(self, plaintext: bytes, purpose: bytes) -> bytes:
        nonce = secrets.token_bytes(_NONCE)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext, purpose)

    def open(self, sealed: bytes, purpose: bytes, *, what: str | None = None) -> bytes:
        """The plaintext; `what` ("the name of claim 12") goes into the error if it fails."""
        label = what or "a sealed value"
        if len(sealed) < 1 + _NONCE + 16 or sealed[:1] != _VERSION:
            raise SealedValueDamaged(f"{label} is truncated or of an unknown format",
                                     what=what)
        nonce = sealed[1:1 + _NONCE]
        try:
            return self._aead.decrypt(nonce, sealed[1 + _NONCE:], purpose)
        except InvalidTag:
            raise SealedValueDamaged(
                f"{label} does not open with this key (wrong key file, or the data was "
                "altered)", what=what) from None

    def seal_text(self, text: str, purpose: str) -> bytes:
        return self.seal(text.encode("utf-8"), purpose.encode())

    def open_text(self, sealed: bytes, purpose: str, *, what: str | None = None) -> str:
        return self.open(sealed, purpose.encode(), what=what).decode("utf-8")

    def mac(self, text: str, purpose: str) -> str:
        """A keyed HMAC-SHA256 as hex: equal inputs match, the input cannot be read back."""
        msg = purpose.encode() + b"\x00" + text.encode("utf-8")
        return hmac.new(self._mac_key, msg, hashlib.sha256).hexdigest()


def _derive(master: bytes, label: bytes) -> bytes:
    return hmac.new(master, label, hashlib.sha256).digest()


def load_key(path: Path, *, create: bool) -> bytes | None:
    """The master key in `path`; created (0600, fsynced) when absent and `create` is set.

    A key file that others may read is refused rather than silently used.
    """
    try:
        st = path.stat()
    except FileNotFoundError:
        if not create:
            return None
        return _create_key(path)
    except OSError as exc:
        raise os_error(exc, f"cannot read the key file {path}") from exc
    if stat.S_IMODE(st.st_mode) & 0o077:
        raise KeyFileError(
            f"the key file {path} can be read by other users (mode "
            f"{stat.S_IMODE(st.st_mode):04o}); make it owner-only with chmod 600")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise os_error(exc, f"cannot read the key file {path}") from exc
    if len(data) != KEY_BYTES:
        raise KeyFileError(f"the key file {path} is damaged ({len(data)} bytes, not "
                           f"{KEY_BYTES})")
    return data


def _create_key(path: Path) -> bytes:
    key = secrets.token_bytes(KEY_BYTES)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, key)
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            # link, not rename: if another process created the key meanwhile, keep theirs
            os.link(tmp, path)
        except FileExistsError:
            return load_key(path, create=False) or key
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        fsync_dir(path.parent)
    except PermissionError as exc:
        raise ReadOnly(f"cannot create the key file {path}: {exc.strerror}") from exc
    except OSError as exc:
        raise os_error(exc, f"cannot create the key file {path}") from exc
    return key
