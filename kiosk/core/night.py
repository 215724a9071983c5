"""The screen's night: the opening hours, and the panel's backlight. Qt-free.

During the opening hours (`[ui] open_hours`, e.g. "07:00-20:00", local time) the screen stays
lit. Outside them the app darkens the idle start screen (`kiosk.ui.idle.NightScreen`): the
backlight off through sysfs where the panel has one, and always a black cover that takes the
waking touch. The backlight's `brightness` file is made writable for the `video` group (the
kiosk user is in it) by the package's udev rule.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path

log = logging.getLogger("kiosk.night")

SYSFS_BACKLIGHT = Path("/sys/class/backlight")
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class OpeningHours:
    """From `opens` (included) to `closes` (excluded); a range past midnight
    ("22:00-06:00") is open overnight."""

    opens: time
    closes: time

    @classmethod
    def parse(cls, text: str) -> OpeningHours:
        """"07:00-20:00" → OpeningHours; ValueError says what is wrong, in a technician's
        words (the config names the key before it)."""
        m = _HOURS.match(text)
        if not m:
            raise ValueError(f"{text!r} is not opening hours like \"07:00-20:00\"")
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        for h, mi in ((h1, m1), (h2, m2)):
            if h > 23 or mi > 59:
                raise ValueError(f"{text!r}: {h:02d}:{mi:02d} is not a time of day "
                                 "(00:00 to 23:59)")
        if (h1, m1) == (h2, m2):
            raise ValueError(f"{text!r} opens and closes at the same time (to keep the "
                             "screen lit all night set dark_at_night = false)")
        return cls(time(h1, m1), time(h2, m2))

    def is_open(self, at: time) -> bool:
        at = at.replace(second=0, microsecond=0, tzinfo=None)
        if self.opens < self.closes:
            return self.opens <= at < self.closes
        return at >= self.opens or at < self.closes

    def __str__(self) -> str:
        return f"{self.opens:%H:%M}-{self.closes:%H:%M}"


@dataclass
class Backlight:
    """Every backlight below `root` (sysfs: one folder per panel with `brightness` and
    `max_brightness`). `off` remembers each panel's brightness, `on` gives it back (the
    maximum when nothing was remembered). A panel that cannot be written is logged once and
    left as it is: the black cover still darkens the screen."""

    root: Path = SYSFS_BACKLIGHT
    _saved: dict[Path, int] = field(default_factory=dict)
    _warned: set[Path] = field(default_factory=set)

    def panels(self) -> list[Path]:
        try:
            return sorted(p for p in self.root.iterdir() if (p / "brightness").exists())
        except OSError:
            return []

    def off(self) -> bool:
        """Darken every panel; True when at least one went dark."""
        dark = False
        for panel in self.panels():
            try:
                now = int((panel / "brightness").read_text().strip() or 0)
                if now > 0:
                    self._saved[panel] = now
                (panel / "brightness").write_text("0\n")
                dark = True
            except (OSError, ValueError) as exc:
                self._cannot(panel, exc)
        return dark

    def on(self) -> None:
        for panel in self.panels():
            try:
                level = self._saved.pop(panel, None)
                if level is None:
                    level = int((panel / "max_brightness").read_text().strip())
                (panel / "brightness").write_text(f"{level}\n")
            except (OSError, ValueError) as exc:
                self._cannot(panel, exc)

    def _cannot(self, panel: Path, exc: Exception) -> None:
        if panel not in self._warned:
            self._warned.add(panel)
            log.warning("cannot set the backlight %s (%s); the black cover darkens the "
                        "screen instead", panel, exc)
