"""The card-reader hook with real commands: prints a number, fails, hangs past the limit."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from kiosk.residents import id_check_digit
from kiosk.scanner.cardreader import CardReadError, read_card
from kiosk.store.samples import sample_id_number

NUMBER = sample_id_number(11)


def script(tmp_path: Path, body: str) -> str:
    """A reader command: this Python running a small script (no shell involved)."""
    path = tmp_path / "reader.py"
    path.write_text(body, encoding="utf-8")
    return f"{sys.executable} {path}"


def test_the_number_the_reader_prints_is_taken(tmp_path: Path) -> None:
    cmd = script(tmp_path, f"print('SAMV reader v2'); print('ID: {NUMBER.lower()}')\n")
    assert read_card(cmd, 5) == NUMBER


def test_no_card_is_a_plain_error(tmp_path: Path) -> None:
    cmd = script(tmp_path, "import sys\nprint('no card on the reader', file=sys.stderr)\n"
                           "sys.exit(2)\n")
    with pytest.raises(CardReadError) as info:
        read_card(cmd, 5)
    assert info.value.code == "no_card"
    assert "读卡器" in info.value.message and "exit status 2" in info.value.detail


def test_a_wrong_check_digit_is_refused(tmp_path: Path) -> None:
    bad = NUMBER[:17] + next(c for c in "0123456789" if c != id_check_digit(NUMBER[:17]))
    with pytest.raises(CardReadError) as info:
        read_card(script(tmp_path, f"print('{bad}')\n"), 5)
    assert info.value.code == "bad_number"


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper counts as gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def test_a_hung_reader_is_killed_at_the_time_limit_with_its_children(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    body = ("import subprocess, sys, time\n"
            "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
            f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
            "time.sleep(60)\n")
    t0 = time.monotonic()
    with pytest.raises(CardReadError) as info:
        read_card(script(tmp_path, body), 1)
    assert info.value.code == "timeout"
    assert time.monotonic() - t0 < 5
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 3  # SIGKILL is delivered asynchronously
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _alive(child)  # the wrapper's child went with it


@pytest.mark.parametrize("command", ["", "/no/such/reader --read", "unbalanced 'quote"])
def test_a_missing_reader_command_is_a_plain_error(command: str) -> None:
    with pytest.raises(CardReadError) as info:
        read_card(command, 5)
    assert info.value.code == "no_reader"


def test_the_command_runs_without_a_shell(tmp_path: Path) -> None:
    cmd = script(tmp_path, f"import sys\nprint(sys.argv[1:]); print('{NUMBER}')\n")
    assert read_card(cmd + " '$(touch pwned)' ;", 5) == NUMBER
    assert not Path("pwned").exists()
