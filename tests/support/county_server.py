"""`server`: a real county server on 127.0.0.1 with a fresh database in tmp_path, per test.

Modules that share one server across their tests (enrolling a kiosk per test) define their
own module-scoped `server`, which takes precedence over this one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from county.config import CountyConfig
from county.testing import RunningServer, serve_in_thread


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with serve_in_thread(CountyConfig.build(tmp_path / "county")) as srv:
        yield srv
