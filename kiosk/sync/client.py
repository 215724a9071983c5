"""The county API as the sync worker uses it (docs/county-api.md), answers sorted by what to do.

- `Transient`: no answer, a time-out, a 5xx, a 429, a garbled answer: retry later (after
  `Retry-After` if the server said so); every call is safe to repeat.
- `ServerFault` (a Transient): an answer that is not the county API's own: a generic 404 or
  405, an HTML page, a 4xx without one of the API's error codes. The address is wrong or
  something stands in between; it holds no claim, it is retried like an outage.
- `Refused`: one of the county API's own error codes (docs/county-api.md, "Errors").
  `claim_level` says whether it is a decision about this claim (conflict, invalid): only
  those hold a claim back.
- `Blocked`: the device itself is refused (unknown or revoked credential, wrong certificate):
  nothing can be delivered until a technician acts.

Every request has a deadline for the whole exchange (connect, headers, body; see
transport.py) and every answer a maximum size, read as it arrives: a hostile or broken server
can neither hang the worker nor fill its memory.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from kiosk.sync.credentials import DeviceCredential
from kiosk.sync.transport import (
    DEFAULT_TIMEOUT,
    RequestGuard,
    make_http_client,
    pin_mismatch_in,
)

log = logging.getLogger("kiosk.sync")

API = "/api/v1"
MAX_REPLY = 1 << 20  # an API answer (a status page of 200 events is ~40 KB)
MAX_DOWNLOAD = 64 << 20  # a catalog file (the official one is ~1.5 MB)
MIN_UPLOAD_RATE = 64 * 1024  # bytes/s a request body is granted on top of the deadline
MAX_RETRY_AFTER_S = 3600.0
MAX_SERVER_ID = 2**63 - 1
_SHA_RE = re.compile(r"[0-9a-f]{64}")

# The county API's own refusals (county/errors.py and docs/county-api.md).
DEVICE_REFUSALS = frozenset({(401, "unauthorized"), (401, "unknown_credential"),
                             (403, "device_revoked")})
CLAIM_REFUSALS = frozenset({(409, "claim_conflict"), (409, "uuid_taken"), (413, "too_large"),
                            (422, "invalid_request"), (422, "hash_mismatch"),
                            (422, "uuid_mismatch"), (422, "invalid_sha256"),
                            (422, "empty_body")})
OTHER_REFUSALS = frozenset({(409, "cursor_ahead"), (404, "no_policy"),
                            (404, "catalog_version_not_found"), (404, "claim_not_found"),
                            (403, "enrol_code_unknown"), (403, "enrol_code_used"),
                            (403, "enrol_code_expired")})


class SyncError(Exception):
    """Base of the failures the worker sorts answers into."""


class Transient(SyncError):
    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ServerFault(Transient):
    """The answer is not the county API's: wrong address, a proxy, a broken server."""


class Blocked(SyncError):
    pass


class Refused(SyncError):
    def __init__(self, status: int, error: str, detail: Any, body: dict[str, Any]) -> None:
        super().__init__(f"{status} {error}: {detail}")
        self.status = status
        self.error = error
        self.detail = detail
        self.body = body

    @property
    def claim_level(self) -> bool:
        """A decision of the county about this claim (permanent for it)."""
        return (self.status, self.error) in CLAIM_REFUSALS


@dataclass(frozen=True)
class Ack:
    uuid: str
    server_id: int
    content_sha256: str
    accepted_at: str
    created: bool


class MissingImages(SyncError):
    def __init__(self, missing: list[str]) -> None:
        super().__init__(f"the server lacks {len(missing)} image(s)")
        self.missing = missing


def _body(r: httpx.Response) -> dict[str, Any]:
    try:
        data = r.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def retry_after(r: httpx.Response) -> float | None:
    """`Retry-After` in seconds (delta or HTTP date), capped at an hour; None if absent."""
    raw = r.headers.get("retry-after")
    if not raw:
        return None
    raw = raw.strip()
    try:
        seconds = float(raw) if raw.isdigit() else (
            parsedate_to_datetime(raw) - datetime.now(UTC)).total_seconds()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)


def classify(r: httpx.Response) -> SyncError:
    """The error for a non-success answer: only the county API's own codes refuse."""
    body = _body(r)
    error = str(body.get("error") or "")
    detail = body.get("detail")
    key = (r.status_code, error)
    try:
        where = f"{r.request.method} {r.request.url.path}"
    except RuntimeError:  # an answer built without its request
        where = "a request"
    if r.status_code >= 500 or r.status_code in (408, 429):
        return Transient(f"the county server answered {r.status_code} {error}".rstrip(),
                         retry_after=retry_after(r))
    if key in DEVICE_REFUSALS:
        what = ("this kiosk was disconnected by the county" if error == "device_revoked"
                else "the county does not know this kiosk's credential: enrol it again")
        return Blocked(f"{what} ({r.status_code} {error})")
    if key in CLAIM_REFUSALS or key in OTHER_REFUSALS:
        return Refused(r.status_code, error, detail, body)
    kind = r.headers.get("content-type", "?").split(";")[0]
    return ServerFault(
        f"the server answered {r.status_code} {error or kind} to {where}, which is not an "
        "answer of the county API: check the server address in the kiosk's credential (or "
        "what stands between); no claim was held back")


