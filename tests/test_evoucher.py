"""What a QR code at the resident screen means: e-voucher payloads, the slip's own code."""

from __future__ import annotations

import json

import pytest

from kiosk.core.messages import text
from kiosk.residents import id_check_digit
from kiosk.residents.evoucher import read_payload, slip_payload
from kiosk.store.samples import sample_id_number

GOOD = sample_id_number(7)
BAD = GOOD[:17] + next(c for c in "0123456789" if c != id_check_digit(GOOD[:17]))


@pytest.mark.parametrize("payload", [
    GOOD,
    GOOD.lower() if GOOD.endswith("X") else GOOD,
    json.dumps({"idNo": GOOD, "userName": "王秀芳", "idType": "01"}, ensure_ascii=False),
    json.dumps({"code": 0, "data": {"idNo": GOOD, "userName": "王秀芳"}}, ensure_ascii=False),
    f"https://example.gov.cn/ec?psn_cert_no={GOOD}&name=x",
    f"姓名:王秀芳;身份证号:{GOOD}",
    f"certNo={GOOD}&insuplc=511324",
    f"王秀芳|{GOOD}|511324",
])
def test_payloads_carrying_the_id_number_give_it(payload: str) -> None:
    result = read_payload(payload)
    assert (result.kind, result.value) == ("id", GOOD)


@pytest.mark.parametrize("payload", [
    BAD,
    json.dumps({"idNo": BAD}),
    f"sfzh={BAD}",
    json.dumps({"idNo": "12345"}),
])
def test_an_id_number_with_a_wrong_check_digit_is_refused(payload: str) -> None:
    result = read_payload(payload)
    assert result.kind == "bad_id" and result.value == ""
    assert "身份证号码" in text(result.code)


@pytest.mark.parametrize("payload", [
    "A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6E7F8A9B0C1D2",  # a bare online token
    "88e1f0c6a09c4c7fb6d2f3b7e1c0f9a2.0001",
    "1234567890123456789012345",
])
def test_a_bare_token_needs_the_network_and_says_to_type_the_number(payload: str) -> None:
    result = read_payload(payload)
    assert result.kind == "token"
    assert "联网" in text(result.code) and "输入身份证号码" in text(result.code)
    assert "type the ID number" in text(result.code, "en")


def test_the_slips_own_code_names_the_claim() -> None:
    uid = "0f" * 16
    result = read_payload(slip_payload(uid))
    assert (result.kind, result.value) == ("claim", uid)
    assert read_payload("KIOSK-CLAIM:not-a-uid").kind == "unknown"


@pytest.mark.parametrize("payload", ["", "hello", "https://example.com/menu", "01,04,1234"])
def test_other_codes_are_not_insurance_codes(payload: str) -> None:
    result = read_payload(payload)
    assert result.kind == "unknown" and text(result.code)


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_an_id_number_is_ascii_and_full_width_input_is_folded_to_it() -> None:
    from kiosk.residents import Resident, valid_id_number

    wide = _full_width(GOOD)
    arabic_indic = "".join(chr(0x660 + int(c)) if c.isdigit() else c for c in GOOD)
    # both are `\d` to Python; the county takes only ASCII digits
    assert not valid_id_number(wide) and not valid_id_number(arabic_indic)
    resident = Resident("王秀芳", wide, phone=_full_width("138 0000 0000"))
    resident.validate()
    assert (resident.id_number, resident.phone) == (GOOD, "138 0000 0000")
    assert (read_payload(f"身份证号：{wide}").kind, read_payload(wide).value) == ("id", GOOD)
    assert read_payload(arabic_indic).kind == "unknown"
