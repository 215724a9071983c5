"""A small load check: 200 claims delivered the way a kiosk would, to 127.0.0.1 only.

Bounded in count (200 claims, 3 requests each, then one re-send of each) and in time (the
assertion below); it prints the rate so a slowdown shows up in the test log.
"""

from __future__ import annotations

import time
from pathlib import Path

from county.config import CountyConfig
from county.testing import new_claim_uuid, sample_claim, sample_image, serve_in_thread, sha256_hex

CLAIMS = 200


def test_200_claim_uploads(tmp_path: Path) -> None:
    with serve_in_thread(CountyConfig.build(tmp_path / "county")) as srv:
        assert srv.base_url.startswith("http://127.0.0.1:")
        _, token = srv.enrol("load kiosk")
        sent: list[tuple[str, dict[str, object]]] = []
        with srv.client(token) as c:
            started = time.perf_counter()
            for i in range(CLAIMS):
                data = sample_image(f"load-{i}")
                sha = sha256_hex(data)
                assert c.head(f"/api/v1/images/{sha}").status_code == 404
                assert c.put(f"/api/v1/images/{sha}", content=data).status_code == 201
                claim = sample_claim([data], amount=f"{i}.00")
                uuid = new_claim_uuid()
                r = c.put(f"/api/v1/claims/{uuid}", json=claim)
                assert r.status_code == 201, r.text
                sent.append((uuid, claim))
            elapsed = time.perf_counter() - started

            # Everything again, as after a kiosk crash: all answered 200, nothing duplicated.
            for uuid, claim in sent:
                assert c.put(f"/api/v1/claims/{uuid}", json=claim).status_code == 200

            seen: list[str] = []
            cursor = 0
            for _ in range(CLAIMS):  # bounded; one page is normally enough
                page = c.get("/api/v1/status", params={"cursor": cursor}).json()
                seen += [e["claim_uuid"] for e in page["events"]]
                cursor = page["next_cursor"]
                if not page["more"]:
                    break
        assert seen == [uuid for uuid, _ in sent]
        rate = CLAIMS / elapsed
        print(f"\n{CLAIMS} claims (HEAD + PUT image + PUT claim each) in {elapsed:.2f} s: "
              f"{rate:.0f} claims/s")
        assert elapsed < 120, f"{CLAIMS} claims took {elapsed:.1f} s"
