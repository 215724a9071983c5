"""Errors the person at the kiosk can act on, told in plain words.

Each kind of refusal (a picture recognition cannot use, a capture that failed…) subclasses
`PlainError` with its own table of codes → (plain Chinese for the screen, English). The code
is stable: the UI, the voice prompts and the logs key on it; `detail` is for the log only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar


class PlainError(Exception):
    MESSAGES: ClassVar[Mapping[str, tuple[str, str]]] = {}
    KIND: ClassVar[str] = "error"  # names the table in the ValueError for an unknown code

    code: str
    message: str
    message_en: str
    detail: str

    def __init__(self, code: str, detail: str = "") -> None:
        if code not in self.MESSAGES:
            raise ValueError(f"unknown {self.KIND} code {code!r}")
        self.code = code
        self.message, self.message_en = self.MESSAGES[code]
        self.detail = detail
        super().__init__(f"{code}: {self.message_en}" + (f" ({detail})" if detail else ""))
