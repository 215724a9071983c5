"""Pictures and PDF e-invoices from a phone or USB stick, recognised by content, not by name.

A file called `invoice.jpg` may be a PDF, a screenshot may be a WebP: the first bytes decide.
Images go through recognition's own decoder (which refuses decompression bombs from the
header and truncated JPEGs). PDFs are rendered page by page in a child process with memory,
CPU and time limits (`kiosk.scanner.pdfworker`), so a PDF bomb ends that process, not the
kiosk; a page's own text layer comes back as `pdf_text`.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from kiosk.recognition.preprocess import ImageRejected, decode_image
from kiosk.scanner.messages import CaptureError
from kiosk.scanner.qr import read_qr
from kiosk.scanner.source import Capture

log = logging.getLogger("kiosk.scanner")

MAX_FILE_BYTES = 60 * 1024 * 1024
"""Largest file read at all (a phone photo is a few MB, an e-invoice PDF a few hundred kB)."""

MAX_SIDE = 16_000
"""Longest image side accepted; recognition also caps the pixel count."""

MAX_PDF_PAGES = 20
PDF_DPI = 200
PDF_MAX_SIDE = 4000
"""Longest side of a rendered page in pixels, whatever its size on paper."""

PDF_MAX_PAGE_PT = 5000.0
"""A page longer than this (about 1.8 m) is no receipt."""

PDF_MEMORY_BYTES = 1024 * 1024 * 1024
PDF_CPU_SECONDS = 60
PDF_TIMEOUT_S = 60.0

MIN_TEXT_CHARS = 10
"""A PDF page with fewer visible characters than this is a scan, not a text PDF."""

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif"}


def sniff(data: bytes) -> str | None:
    """The file's type from its first bytes: jpeg, png, webp, heif, tiff, bmp, gif, pdf."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "heif"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if data[:2] == b"BM":
        return "bmp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if b"%PDF-" in data[:1024]:  # the spec allows junk before the header
        return "pdf"
    return None


def heif_available() -> bool:
    """Whether HEIC/HEIF photos (iPhones) can be read: needs the optional pillow-heif."""
    try:
        import pillow_heif
    except ImportError:
        return False
    pillow_heif.register_heif_opener()
    return True


def read_file(path: str | os.PathLike[str]) -> bytes:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CaptureError("too_large", f"{size} bytes")
        data = p.read_bytes()
    except OSError as exc:
        raise CaptureError("unreadable", str(exc)) from exc
    if not data:
        raise CaptureError("empty_file", str(p))
    return data


def decode_picture(data: bytes, kind: str) -> np.ndarray:
    """A picture file's pixels (BGR); `CaptureError` for anything we will not read."""
    if kind == "heif" and not heif_available():
        raise CaptureError("unsupported", "HEIC photo, pillow-heif is not installed")
    try:
        image = decode_image(data)
    except ImageRejected as exc:
        code = "too_large" if exc.code == "too_large" else "unreadable"
        raise CaptureError(code, exc.detail) from exc
    if max(image.shape[:2]) > MAX_SIDE:
        raise CaptureError("too_large", f"{image.shape[1]}x{image.shape[0]} pixels")
    return image


def render_pdf(path: Path, *, max_pages: int = MAX_PDF_PAGES, dpi: int = PDF_DPI,
               timeout_s: float = PDF_TIMEOUT_S) -> list[tuple[np.ndarray, str | None,
                                                               dict[str, Any]]]:
    """(image, text or None, page info) for each page; `CaptureError` for a bad PDF."""
    with tempfile.TemporaryDirectory(prefix="kiosk-pdf-") as tmp:
        cmd = [sys.executable, "-m", "kiosk.scanner.pdfworker", str(path), tmp,
               "--dpi", str(dpi), "--max-pages", str(max_pages),
               "--max-side", str(PDF_MAX_SIDE), "--max-page-pt", str(PDF_MAX_PAGE_PT),
               "--memory-bytes", str(PDF_MEMORY_BYTES), "--cpu-seconds", str(PDF_CPU_SECONDS)]
        env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout_s, check=False,
                                  env=env)
        except subprocess.TimeoutExpired as exc:
            raise CaptureError("too_large", f"PDF rendering took over {timeout_s} s") from exc
        try:
            result = json.loads(proc.stdout.decode("utf-8") or "{}")
        except (UnicodeDecodeError, json.JSONDecodeError):
            result = {}
        if "error" in result:
            raise CaptureError(result["error"], result.get("detail", ""))
        if proc.returncode != 0 or "rendered" not in result:
            # killed by a limit (MemoryError, SIGXCPU, SIGSEGV in native code...)
            tail = proc.stderr.decode("utf-8", "replace").strip()[-300:]
            code = "too_large" if proc.returncode < 0 or "MemoryError" in tail else "unreadable"
            raise CaptureError(code, f"PDF renderer exit {proc.returncode}: {tail}")
        pages = []
        for info in result["rendered"]:
            image = cv2.imread(info.pop("file"), cv2.IMREAD_COLOR)
            if image is None:
                raise CaptureError("unreadable", f"page {info['page']} did not render")
            raw = info.pop("text", "") or ""
            info["lines"] = [(str(t), float(a), float(b), float(c), float(d))
                             for t, a, b, c, d in info.get("lines") or []]
            visible = sum(1 for ch in raw if not ch.isspace())
            text = raw.replace("\r\n", "\n").strip() if visible >= MIN_TEXT_CHARS else None
            pages.append((image, text, info))
    return pages


class FileSource:
    """A file as a `CaptureSource`: one capture for a picture, one per page for a PDF.

    `qr=True` looks for the e-invoice QR code on every page and keeps what it carries.
    """

    def __init__(self, path: str | os.PathLike[str], *, qr: bool = True) -> None:
        self.path = Path(path)
        self.qr = qr

    def captures(self) -> Iterator[Capture]:
        data = read_file(self.path)
        kind = sniff(data)
        if kind is None:
            raise CaptureError("unsupported", f"{self.path.name}: first bytes {data[:8]!r}")
        meta: dict[str, Any] = {"file": str(self.path), "format": kind}
        if kind != "pdf":
            image = decode_picture(data, kind)
            yield Capture(image=image, source="file", page=1, meta=meta,
                          qr=read_qr(image) if self.qr else None)
            return
        del data
        pages = render_pdf(self.path)
        for image, text, info in pages:
            yield Capture(image=image, source="file", page=int(info["page"]),
                          meta={**meta, "pages": len(pages), "size_pt": info["size_pt"],
                                "scale": round(float(info["scale"]), 4)},
                          qr=read_qr(image) if self.qr else None, pdf_text=text,
                          pdf_lines=info.get("lines") if text else None)
