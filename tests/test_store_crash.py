"""Crash test: a separate process working on claims is killed with SIGKILL at random moments.

The worker is forked from this (already imported) process, so starting one costs
milliseconds and the kills land inside real work: while images are written and renamed,
inside transactions, during start-up's migration, re-queue and orphan sweep. It creates
claims with images (retrying, after a restart, any create it had begun, with the same uid),
confirms, queues, uploads, has the county answer, corrects, cancels, tries duplicates and
purges. It writes a journal line after each call that returned, the way a UI shows a result.

After every kill the store is opened again (the restart) and checked: every claim the
journal says was confirmed is still confirmed or further on, with the images it was created
with; no claim exists twice; every claim is whole (documents, images, a history that
follows the life cycle and ends in its status); nothing is left uploading; no orphan or
temporary file survives the start-up sweep among the images (orphans wait in the quarantine).
"""

from __future__ import annotations

import hashlib
import os
import random
import select
import signal
import time
import traceback
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import pytest

from kiosk.store import ClaimStore, DuplicateInvoice, NewDocument, Status
from kiosk.store.samples import sample_recognition, sample_resident
from kiosk.store.status import CONFIRMED_OR_LATER, TRANSITIONS

KILLS = int(os.environ.get("KIOSK_CRASH_KILLS", "500"))
LIVE = {Status.DRAFT, Status.CONFIRMED, Status.QUEUED, Status.UPLOADING, Status.ACCEPTED,
        Status.IN_REVIEW, Status.APPROVED, Status.PAID}


def images_for(seed: int) -> list[bytes]:
    rng = random.Random(seed)
    return [rng.randbytes(rng.randint(1_000, 40_000)) for _ in range(rng.randint(1, 3))]


def documents_for(seed: int) -> list[NewDocument]:
    out = []
    for j, image in enumerate(images_for(seed)):
        kind = "outpatient_invoice" if j == 0 else "expense_list"
        out.append(NewDocument(sample_recognition(seed, doc_type=kind), image))
    return out


# --- the worker (runs only in the forked child) -------------------------------------------

class Journal:
    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def write(self, *words: object) -> None:
        os.write(self.fd, (" ".join(str(w) for w in words) + "\n").encode())


