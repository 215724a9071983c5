"""Renders a PDF's pages in a child process: `python -m kiosk.scanner.pdfworker PDF OUTDIR ...`.

A PDF is a program: a hostile or broken one can make the renderer allocate gigabytes, loop
for minutes or crash in native code. Run here, behind address-space and CPU limits this
process sets on itself before loading pdfium (`--memory-bytes`, `--cpu-seconds`) and the
parent's timeout, the worst it can do is end this process. Only pypdfium2 and Pillow are
imported (no numpy/OpenCV), so the limits leave room for the page bitmaps.

Writes `page-N.png` into OUTDIR and prints one JSON object on stdout:
`{"pages": N, "rendered": [{"page": 1, "file": ..., "size_pt": [w, h], "scale": s,
"text": "..."}]}`, or `{"error": code, "detail": ...}` with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

MAX_TEXT_CHARS = 100_000


MAX_TEXT_LINES = 5_000


def _text_lines(textpage: Any, page_h: float, scale: float) -> list[list[Any]]:
    """The text layer as [text, x0, y0, x1, y1] runs in the rendered image's pixels.

    pdfium groups characters into rectangles of one run of text; PDF space has its origin
    at the bottom left, the picture at the top left.
    """
    out: list[list[Any]] = []
    for i in range(min(textpage.count_rects(), MAX_TEXT_LINES)):
        left, bottom, right, top = textpage.get_rect(i)
        text = textpage.get_text_bounded(left, bottom, right, top).strip()
        if text:
            out.append([text, left * scale, (page_h - top) * scale, right * scale,
                        (page_h - bottom) * scale])
    return out


def render(pdf: Path, out: Path, *, dpi: int, max_pages: int, max_side: int,
           max_page_pt: float) -> dict[str, Any]:
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as exc:
        text = str(exc).lower()
        code = "encrypted" if "password" in text or "security" in text else "unreadable"
        return {"error": code, "detail": str(exc)}
    try:
        count = len(doc)
        if count == 0:
            return {"error": "unreadable", "detail": "no pages"}
        if count > max_pages:
            return {"error": "too_many_pages", "detail": f"{count} pages (at most {max_pages})"}
        rendered = []
        for i in range(count):
            page = doc[i]
            try:
                w, h = page.get_size()
                if not (1 <= w <= max_page_pt and 1 <= h <= max_page_pt):
                    return {"error": "too_large", "detail": f"page {i + 1} is {w:.0f}x{h:.0f} pt"}
                scale = min(dpi / 72.0, max_side / max(w, h))
                bitmap = page.render(scale=scale, fill_color=(255, 255, 255, 255))
                image = bitmap.to_pil().convert("RGB")
                file = out / f"page-{i + 1}.png"
                image.save(file, "PNG", compress_level=1)
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_range()[:MAX_TEXT_CHARS]
                    lines = _text_lines(textpage, h, scale)
                finally:
                    textpage.close()
                rendered.append({"page": i + 1, "file": str(file), "size_pt": [w, h],
                                 "scale": scale, "text": text, "lines": lines})
            finally:
                page.close()
        return {"pages": count, "rendered": rendered}
    finally:
        doc.close()


def _limit(memory_bytes: int, cpu_seconds: int) -> None:
    """Cap this process before pdfium is loaded: address space, and CPU time (SIGXCPU)."""
    try:
        import resource
    except ImportError:  # not POSIX: the parent's timeout is the only limit
        return
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    if cpu_seconds:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kiosk.scanner.pdfworker")
    parser.add_argument("pdf", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--max-pages", type=int, default=20)
    parser.add_argument("--max-side", type=int, default=4000)
    parser.add_argument("--max-page-pt", type=float, default=5000.0)
    parser.add_argument("--memory-bytes", type=int, default=0)
    parser.add_argument("--cpu-seconds", type=int, default=0)
    args = parser.parse_args(argv)
    _limit(args.memory_bytes, args.cpu_seconds)
    result = render(args.pdf, args.out, dpi=args.dpi, max_pages=args.max_pages,
                    max_side=args.max_side, max_page_pt=args.max_page_pt)
    json.dump(result, sys.stdout, ensure_ascii=False)
    return 2 if "error" in result else 0


if __name__ == "__main__":
    sys.exit(main())
