"""Alembic environment: always run programmatically by kiosk.store.schema on an open connection."""

from __future__ import annotations

from alembic import context

from kiosk.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("the claim store's migrations run from kiosk.store.schema.upgrade(), "
                       "which passes an open connection")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