def read_journal(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    # a line cut by the kill has no newline: it was never written as far as anyone knows
    text = path.read_text()
    lines = text.split("\n")[:-1]
    return [line.split(" ") for line in lines]


def worker(home: Path, journal_path: Path, seed: int, progress: int) -> NoReturn:
    code = 0
    try:
        rng = random.Random(seed)
        journal = Journal(journal_path)
        store = ClaimStore(home, orphan_grace_s=0)
        os.write(progress, b"o")
        # a create that was begun and not seen to return is retried with its uid
        begun: dict[str, int] = {}
        for words in read_journal(journal_path):
            if words[0] == "intent":
                begun[words[1]] = int(words[2])
            elif words[0] == "created":
                begun.pop(words[1], None)
        for uid, claim_seed in begun.items():
            cid = store.create_claim(sample_resident(claim_seed), documents_for(claim_seed),
                                     assistant="crash", uid=uid)
            journal.write("created", uid, cid)
        next_seed = 1 + max([int(w[2]) for w in read_journal(journal_path)
                             if w[0] == "intent"] or [seed * 1_000_000])
        while True:
            step(store, rng, journal, next_seed)
            next_seed += 1
            os.write(progress, b".")
    except BaseException:
        with open(home / "worker-error.txt", "a") as fh:
            fh.write(traceback.format_exc())
        code = 1
    finally:
        os._exit(code)


def step(store: ClaimStore, rng: random.Random, journal: Journal, next_seed: int) -> None:
    def pick(status: Status) -> int | None:
        ids = [c.id for c in store.list_claims(status, limit=20)]
        return rng.choice(ids) if ids else None

    r = rng.random()
    if r < 0.35:
        uid = uuid.uuid4().hex
        shas = ",".join(hashlib.sha256(i).hexdigest() for i in images_for(next_seed))
        journal.write("intent", uid, next_seed, shas)
        cid = store.create_claim(sample_resident(next_seed), documents_for(next_seed),
                                 assistant="crash", uid=uid)
        journal.write("created", uid, cid)
    elif r < 0.55:
        if (cid_ := pick(Status.DRAFT)) is not None:
            store.confirm(cid_, actor="crash")
            journal.write("confirmed", cid_)
    elif r < 0.65:
        if (cid_ := pick(Status.CONFIRMED)) is not None:
            store.queue(cid_, actor="crash")
    elif r < 0.75:
        store.next_for_upload(actor="sync")
    elif r < 0.85:
        if (cid_ := pick(Status.UPLOADING)) is not None:
            store.transition(cid_, rng.choice([Status.QUEUED, Status.ACCEPTED]), actor="sync",
                             county_ref=f"C{cid_}")
    elif r < 0.92:
        status = rng.choice([Status.ACCEPTED, Status.IN_REVIEW, Status.APPROVED])
        if (cid_ := pick(status)) is not None:
            target = rng.choice(sorted(TRANSITIONS[status]))
            store.transition(cid_, target, actor="county", reason="缺少费用清单")
    elif r < 0.94:
        if (cid_ := pick(Status.DRAFT)) is not None:
            store.transition(cid_, Status.CANCELLED, actor="crash")
    elif r < 0.96:
        if (cid_ := pick(Status.DRAFT)) is not None:
            doc = store.get_claim(cid_).documents[-1]
            store.correct_field(cid_, doc.id, "check_code", f"k{next_seed}", actor="crash")
    elif r < 0.99:
        live = [c for c in store.list_claims(limit=50) if c.status in LIVE]
        if live:
            victim = store.get_claim(rng.choice(live).id).documents[0]
            assert victim.recognition is not None
            again = NewDocument(dict(victim.recognition), b"a second scan " + os.urandom(8))
            try:
                store.create_claim(sample_resident(1), [again], assistant="crash")
            except DuplicateInvoice:
                pass
            else:
                raise AssertionError(f"a duplicate of document {victim.id} was accepted")
    else:
        later = time.time() + 10 * 365 * 86400  # the county's clock agrees: it is that late
        store.note_county_time(later)
        store.purge_expired(now=later)


# --- the checks (in the test process) -----------------------------------------------------

@dataclass
class Verified:
    # id → (updated_at when checked, its image SHA-256s, its invoice keys)
    claims: dict[int, tuple[float, list[str], list[str]]] = field(default_factory=dict)
    kills: int = 0
    started: int = 0  # kills after the worker had finished opening the store
    verify_s: float = 0.0


def verify(home: Path, journal_path: Path, seen: Verified) -> None:
    journal = read_journal(journal_path)
    intents = {w[1]: (int(w[2]), w[3].split(",")) for w in journal if w[0] == "intent"}
    created = {w[1]: int(w[2]) for w in journal if w[0] == "created"}
    confirmed = {int(w[1]) for w in journal if w[0] == "confirmed"}
    with ClaimStore(home, orphan_grace_s=0) as store:  # the restart
        claims = {c.id: c for c in store.list_claims()}
        assert not [c for c in claims.values() if c.status is Status.UPLOADING]
        by_uid = {c.uid: c for c in claims.values()}
        assert len(by_uid) == len(claims)
        for uid, cid in created.items():
            assert by_uid[uid].id == cid, f"claim {cid} ({uid}) vanished"
        for cid in confirmed:
            assert claims[cid].status in CONFIRMED_OR_LATER, (cid, claims[cid].status)
        referenced: set[str] = set()
        live_invoices: dict[str, int] = {}
        for cid, summary in claims.items():
            known = seen.claims.get(cid)
            if known is None or known[0] != summary.updated_at:
                record = store.get_claim(cid)
                check_whole(store, record, intents.get(summary.uid))
                known = (summary.updated_at,
                         [d.image_sha256 for d in record.documents if d.image_sha256],
                         [f"{d.invoice_code}/{d.invoice_number}" for d in record.documents
                          if d.doc_type == "outpatient_invoice"])
                seen.claims[cid] = known
            referenced.update(known[1])
            if summary.status in LIVE:
                for key in known[2]:
                    assert key not in live_invoices, f"{key} in {live_invoices[key]}, {cid}"
                    live_invoices[key] = cid
        on_disk = {p.name for p in (home / "images").iterdir()
                   if p.name not in (".store-id", ".quarantine")}
        assert on_disk == referenced, "orphans or temporary files survived the restart"
        quarantined = {sha for sha, _ in store.quarantine()}
        assert not quarantined & referenced, "a referenced image sits in the quarantine"


def check_whole(store: ClaimStore, record: object, intent: tuple[int, list[str]] | None
                ) -> None:
    from kiosk.store import ClaimRecord

    assert isinstance(record, ClaimRecord)
    assert record.documents and len(record.documents) == record.summary.document_count
    history = [e for e in record.events if e.action == "status"]
    assert record.events[0].action == "created"
    state = Status.DRAFT
    for e in history:
        assert e.from_status is state and e.to_status in TRANSITIONS[state], e
        state = e.to_status
    assert state is record.status
    if record.summary.purged:
        assert record.resident is None
        assert all(d.image_sha256 is None for d in record.documents)
        return
    assert record.resident is not None
    shas = [d.image_sha256 for d in record.documents]
    if intent is not None:  # a claim the worker created (not a refused duplicate)
        assert shas == intent[1]
        assert record.resident == sample_resident(intent[0])
    for sha in shas:
        assert sha is not None
        assert hashlib.sha256(store.image(sha)).hexdigest() == sha


@pytest.fixture
def crash_home(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "home"
    error = tmp_path / "home" / "worker-error.txt"
    if error.exists():
        print(error.read_text())


def test_claims_survive_sigkill_at_random_moments(crash_home: Path) -> None:
    journal = crash_home.parent / "journal.txt"
    rng = random.Random(20260414)
    seen = Verified()
    deadline = time.monotonic() + 280
    for round_ in range(KILLS):
        assert time.monotonic() < deadline, f"only {seen.kills} kills in the time allowed"
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            worker(crash_home, journal, round_, write_end)
        os.close(write_end)
        opened = False
        try:
            # The kill moment: a random point within the next 0..250 ms of the worker's
            # life (start-up takes 30..70 ms, and a tenth of the kills aim at it). Reading its progress while waiting
            # also notices a worker that stopped by itself, which would be a failure.
            limit = rng.uniform(0, 0.03) if rng.random() < 0.1 else rng.uniform(0, 0.25)
            until = time.monotonic() + limit
            while (left := until - time.monotonic()) > 0:
                ready, _, _ = select.select([read_end], [], [], left)
                if ready:
                    chunk = os.read(read_end, 4096)
                    if not chunk:
                        break  # the worker exited on its own
                    opened = opened or b"o" in chunk
        finally:
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            os.close(read_end)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
            f"the worker stopped by itself (status {status}); see its error above")
        seen.kills += 1
        seen.started += opened
        t_v = time.perf_counter()
        verify(crash_home, journal, seen)
        seen.verify_s += time.perf_counter() - t_v
    words = read_journal(journal)
    confirmed = sum(1 for w in words if w[0] == "confirmed")
    print(f"{seen.kills} kills ({seen.started} after start-up), {len(seen.claims)} claims, "
          f"{confirmed} confirmations journaled, {seen.verify_s:.1f} s checking")
    assert seen.kills >= KILLS
    # a good share of the kills must land in real work, not only in start-up
    assert seen.started > KILLS // 4 and confirmed > KILLS // 10
