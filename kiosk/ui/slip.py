"""The receipt slip: claim number, masked resident, totals, what happens next, a status QR.

Painted with QPainter on a QPrinter: a thermal roll (58 or 80 mm wide, as long as the slip
needs) through the system's printer, or a PDF under `<home>/slips` on machines without one
(and as the fallback when the printer is missing). The QR code carries only the claim's uid
(`KIOSK-CLAIM:<uid>`, kiosk.residents.evoucher): scanned at the kiosk it opens that claim's status, and
it says nothing about the resident to anyone else who reads it.

Printing runs on its own thread (a spooler can take seconds); `SlipPrinter.done` brings the
result back to the UI thread.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from concurrent import futures
from concurrent.futures import Future
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import qrcode
from PySide6.QtCore import QMarginsF, QObject, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
)
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from kiosk.claims.desk import UNNAMED, ClaimAmounts, Receipt, resident_for
from kiosk.core.config import PrinterSettings
from kiosk.residents import mask_id, mask_name
from kiosk.residents.evoucher import slip_payload
from kiosk.ui.tasks import TaskManager

log = logging.getLogger("kiosk.ui.slip")

PDF = "pdf"
_MARGIN_MM = 3.0
_FONT = "WenQuanYi Micro Hei"  # falls back through fontconfig to any CJK sans


def slip_name(name: str) -> str:
    """The resident's name as the slip prints it: masked; nothing when it was not read."""
    return "" if name.strip() == UNNAMED else mask_name(name)


def _money(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value).replace("¥", "").replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None


@dataclass(frozen=True)
class SlipData:
    """What the slip shows, masked already: built on the UI thread when the claim is filed."""

    claim_id: int
    uid: str
    name_masked: str
    id_masked: str
    receipts: int
    total: str | None
    refund: str | None
    example_policy: bool
    filed_at: float

    @property
    def number(self) -> str:
        return f"{self.claim_id:06d}"

    @property
    def payload(self) -> str:
        return slip_payload(self.uid)

    @classmethod
    def for_claim(cls, claim_id: int, uid: str, id_number: str,
                  receipts: Sequence[Receipt], audit: Mapping[str, Any] | None,
                  filed_at: float | None = None) -> SlipData:
        amounts = ClaimAmounts.of(receipts, audit)  # the review's numbers, the queue's total
        total, refund = _money(amounts.total), _money(amounts.refund)
        return cls(claim_id=claim_id, uid=uid,
                   name_masked=slip_name(resident_for(id_number, receipts).name),
                   id_masked=mask_id(id_number), receipts=len(receipts),
                   total=f"{total:.2f}" if total is not None else None,
                   refund=f"{refund:.2f}" if refund is not None else None,
                   example_policy=amounts.example_policy,
                   filed_at=filed_at if filed_at is not None else time.time())


@dataclass(frozen=True)
class SlipResult:
    """How a slip went out: `where` is `printer` or `pdf`; `fallback` when a printer was
    wanted but missing; `error` (for the log) when nothing came out at all."""

    claim_id: int
    where: str
    path: Path | None = None
    printer: str = ""
    fallback: bool = False
    error: str = ""
    paint_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.error


class _Lines(QObject):
    """The slip's wording, through Qt's translator (a QObject for `tr`)."""

    def texts(self, slip: SlipData) -> dict[str, str]:
        day = time.strftime("%Y-%m-%d %H:%M", time.localtime(slip.filed_at))
        refund = (self.tr("预计报销 {amount} 元（估算）").format(amount=slip.refund)
                  if slip.refund is not None else self.tr("报销金额：等县医保局审核"))
        return {
            "title": self.tr("医保报销回执"),
            "caption": self.tr("报销单号"),
            "when": self.tr("提交时间：{when}").format(when=day),
            "who": self.tr("姓名：{name}").format(name=slip.name_masked or "—"),
            "id": self.tr("身份证：{id}").format(id=slip.id_masked),
            "count": self.tr("收据：{n} 张").format(n=slip.receipts),
            "total": self.tr("金额合计：{amount} 元").format(amount=slip.total or "—"),
            "refund": refund,
            "estimate_note": self.tr("估算金额以县医保局审核为准。") if slip.refund else "",
            "next1": self.tr("机器联网后会把材料送到县医保局，审核约两到四周。"),
            "next2": self.tr("钱会打到社保卡上。查进度：在自助机上扫下面的二维码。"),
        }


