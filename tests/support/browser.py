"""`browser`: Debian's headless Chromium driven by Playwright, for the county console's
end-to-end tests. Playwright's own browser download is never used: the tests run offline."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _launch() -> tuple[Any, Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (packaging/setup.sh installs it)")
    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    return pw, browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    pw, b = _launch()
    try:
        yield b
    finally:
        b.close()
        pw.stop()
