"""`kiosk claims ...`: the claim store for assistants and technicians without a screen.

create   recognise receipt images, store them as a claim for a resident, confirm and queue it
list     the claims on this kiosk (no personal data), newest first
show     one claim in full, decrypted, with its history
export   one claim as claim.json plus its original images, decrypted, into a folder

Exit codes: 0 done, 1 refused (bad ID number, unreadable image, duplicate invoice, no such
claim), 3 the OCR engine failed, 4 the store failed (disk full, read-only, damaged or lost
database).

list, show and export only read: they open the store read-only, so they work on a full disk
and change nothing. list and show flag claims whose images are missing or do not open.
create checks the free disk space before the OCR run starts.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from kiosk.core.config import load_settings
from kiosk.residents import InvalidResident, Resident

REFUSED, OCR_FAILED, STORE_FAILED = 1, 3, 4
# Free space a new claim needs besides its images (twice: the encrypted copies and the
# database's pages and write-ahead log for its recognition JSON), and the catalog's index.
FREE_MARGIN = 64 << 20


def add_commands(subparsers: Any) -> None:
    """Add the `claims` command group to the `kiosk` parser's subparsers."""
    claims = subparsers.add_parser(
        "claims", help="the local claim store: create, list, show, export claims",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = claims.add_subparsers(dest="claims_command", metavar="COMMAND")
    sub.required = True

    create = sub.add_parser("create", help="recognise receipts and queue them as one claim")
    create.add_argument("--resident-id", required=True, help="the resident's ID-card number")
    create.add_argument("--name", required=True, help="the resident's name")
    create.add_argument("--phone", default="", help="the resident's phone number")
    create.add_argument("--insurance-place", default="", help="where the resident is insured")
    create.add_argument("--assistant", default=None,
                        help="who helped (default: cli:$USER)")
    create.add_argument("images", nargs="+", help="receipt images (JPEG, PNG, ...)")
    create.set_defaults(func=cmd_create)

    lst = sub.add_parser("list", help="list the claims on this kiosk")
    lst.add_argument("--status", help="only claims in this status (e.g. queued)")
    lst.add_argument("--json", action="store_true", help="one JSON object per claim per line")
    lst.set_defaults(func=cmd_list)

    show = sub.add_parser("show", help="show one claim in full")
    show.add_argument("claim_id", type=int, metavar="ID")
    show.add_argument("--json", action="store_true", help="the claim as one JSON object")
    show.set_defaults(func=cmd_show)

    export = sub.add_parser("export", help="write one claim's JSON and images into a folder")
    export.add_argument("claim_id", type=int, metavar="ID")
    export.add_argument("directory", metavar="DIR")
    export.set_defaults(func=cmd_export)


def _fail(message: str, code: int) -> int:
    print(f"kiosk: {message}", file=sys.stderr)
    return code


def _store_code(exc: Exception) -> int:
    from kiosk.store.errors import ClaimNotFound, DuplicateInvoice, InvalidClaim

    return REFUSED if isinstance(exc, ClaimNotFound | DuplicateInvoice | InvalidClaim) \
        else STORE_FAILED


def cmd_create(args: argparse.Namespace) -> int:
    from kiosk.recognition import preprocess
    from kiosk.recognition.engines import EngineError
    from kiosk.recognition.pipeline import Recognizer
    from kiosk.store import ClaimStore, NewDocument, StoreError

    settings = load_settings(args.home)
    resident = Resident(name=args.name, id_number=args.resident_id,
                        insurance_place=args.insurance_place, phone=args.phone)
    try:
        resident.validate()
    except InvalidResident as exc:
        return _fail(f"refused: {exc}", REFUSED)
    # Every image is read and decoded before the OCR starts or anything is stored.
    decoded = []
    for path in args.images:
        try:
            data = Path(path).read_bytes()
            decoded.append((path, data, preprocess.decode_image(data)))
        except OSError as exc:
            return _fail(f"refused: cannot read {path}: {exc.strerror}", REFUSED)
        except preprocess.ImageRejected as exc:
            return _fail(f"refused: {path}: {exc.words.render('en')} ({exc.code})", REFUSED)
    short = _short_of_space(settings.home, settings.store.database,
                            sum(len(data) for _, data, _ in decoded))
    if short:
        return _fail(short, STORE_FAILED)
    try:
        recognizer = Recognizer(settings.ocr)
        documents = []
        for path, data, image in decoded:
            t0 = time.perf_counter()
            rec = recognizer.recognize_image(image, path, started=t0)
            documents.append(NewDocument(rec, data))
    except preprocess.ImageRejected as exc:
        return _fail(f"refused: {exc.words.render('en')} ({exc.code})", REFUSED)
    except EngineError as exc:
        return _fail(f"OCR engine failed: {exc}", OCR_FAILED)
    assistant = args.assistant or f"cli:{os.environ.get('USER') or 'technician'}"
    from kiosk.catalog.store import CatalogStoreError

    try:
        audit = _audit(settings.home, resident, documents)
    except CatalogStoreError as exc:
        return _fail(f"the catalog cannot be opened (nothing was stored): {exc}",
                     STORE_FAILED)
    except OSError as exc:
        return _fail(f"cannot prepare the audit (nothing was stored): {exc.strerror or exc}",
                     STORE_FAILED)
    try:
        with ClaimStore(settings.home, settings.store) as store:
            claim_id = store.create_claim(resident, documents, assistant=assistant)
            store.set_audit(claim_id, list(audit["findings"]), audit.get("refund_estimate"),
                            actor=assistant)
            store.confirm(claim_id, actor=assistant)
            store.queue(claim_id, actor=assistant)
    except StoreError as exc:
        return _fail(str(exc), _store_code(exc))
    print(claim_id)
    return 0


def _short_of_space(home: Path, database: str, image_bytes: int) -> str | None:
    """A message if the disk of the home (or of the database) cannot take this claim."""
    need = 2 * image_bytes + FREE_MARGIN
    for folder in {home, Path(database).parent if database else home}:
        probe = folder
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        try:
            free = shutil.disk_usage(probe).free
        except OSError:
            continue
        if free < need:
            return (f"the disk holding {folder} has {free / 2**20:.0f} MB free; this claim needs "
                    f"at least {need / 2**20:.0f} MB (its images twice and a safety margin). "
                    "Nothing was recognised or stored: free disk space first (call the "
                    "technician)")
    return None


def _reader(settings: Any) -> Any:
    """The store opened read-only; None on a kiosk that never had one."""
    from kiosk.store import ClaimStore
    from kiosk.store.claims import NoDatabaseYet

    try:
        return ClaimStore(settings.home, settings.store, read_only=True)
    except NoDatabaseYet:
        return None


def _audit(home: Path, resident: Resident, documents: list[Any]) -> dict[str, Any]:
    """Findings and the refund estimate, against the installed catalog and the county's
    policy as last synced (the example county's before the first sync)."""
    from kiosk.audit import Insured, Policy, audit_claim
    from kiosk.catalog import Catalog

    policy_file = home / "policy.json"
    policy = Policy.load(policy_file) if policy_file.exists() else Policy.example_county()
    home.mkdir(parents=True, exist_ok=True)
    catalog = Catalog.open(home)
    try:
        result = audit_claim([d.recognition for d in documents], Insured(resident), catalog,
                             policy)
    finally:
        catalog.close()
    return result.as_json()


def cmd_list(args: argparse.Namespace) -> int:
    from kiosk.store import Status, StoreError

    settings = load_settings(args.home)
    try:
        status = Status(args.status) if args.status else None
    except ValueError:
        return _fail(f"unknown status {args.status!r} ({', '.join(Status)})", REFUSED)
    try:
        store = _reader(settings)
        if store is None:
            return 0
        with store:
            claims = store.list_claims(status)
            problems = store.image_problems([c.id for c in claims])
            quarantine = store.quarantine()
    except StoreError as exc:
        return _fail(str(exc), _store_code(exc))
    for c in claims:
        found = problems.get(c.id, [])
        if args.json:
            out = c.to_json()
            out["image_problems"] = [p._asdict() for p in found]
            print(json.dumps(out, ensure_ascii=False))
        else:
            flag = ("  IMAGE " + "/".join(sorted({p.problem.upper() for p in found}))
                    if found else "")
            print(f"{c.id:>6}  {c.status:<10} {_when(c.created_at)}  {c.document_count} doc  "
                  f"{c.total or '-':>10}  {c.assistant}{flag}")
    for found in problems.values():
        for p in found:
            print(f"kiosk: {p.describe()}", file=sys.stderr)
    if quarantine:
        first = min(when for _, when in quarantine)
        print(f"kiosk: {len(quarantine)} image file(s) no claim points at wait in the "
              f"quarantine {settings.home / 'images' / '.quarantine'}; the first is deleted "
              f"after {_when(first)}", file=sys.stderr)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from kiosk.store import StoreError

    settings = load_settings(args.home)
    try:
        store = _reader(settings)
        if store is None:
            return _fail(f"there is no claim {args.claim_id}", REFUSED)
        with store:
            claim = store.get_claim(args.claim_id)
            problems = {p.document: p for p in store.image_problems([claim.id]).get(
                claim.id, [])}
    except StoreError as exc:
        return _fail(str(exc), _store_code(exc))
    if args.json:
        out = claim.to_json()
        out["image_problems"] = [p._asdict() for p in problems.values()]
        print(json.dumps(out, ensure_ascii=False))
        return 0
    s = claim.summary
    print(f"claim {s.id} ({s.uid}): {s.status}, total {s.total or '-'}, helped by "
          f"{s.assistant}")
    if claim.resident is None:
        print("  resident: purged after the retention period")
    else:
        r = claim.resident
        print(f"  resident: {r.name}  {r.id_number}  {r.insurance_place}  {r.phone}".rstrip())
    if claim.return_reason:
        print(f"  returned: {claim.return_reason}")
    for d in claim.documents:
        bad = problems.get(d.position + 1)
        print(f"  document {d.position + 1}: {d.doc_type}  {d.hospital or '-'}  "
              f"{d.invoice_code or ''} {d.invoice_number or ''}  {d.issue_date or '-'}  "
              f"{d.total or '-'}  {len(d.corrections or [])} corrections"
              + (f"  IMAGE {bad.problem.upper()}: {bad.detail}" if bad else ""))
    for e in claim.events:
        move = f"{e.from_status or ''} → {e.to_status}" if e.to_status else ""
        print(f"  {_when(e.at)}  {e.actor}: {e.action} {move}".rstrip())
    for bad in problems.values():
        print(f"kiosk: {bad.describe()}", file=sys.stderr)
    return 0


_EXT = ((b"\xff\xd8\xff", ".jpg"), (b"\x89PNG\r\n\x1a\n", ".png"), (b"RIFF", ".webp"),
        (b"BM", ".bmp"), (b"II*\x00", ".tif"), (b"MM\x00*", ".tif"))


def cmd_export(args: argparse.Namespace) -> int:
    from kiosk.store import StoreError

    settings = load_settings(args.home)
    target = Path(args.directory)
    try:
        reader = _reader(settings)
        if reader is None:
            return _fail(f"there is no claim {args.claim_id}", REFUSED)
        with reader as store:
            claim = store.get_claim(args.claim_id)
            bundle = target / f"claim-{claim.id}"
            bundle.mkdir(parents=True, exist_ok=False)
            data = claim.to_json()
            for doc, out in zip(claim.documents, data["documents"], strict=True):
                if doc.image_sha256 is None:
                    out["image_file"] = None
                    continue
                image = store.image(doc.image_sha256)
                ext = next((e for magic, e in _EXT if image.startswith(magic)), ".bin")
                name = f"document-{doc.position + 1}{ext}"
                (bundle / name).write_bytes(image)
                out["image_file"] = name
            (bundle / "claim.json").write_text(
                json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except FileExistsError:
        return _fail(f"{target / f'claim-{args.claim_id}'} already exists", REFUSED)
    except OSError as exc:
        return _fail(f"cannot write the export to {target}: {exc.strerror}", STORE_FAILED)
    except StoreError as exc:
        return _fail(str(exc), _store_code(exc))
    print(bundle)
    return 0


def _when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))
