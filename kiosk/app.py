"""The composition root: builds the kiosk's parts and hands each what it needs.

Nothing else creates the store, the OCR service or the window; nothing looks them up later.
`compose()` is shared by `run_app` (the `kiosk` command), the UI tests and the screenshot tool.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kiosk.audit import Policy
from kiosk.auth.assistants import AssistantBook
from kiosk.auth.pin import PIN_FILE, PinStore
from kiosk.catalog.store import CatalogStoreError
from kiosk.claims.desk import ClaimDesk
from kiosk.claims.flow import ClaimFlow
from kiosk.core.config import CameraSettings, ConfigFile, Settings, load_settings
from kiosk.core.health import Check
from kiosk.core.night import Backlight, OpeningHours
from kiosk.scanner.media import parse_roots
from kiosk.store import ClaimStore, StoreError
from kiosk.ui.assistant_mode import AssistantMode
from kiosk.ui.camera import CameraFeed
from kiosk.ui.claim_screens import ClaimScreens, SampleProvider, ScreenEffects
from kiosk.ui.errors import (
    BugReporter,
    install_qt_message_handler,
    setup_logging,
    shutdown_logging,
)
from kiosk.ui.i18n import Translations
from kiosk.ui.idle import DarkCover, IdleWatcher, NightScreen
from kiosk.ui.main_window import MainWindow, Screens
from kiosk.ui.media_feed import MediaFeed
from kiosk.ui.navigator import Navigator, ScreenName
from kiosk.ui.pictures import PictureLoader
from kiosk.ui.screens.capture import CaptureScreen
from kiosk.ui.screens.correct_search import CatalogSearch
from kiosk.ui.screens.done import DoneScreen
from kiosk.ui.screens.resident_id import ResidentIdScreen
from kiosk.ui.screens.review import ReviewScreen
from kiosk.ui.screens.settings import SettingsContext, SettingsScreen, first_start_due
from kiosk.ui.screens.settings.firststart.wizard import FirstStartHook, FirstStartScreen
from kiosk.ui.screens.start import StartScreen
from kiosk.ui.screens.status import StatusScreen
from kiosk.ui.screens.trouble import TroubleScreen
from kiosk.ui.screens.usb_import import UsbImportScreen
from kiosk.ui.slip import SlipPrinter
from kiosk.ui.splash import close_splash
from kiosk.ui.styles import resources_dir, stylesheet
from kiosk.ui.sync_feed import SyncFeed
from kiosk.ui.tasks import OcrService, TaskManager
from kiosk.ui.technician import TechnicianScreen
from kiosk.ui.voice import Voice
from kiosk.ui.watchdog import Watchdog

log = logging.getLogger("kiosk.app")

SAMPLE_RECEIPT = "samples/einvoice.jpg"
RETRY = 75  # the technician screen's "try again" (EX_TEMPFAIL)
# What keeps the kiosk from starting, shown on the technician screen: the store (a lost,
# damaged or replaced database, a key file that is missing or wrong, a full or read-only
# disk) and the catalog.
CANNOT_START = (StoreError, CatalogStoreError)
TECHNICIAN_EXIT = "technician-exit"  # read by packaging/deb/session


def policy_loader(home: Path) -> Callable[[], Policy]:
    """The county's policy as the sync worker last fetched it, else the example county."""

    def load() -> Policy:
        path = home / "policy.json"
        if path.exists():
            return Policy.load(path)
        return Policy.example_county()

    return load


def sample_provider() -> SampleProvider | None:
    path = resources_dir() / SAMPLE_RECEIPT
    if not path.exists():
        return None
    return lambda: (path.read_bytes(), path.name)


def demo_sample(args: argparse.Namespace) -> SampleProvider | None:
    """The sample receipt only for a demonstration (`kiosk --demo`): a resident never meets
    a "示例收据" button on a kiosk in service."""
    return sample_provider() if getattr(args, "demo", False) else None


def default_recognizer(settings: Settings) -> Callable[[], Any]:
    def make() -> Any:
        from kiosk.recognition.pipeline import Recognizer  # heavy: onnxruntime, on the OCR thread

        return Recognizer(settings.ocr)

    return make


