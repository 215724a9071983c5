"""A full disk and damaged images, as the technician's `kiosk claims` commands meet them.

The full disk is real: a small tmpfs (needs root, or the test is skipped saying so) filled
to the last byte. Images are damaged on disk by deleting one and flipping a byte of another.
"""

from __future__ import annotations

import contextlib
import io
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from kiosk.cli import main as kiosk_cli
from kiosk.store import ClaimStore, NewDocument
from kiosk.store.crypto import SealedValueDamaged
from kiosk.store.samples import sample_recognition, sample_resident


@contextlib.contextmanager
def full_disk(path: Path, size: str = "3m") -> Iterator[Path]:
    path.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs",
                           str(path)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill up for real ({done.stderr.strip()}); "
                    "run the tests as root to include this check")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill_up(folder: Path) -> None:
    for name in ("filler", "filler-small"):
        fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * (4096 if name == "filler" else 1))
        finally:
            os.close(fd)


def claims(home: Path, count: int) -> list[int]:
    with ClaimStore(home) as store:
        return [store.create_claim(sample_resident(seed), [NewDocument(
            sample_recognition(seed), b"\xff\xd8\xff" + os.urandom(20_000))], assistant="a")
            for seed in range(count)]


def receipt_png(path: Path) -> Path:
    buf = io.BytesIO()
    Image.new("RGB", (600, 400), "white").save(buf, "PNG")
    path.write_bytes(buf.getvalue())
    return path


def test_list_and_show_work_read_only_on_a_full_disk_and_create_stops_before_the_ocr(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image = receipt_png(tmp_path / "receipt.png")
    with full_disk(tmp_path / "disk") as disk:
        home = disk / "home"
        ids = claims(home, 3)
        fill_up(disk)
        capsys.readouterr()
        assert kiosk_cli(["--home", str(home), "claims", "list"]) == 0
        out = capsys.readouterr()
        assert [int(line.split()[0]) for line in out.out.splitlines()] == sorted(ids,
                                                                               reverse=True)
        assert kiosk_cli(["--home", str(home), "claims", "show", str(ids[0])]) == 0
        assert sample_resident(0).name in capsys.readouterr().out
        assert kiosk_cli(["--home", str(home), "claims", "create", "--resident-id",
                          sample_resident(9).id_number, "--name", "张三", str(image)]) == 4
        err = capsys.readouterr().err
        assert "MB free" in err and "Nothing was recognised or stored" in err
        assert "Traceback" not in err


def test_list_and_show_flag_missing_and_damaged_images_naming_claim_and_image(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ok, gone, flipped = claims(tmp_path, 3)
    with ClaimStore(tmp_path) as store:
        sha_gone = store.get_claim(gone).documents[0].image_sha256
        sha_flip = store.get_claim(flipped).documents[0].image_sha256
    assert sha_gone and sha_flip
    (tmp_path / "images" / sha_gone).unlink()
    path = tmp_path / "images" / sha_flip
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    capsys.readouterr()
    assert kiosk_cli(["--home", str(tmp_path), "claims", "list"]) == 0
    out = capsys.readouterr()
    rows = {int(line.split()[0]): line for line in out.out.splitlines()}
    assert rows[gone].endswith("IMAGE MISSING")
    assert rows[flipped].endswith("IMAGE DAMAGED")
    assert "IMAGE" not in rows[ok]
    assert f"claim {gone}, document 1: image {sha_gone[:12]}… is missing" in out.err
    assert f"claim {flipped}, document 1: image {sha_flip[:12]}… is damaged" in out.err
    assert kiosk_cli(["--home", str(tmp_path), "claims", "show", str(flipped)]) == 0
    out = capsys.readouterr()
    assert "IMAGE DAMAGED" in out.out and sha_flip[:12] in out.err


def test_an_altered_sealed_value_names_what_it_belongs_to(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (cid,) = claims(tmp_path, 1)
    raw = sqlite3.connect(tmp_path / "claims.sqlite3")
    with raw:
        (sealed,) = raw.execute("SELECT name_sealed FROM claims WHERE id = ?", (cid,)).fetchone()
        altered = bytearray(sealed)
        altered[-1] ^= 0x01
        raw.execute("UPDATE claims SET name_sealed = ? WHERE id = ?", (bytes(altered), cid))
    raw.close()
    with ClaimStore(tmp_path) as store, pytest.raises(SealedValueDamaged) as caught:
        store.get_claim(cid)
    assert caught.value.what == f"the resident's name in claim {cid}"
    capsys.readouterr()
    assert kiosk_cli(["--home", str(tmp_path), "claims", "show", str(cid)]) == 4
    assert f"the resident's name in claim {cid} does not open" in capsys.readouterr().err


def test_list_on_a_kiosk_without_claims_creates_nothing(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    assert kiosk_cli(["--home", str(tmp_path), "claims", "list"]) == 0
    assert capsys.readouterr().out == ""
    assert not (tmp_path / "claims.sqlite3").exists()
