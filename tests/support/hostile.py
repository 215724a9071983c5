"""A hostile or broken "county" server on 127.0.0.1: each test says how it answers.

`HostileServer(answer)` runs a threaded HTTP/1.1 server; `answer(req, out)` gets the request
(method, path, headers, body) and writes whatever it likes to the raw socket file `out`
(slowly, too large, garbled). With `upstream=` set, requests `answer` returns False for are
passed to a real county server, so one route can misbehave while the rest is the real API.
`kiosk_for(home, server)` writes a device credential pointing a kiosk home at it.
"""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import httpx

from kiosk.sync.credentials import DeviceCredential


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float = 0.0


Answer = Callable[[Request, BinaryIO], bool]


class HostileServer:
    def __init__(self, answer: Answer, *, upstream: str | None = None) -> None:
        self.answer = answer
        self.upstream = upstream
        self.requests: list[Request] = []
        self.connected = threading.Event()
        self.stopping = threading.Event()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _any(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                req = Request(self.command, self.path, {k.lower(): v for k, v in
                                                        self.headers.items()},
                              self.rfile.read(length) if length else b"", time.monotonic())
                outer.requests.append(req)
                outer.connected.set()
                try:
                    if not outer.answer(req, self.wfile):
                        outer._forward(req, self)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _any

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def _forward(self, req: Request, handler: http.server.BaseHTTPRequestHandler) -> None:
        assert self.upstream is not None, f"no answer for {req.method} {req.path}"
        headers = {k: v for k, v in req.headers.items() if k not in ("host", "content-length")}
        r = httpx.request(req.method, self.upstream + req.path, headers=headers,
                          content=req.body or None, timeout=30)
        handler.send_response(r.status_code)
        for k, v in r.headers.items():
            if k.lower() not in ("content-length", "transfer-encoding", "connection",
                                 "content-encoding"):
                handler.send_header(k, v)
        handler.send_header("content-length", str(len(r.content)))
        handler.end_headers()
        if req.method != "HEAD":
            handler.wfile.write(r.content)

    def close(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> HostileServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def reply(out: BinaryIO, status: int, body: bytes, *, content_type: str = "application/json",
          headers: dict[str, str] | None = None) -> None:
    head = [f"HTTP/1.1 {status} X", f"content-type: {content_type}",
            f"content-length: {len(body)}", *(f"{k}: {v}" for k, v in (headers or {}).items())]
    out.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)


def kiosk_for(home: Path, server: HostileServer | str) -> DeviceCredential:
    url = server if isinstance(server, str) else server.url
    cred = DeviceCredential(server=url, device_id="dev-test", device_name="test kiosk",
                            token="t" * 32, enrolled_at=datetime.now(UTC).isoformat(),
                            pin_sha256=None)
    cred.save(home)
    return cred
