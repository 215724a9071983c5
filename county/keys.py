"""The county's secret key: a file beside (never inside) the database, mode 0600.

From its 32 random bytes three keys are derived, each for one purpose:

- an HMAC under which residents' ID numbers are searchable without being readable: the
  console finds every claim of one ID number by hashing what the reviewer typed;
- an AES-256-GCM key that seals personal fields at rest (the claim as the kiosk sent it,
  residents' names, corrected values, audit details). Each sealed value has its own random
  nonce and is bound to its column (associated data), so a value copied into another column
  does not open;
- an HMAC for the blind index of names (`name_grams`): keyed hashes of a name's single
  characters and character pairs, so a reviewer can search part of a name while the database
  holds no name in clear.

Without the key file the sealed fields cannot be read: back it up with the database (but
not in the same place as a copy of the database someone else may hold).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import secrets
import unicodedata
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_NAME = "county.key"
#: Prefix of every sealed value: format version 1 (nonce + AES-GCM ciphertext, base64).
SEALED_PREFIX = "s1:"
_NONCE = 12
#: Characters dropped before a name is indexed or searched: spaces and the middle dots
#: between the parts of Uyghur, Tibetan or foreign names written in Chinese characters.
_IGNORED = set(" \t\u3000·•・‧.")
#: Hex digits kept of each gram's HMAC (64 bits): collisions are rare enough to be checked
#: away after decryption, and short rows keep the index small.
GRAM_HEX = 16


class SealedValueError(ValueError):
    """A sealed value that does not open: a wrong key file, or the data was altered."""


def normalise_name(text: str) -> str:
    """The form names are indexed and searched in: NFKC, case-folded, no spaces or dots."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch not in _IGNORED)


class CountyKey:
    def __init__(self, secret: bytes) -> None:
        self._mac = hashlib.sha256(b"county id-number hmac v1" + secret).digest()
        self._aead = AESGCM(hmac.new(secret, b"county field aes-gcm v1", hashlib.sha256)
                            .digest())
        self._gram_mac = hmac.new(secret, b"county name-gram hmac v1", hashlib.sha256).digest()

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

    # -- sealed fields ------------------------------------------------------------------

    def seal(self, text: str, purpose: str) -> str:
        nonce = secrets.token_bytes(_NONCE)
        sealed = nonce + self._aead.encrypt(nonce, text.encode("utf-8"), purpose.encode())
        return SEALED_PREFIX + base64.b64encode(sealed).decode("ascii")

    def open(self, value: str, purpose: str) -> str:
        if not value.startswith(SEALED_PREFIX):
            raise SealedValueError(f"a value of {purpose} is not sealed (a database written "
                                   "without the county key, or not upgraded)")
        try:
            raw = base64.b64decode(value[len(SEALED_PREFIX):], validate=True)
            return self._aead.decrypt(raw[:_NONCE], raw[_NONCE:], purpose.encode()).decode()
        except (ValueError, InvalidTag):
            raise SealedValueError(f"a value of {purpose} does not open with this key file "
                                   "(wrong county.key, or the data was altered)") from None

    # -- the blind index of names ---------------------------------------------------------

    def _gram(self, gram: str) -> str:
        return hmac.new(self._gram_mac, gram.encode("utf-8"), hashlib.sha256).hexdigest()[
            :GRAM_HEX]

    def name_grams(self, name: str) -> set[str]:
        """What a claim's name is indexed under: each character and each adjacent pair."""
        n = normalise_name(name)
        grams = set(n) | {n[i:i + 2] for i in range(len(n) - 1)}
        return {self._gram(g) for g in grams}

    def query_grams(self, query: str) -> set[str]:
        """What a search must find all of: its pairs, or its one character."""
        n = normalise_name(query)
        if len(n) < 2:
            return {self._gram(n)} if n else set()
        return {self._gram(n[i:i + 2]) for i in range(len(n) - 1)}
