"""The upload queue: claims waiting for the network, claims the county held back (with its
reason and a retry button each), "sync now", and a network test."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.ui.operations import QueryOp
from kiosk.ui.screens.settings.fields import Section
from kiosk.ui.widgets import big_button, label

if TYPE_CHECKING:
    from kiosk.ui.screens.settings.panel import SettingsPanel

log = logging.getLogger("kiosk.ui.settings")

SHOWN = 50  # rows listed; the count says how many there are in all


@dataclass(frozen=True)
class QueueRow:
    claim_id: int
    uid: str
    documents: int
    total: str | None
    held: dict[str, Any] | None


def read_queue(store: Any, sync: Any) -> tuple[list[QueueRow], int]:
    """The waiting claims, held ones first (runs on the database thread)."""
    held: dict[str, dict[str, Any]] = dict(sync.held()) if sync is not None else {}
    entries = store.queue_list()
    rows = [QueueRow(e.id, e.uid, e.document_count, e.total, held.get(e.uid)) for e in entries]
    rows.sort(key=lambda r: (r.held is None, r.claim_id))
    return rows[:SHOWN], len(rows)


class QueueSection(Section):
    key = "queue"
    listed = Signal(int)  # rows shown
    released = Signal(str)  # uid sent again

    def __init__(self, panel: SettingsPanel) -> None:
        super().__init__(panel)
        self.state = label(role="large", name="syncState")
        row = QHBoxLayout()
        self.sync_now = big_button("", kind="", name="syncNow")
        self.sync_now.clicked.connect(self._sync_now)
        self.net_btn = big_button("", name="networkTest")
        self.net_btn.clicked.connect(self._network_test)
        row.addWidget(self.sync_now)
        row.addWidget(self.net_btn)
        self.net_result = label(name="networkResult")
        self.count = label(role="hint", name="queueCount")
        self.rows = QVBoxLayout()
        self.rows.setSpacing(12)
        holder = QWidget()
        holder.setLayout(self.rows)
        self.box.addWidget(self.state)
        self.box.addLayout(row)
        self.box.addWidget(self.net_result)
        self.box.addWidget(self.count)
        self.box.addWidget(holder)
        self.box.addStretch(1)
        self._connected: Any = None
        self._open = False

    def title(self) -> str:
        return self.tr("上传队列")

    def retranslate(self) -> None:
        super().retranslate()
        self.sync_now.setText(self.tr("立即同步"))
        self.net_btn.setText(self.tr("测试网络"))

    def opened(self) -> None:
        self._open = True
        sync = self.ctx.sync if self.ctx is not None else None
        if sync is not None and self._connected is not sync:
            sync.changed.connect(self._changed)
            self._connected = sync
        self._show_state(sync.snapshot() if sync is not None else None)
        self.reload()

    def closed(self) -> None:
        self._open = False

    def _changed(self, snap: Any) -> None:
        if self._open:
            self._show_state(snap)

    def _show_state(self, snap: Any) -> None:
        sync = self.ctx.sync if self.ctx is not None else None
        if sync is None or not sync.enrolled:
            self.state.setText(self.tr("本机还没有登记到县服务器，报销单先存在本机。"))
            return
        if snap is None or snap.online is None:
            text = self.tr("正在连接县服务器……")
        elif snap.online:
            text = self.tr("已连上县服务器。")
        else:
            text = self.tr("现在连不上县服务器，报销单先存在本机，网络好了会自动上传。")
        if snap is not None and snap.last_success:
            text += " " + self.tr("上次成功：{t}").format(
                t=time.strftime("%H:%M", time.localtime(snap.last_success)))
        self.state.setText(text)

    def reload(self) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        store, sync = ctx.store, ctx.sync
        QueryOp(ctx.tasks, lambda: read_queue(store, sync)).success(self._listed).run()

    def _listed(self, result: tuple[list[QueueRow], int]) -> None:
        rows, total = result
        while self.rows.count():
            item = self.rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        held = sum(1 for r in rows if r.held)
        self.count.setText(self.tr("等待上传 {n} 份，其中被县里退回待处理 {h} 份。")
                           .format(n=total, h=held) if total else self.tr("没有等待上传的报销单。"))
        for r in rows:
            self.rows.addWidget(self._row(r))
        self.listed.emit(len(rows))

    def _row(self, r: QueueRow) -> QWidget:
        frame = QFrame()
        frame.setObjectName("queueRow")
        lay = QHBoxLayout(frame)
        text = self.tr("报销单 {n}，{d} 张收据，合计 {t}").format(
            n=f"{r.claim_id:06d}", d=r.documents, t=r.total or "—")
        if r.held:
            why = r.held.get("detail") or r.held.get("error") or ""
            text += "\n" + self.tr("县里没有接收：{why}").format(why=why)
        lay.addWidget(label(text), 3)
        if r.held:
            retry = big_button(self.tr("重试"), name=f"retry_{r.uid}")
            retry.clicked.connect(lambda _=False, uid=r.uid: self._retry(uid))
            lay.addWidget(retry, 1)
        return frame

    def _retry(self, uid: str) -> None:
        ctx = self.ctx
        sync = ctx.sync if ctx is not None else None
        if ctx is None or sync is None:
            return
        QueryOp(ctx.tasks, lambda: sync.release(uid)).success(
            lambda released: self._retried(uid, released)).run()

    def _retried(self, uid: str, released: bool) -> None:
        sync = self.ctx.sync if self.ctx is not None else None
        if released:
            if sync is not None:
                sync.wake()
            self.panel.say(self.tr("已重新排队，马上再发一次。"))
            self.released.emit(uid)
        else:
            self.panel.say(self.tr("这份报销单已经不在退回名单里了。"))
        self.reload()

    def _sync_now(self) -> None:
        sync = self.ctx.sync if self.ctx is not None else None
        if sync is None or not sync.enrolled:
            self.panel.say(self.tr("本机还没有登记到县服务器。"), error=True)
            return
        sync.wake()
        self.panel.say(self.tr("正在同步……"))
        self.reload()

    def _network_test(self) -> None:
        ctx = self.ctx
        sync = ctx.sync if ctx is not None else None
        if ctx is None or sync is None:
            self.net_result.setText(self.tr("同步功能没有启动。"))
            return
        self.net_btn.setEnabled(False)
        self.net_result.setText(self.tr("正在测试……"))
        QueryOp(ctx.tasks, sync.network_test, io=True).after(
            lambda: self.net_btn.setEnabled(True)).success(self._tested).failure(
            self._not_tested).run()

    def _not_tested(self, exc: Exception) -> None:
        log.warning("network test failed: %s", exc)  # the county or the network, not a bug
        self._tested((False, f"{type(exc).__name__}: {exc}"))

    def _tested(self, result: tuple[bool, str]) -> None:
        ok, detail = result
        self.net_result.setText((self.tr("网络正常：{d}") if ok else self.tr("网络不通：{d}"))
                                .format(d=detail))
