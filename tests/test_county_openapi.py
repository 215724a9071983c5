"""The OpenAPI document served by the county server describes every endpoint it has."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import httpx
from fastapi.routing import APIRoute

from county.app import create_app
from county.config import CountyConfig
from county.testing import RunningServer

# What the kiosk's sync worker is written against (docs/county-api.md).
EXPECTED = {
    ("get", "/api/v1/health"),
    ("post", "/api/v1/enrol"),
    ("head", "/api/v1/images/{sha256}"),
    ("put", "/api/v1/images/{sha256}"),
    ("put", "/api/v1/claims/{claim_uuid}"),
    ("get", "/api/v1/claims/{claim_uuid}"),
    ("get", "/api/v1/status"),
    ("get", "/api/v1/catalog"),
    ("get", "/api/v1/catalog/versions/{version}/file"),
    ("get", "/api/v1/policy"),
    ("post", "/api/v1/heartbeat"),
}


def api_routes(routes: Iterable[Any]) -> Iterator[APIRoute]:
    """Every APIRoute, also inside included routers (newer FastAPI keeps them nested)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from api_routes(route.original_router.routes)


def test_every_route_is_in_the_openapi_document(server: RunningServer, tmp_path: Path) -> None:
    r = httpx.get(f"{server.base_url}/openapi.json", timeout=10)
    assert r.status_code == 200
    doc: dict[str, Any] = r.json()
    documented = {(method, path) for path, ops in doc["paths"].items() for method in ops}

    app = create_app(CountyConfig.build(tmp_path / "other"))
    # The review console's HTML pages (/review/...) are left out of the API on purpose.
    routed = {(m.lower(), route.path) for route in api_routes(app.routes)
              if route.include_in_schema for m in route.methods or ()}
    assert all(p.startswith("/review/") or p in ("/", "/docs")
               for route in api_routes(app.routes) if not route.include_in_schema
               for p in [route.path])
    assert routed == documented
    assert documented == EXPECTED

    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert op.get("summary"), f"{method} {path} has no summary"
            ok = [code for code in op["responses"] if code.startswith("2")]
            assert ok, f"{method} {path} documents no success response"
            if path not in ("/api/v1/health", "/api/v1/enrol"):
                assert op.get("security") == [{"DeviceToken": []}], f"{method} {path}"

    schemes = doc["components"]["securitySchemes"]
    assert schemes["DeviceToken"] == {"type": "http", "scheme": "bearer",
                                      "description": schemes["DeviceToken"]["description"]}
    claim_put = doc["paths"]["/api/v1/claims/{claim_uuid}"]["put"]
    assert {"200", "201", "409", "422", "424"} <= set(claim_put["responses"])
    assert "ClaimIn" in doc["components"]["schemas"]
    assert "ErrorBody" in doc["components"]["schemas"]


def test_docs_page_is_served_without_a_cdn(server: RunningServer) -> None:
    r = httpx.get(f"{server.base_url}/docs", timeout=10)
    assert r.status_code == 200 and "openapi.json" in r.text
    assert "/api/v1/claims/{claim_uuid}" in r.text
    # nothing is fetched from anywhere: no script, no external stylesheet or link
    assert "<script" not in r.text and "cdn" not in r.text.lower()
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert httpx.get(f"{server.base_url}/redoc", timeout=10).status_code == 404
