"""The QR code printed on fiscal e-invoices: read it, parse its fields, check them against OCR.

Chinese e-invoice QR codes carry comma-separated fields; the common layout (VAT e-invoices
and many provinces' medical fiscal e-invoices) is
`version, type, invoice code, invoice number, amount, date (YYYYMMDD), check code[, crc]`.
Some print a verification URL instead, whose query names the same things. The printed
figures come from the same database as the QR code, so a disagreement means OCR misread a
digit (or the paper was altered): either way a person has to look.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import cv2
import numpy as np

_DETECTOR_SIDE = 1600

# URL query keys seen on verification links, mapped to receipt-json field names
_URL_KEYS = {
    "invoice_code": ("billcode", "billbatchcode", "invoicecode", "fpdm", "code", "pjdm"),
    "invoice_number": ("billno", "invoiceno", "invoicenumber", "fphm", "number", "pjhm"),
    "check_code": ("checkcode", "random", "rcode", "jym", "verifycode"),
    "total": ("money", "amount", "total", "je", "totalamount"),
    "issue_date": ("date", "billdate", "issuedate", "kprq", "ivcdate"),
}


def decode_qr(image: np.ndarray) -> str | None:
    """The text of the first QR code found: the full image first, then smaller copies.

    The detector misses codes that are large in a big photo (and small ones in a small copy),
    so it is tried at a few scales, and a low-resolution frame also at twice its size; the
    cost (0.1–0.3 s) is paid once per still, not per preview frame.
    """
    detector = cv2.QRCodeDetector()
    h, w = image.shape[:2]
    long_side = max(h, w)
    scales = [1.0]
    if long_side > _DETECTOR_SIDE:
        scales.append(_DETECTOR_SIDE / long_side)
    if long_side > 800:
        scales.append(800 / long_side)
    if long_side < _DETECTOR_SIDE:
        scales.append(2.0)  # a 720p frame draws the code's modules about 2 pixels wide
    for k in scales:
        inter = cv2.INTER_AREA if k < 1.0 else cv2.INTER_CUBIC
        img = image if k == 1.0 else cv2.resize(image, None, fx=k, fy=k, interpolation=inter)
        try:
            text, _points, _ = detector.detectAndDecode(img)
        except cv2.error:
            continue
        if text:
            return str(text)
    return None


def parse_qr(text: str) -> dict[str, str]:
    """Fields from an e-invoice QR text, under receipt-json names (only what is there)."""
    text = text.strip()
    if re.match(r"https?://", text, re.I):
        return _parse_url(text)
    parts = [p.strip() for p in re.split(r"[,，]", text)]
    if len(parts) >= 7 and re.fullmatch(r"\d{2}", parts[0]) and re.fullmatch(r"\d{2}", parts[1]):
        out = {"version": parts[0], "type": parts[1], "invoice_code": parts[2],
               "invoice_number": parts[3], "total": parts[4], "issue_date": parts[5],
               "check_code": parts[6]}
        return {k: v for k, v in _normalise(out).items() if v}
    return _parse_loose(parts)


def _parse_url(text: str) -> dict[str, str]:
    query = {k.lower().replace("_", ""): v for k, v in parse_qsl(urlsplit(text).query)}
    out = {}
    for field, keys in _URL_KEYS.items():
        for key in keys:
            if query.get(key):
                out[field] = query[key]
                break
    return {k: v for k, v in _normalise(out).items() if v}


def _parse_loose(parts: list[str]) -> dict[str, str]:
    """Unknown layout: pick out what is unambiguous (a date, one amount)."""
    out: dict[str, str] = {}
    dates = [p for p in parts if re.fullmatch(r"20\d{6}|20\d{2}-\d{2}-\d{2}", p)]
    money = [p for p in parts if re.fullmatch(r"\d+\.\d{2}", p)]
    if len(dates) == 1:
        out["issue_date"] = dates[0]
    if len(money) == 1:
        out["total"] = money[0]
    return _normalise(out)


def _normalise(fields: dict[str, str]) -> dict[str, str]:
    out = dict(fields)
    date = out.get("issue_date")
    if date:
        m = re.fullmatch(r"(20\d{2})-?(\d{2})-?(\d{2})", date.strip())
        out["issue_date"] = f"{m[1]}-{m[2]}-{m[3]}" if m else date
    total = out.get("total")
    if total:
        try:
            out["total"] = f"{Decimal(total.replace('¥', '')):.2f}"
        except InvalidOperation:
            out.pop("total")
    return out


def read_qr(image: np.ndarray) -> dict[str, Any] | None:
    """`{"raw": text, "fields": {...}}` for the QR code on a page, or None."""
    text = decode_qr(image)
    if text is None:
        return None
    return {"raw": text, "fields": parse_qr(text)}


_LABELS = {
    "invoice_code": ("票据代码", "invoice code"),
    "invoice_number": ("票据号码", "invoice number"),
    "total": ("金额", "amount"),
    "issue_date": ("开票日期", "issue date"),
    "check_code": ("校验码", "check code"),
}


def _same(field: str, qr_value: str, ocr_value: str) -> bool:
    a, b = qr_value.strip(), ocr_value.strip()
    if field == "total":
        try:
            return Decimal(a) == Decimal(b.replace("¥", "").replace(",", ""))
        except InvalidOperation:
            return False
    if field == "issue_date":
        return re.sub(r"\D", "", a) == re.sub(r"\D", "", b)
    if field == "check_code":
        # the QR may carry the full 20-digit check code, the paper only its last 6
        a, b = a.lower(), b.lower()
        return a == b or (min(len(a), len(b)) >= 6 and (a.endswith(b) or b.endswith(a)))
    return a.lstrip("0") == b.lstrip("0") if a.isdigit() and b.isdigit() else a == b


def cross_check_qr(qr_fields: dict[str, str], receipt: dict[str, Any]) -> list[dict[str, str]]:
    """Checks (receipt-json `checks` format) for every field the QR code and OCR disagree on.

    A field missing on either side is not compared: OCR may simply have missed it, and the
    caller can fill it from the QR code.
    """
    checks = []
    for field, (zh, en) in _LABELS.items():
        qv, ov = qr_fields.get(field), receipt.get(field)
        if not qv or not ov:
            continue
        if not _same(field, str(qv), str(ov)):
            checks.append({
                "code": "qr_mismatch", "severity": "error",
                "message": f"二维码上的{zh}是 {qv}，识别结果是 {ov}，请核对 "
                           f"(the QR code's {en} {qv} differs from the recognised {ov})",
            })
    return checks
