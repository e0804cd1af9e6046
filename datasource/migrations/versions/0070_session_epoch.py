"""app_user.session_epoch: logging out ends the user's sessions on the server

Revision ID: 0070_session_epoch
Revises: 0031_policy_search

A signed session cookie names its user and the epoch it was issued under; logging out moves
the user's epoch on, so a copy of the cookie kept from before (a replayed cookie) no longer
logs anyone in. Existing users start at epoch 0; sessions issued before this column existed
carry no epoch and are no longer valid (everyone logs in once more).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0070_session_epoch"
down_revision = "0031_policy_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "app_user",
        sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("session_epoch")
