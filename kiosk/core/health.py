"""The last self-test's result, `<home>/selftest.json`: written by `township-kiosk
--self-test` (kiosk.cli.selftest), read by the technician's screen and sent to the county with
the kiosk's heartbeat (kiosk.sync.heartbeat). Qt-free, and below every layer that reads it.

A check's reason is a message code and its parameters (`selftest.*` in the catalogue,
kiosk.core.messages), so the screen says it in the language in force. Each recorded check also
keeps the English words (`detail`): records written before the codes carry only those, and they
are what a reader shows for a code it does not know (an older version after a roll back).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kiosk.core import messages
from kiosk.core.durable import replace_file

log = logging.getLogger("kiosk.health")

RESULT_FILE = "selftest.json"


Param = str | int | float


@dataclass(frozen=True)
class Check:
    """One check's finding: `code` and `params` say why (the catalogue's words); `detail`
    is the same in English, for readers without the catalogue. A Check made with words only
    (no code) shows those words in every language."""

    name: str
    ok: bool
    detail: str = ""
    code: str = ""
    params: dict[str, Param] = field(default_factory=dict)


def finding(name: str, ok: bool, code: str, **params: Param) -> Check:
    """A check's finding by its code: `selftest.<code>` with `params`."""
    full = f"selftest.{code}"
    return Check(name, ok, messages.text(full, "en", **params), full, dict(params))


def reason(check: Mapping[str, Any], language: str) -> str:
    """A recorded check's reason in `language`: the catalogue's words for its code, or the
    recorded words when it has none (an older record) or the code is unknown here."""
    code, params = check.get("code"), check.get("params")
    detail = str(check.get("detail") or "")
    if isinstance(code, str) and code and isinstance(params, dict):
        try:
            return messages.text(code, language, **params)
        except (KeyError, ValueError, IndexError, TypeError) as exc:
            log.info("self-test reason %r not in this catalogue (%s); its recorded words "
                     "are shown", code, exc)
    return detail


def record(home: Path, checks: list[Check], now: float | None = None) -> dict[str, Any]:
    """Write `<home>/selftest.json` (what ⚙ shows) and return it."""
    result = {"at": time.time() if now is None else now,
              "ok": all(c.ok for c in checks),
              "checks": [asdict(c) for c in checks]}
    home.mkdir(parents=True, exist_ok=True)
    replace_file(home / RESULT_FILE,
                 json.dumps(result, ensure_ascii=False, indent=1).encode("utf-8"))
    return result


def last_result(home: Path) -> dict[str, Any] | None:
    """The last recorded self-test, or None when there is none (or it cannot be read)."""
    try:
        data = json.loads((home / RESULT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "checks" in data else None
