"""httpx clients for the county server: HTTPS checked against a pinned certificate.

The county certificate is usually self-signed, so no CA vouches for it; instead the kiosk
keeps the SHA-256 of its DER encoding (from `county cert-fingerprint`) and the TLS handshake
itself fails when the server presents anything else, before a byte of the request (and its
bearer token) is sent.
"""

from __future__ import annotations

import hashlib
import ssl

import httpx

DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=5.0)


class PinMismatch(ssl.SSLCertVerificationError):
    """The server's certificate is not the pinned one."""


def pinned_ssl_context(pin: str) -> ssl.SSLContext:
    """A client context that accepts exactly the certificate whose SHA-256 is `pin` (hex)."""
    expected = pin.lower()

    class _PinnedSocket(ssl.SSLSocket):
        def do_handshake(self, block: bool = False) -> None:
            super().do_handshake(block)
            der = self.getpeercert(binary_form=True)
            got = hashlib.sha256(der).hexdigest() if der else "none"
            if got != expected:
                raise PinMismatch(
                    f"the server's certificate (SHA-256 {got}) is not the pinned one "
                    f"({expected})")

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    # The pin replaces CA and host-name checks: it is stricter than both.
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.sslsocket_class = _PinnedSocket
    return ctx


def make_http_client(base_url: str, *, pin: str | None = None, token: str | None = None,
                     timeout: httpx.Timeout = DEFAULT_TIMEOUT,
                     transport: httpx.BaseTransport | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    verify: ssl.SSLContext | bool = pinned_ssl_context(pin) if pin else True
    return httpx.Client(base_url=base_url, headers=headers, verify=verify, timeout=timeout,
                        transport=transport, follow_redirects=False, trust_env=False)


def pin_mismatch_in(exc: BaseException) -> PinMismatch | None:
    """The PinMismatch behind an httpx error, if that is what it was."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, PinMismatch):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None
