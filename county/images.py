"""Receipt images, stored under their SHA-256.

The kiosk asks `HEAD /api/v1/images/{sha256}` first: an image the server already has costs
that one round trip and is never sent again. `PUT` streams the bytes to a temporary file while
hashing them; only if the hash matches the name is the file fsynced and renamed into place,
so a half-received or corrupted upload never becomes an image a claim can point at.
"""


import hashlib
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from county.auth import Authenticator, DeviceIdentity
from county.db import Database, Image, utcnow
from county.errors import ApiError, ErrorBody

log = logging.getLogger("county.images")

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
SHA256_PATTERN = r"^[0-9a-f]{64}$"


def check_sha256(value: str) -> str:
    if not SHA256_RE.fullmatch(value):
        raise ApiError(422, "invalid_sha256", "an image is named by the lowercase hex SHA-256 "
                       "of its bytes (64 characters 0-9a-f)")
    return value


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ImageStore:
    """Image files on disk (`images/ab/abcdef...`) plus their rows in the database."""

    def __init__(self, db: Database, root: Path) -> None:
        self.db = db
        self.root = root
        self.tmp = root / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)
        for stale in self.tmp.glob("upload-*"):  # left by a crash mid-upload
            stale.unlink(missing_ok=True)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        return self.size(sha256) is not None

    def size(self, sha256: str) -> int | None:
        """Size of a stored image, None when the server does not have it."""
        with self.db.read() as s:
            row = s.get(Image, sha256)
            return None if row is None else row.size

    def missing(self, hashes: set[str]) -> list[str]:
        """Those of `hashes` the server does not have, sorted."""
        if not hashes:
            return []
        with self.db.read() as s:
            have = set(s.scalars(select(Image.sha256).where(Image.sha256.in_(hashes))).all())
        return sorted(hashes - have)

    def device_usage(self, device_id: str) -> int:
        """Bytes of images this device uploaded that the server keeps."""
        with self.db.read() as s:
            return int(s.scalar(select(func.coalesce(func.sum(Image.size), 0))
                                .where(Image.device_id == device_id)) or 0)

    def new_temp(self) -> tuple[int, Path]:
        fd, name = tempfile.mkstemp(prefix="upload-", dir=self.tmp)
        return fd, Path(name)

    def commit(self, sha256: str, tmp: Path, size: int, device_id: str) -> None:
        """fsync the verified temporary file, rename it into place and record it."""
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        final = self.path(sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)
        _fsync_dir(final.parent)
        try:
            with self.db.write() as s:
                if s.get(Image, sha256) is None:
                    s.add(Image(sha256=sha256, size=size, stored_at=utcnow(),
                                device_id=device_id))
        except IntegrityError:
            pass  # another upload of the same bytes won the race; the file is identical


class ImageStored(BaseModel):
    sha256: str
    size: int = Field(description="bytes stored")
    created: bool = Field(description="false when the server already had this image")


def build_router(store: ImageStore, auth: Authenticator, max_bytes: int,
                 quota: int | None = None) -> APIRouter:
    router = APIRouter(tags=["images"])
    Caller = Annotated[DeviceIdentity, Depends(auth.require_device)]

    @router.head(
        "/api/v1/images/{sha256}",
        summary="Does the server have this image?",
        description="200 when the image is stored and verified, 404 when it must be uploaded. "
                    "No body.",
        responses={200: {"description": "stored"}, 404: {"description": "not here yet"}},
    )
    def head_image(sha256: str, _device: Caller) -> Response:
        check_sha256(sha256)
        return Response(status_code=200 if store.exists(sha256) else 404)

    @router.put(
        "/api/v1/images/{sha256}",
        response_model=ImageStored,
        summary="Upload an image's bytes under their SHA-256",
        description="Body: the raw image bytes (any content type). The server hashes what it "
                    "receives and refuses a mismatch with 422 `hash_mismatch`; nothing is kept "
                    "then. 201 when stored now, 200 when it was already here.",
        status_code=201,
        responses={200: {"model": ImageStored, "description": "already stored"},
                   413: {"model": ErrorBody, "description": "image too large"},
                   422: {"model": ErrorBody, "description": "hash mismatch or bad name"},
                   507: {"model": ErrorBody, "description": "`quota_exceeded`: this kiosk's "
                                                            "images fill its quota; retry "
                                                            "later"}},
        openapi_extra={"requestBody": {"required": True, "content": {
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}},
    )
    async def put_image(sha256: str, request: Request, device: Caller) -> Response:
        check_sha256(sha256)
        have = await run_in_threadpool(store.size, sha256)
        if have is not None:
            return Response(ImageStored(sha256=sha256, size=have, created=False)
                            .model_dump_json(), status_code=200,
                            media_type="application/json")
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            raise ApiError(413, "too_large", f"images are limited to {max_bytes} bytes")
        if quota is not None:
            used = await run_in_threadpool(store.device_usage, device.id)
            incoming = int(declared) if declared and declared.isdigit() else 0
            if used + incoming > quota:
                log.warning("device %s over its image quota (%d of %d bytes)", device.id,
                            used, quota)
                raise ApiError(507, "quota_exceeded", f"this kiosk's images on the server "
                               f"fill its quota ({used} of {quota} bytes); the county office "
                               "must purge or raise it", headers={"Retry-After": "3600"})
        fd, tmp = store.new_temp()
        hasher = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(fd, "wb") as f:
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > max_bytes:
                        raise ApiError(413, "too_large", f"images are limited to {max_bytes} "
                                       "bytes")
                    hasher.update(chunk)
                    f.write(chunk)
            if size == 0:
                raise ApiError(422, "empty_body", "the request body must be the image bytes")
            got = hasher.hexdigest()
            if got != sha256:
                raise ApiError(422, "hash_mismatch", "the bytes received do not hash to the "
                               "name they were sent under; nothing was stored", sha256=got)
            await run_in_threadpool(store.commit, sha256, tmp, size, device.id)
        finally:
            tmp.unlink(missing_ok=True)
        log.info("image %s (%d bytes) stored from %s", sha256[:12], size, device.id)
        return Response(ImageStored(sha256=sha256, size=size, created=True).model_dump_json(),
                        status_code=201, media_type="application/json")

    return router
