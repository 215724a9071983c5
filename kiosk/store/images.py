"""Receipt images as encrypted files named by the SHA-256 of their original bytes.

A file is written to a temporary name, fsynced, renamed and its directory fsynced before the
database row that points at it commits, so a committed row never points at a missing or
partial file. The reverse (a file without a row) is an orphan; `sweep` moves those to a
quarantine first and deletes them only after a grace period.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.core.durable import fsync_dir, write_durably
from kiosk.store.crypto import Sealer
from kiosk.store.errors import KeyFileError, StoreError
from kiosk.store.fsutil import os_error

_SHA_RE = re.compile(r"[0-9a-f]{64}")
TMP_PREFIX = ".tmp-"
QUARANTINE = ".quarantine"
QUARANTINE_S = 30 * 86400.0
log = logging.getLogger("kiosk.store")


class ImageMissing(StoreError):
    """An image a claim points at is gone or damaged on disk."""


class ImageDamaged(ImageMissing):
    """An image file is there but does not open (altered bytes, or another key's)."""


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
        parked = self.quarantine_dir / sha
        if parked.exists():  # the same scan again (a retried claim): take it back
            try:
                os.replace(parked, path)
                fsync_dir(self.root)
                return sha
            except FileNotFoundError:
                pass  # deleted meanwhile: write it anew
            except OSError as exc:
                raise os_error(exc, f"cannot restore image {sha[:12]}…") from exc
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
        try:
            data = self._sealer.open(sealed, _purpose(sha), what=f"image {sha[:12]}…")
        except KeyFileError as exc:
            raise ImageDamaged(f"image {sha[:12]}… in {self.root} is damaged: {exc}") from None
        if sha256_hex(data) != sha:
            raise ImageDamaged(f"image {sha[:12]}… is damaged (its content does not match)")
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

    @property
    def quarantine_dir(self) -> Path:
        return self.root / QUARANTINE

    def sweep(self, referenced: Collection[str], *, grace_s: float, now: float | None = None,
              quarantine_s: float = QUARANTINE_S, may_delete: bool = True) -> SweepResult:
        """Temporary files older than `grace_s` are removed; images no row references are
        moved to the quarantine (`images/.quarantine/`), and deleted from there only after
        `quarantine_s` and only if `may_delete` (the caller trusts its clock).

        The grace period protects a file another process has just renamed into place and
        whose row is about to commit. The quarantine protects images from a database that
        lost rows (a restored backup moves its images back: `restore`).
        """
        now = time.time() if now is None else now
        result = SweepResult()
        try:
            entries = list(os.scandir(self.root))
        except FileNotFoundError:
            return result
        stale = [e for e in entries if _SHA_RE.fullmatch(e.name) and e.name not in referenced]
        for entry in entries:
            if not entry.name.startswith(TMP_PREFIX):
                continue
            try:
                if now - entry.stat().st_mtime >= grace_s:
                    os.unlink(entry.path)
                    result.removed_temporary += 1
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise os_error(exc, f"cannot remove the temporary file {entry.path}") from exc
        for entry in stale:
            try:
                if now - entry.stat().st_mtime < grace_s:
                    continue
                self.quarantine_dir.mkdir(mode=0o700, exist_ok=True)
                target = self.quarantine_dir / entry.name
                os.replace(entry.path, target)
                os.utime(target, (now, now))  # the quarantine's clock starts now
                result.quarantined += 1
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise os_error(exc, f"cannot move the orphan {entry.path} to the "
                                    "quarantine") from exc
        if result.quarantined:
            fsync_dir(self.root)
        for sha, since in self.quarantined():
            if may_delete and now - since >= quarantine_s:
                try:
                    (self.quarantine_dir / sha).unlink()
                    result.deleted += 1
                except FileNotFoundError:
                    continue
                except OSError as exc:
                    raise os_error(exc, f"cannot delete the quarantined image {sha[:12]}…"
                                   ) from exc
            else:
                result.kept.append((sha, since + quarantine_s))
        return result

    def quarantined(self) -> list[tuple[str, float]]:
        """(SHA-256, when it was quarantined) of every image waiting in the quarantine."""
        try:
            entries = list(os.scandir(self.quarantine_dir))
        except FileNotFoundError:
            return []
        out = []
        for e in entries:
            if _SHA_RE.fullmatch(e.name):
                try:
                    out.append((e.name, e.stat().st_mtime))
                except FileNotFoundError:
                    continue
        return sorted(out)

    def restore(self, referenced: Collection[str]) -> int:
        """Move quarantined images some row references again back into place."""
        back = 0
        for sha, _since in self.quarantined():
            if sha in referenced and not self.path(sha).exists():
                try:
                    os.replace(self.quarantine_dir / sha, self.path(sha))
                except OSError as exc:
                    raise os_error(exc, f"cannot restore the image {sha[:12]}…") from exc
                back += 1
        if back:
            fsync_dir(self.root)
        return back


@dataclass
class SweepResult:
    removed_temporary: int = 0
    quarantined: int = 0
    deleted: int = 0
    kept: list[tuple[str, float]] = field(default_factory=list)  # (sha, deleted after)


def _purpose(sha: str) -> bytes:
    return b"image:" + sha.encode()