def paint_slip(printer: QPrinter, slip: SlipData, width_mm: float) -> float:
    """Lay the slip out for a roll `width_mm` wide, size the page to fit, paint it.

    Returns the painting time in ms. Raises RuntimeError when the printer cannot start.
    """
    t0 = time.perf_counter()
    texts = _Lines().texts(slip)
    dpi = printer.resolution()
    px_mm = dpi / 25.4
    width = (width_mm - 2 * _MARGIN_MM) * px_mm
    fonts = {
        "title": _font(13, bold=True), "caption": _font(9), "number": _font(30, bold=True),
        "body": _font(9), "refund": _font(10, bold=True), "small": _font(7.5),
    }
    rows: list[tuple[str, str, int]] = [  # (font, text, alignment)
        ("title", texts["title"], Qt.AlignmentFlag.AlignHCenter),
        ("caption", texts["caption"], Qt.AlignmentFlag.AlignHCenter),
        ("number", slip.number, Qt.AlignmentFlag.AlignHCenter),
        ("body", texts["when"], Qt.AlignmentFlag.AlignLeft),
        ("body", texts["who"], Qt.AlignmentFlag.AlignLeft),
        ("body", texts["id"], Qt.AlignmentFlag.AlignLeft),
        ("body", texts["count"], Qt.AlignmentFlag.AlignLeft),
        ("body", texts["total"], Qt.AlignmentFlag.AlignLeft),
        ("refund", texts["refund"], Qt.AlignmentFlag.AlignLeft),
        ("small", texts["estimate_note"], Qt.AlignmentFlag.AlignLeft),
        ("body", texts["next1"], Qt.AlignmentFlag.AlignLeft),
        ("body", texts["next2"], Qt.AlignmentFlag.AlignLeft),
    ]
    flags = Qt.TextFlag.TextWordWrap
    gap = 1.2 * px_mm
    heights = []
    for font, text, align in rows:
        if not text:
            heights.append(0.0)
            continue
        fm = QFontMetricsF(fonts[font], printer)
        r = fm.boundingRect(QRectF(0, 0, width, 1e6), int(flags | align), text)
        heights.append(r.height())
    matrix = _qr_matrix(slip.payload)
    qr_side = min(width, 34 * px_mm)
    module = qr_side / (len(matrix) + 8)  # four modules of quiet zone on each side
    body_h = sum(h + gap for h in heights if h) + qr_side + 2 * gap
    height_mm = body_h / px_mm + 2 * _MARGIN_MM + 6  # a little paper to tear off

    printer.setFullPage(True)
    layout = QPageLayout(QPageSize(QSizeF(width_mm, height_mm), QPageSize.Unit.Millimeter,
                                   "slip", QPageSize.SizeMatchPolicy.ExactMatch),
                         QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
    printer.setPageLayout(layout)
    painter = QPainter()
    if not painter.begin(printer):
        raise RuntimeError(f"the printer {printer.printerName() or printer.outputFileName()} "
                           "could not start")
    try:
        painter.fillRect(QRectF(0, 0, width_mm * px_mm, height_mm * px_mm), QColor("white"))
        painter.setPen(QColor("black"))
        x, y = _MARGIN_MM * px_mm, _MARGIN_MM * px_mm
        for (font, text, align), h in zip(rows, heights, strict=True):
            if not text:
                continue
            painter.setFont(fonts[font])
            painter.drawText(QRectF(x, y, width, h), int(flags | align), text)
            y += h + gap
            if font == "number":
                painter.drawLine(int(x), int(y - gap / 2), int(x + width), int(y - gap / 2))
        y += gap
        left = x + (width - qr_side) / 2 + 4 * module
        top = y + 4 * module
        black = QColor("black")
        for row, cells in enumerate(matrix):
            for col, on in enumerate(cells):
                if on:
                    painter.fillRect(QRectF(left + col * module, top + row * module,
                                            module + 0.5, module + 0.5), black)
    finally:
        painter.end()
    return (time.perf_counter() - t0) * 1000


def _font(points: float, *, bold: bool = False) -> QFont:
    f = QFont(_FONT)
    f.setPointSizeF(points)
    f.setBold(bold)
    return f


def qr_image(payload: str, side_px: int) -> QImage:
    """The QR code as a black-on-white picture about `side_px` wide, quiet zone included
    (the done screen shows the slip's code when no slip came out)."""
    matrix = _qr_matrix(payload)
    modules = len(matrix) + 8
    scale = max(1, side_px // modules)
    image = QImage(modules * scale, modules * scale, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("black"))
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                painter.drawRect((x + 4) * scale, (y + 4) * scale, scale, scale)
    painter.end()
    return image


def _qr_matrix(payload: str) -> list[list[bool]]:
    qr = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(payload)
    qr.make(fit=True)
    return [list(map(bool, row)) for row in qr.get_matrix()]


def print_slip(slip: SlipData, settings: PrinterSettings, home: Path) -> SlipResult:
    """Paint one slip on the configured printer (PDF when none). Blocking: call off the UI
    thread. Never raises for a printer problem: the result says what happened."""
    pdf_path = home / "slips" / f"{slip.number}.pdf"
    fallback = False
    info: QPrinterInfo | None = None
    if settings.name != PDF:
        info = (QPrinterInfo.printerInfo(settings.name) if settings.name
                else QPrinterInfo.defaultPrinter())
        if info.isNull():
            log.warning("printer %r not found: slip %s goes to %s",
                        settings.name or "(system default)", slip.number, pdf_path)
            info, fallback = None, True
    if info is not None:
        printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
        printer.setDocName(f"slip {slip.number}")
        try:
            ms = paint_slip(printer, slip, settings.width_mm)
        except RuntimeError as exc:
            log.error("slip %s: %s; writing %s instead", slip.number, exc, pdf_path)
            fallback = True
        else:
            log.info("slip %s printed on %s (%.0f ms painting)", slip.number,
                     info.printerName(), ms)
            return SlipResult(slip.claim_id, "printer", printer=info.printerName(),
                              paint_ms=ms)
    try:
        pdf_path.parent.mkdir(parents=True, exist_ok=True)
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(pdf_path))
        ms = paint_slip(printer, slip, settings.width_mm)
    except (OSError, RuntimeError) as exc:
        log.error("slip %s could not be written to %s: %s", slip.number, pdf_path, exc)
        return SlipResult(slip.claim_id, PDF, fallback=fallback, error=str(exc))
    log.info("slip %s written to %s (%.0f ms painting)", slip.number, pdf_path, ms)
    return SlipResult(slip.claim_id, PDF, path=pdf_path, fallback=fallback, paint_ms=ms)


def sweep_slips(home: Path, keep_days: int, *, now: float | None = None) -> int:
    """Delete slip PDFs older than `keep_days` (the store's retention): they are masked, but
    nothing about a resident stays on the kiosk longer than her claim's personal data."""
    cutoff = (time.time() if now is None else now) - keep_days * 86400
    removed = 0
    for path in (home / "slips").glob("*.pdf"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError as exc:
            log.warning("could not remove the old slip %s: %s", path, exc)
    if removed:
        log.info("removed %d slip PDF(s) older than %d days", removed, keep_days)
    return removed


class SlipPrinter(QObject):
    """Prints slips on the task manager's device pool; `done(SlipResult)` on the UI thread.

    Slip PDFs older than `keep_days` are swept when the printer is built (at start-up)."""

    done = Signal(object)

    def __init__(self, tasks: TaskManager, settings: PrinterSettings, home: Path, *,
                 keep_days: int | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self.settings = settings
        self.home = home
        self._printing: list[Future[SlipResult]] = []
        if keep_days is not None:
            sweep_slips(home, keep_days)

    @property
    def enabled(self) -> bool:
        return self.settings.enabled

    def print_slip(self, slip: SlipData) -> None:
        """Start printing and return at once."""
        def run() -> SlipResult:
            try:
                return print_slip(slip, self.settings, self.home)
            except Exception as exc:  # whatever a printer driver raises, the slip is not
                log.exception("printing slip %s failed", slip.number)  # lost: the screen
                return SlipResult(slip.claim_id, "",  # says so and offers to print again
                                  error=f"{type(exc).__name__}: {exc}")

        self._printing = [f for f in self._printing if not f.done()]
        self._printing.append(self._tasks.run_in_background(
            run, lambda f: self.done.emit(f.result()), io=True))

    def wait(self, timeout_s: float = 10.0) -> None:
        """Let slips being printed finish (the task manager's shutdown waits for them too)."""
        futures.wait(self._printing, timeout_s)