@dataclass
class Kiosk:
    """The running parts, so they can be closed in order."""

    app: QApplication
    window: MainWindow
    store: ClaimStore
    tasks: TaskManager
    ocr: OcrService
    desk: ClaimDesk
    camera: CameraFeed | None
    idle: IdleWatcher
    night: NightScreen
    bugs: BugReporter
    sync: SyncFeed
    flow: ClaimFlow
    claims: ClaimScreens
    assistant_mode: AssistantMode
    voice: Voice
    translations: Translations
    printer: SlipPrinter
    screens: Screens
    navigator: Navigator
    first_start: FirstStartScreen
    closed: bool = False

    def close(self) -> None:
        if self.closed:  # a test that restarts the kiosk closes it before its teardown
            return
        self.closed = True
        self.idle.disarm()
        self.app.removeEventFilter(self.idle)
        self.night.stop()  # lit again for whatever comes next
        self.app.removeEventFilter(self.night)
        self.bugs.uninstall()
        if self.camera is not None:
            self.camera.shutdown()
        self.printer.wait()  # a slip being written finishes first
        self.screens.usb_import.close_feed()
        self.screens.review.close_pictures()
        self.sync.stop()  # finishes the request in flight (bounded), before the store closes
        self.ocr.shutdown()
        self.window.close()
        self.tasks.run_in_background(self.desk.close)
        self.tasks.shutdown()
        self.store.close()
        self.window.deleteLater()
        self.ocr.deleteLater()
        self.tasks.deleteLater()
        self.idle.deleteLater()


