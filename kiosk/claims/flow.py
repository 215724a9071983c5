"""Where a resident's claim is and what comes next: identify → capture → review → file.

`ClaimFlow` is the workflow without a widget (Qt-free): it holds the one `Session` of the
person at the kiosk (forgotten on "back to start", the idle timeout and after filing), who
operates the kiosk (a signed-in assistant, else the resident herself), and answers each
event of the visit with the `Step` that comes next. The screens in `kiosk.ui` observe it
(`Notice.connect`) and do the slow parts (recognition, audit, filing) off the UI thread; the
flow never waits and never touches the store.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from kiosk.claims.receipts import Receipt

log = logging.getLogger("kiosk.claims")

SELF_SERVICE = "self-service"

T = TypeVar("T")


class Notice(Generic[T]):
    """A Qt-free signal: `connect(callback)`, then every `emit(value)` calls each in turn."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[[T], object]] = []

    def connect(self, callback: Callable[[T], object]) -> None:
        self._callbacks.append(callback)

    def emit(self, value: T) -> None:
        for callback in list(self._callbacks):
            callback(value)


class Purpose(StrEnum):
    """Why the resident gives her ID number: to file a claim or to see her claims."""

    CLAIM = "claim"
    STATUS = "status"


class Step(StrEnum):
    """What comes next in the visit (the screens map each to one of theirs)."""

    IDENTIFY = "identify"  # her ID number
    CAPTURE = "capture"  # a (further) receipt
    REVIEW = "review"  # the receipts so far, at `ClaimFlow.at`, once audited
    STATUS = "status"  # her claims (looked up in the background)
    DONE = "done"  # filed
    STAY = "stay"  # nothing changes (a stale answer, an index no longer there)


@dataclass
class Session:
    """One resident's visit: everything here is forgotten on reset."""

    uid: str = field(default_factory=lambda: uuid.uuid4().hex)
    purpose: Purpose = Purpose.CLAIM
    id_number: str = ""
    receipts: list[Receipt] = field(default_factory=list)
    audit: dict[str, Any] | None = None
    pending_job: int = 0
    pending_image: bytes = b""
    insert_at: int | None = None  # a retaken receipt goes back where it was


@dataclass(frozen=True)
class Snapshot:
    """The receipts as they are now, for work off the UI thread (audit, filing)."""

    uid: str
    id_number: str
    receipts: tuple[Receipt, ...]
    audit: Mapping[str, Any] | None
    actor: str


class PageRecognized(Protocol):
    """One receipt read from a picture or a document's page (`page` None for a picture);
    `kiosk.ui.tasks.PageRead` is one."""

    @property
    def recognition(self) -> dict[str, Any]: ...

    @property
    def page(self) -> int | None: ...


