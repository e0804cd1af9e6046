"""PDI park evaluation: indicator tree, Delphi ratings, park indicator values, direct scores

Revision ID: 0010_pdi
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_pdi"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pdi_indicator",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("parent_code", sa.String(length=16), nullable=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("sort_key", sa.Integer(), nullable=False),
        sa.Column("name_zh", sa.String(length=64), nullable=False),
        sa.Column("name_en", sa.String(length=128), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=True),
        sa.Column("method", sa.String(length=16), nullable=True),
        sa.Column("worst", sa.Float(), nullable=True),
        sa.Column("best", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("measure_zh", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "pdi_rating",
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("expert", sa.String(length=64), nullable=False),
        sa.Column("indicator_code", sa.String(length=16), nullable=False),
        sa.Column("rating", sa.Float(), nullable=False),
        sa.Column("scale", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("round", "expert", "indicator_code"),
    )
    op.create_table(
        "pdi_value",
        sa.Column("park_code", sa.String(length=32), nullable=False),
        sa.Column("indicator_code", sa.String(length=16), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("park_code", "indicator_code", "period"),
    )
    op.create_index("ix_pdi_value_indicator", "pdi_value", ["indicator_code"], unique=False)
    op.create_table(
        "pdi_score",
        sa.Column("park_code", sa.String(length=32), nullable=False),
        sa.Column("dimension", sa.String(length=1), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("park_code", "dimension"),
    )


def downgrade() -> None:
    op.drop_table("pdi_score")
    op.drop_index("ix_pdi_value_indicator", table_name="pdi_value")
    op.drop_table("pdi_value")
    op.drop_table("pdi_rating")
    op.drop_table("pdi_indicator")
