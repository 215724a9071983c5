"""TLS for `county serve`: the certificate fingerprint a kiosk pins, and the loopback rule.

The kiosk pins the SHA-256 of the county certificate's DER encoding, so a self-signed
certificate made by the county is as good as a bought one and nobody else's certificate is
accepted. Plain HTTP is allowed only when the server listens on loopback (demos and tests).
"""

from __future__ import annotations

import hashlib
import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding


class TlsError(ValueError):
    pass


def fingerprint_der(der: bytes) -> str:
    """`AB:CD:...` (upper-case hex pairs), the form `openssl x509 -fingerprint -sha256` prints."""
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


def cert_fingerprint(cert_path: Path) -> str:
    """SHA-256 fingerprint of the first certificate in a PEM (or DER) file."""
    data = cert_path.read_bytes()
    try:
        cert = (x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data
                else x509.load_der_x509_certificate(data))
    except ValueError as exc:
        raise TlsError(f"{cert_path} holds no readable X.509 certificate: {exc}") from None
    return fingerprint_der(cert.public_bytes(Encoding.DER))


def normalise_fingerprint(value: str) -> str:
    """Lower-case hex without separators, for comparing a pin however it was written."""
    return "".join(ch for ch in value.lower() if ch in "0123456789abcdef")


def is_loopback(host: str) -> bool:
    """True for `localhost` and loopback addresses; false for anything a network could reach,
    including the wildcard addresses `0.0.0.0` and `::`."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
