"""The assistants' book: accounts with hashed PINs, a lockout that survives a restart, the CLI."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest

from kiosk.auth.assistants import AssistantBook, AssistantError
from kiosk.cli import main as kiosk


def test_an_assistant_signs_in_with_their_pin_and_nobody_else_does(tmp_path: Path) -> None:
    book = AssistantBook(tmp_path)
    who = book.add("1024", "  王  小芳 ", "246810")
    assert (who.code, who.name, who.actor) == ("1024", "王 小芳", "1024 王 小芳")
    assert book.list() == [who]
    ok = book.check("1024", "246810")
    assert ok.ok and ok.assistant == who
    wrong = book.check("1024", "111111")
    assert not wrong.ok and wrong.attempts_left == 4 and wrong.assistant == who
    nobody = book.check("9999", "246810")
    assert not nobody.ok and nobody.unknown and nobody.assistant is None
    for path in (tmp_path / "assistants").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        assert "246810" not in path.read_text(encoding="utf-8")


def test_a_lockout_is_per_assistant_and_survives_a_restart(tmp_path: Path) -> None:
    book = AssistantBook(tmp_path, attempts=3, lockout_s=600)
    book.add("7", "李明", "135790")
    book.add("8", "赵兰", "864200")
    results = [book.check("7", "000000") for _ in range(3)]
    assert [r.attempts_left for r in results[:2]] == [2, 1]
    assert results[2].locked_for_s == 600
    again = AssistantBook(tmp_path, attempts=3, lockout_s=600)  # the kiosk restarted
    locked = again.check("7", "135790")
    assert not locked.ok and 0 < locked.locked_for_s <= 600
    assert again.check("8", "864200").ok  # her colleague is not locked out


def test_removed_assistants_cannot_sign_in_and_a_lost_pin_file_is_no_way_in(
        tmp_path: Path) -> None:
    book = AssistantBook(tmp_path)
    book.add("31", "周强", "314159")
    book.add("32", "吴丽", "271828")
    assert book.remove("31") and not book.remove("31")
    assert [a.code for a in book.list()] == ["32"]
    assert book.check("31", "314159").unknown
    # a PinStore with no hash would take the first PIN typed as the new one: not here
    (tmp_path / "assistants" / "32.json").unlink()
    assert book.check("32", "999999").unknown
    assert book.check("32", "271828").unknown


@pytest.mark.parametrize(("code", "name", "pin"), [
    ("12a", "张三", "123456"), ("", "张三", "123456"), ("12", " ", "123456"),
    ("12", "张三", "1234"), ("12", "张三", "12345x")])
def test_bad_accounts_are_refused(tmp_path: Path, code: str, name: str, pin: str) -> None:
    with pytest.raises(AssistantError):
        AssistantBook(tmp_path).add(code, name, pin)


def test_the_cli_adds_lists_and_removes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    home = str(tmp_path / "home")
    monkeypatch.setattr("sys.stdin", io.StringIO("555666\n"))
    assert kiosk(["--home", home, "assistant", "add", "4096", "陈静", "--pin-stdin"]) == 0
    assert kiosk(["--home", home, "assistant", "list"]) == 0
    assert "4096\t陈静" in capsys.readouterr().out
    assert AssistantBook(tmp_path / "home").check("4096", "555666").ok
    monkeypatch.setattr("sys.stdin", io.StringIO("12\n"))
    assert kiosk(["--home", home, "assistant", "add", "4097", "刘洋", "--pin-stdin"]) == 1
    assert "at least 6 digits" in capsys.readouterr().err
    assert kiosk(["--home", home, "assistant", "remove", "4096"]) == 0
    assert kiosk(["--home", home, "assistant", "remove", "4096"]) == 1
    assert AssistantBook(tmp_path / "home").list() == []


def test_todays_list_is_this_assistants_claims_of_today_masked(tmp_path: Path) -> None:
    from kiosk.auth.assistants import todays_claims
    from kiosk.residents import mask_name
    from kiosk.store import ClaimStore, NewDocument
    from kiosk.store.samples import sample_recognition, sample_resident

    assert [mask_name(n) for n in ("王小芳", "王芳", "欧阳小明", "王", "（未识别姓名）")] == [
        "王*芳", "王*", "欧**明", "王", "（未识别姓名）"]
    with ClaimStore(tmp_path) as store:
        ids = [store.create_claim(sample_resident(seed), [NewDocument(
            sample_recognition(seed), b"\xff\xd8 receipt %d" % seed)], assistant=who)
            for seed, who in ((1, "7 李明"), (2, "8 赵兰"), (3, "7 李明"))]
        rows = todays_claims(store, "7 李明")
        assert [r.id for r in rows] == [ids[2], ids[0]]
        resident = sample_resident(3)
        assert rows[0].resident == mask_name(resident.name) != resident.name
        assert rows[0].id_tail == resident.id_number[-4:] and rows[0].receipts == 1
        tomorrow = rows[0].created_at + 86400
        assert todays_claims(store, "7 李明", now=tomorrow) == []
