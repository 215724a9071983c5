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


def new_code(server: RunningServer) -> str:
    """A one-time enrolment code, as `county enrol-code` makes it."""
    from datetime import timedelta

    from county.auth import create_enrol_code

    db = server.database()
    try:
        return create_enrol_code(db, timedelta(minutes=5))[0]
    finally:
        db.dispose()


def enrol_kiosk(server: RunningServer, home: Path, name: str = "test kiosk") -> None:
    """`kiosk enrol` against the server, as a technician does it."""
    from kiosk.cli import main as kiosk_cli

    assert kiosk_cli(["--home", str(home), "enrol", "--server", server.base_url,
                      "--code", new_code(server), "--name", name]) == 0


def add_county_user(server: RunningServer, name: str, role: str, password: str) -> None:
    """A console user on the server's database, as `county add-user` makes one."""
    from county.users import add_user

    db = server.database()
    try:
        add_user(db, name, role, password)
    finally:
        db.dispose()
