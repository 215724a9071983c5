"""The county server: which one this kiosk delivers to, and enrolment with a one-time code.

Enrolment talks to the network, so it runs on its own thread; the answer is sorted into
what the technician can act on (a wrong or used code, no answer, the certificate is not the
one whose fingerprint was typed).
"""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from kiosk.core.config import Settings
from kiosk.ui.operations import QueryOp
from kiosk.ui.screens.settings.fields import Section, text_input
from kiosk.ui.widgets import TextPad, big_button, label

if TYPE_CHECKING:
    from kiosk.ui.screens.settings.panel import SettingsPanel

log = logging.getLogger("kiosk.ui.settings")


def enrolled_with(home: Path) -> tuple[str, str] | None:
    """(server, device id) of this kiosk's credential, None if it is not enrolled."""
    from kiosk.sync.credentials import CredentialError, DeviceCredential

    try:
        cred = DeviceCredential.load(home)
    except CredentialError:
        return None
    return cred.server, cred.device_id


def enrol(home: Path, url: str, code: str, fingerprint: str) -> tuple[str, str]:
    """Check what was typed and enrol (replacing an earlier credential): the typing of a
    fresh one-time code is the technician's deliberate act."""
    from kiosk.sync.credentials import CredentialError, check_server_url, normalise_pin
    from kiosk.sync.runner import enrol_device

    pin = normalise_pin(fingerprint) if fingerprint.strip() else None
    server = check_server_url(url.strip(), pin)
    if server.startswith("https:") and not pin:
        raise CredentialError("an https server needs the certificate fingerprint")
    if not code.strip():
        raise CredentialError("no enrolment code")
    cred = enrol_device(home, server, code.strip(), f"kiosk {socket.gethostname()}", pin)
    log.info("enrolled as %s with %s", cred.device_id, cred.server)
    return cred.server, cred.device_id


