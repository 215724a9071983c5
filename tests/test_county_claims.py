"""Content-addressed images and idempotent claims, against a real county server on 127.0.0.1."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from county.config import CountyConfig
from county.testing import (
    RunningServer,
    new_claim_uuid,
    sample_claim,
    sample_image,
    serve_in_thread,
    sha256_hex,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One server for the module: every test enrols its own kiosk and uses fresh UUIDs."""
    with serve_in_thread(CountyConfig.build(tmp_path_factory.mktemp("county"))) as srv:
        yield srv


@pytest.fixture
def kiosk(server: RunningServer) -> Iterator[httpx.Client]:
    _, token = server.enrol("kiosk A")
    with server.client(token) as c:
        yield c


def upload(c: httpx.Client, data: bytes) -> int:
    """What the sync worker does per image: HEAD, then PUT only when the server lacks it."""
    sha = sha256_hex(data)
    if c.head(f"/api/v1/images/{sha}").status_code == 200:
        return 200
    return c.put(f"/api/v1/images/{sha}", content=data).status_code


def test_image_head_put_verifies_the_hash_and_costs_one_round_trip_when_present(
        server: RunningServer, kiosk: httpx.Client) -> None:
    data = sample_image("a")
    sha = sha256_hex(data)
    assert kiosk.head(f"/api/v1/images/{sha}").status_code == 404

    wrong = kiosk.put(f"/api/v1/images/{sha}", content=data + b"tampered")
    assert wrong.status_code == 422
    assert wrong.json()["error"] == "hash_mismatch"
    assert kiosk.head(f"/api/v1/images/{sha}").status_code == 404
    assert list((server.config.images_dir / "tmp").iterdir()) == []

    r = kiosk.put(f"/api/v1/images/{sha}", content=data,
                  headers={"content-type": "image/jpeg"})
    assert r.status_code == 201
    assert r.json() == {"sha256": sha, "size": len(data), "created": True}
    assert (server.config.images_dir / sha[:2] / sha).read_bytes() == data

    head = kiosk.head(f"/api/v1/images/{sha}")
    assert head.status_code == 200 and head.content == b""
    again = kiosk.put(f"/api/v1/images/{sha}", content=data)
    assert again.status_code == 200 and again.json()["created"] is False

    # Resuming: a second kiosk with the same image pays exactly one HEAD.
    _, token = server.enrol("kiosk B")
    sent: list[str] = []
    with server.client(token, event_hooks={"request": [lambda req: sent.append(req.method)]}
                       ) as other:
        assert upload(other, data) == 200
    assert sent == ["HEAD"]


@pytest.mark.parametrize("name", ["A" * 64, "a" * 63, "g" * 64, "..", "a" * 65])
def test_bad_image_names_are_refused(kiosk: httpx.Client, name: str) -> None:
    for r in (kiosk.head(f"/api/v1/images/{name}"),
              kiosk.put(f"/api/v1/images/{name}", content=b"abc")):
        assert r.status_code in (404, 422), r.text
        if r.request.method == "PUT":
            assert r.json()["error"] in ("invalid_sha256", "not_found")


def test_empty_and_oversized_images_are_refused(tmp_path: Path) -> None:
    config = CountyConfig.build(tmp_path / "small")
    config = type(config)(data_dir=config.data_dir, db_url=config.db_url, max_image_bytes=1000)
    with serve_in_thread(config) as srv:
        _, token = srv.enrol()
        with srv.client(token) as c:
            r = c.put(f"/api/v1/images/{sha256_hex(b'')}", content=b"")
            assert r.status_code == 422 and r.json()["error"] == "empty_body"
            big = b"x" * 1001
            r = c.put(f"/api/v1/images/{sha256_hex(big)}", content=big)
            assert r.status_code == 413 and r.json()["error"] == "too_large"

            # Without a Content-Length (chunked), the limit holds while streaming.
            def chunks() -> Iterator[bytes]:
                for _ in range(11):
                    yield b"y" * 100
            r = c.put(f"/api/v1/images/{sha256_hex(b'y' * 1100)}", content=chunks())
            assert r.status_code == 413
    assert list((config.images_dir / "tmp").iterdir()) == []


