"""Alembic environment of the county database: run by county.db.Database.upgrade on an open
connection (never from an alembic.ini), which also passes the county key for the migrations
that seal personal fields."""

from __future__ import annotations

from alembic import context

from county.db import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("the county's migrations run from county.db.Database.upgrade(), which "
                       "passes an open connection")
context.configure(connection=connection, target_metadata=Base.metadata,
                  transaction_per_migration=True)
with context.begin_transaction():
    context.run_migrations()
