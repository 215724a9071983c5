"""The navigator: typed screen names, effects before screen_changed, one screen at a time."""

from __future__ import annotations

import pytest

from kiosk.ui.navigator import Navigator, ScreenName
from kiosk.ui.screens.base import Screen


class Remembers(Screen):
    def __init__(self) -> None:
        super().__init__()
        self.resets = 0

    def reset(self) -> None:
        self.resets += 1


def test_effects_run_before_listeners_and_names_are_checked(qapp, qtbot) -> None:
    nav = Navigator()
    start, review = Remembers(), Remembers()
    nav.add(ScreenName.START, start)
    nav.add(ScreenName.REVIEW, review)
    seen: list[str] = []
    nav.add_effect(lambda name: seen.append(f"effect {name}"))
    nav.screen_changed.connect(lambda name: seen.append(f"changed {name}"))
    with qtbot.waitSignal(nav.screen_changed, timeout=1000) as sig:
        nav.show("review")
    assert sig.args == ["review"] and nav.current() is ScreenName.REVIEW
    assert seen == ["effect review", "changed review"]
    with pytest.raises(ValueError):
        nav.show("no_such_screen")
    assert nav.current() is ScreenName.REVIEW  # a wrong name changes nothing
    nav.reset_all()
    assert (start.resets, review.resets) == (1, 1)
    nav.stack.deleteLater()
