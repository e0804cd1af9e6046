"""Reads of the data pool's administration page (/data): the ingest batches, newest first, a
batch's rejected rows and replaced values, and the data state (data and rollup versions).

The writes stay in ``ingest`` and ``pdi_ingest``; this module only reads what they recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datasource.models import DataState, IngestBatch, RejectedRow, ValueChange

DETAIL_LIMIT = 200  # rejected rows or replaced values shown for one batch


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything is stored in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Batch:
    """One file offered to the pool (``status``: accepted / rejected / unchanged)."""

    id: int
    kind: str
    file_name: str
    status: str
    rows: int
    inserted: int
    replaced: int
    created_at: datetime
    source: str
    actor: str | None = None  # a login (web) or an OS user (cli); None before 0002_batch_actor


@dataclass(frozen=True)
class BatchPage:
    batches: list[Batch]
    total: int  # batches in the pool, all pages


@dataclass(frozen=True)
class RejectedLine:
    line: int | None  # file line (header = 1); None for the whole file
    column: str | None
    reason: str


@dataclass(frozen=True)
class ReplacedValue:
    table_name: str
    key: str  # the row's key values joined by "|", e.g. 340100|2024|1.1.1.1|CO2
    old_value: float | None
    new_value: float | None


@dataclass(frozen=True)
class BatchDetail:
    """A batch with (the first ``DETAIL_LIMIT`` of) its rejected rows or replaced values."""

    batch: Batch
    rejected: list[RejectedLine]
    changes: list[ReplacedValue]
    rejected_total: int
    changes_total: int


@dataclass(frozen=True)
class PoolState:
    version: int  # bumped by every accepted change
    changed_at: datetime | None
    rollup_version: int  # the data version the wall's aggregates were built from (-1: never)
    rollup_at: datetime | None

    @property
    def rollup_current(self) -> bool:
        return self.rollup_version == self.version


def _batch(row: IngestBatch) -> Batch:
    return Batch(
        id=row.id,
        kind=row.kind,
        file_name=row.file_name,
        status=row.status,
        rows=row.rows or 0,
        inserted=row.inserted or 0,
        replaced=row.replaced or 0,
        created_at=_aware(row.created_at) or datetime.min.replace(tzinfo=UTC),
        source=row.source or "",
        actor=row.actor,
    )


def batches(session: Session, *, limit: int = 50, offset: int = 0) -> BatchPage:
    """The newest ``limit`` batches after ``offset`` (newest first), and how many there are."""
    total = session.scalar(select(func.count()).select_from(IngestBatch)) or 0
    rows = session.scalars(
        select(IngestBatch)
        .order_by(IngestBatch.created_at.desc(), IngestBatch.id.desc())
        .limit(max(limit, 0))
        .offset(max(offset, 0))
    )
    return BatchPage([_batch(r) for r in rows], int(total))


def batch_detail(
    session: Session, batch_id: int, *, limit: int = DETAIL_LIMIT
) -> BatchDetail | None:
    """One batch with its first ``limit`` rejected rows (file order) and replaced values."""
    row = session.get(IngestBatch, batch_id)
    if row is None:
        return None
    rejected = session.execute(
        # a reason stored before the byte caps of ingest_write may be huge: send 500 characters
        select(RejectedRow.line, RejectedRow.column, func.substr(RejectedRow.reason, 1, 500))
        .where(RejectedRow.batch_id == batch_id)
        .order_by(RejectedRow.id)
        .limit(limit)
    )
    changes = session.execute(
        select(
            ValueChange.table_name, ValueChange.key, ValueChange.old_value, ValueChange.new_value
        )
        .where(ValueChange.batch_id == batch_id)
        .order_by(ValueChange.id)
        .limit(limit)
    )
    count = select(func.count())
    return BatchDetail(
        batch=_batch(row),
        rejected=[RejectedLine(*r) for r in rejected],
        changes=[ReplacedValue(*c) for c in changes],
        rejected_total=int(
            session.scalar(count.select_from(RejectedRow).where(RejectedRow.batch_id == batch_id))
            or 0
        ),
        changes_total=int(
            session.scalar(count.select_from(ValueChange).where(ValueChange.batch_id == batch_id))
            or 0
        ),
    )


def pool_state(session: Session) -> PoolState:
    """The data version and the version (and time) the rollups were last built from."""
    row = session.get(DataState, 1)
    if row is None:
        return PoolState(0, None, -1, None)
    return PoolState(row.version, _aware(row.changed_at), row.rollup_version, _aware(row.rollup_at))