def compose(app: QApplication, settings: Settings, *,
            recognizer: Callable[[], Any] | None = None,
            idle_ms: tuple[int, int] | None = None,
            sample: SampleProvider | None = None,
            load_ocr: bool = True, excepthook: bool = True,
            camera: CameraSettings | None = None, sync: bool = True,
            self_test: Callable[[Settings], list[Check]] | None = None,
            first_start: bool = False) -> Kiosk:
    """Build every part of the kiosk; raises StoreError if the claim store cannot open.

    The catalog opens behind the start screen (with `load_ocr`); if it cannot, the
    CatalogStoreError reaches the bug screen ("please call the technician") and the log.

    `camera`: the document camera to preview on the capture screen (None: file import only).
    `excepthook=False` leaves `sys.excepthook` alone (tests: pytest-qt's hook fails the test).
    `sync=False` keeps the sync worker off even on an enrolled kiosk.
    `self_test`: the checks "现在自检" under ⚙ runs (kiosk.cli.selftest.run_checks).
    `first_start`: a fresh kiosk (or one whose first start was cut short) opens on the
    first-start wizard behind the technician PIN, and goes back to it instead of the start
    screen until it is finished (the `kiosk` command; tests ask for it).
    """
    ui = settings.ui
    translations = Translations(app)
    translations.install(ui.language)
    app.setStyleSheet(stylesheet())
    store = ClaimStore(settings.home, settings.store)
    tasks = TaskManager()
    ocr = OcrService(recognizer or default_recognizer(settings))
    desk = ClaimDesk(store, settings.home, policy_loader(settings.home))
    pins = PinStore(settings.home / PIN_FILE, attempts=ui.pin_attempts,
                    lockout_s=ui.pin_lockout_s)
    timeout_ms, grace_ms = idle_ms or (ui.idle_timeout_s * 1000, ui.idle_warning_s * 1000)
    idle = IdleWatcher(timeout_ms, grace_ms)
    app.installEventFilter(idle)
    info = {"home": str(settings.home), "database": settings.store.database,
            "ocr": settings.ocr.engine, "idle_s": (ui.idle_timeout_s, ui.idle_warning_s)}
    feed = CameraFeed(camera) if camera is not None else None
    sync_feed = SyncFeed(store, settings.home, tasks)
    assistants = AssistantBook(settings.home, attempts=ui.pin_attempts,
                               lockout_s=ui.pin_lockout_s)
    voice = Voice(enabled=ui.voice, volume=ui.volume)
    printer = SlipPrinter(tasks, settings.printer, settings.home,
                          keep_days=settings.store.retention_days)
    screens = Screens(
        start=StartScreen(), resident_id=ResidentIdScreen(tasks, settings.cardreader),
        capture=CaptureScreen(sample_available=sample is not None,
                              camera_available=feed is not None),
        review=ReviewScreen(CatalogSearch(tasks, desk.search_catalog),
                            pictures=PictureLoader(tasks)),
        done=DoneScreen(printer), status=StatusScreen(), settings=SettingsScreen(),
        trouble=TroubleScreen(), usb_import=UsbImportScreen(MediaFeed(tasks)))
    screens.usb_import.set_roots(parse_roots(settings.scanner.media_roots))
    nav = Navigator()
    window = MainWindow(nav, screens, idle)
    printer.setParent(window)
    # dark at night on the idle start screen only: any other screen arms the privacy watcher
    night = NightScreen(DarkCover(window),
                        OpeningHours.parse(ui.open_hours) if ui.dark_at_night else None,
                        ui.dark_after_s * 1000, backlight=Backlight(Path(ui.backlight)),
                        busy=lambda: idle.armed, parent=window)
    app.installEventFilter(night)  # installed last, filters first: a waking touch reaches nothing
    flow = ClaimFlow()
    ScreenEffects(nav, capture=screens.capture, camera=feed, idle=idle, voice=voice)
    claims = ClaimScreens(flow=flow, navigator=nav, tasks=tasks, ocr=ocr, desk=desk,
                          voice=voice, idle=idle, start=screens.start,
                          resident_id=screens.resident_id, capture=screens.capture,
                          review=screens.review, done=screens.done, status=screens.status,
                          trouble=screens.trouble, usb_import=screens.usb_import,
                          camera=feed, sample=sample, parent=window)
    assistant_mode = AssistantMode(flow=flow, navigator=nav, claims=claims, tasks=tasks,
                                   store=store, book=assistants, sync=sync_feed,
                                   parent=window)
    screens.start.assistant_login.connect(assistant_mode.begin_sign_in)
    screens.settings.manage_assistants.connect(assistant_mode.open_admin)
    screens.settings.back.connect(claims.go_home)
    window.home_requested.connect(claims.go_home)
    claims.went_home.connect(window.hide_idle_warning)
    claims.claim_filed.connect(lambda _claim_id: sync_feed.wake())
    claims.go_home()
    if load_ocr:
        # The start screen first, at once; the catalog (database thread, which owns its
        # connection) and the OCR models (the OCR thread) load behind it. A job queued meanwhile
        # waits on the OCR thread behind the load.
        start = screens.start
        start.set_preparing(True)
        ocr.loaded.connect(lambda: start.set_preparing(False))
        ocr.failed.connect(lambda job, _d: start.set_preparing(False) if job == 0 else None)

        def warm_up() -> None:
            tasks.run_in_background(desk.catalog)
            ocr.start_loading()
        window.first_frame.connect(warm_up)
    if sync:
        sync_feed.start()  # idle (enrolled False) unless a device credential exists
    settings_ctx = SettingsContext(
        tasks=tasks, config=ConfigFile.for_settings(settings), settings=settings, pins=pins,
        desk=desk, store=store, idle=idle, voice=voice, camera=feed, sync=sync_feed,
        translations=translations, info=info, ocr_ready=lambda: ocr.ready,
        self_test=self_test)
    screens.settings.bind(settings_ctx)
    first_start_screen = FirstStartScreen()
    first_start_screen.bind(settings_ctx)
    nav.add(ScreenName.FIRST_START, first_start_screen)
    # Decided before the first frame (the store was just opened on this thread too): a
    # start screen flashed at a kiosk that is not set up would be a lie.
    due = first_start_due(desk, settings.home) if first_start else None
    if due is not None:
        log.info("first start due, at the %s step", due.step)
    FirstStartHook(navigator=nav, settings=screens.settings, screen=first_start_screen,
                   went_home=claims.went_home, go_home=claims.go_home, due=due, parent=window)
    bugs = BugReporter()
    bugs.bug.connect(claims.show_bug)
    if excepthook:
        bugs.install()
    return Kiosk(app=app, window=window, store=store, tasks=tasks, ocr=ocr, desk=desk,
                 camera=feed, idle=idle, night=night, bugs=bugs, sync=sync_feed, flow=flow,
                 claims=claims,
                 assistant_mode=assistant_mode, voice=voice, translations=translations,
                 printer=printer, screens=screens, navigator=nav,
                 first_start=first_start_screen)


