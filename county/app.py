"""The composition root of the county server: `create_app(config)` builds the database, the
image store and the authenticator once and hands each router what it needs."""

from __future__ import annotations

import html
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel
from sqlalchemy import text
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from county import (
    __version__,
    auth,
    catalog,
    claims,
    errors,
    feed,
    heartbeat,
    images,
    intake,
    web,
)
from county.config import CountyConfig
from county.db import Database

log = logging.getLogger("county.app")

DESCRIPTION = """\
The county side of the township reimbursement kiosks.

A kiosk enrols once with a one-time code (`POST /api/v1/enrol`) and then sends its device
token as `Authorization: Bearer <token>` on every request. It uploads receipt images by
SHA-256 (`HEAD` then `PUT /api/v1/images/{sha256}`), then the claim
(`PUT /api/v1/claims/{uuid}`, idempotent), pulls status changes (`GET /api/v1/status`) and
fetches catalog and policy updates. Every error is JSON: `{"error": CODE, "detail": ...}`.
"""


class Health(BaseModel):
    status: str
    version: str


class _BodyLimit:
    """Refuses request bodies above `max_bytes` with 413 (images have their own, larger limit,
    enforced while streaming), so a malformed or hostile client cannot fill memory."""

    def __init__(self, app: ASGIApp, max_bytes: int, exempt_prefix: str) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.exempt_prefix = exempt_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.exempt_prefix):
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                await errors.send_json(send, 413, {"error": "too_large", "detail":
                                       f"request bodies are limited to {self.max_bytes} bytes"})
                return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # An HTTPException passes FastAPI's body reading unchanged (others become 400).
                    raise HTTPException(413, f"request bodies are limited to {self.max_bytes} "
                                        "bytes")
            return message

        await self.app(scope, limited, send)


def create_app(config: CountyConfig, db: Database | None = None) -> FastAPI:
    """Build the server for `config`; creates the data directory and the schema if needed."""
    db = db or Database.open(config)
    db.upgrade()
    key = db.key
    with db.write() as s:
        filled = intake.backfill(s, key)
    if filled:
        log.info("search facts worked out for %d claim(s) accepted before this version", filled)
    store = images.ImageStore(db, config.images_dir)
    authenticator = auth.Authenticator(db)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        db.dispose()

    # No Swagger UI or ReDoc: both load their scripts from a CDN, and the county LAN is
    # offline. `/docs` is a plain page of this server's own, listing the API.
    app = FastAPI(title="Township kiosk county server", version=__version__,
                  description=DESCRIPTION, lifespan=lifespan, docs_url=None, redoc_url=None)
    errors.install(app)
    web.install(app)
    app.add_middleware(_BodyLimit, max_bytes=config.max_claim_bytes,
                       exempt_prefix="/api/v1/images/")

    @app.get("/api/v1/health", response_model=Health, tags=["health"],
             summary="Liveness and database reachability; needs no credential")
    def health() -> Health:
        with db.read() as s:
            s.execute(text("SELECT 1"))
        return Health(status="ok", version=__version__)

    app.include_router(auth.build_router(db))
    app.include_router(images.build_router(store, authenticator, config.max_image_bytes,
                                           config.device_quota_bytes))
    app.include_router(claims.build_router(db, store, authenticator, key))
    app.include_router(feed.build_router(db, authenticator, config.feed_page_size))
    app.include_router(heartbeat.build_router(db, authenticator))
    app.include_router(catalog.build_router(db, config.catalog_dir, authenticator))
    app.include_router(web.build_router(db, store, key, config))

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/review/", status_code=303)

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(_docs_page(app.openapi()), headers={
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})

    return app


def _docs_page(schema: dict[str, Any]) -> str:
    """The API's routes and summaries as one self-contained page (no script, no CDN)."""
    rows = []
    for path, ops in schema.get("paths", {}).items():
        for method, op in ops.items():
            rows.append(f"<tr><td><code>{html.escape(method.upper())}</code></td>"
                        f"<td><code>{html.escape(path)}</code></td>"
                        f"<td>{html.escape(op.get('summary', ''))}</td></tr>")
    info = schema.get("info", {})
    return ("<!doctype html><html lang=en><meta charset=utf-8>"
            f"<title>{html.escape(info.get('title', 'API'))}</title>"
            "<style>body{font-family:sans-serif;margin:2em}td{padding:.2em .8em}</style>"
            f"<h1>{html.escape(info.get('title', ''))} {html.escape(info.get('version', ''))}</h1>"
            f"<pre>{html.escape(info.get('description', ''))}</pre>"
            "<p>The machine-readable description is <a href=/openapi.json>openapi.json</a>; "
            "docs/county-api.md explains it.</p>"
            "<table>" + "".join(rows) + "</table></html>")
