"""Bugs and known failures.

Known failures (a full disk, an unreadable picture, a refused claim) are shown by the screens
in plain words. Anything else is a bug: the excepthook logs it with its traceback, and the
window shows "please call the technician". faulthandler writes crashes in C code to the log
folder; Qt's own warnings go through `qInstallMessageHandler` into the `kiosk.qt` logger.
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import IO

from PySide6.QtCore import QMessageLogContext, QObject, QtMsgType, Signal, qInstallMessageHandler

log = logging.getLogger("kiosk.ui")
qtlog = logging.getLogger("kiosk.qt")

LOG_NAME = "kiosk.log"
_fault_file: IO[str] | None = None


def setup_logging(home: Path, *, verbose: bool = False) -> Path:
    """A rotating file log under <home>/logs the technician can export; returns the folder."""
    folder = home / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(folder / LOG_NAME, maxBytes=2_000_000,
                                                   backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger("kiosk")
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    global _fault_file
    if _fault_file is None:
        _fault_file = open(folder / "faults.log", "a", encoding="utf-8")  # noqa: SIM115
        faulthandler.enable(_fault_file)
    return folder


def shutdown_logging() -> None:
    """Undo `setup_logging` (tests; the end of `run_app`)."""
    global _fault_file
    if _fault_file is not None:
        faulthandler.disable()
        _fault_file.close()
        _fault_file = None
    root = logging.getLogger("kiosk")
    for h in list(root.handlers):
        if isinstance(h, logging.handlers.RotatingFileHandler):
            root.removeHandler(h)
            h.close()
    qInstallMessageHandler(None)


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def qt_message_handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    qtlog.log(_QT_LEVELS.get(mode, logging.WARNING), "%s", message)


def install_qt_message_handler() -> None:
    qInstallMessageHandler(qt_message_handler)


class BugReporter(QObject):
    """The global excepthook: log the bug, then tell the window (which shows the call screen)."""

    bug = Signal(str)  # a short reference for the technician

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._previous = sys.excepthook
        self.count = 0

    def install(self) -> None:
        sys.excepthook = self.excepthook

    def uninstall(self) -> None:
        if sys.excepthook == self.excepthook:
            sys.excepthook = self._previous

    def excepthook(self, kind: type[BaseException], exc: BaseException,
                   tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self._previous(kind, exc, tb)
            return
        self.count += 1
        text = "".join(traceback.format_exception(kind, exc, tb))
        log.critical("bug #%d: %s", self.count, text)
        self.bug.emit(f"{kind.__name__} #{self.count}")


def known_errors() -> tuple[type[BaseException], ...]:
    """The failures a person can be told about in plain words (`kiosk.ui.operations`):
    the store's, the capture layer's and recognition's refusals, wrong PINs, the county or
    a device not answering, a full or missing disk. Everything else is a bug."""
    import httpx

    from kiosk.auth.assistants import AssistantError
    from kiosk.auth.pin import PinError
    from kiosk.catalog.store import CatalogStoreError
    from kiosk.core.config import ConfigError
    from kiosk.core.logexport import ExportError
    from kiosk.core.plain import PlainError
    from kiosk.store.errors import StoreError
    from kiosk.sync.client import SyncError
    from kiosk.sync.credentials import CredentialError

    return (StoreError, PlainError, PinError, AssistantError, CatalogStoreError, ConfigError,
            ExportError, SyncError, CredentialError, httpx.HTTPError, OSError)


def is_known(exc: BaseException) -> bool:
    """True for a failure with plain words (`known_errors`), False for a bug."""
    return isinstance(exc, known_errors())
