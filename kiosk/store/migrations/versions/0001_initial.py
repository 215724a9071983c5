"""The first claim store schema: claims, documents, invoice keys, the append-only event log.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "store_meta",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_store_meta"),
    )
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("assistant", sa.String(128), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.Column("confirmed_at", sa.Float(), nullable=True),
        sa.Column("accepted_at", sa.Float(), nullable=True),
        sa.Column("purged_at", sa.Float(), nullable=True),
        sa.Column("name_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("id_number_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("phone_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("id_number_mac", sa.String(64), nullable=False),
        sa.Column("insurance_place", sa.String(128), nullable=False),
        sa.Column("document_count", sa.Integer(), nullable=False),
        sa.Column("total", sa.String(24), nullable=True),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("refund_estimate", sa.JSON(), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.Column("county_ref", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_claims"),
        sa.UniqueConstraint("uid", name="uq_claims_uid"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_claims_queue", "claims",
                    ["status", "id", "uid", "created_at", "document_count", "total"])
    op.create_index("ix_claims_accepted_at", "claims", ["accepted_at"])
    op.create_index("ix_claims_id_number_mac", "claims", ["id_number_mac"])
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("doc_type", sa.String(32), nullable=False),
        sa.Column("invoice_code", sa.String(32), nullable=True),
        sa.Column("invoice_number", sa.String(32), nullable=True),
        sa.Column("hospital", sa.String(128), nullable=True),
        sa.Column("issue_date", sa.String(10), nullable=True),
        sa.Column("total", sa.String(24), nullable=True),
        sa.Column("image_sha256", sa.String(64), nullable=True),
        sa.Column("image_size", sa.Integer(), nullable=False),
        sa.Column("recognition_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("corrections_sealed", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"],
                                name="fk_documents_claim_id_claims"),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
    )
    op.create_index("ix_documents_claim_id", "documents", ["claim_id"])
    op.create_index("ix_documents_image_sha256", "documents", ["image_sha256"])
    op.create_table(
        "invoice_keys",
        sa.Column("key", sa.String(256), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"],
                                name="fk_invoice_keys_claim_id_claims"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name="fk_invoice_keys_document_id_documents"),
        sa.PrimaryKeyConstraint("key", name="pk_invoice_keys"),
    )
    op.create_index("ix_invoice_keys_claim_id", "invoice_keys", ["claim_id"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], name="fk_events_claim_id_claims"),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
    )
    op.create_index("ix_events_claim_id_id", "events", ["claim_id", "id"])
    # The event log is append-only in the schema itself, not only by convention.
    op.execute("CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events "
               "BEGIN SELECT RAISE(ABORT, 'the claim event log is append-only'); END")
    op.execute("CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events "
               "BEGIN SELECT RAISE(ABORT, 'the claim event log is append-only'); END")


def downgrade() -> None:
    op.execute("DROP TRIGGER events_append_only_delete")
    op.execute("DROP TRIGGER events_append_only_update")
    op.drop_table("events")
    op.drop_table("invoice_keys")
    op.drop_table("documents")
    op.drop_table("claims")
    op.drop_table("store_meta")
