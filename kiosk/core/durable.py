"""Files that are either wholly old or wholly new after a crash, and a process lock.

Qt-free: the claim store, the sync worker, the configuration writer and
the PIN files all write through here.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

import filelock


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in `path` durable (the directory entry itself)."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_durably(path: Path, data: bytes, tmp: Path, *, mode: int = 0o600) -> None:
    """Write `data` to `tmp`, fsync it, rename it to `path`, fsync the directory.

    Either the complete file is at `path` afterwards or nothing is; a crash leaves at most a
    temporary file, which the orphan sweep removes.
    """
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        try:
            view = memoryview(data)
            while view:
                n = os.write(fd, view)
                view = view[n:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


class FileLock:
    """An exclusive advisory lock (flock, through the filelock library) on `path`, held until
    `release` or process death.

    flock belongs to the open file, so a second `FileLock` on the same path conflicts even
    within one process; the kernel drops it when the holder dies, however it dies. The lock
    file is kept (never deleted on release): deleting it would let two processes lock two
    different files of the same name.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = filelock.UnixFileLock(str(path), mode=0o600, thread_local=False)

    @property
    def held(self) -> bool:
        return self._lock.is_locked

    def acquire(self) -> bool:
        """Take the lock if nobody holds it (never waits); True if this object holds it."""
        if self._lock.is_locked:
            return True
        try:
            self._lock.acquire(timeout=0)
        except filelock.Timeout:
            return False
        return True

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)  # closing the file drops the flock


def replace_file(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    """Write `data` to `path` (creating its folder) so that a crash leaves the old content
    or the new, whole; the temporary file beside it has a random name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_durably(path, data, path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp"),
                  mode=mode)
