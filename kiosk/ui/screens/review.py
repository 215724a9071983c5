"""What was read, in big type: hospital, date, total, payer, the items, and the refund in words.

Fields the engine was unsure of (low confidence, not found, an item not in the catalog) are
highlighted. A signed-in assistant taps any field to correct it (unsure ones are listed first;
the editors are in `correct.py`); in self-service the resident sees the highlighted fields with
a note that the assistant or the county will check them, and can still confirm.

Several receipts: "第2张，共3张" with buttons to go through them; "重新拍这张" retakes the one
shown, whichever it is. The estimate is one plain sentence; the calculation steps wait behind
"看计算过程". The receipt's picture stands above the fields (portrait) or beside them
(landscape), to compare with the paper; a tap shows it large. Fields and estimate share one
scroll area.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QImage, QMouseEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.claims.desk import ClaimAmounts, Receipt
from kiosk.ui.i18n import stored_text
from kiosk.ui.pictures import Picture, PictureLoader
from kiosk.ui.screens.base import Screen
from kiosk.ui.screens.correct import CorrectionPanel
from kiosk.ui.screens.correct_search import CatalogSearch
from kiosk.ui.widgets import ReceiptPicture, big_button, label, restyle, scroll_area

UNSURE_BELOW = 0.85
FIELDS = ("hospital", "issue_date", "total", "payer_name")
# everything else that feeds the estimate, corrected by a signed-in assistant (the kind of
# paper decides what counts, the hospital's fund payment what is left to refund)
DETAILS = ("doc_type", "invoice_number", "invoice_code", "fund_paid", "account_paid",
           "cash_paid", "other_paid")
ROWS = FIELDS + DETAILS
PAYMENTS = ("fund_paid", "account_paid", "cash_paid", "other_paid")
RECEIPT_TYPES = ("outpatient_invoice", "inpatient_invoice", "expense_list")
NOT_RECEIPT, UNREAD = "not_receipt", "unread"


def flagged(doc: Mapping[str, Any]) -> set[str]:
    """The fields recognition itself asks a person to check (its `low_confidence` check,
    "please check: payer_name, total")."""
    out: set[str] = set()
    for check in doc.get("checks") or []:
        if isinstance(check, Mapping) and check.get("code") == "low_confidence":
            listed = str(check.get("message", "")).split(":", 1)[-1]
            out.update(k.strip() for k in listed.split(",") if k.strip())
    return out


def shown_value(doc: Mapping[str, Any], key: str) -> Any:
    """What a row shows: the 日期 row is the issue date, else the visit date."""
    value = doc.get(key)
    if key == "issue_date" and value in (None, ""):
        return doc.get("visit_date")
    return value


def unsure(doc: Mapping[str, Any], key: str) -> bool:
    """Missing (a main field), flagged by recognition, or read with a low confidence."""
    value = shown_value(doc, key)
    if value in (None, ""):
        return key in FIELDS or (key == "invoice_number"
                                 and doc.get("doc_type") in ("outpatient_invoice",
                                                             "inpatient_invoice"))
    conf_key = "visit_date" if key == "issue_date" and not doc.get(key) else key
    if conf_key in flagged(doc):
        return True
    conf = (doc.get("confidence") or {}).get(conf_key)
    return conf is not None and float(conf) < UNSURE_BELOW


def unsure_fields(receipt: Receipt) -> list[str]:
    """The fields still to check: unsure as read, and not corrected since."""
    doc, fixed = receipt.current, receipt.corrected_fields
    return [k for k in ROWS if k not in fixed and unsure(doc, k)]


def page_problem(receipt: Receipt) -> str:
    """Why a page cannot go in as it is: `not_receipt` (recognition found no receipt on it),
    `unread` (a receipt, but nothing on it was read) or "" — once a person corrected
    anything on it, it is theirs and goes in as they left it."""
    if receipt.corrections:
        return ""
    doc = receipt.current
    if doc.get("doc_type") not in (*RECEIPT_TYPES, "payment_slip"):
        return NOT_RECEIPT
    read = [k for k in (*FIELDS, "visit_date", "invoice_number") if doc.get(k)]
    return "" if read or doc.get("items") else UNREAD


def unmatched_items(audit: Mapping[str, Any] | None, document: int) -> set[int]:
    """Items of one receipt that the catalog did not recognise (by the audit's matching)."""
    return {int(it.get("item", -1)) for it in (audit or {}).get("items", [])
            if it.get("document") == document and it.get("kind") == "none"}


def _money(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


class _Field(QFrame):
    edit = Signal(str)

    def __init__(self, key: str) -> None:
        super().__init__()
        self.setObjectName("reviewField")
        self.key = key
        lay = QHBoxLayout(self)
        self.name = label(role="large")
        self.value = label(role="large", name=f"value_{key}")
        self.edit_btn = big_button("", name=f"edit_{key}")
        self.edit_btn.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.edit_btn.clicked.connect(lambda: self.edit.emit(self.key))
        lay.addWidget(self.name, 1)
        lay.addWidget(self.value, 2)
        lay.addWidget(self.edit_btn)

    def retranslate(self, name: str, edit: str) -> None:
        self.name.setText(name)
        self.edit_btn.setText(edit)

    def set_editable(self, editable: bool) -> None:
        self.edit_btn.setVisible(editable)

    def show_value(self, text: str, is_unsure: bool) -> None:
        self.value.setText(text)
        self.setProperty("unsure", is_unsure)
        restyle(self)
        for child in self.findChildren(QWidget):
            restyle(child)

    def is_unsure(self) -> bool:
        return bool(self.property("unsure"))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """The whole row is a target when it can be corrected, not only its button."""
        if self.edit_btn.isVisible() and event.button() == Qt.MouseButton.LeftButton:
            self.edit.emit(self.key)
        super().mouseReleaseEvent(event)


class ReviewScreen(Screen):
    confirmed = Signal()
    retake = Signal(int)  # the index of the receipt shown
    add_another = Signal()
    corrected = Signal(int, str, object)  # receipt index, receipt JSON key, new value
    skip = Signal(int)  # leave the page at this index out of the claim
    cancelled = Signal()  # the resident does not file after all (confirmed by a second tap)
    _index: int  # the receipt shown
    scroll: QScrollArea  # type: ignore[assignment]  # the receipt's fields (QWidget.scroll)
    help_wanted = Signal()  # "请协理员来帮忙" was tapped

    def __init__(self, search: CatalogSearch | None = None, *, pictures: PictureLoader) -> None:
        super().__init__()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 32, 48, 32)
        self.inner = QStackedWidget()
        outer.addWidget(self.inner)
        self.view = QWidget()
        self.editor = CorrectionPanel(search)
        self.editor.done.connect(self._edited)
        self.editor.cancelled.connect(self.show_review)
        self.zoom = QWidget()
        zoom_lay = QVBoxLayout(self.zoom)
        zoom_lay.setContentsMargins(0, 0, 0, 0)
        self.zoom_picture = ReceiptPicture(name="receiptPictureLarge", band=False)
        self.zoom_picture.tapped.connect(self.show_review)
        self.zoom_back = big_button("", kind="back", name="closePicture")
        self.zoom_back.clicked.connect(self.show_review)
        zoom_lay.addWidget(self.zoom_picture, 1)
        zoom_lay.addWidget(self.zoom_back)
        self.inner.addWidget(self.view)
        self.inner.addWidget(self.editor)
        self.inner.addWidget(self.zoom)

        lay = QVBoxLayout(self.view)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(16)
        self.title = label(role="title")
        lay.addWidget(self.title)
        pager = QHBoxLayout()
        self.prev_btn = big_button("", name="prevReceipt")
        self.count = label(role="large", name="receiptCount", wrap=False)
        self.count.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.next_btn = big_button("", name="nextReceipt")
        self.prev_btn.clicked.connect(lambda: self.go_to(self._index - 1))
        self.next_btn.clicked.connect(lambda: self.go_to(self._index + 1))
        pager.addWidget(self.prev_btn, 1)
        pager.addWidget(self.count, 2)
        pager.addWidget(self.next_btn, 1)
        lay.addLayout(pager)

        body = QWidget()
        body_lay = QVBoxLayout(body)
        body_lay.setContentsMargins(0, 0, 0, 0)
        body_lay.setSpacing(12)
        self.page_note = label(role="hint", name="pageNote")
        body_lay.addWidget(self.page_note)
        # a page that is no receipt, or that nothing was read from: said plainly, with what
        # to do next (retake it, ask the assistant, leave it out)
        self.problem = QFrame()
        self.problem.setObjectName("pageProblem")
        problem_lay = QVBoxLayout(self.problem)
        self.problem_title = label(role="title", name="pageProblemTitle")
        self.problem_text = label(role="large", name="pageProblemText")
        self.problem_retake = big_button("", kind="primary", name="problemRetake")
        self.problem_help = big_button("", name="problemHelp")
        self.problem_skip = big_button("", name="problemSkip")
        self.problem_retake.clicked.connect(lambda: self.retake.emit(self._index))
        self.problem_help.clicked.connect(self._help)
        self.problem_skip.clicked.connect(lambda: self.skip.emit(self._index))
        for w in (self.problem_title, self.problem_text, self.problem_retake,
                  self.problem_help, self.problem_skip):
            problem_lay.addWidget(w)
        self.problem.hide()
        body_lay.addWidget(self.problem)
        self.fields = {k: _Field(k) for k in ROWS}
        self._fields_lay = QVBoxLayout()
        self._fields_lay.setSpacing(12)
        for f in self.fields.values():
            f.edit.connect(self._edit_field)
            self._fields_lay.addWidget(f)
        body_lay.addLayout(self._fields_lay)
        self.items_caption = label(role="large")
        body_lay.addWidget(self.items_caption)
        self.items_box = QWidget()
        self._items_lay = QVBoxLayout(self.items_box)
        self._items_lay.setContentsMargins(0, 0, 0, 0)
        body_lay.addWidget(self.items_box)
        self.unsure_note = label(role="hint", name="unsureNote")
        body_lay.addWidget(self.unsure_note)
        # the estimate right under the fields it is made from, in the same scroll area: no
        # empty space between them, no sentence squeezed into a box of its own, and one
        # scroll bar at most, the calculation steps included
        self.refund = label(name="refundSentence")
        self.example_note = label(role="hint", name="examplePolicy")
        self.warnings = label(role="large", name="auditWarnings")
        self.steps_btn = big_button("", name="showSteps")
        self.steps_btn.setCheckable(True)
        self.steps_btn.toggled.connect(self._toggle_steps)
        self.steps = label(name="calcSteps")
        self.steps.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.steps.hide()
        for w in (self.refund, self.example_note, self.warnings, self.steps_btn, self.steps):
            body_lay.addWidget(w)
        body_lay.addStretch(1)
        self.scroll = scroll_area(body)
        # the receipt's picture, to compare with the paper: above the fields on a portrait
        # screen, beside them on a landscape one; a tap shows it large
        self.pictures = pictures
        pictures.setParent(self)
        self._large: QImage | None = None  # the picture shown, at the enlarged view's size
        self.pictures.ready.connect(self._picture_ready)
        self.picture = ReceiptPicture()
        self.picture.tapped.connect(self._enlarge)
        self._split = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self._split.setSpacing(16)
        self._split.addWidget(self.picture, 0)
        self._split.addWidget(self.scroll, 1)
        lay.addLayout(self._split, 1)

        self.blocked_note = label(role="large", name="blockedNote")
        self.blocked_note.hide()
        lay.addWidget(self.blocked_note)
        more = QHBoxLayout()
        self.cancel_btn = big_button("", kind="back", name="cancelClaim")
        self.cancel_btn.clicked.connect(self._cancel)
        self.add_btn = big_button("", name="addReceipt")
        self.add_btn.clicked.connect(self.add_another)
        more.addWidget(self.cancel_btn, 1)
        more.addWidget(self.add_btn, 2)
        lay.addLayout(more)
        row = QHBoxLayout()
        self.retake_btn = big_button("", kind="back", name="retake")
        self.confirm_btn = big_button("", kind="confirm", name="confirmClaim")
        self.retake_btn.clicked.connect(lambda: self.retake.emit(self._index))
        self.confirm_btn.clicked.connect(self.confirmed)
        row.addWidget(self.retake_btn, 1)
        row.addWidget(self.confirm_btn, 2)
        lay.addLayout(row)

        self._receipts: list[Receipt] = []
        self._item_btns: list[QPushButton] = []
        self._index = 0
        self._audit: Mapping[str, Any] | None = None
        self._can_edit = False
        self._recalculating = False
        self._cancel_armed = False
        self.hospitals: list[str] = []  # offered when the hospital is corrected
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("请核对收据上的内容"))
        names = {"hospital": self.tr("医院"), "issue_date": self.tr("日期"),
                 "total": self.tr("总金额"), "payer_name": self.tr("姓名"),
                 "doc_type": self.tr("票据类型"), "invoice_number": self.tr("票据号码"),
                 "invoice_code": self.tr("票据代码"), "fund_paid": self.tr("医保统筹支付"),
                 "account_paid": self.tr("个人账户支付"), "cash_paid": self.tr("个人现金支付"),
                 "other_paid": self.tr("其他支付")}
        for key, f in self.fields.items():
            f.retranslate(names[key], self.tr("修改"))
        self.items_caption.setText(self.tr("收费项目"))
        self.prev_btn.setText(self.tr("◀ 上一张"))
        self.next_btn.setText(self.tr("下一张 ▶"))
        self.retake_btn.setText(self.tr("重新拍这张"))
        self.add_btn.setText(self.tr("再加一张收据"))
        self.confirm_btn.setText(self.tr("没错，提交"))
        self._show_cancel()
        self.problem_retake.setText(self.tr("重新拍这一张"))
        self.problem_help.setText(self.tr("请协理员来帮忙"))
        self.problem_skip.setText(self.tr("不要这一张，跳过"))
        self.zoom_back.setText(self.tr("← 返回核对"))
        self.picture.setAccessibleName(self.tr("收据的照片，点一下放大"))
        self._toggle_steps(self.steps_btn.isChecked())
        if self._receipts:
            self._refresh()

    # --- what the window tells it -----------------------------------------------------------

    def show_receipts(self, receipts: Sequence[Receipt], index: int,
                      audit: Mapping[str, Any] | None, *, can_edit: bool) -> None:
        """All receipts so far, the one at `index` shown; the estimate covers them all."""
        self._receipts = list(receipts)
        self._index = max(0, min(index, len(self._receipts) - 1))
        self._audit = audit
        self._can_edit = can_edit
        self._recalculating = False
        self._cancel_armed = False
        self.show_review()
        self._refresh()

    def show_audit(self, audit: Mapping[str, Any] | None) -> None:
        """A new estimate after a correction (the receipts shown stay)."""
        self._audit = audit
        self._recalculating = False
        self._refresh()

    def close_pictures(self) -> None:
        """Stop the picture loader's threads (the kiosk is closing)."""
        self.pictures.close()

    def set_filing(self, filing: bool) -> None:
        """While the claim is being filed it cannot be confirmed a second time."""
        self.confirm_btn.setEnabled(not filing)

    def set_recalculating(self) -> None:
        """A correction was made: the estimate is being worked out again."""
        self._recalculating = True
        self._refresh()

    def go_to(self, index: int) -> None:
        if 0 <= index < len(self._receipts):
            self._index = index
            self.show_review()
            self._refresh()
            self.scroll.verticalScrollBar().setValue(0)

    @property
    def index(self) -> int:
        return self._index

    def show_review(self) -> None:
        self.inner.setCurrentWidget(self.view)

    # --- drawing ----------------------------------------------------------------------------

    def _refresh(self) -> None:
        if not self._receipts:
            return
        n, receipt = len(self._receipts), self._receipts[self._index]
        doc = receipt.current
        self.count.setText(self.tr("第{i}张，共{n}张").format(i=self._index + 1, n=n))
        for w in (self.prev_btn, self.count, self.next_btn):
            w.setVisible(n > 1)
        self.prev_btn.setEnabled(self._index > 0)
        self.next_btn.setEnabled(self._index < n - 1)
        self.page_note.setText(self.tr("文件第{p}页").format(p=receipt.page)
                               if receipt.page else "")
        self.page_note.setVisible(bool(receipt.page))
        doubtful = unsure_fields(receipt)
        missing = self.tr("没有读到")
        kinds = self._kinds()
        for key, f in self.fields.items():
            value = shown_value(doc, key)
            text = str(value) if value not in (None, "") else missing
            if key == "doc_type":
                text = kinds.get(str(value), self.tr("认不出"))
            elif (key == "total" or key in PAYMENTS) and value not in (None, ""):
                text = self.tr("{amount} 元").format(amount=value)
            f.show_value(text, key in doubtful)
            f.set_editable(self._can_edit)
            # the details are the assistant's to check; the resident sees the fund's payment
            # when there is one, since the refund sentence counts it
            f.setVisible(key in FIELDS or self._can_edit
                         or (key == "fund_paid" and value not in (None, "")))
        # unsure fields first when the assistant is correcting
        order = sorted(ROWS, key=lambda k: (self._can_edit and k not in doubtful,
                                            k not in FIELDS, ROWS.index(k)))
        for i, key in enumerate(order):
            self._fields_lay.insertWidget(i, self.fields[key])
        unknown = self._show_items(doc, receipt)
        anything = bool(doubtful or unknown)
        if self._can_edit:
            note = self.tr("黄色的地方没有看清楚，请点“修改”核对。")
        else:
            note = self.tr("黄色的地方机器没有看清楚，协理员或县医保局会帮您核对，您可以先提交。")
        self.unsure_note.setText(note)
        problem = page_problem(receipt)
        self.unsure_note.setVisible(anything and not problem)
        self._show_problem(problem)
        self._show_estimate()
        self._show_picture(receipt)

    def _kinds(self) -> dict[str, str]:
        return {"outpatient_invoice": self.tr("门诊收费票据"),
                "inpatient_invoice": self.tr("住院收费票据"),
                "expense_list": self.tr("费用清单"),
                "payment_slip": self.tr("缴费凭条（不能单独报销）"),
                "unknown": self.tr("认不出")}

    def _show_problem(self, problem: str) -> None:
        if problem == NOT_RECEIPT:
            self.problem_title.setText(self.tr("这一张机器认不出是看病的收据"))
            self.problem_text.setText(self.tr(
                "机器没有在这张照片上找到医院的发票或费用清单。如果它是收据，请把它放平、"
                "放全再拍一次；不是收据的，请跳过它。"))
        elif problem == UNREAD:
            self.problem_title.setText(self.tr("这张收据机器没能读出来"))
            self.problem_text.setText(self.tr(
                "机器认出这是收据，但是没能读出上面的字。这不是您的错：请重新拍一次，"
                "或者请协理员照着纸上的字帮您填上。"))
        self.problem.setVisible(bool(problem))
        self.problem_skip.setEnabled(len(self._receipts) > 1 or bool(problem))
        self.problem_help.setVisible(not self._can_edit)

    def blocking_pages(self) -> list[int]:
        """The pages (0-based) that cannot be filed as they are (see `page_problem`)."""
        return [i for i, r in enumerate(self._receipts) if page_problem(r)]

    def _help(self) -> None:
        self.problem_text.setText(self.tr(
            "请向旁边的协理员招手，或者到服务台找协理员。协理员来之前，这些收据会一直留在这里。"))
        self.help_wanted.emit()

    def _cancel(self) -> None:
        """The first tap asks, the second goes home: a slip of the finger loses nothing."""
        if self._cancel_armed:
            self._cancel_armed = False
            self.cancelled.emit()
            return
        self._cancel_armed = True
        self._show_cancel()

    def _show_cancel(self) -> None:
        self.cancel_btn.setText(self.tr("确定不报了？再点一次") if self._cancel_armed
                                else self.tr("不报了，回首页"))

    def _show_items(self, doc: Mapping[str, Any], receipt: Receipt) -> set[int]:
        while self._items_lay.count():
            item = self._items_lay.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.hide()
                w.deleteLater()
        items = list(doc.get("items") or [])
        original = list(receipt.recognition.get("items") or [])
        renamed = {i for i, it in enumerate(items)
                   if i >= len(original) or it.get("name") != original[i].get("name")}
        unknown = unmatched_items(self._audit, self._index) - renamed
        self.items_caption.setVisible(bool(items))
        self._item_btns = []
        for i, it in enumerate(items):
            cls = it.get("insurance_class")
            parts = [str(it.get("name") or "—"),
                     self.tr("{amount} 元").format(amount=it.get("amount") or "—")]
            if cls:
                parts.append(self.tr("{c}类").format(c=cls))
            b = big_button("   ".join(parts), name=f"item_{i}")
            b.setProperty("kind", "item")
            b.setProperty("unsure", i in unknown)
            b.setEnabled(self._can_edit)
            b.clicked.connect(lambda _=False, n=i: self._edit_item(n))
            self._items_lay.addWidget(b)
            self._item_btns.append(b)
        return unknown

    def item_buttons(self) -> list[QPushButton]:
        """The receipt's lines on screen, in printed order (for tests and screenshots)."""
        return list(self._item_btns)

    def _show_estimate(self) -> None:
        audit = self._audit
        estimate = (audit or {}).get("refund_estimate") or {}
        amounts = ClaimAmounts.of(self._receipts, audit)
        blocked = self.blocking_pages()
        self.confirm_btn.setEnabled(not self._recalculating and not blocked)
        self.blocked_note.setText(self.tr("第{n}张还没有处理好（重新拍、请协理员填上，或者跳过），"
                                          "处理好才能提交。").format(
            n="、".join(str(i + 1) for i in blocked)))
        self.blocked_note.setVisible(bool(blocked))
        if self._recalculating:
            self.refund.setText(self.tr("正在重新计算……"))
        elif amounts.refund is None:
            self.refund.setText(self.tr("现在算不出能报多少，县医保局审核后会告诉您。"))
        else:
            self.refund.setText(self._sentence(amounts))
        self.example_note.setText(self.tr("（按示例政策估算，以县医保局审核为准）"))
        self.example_note.setVisible(bool(estimate.get("example_policy")))
        lines = []
        for f in (audit or {}).get("findings", []):
            if f.get("severity") in ("error", "warning"):
                mark = "✖ " if f.get("severity") == "error" else "！"
                lines.append(mark + stored_text(f, "message"))
        self.warnings.setText("\n".join(lines))
        self.warnings.setVisible(bool(lines))
        steps = [stored_text(s, "text") for s in estimate.get("steps", [])]
        self.steps.setText("\n".join(f"{i}. {t}" for i, t in enumerate(steps, 1)))
        self.steps_btn.setVisible(bool(steps))
        if not steps and self.steps_btn.isChecked():
            self.steps_btn.setChecked(False)

    def _sentence(self, amounts: ClaimAmounts) -> str:
        """The refund in words, with the claim's total as the fields above add it up."""
        total = _money(amounts.total) or Decimal(0)
        refund = _money(amounts.refund) or Decimal(0)
        settled = _money(amounts.settled) or Decimal(0)
        own = max(Decimal(0), total - settled - refund)
        if refund <= 0:  # "能报大约0.00元" reads like a mistake: say it plainly, and why to look
            if settled > 0:
                return self.tr("看病一共花了{total}元，医院已经用医保付了{settled}元。按估算，"
                               "这次没有可以再报的钱，县医保局审核后会告诉您结果。").format(
                    total=f"{total:.2f}", settled=f"{settled:.2f}")
            return self.tr("看病一共花了{total}元。按估算，这次没有可以报的钱，"
                           "原因请看计算过程；县医保局审核后会告诉您结果。").format(
                total=f"{total:.2f}")
        if settled > 0:
            return self.tr("看病一共花了{total}元，医院已经用医保付了{settled}元，这次还能报"
                           "大约{refund}元，自己负担{own}元。").format(
                total=f"{total:.2f}", settled=f"{settled:.2f}", refund=f"{refund:.2f}",
                own=f"{own:.2f}")
        return self.tr("看病一共花了{total}元，医保能报大约{refund}元，自己负担{own}元。").format(
            total=f"{total:.2f}", refund=f"{refund:.2f}", own=f"{own:.2f}")

    def _toggle_steps(self, shown: bool) -> None:
        self.steps.setVisible(shown)
        self.steps_btn.setText(self.tr("收起计算过程") if shown else self.tr("看计算过程"))
        if shown:  # the steps come into view below their button, once laid out
            QTimer.singleShot(0, self.scroll, self._scroll_to_steps)

    def _scroll_to_steps(self) -> None:
        bar = self.scroll.verticalScrollBar()
        bar.setValue(min(bar.maximum(), self.steps_btn.y()))

    def arrange(self, landscape: bool) -> None:
        """The picture beside the fields on a landscape screen, above them on a portrait one."""
        self._split.setDirection(QBoxLayout.Direction.LeftToRight if landscape
                                 else QBoxLayout.Direction.TopToBottom)
        self.picture.arrange(landscape)
        self.editor.set_landscape(landscape)

    # --- the receipt's picture --------------------------------------------------------------

    def _show_picture(self, receipt: Receipt) -> None:
        if not receipt.image:
            self.picture.hide()
            return
        self.picture.show()
        made = self.pictures.get(receipt.image, receipt.page)
        self._large = made.large if made is not None else None
        if made is None:
            self.picture.show_image(None, self.tr("正在显示收据的照片……"))
            self.pictures.request(receipt.image, receipt.page)
        else:
            self.picture.show_image(made.small, "")

    def _picture_ready(self, data: bytes, page: int | None, made: Picture | None) -> None:
        if not self._receipts:
            return
        receipt = self._receipts[self._index]
        if receipt.image is data and receipt.page == page:
            self._large = made.large if made is not None else None
            self.picture.show_image(made.small if made is not None else None,
                                    "" if made is not None else self.tr("这张照片显示不出来"))

    def _enlarge(self) -> None:
        if self._large is not None:
            self.zoom_picture.show_image(self._large, "")
            self.inner.setCurrentWidget(self.zoom)

    # --- corrections ------------------------------------------------------------------------

    def _edit_field(self, key: str) -> None:
        if not self._can_edit or not self._receipts:
            return
        doc = self._receipts[self._index].current
        current = doc.get(key)
        shown = None if current in (None, "") else str(current)
        if key == "issue_date":
            self.editor.edit_date(key, self.tr("输入开票日期（年月日8位数字）"), shown)
        elif key == "total":
            self.editor.edit_money(key, self.tr("输入收据上的总金额"), shown)
        elif key in PAYMENTS:
            self.editor.edit_money(key, self.tr("输入收据上的“{name}”（没有印就输入0）").format(
                name=self.fields[key].name.text()), shown, zero_ok=True)
        elif key in ("invoice_number", "invoice_code"):
            self.editor.edit_code(key, self.tr("输入收据上的“{name}”").format(
                name=self.fields[key].name.text()), shown)
        elif key == "doc_type":
            kinds = self._kinds()
            self.editor.edit_choice(key, self.tr("这是哪一种单据？"), shown,
                                    [(k, kinds[k]) for k in (*RECEIPT_TYPES, "payment_slip",
                                                             "unknown")])
        elif key == "hospital":
            seen = [r.current.get("hospital") for r in self._receipts] + self.hospitals
            self.editor.edit_text(key, self.tr("输入医院名称"), shown,
                                  [str(h) for h in seen if h])
        else:
            self.editor.edit_text(key, self.tr("输入交款人姓名"), shown)
        self.inner.setCurrentWidget(self.editor)

    def _edit_item(self, index: int) -> None:
        if not self._can_edit or not self._receipts:
            return
        items = self._receipts[self._index].current.get("items") or []
        if 0 <= index < len(items):
            self.editor.edit_item(items, index)
            self.inner.setCurrentWidget(self.editor)

    def _edited(self, key: str, value: Any) -> None:
        self.show_review()
        self.corrected.emit(self._index, key, value)

    def reset(self) -> None:
        self._receipts, self._index, self._audit = [], 0, None
        self._can_edit = self._recalculating = self._cancel_armed = False
        self._show_cancel()
        self.problem.hide()
        self.blocked_note.hide()
        self.scroll.verticalScrollBar().setValue(0)  # the next resident starts at the top
        self.pictures.forget()
        self._large = None
        self.picture.show_image(None, "")
        self.zoom_picture.show_image(None, "")
        self.hospitals = []
        self.editor.reset()
        self.show_review()
        self.steps_btn.setChecked(False)
        self.count.setText("")
        for f in self.fields.values():
            f.show_value("", False)
        self._show_items({}, Receipt(b"", {}))
        self.refund.setText("")
        self.warnings.setText("")
        self.steps.setText("")
