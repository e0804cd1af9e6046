"""forecast tables

Revision ID: 0020_forecast
Revises: 0001
Create Date: 2026-11-24 05:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_forecast"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forecast",
        sa.Column("region_code", sa.String(length=32), nullable=False),
        sa.Column("metric", sa.String(length=16), nullable=False),
        sa.Column("origin", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("point", sa.Float(), nullable=False),
        sa.Column("lo80", sa.Float(), nullable=False),
        sa.Column("hi80", sa.Float(), nullable=False),
        sa.Column("lo95", sa.Float(), nullable=False),
        sa.Column("hi95", sa.Float(), nullable=False),
        sa.Column("model", sa.String(length=32), nullable=False),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("region_code", "metric", "origin", "year"),
    )
    op.create_table(
        "forecast_model",
        sa.Column("metric", sa.String(length=16), nullable=False),
        sa.Column("origin", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=32), nullable=False),
        sa.Column("horizon", sa.Integer(), nullable=False),
        sa.Column("alpha", sa.Float(), nullable=True),
        sa.Column("beta", sa.Float(), nullable=True),
        sa.Column("phi", sa.Float(), nullable=True),
        sa.Column("k80", sa.Float(), nullable=False),
        sa.Column("k95", sa.Float(), nullable=False),
        sa.Column("n_scores", sa.Integer(), nullable=False),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("metric", "origin", "model", "horizon"),
    )
    op.create_table(
        "forecast_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("series", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("forecast_state")
    op.drop_table("forecast_model")
    op.drop_table("forecast")
