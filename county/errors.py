"""Every refusal is JSON of one shape, `{"error": CODE, "detail": TEXT, ...}`, so the kiosk's
sync worker can tell a permanent refusal from a passing fault by the code alone.

Bad input is a 422 with the field errors listed; an unexpected exception is logged with its
traceback and answered with a 500 that says nothing about the internals.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("county.errors")


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: str = Field(description="machine-readable code, e.g. `claim_conflict`")
    detail: Any = Field(description="human-readable explanation (a list of field errors for "
                                    "`invalid_request`)")


class MissingImagesBody(ErrorBody):
    """424: the claim names images the server does not have yet."""

    missing: list[str] = Field(description="SHA-256 of every image still to upload")


class ConflictBody(ErrorBody):
    """409: a different claim already holds this UUID."""

    content_sha256: str | None = Field(
        default=None, description="hash of the content the server holds under this UUID "
                                  "(only for the device that sent it)")


class ApiError(Exception):
    """A refusal the client can act on. `extra` keys are merged into the JSON body."""

    def __init__(self, status: int, error: str, detail: str, *,
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.error = error
        self.detail = detail
        self.headers = headers
        self.extra = extra


def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return JSONResponse({"error": exc.error, "detail": exc.detail, **exc.extra},
                        status_code=exc.status, headers=exc.headers)


def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # Only plain fields: the raw `input` may be undecodable bytes and `ctx` may hold exceptions,
    # both of which would turn a 422 into a 500 when serialised.
    errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")),
               "type": str(e.get("type", ""))} for e in exc.errors()]
    return JSONResponse({"error": "invalid_request", "detail": errors}, status_code=422)


_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 413: "too_large", 415: "unsupported_media_type"}


def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:
        # FastAPI's "error parsing the body" (e.g. JSON nested too deep to decode): bad input
        # like any other, so the same 422 a kiosk already treats as permanent.
        return JSONResponse({"error": "invalid_request", "detail": str(exc.detail)},
                            status_code=422)
    return JSONResponse({"error": _HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}"),
                         "detail": exc.detail}, status_code=exc.status_code,
                        headers=getattr(exc, "headers", None))


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse({"error": "internal_error", "detail": "the county server failed; "
                         "the error is in its log"}, status_code=500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


async def send_json(send: Any, status: int, body: dict[str, Any]) -> None:
    """Answer from plain ASGI code (middleware), outside FastAPI's handlers."""
    resp = JSONResponse(body, status_code=status)
    await send({"type": "http.response.start", "status": status,
                "headers": resp.raw_headers})
    await send({"type": "http.response.body", "body": resp.body})
