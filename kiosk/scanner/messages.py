"""Every capture problem: a stable code whose words are the catalogue's `capture` section.

The UI speaks the Chinese line aloud to elderly residents (short, one action each); the
words are in resources/messages (kiosk.core.messages). Codes are stable: the UI and the logs
key on them. `CODES` lists them all.
"""

from __future__ import annotations

from kiosk.core.plain import PlainError


class CaptureError(PlainError):
    """A capture that failed for a reason the person at the kiosk (or the assistant) can fix;
    `code` is one of `CODES`."""

    SECTION = "capture"
    KIND = "capture error"


CODES: tuple[str, ...] = CaptureError.codes()
"""Every capture problem code (the catalogue's `capture` section)."""