class ClaimFlow:
    """The visit's state and its transitions; `step` is where it stands."""

    def __init__(self) -> None:
        self.session = Session()
        self.operator: str | None = None  # "work-number name" of the signed-in assistant
        self.step = Step.IDENTIFY
        self.at = 0  # the receipt under review
        self.operator_changed: Notice[str | None] = Notice()
        self.forgotten: Notice[Session] = Notice()  # a new, empty session began
        self.filed: Notice[int] = Notice()  # claim id

    # --- who operates the kiosk -----------------------------------------------------------

    @property
    def actor(self) -> str:
        """Who acts on the store: the signed-in assistant, else the resident herself."""
        return self.operator or SELF_SERVICE

    @property
    def assisted(self) -> bool:
        """An assistant is signed in: she may correct what was read."""
        return self.operator is not None

    def sign_in(self, actor: str) -> None:
        self.operator = actor
        self.operator_changed.emit(actor)

    def sign_out(self) -> None:
        """Sign-out and the idle timeout: an unattended kiosk does not stay signed in."""
        if self.operator is not None:
            self.operator = None
            self.operator_changed.emit(None)

    # --- the visit ------------------------------------------------------------------------

    def forget(self) -> None:
        """Nothing of the previous person is kept."""
        self.session = Session()
        self.step, self.at = Step.IDENTIFY, 0
        self.forgotten.emit(self.session)

    def begin(self, purpose: Purpose) -> Step:
        self.session.purpose = purpose
        self.step = Step.IDENTIFY
        return self.step

    def identify(self, id_number: str) -> Step:
        self.session.id_number = id_number
        self.step = Step.STATUS if self.session.purpose is Purpose.STATUS else Step.CAPTURE
        return self.step

    @property
    def receipts(self) -> list[Receipt]:
        """The receipts of this visit so far, in claim order."""
        return self.session.receipts

    @property
    def audit(self) -> dict[str, Any] | None:
        """The last audit of these receipts (None: none yet, or it failed)."""
        return self.session.audit

    def reads(self, job: int) -> bool:
        """`job` is the picture this visit waits for (0: none)."""
        return job == self.session.pending_job

    @property
    def waiting(self) -> bool:
        """A picture is being read: another one is not taken meanwhile."""
        return self.session.pending_job != 0

    def reading(self, job: int, image: bytes) -> None:
        """A picture went to recognition as `job`."""
        self.session.pending_job, self.session.pending_image = job, image

    def pages_read(self, job: int, pages: Sequence[PageRecognized]) -> Step:
        """One picture, or every receipt page of a PDF: each becomes a Receipt, inserted
        where a retaken one was, else at the end; REVIEW at the first of them."""
        s = self.session
        if job != s.pending_job:
            return Step.STAY  # a reset session's late answer
        new = [Receipt(s.pending_image, p.recognition, page=p.page) for p in pages]
        at = len(s.receipts) if s.insert_at is None else min(s.insert_at, len(s.receipts))
        s.receipts[at:at] = new
        s.pending_job, s.pending_image, s.insert_at = 0, b"", None
        return self._review(at)

    def refused(self, job: int) -> bool:
        """The picture of `job` was not a readable receipt; True if it was this session's."""
        if job != self.session.pending_job:
            return False
        self.session.pending_job, self.session.pending_image = 0, b""
        return True

    def back_from_capture(self) -> Step:
        """To the receipts so far when there are any, else to the ID number."""
        s = self.session
        if not s.receipts:
            self.step = Step.IDENTIFY
            return self.step
        at = len(s.receipts) - 1 if s.insert_at is None else min(s.insert_at,
                                                                 len(s.receipts) - 1)
        s.insert_at = None
        return self._review(at)

    def add_another(self) -> Step:
        """Keep the receipts so far; capture the next one."""
        self.session.insert_at = None
        self.step = Step.CAPTURE
        return self.step

    def retake(self, index: int) -> Step:
        """Drop the receipt shown (any of them) and capture it again in its place."""
        s = self.session
        if 0 <= index < len(s.receipts):
            del s.receipts[index]
            s.insert_at = index
        self.step = Step.CAPTURE
        return self.step

    def skip(self, index: int) -> Step:
        """Leave one page out of the claim; back to capture when it was the only one."""
        s = self.session
        if not 0 <= index < len(s.receipts):
            return Step.STAY
        del s.receipts[index]
        log.info("receipt %d left out of the claim", index + 1)
        if not s.receipts:
            self.step = Step.CAPTURE
            return self.step
        return self._review(min(index, len(s.receipts) - 1))

    def correct(self, index: int, name: str, value: Any) -> bool:
        """An assistant's correction, kept with her name; False when nobody may correct or
        the receipt is no longer there. The estimate is then worked out again."""
        s = self.session
        if self.operator is None or not 0 <= index < len(s.receipts):
            return False
        s.receipts[index] = s.receipts[index].corrected(name, value, self.operator)
        log.info("receipt %d: %s corrected by %s", index + 1, name, self.operator)
        self.at = index
        return True

    def _review(self, at: int) -> Step:
        self.step, self.at = Step.REVIEW, at
        return self.step

    # --- audit and filing -------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        s = self.session
        return Snapshot(s.uid, s.id_number, tuple(s.receipts), s.audit, self.actor)

    def is_current(self, snap: Snapshot, *, same_receipts: bool = False) -> bool:
        """The answer for `snap` still applies (the same visit; with `same_receipts`, no
        correction came since)."""
        if snap.uid != self.session.uid:
            return False
        return not same_receipts or list(snap.receipts) == self.session.receipts

    def audited(self, audit: dict[str, Any] | None) -> None:
        self.session.audit = audit

    def claim_filed(self, claim_id: int) -> Session:
        """Filed: the visit is over and forgotten; returns it (for the slip, taken before
        forgetting)."""
        done = self.session
        self.session = Session()
        self.step, self.at = Step.DONE, 0
        self.filed.emit(claim_id)
        return done
