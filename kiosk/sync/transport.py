"""httpx clients for the county server: HTTPS checked against a pinned certificate, and a
deadline for the whole request that the caller can also cut short.

The county certificate is usually self-signed, so no CA vouches for it; instead the kiosk
keeps the SHA-256 of its DER encoding (from `county cert-fingerprint`) and the TLS handshake
itself fails when the server presents anything else, before a byte of the request (and its
bearer token) is sent.

httpx's time-outs are per socket operation: a server that sends one byte every few seconds
(in the headers or the body) never trips them. `RequestGuard` fixes that below httpx, in the
network backend httpcore uses: every connect, read and write gets at most the time left until
the request's deadline, so connect + headers + body together are bounded; and `abort()` (from
another thread: the worker's stop) shuts the sockets down, which wakes a blocked read at once.
Host-name resolution is not covered (the county is configured by address in practice).
"""

from __future__ import annotations

import hashlib
import socket
import ssl
import threading
import time
import typing
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import httpcore
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


class Aborted(httpx.TransportError):
    """The request was cut short by `RequestGuard.abort` (the worker is stopping)."""


class RequestGuard:
    """The deadline of the request in flight on one client, and a way to abort it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._deadline: float | None = None
        self._aborted = False
        self._sockets: set[socket.socket] = set()

    @contextmanager
    def deadline(self, seconds: float) -> Iterator[None]:
        """Bound everything the client does inside the block to `seconds` in total."""
        with self._lock:
            if self._aborted:
                raise Aborted("the request was stopped before it began")
            self._deadline = time.monotonic() + seconds
        try:
            yield
        finally:
            with self._lock:
                self._deadline = None

    def abort(self) -> None:
        """Stop the request in flight and refuse new ones (call from any thread)."""
        with self._lock:
            self._aborted = True
            sockets = list(self._sockets)
        for sock in sockets:
            with suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    @property
    def aborted(self) -> bool:
        return self._aborted

    def budget(self, timeout: float | None, error: type[Exception]) -> float | None:
        """The time-out for one socket operation: the smaller of its own and what is left."""
        with self._lock:
            if self._aborted:
                raise error("stopped")
            if self._deadline is None:
                return timeout
            left = self._deadline - time.monotonic()
        if left <= 0:
            raise error("the whole-request deadline passed")
        return left if timeout is None else min(timeout, left)

    def track(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            self._sockets.add(sock)
            aborted = self._aborted
        if aborted:
            self.abort()

    def forget(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._sockets.discard(sock)


class _GuardedStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, guard: RequestGuard) -> None:
        self._inner = inner
        self._guard = guard
        self._sock: socket.socket | None = inner.get_extra_info("socket")
        guard.track(self._sock)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        budget = self._guard.budget(timeout, httpcore.ReadTimeout)
        try:
            data = self._inner.read(max_bytes, budget)
        except httpcore.ReadTimeout:
            if budget != timeout:
                raise httpcore.ReadTimeout("the whole-request deadline passed") from None
            raise
        if self._guard.aborted:
            raise httpcore.ReadError("stopped")
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        budget = self._guard.budget(timeout, httpcore.WriteTimeout)
        try:
            self._inner.write(buffer, budget)
        except httpcore.WriteTimeout:
            if budget != timeout:
                raise httpcore.WriteTimeout("the whole-request deadline passed") from None
            raise

    def close(self) -> None:
        self._guard.forget(self._sock)
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        budget = self._guard.budget(timeout, httpcore.ConnectTimeout)
        self._guard.forget(self._sock)
        return _GuardedStream(self._inner.start_tls(ssl_context, server_hostname, budget),
                              self._guard)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    def __init__(self, guard: RequestGuard) -> None:
        self._inner = httpcore.SyncBackend()
        self._guard = guard

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: typing.Iterable[typing.Any] | None = None,
                    ) -> httpcore.NetworkStream:
        budget = self._guard.budget(timeout, httpcore.ConnectTimeout)
        return _GuardedStream(self._inner.connect_tcp(host, port, budget, local_address,
                                                      socket_options), self._guard)

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: typing.Iterable[typing.Any] | None = None,
                            ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not used for the county server")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport with the connection pool built on the guarded backend."""

    def __init__(self, guard: RequestGuard, verify: ssl.SSLContext | bool) -> None:
        super().__init__(verify=verify, trust_env=False)
        context = verify if isinstance(verify, ssl.SSLContext) else (
            ssl.create_default_context())
        limits = httpx.Limits(max_connections=4, max_keepalive_connections=2)
        self._pool = httpcore.ConnectionPool(
            ssl_context=context, max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry, network_backend=_GuardedBackend(guard))


def make_http_client(base_url: str, *, pin: str | None = None, token: str | None = None,
                     timeout: httpx.Timeout = DEFAULT_TIMEOUT,
                     transport: httpx.BaseTransport | None = None,
                     guard: RequestGuard | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"} if token \
        else {"Accept-Encoding": "identity"}
    verify: ssl.SSLContext | bool = pinned_ssl_context(pin) if pin else True
    if transport is None and guard is not None:
        transport = GuardedTransport(guard, verify)
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
