"""ingest_batch.actor: who loaded a file

Revision ID: 0002_batch_actor
Revises: 0001

The login of an administrator who uploaded it on the /data page, or the operating-system user
of a `carbonwall ingest` run; empty for the HTTP API (its tokens are not named) and for batches
loaded before this column existed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_batch_actor"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("ingest_batch", sa.Column("actor", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ingest_batch") as batch:
        batch.drop_column("actor")