class ServerSection(Section):
    key = "server"
    enrolled = Signal(str)  # the new device id

    def __init__(self, panel: SettingsPanel) -> None:
        super().__init__(panel)
        self.status = label(role="large", name="enrolStatus")
        self.url_caption = label(role="hint")
        self.url = text_input("serverUrl", "https://county.example:8443")
        self.code_caption = label(role="hint")
        self.code = text_input("enrolCode", "ABCD-EFGH")
        self.fp_caption = label(role="hint")
        self.fingerprint = text_input("serverFingerprint")
        self.enrol_btn = big_button("", kind="confirm", name="enrolDevice")
        self.enrol_btn.clicked.connect(self._enrol)
        self.result = label(name="enrolResult")
        self.keys = TextPad()  # the kiosk has no keyboard: type the address and code here
        self.keys.attach(self.url, self.code, self.fingerprint)
        # portrait: fields, keyboard, button one under the other; landscape: the keyboard
        # beside the fields, so that all of it is in view without scrolling
        self.fields_box, self.actions_box = QWidget(), QWidget()
        fields = QVBoxLayout(self.fields_box)
        actions = QVBoxLayout(self.actions_box)
        for lay in (fields, actions):
            lay.setContentsMargins(0, 0, 0, 0)
            lay.setSpacing(16)
        for w in (self.status, self.url_caption, self.url, self.code_caption, self.code,
                  self.fp_caption, self.fingerprint):
            fields.addWidget(w)
        actions.addWidget(self.enrol_btn)
        actions.addWidget(self.result)
        actions.addStretch(1)
        self.grid = QGridLayout()
        self.grid.setSpacing(24)
        self.box.addLayout(self.grid)
        self.box.addStretch(1)
        self.arrange(False)
        self._current: tuple[str, str] | None = None

    def title(self) -> str:
        return self.tr("县服务器")

    def arrange(self, landscape: bool) -> None:
        for w in (self.fields_box, self.keys, self.actions_box):
            self.grid.removeWidget(w)
        if landscape:
            self.grid.addWidget(self.fields_box, 0, 0)
            self.grid.addWidget(self.actions_box, 1, 0)
            self.grid.addWidget(self.keys, 0, 1, 2, 1, Qt.AlignmentFlag.AlignTop)
            self.grid.setColumnStretch(0, 2)
            self.grid.setColumnStretch(1, 3)
        else:
            self.grid.addWidget(self.fields_box, 0, 0)
            self.grid.addWidget(self.keys, 1, 0)
            self.grid.addWidget(self.actions_box, 2, 0)
            self.grid.setColumnStretch(0, 1)
            self.grid.setColumnStretch(1, 0)

    def retranslate(self) -> None:
        super().retranslate()
        self.url_caption.setText(self.tr("县服务器地址"))
        self.code_caption.setText(self.tr("一次性登记码（县里的管理员给）"))
        self.fp_caption.setText(self.tr("服务器证书指纹（SHA-256，https 时必填）"))
        self.enrol_btn.setText(self.tr("登记本机"))
        self._show_status()

    def refresh(self, settings: Settings) -> None:
        pass

    def opened(self) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        home = ctx.home
        QueryOp(ctx.tasks, lambda: enrolled_with(home)).success(self._status_read).run()

    def is_enrolled(self) -> bool:
        """As last read (on opening) or just enrolled."""
        return self._current is not None

    def _status_read(self, current: tuple[str, str] | None) -> None:
        self._current = current
        if self._current and not self.url.text():
            self.url.setText(self._current[0])
        self._show_status()

    def _show_status(self) -> None:
        if self._current is None:
            self.status.setText(self.tr("本机还没有登记到县服务器。"))
        else:
            server, device = self._current
            self.status.setText(self.tr("已登记：{server}\n本机编号：{device}")
                                .format(server=server, device=device))

    def _enrol(self) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        home, url, code = ctx.home, self.url.text(), self.code.text()
        fingerprint = self.fingerprint.text()
        self.enrol_btn.setEnabled(False)
        self.result.setText(self.tr("正在连接县服务器……"))
        QueryOp(ctx.tasks, lambda: enrol(home, url, code, fingerprint), io=True).after(
            lambda: self.enrol_btn.setEnabled(True)).success(self._enrol_done).failure(
            self._not_enrolled).run()

    def _not_enrolled(self, exc: Exception) -> None:
        from kiosk.sync.client import Blocked, Refused, ServerFault, Transient
        from kiosk.sync.credentials import CredentialError

        if isinstance(exc, CredentialError):
            self.result.setText(self.tr("填写的内容不对：{why}").format(why=exc))
        elif isinstance(exc, Refused):
            text = {"enrol_code_unknown": self.tr("登记码不对，请核对后再输入。"),
                    "enrol_code_used": self.tr("这个登记码已经用过了，请向县里要一个新的。"),
                    "enrol_code_expired": self.tr("这个登记码已经过期了，请向县里要一个新的。"),
                    }.get(exc.error, self.tr("县服务器拒绝了登记：{why}").format(why=exc.error))
            self.result.setText(text)
        elif isinstance(exc, Blocked):
            log.warning("enrolment blocked: %s", exc)
            self.result.setText(self.tr("服务器的证书和填写的指纹对不上，没有登记。"
                                        "请核对指纹，或检查是不是连错了服务器。"))
        elif isinstance(exc, ServerFault):  # an answer, but not the county API's
            log.warning("enrolment: not a county server: %s", exc)
            self.result.setText(self.tr("这个地址有服务器回答，但回答看不懂，不是县医保服务器。"
                                        "请核对地址和端口。没有登记。"))
        elif isinstance(exc, Transient):
            log.warning("enrolment: county unreachable: %s", exc)
            self.result.setText(self.tr("连不上县服务器，请检查地址和网络。"))
        else:
            raise exc  # enrolment names its own failures: anything else is a bug

    def _enrol_done(self, result: tuple[str, str]) -> None:
        server, device = result
        self._current = (server, device)
        self.code.clear()
        self._show_status()
        self.result.setText(self.tr("登记成功，开始同步。"))
        sync = self.ctx.sync if self.ctx is not None else None
        if sync is not None:
            sync.restart()
        self.enrolled.emit(device)
