"""The kiosk's catalog database, `<home>/catalog.db` (plain sqlite3, WAL).

Kept apart from the claim store: the catalog is replaceable reference data, the claims are
the residents' records. A version is a whole catalog; the one in force is named in `meta`.
Supervision restrictions (两库) are kept per library file, replaced when that library is
imported again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from kiosk.catalog.model import CatalogEntry, CatalogVersion, Restriction

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS versions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    installed_at TEXT NOT NULL,
    counts TEXT NOT NULL,
    sha256 TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version_seq INTEGER NOT NULL REFERENCES versions(seq) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    class TEXT NOT NULL,
    form TEXT NOT NULL,
    category TEXT NOT NULL,
    section TEXT NOT NULL,
    negotiated INTEGER NOT NULL,
    standard TEXT NOT NULL,
    valid TEXT NOT NULL,
    note TEXT NOT NULL,
    unit TEXT NOT NULL,
    aliases TEXT NOT NULL,
    initials TEXT NOT NULL,
    pinyin TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_version ON entries(version_seq);
CREATE TABLE IF NOT EXISTS restrictions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    library TEXT NOT NULL,
    subject TEXT NOT NULL,
    name TEXT NOT NULL,
    code TEXT NOT NULL,
    rule TEXT NOT NULL,
    target TEXT NOT NULL,
    sex TEXT NOT NULL,
    min_age_months INTEGER NOT NULL,
    max_age_months INTEGER NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS restrictions_library ON restrictions(library);
"""


class CatalogStoreError(RuntimeError):
    """The catalog database cannot be used (newer schema, corrupt file)."""


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class CatalogStore:
    """Rows in and out of catalog.db; knows nothing about matching."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA busy_timeout=10000")
            with self.transaction():
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                row = self._db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
                if row is None:
                    self._db.execute("INSERT INTO meta VALUES ('schema', ?)",
                                     (str(SCHEMA_VERSION),))
                elif int(row[0]) > SCHEMA_VERSION:
                    raise CatalogStoreError(
                        f"{self.path} was written by a newer kiosk (schema {row[0]})")
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise CatalogStoreError(f"{self.path} is not a usable catalog database: {exc}") \
                from exc

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # --- versions ------------------------------------------------------------------------

    def active_seq(self) -> int | None:
        row = self._db.execute("SELECT value FROM meta WHERE key='active'").fetchone()
        return int(row[0]) if row else None

    def versions(self) -> list[CatalogVersion]:
        rows = self._db.execute(
            "SELECT id, source, installed_at, counts, sha256 FROM versions ORDER BY seq")
        return [CatalogVersion(r[0], r[1], r[2], json.loads(r[3]), r[4]) for r in rows]

    def version(self, seq: int) -> CatalogVersion:
        r = self._db.execute("SELECT id, source, installed_at, counts, sha256 FROM versions "
                             "WHERE seq=?", (seq,)).fetchone()
        if r is None:
            raise KeyError(seq)
        return CatalogVersion(r[0], r[1], r[2], json.loads(r[3]), r[4])

    def seq_of(self, version_id: str) -> int | None:
        row = self._db.execute("SELECT seq FROM versions WHERE id=?", (version_id,)).fetchone()
        return int(row[0]) if row else None

    def add_version(self, version_id: str, source: str, sha256: str,
                    rows: Iterable[tuple[CatalogEntry, str, str]]) -> CatalogVersion:
        """Store a complete version (entries with their pinyin) and put it in force."""
        rows = list(rows)
        counts: dict[str, int] = {}
        for entry, _, _ in rows:
            counts[entry.kind] = counts.get(entry.kind, 0) + 1
        installed_at = now_iso()
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM versions WHERE id=?", (version_id,)).fetchone():
                raise CatalogStoreError(f"catalog version {version_id!r} is already installed")
            cur = db.execute("INSERT INTO versions (id, source, installed_at, counts, sha256) "
                             "VALUES (?, ?, ?, ?, ?)",
                             (version_id, source, installed_at,
                              json.dumps(counts, ensure_ascii=False, sort_keys=True), sha256))
            seq = cur.lastrowid
            db.executemany(
                "INSERT INTO entries (version_seq, kind, code, name, class, form, category, "
                "section, negotiated, standard, valid, note, unit, aliases, initials, pinyin) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(seq, e.kind, e.code, e.name, e.insurance_class, e.form, e.category, e.section,
                  int(e.negotiated), e.payment_standard, e.valid, e.note, e.unit,
                  "|".join(e.aliases), initials, full) for e, initials, full in rows])
            db.execute("INSERT OR REPLACE INTO meta VALUES ('active', ?)", (str(seq),))
        return CatalogVersion(version_id, source, installed_at, counts, sha256)

    def activate(self, seq: int) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('active', ?)", (str(seq),))

    def entries(self, seq: int) -> list[tuple[CatalogEntry, str, str]]:
        rows = self._db.execute(
            "SELECT id, kind, code, name, class, form, category, section, negotiated, "
            "standard, valid, note, unit, aliases, initials, pinyin FROM entries "
            "WHERE version_seq=? ORDER BY id", (seq,))
        return [(CatalogEntry(id=r[0], kind=r[1], code=r[2], name=r[3], insurance_class=r[4],
                              form=r[5], category=r[6], section=r[7], negotiated=bool(r[8]),
                              payment_standard=r[9], valid=r[10], note=r[11], unit=r[12],
                              aliases=tuple(a for a in r[13].split("|") if a)), r[14], r[15])
                for r in rows]

    # --- restrictions --------------------------------------------------------------------

    def replace_restrictions(self, library: str, restrictions: Iterable[Restriction]) -> int:
        rows = [(library, r.subject, r.name, r.code, r.rule, r.target, r.sex,
                 r.min_age_months, r.max_age_months, r.note) for r in restrictions]
        with self.transaction() as db:
            db.execute("DELETE FROM restrictions WHERE library=?", (library,))
            db.executemany("INSERT INTO restrictions (library, subject, name, code, rule, "
                           "target, sex, min_age_months, max_age_months, note) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        return len(rows)

    def restrictions(self) -> list[Restriction]:
        rows = self._db.execute(
            "SELECT subject, name, code, rule, target, sex, min_age_months, max_age_months, "
            "note, library FROM restrictions ORDER BY id")
        return [Restriction(subject=r[0], name=r[1], code=r[2], rule=r[3], target=r[4],
                            sex=r[5], min_age_months=r[6], max_age_months=r[7], note=r[8],
                            library=r[9]) for r in rows]
