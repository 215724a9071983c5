"""Receipt images as encrypted files named by the SHA-256 of their original bytes.

A file is written to a temporary name, fsynced, renamed and its directory fsynced before the
database row that points at it commits, so a committed row never points at a missing or
partial file. The reverse (a file without a row) is an orphan; `sweep` removes those.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import time
from collections.abc import Collection
from pathlib import Path

from kiosk.durable import write_durably
from kiosk.store.crypto import Sealer
from kiosk.store.errors import StoreError
from kiosk.store.fsutil import os_error

_SHA_RE = re.compile(r"[0-9a-f]{64}")
TMP_PREFIX = ".tmp-"


class ImageMissing(StoreError):
    """An image a claim points at is gone or damaged on disk."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ImageStore:
    def __init__(self, root: Path, sealer: Sealer) -> None:
        self.root = root
        self._sealer = sealer

    def ensure_dir(self) -> None:
        try:
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise os_error(exc, f"cannot create the image folder {self.root}") from exc

    def path(self, sha: str) -> Path:
        if not _SHA_RE.fullmatch(sha):
            raise ValueError(f"not a SHA-256 hex digest: {sha!r}")
        return self.root / sha

    def put(self, data: bytes) -> str:
        """Store `data` durably (once per content) and return its SHA-256."""
        sha = sha256_hex(data)
        path = self.path(sha)
        if path.exists():
            return sha
        sealed = self._sealer.seal(data, _purpose(sha))
        try:
            write_durably(path, sealed, self.root / f"{TMP_PREFIX}{secrets.token_hex(8)}")
        except OSError as exc:
            raise os_error(exc, f"cannot store an image in {self.root}") from exc
        return sha

    def get(self, sha: str) -> bytes:
        path = self.path(sha)
        try:
            sealed = path.read_bytes()
        except FileNotFoundError:
            raise ImageMissing(f"image {sha[:12]}… is missing from {self.root}") from None
        except OSError as exc:
            raise os_error(exc, f"cannot read image {path}") from exc
        data = self._sealer.open(sealed, _purpose(sha))
        if sha256_hex(data) != sha:
            raise ImageMissing(f"image {sha[:12]}… is damaged (its content does not match)")
        return data

    def exists(self, sha: str) -> bool:
        return self.path(sha).exists()

    def remove(self, sha: str) -> None:
        try:
            self.path(sha).unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise os_error(exc, f"cannot remove image {sha[:12]}…") from exc

    def sweep(self, referenced: Collection[str], *, grace_s: float, now: float | None = None
              ) -> int:
        """Remove temporary files and images no row references, older than `grace_s`.

        The grace period protects a file another process has just renamed into place and
        whose row is about to commit.
        """
        now = time.time() if now is None else now
        removed = 0
        try:
            entries = list(os.scandir(self.root))
        except FileNotFoundError:
            return 0
        for entry in entries:
            name = entry.name
            if not (name.startswith(TMP_PREFIX) or (_SHA_RE.fullmatch(name)
                                                    and name not in referenced)):
                continue
            try:
                if now - entry.stat().st_mtime < grace_s:
                    continue
                os.unlink(entry.path)
                removed += 1
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise os_error(exc, f"cannot remove the orphan {entry.path}") from exc
        return removed


def _purpose(sha: str) -> bytes:
    return b"image:" + sha.encode()
