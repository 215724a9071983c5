"""Assistant mode's flow: sign in, several residents in one sitting, today's list, sign out.

`AssistantMode` is built by the window, adds its screens to the window's stack and wires
itself. The signed-in assistant is `MainWindow.signed_in` ("work-number name"); claims filed
while it is set name the assistant, and the window returns to the assistant's home instead
of the start screen until she signs out or the idle timeout signs her out.

All reads and PIN checks run on the database thread (`TaskManager.run_in_background`).
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from kiosk.auth.assistants import AssistantBook, AssistantError, todays_claims
from kiosk.store import StoreError
from kiosk.sync.worker import SyncSnapshot
from kiosk.ui.screens.assistant import AssistantHomeScreen, AssistantSignInScreen
from kiosk.ui.screens.assistant_admin import AssistantsAdminScreen

if TYPE_CHECKING:
    from kiosk.ui.main_window import MainWindow
    from kiosk.ui.sync_feed import SyncFeed

log = logging.getLogger("kiosk.ui")

HOME = "assistant_home"
SIGN_IN = "assistant_sign_in"
ADMIN = "assistants"


class AssistantMode(QObject):
    def __init__(self, window: MainWindow, book: AssistantBook | None,
                 sync: SyncFeed | None) -> None:
        super().__init__(window)
        self.window = window
        self.book = book
        self.sync = sync
        self.sign_in = AssistantSignInScreen()
        self.home = AssistantHomeScreen()
        self.admin = AssistantsAdminScreen()
        window.screens.update({SIGN_IN: self.sign_in, HOME: self.home, ADMIN: self.admin})
        self._refreshing = False
        self._dirty = False
        self.sign_in.submitted.connect(self._check)
        self.sign_in.back.connect(window.go_home)
        self.home.new_claim.connect(self.new_claim)
        self.home.sign_out.connect(self.sign_out)
        self.admin.back.connect(lambda: window.show_screen("settings"))
        self.admin.add_requested.connect(self._add)
        self.admin.remove_requested.connect(self._remove)
        window.screen_changed.connect(self._screen_changed)
        window.claim_filed.connect(lambda _claim_id: self.refresh())
        if sync is not None:
            sync.changed.connect(self._sync_changed)
            self.home.show_queue(sync.snapshot(), sync.enrolled)

    # --- sign-in ------------------------------------------------------------------------

    def begin_sign_in(self) -> None:
        self.sign_in.reset()
        self.window.show_screen(SIGN_IN)

    def _check(self, code: str, pin: str) -> None:
        book = self.book
        if book is None:
            return
        self.window.tasks.run_in_background(lambda: book.check(code, pin), self._checked)

    def _checked(self, fut: Future[Any]) -> None:
        result = fut.result()
        if self.window.current_screen() != SIGN_IN:
            return  # the idle timeout came first
        if not result.ok:
            if result.locked_for_s:
                log.warning("assistant %s locked for %d s", result.assistant.code
                            if result.assistant else "?", result.locked_for_s)
            self.sign_in.show_result(result)
            return
        who = result.assistant
        log.info("assistant %s signed in", who.code)
        self.window.signed_in = who.actor
        self.home.set_assistant(who.name)
        self.sign_in.reset()
        self.window.go_home()  # signed in: "home" is the assistant's home

    def sign_out(self) -> None:
        if self.window.signed_in:
            log.info("assistant %s signed out", self.window.signed_in.split()[0])
        self.window.signed_in = None
        self.home.reset()
        self.window.go_home()

    # --- residents, one after another ----------------------------------------------------

    def new_claim(self) -> None:
        w = self.window
        w.resident_id.reset()
        w.resident_id.purpose = "claim"
        w.show_screen("resident_id")

    # --- today's list and the queue ------------------------------------------------------

    def _screen_changed(self, name: str) -> None:
        if name == HOME:
            if self.window.signed_in:
                self.home.set_assistant(self.window.signed_in.partition(" ")[2])
            if self.sync is not None:
                self.home.show_queue(self.sync.snapshot(), self.sync.enrolled)
            self.refresh()

    def _sync_changed(self, snap: SyncSnapshot) -> None:
        assert self.sync is not None
        self.home.show_queue(snap, self.sync.enrolled)
        if snap.sending is None:  # a claim went, or the county's answers came: re-read
            self.refresh()

    def refresh(self) -> None:
        """Re-read today's claims in the background (coalesced: one read at a time)."""
        actor = self.window.signed_in
        if not actor or self.window.current_screen() != HOME:
            return
        if self._refreshing:
            self._dirty = True
            return
        self._refreshing, self._dirty = True, False
        store, sync = self.window.desk.store, self.sync

        def read() -> tuple[list[Any], set[str]]:
            held = set(sync.held()) if sync is not None else set()
            return todays_claims(store, actor), held

        self.window.tasks.run_in_background(read, lambda f: self._listed(actor, f))

    def _listed(self, actor: str, fut: Future[Any]) -> None:
        self._refreshing = False
        try:
            rows, held = fut.result()
        except StoreError as exc:
            log.error("today's claims could not be read: %s", exc)
            rows, held = None, set()
        if rows is not None and actor == self.window.signed_in:
            self.home.show_today(rows, held)
        if self._dirty:
            self.refresh()

    # --- the technician's list of assistants ---------------------------------------------

    def open_admin(self) -> None:
        self.admin.reset()
        self.window.show_screen(ADMIN)
        self._reload_admin()

    def _reload_admin(self) -> None:
        book = self.book
        if book is None:
            return
        self.window.tasks.run_in_background(book.list, lambda f: self.admin.show_assistants(
            f.result()))

    def _add(self, code: str, name: str, pin: str) -> None:
        book = self.book
        if book is None:
            return
        self.window.tasks.run_in_background(lambda: book.add(code, name, pin), self._added)

    def _added(self, fut: Future[Any]) -> None:
        try:
            who = fut.result()
        except AssistantError as exc:
            log.info("assistant not added: %s", exc)
            self.admin.add_done(self.tr("没能添加：工号要是数字，姓名不能空，密码至少6位数字。"))
            return
        log.info("assistant %s added", who.code)
        self.admin.add_done(None)
        self.admin.show_message(self.tr("已添加：{code} {name}").format(code=who.code,
                                                                       name=who.name))
        self._reload_admin()

    def _remove(self, code: str) -> None:
        book = self.book
        if book is None:
            return
        self.window.tasks.run_in_background(lambda: book.remove(code),
                                            lambda f: self._removed(code, f))

    def _removed(self, code: str, fut: Future[Any]) -> None:
        fut.result()
        log.info("assistant %s removed", code)
        self.admin.show_message(self.tr("已删除工号 {code}。").format(code=code))
        self._reload_admin()
