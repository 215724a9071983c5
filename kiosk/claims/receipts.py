"""A captured receipt and the corrections people made to it. Qt-free."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Correction:
    """One field changed by hand on the review screen, and who changed it.

    `field` is a key of the receipt JSON (`hospital`, `issue_date`, `total`, `payer_name`,
    `items`); `value` is already normalised as the receipt-json contract wants it.
    """

    field: str
    value: Any
    actor: str


@dataclass(frozen=True)
class Receipt:
    """One captured page: what recognition read from it and what people corrected since.

    `recognition` is the engine's answer and is never changed: the store keeps it as the
    original and replays `corrections` onto it. `page` is the page of a multi-page document
    it came from (None for a photo); the receipt JSON contract has no key for it.
    """

    image: bytes
    recognition: dict[str, Any]
    page: int | None = None
    corrections: tuple[Correction, ...] = ()

    @property
    def current(self) -> dict[str, Any]:
        """The receipt JSON with every correction applied (what the audit reads)."""
        doc = dict(self.recognition)
        for c in self.corrections:
            doc[c.field] = c.value
        return doc

    @property
    def corrected_fields(self) -> frozenset[str]:
        return frozenset(c.field for c in self.corrections)

    def corrected(self, name: str, value: Any, actor: str) -> Receipt:
        """A copy with one more correction (a value equal to the current one is kept too:
        the assistant confirmed it)."""
        return replace(self, corrections=(*self.corrections, Correction(name, value, actor)))