def cannot_start(app: QApplication, settings: Settings, reason: str, *, windowed: bool,
                 ) -> int:
    """Show the technician screen with `reason` (and log it) until it is closed or "try
    again" is pressed; returns RETRY for the latter."""
    log.critical("the kiosk cannot start: %s", reason)
    print(f"kiosk: cannot start: {reason}", file=sys.stderr)
    translations = Translations(app)
    translations.install(settings.ui.language)
    app.setStyleSheet(stylesheet())
    screen = TechnicianScreen(reason, log_folder=str(settings.home / "logs"))
    screen.retry.connect(lambda: app.exit(RETRY))
    previous = {sig: signal.signal(sig, lambda *_: app.quit())
                for sig in (signal.SIGINT, signal.SIGTERM)}
    tick = QTimer()  # lets Python see the signal while Qt's loop runs
    tick.timeout.connect(lambda: None)
    tick.start(500)
    if windowed:
        screen.resize(1080, 1920 // 2 + 400)
        screen.show()
    else:
        screen.showFullScreen()
    try:
        return app.exec()
    finally:
        tick.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        screen.close()
        screen.deleteLater()


def first_screen(kiosk: Kiosk) -> str:
    """What `--one-frame` names: the screen up, and whether it is the first start."""
    name = kiosk.navigator.current()
    due = name == ScreenName.SETTINGS and kiosk.screens.settings.first_start_due
    return f"{name} (first start)" if due else str(name)


def run_app(args: argparse.Namespace, *,
            self_test: Callable[[Settings], list[Check]] | None = None) -> int:
    """The `kiosk` command without a subcommand: full screen unless --windowed.
    `self_test`: the command line's checks, for "现在自检" under ⚙ (the app may not import
    the commands)."""
    settings = load_settings(getattr(args, "home", None))
    setup_logging(settings.home, verbose=bool(getattr(args, "verbose", False)))
    install_qt_message_handler()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    app.setApplicationName("township-kiosk")
    windowed = bool(getattr(args, "windowed", False)) or not settings.ui.fullscreen
    while True:
        try:
            # a demonstration shows the claim screens, never a technician's first start
            kiosk = compose(app, settings, sample=demo_sample(args), camera=settings.camera,
                            self_test=self_test,
                            first_start=not getattr(args, "demo", False))
            break
        except CANNOT_START as exc:
            close_splash()  # shown by kiosk.cli before the imports
            if cannot_start(app, settings, str(exc), windowed=windowed) != RETRY:
                shutdown_logging()
                return 3
    # Ctrl-C and systemd's SIGTERM quit cleanly (the timer lets Python see the signal).
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: app.quit())
    tick = QTimer()
    tick.start(500)
    tick.timeout.connect(lambda: None)
    watchdog = Watchdog()  # READY=1 after the first paint, then WATCHDOG=1 (systemd)
    watchdog.watch()
    if getattr(args, "one_frame", False):
        watchdog.first_frame.connect(lambda s: (print(f"first screen shown {s:.2f} s after "
                                                      f"start: {first_screen(kiosk)}",
                                                      flush=True), app.quit()))
    # The technician's quit under ⚙ leaves a note, so the kiosk session is not restarted.
    kiosk.screens.settings.quit_requested.connect(
        lambda: (settings.home / TECHNICIAN_EXIT).touch())
    log.info("kiosk app started: home %s, %s", settings.home,
             "windowed" if windowed else "full screen")
    if windowed:
        kiosk.window.resize(1080, 1920 // 2 + 400)
        kiosk.window.show()
    else:
        kiosk.window.fill_screen()  # the screen's geometry, with or without a window manager
    close_splash()  # shown by kiosk.cli before the imports; the start screen is up now
    try:
        return app.exec()
    finally:
        watchdog.stop()
        kiosk.close()
        log.info("kiosk app stopped")
        shutdown_logging()
