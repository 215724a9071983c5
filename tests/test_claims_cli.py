"""`kiosk claims ...` end to end: a rendered receipt through the real OCR into the store and out.

Refusals are checked without OCR (they must happen before it starts); one slow test reads a
rendered e-invoice twice (create, then the duplicate), about 3 s per read.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from support.render import cjk_font_path, einvoice, save

from kiosk.cli import main

GOOD_ID = "11010519491231002X"


def run(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--home", str(home), "claims", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_an_invalid_id_number_is_refused_and_nothing_is_created(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image = tmp_path / "receipt.png"
    image.write_bytes(b"never looked at")
    code, out, err = run(capsys, tmp_path / "home", "create", "--resident-id",
                         "110105194912310021", "--name", "王秀英", str(image))
    assert code == 1 and out == ""
    assert "not a valid resident ID-card number" in err
    assert not (tmp_path / "home").exists()


def test_an_unreadable_image_is_refused_and_nothing_is_created(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "receipt.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 this JPEG stops here")
    code, out, err = run(capsys, tmp_path / "home", "create", "--resident-id", GOOD_ID,
                         "--name", "王秀英", str(bad))
    assert code == 1 and out == ""
    assert "receipt.jpg" in err and "refused" in err
    code, _, err = run(capsys, tmp_path / "home", "create", "--resident-id", GOOD_ID,
                       "--name", "王秀英", str(tmp_path / "missing.png"))
    assert code == 1 and "cannot read" in err
    assert not (tmp_path / "home").exists()


def test_show_and_export_of_a_claim_that_does_not_exist(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, tmp_path, "show", "7")
    assert code == 1 and "no claim 7" in err
    code, out, _ = run(capsys, tmp_path, "list", "--json")
    assert code == 0 and out == ""


@pytest.mark.slow
@pytest.mark.skipif(cjk_font_path() is None, reason="no CJK font to render receipts with "
                    "(packaging/setup.sh installs fonts-wqy-microhei)")
def test_create_list_show_export_and_a_refused_duplicate(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    img, truth = einvoice(31)
    scan = save(img, tmp_path / "scan.png")
    home = tmp_path / "home"

    code, out, err = run(capsys, home, "create", "--resident-id", GOOD_ID.lower(),
                         "--name", "王秀英", "--phone", "13912345678", str(scan))
    assert code == 0, err
    claim_id = int(out)

    code, out, _ = run(capsys, home, "list", "--json")
    (listed,) = [json.loads(line) for line in out.splitlines()]
    assert (listed["id"], listed["status"], listed["document_count"]) == (claim_id, "queued", 1)
    assert "王秀英" not in out  # the list shows no personal data

    code, out, _ = run(capsys, home, "show", str(claim_id), "--json")
    shown = json.loads(out)
    assert shown["resident"]["id_number"] == GOOD_ID
    # audited before it was confirmed: findings a reviewer can read, and the estimate
    assert all({"code", "severity", "message"} <= set(f) for f in shown["findings"])
    assert shown["refund_estimate"]["amount"] is not None
    # the audit is an event of its own, between creating and confirming
    assert [h["to_status"] for h in shown["history"]] == ["draft", None, "confirmed", "queued"]
    (doc,) = shown["documents"]
    assert doc["doc_type"] == "outpatient_invoice"
    assert doc["invoice_number"] == truth.fields["invoice_number"]
    assert doc["image_sha256"] == hashlib.sha256(scan.read_bytes()).hexdigest()
    code, text, _ = run(capsys, home, "show", str(claim_id))
    assert code == 0 and "王秀英" in text and "queued" in text

    code, out, _ = run(capsys, home, "export", str(claim_id), str(tmp_path / "out"))
    bundle = Path(out.strip())
    exported = json.loads((bundle / "claim.json").read_text(encoding="utf-8"))
    assert exported["documents"][0]["recognition"] == doc["recognition"]
    assert (bundle / exported["documents"][0]["image_file"]).read_bytes() == scan.read_bytes()

    code, out, err = run(capsys, home, "create", "--resident-id", GOOD_ID, "--name", "王秀英",
                         str(scan))
    assert code == 1 and out == ""
    assert f"claim {claim_id}" in err and "already in another claim" in err
    code, out, _ = run(capsys, home, "list", "--json")
    assert len(out.splitlines()) == 1
