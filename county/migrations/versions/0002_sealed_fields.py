"""Personal fields sealed at rest, and the blind index of names.

Until now the claim as the kiosk sent it (names, ID numbers, phones, what was treated), the
residents' names, the reviewers' corrections and the audit log's details were plain text in
the database. This migration seals each existing value with the county key (AES-GCM, bound
to its column; county/keys.py) and fills `claim_name_grams`, the keyed hashes a name search
looks up, from the names before they are sealed. The audit log stays append-only: its
triggers are lifted for this one rewrite, inside the same transaction, and put back.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from county.keys import SEALED_PREFIX, CountyKey, SealedValueError

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: (table, primary key, sealed columns)
SEALED = [
    ("claims", "id", ("body", "resident_name")),
    ("claim_facts", "claim_id", ("resident_name",)),
    ("decisions", "id", ("original", "value", "note")),
    ("audit_log", "id", ("detail",)),
]
_CHUNK = 500

_LIFT = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_log_no_update",
               "DROP TRIGGER IF EXISTS audit_log_no_delete"],
    "postgresql": ["DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log"],
}
_RESTORE = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    ],
    "postgresql": [
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse()",
    ],
}


def _key() -> CountyKey:
    config = op.get_context().config
    key = config.attributes.get("key") if config is not None else None
    if not isinstance(key, CountyKey):
        raise RuntimeError("sealing the personal fields needs the county key")
    return key


def _sealed_already(key: CountyKey, value: str, purpose: str) -> bool:
    if not value.startswith(SEALED_PREFIX):
        return False
    try:
        key.open(value, purpose)
    except SealedValueError:
        return False
    return True


def _chunks(table: str, pk: str, columns: tuple[str, ...]) -> Any:
    bind = op.get_bind()
    last: Any = None
    cols = ", ".join((pk, *columns))
    while True:
        where = f"WHERE {pk} > :last " if last is not None else ""
        rows = bind.execute(sa.text(f"SELECT {cols} FROM {table} {where}ORDER BY {pk} "
                                    f"LIMIT {_CHUNK}"), {"last": last}).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    key = _key()
    op.create_table(
        "claim_name_grams",
        sa.Column("gram", sa.String(16), nullable=False),
        sa.Column("claim_id", sa.Integer(), sa.ForeignKey("claims.id"), nullable=False),
        sa.PrimaryKeyConstraint("gram", "claim_id"),
    )
    op.create_index("ix_claim_name_grams_claim_id", "claim_name_grams", ["claim_id"])
    if dialect == "postgresql":
        # a sealed name is longer than the 200 characters the plain one was allowed
        op.alter_column("claims", "resident_name", type_=sa.Text())
        op.alter_column("claim_facts", "resident_name", type_=sa.Text())

    grams = sa.table("claim_name_grams", sa.column("gram"), sa.column("claim_id"))
    for rows in _chunks("claims", "id", ("resident_name",)):
        index = [{"gram": g, "claim_id": claim_id} for claim_id, name in rows
                 if not _sealed_already(key, name, "claims.resident_name")
                 for g in sorted(key.name_grams(name))]
        if index:
            bind.execute(sa.insert(grams), index)

    for statement in _LIFT.get(dialect, []):
        op.execute(statement)
    for table, pk, columns in SEALED:
        update = sa.text(f"UPDATE {table} SET "
                         + ", ".join(f"{c} = :{c}" for c in columns) + f" WHERE {pk} = :pk")
        for rows in _chunks(table, pk, columns):
            changes: list[dict[str, Any]] = []
            for row in rows:
                values: dict[str, Any] = {}
                for c, v in zip(columns, row[1:], strict=True):
                    purpose = f"{table}.{c}"
                    values[c] = v if v is None or _sealed_already(key, v, purpose) \
                        else key.seal(v, purpose)
                if any(values[c] != v for c, v in zip(columns, row[1:], strict=True)):
                    changes.append({"pk": row[0], **values})
            if changes:
                bind.execute(update, changes)
    for statement in _RESTORE.get(dialect, []):
        op.execute(statement)


def downgrade() -> None:
    raise NotImplementedError("the county database is not downgraded; restore a backup")
