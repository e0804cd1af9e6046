"""forecast choice: the model chosen per metric, level, origin and horizon, and the backtest

Revision ID: 0080_forecast_choice
Revises: 0020_forecast
Create Date: 2026-12-04 18:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0080_forecast_choice"
down_revision = "0020_forecast"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forecast_choice",
        sa.Column("metric", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("origin", sa.Integer(), nullable=False),
        sa.Column("horizon", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=32), nullable=False),
        sa.Column("fallback", sa.String(length=32), nullable=False),
        sa.Column("grp", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("smape", sa.Float(), nullable=True),
        sa.Column("naive_smape", sa.Float(), nullable=True),
        sa.Column("drift_smape", sa.Float(), nullable=True),
        sa.Column("cover80", sa.Float(), nullable=True),
        sa.Column("cover95", sa.Float(), nullable=True),
        sa.Column("n_scores", sa.Integer(), nullable=False),
        sa.Column("n_series", sa.Integer(), nullable=False),
        sa.Column("n_origins", sa.Integer(), nullable=False),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("metric", "level", "origin", "horizon"),
    )
    op.create_table(
        "forecast_score",
        sa.Column("metric", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("model", sa.String(length=32), nullable=False),
        sa.Column("horizon", sa.Integer(), nullable=False),
        sa.Column("smape", sa.Float(), nullable=False),
        sa.Column("cover80", sa.Float(), nullable=True),
        sa.Column("cover95", sa.Float(), nullable=True),
        sa.Column("n_scores", sa.Integer(), nullable=False),
        sa.Column("chosen", sa.Boolean(), nullable=False),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("metric", "level", "model", "horizon"),
    )


def downgrade() -> None:
    op.drop_table("forecast_score")
    op.drop_table("forecast_choice")
