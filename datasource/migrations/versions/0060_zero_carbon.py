"""zero-carbon parks: park indicator values per year, thresholds in force (issue 21)

Revision ID: 0060_zero_carbon
Revises: 0010_pdi
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0060_zero_carbon"
down_revision = "0010_pdi"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "park_indicator",
        sa.Column("park_code", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("indicator", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("park_code", "period", "indicator"),
    )
    op.create_table(
        "zero_carbon_threshold",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("indicator", sa.String(length=32), nullable=False),
        sa.Column("tier_min_tce", sa.Float(), nullable=True),
        sa.Column("tier_max_tce", sa.Float(), nullable=True),
        sa.Column("comparison", sa.String(length=2), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("zero_carbon_threshold")
    op.drop_table("park_indicator")
