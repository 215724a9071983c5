"""What the technician's panel is handed, and which saved settings apply at once.

Slow work runs through `kiosk.ui.operations.QueryOp` (`io=True` for the network, cameras,
scanners and USB sticks: never on the database thread, which they could block for seconds).

`SettingsContext` is built once by the composition root (`kiosk.app.compose`) with the live
parts a change applies to (idle watcher, voice, camera feed, sync feed, the store's
retention); `apply_live` is the one place that knows which setting applies at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.auth.pin import PinStore
from kiosk.claims.desk import ClaimDesk
from kiosk.core.config import ConfigFile, Settings
from kiosk.core.health import Check
from kiosk.core.logexport import DEFAULT_ROOTS
from kiosk.store import ClaimStore
from kiosk.ui.camera import CameraFeed
from kiosk.ui.i18n import Translations
from kiosk.ui.idle import IdleWatcher
from kiosk.ui.sync_feed import SyncFeed
from kiosk.ui.tasks import TaskManager
from kiosk.ui.voice import Voice

log = logging.getLogger("kiosk.ui.settings")


@dataclass
class SettingsContext:
    tasks: TaskManager
    config: ConfigFile
    settings: Settings
    pins: PinStore
    desk: ClaimDesk  # counts()
    store: ClaimStore  # queue_list(), retention_days
    idle: IdleWatcher | None = None
    voice: Voice | None = None
    camera: CameraFeed | None = None
    sync: SyncFeed | None = None
    translations: Translations | None = None
    info: Mapping[str, Any] = field(default_factory=dict)  # the overview's fixed lines (codes)
    ocr_ready: Callable[[], bool] = lambda: False
    usb_roots: tuple[Path, ...] = DEFAULT_ROOTS
    usb_mounts_only: bool = True
    dev_dir: Path = field(default_factory=lambda: Path("/dev"))
    # the checks of `township-kiosk --self-test` (kiosk.cli.selftest.run_checks), handed in
    # by the command line; None: the page shows the daily result but cannot run it
    self_test: Callable[[Settings], list[Check]] | None = None

    @property
    def home(self) -> Path:
        return self.settings.home

    def counts(self) -> dict[str, int]:
        """The overview's claim counts (on the database thread: a QueryOp's function)."""
        return self.desk.counts()

    def apply_live(self, section: str, key: str, value: Any) -> bool:
        """Apply a saved setting to the running app; False: it applies after a restart.
        Each part is told through its own method, never by setting its attributes."""
        if (section, key) == ("ui", "idle_timeout_s") and self.idle is not None:
            self.idle.set_times(timeout_ms=int(value) * 1000)
            return True
        if (section, key) == ("ui", "idle_warning_s") and self.idle is not None:
            self.idle.set_times(grace_ms=int(value) * 1000)
            return True
        if (section, key) == ("ui", "language"):
            return True  # the panel emits language_chosen; the settings screen installs it
        if (section, key) == ("ui", "volume") and self.voice is not None:
            self.voice.set_volume(int(value))
            return True
        if (section, key) == ("ui", "voice") and self.voice is not None:
            self.voice.set_enabled(bool(value))
            return True
        if section == "camera" and key == "device" and self.camera is not None:
            self.camera.use_device(str(value))  # read at its next start
            return True
        if (section, key) == ("store", "retention_days"):
            self.store.set_retention_days(int(value))  # read at the next purge
            return True
        return False


def apply_live(ctx: SettingsContext, section: str, key: str, value: Any) -> bool:
    """Apply a saved setting to the running app; False: it applies after a restart."""
    return ctx.apply_live(section, key, value)
