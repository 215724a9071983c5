"""What the technician's panel is handed, and how it runs slow work off the UI thread.

`SettingsContext` is built once by the composition root (`kiosk.app.compose`). The window is
passed for the live parts a change applies to (idle watcher, voice, camera feed, sync feed);
`apply_live` is the one place that knows which setting applies at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kiosk.auth.pin import PinStore
from kiosk.core.config import ConfigFile, Settings
from kiosk.core.logexport import DEFAULT_ROOTS
from kiosk.ui.tasks import TaskManager

log = logging.getLogger("kiosk.ui.settings")


@dataclass
class SettingsContext:
    tasks: TaskManager
    config: ConfigFile
    settings: Settings
    pins: PinStore
    desk: Any  # kiosk.ui.desk.ClaimDesk: counts() and the store's queue_list()
    window: Any  # idle, voice, camera, sync, translations, as far as they exist
    usb_roots: tuple[Path, ...] = DEFAULT_ROOTS
    usb_mounts_only: bool = True
    dev_dir: Path = field(default_factory=lambda: Path("/dev"))

    @property
    def home(self) -> Path:
        return self.settings.home

    @property
    def sync(self) -> Any:
        return getattr(self.window, "sync", None)


def run_off_thread(tasks: TaskManager, fn: Callable[[], Any],
                   on_done: Callable[[Future[Any]], None], *, name: str) -> None:
    """Run `fn` on its own short-lived thread (network, camera, scanner, USB: never on the
    database thread, which they could block for seconds); `on_done(future)` on the UI thread."""
    fut: Future[Any] = Future()

    def work() -> None:
        try:
            fut.set_result(fn())
        except BaseException as exc:  # handed to on_done, which sorts known from bugs
            fut.set_exception(exc)
        try:
            tasks.run_on_main(lambda: on_done(fut))
        except RuntimeError:  # the app closed meanwhile
            log.debug("%s finished after the window closed", name)

    threading.Thread(target=work, name=f"kiosk-settings-{name}", daemon=True).start()


def apply_live(window: Any, section: str, key: str, value: Any) -> bool:
    """Apply a saved setting to the running app; False: it applies after a restart."""
    idle = getattr(window, "idle", None)
    voice = getattr(window, "voice", None)
    camera = getattr(window, "camera", None)
    desk = getattr(window, "desk", None)
    if (section, key) == ("ui", "idle_timeout_s") and idle is not None:
        idle.timeout_ms = int(value) * 1000
        return True
    if (section, key) == ("ui", "idle_warning_s") and idle is not None:
        idle.grace_ms = int(value) * 1000
        return True
    if (section, key) == ("ui", "language"):
        return True  # the panel emits language_chosen; the window installs it
    if (section, key) == ("ui", "volume") and voice is not None:
        voice.set_volume(int(value))
        return True
    if (section, key) == ("ui", "voice") and voice is not None:
        voice.set_enabled(bool(value))
        return True
    if section == "camera" and key == "device" and camera is not None:
        camera.settings = replace(camera.settings, device=str(value))  # read at each start
        return True
    if (section, key) == ("store", "retention_days") and desk is not None:
        store = getattr(desk, "store", None)
        if store is not None and hasattr(store, "retention_days"):
            store.retention_days = int(value)  # read at the next purge
            return True
    return False
