"""The composition root of the county server: `create_app(config)` builds the database, the
image store and the authenticator once and hands each router what it needs."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import text
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from county import __version__, auth, catalog, claims, errors, feed, images
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
    config.data_dir.mkdir(parents=True, exist_ok=True)
    db = db or Database(config.db_url)
    db.create_schema()
    store = images.ImageStore(db, config.images_dir)
    authenticator = auth.Authenticator(db)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        db.dispose()

    app = FastAPI(title="Township kiosk county server", version=__version__,
                  description=DESCRIPTION, lifespan=lifespan)
    errors.install(app)
    app.add_middleware(_BodyLimit, max_bytes=config.max_claim_bytes,
                       exempt_prefix="/api/v1/images/")

    @app.get("/api/v1/health", response_model=Health, tags=["health"],
             summary="Liveness and database reachability; needs no credential")
    def health() -> Health:
        with db.read() as s:
            s.execute(text("SELECT 1"))
        return Health(status="ok", version=__version__)

    app.include_router(auth.build_router(db))
    app.include_router(images.build_router(store, authenticator, config.max_image_bytes))
    app.include_router(claims.build_router(db, store, authenticator))
    app.include_router(feed.build_router(db, authenticator, config.feed_page_size))
    app.include_router(catalog.build_router(db, config.catalog_dir, authenticator))
    return app
