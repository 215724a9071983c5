"""Errors the person at the kiosk can act on, told in plain words.

Each kind of refusal (a picture recognition cannot use, a capture that failed…) subclasses
`PlainError` and names its `SECTION` of the message catalogue (kiosk.core.messages): its
codes are that section's keys, its words are in resources/messages/<language>.toml. The code
is stable: the UI, the voice prompts and the logs key on it; `detail` is for the log only.
The exception itself holds no words: `words` is the catalogue code, rendered by the reader.
"""

from __future__ import annotations

from typing import ClassVar

from kiosk.core.messages import SOURCE, Text, catalogue


class PlainError(Exception):
    SECTION: ClassVar[str] = ""  # the catalogue section holding this kind's codes
    KIND: ClassVar[str] = "error"  # names the kind in the ValueError for an unknown code

    code: str
    detail: str

    def __init__(self, code: str, detail: str = "") -> None:
        if code not in self.codes():
            raise ValueError(f"unknown {self.KIND} code {code!r}")
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {self.words.render('en')}" + (f" ({detail})" if detail else ""))

    @classmethod
    def codes(cls) -> tuple[str, ...]:
        """This kind's codes, in the catalogue's order."""
        return catalogue().section(cls.SECTION)

    @classmethod
    def words_of(cls, code: str) -> Text:
        """The words of one of this kind's codes (KeyError for another)."""
        if code not in cls.codes():
            raise KeyError(code)
        return Text(f"{cls.SECTION}.{code}")

    @property
    def words(self) -> Text:
        return Text(f"{self.SECTION}.{self.code}")

    @property
    def message(self) -> str:
        """The words in the source language (the log's and the tests' reading)."""
        return self.words.render(SOURCE)
