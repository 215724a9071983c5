"""A factory fixture for the touchscreen app: real store in tmp_path, windows checked for leaks.

Background OCR stays off unless a test asks for it (`ocr=True`), like napari's
`make_napari_viewer`; every kiosk built is closed at teardown, and a window still visible
afterwards fails the test.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from kiosk.app import Kiosk, compose
from kiosk.core.config import CameraSettings, load_settings
from kiosk.store.samples import sample_id_number
from support.render import einvoice


def receipt_jpeg(seed: int) -> bytes:
    img, _ = einvoice(seed)
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=90)
    return buf.getvalue()


class FixedReader:
    """A recognizer that 'reads' given receipt JSONs in turn: for flows not about OCR."""

    def __init__(self, *recognitions: dict[str, Any]) -> None:
        self.recognitions = list(recognitions)
        self.calls = 0

    def load(self) -> None:
        pass

    def recognize_bytes(self, data: bytes, name: str) -> dict[str, Any]:
        rec = self.recognitions[min(self.calls, len(self.recognitions) - 1)]
        self.calls += 1
        return dict(rec, image=name)


class _NoOcr:
    """Stands in for the recognizer in tests that never read a receipt."""

    def load(self) -> None:
        pass

    def recognize_bytes(self, data: bytes, name: str) -> dict[str, Any]:
        raise AssertionError("this test did not ask for OCR")


@pytest.fixture
def make_kiosk(qapp: QApplication, tmp_path: Path) -> Iterator[Callable[..., Kiosk]]:
    built: list[Kiosk] = []

    def make(*, ocr: bool = False, idle_ms: tuple[int, int] = (600_000, 600_000),
             sample_seed: int | None = None, recognizer: Callable[[], Any] | None = None,
             camera: CameraSettings | None = None, first_start: bool = False,
             **ui: Any) -> Kiosk:
        settings = load_settings(tmp_path / "home")
        ui.setdefault("dark_at_night", False)  # a test at night is not darkened (test_ui_night)
        if ui:
            settings = replace(settings, ui=replace(settings.ui, **ui))
        sample = None
        if sample_seed is not None:
            data = receipt_jpeg(sample_seed)
            sample = lambda: (data, f"receipt-{sample_seed}.jpg")  # noqa: E731
        if recognizer is None and not ocr:
            recognizer = _NoOcr
        kiosk = compose(qapp, settings, recognizer=recognizer, idle_ms=idle_ms, sample=sample,
                        load_ocr=ocr, excepthook=False, camera=camera,
                        first_start=first_start)
        built.append(kiosk)
        kiosk.window.resize(1080, 1600)
        kiosk.window.show()
        return kiosk

    yield make
    for kiosk in built:
        kiosk.close()
    qapp.processEvents()
    leaked = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert not leaked, f"windows left open: {leaked}"
    # every short-lived UI thread belongs to the task manager, whose shutdown joined it
    threads = [t.name for t in threading.enumerate() if t.name.startswith("kiosk-ui-")]
    assert not threads, f"UI threads left running after the kiosk closed: {threads}"


def button(parent: QWidget, name: str) -> QPushButton:
    found = parent.findChild(QPushButton, name)
    assert found is not None, f"no button {name!r}"
    return found


def tap(qtbot: Any, widget: QWidget, name: str) -> None:
    """A finger on the button called `name` (it must be there to be tapped)."""
    b = button(widget, name)
    assert b.isVisible() and b.isEnabled(), f"{name} cannot be tapped"
    qtbot.mouseClick(b, Qt.MouseButton.LeftButton)


def keys(qtbot: Any, pad: QWidget, sequence: str) -> None:
    for k in sequence:
        tap(qtbot, pad, f"key_{k}")


def to_review(qtbot: Any, kiosk: Kiosk, seed: int, *, signed_in: str | None) -> None:
    """From the start screen to the review of the sample receipt, for resident `seed`;
    `signed_in` is the assistant (set directly: the sign-in has tests of its own)."""
    w = kiosk.window
    tap(qtbot, w.start, "fileClaim")
    keys(qtbot, w.resident_id, sample_id_number(seed))
    tap(qtbot, w.resident_id, "confirmId")
    if signed_in:
        kiosk.flow.sign_in(signed_in)
    with qtbot.waitSignal(w.screen_changed, timeout=10_000,
                          check_params_cb=lambda name: name == "review"):
        tap(qtbot, w.capture, "useSample")
