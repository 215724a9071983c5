"""The county's secret key: a file beside (never inside) the database, mode 0600.

It keys the HMAC under which residents' ID numbers are searchable without being readable: the
console finds every claim of one ID number by hashing what the reviewer typed. Losing the file
only means the search index must be rebuilt from the claims; it never locks data away.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_NAME = "county.key"


class CountyKey:
    def __init__(self, secret: bytes) -> None:
        self._mac = hashlib.sha256(b"county id-number hmac v1" + secret).digest()

    @classmethod
    def load_or_create(cls, data_dir: Path) -> CountyKey:
        path = data_dir / KEY_NAME
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32) + "\n")
                f.flush()
                os.fsync(f.fileno())
        with contextlib.suppress(OSError):
            os.chmod(path, 0o600)
        text = path.read_text().strip()
        return cls(bytes.fromhex(text))

    def id_hash(self, id_number: str) -> str:
        return hmac.new(self._mac, id_number.strip().upper().encode(), hashlib.sha256).hexdigest()
