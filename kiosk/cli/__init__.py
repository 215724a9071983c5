"""The `kiosk` command: bare, it starts the touchscreen app; subcommands work without a screen.

Every command lives in this package; the code it drives lives in its layer:
claims.py      `kiosk claims create|list|show|export`   (kiosk.store, kiosk.recognition, kiosk.audit)
sync.py        `kiosk enrol`, `kiosk sync`, `kiosk demo` (kiosk.sync)
pin.py         `kiosk pin set|status`                    (kiosk.auth.pin)
assistants.py  `kiosk assistant add|list|remove`         (kiosk.auth.assistants)
backup.py      `kiosk backup list|status|restore`        (kiosk.store.backup)
selftest.py    `kiosk --self-test`: is this kiosk fit to serve residents?
this file      `kiosk recognize`, the bare app start (cmd_app) and the parser
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from kiosk.cli.assistants import add_commands as add_assistant_commands
from kiosk.cli.backup import add_commands as add_backup_commands
from kiosk.cli.pin import add_commands as add_pin_commands
from kiosk.core.config import ConfigError, changed, load_settings

if TYPE_CHECKING:
    from kiosk.recognition.batch import Job
from kiosk.cli.claims import add_commands as add_claim_commands
from kiosk.cli.sync import add_commands as add_sync_commands


def _summary(doc: dict[str, Any]) -> str:
    lines = [f"{doc['image']}: {doc['doc_type']}"]
    for key in ("hospital", "payer_name", "issue_date", "visit_date", "invoice_number", "total",
                "fund_paid", "cash_paid"):
        if doc.get(key) is not None:
            lines.append(f"  {key:16s} {doc[key]}")
    for it in doc["items"]:
        qty = f" ×{it['quantity']}" if it.get("quantity") else ""
        cls = f" [{it['insurance_class']}]" if it.get("insurance_class") else ""
        lines.append(f"  - {it['name']}{qty}  {it['amount']}{cls}")
    for c in doc["checks"]:
        lines.append(f"  ! {c['severity']}: {c['code']}: {c['message']}")
    lines.append(f"  ({doc['ocr_ms']:.0f} ms OCR, {doc['total_ms']:.0f} ms in all)")
    return "\n".join(lines)


def _jobs(paths: Sequence[str], failed: list[str],
          qr_codes: dict[str, dict[str, str]]) -> Iterator[Job]:
    """Pages to read from files of any supported kind; refusals go to `failed` as text, the
    fields of each page's e-invoice QR code to `qr_codes` by page name."""
    from kiosk.recognition.batch import Job
    from kiosk.recognition.preprocess import ImageRejected
    from kiosk.scanner.files import FileSource
    from kiosk.scanner.messages import CaptureError

    for path in paths:
        t0 = time.perf_counter()
        try:
            caps = list(FileSource(path, qr=True).captures())
        except (CaptureError, ImageRejected) as exc:
            failed.append(f"{path}: {exc.words.render('en')} ({exc.code})")
            continue
        for cap in caps:
            name = path if len(caps) == 1 else f"{path}#{cap.page}"
            if cap.qr and cap.qr.get("fields"):
                qr_codes[name] = cap.qr["fields"]
            yield Job(name, cap.image, cap.pdf_lines, started=t0)


def cmd_recognize(args: argparse.Namespace) -> int:
    from kiosk.recognition.batch import StackRecognizer
    from kiosk.recognition.engines import EngineError
    from kiosk.recognition.preprocess import ImageRejected
    from kiosk.scanner.qr import cross_check_qr

    settings = load_settings(args.home)
    ocr = settings.ocr
    if args.engine:
        ocr = changed(ocr, engine=args.engine)
    if args.workers:
        ocr = changed(ocr, workers=args.workers)
    stack = StackRecognizer(ocr)
    refused: list[str] = []  # filled by _jobs as files are opened
    qr_codes: dict[str, dict[str, str]] = {}
    reported = 0
    try:
        for name, result in stack.run_jobs(_jobs(args.images, refused, qr_codes)):
            if isinstance(result, ImageRejected):
                refused.append(f"{name}: {result.words.render('en')} ({result.code})")
                continue
            if name in qr_codes:  # the fiscal QR code and the printed figures must agree
                result["checks"].extend(cross_check_qr(qr_codes.pop(name), result))
            if args.json:
                print(json.dumps(result, ensure_ascii=False), flush=True)
            else:
                print(_summary(result), flush=True)
            for line in refused[reported:]:
                print(line, file=sys.stderr)
            reported = len(refused)
    except EngineError as exc:
        print(f"kiosk: OCR engine failed: {exc}", file=sys.stderr)
        return 3
    for line in refused[reported:]:
        print(line, file=sys.stderr)
    return 1 if refused else 0


def cmd_app(args: argparse.Namespace) -> int:
    # Imported here, not at the top: the command-line tools stay importable without Qt. The
    # import-linter contract declares these two edges (ignore_imports in pyproject).
    try:
        if not getattr(args, "windowed", False):
            # the first frame before the seconds of imports below (kiosk.ui.splash)
            from kiosk.ui.splash import show_splash
            show_splash()
        from kiosk.app import run_app
        from kiosk.cli.selftest import run_checks  # "现在自检" under ⚙ runs these
    except ImportError:
        print("kiosk: the touchscreen app is not part of this build yet; "
              "see `kiosk --help` for the commands that work without a screen", file=sys.stderr)
        return 2
    result: int = run_app(args, self_test=run_checks)
    return result


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="kiosk", description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--home", help="the kiosk's state directory (default: $KIOSK_HOME, else "
                                   "the platform's data directory)")
    ap.add_argument("-v", "--verbose", action="store_true", help="log debug messages to stderr")
    ap.add_argument("--windowed", action="store_true",
                    help="the touchscreen app in a window instead of full screen (development)")
    ap.add_argument("--demo", action="store_true",
                    help="offer the sample receipt on the capture screen (demonstrations only)")
    ap.add_argument("--self-test", action="store_true",
                    help="check the engine, database, disk, camera, scanner, clock and upload "
                         "queue; exit 1 naming what failed")
    ap.add_argument("--one-frame", action="store_true",
                    help="start the app, show the first screen, print how long that took and "
                         "quit (installation check)")
    sub = ap.add_subparsers(dest="command")
    rec = sub.add_parser("recognize", help="read receipt images and print what was recognised")
    rec.add_argument("images", nargs="+", help="image files (JPEG, PNG, WebP, ...)")
    rec.add_argument("--json", action="store_true",
                     help="one JSON object per image, one per line (receipt-json contract)")
    rec.add_argument("--engine", choices=("rapidocr", "paddleocr"), help="override ocr.engine")
    rec.add_argument("--workers", type=int, help="images read in parallel (default ocr.workers)")
    rec.set_defaults(func=cmd_recognize)
    add_claim_commands(sub)
    add_sync_commands(sub)
    add_assistant_commands(sub)
    add_pin_commands(sub)
    add_backup_commands(sub)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    func = getattr(args, "func", cmd_app)
    if args.self_test:
        from kiosk.cli.selftest import cmd_selftest

        func = cmd_selftest
    try:
        code: int = func(args)
    except ConfigError as exc:
        print(f"kiosk: configuration error: {exc}", file=sys.stderr)
        return 2
    return code
