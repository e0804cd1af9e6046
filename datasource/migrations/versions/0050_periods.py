"""periods of any grain: day-long period texts, coverage of partial periods, dataset credits

Revision ID: 0050_periods
Revises: 0001

- ``period`` (and ``stat_region.prev_period``) widen from 7 to 10 characters so a day
  ``2020-02-01`` fits; SQLite does not enforce VARCHAR lengths, so only PostgreSQL alters.
- ``stat_region`` gains the grain, the coverage of a partial period (months, days, complete,
  coverage), the GDP grain intensity used, the 同比/环比 comparison bases and the datasets to
  credit (docs/periods.md).
- ``ingest_batch.dataset`` names the published dataset a batch came from, and
  ``dataset_source`` says how to credit it (name, licence, link, citation).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0050_periods"
down_revision = "0001"
branch_labels = None
depends_on = None

_PERIOD_TABLES = ("emission", "indicator", "derived_emission", "stat_sector_gas", "stat_region")
_STAT_COLUMNS = (
    ("grain", sa.String(length=1)),
    ("months", sa.Integer()),
    ("days", sa.Integer()),
    ("complete", sa.Boolean()),
    ("coverage", sa.String(length=40)),
    ("gdp_grain", sa.String(length=1)),
    ("comparisons", sa.Text()),
    ("sources", sa.String(length=200)),
)


def _widen(length: int) -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table in _PERIOD_TABLES:
        op.alter_column(table, "period", type_=sa.String(length=length))
    op.alter_column("stat_region", "prev_period", type_=sa.String(length=length))


def upgrade() -> None:
    _widen(10)
    for name, type_ in _STAT_COLUMNS:
        op.add_column("stat_region", sa.Column(name, type_, nullable=True))
    op.add_column("ingest_batch", sa.Column("dataset", sa.String(length=32), nullable=True))
    op.create_table(
        "dataset_source",
        sa.Column("code", sa.String(length=32), primary_key=True),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("licence", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=200), nullable=False),
        sa.Column("citation", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("dataset_source")
    with op.batch_alter_table("ingest_batch") as batch:
        batch.drop_column("dataset")
    with op.batch_alter_table("stat_region") as batch:
        for name, _ in _STAT_COLUMNS:
            batch.drop_column(name)
    # day periods no longer fit: a downgrade needs the day rows gone first
    _widen(7)
