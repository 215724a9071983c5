"""The review console end to end, in a real headless Chromium against a real county server
on 127.0.0.1 and a real kiosk: enrolment and delivery, 初审 with one line returned, the
four-eyes refusal, 复审 approval reaching the kiosk, CSRF, session expiry and escaping.

The screenshots of the queue, the claim page and the summary go to a temporary folder, or to
docs/screenshots/county/ when asked:

    COUNTY_SCREENSHOTS=docs/screenshots/county pytest tests/test_county_console_e2e.py
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.browser import browser as browser  # the fixture
from support.county_server import enrol_kiosk
from support.imagegen import encode, render_receipt

from county.config import CountyConfig
from county.testing import RunningServer, new_claim_uuid, serve_in_thread, sha256_hex
from county.users import add_user, expire_sessions_of
from kiosk.audit import Insured, Policy, audit_claim
from kiosk.catalog import Catalog
from kiosk.cli import main as kiosk
from kiosk.core.health import Check, record
from kiosk.store import ClaimStore, NewDocument, Status
from kiosk.store.samples import sample_recognition, sample_resident

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with serve_in_thread(CountyConfig.build(tmp_path_factory.mktemp("county"))) as srv:
        db = srv.database()
        try:
            add_user(db, "reviewer_a", "first_reviewer", PASSWORD)
            add_user(db, "reviewer_b", "second_reviewer", PASSWORD)
            add_user(db, "supervisor", "supervisor", PASSWORD)
        finally:
            db.dispose()
        yield srv


def sign_in(browser: Any, server: RunningServer, name: str) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server.base_url}/review/")
    assert "/review/login" in page.url  # signed out, the console shows its sign-in form
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/review/(queue|summary).*"))
    return page


def deliver_from_kiosk(server: RunningServer, home: Path) -> tuple[int, int]:
    """A kiosk enrols, files one claim of two receipts and delivers it; its kiosk and server
    ids."""
    enrol_kiosk(server, home, name="城关镇便民服务中心")
    recognition = [sample_recognition(4100 + i) for i in range(2)]
    recognition[0]["confidence"] = {"total": 0.55, "invoice_number": 0.97}
    docs = [NewDocument(r, encode(render_receipt(seed=i).image)) for i, r in
            enumerate(recognition)]
    # the kiosk's last self-test found no camera: its heartbeat tells the county
    record(home, [Check("engine", True, "rapidocr ready"),
                  Check("camera", False, "no camera found at /dev/video*")])
    with ClaimStore(home) as store:
        cid = store.create_claim(sample_resident(41), docs, assistant="李协理")
        # the kiosk's own audit and refund estimate, as the review screen files them
        catalog = Catalog.open(home)
        try:
            audit = audit_claim([d.recognition for d in docs], Insured(sample_resident(41)),
                                catalog, Policy.example_county()).as_json()
        finally:
            catalog.close()
        store.set_audit(cid, list(audit["findings"]), audit["refund_estimate"], actor="李协理")
        first = store.get_claim(cid).documents[0]
        store.correct_field(cid, first.id, "hospital", "城关镇中心卫生院", actor="李协理")
        store.confirm(cid, actor="t")
        store.queue(cid, actor="t")
    assert kiosk(["--home", str(home), "sync", "--once"]) == 0
    with ClaimStore(home) as store:
        claim = store.get_claim(cid)
        assert claim.status is Status.ACCEPTED and claim.county_ref
        return cid, int(claim.county_ref)


def test_two_reviewers_decide_a_kiosk_claim_in_the_browser(
        server: RunningServer, browser: Any, tmp_path: Path) -> None:
    home = tmp_path / "kiosk"
    kiosk_id, claim_id = deliver_from_kiosk(server, home)
    url = f"{server.base_url}/review/claims/{claim_id}"

    a = sign_in(browser, server, "reviewer_a")
    a.goto(f"{server.base_url}/review/queue?status=accepted")
    a.click(f"a[href='/review/claims/{claim_id}']")
    a.wait_for_url(url)
    # the receipt image is there, served to this signed-in reviewer, beside low-confidence fields
    assert a.evaluate("document.querySelector('.viewer img').naturalWidth") > 0
    assert a.locator("tr.low").count() >= 1
    # the kiosk's findings with their explanations and its estimate step by step
    assert "与参保人" in a.inner_text("body")
    estimate = a.locator("section.estimate")
    assert "报销估算" in estimate.inner_text() and estimate.locator("li").count() >= 3
    a.click("#doc0 [data-act=rotate]")
    assert "rotate(90deg)" in (a.get_attribute("#doc0 .viewer img", "style") or "")

    # 初审: return the second line of the first receipt, then pass the claim on
    line = a.locator("#line-0-1 form.return-line")
    line.locator("select[name=reason]").select_option("not_covered")
    line.locator("button").click()
    a.wait_for_url(url)
    assert "已退回" in a.inner_text("#line-0-1")
    a.check("form.first-review input[value=pass]")
    a.click("form.first-review button[type=submit]")
    a.wait_for_url(url)
    assert a.inner_text("h1 .status") == "待复审"

    # A cannot do the 复审: no form in the page, and a crafted post is refused by the server
    assert a.locator("form.second-review").count() == 0
    assert "someone else must do the 复审" in a.inner_text(".notice")
    csrf = a.get_attribute("form.who input[name=csrf]", "value")
    refused = a.request.post(f"{url}/second-review", form={
        "csrf": csrf, "outcome": "approve", "amount": "1.00"})
    assert refused.status == 403 and "初审" in refused.text()
    assert a.inner_text("h1 .status") == "待复审"

    # B approves; the kiosk's next sync says so, with the line that was not reimbursed
    b = sign_in(browser, server, "reviewer_b")
    b.goto(url)
    b.fill("form.second-review input[name=amount]", "88.50")
    b.click("form.second-review button[type=submit]")
    b.wait_for_url(url)
    assert b.inner_text("h1 .status") == "已核准"
    history = b.inner_text("section.history")
    assert "reviewer_a" in history and "reviewer_b" in history
    # the assistant's correction on the kiosk, with who made it
    fixes = b.inner_text("#doc0 table.kiosk-corrections")
    assert "城关镇中心卫生院" in fixes and "李协理" in fixes
    assert kiosk(["--home", str(home), "sync", "--once"]) == 0
    with ClaimStore(home) as store:
        claim = store.get_claim(kiosk_id)
        assert claim.status is Status.APPROVED
        assert [e.actor for e in claim.events if e.to_status is Status.APPROVED] == ["county"]

    shots = Path(os.environ.get("COUNTY_SCREENSHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    b.goto(url)
    b.screenshot(path=str(shots / "claim.png"), full_page=True)
    for seed, name in ((31, "张桂兰"), (32, "欧阳明"), (33, "李建国")):
        deliver_hostile_claim(server, name, seed)
    b.goto(f"{server.base_url}/review/queue")
    assert b.locator("table.queue tbody tr").count() >= 4
    b.screenshot(path=str(shots / "queue.png"), full_page=True)
    s = sign_in(browser, server, "supervisor")
    s.goto(f"{server.base_url}/review/summary")
    assert "城关镇便民服务中心" in s.inner_text("table.summary")
    s.screenshot(path=str(shots / "summary.png"), full_page=True)
    s.goto(f"{server.base_url}/review/kiosks")
    health = s.inner_text("table.kiosks td.health")
    assert "自检失败" in health and "camera" in health and "engine" not in health
    s.screenshot(path=str(shots / "kiosks.png"), full_page=True)
    assert all((shots / f"{n}.png").stat().st_size > 10_000
               for n in ("claim", "queue", "summary"))


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(
        server: RunningServer, browser: Any, tmp_path: Path) -> None:
    claim_id = deliver_hostile_claim(server, "王秀英", seed=7)
    page = sign_in(browser, server, "reviewer_a")
    url = f"{server.base_url}/review/claims/{claim_id}"
    page.goto(url)
    page.evaluate("document.querySelector('form.first-review input[name=csrf]').remove()")
    page.click("form.first-review button[type=submit]")
    assert "CSRF" in page.inner_text("main")
    page.goto(url)
    assert page.inner_text("h1 .status") == "待初审"


def test_an_expired_session_goes_to_the_sign_in_page(
        server: RunningServer, browser: Any) -> None:
    page = sign_in(browser, server, "supervisor")
    page.goto(f"{server.base_url}/review/queue?status=approved")
    db = server.database()
    try:
        expire_sessions_of(db, "supervisor")
    finally:
        db.dispose()
    page.goto(f"{server.base_url}/review/queue?status=approved")
    assert "/review/login" in page.url and "next=" in page.url
    assert page.locator("input[name=password]").count() == 1


def deliver_hostile_claim(server: RunningServer, name: str, seed: int) -> int:
    """A claim as a (compromised) kiosk might send it straight to the API."""
    from county.testing import sample_claim

    _device, token = server.enrol(f"终端 {seed}")
    image = encode(render_receipt(seed=seed).image)
    claim = sample_claim([image], resident=name)
    claim["documents"][0]["invoice_number"] = f"9{seed:07d}"
    with server.client(token) as c:
        assert c.put(f"/api/v1/images/{sha256_hex(image)}", content=image).status_code == 201
        r = c.put(f"/api/v1/claims/{new_claim_uuid()}", json=claim)
        assert r.status_code == 201, r.text
        return int(r.json()["server_id"])


def test_a_script_in_a_name_shows_as_text(server: RunningServer, browser: Any) -> None:
    name = "<script>document.title='owned'</script>\u202e王秀英"
    claim_id = deliver_hostile_claim(server, name, seed=8)
    page = sign_in(browser, server, "reviewer_a")
    alerts: list[str] = []
    page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
    page.goto(f"{server.base_url}/review/claims/{claim_id}")
    assert page.inner_text(".resident-name bdi") == name
    assert page.title() != "owned" and not alerts
    page.goto(f"{server.base_url}/review/queue?q={httpx.QueryParams({'q': '王秀英'})['q']}")
    assert page.locator(f"a[href='/review/claims/{claim_id}']").count() == 1
    assert page.title() != "owned"
