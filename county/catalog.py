"""Catalog versions and the reimbursement policy, published by the county and pulled by kiosks.

A catalog version is a whole file (the kiosk's drug / service catalog), opaque to the server,
stored under its SHA-256 and named by the version the county gives it. Versions are ordered by
publication, so `GET /api/v1/catalog?since=V` answers with the newest version when it was
published after V (or when V is unknown here), and with no update otherwise.

The policy is one JSON object; publishing identical content again changes nothing.
`GET /api/v1/policy` carries an ETag, so a kiosk polling with If-None-Match gets a bodiless 304
until the county publishes something new.
"""


import hashlib
import json
import logging
import os
import re
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sqlalchemy import select

from county.auth import Authenticator, DeviceIdentity
from county.db import CatalogVersion, Database, Policy, utcnow
from county.errors import ApiError, ErrorBody

log = logging.getLogger("county.catalog")

VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class PublishError(ValueError):
    """A publication refused; the message says why."""


def _store_file(directory: Path, data: bytes, digest: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / digest
    if final.exists():
        return final
    fd, tmp = tempfile.mkstemp(prefix="publish-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, final)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return final


class CatalogVersionOut(BaseModel):
    version: str
    filename: str = Field(description="the file name it was published from")
    sha256: str = Field(description="SHA-256 of the file: check it after downloading")
    size: int
    published_at: datetime
    download_url: str = Field(description="path of the file on this server (same credential)")


class CatalogCheck(BaseModel):
    update: CatalogVersionOut | None = Field(description="the newest version when it is newer "
                                             "than `since`; null when the kiosk is up to date")
    latest_version: str | None = Field(description="the newest version published (null: none)")


class PolicyOut(BaseModel):
    version: int = Field(description="increases with every publication")
    sha256: str = Field(description="SHA-256 of the policy's canonical JSON")
    published_at: datetime
    policy: dict[str, Any]


def _version_out(v: CatalogVersion) -> CatalogVersionOut:
    return CatalogVersionOut(version=v.version, filename=v.filename, sha256=v.sha256,
                             size=v.size, published_at=v.published_at,
                             download_url=f"/api/v1/catalog/versions/{v.version}/file")


def publish_catalog(db: Database, catalog_dir: Path, file: Path,
                    version: str) -> tuple[CatalogVersionOut, bool]:
    """Publish `file` as `version`; returns the version and whether it is new. Publishing the
    same file under the same version again is a no-op; other content under it is refused."""
    if not VERSION_RE.fullmatch(version):
        raise PublishError("a version is 1-64 letters, digits, '.', '_' or '-', starting "
                           "with a letter or digit")
    data = file.read_bytes()
    if not data:
        raise PublishError(f"{file} is empty")
    digest = hashlib.sha256(data).hexdigest()
    with db.write() as s:
        existing = s.scalars(select(CatalogVersion)
                             .where(CatalogVersion.version == version)).first()
        if existing is not None:
            if existing.sha256 != digest:
                raise PublishError(f"version {version} was already published with other "
                                   "content; publish the new file under a new version")
            return _version_out(existing), False
        _store_file(catalog_dir, data, digest)
        row = CatalogVersion(version=version, filename=file.name, sha256=digest,
                             size=len(data), published_at=utcnow())
        s.add(row)
        s.flush()
        out = _version_out(row)
    log.info("catalog version %s published (%d bytes)", version, len(data))
    return out, True


def publish_policy(db: Database, file: Path) -> tuple[PolicyOut, bool]:
    """Publish the JSON object in `file`; returns it and whether it differs from the current."""
    try:
        policy = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PublishError(f"{file} is not JSON: {exc}") from None
    if not isinstance(policy, dict):
        raise PublishError(f"{file} must hold a JSON object")
    body = json.dumps(policy, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    with db.write() as s:
        current = s.scalars(select(Policy).order_by(Policy.id.desc()).limit(1)).first()
        if current is not None and current.sha256 == digest:
            return _policy_out(current), False
        row = Policy(body=body, sha256=digest, published_at=utcnow())
        s.add(row)
        s.flush()
        out = _policy_out(row)
    log.info("policy version %d published", out.version)
    return out, True


def _policy_out(p: Policy) -> PolicyOut:
    return PolicyOut(version=p.id, sha256=p.sha256, published_at=p.published_at,
                     policy=json.loads(p.body))


def _etag(p: PolicyOut) -> str:
    return f'"{p.version}-{p.sha256[:32]}"'


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = [t.strip() for t in if_none_match.split(",")]
    return any(t == "*" or t.removeprefix("W/") == etag for t in tags)


def build_router(db: Database, catalog_dir: Path, auth: Authenticator) -> APIRouter:
    router = APIRouter(tags=["catalog and policy"])
    Caller = Annotated[DeviceIdentity, Depends(auth.require_device)]

    @router.get(
        "/api/v1/catalog",
        response_model=CatalogCheck,
        summary="Is there a catalog newer than the kiosk's?",
        description="Send the version the kiosk has as `since` (omit it when it has none). "
                    "Versions are full files: only the newest is offered.",
    )
    def catalog_check(
        _device: Caller,
        since: Annotated[str | None, Query(max_length=64, description="the kiosk's version")]
        = None,
    ) -> CatalogCheck:
        with db.read() as s:
            latest = s.scalars(select(CatalogVersion).order_by(CatalogVersion.id.desc())
                               .limit(1)).first()
            if latest is None:
                return CatalogCheck(update=None, latest_version=None)
            have = None
            if since is not None:
                have = s.scalars(select(CatalogVersion)
                                 .where(CatalogVersion.version == since)).first()
            newer = have is None or latest.id > have.id
            return CatalogCheck(update=_version_out(latest) if newer else None,
                                latest_version=latest.version)

    @router.get(
        "/api/v1/catalog/versions/{version}/file",
        summary="Download a catalog version's file",
        response_class=FileResponse,
        responses={200: {"content": {"application/octet-stream": {}},
                         "description": "the file; `X-Content-SHA256` carries its hash"},
                   404: {"model": ErrorBody, "description": "no such version"}},
    )
    def catalog_file(version: str, _device: Caller) -> FileResponse:
        with db.read() as s:
            row = s.scalars(select(CatalogVersion)
                            .where(CatalogVersion.version == version)).first()
            if row is None:
                raise ApiError(404, "catalog_version_not_found",
                               f"no catalog version {version!r}")
            digest, filename = row.sha256, row.filename
        return FileResponse(catalog_dir / digest, media_type="application/octet-stream",
                            filename=filename,
                            headers={"X-Content-SHA256": digest, "ETag": f'"{digest}"'})

    @router.get(
        "/api/v1/policy",
        response_model=PolicyOut,
        summary="The reimbursement policy in force",
        description="Carries an `ETag`; send it back as `If-None-Match` to get 304 (no body) "
                    "while nothing changed.",
        responses={304: {"description": "unchanged since the ETag sent"},
                   404: {"model": ErrorBody, "description": "no policy published yet"}},
    )
    def policy(
        _device: Caller,
        response: Response,
        if_none_match: Annotated[str | None, Header()] = None,
    ) -> Any:
        with db.read() as s:
            row = s.scalars(select(Policy).order_by(Policy.id.desc()).limit(1)).first()
            if row is None:
                raise ApiError(404, "no_policy", "the county has not published a policy yet")
            out = _policy_out(row)
        etag = _etag(out)
        if _matches(if_none_match, etag):
            return Response(status_code=304, headers={"ETag": etag})
        response.headers["ETag"] = etag
        response.headers["Cache-Control"] = "no-cache"
        return out

    return router
