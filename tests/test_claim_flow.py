"""The claim flow without a window: where a resident's visit is and what comes next."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kiosk.claims.flow import SELF_SERVICE, ClaimFlow, Purpose, Step


@dataclass(frozen=True)
class Page:
    recognition: dict[str, Any]
    page: int | None = None


def read(flow: ClaimFlow, job: int, *numbers: str) -> Step:
    flow.reading(job, f"image-{job}".encode())
    return flow.pages_read(job, [Page({"invoice_number": n}) for n in numbers])


def numbers(flow: ClaimFlow) -> list[str]:
    return [r.recognition["invoice_number"] for r in flow.session.receipts]


def test_a_claim_goes_identify_capture_review_and_is_forgotten_once_filed() -> None:
    flow = ClaimFlow()
    filed: list[int] = []
    flow.filed.connect(filed.append)
    assert flow.begin(Purpose.CLAIM) is Step.IDENTIFY
    assert flow.identify("110101195001011234") is Step.CAPTURE
    assert not flow.waiting
    flow.reading(1, b"jpeg")
    assert flow.waiting
    assert flow.pages_read(1, [Page({"invoice_number": "A"})]) is Step.REVIEW
    assert (flow.at, numbers(flow), flow.session.receipts[0].image) == (0, ["A"], b"jpeg")
    assert not flow.waiting
    snap = flow.snapshot()
    assert snap.actor == SELF_SERVICE and snap.id_number == "110101195001011234"
    done = flow.claim_filed(7)
    assert filed == [7] and flow.step is Step.DONE
    assert numbers(flow) == [] and flow.session.id_number == "" and done.receipts
    assert not flow.is_current(snap)  # a late answer for the filed visit is dropped


def test_status_purpose_leads_to_the_claims_list() -> None:
    flow = ClaimFlow()
    flow.begin(Purpose.STATUS)
    assert flow.identify("110101195001011234") is Step.STATUS


def test_a_late_recognition_of_a_forgotten_visit_changes_nothing() -> None:
    flow = ClaimFlow()
    forgotten: list[object] = []
    flow.forgotten.connect(forgotten.append)
    flow.identify("110101195001011234")
    flow.reading(3, b"x")
    flow.forget()
    assert forgotten == [flow.session]
    assert flow.pages_read(3, [Page({"invoice_number": "late"})]) is Step.STAY
    assert numbers(flow) == []
    assert not flow.refused(3)


def test_a_retaken_receipt_goes_back_where_it_was_and_back_reviews_the_last() -> None:
    flow = ClaimFlow()
    read(flow, 1, "A")
    assert flow.add_another() is Step.CAPTURE
    read(flow, 2, "B", "C")  # a two-page PDF
    assert numbers(flow) == ["A", "B", "C"] and flow.at == 1
    assert flow.retake(1) is Step.CAPTURE
    assert numbers(flow) == ["A", "C"]
    assert flow.back_from_capture() is Step.REVIEW and flow.at == 1  # where B was
    flow.retake(0)
    assert read(flow, 4, "A2") is Step.REVIEW
    assert numbers(flow) == ["A2", "C"] and flow.at == 0


def test_skipping_pages_reviews_the_next_and_the_last_one_leads_back_to_capture() -> None:
    flow = ClaimFlow()
    read(flow, 1, "A", "B")
    assert flow.skip(5) is Step.STAY
    assert flow.skip(1) is Step.REVIEW and flow.at == 0 and numbers(flow) == ["A"]
    assert flow.skip(0) is Step.CAPTURE and numbers(flow) == []
    assert flow.back_from_capture() is Step.IDENTIFY


def test_only_a_signed_in_assistant_corrects_and_her_name_is_kept() -> None:
    flow = ClaimFlow()
    operators: list[str | None] = []
    flow.operator_changed.connect(operators.append)
    read(flow, 1, "A")
    assert not flow.correct(0, "hospital", "县医院")
    flow.sign_in("1001 王芳")
    assert flow.assisted and flow.actor == "1001 王芳"
    before = flow.snapshot()
    assert flow.correct(0, "hospital", "县医院")
    assert not flow.correct(3, "hospital", "x")
    corrections = flow.session.receipts[0].corrections
    assert [(c.field, c.value, c.actor) for c in corrections] == [
        ("hospital", "县医院", "1001 王芳")]
    assert flow.is_current(before) and not flow.is_current(before, same_receipts=True)
    flow.sign_out()
    flow.sign_out()  # once only
    assert operators == ["1001 王芳", None] and flow.actor == SELF_SERVICE
