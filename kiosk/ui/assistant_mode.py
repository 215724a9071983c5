"""Assistant mode's flow: sign in, several residents in one sitting, today's list, sign out.

`AssistantMode` is built by the composition root with what it works with (the claim flow,
the navigator, the resident screens' driver, the task manager, the assistants' book, the
store and the sync feed); it adds its screens to the navigator and wires itself. The
signed-in assistant is the flow's operator ("work-number name"); claims filed while she is
signed in name her, and "home" is the assistant's home instead of the start screen until she
signs out or the idle timeout signs her out.

All reads and PIN checks run on the database thread (`kiosk.ui.operations.QueryOp`).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject

from kiosk.auth.assistants import (
    Assistant,
    AssistantBook,
    AssistantCheck,
    AssistantError,
    todays_claims,
)
from kiosk.claims.flow import ClaimFlow, Purpose
from kiosk.store import ClaimStore
from kiosk.sync.worker import SyncSnapshot
from kiosk.ui.claim_screens import ClaimScreens
from kiosk.ui.navigator import Navigator, ScreenName
from kiosk.ui.operations import QueryOp
from kiosk.ui.screens.assistant import AssistantHomeScreen, AssistantSignInScreen
from kiosk.ui.screens.assistant_admin import AssistantsAdminScreen
from kiosk.ui.sync_feed import SyncFeed
from kiosk.ui.tasks import TaskManager

log = logging.getLogger("kiosk.ui")

HOME = ScreenName.ASSISTANT_HOME
SIGN_IN = ScreenName.ASSISTANT_SIGN_IN
ADMIN = ScreenName.ASSISTANTS


class AssistantMode(QObject):
    def __init__(self, *, flow: ClaimFlow, navigator: Navigator, claims: ClaimScreens,
                 tasks: TaskManager, store: ClaimStore, book: AssistantBook | None,
                 sync: SyncFeed | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.flow, self.nav, self.claims, self.tasks = flow, navigator, claims, tasks
        self.store = store
        self.book = book
        self.sync = sync
        self.sign_in = AssistantSignInScreen()
        self.home = AssistantHomeScreen()
        self.admin = AssistantsAdminScreen()
        for name, screen in ((SIGN_IN, self.sign_in), (HOME, self.home),
                             (ADMIN, self.admin)):
            navigator.add(name, screen)
        self._refreshing = False
        self._dirty = False
        self.sign_in.submitted.connect(self._check)
        self.sign_in.back.connect(claims.go_home)
        self.home.new_claim.connect(self.new_claim)
        self.home.sign_out.connect(self.sign_out)
        self.admin.back.connect(lambda: navigator.show(ScreenName.SETTINGS))
        self.admin.add_requested.connect(self._add)
        self.admin.remove_requested.connect(self._remove)
        navigator.screen_changed.connect(self._screen_changed)
        claims.claim_filed.connect(lambda _claim_id: self.refresh())
        if sync is not None:
            sync.changed.connect(self._sync_changed)
            self.home.show_queue(sync.snapshot(), sync.enrolled)

    # --- sign-in ------------------------------------------------------------------------

    def begin_sign_in(self) -> None:
        self.sign_in.reset()
        self.nav.show(SIGN_IN)

    def _check(self, code: str, pin: str) -> None:
        book = self.book
        if book is None:
            return
        QueryOp(self.tasks, lambda: book.check(code, pin)).success(self._checked).run()

    def _checked(self, result: AssistantCheck) -> None:
        if self.nav.current() != SIGN_IN:
            return  # the idle timeout came first
        who = result.assistant
        if not result.ok:
            if result.locked_for_s:
                log.warning("assistant %s locked for %d s", who.code if who else "?",
                            result.locked_for_s)
            self.sign_in.show_result(result)
            return
        assert who is not None
        log.info("assistant %s signed in", who.code)
        self.flow.sign_in(who.actor)
        self.home.set_assistant(who.name)
        self.sign_in.reset()
        self.claims.go_home()  # signed in: "home" is the assistant's home

    def sign_out(self) -> None:
        if self.flow.operator:
            log.info("assistant %s signed out", self.flow.operator.split()[0])
        self.flow.sign_out()
        self.home.reset()
        self.claims.go_home()

    # --- residents, one after another ----------------------------------------------------

    def new_claim(self) -> None:
        self.claims.ask_id(Purpose.CLAIM)

    # --- today's list and the queue ------------------------------------------------------

    def _screen_changed(self, name: str) -> None:
        if name == HOME:
            if self.flow.operator:
                self.home.set_assistant(self.flow.operator.partition(" ")[2])
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
        actor = self.flow.operator
        if not actor or self.nav.current() != HOME:
            return
        if self._refreshing:
            self._dirty = True
            return
        self._refreshing, self._dirty = True, False
        store, sync = self.store, self.sync

        def read() -> tuple[list[Any], set[str]]:
            held = set(sync.held()) if sync is not None else set()
            return todays_claims(store, actor), held

        def unread(exc: Exception) -> None:
            log.error("today's claims could not be read: %s", exc)
            self._read_done()

        QueryOp(self.tasks, read).success(lambda result: self._listed(actor, result)).failure(
            unread).run()

    def _listed(self, actor: str, result: tuple[list[Any], set[str]]) -> None:
        rows, held = result
        if actor == self.flow.operator:
            self.home.show_today(rows, held)
        self._read_done()

    def _read_done(self) -> None:
        self._refreshing = False
        if self._dirty:  # asked again meanwhile: once more
            self.refresh()

    # --- the technician's list of assistants ---------------------------------------------

    def open_admin(self) -> None:
        self.admin.reset()
        self.nav.show(ADMIN)
        self._reload_admin()

    def _reload_admin(self) -> None:
        book = self.book
        if book is None:
            return
        QueryOp(self.tasks, book.list).success(self.admin.show_assistants).run()

    def _add(self, code: str, name: str, pin: str) -> None:
        book = self.book
        if book is None:
            return
        QueryOp(self.tasks, lambda: book.add(code, name, pin)).success(self._added).failure(
            self._not_added).run()

    def _not_added(self, exc: Exception) -> None:
        if not isinstance(exc, AssistantError):
            raise exc  # the book's file could not be written: a bug screen, as before
        log.info("assistant not added: %s", exc)
        self.admin.add_done(self.tr("没能添加：工号要是数字，姓名不能空，密码至少6位数字。"))

    def _added(self, who: Assistant) -> None:
        log.info("assistant %s added", who.code)
        self.admin.add_done(None)
        self.admin.show_message(self.tr("已添加：{code} {name}").format(code=who.code,
                                                                       name=who.name))
        self._reload_admin()

    def _remove(self, code: str) -> None:
        book = self.book
        if book is None:
            return
        QueryOp(self.tasks, lambda: book.remove(code)).success(
            lambda _none: self._removed(code)).run()

    def _removed(self, code: str) -> None:
        log.info("assistant %s removed", code)
        self.admin.show_message(self.tr("已删除工号 {code}。").format(code=code))
        self._reload_admin()
