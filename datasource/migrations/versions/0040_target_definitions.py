"""target: indicator definitions and absolute targets (dual control)

Revision ID: 0040_target_definitions
Revises: 0001

Each target may name its definition (numerator scope, GDP price basis and base year, GWP set)
and may be absolute: ``target_value`` in ``unit`` as an annual cap or a cumulative budget over
the plan (``cap_kind``), in which case ``target_change`` is empty. ``source`` names the
document the number comes from. Rows loaded before this revision keep their meaning: a
relative target on the plan's default definition (docs/indicators.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0040_target_definitions"
down_revision = "0001"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("target_value", sa.Float()),
    ("unit", sa.String(length=16)),
    ("cap_kind", sa.String(length=12)),
    ("numerator", sa.String(length=24)),
    ("gdp_basis", sa.String(length=8)),
    ("gdp_base_year", sa.Integer()),
    ("gwp_set", sa.String(length=8)),
    ("source", sa.String(length=200)),
)


def upgrade() -> None:
    with op.batch_alter_table("target") as batch:
        batch.alter_column("target_change", existing_type=sa.Float(), nullable=True)
        for name, type_ in _COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM target WHERE target_change IS NULL")
    with op.batch_alter_table("target") as batch:
        for name, _type in reversed(_COLUMNS):
            batch.drop_column(name)
        batch.alter_column("target_change", existing_type=sa.Float(), nullable=False)
