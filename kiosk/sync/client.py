"""The county API as the sync worker uses it (docs/county-api.md), answers sorted by what to do.

- `Transient`: no answer, a time-out, a 5xx, a garbled answer: retry later, every call is safe
  to repeat.
- `Refused`: a 4xx meant for this request (invalid claim, conflict): permanent for it.
- `Blocked`: the device itself is refused (unknown or revoked credential, wrong certificate):
  nothing can be delivered until a technician acts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx

from kiosk.sync.credentials import DeviceCredential
from kiosk.sync.transport import DEFAULT_TIMEOUT, make_http_client, pin_mismatch_in

log = logging.getLogger("kiosk.sync")

API = "/api/v1"


class SyncError(Exception):
    """Base of the failures the worker sorts answers into."""


class Transient(SyncError):
    pass


class Blocked(SyncError):
    pass


class Refused(SyncError):
    def __init__(self, status: int, error: str, detail: Any, body: dict[str, Any]) -> None:
        super().__init__(f"{status} {error}: {detail}")
        self.status = status
        self.error = error
        self.detail = detail
        self.body = body


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


def classify(r: httpx.Response) -> SyncError:
    """The error for a non-success answer."""
    body = _body(r)
    error = str(body.get("error") or "")
    detail = body.get("detail")
    if not 400 <= r.status_code < 500 or r.status_code in (408, 429) or not error:
        # a 5xx, an answer that makes no sense for the request (a stray one left on a broken
        # connection), or no JSON error body (a proxy said it, not the county app)
        return Transient(f"the county server answered {r.status_code} {error}".rstrip())
    if r.status_code == 401 or error == "device_revoked":
        what = ("this kiosk was disconnected by the county" if error == "device_revoked"
                else "the county does not know this kiosk's credential: enrol it again")
        return Blocked(f"{what} ({r.status_code} {error})")
    return Refused(r.status_code, error, detail, body)


def enrol(server: str, code: str, device_name: str, *, pin: str | None,
          timeout: httpx.Timeout = DEFAULT_TIMEOUT) -> dict[str, Any]:
    """POST /enrol; the answer holds device_id, device_name, token, enrolled_at."""
    with make_http_client(server, pin=pin, timeout=timeout) as c:
        try:
            r = c.post(f"{API}/enrol", json={"code": code, "device_name": device_name})
        except httpx.HTTPError as exc:
            raise _transport_error(exc) from exc
    if r.status_code != 201:
        raise classify(r)
    return _body(r)


def _transport_error(exc: httpx.HTTPError) -> SyncError:
    pin = pin_mismatch_in(exc)
    if pin is not None:
        return Blocked(str(pin))
    return Transient(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)


class CountyClient:
    """One keep-alive httpx client for one enrolled device."""

    def __init__(self, credential: DeviceCredential, *,
                 timeout: httpx.Timeout = DEFAULT_TIMEOUT) -> None:
        self.credential = credential
        self._http = make_http_client(credential.server, pin=credential.pin_sha256,
                                      token=credential.token, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return self._http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise _transport_error(exc) from exc

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
            b = _body(r)
            try:
                ack = Ack(str(b["uuid"]), int(b["server_id"]), str(b["content_sha256"]),
                          str(b["accepted_at"]), r.status_code == 201)
            except (KeyError, TypeError, ValueError):
                raise Transient(f"garbled acknowledgement: {r.text[:200]!r}") from None
            if ack.uuid.replace("-", "").lower() != uuid.replace("-", "").lower():
                # a stray answer left on a broken connection: never take it for ours
                raise Transient(f"acknowledgement for {ack.uuid}, not for {uuid}")
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
        return page

    def catalog(self, since: str | None) -> dict[str, Any]:
        r = self._send("GET", f"{API}/catalog", params={"since": since} if since else None)
        if r.status_code != 200:
            raise classify(r)
        return _body(r)

    def download(self, url: str) -> httpx.Response:
        r = self._send("GET", url)
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

    def health(self) -> bool:
        try:
            return self._http.get(f"{API}/health").status_code == 200
        except httpx.HTTPError:
            return False