def test_claim_is_accepted_only_when_all_images_are_there(kiosk: httpx.Client) -> None:
    images = [sample_image(i) for i in range(3)]
    claim = sample_claim(images)
    uuid = new_claim_uuid()

    r = kiosk.put(f"/api/v1/claims/{uuid}", json=claim)
    assert r.status_code == 424
    assert r.json()["error"] == "images_missing"
    assert r.json()["missing"] == sorted(sha256_hex(i) for i in images)
    assert kiosk.get(f"/api/v1/claims/{uuid}").status_code == 404

    upload(kiosk, images[0])
    upload(kiosk, images[2])
    r = kiosk.put(f"/api/v1/claims/{uuid}", json=claim)
    assert r.status_code == 424
    assert r.json()["missing"] == [sha256_hex(images[1])]
    assert kiosk.get("/api/v1/status").json()["events"] == []

    upload(kiosk, images[1])
    r = kiosk.put(f"/api/v1/claims/{uuid}", json=claim)
    assert r.status_code == 201, r.text
    state = kiosk.get(f"/api/v1/claims/{uuid}").json()
    assert state["status"] == "accepted"


def test_claim_put_is_idempotent_by_uuid(server: RunningServer, kiosk: httpx.Client) -> None:
    images = [sample_image("x")]
    upload(kiosk, images[0])
    claim = sample_claim(images)
    uuid = new_claim_uuid()

    first = kiosk.put(f"/api/v1/claims/{uuid}", json=claim)
    assert first.status_code == 201
    ack = first.json()
    assert ack["uuid"] == uuid and len(ack["content_sha256"]) == 64

    # The same claim again (a kiosk that lost the answer), keys in another order and with
    # the optional uuid in the body: same acknowledgement, nothing new on the server.
    reordered = dict(reversed(list(copy.deepcopy(claim).items())))
    reordered["uuid"] = uuid
    for body in (claim, reordered):
        again = kiosk.put(f"/api/v1/claims/{uuid}", json=body)
        assert again.status_code == 200
        assert again.json() == ack
    # The kiosk store's hex form of the same UUID is the same claim.
    assert kiosk.put(f"/api/v1/claims/{uuid.replace('-', '')}", json=claim).json() == ack

    changed = copy.deepcopy(claim)
    changed["refund_estimate"]["amount"] = "99.99"
    conflict = kiosk.put(f"/api/v1/claims/{uuid}", json=changed)
    assert conflict.status_code == 409
    assert conflict.json()["error"] == "claim_conflict"
    assert conflict.json()["content_sha256"] == ack["content_sha256"]

    mismatch = dict(claim, uuid=new_claim_uuid())
    r = kiosk.put(f"/api/v1/claims/{uuid}", json=mismatch)
    assert r.status_code == 422 and r.json()["error"] == "uuid_mismatch"

    # Another device cannot read, overwrite or learn about this claim.
    _, token = server.enrol("kiosk B")
    with server.client(token) as other:
        r = other.put(f"/api/v1/claims/{uuid}", json=claim)
        assert r.status_code == 409 and r.json()["error"] == "uuid_taken"
        assert "content_sha256" not in r.json()
        assert other.get(f"/api/v1/claims/{uuid}").status_code == 404

    events = kiosk.get("/api/v1/status").json()["events"]
    assert [e["status"] for e in events] == ["accepted"]


def test_concurrent_deliveries_of_one_claim_store_it_once(kiosk: httpx.Client,
                                                          server: RunningServer) -> None:
    data = sample_image("race")
    upload(kiosk, data)
    claim = sample_claim([data])
    uuid = new_claim_uuid()
    token = kiosk.headers["authorization"]
    codes: list[int] = []
    acks: list[dict[str, Any]] = []
    barrier = threading.Barrier(8)

    def deliver() -> None:
        barrier.wait(timeout=10)
        r = httpx.put(f"{server.base_url}/api/v1/claims/{uuid}", json=claim,
                      headers={"Authorization": token}, timeout=30)
        codes.append(r.status_code)
        acks.append(r.json())

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(codes) == [200] * 7 + [201]
    assert all(a == acks[0] for a in acks)
    assert len(kiosk.get("/api/v1/status").json()["events"]) == 1


