"""The frozen app's entry point (packaging/kiosk_entry.py), run the way the build runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ENTRY = Path(__file__).resolve().parents[1] / "packaging" / "kiosk_entry.py"


def _entry(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ENTRY), *args], capture_output=True, text=True,
                          timeout=60, check=False)


def test_the_entry_point_is_the_kiosk_command() -> None:
    proc = _entry("--help")
    assert proc.returncode == 0 and "--self-test" in proc.stdout


def test_only_the_pdf_renderer_may_be_run_as_a_child_module() -> None:
    refused = _entry("-m", "http.server")
    assert refused.returncode == 2 and "not a module this build runs" in refused.stderr
    worker = _entry("-m", "kiosk.scanner.pdfworker", "--help")
    assert worker.returncode == 0 and "usage: kiosk.scanner.pdfworker" in worker.stdout