def enrol(server: str, code: str, device_name: str, *, pin: str | None,
          timeout: httpx.Timeout = DEFAULT_TIMEOUT) -> dict[str, Any]:
    """POST /enrol; the answer holds device_id, device_name, token, enrolled_at."""
    guard = RequestGuard()
    with make_http_client(server, pin=pin, timeout=timeout, guard=guard) as c:
        try:
            with guard.deadline(_total(timeout)):
                r = c.post(f"{API}/enrol", json={"code": code, "device_name": device_name})
        except httpx.HTTPError as exc:
            raise _transport_error(exc) from exc
    if r.status_code != 201:
        raise classify(r)
    body = _body(r)
    if not all(isinstance(body.get(k), str) and body.get(k) for k in ("device_id", "token")):
        # a 201 from something that is not the county API (a captive portal, a web server
        # at the wrong port): nothing to keep, and not a bug of the kiosk
        kind = r.headers.get("content-type", "?").split(";")[0]
        raise ServerFault(f"the server answered 201 {kind} to POST {API}/enrol without a "
                          "device id and token: not the county API; check the address")
    return body


def _too_large(url: str, limit: int) -> ServerFault:
    return ServerFault(f"the answer to {url} is larger than {limit // 1024} KiB, more than "
                       "the county API ever sends: not read further")


def _transport_error(exc: httpx.HTTPError) -> SyncError:
    pin = pin_mismatch_in(exc)
    if pin is not None:
        return Blocked(str(pin))
    if isinstance(exc, httpx.RemoteProtocolError) and "Receive buffer too long" in str(exc):
        # h11 gave up buffering a flood it could not parse (seen when a huge answer arrives
        # while the upload is still going out): the same case as an answer over the limit
        try:
            url = str(exc.request.url)
        except RuntimeError:  # httpx raises this when the error carries no request
            url = "the server"
        return _too_large(url, MAX_REPLY)
    return Transient(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)


def _total(timeout: httpx.Timeout) -> float:
    """The whole-request deadline that goes with httpx time-outs: the read time-out."""
    return float(timeout.read or 30.0)


def _date(r: httpx.Response) -> float | None:
    raw = r.headers.get("date")
    if not raw:
        return None
    try:
        return parsedate_to_datetime(raw).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