def _valid() -> dict[str, Any]:
    return sample_claim([sample_image("v")])


def _with(path: list[str | int], value: Any) -> dict[str, Any]:
    claim = _valid()
    node: Any = claim
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return claim


GARBAGE_JSON: list[Any] = [
    [],
    "a claim",
    None,
    {},
    _with(["documents"], []),
    _with(["documents"], "receipt.jpg"),
    _with(["documents", 0, "image_sha256"], "ABC"),
    _with(["documents", 0, "image_sha256"], "A" * 64),
    _with(["documents", 0, "doc_type"], "selfie"),
    _with(["documents", 0, "total"], "12.3"),
    _with(["documents", 0, "total"], 12.30),
    _with(["documents", 0, "items"], [{"name": "x"}]),
    _with(["documents", 0, "issue_date"], "17/05/2024"),
    _with(["resident", "id_number"], "12345"),
    _with(["resident", "name"], ""),
    _with(["resident"], "张秀英"),
    _with(["refund_estimate", "amount"], None),
    _with(["audit", 0, "severity"], "fatal"),
    _with(["created_at"], "yesterday"),
    _with(["unexpected_key"], 1),
    _with(["uuid"], "not-a-uuid"),
]


@pytest.mark.parametrize("body", GARBAGE_JSON)
def test_wrong_claim_json_is_a_422_never_a_500(kiosk: httpx.Client, body: Any) -> None:
    r = kiosk.put(f"/api/v1/claims/{new_claim_uuid()}", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["error"] in ("invalid_request", "uuid_mismatch")
    assert isinstance(r.json()["detail"], list | str)


@pytest.mark.parametrize("raw,ctype", [
    (b"not json at all", "application/json"),
    (b'{"resident": ', "application/json"),
    (b"\xff\xfe\x00garbage", "application/json"),
    (b"\xff\xfe\x00garbage", "application/octet-stream"),
    (b"[" * 100_000, "application/json"),
    (b'{"resident": {"name": "x"}}', "text/plain"),
    (b"", "application/json"),
    (b'{"a": 1e999999}', "application/json"),
])
def test_non_json_claim_bodies_are_refused_as_json(kiosk: httpx.Client, raw: bytes,
                                                   ctype: str) -> None:
    r = kiosk.put(f"/api/v1/claims/{new_claim_uuid()}", content=raw,
                  headers={"content-type": ctype})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert "error" in r.json()


def test_nul_characters_and_huge_bodies_are_refused(kiosk: httpx.Client) -> None:
    claim = _with(["resident", "name"], "张\u0000秀英")
    r = kiosk.put(f"/api/v1/claims/{new_claim_uuid()}", json=claim)
    assert r.status_code == 422
    huge = _with(["assistant"], "x" * 100)
    huge["documents"][0]["padding"] = "y" * (5 * 1024 * 1024)
    r = kiosk.put(f"/api/v1/claims/{new_claim_uuid()}", json=huge)
    assert r.status_code == 413 and r.json()["error"] == "too_large"

    def chunked() -> Iterator[bytes]:
        yield b'{"padding": "'
        for _ in range(5):
            yield b"z" * (1024 * 1024)
        yield b'"}'
    r = kiosk.put(f"/api/v1/claims/{new_claim_uuid()}", content=chunked(),
                  headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"] == "too_large"


@pytest.mark.parametrize("path", [
    "/api/v1/claims/not-a-uuid",
    "/api/v1/claims/00000000-0000-0000-0000-00000000000g",
    "/api/v1/status?cursor=-1",
    "/api/v1/status?cursor=abc",
    "/api/v1/status?cursor=99999999999999999999999999",
    "/api/v1/status?limit=0",
    "/api/v1/catalog?since=" + "v" * 100,
])
def test_bad_parameters_are_a_422(kiosk: httpx.Client, path: str) -> None:
    r = kiosk.get(path)
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "invalid_request"


def test_unknown_routes_and_methods_answer_json(kiosk: httpx.Client) -> None:
    r = kiosk.get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    r = kiosk.delete(f"/api/v1/claims/{new_claim_uuid()}")
    assert r.status_code == 405 and r.json()["error"] == "method_not_allowed"
