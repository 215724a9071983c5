"""The mapping of OS errors onto the store's own errors (durable writes: `kiosk.core.durable`)."""

from __future__ import annotations

import errno

from kiosk.store.errors import DiskFull, ReadOnly, StoreError

_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_READONLY = {errno.EROFS, errno.EACCES, errno.EPERM}


def os_error(exc: OSError, what: str) -> StoreError:
    """`what` plus the reason, as the most specific StoreError."""
    if exc.errno in _FULL:
        return DiskFull(f"{what}: the disk is full ({exc.strerror})")
    if exc.errno in _READONLY:
        return ReadOnly(f"{what}: not writable ({exc.strerror})")
    return StoreError(f"{what}: {exc.strerror or exc}")
