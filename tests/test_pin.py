"""The technician PIN: never set by typing at the screen, weak PINs refused, `kiosk pin set`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kiosk.auth.pin import PinError, PinStore, weakness
from kiosk.cli import main as kiosk


@pytest.mark.parametrize("pin", ["111111", "123456", "987654", "890123", "121212", "12345",
                                 "1234567890123", "12a456", "４５６７８９"])
def test_weak_pins_are_refused(pin: str) -> None:
    assert weakness(pin) is not None


@pytest.mark.parametrize("pin", ["246810", "135790", "204817", "9317405"])
def test_ordinary_pins_are_accepted(pin: str) -> None:
    assert weakness(pin) is None


def test_a_fresh_machine_takes_no_pin_typed_at_the_screen(tmp_path: Path) -> None:
    pins = PinStore(tmp_path / "pin.json")
    result = pins.check("246810")
    assert not result.ok and result.not_set
    assert not pins.is_set and not (tmp_path / "pin.json").exists()


def test_the_first_pin_is_typed_twice_and_must_be_strong(tmp_path: Path) -> None:
    pins = PinStore(tmp_path / "pin.json")
    with pytest.raises(PinError) as weak:
        pins.set_first("123456", "123456")
    assert weak.value.code == "sequence"
    with pytest.raises(PinError) as differ:
        pins.set_first("246810", "246801")
    assert differ.value.code == "mismatch"
    assert not pins.is_set
    assert pins.set_first("246810", "246810").newly_set
    assert pins.check("246810").ok
    with pytest.raises(PinError) as again:
        pins.set_first("135790", "135790")  # nobody replaces it without the old PIN
    assert again.value.code == "already_set"


def test_change_needs_the_old_pin_and_a_wrong_one_counts_towards_the_lock(tmp_path: Path
                                                                          ) -> None:
    now = [0.0]
    pins = PinStore(tmp_path / "pin.json", attempts=2, lockout_s=60, clock=lambda: now[0])
    pins.set_pin("246810")
    assert pins.change("000000", "135790", "135790").attempts_left == 1
    assert pins.change("000000", "135790", "135790").locked_for_s == 60
    assert pins.change("246810", "135790", "135790").locked_for_s > 0  # locked, even right
    now[0] += 61
    assert pins.change("246810", "135790", "135790").ok
    assert pins.check("135790").ok and not pins.check("246810").ok


def test_pin_file_holds_a_salted_hash_and_the_lock_survives_a_restart(tmp_path: Path) -> None:
    now = [1000.0]
    path = tmp_path / "pin.json"
    pins = PinStore(path, attempts=2, lockout_s=60, clock=lambda: now[0])
    pins.set_first("135790", "135790")
    stored = path.read_text()
    assert "135790" not in stored
    assert set(json.loads(stored)) >= {"salt", "hash"}
    assert path.stat().st_mode & 0o077 == 0
    assert pins.check("000000").attempts_left == 1
    assert pins.check("000000").locked_for_s == 60
    again = PinStore(path, attempts=2, lockout_s=60, clock=lambda: now[0])
    assert again.check("135790").locked_for_s > 0
    now[0] += 61
    assert again.check("135790").ok


def test_kiosk_pin_set_from_stdin_and_status(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    assert kiosk(["--home", str(home), "pin", "status"]) == 1
    monkeypatch.setattr("sys.stdin", io.StringIO("123456\n123456\n"))
    assert kiosk(["--home", str(home), "pin", "set", "--stdin"]) == 1
    assert "too easy" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("246810\n246811\n"))
    assert kiosk(["--home", str(home), "pin", "set", "--stdin"]) == 1
    monkeypatch.setattr("sys.stdin", io.StringIO("246810\n"))
    assert kiosk(["--home", str(home), "pin", "set", "--stdin"]) == 0
    assert "set" in capsys.readouterr().out
    assert kiosk(["--home", str(home), "pin", "status"]) == 0
    assert PinStore(home / "technician_pin.json").check("246810").ok


def test_kiosk_pin_set_asks_twice_on_the_terminal(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["204817", "204817"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert kiosk(["--home", str(tmp_path), "pin", "set"]) == 0
    assert PinStore(tmp_path / "technician_pin.json").check("204817").ok
