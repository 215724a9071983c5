"""Catalog versions and the policy: published with the `county` command, pulled over HTTP."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from county.cli import main as county
from county.testing import RunningServer


@pytest.fixture
def kiosk(server: RunningServer) -> Iterator[httpx.Client]:
    _, token = server.enrol()
    with server.client(token) as c:
        yield c


def cli(srv: RunningServer, *args: str) -> list[str]:
    return [*args, "--data", str(srv.config.data_dir), "--db", srv.config.db_url]


def test_kiosks_pull_only_a_newer_catalog(server: RunningServer, kiosk: httpx.Client,
                                          tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert kiosk.get("/api/v1/catalog").json() == {"update": None, "latest_version": None}

    v1 = tmp_path / "catalog-2024q1.csv"
    v1.write_text("code,name,class\nXA01,阿莫西林胶囊,甲\n", encoding="utf-8")
    v2 = tmp_path / "catalog-2024q2.csv"
    v2.write_text("code,name,class\nXA01,阿莫西林胶囊,甲\nXB02,布洛芬缓释胶囊,乙\n",
                  encoding="utf-8")
    assert county(cli(server, "publish-catalog", str(v1), "--version", "2024.1")) == 0
    assert "published" in capsys.readouterr().out

    # A kiosk with no catalog, or one the server does not know, gets the newest.
    for params in ({}, {"since": "factory-2023"}):
        check = kiosk.get("/api/v1/catalog", params=params).json()
        assert check["update"]["version"] == "2024.1"
        assert check["latest_version"] == "2024.1"
    assert kiosk.get("/api/v1/catalog", params={"since": "2024.1"}).json()["update"] is None

    assert county(cli(server, "publish-catalog", str(v2), "--version", "2024.2")) == 0
    capsys.readouterr()
    update = kiosk.get("/api/v1/catalog", params={"since": "2024.1"}).json()["update"]
    assert update["version"] == "2024.2" and update["filename"] == "catalog-2024q2.csv"
    assert update["size"] == v2.stat().st_size

    got = kiosk.get(update["download_url"])
    assert got.status_code == 200
    assert got.content == v2.read_bytes()
    assert hashlib.sha256(got.content).hexdigest() == update["sha256"]
    assert got.headers["x-content-sha256"] == update["sha256"]
    old = kiosk.get("/api/v1/catalog/versions/2024.1/file")
    assert old.content == v1.read_bytes()
    missing = kiosk.get("/api/v1/catalog/versions/1999.1/file")
    assert missing.status_code == 404 and missing.json()["error"] == "catalog_version_not_found"

    # Re-publishing is idempotent; other content under a published version is refused.
    assert county(cli(server, "publish-catalog", str(v2), "--version", "2024.2")) == 0
    assert "unchanged" in capsys.readouterr().out
    assert county(cli(server, "publish-catalog", str(v1), "--version", "2024.2")) == 1
    assert "already published with other content" in capsys.readouterr().err
    assert county(cli(server, "publish-catalog", str(v1), "--version", "../x")) == 1
    assert county(cli(server, "publish-catalog", str(tmp_path / "nope"), "--version", "9")) == 1
    capsys.readouterr()

    # Versions are ordered by publication, not by how their names sort.
    v3 = tmp_path / "hotfix.csv"
    v3.write_text("code,name,class\n", encoding="utf-8")
    assert county(cli(server, "publish-catalog", str(v3), "--version", "2024.10-hotfix")) == 0
    capsys.readouterr()
    assert kiosk.get("/api/v1/catalog", params={"since": "2024.2"}).json()["update"][
        "version"] == "2024.10-hotfix"


def test_policy_is_pulled_with_an_etag(server: RunningServer, kiosk: httpx.Client,
                                       tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    r = kiosk.get("/api/v1/policy")
    assert r.status_code == 404 and r.json()["error"] == "no_policy"

    policy = {"year": 2024, "deductible": "800.00", "rates": {"甲": "0.70", "乙": "0.60"},
              "cap": "60000.00"}
    f = tmp_path / "policy.json"
    f.write_text(json.dumps(policy, ensure_ascii=False), encoding="utf-8")
    assert county(cli(server, "publish-policy", str(f))) == 0
    capsys.readouterr()

    first = kiosk.get("/api/v1/policy")
    assert first.status_code == 200
    assert first.json()["policy"] == policy
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')

    unchanged = kiosk.get("/api/v1/policy", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged.headers["etag"] == etag
    weak = kiosk.get("/api/v1/policy", headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak.status_code == 304
    assert kiosk.get("/api/v1/policy", headers={"If-None-Match": '"stale"'}).status_code == 200
    assert kiosk.get("/api/v1/policy", headers={"If-None-Match": "garbage,,"}
                     ).status_code == 200

    # The same content again (keys reordered) is no new version: the ETag still holds.
    f.write_text(json.dumps(dict(reversed(list(policy.items())))), encoding="utf-8")
    assert county(cli(server, "publish-policy", str(f))) == 0
    assert "unchanged" in capsys.readouterr().out
    assert kiosk.get("/api/v1/policy", headers={"If-None-Match": etag}).status_code == 304

    policy["deductible"] = "600.00"
    f.write_text(json.dumps(policy), encoding="utf-8")
    assert county(cli(server, "publish-policy", str(f))) == 0
    capsys.readouterr()
    changed = kiosk.get("/api/v1/policy", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.json()["policy"]["deductible"] == "600.00"
    assert changed.json()["version"] == first.json()["version"] + 1
    assert changed.headers["etag"] != etag

    for bad in ("[1, 2]", "{not json", ""):
        f.write_text(bad, encoding="utf-8")
        assert county(cli(server, "publish-policy", str(f))) == 1
    assert "JSON" in capsys.readouterr().err