class CountyClient:
    """One keep-alive httpx client for one enrolled device.

    `deadline_s` bounds each request as a whole (default: the read time-out); `abort()` cuts
    the request in flight short from another thread. `county_time` is the server's `Date`
    from the last answer that was a valid county API answer (the retention purge trusts the
    local clock only near it).
    """

    def __init__(self, credential: DeviceCredential, *,
                 timeout: httpx.Timeout = DEFAULT_TIMEOUT, deadline_s: float | None = None,
                 ) -> None:
        self.credential = credential
        self.deadline_s = deadline_s if deadline_s is not None else _total(timeout)
        self.county_time: float | None = None
        self._guard = RequestGuard()
        self._http = make_http_client(credential.server, pin=credential.pin_sha256,
                                      token=credential.token, timeout=timeout,
                                      guard=self._guard)

    def close(self) -> None:
        self._http.close()

    def abort(self) -> None:
        """Stop the request in flight (any thread) and refuse further ones."""
        self._guard.abort()

    def _send(self, method: str, url: str, *, max_bytes: int = MAX_REPLY,
              **kwargs: Any) -> httpx.Response:
        """One request, its answer read whole but never past `max_bytes`."""
        body = kwargs.get("content")
        deadline = self.deadline_s + (len(body) / MIN_UPLOAD_RATE if body else 0.0)
        try:
            with self._guard.deadline(deadline):
                request = self._http.build_request(method, url, **kwargs)
                r = self._http.send(request, stream=True)
                try:
                    declared = r.headers.get("content-length", "")
                    if method != "HEAD" and declared.isdigit() and int(declared) > max_bytes:
                        raise _too_large(url, max_bytes)
                    buf = bytearray()
                    for chunk in r.iter_bytes():
                        buf += chunk
                        if len(buf) > max_bytes:
                            raise _too_large(url, max_bytes)
                finally:
                    r.close()
        except httpx.HTTPError as exc:
            raise _transport_error(exc) from exc
        headers = [(k, v) for k, v in r.headers.multi_items()
                   if k.lower() not in ("content-encoding", "content-length",
                                        "transfer-encoding")]
        return httpx.Response(r.status_code, headers=headers, content=bytes(buf),
                              request=request)

    def _trust_date(self, r: httpx.Response) -> None:
        when = _date(r)
        if when is not None:
            self.county_time = when

    def has_image(self, sha: str) -> bool:
        r = self._send("HEAD", f"{API}/images/{sha}")
        if r.status_code == 200:
            return True
        if r.status_code == 404:
            return False
        if r.status_code in (401, 403):  # a HEAD answer has no body to name the reason
            raise Blocked(f"the county refuses this kiosk ({r.status_code}): it was "
                          "disconnected by the county or must be enrolled again")
        raise classify(r)

    def put_image(self, sha: str, data: bytes) -> None:
        r = self._send("PUT", f"{API}/images/{sha}", content=data,
                       headers={"content-type": "application/octet-stream"})
        if r.status_code not in (200, 201):
            raise classify(r)
        if _body(r).get("sha256") != sha:
            raise Transient(f"answer for another image than {sha[:12]}")

    def put_claim(self, uuid: str, content: bytes) -> Ack:
        r = self._send("PUT", f"{API}/claims/{uuid}", content=content,
                       headers={"content-type": "application/json"})
        if r.status_code in (200, 201):
            ack = parse_ack(r, uuid)
            self._trust_date(r)
            return ack
        if r.status_code == 424:
            return self._missing(r)
        raise classify(r)

    def _missing(self, r: httpx.Response) -> Ack:
        missing = _body(r).get("missing")
        if not isinstance(missing, list):
            raise Transient("424 without the list of missing images")
        raise MissingImages([str(x) for x in missing])

    def status_page(self, cursor: int, limit: int = 200) -> dict[str, Any]:
        r = self._send("GET", f"{API}/status", params={"cursor": cursor, "limit": limit})
        if r.status_code != 200:
            raise classify(r)
        page = _body(r)
        if not isinstance(page.get("events"), list) or not isinstance(
                page.get("next_cursor"), int):
            raise Transient(f"garbled status page: {r.text[:200]!r}")
        self._trust_date(r)
        return page

    def catalog(self, since: str | None) -> dict[str, Any]:
        r = self._send("GET", f"{API}/catalog", params={"since": since} if since else None)
        if r.status_code != 200:
            raise classify(r)
        return _body(r)

    def download(self, url: str) -> httpx.Response:
        r = self._send("GET", url, max_bytes=MAX_DOWNLOAD)
        if r.status_code != 200:
            raise classify(r)
        return r

    def policy(self, etag: str | None) -> tuple[int, httpx.Response]:
        r = self._send("GET", f"{API}/policy",
                       headers={"If-None-Match": etag} if etag else None)
        if r.status_code in (200, 304):
            return r.status_code, r
        if r.status_code == 404 and _body(r).get("error") == "no_policy":
            return 404, r
        raise classify(r)

    def heartbeat(self, body: dict[str, Any]) -> None:
        """POST /api/v1/heartbeat (kiosk.sync.heartbeat)."""
        r = self._send("POST", f"{API}/heartbeat", json=body)
        if r.status_code != 200:
            raise classify(r)

    def health(self) -> bool:
        try:
            return self._send("GET", f"{API}/health").status_code == 200
        except SyncError:
            return False


def parse_ack(r: httpx.Response, uuid: str) -> Ack:
    """The acknowledgement of `uuid`, checked field by field; Transient if it is not one.

    A stray answer on a broken connection, a wrong server or a garbled body must never mark
    a claim delivered: the uuid must be this claim's, the server id a positive 64-bit
    integer (as JSON number), the content hash a SHA-256 in hex and the time ISO 8601.
    """
    b = _body(r)
    got = b.get("uuid")
    sid = b.get("server_id")
    digest = b.get("content_sha256")
    at = b.get("accepted_at")
    problem = None
    if not isinstance(got, str) or got.replace("-", "").lower() != uuid.replace("-", "").lower():
        problem = f"it is for {got!r}, not for {uuid}"
    elif isinstance(sid, bool) or not isinstance(sid, int) or not 1 <= sid <= MAX_SERVER_ID:
        problem = f"server_id {sid!r} is not a positive 64-bit integer"
    elif not isinstance(digest, str) or not _SHA_RE.fullmatch(digest):
        problem = f"content_sha256 {digest!r} is not a SHA-256 in hex"
    elif not isinstance(at, str) or not _iso_time(at):
        problem = f"accepted_at {at!r} is not a time"
    if problem:
        raise ServerFault(f"acknowledgement refused: {problem} ({r.text[:120]!r})")
    assert isinstance(sid, int) and isinstance(digest, str) and isinstance(at, str)
    return Ack(str(got), sid, digest, at, r.status_code == 201)


def _iso_time(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True
