"""What was read, in big type: hospital, date, total, the estimated refund and why.

Fields the engine was unsure of (low confidence, or not found) are highlighted; the assistant
corrects them (next step: editing with the catalog's pinyin search). One large button confirms.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from kiosk.ui.i18n import domain_text
from kiosk.ui.screens.base import Screen
from kiosk.ui.widgets import big_button, label, restyle

UNSURE_BELOW = 0.85
FIELDS = ("hospital", "issue_date", "total")


def unsure(doc: Mapping[str, Any], key: str) -> bool:
    """Missing, or read with a confidence under the threshold."""
    if doc.get(key) in (None, ""):
        return True
    conf = (doc.get("confidence") or {}).get(key)
    return conf is not None and float(conf) < UNSURE_BELOW


class _Field(QFrame):
    def __init__(self, key: str) -> None:
        super().__init__()
        self.setObjectName("reviewField")
        self.key = key
        lay = QHBoxLayout(self)
        self.name = label(role="large")
        self.value = label(role="large", name=f"value_{key}")
        lay.addWidget(self.name, 1)
        lay.addWidget(self.value, 2)

    def show_value(self, text: str, is_unsure: bool) -> None:
        self.value.setText(text)
        self.setProperty("unsure", is_unsure)
        restyle(self)
        for child in self.findChildren(QWidget):
            restyle(child)


class ReviewScreen(Screen):
    confirmed = Signal()
    retake = Signal()
    add_another = Signal()

    def __init__(self) -> None:
        super().__init__()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 32, 48, 32)
        outer.setSpacing(16)
        self.title = label(role="title")
        self.count = label(role="large", name="receiptCount")
        outer.addWidget(self.title)
        outer.addWidget(self.count)
        self.fields = {k: _Field(k) for k in FIELDS}
        for f in self.fields.values():
            outer.addWidget(f)
        self.refund_caption = label(role="large")
        self.refund = label(name="refundAmount")
        outer.addWidget(self.refund_caption)
        outer.addWidget(self.refund)
        self.why = label(name="refundWhy")
        self.why.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.why)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll, 1)
        self.unsure_note = label(role="hint", name="unsureNote")
        outer.addWidget(self.unsure_note)
        self.add_btn = big_button("", name="addReceipt")
        self.add_btn.clicked.connect(self.add_another)
        outer.addWidget(self.add_btn)
        row = QHBoxLayout()
        self.retake_btn = big_button("", kind="back", name="retake")
        self.confirm_btn = big_button("", kind="confirm", name="confirmClaim")
        self.retake_btn.clicked.connect(self.retake)
        self.confirm_btn.clicked.connect(self.confirmed)
        row.addWidget(self.retake_btn, 1)
        row.addWidget(self.confirm_btn, 2)
        outer.addLayout(row)
        self._doc: Mapping[str, Any] = {}
        self._audit: Mapping[str, Any] | None = None
        self._count = 0
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("请核对收据上的内容"))
        self.fields["hospital"].name.setText(self.tr("医院"))
        self.fields["issue_date"].name.setText(self.tr("日期"))
        self.fields["total"].name.setText(self.tr("总金额"))
        self.refund_caption.setText(self.tr("预计可以报销"))
        self.unsure_note.setText(self.tr("黄色的地方没有看清楚，请协理员核对。"))
        self.retake_btn.setText(self.tr("重新拍"))
        self.add_btn.setText(self.tr("再加一张收据"))
        self.confirm_btn.setText(self.tr("没错，提交"))
        if self._doc:
            self.show_claim(self._doc, self._audit, self._count)

    def show_claim(self, doc: Mapping[str, Any], audit: Mapping[str, Any] | None,
                   count: int = 1) -> None:
        """The latest receipt's fields; the estimate covers all `count` receipts so far."""
        self._doc, self._audit, self._count = doc, audit, count
        self.count.setText(self.tr("共{n}张收据").format(n=count))
        self.count.setVisible(count > 1)
        missing = self.tr("没有读到")
        for key, field in self.fields.items():
            value = doc.get(key)
            text = str(value) if value not in (None, "") else missing
            if key == "total" and value not in (None, ""):
                text = self.tr("{amount} 元").format(amount=value)
            field.show_value(text, unsure(doc, key))
        self.unsure_note.setVisible(any(unsure(doc, k) for k in FIELDS))
        estimate = (audit or {}).get("refund_estimate") or {}
        amount = estimate.get("refund")
        self.refund.setText(self.tr("{amount} 元").format(amount=amount) if amount is not None
                            else self.tr("暂时算不出"))
        self.why.setText(self._reasons(audit))

    def _reasons(self, audit: Mapping[str, Any] | None) -> str:
        if not audit:
            return self.tr("报销金额要等县医保局审核后确定。")
        lines = []
        for f in audit.get("findings", []):
            if f.get("severity") in ("error", "warning"):
                lines.append("• " + domain_text(str(f.get("message", "")),
                                                str(f.get("message_en", ""))))
        for step in (audit.get("refund_estimate") or {}).get("steps", []):
            lines.append("· " + domain_text(str(step.get("text", "")),
                                            str(step.get("text_en", ""))))
        if (audit.get("refund_estimate") or {}).get("example_policy"):
            lines.append(self.tr("（按示例政策估算，以县医保局审核为准）"))
        return "\n".join(lines)

    def reset(self) -> None:
        self._doc, self._audit, self._count = {}, None, 0
        self.count.setText("")
        for field in self.fields.values():
            field.show_value("", False)
        self.refund.setText("")
        self.why.setText("")
