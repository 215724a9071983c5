"""The latest heartbeat of each kiosk: software version, queue, self-test.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kiosk_heartbeats",
        sa.Column("device_id", sa.String(32), sa.ForeignKey("devices.id"), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("software_version", sa.String(64), nullable=False),
        sa.Column("queue_length", sa.Integer(), nullable=False),
        sa.Column("oldest_queued_seconds", sa.Integer(), nullable=True),
        sa.Column("selftest_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("selftest_ok", sa.Boolean(), nullable=True),
        sa.Column("selftest_failures", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("device_id"),
    )


def downgrade() -> None:
    raise NotImplementedError("the county database is not downgraded; restore a backup")
