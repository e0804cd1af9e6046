"""Writing a validated file to the data pool: one transaction per file, or a short one that
records a rejection.

Rows are staged into a temporary table (binary COPY on PostgreSQL, executemany on SQLite),
compared with the stored rows, and upserted with ``INSERT … ON CONFLICT DO UPDATE`` only where
a value differs, so loading the same file twice changes nothing. Replaced values go to
``value_change``; a batch that changed something bumps the data version in the same transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, insert, text
from sqlalchemy.exc import SQLAlchemyError

from datasource.ingest_checks import Staged
from datasource.models import IngestBatch, RejectedRow
from datasource.readers import Problem

log = logging.getLogger(__name__)

STAGE = "_ingest_stage"
MAX_REASON_CHARS = 500  # one stored reason (a quoted cell is already cut to 80 characters)
MAX_REASON_BYTES = 256 * 1024  # all stored reasons of one rejected batch, in UTF-8 bytes


@dataclass(frozen=True)
class Written:
    """What one accepted (or dry-run) batch did to the data pool."""

    status: str  # accepted / unchanged / dry-run
    batch_id: int | None
    inserted: int
    replaced: int
    unchanged: int
    data_version: int | None


def known_regions(engine: Engine) -> dict[str, str]:
    """Every region's code and level (park included), for the validators."""
    with engine.connect() as conn:
        return {code: level for code, level in conn.execute(text("SELECT code, level FROM region"))}


def current_version(engine: Engine) -> int | None:
    with engine.connect() as conn:
        return conn.execute(text("SELECT version FROM data_state WHERE id = 1")).scalar()


def record_rejection(
    engine: Engine,
    kind: str | None,
    file_name: str,
    sha256: str,
    encoding: str | None,
    rows: int,
    source: str,
    listed: list[Problem],
    count: int,
    *,
    actor: str | None = None,
) -> int | None:
    """The audit log of a rejected file, in its own short transaction; never data."""
    try:
        with engine.begin() as conn:
            batch_id = conn.execute(
                insert(IngestBatch).values(
                    kind=kind or "unknown",
                    file_name=file_name[:255],
                    sha256=sha256,
                    encoding=encoding,
                    status="rejected",
                    rows=rows,
                    inserted=0,
                    replaced=0,
                    created_at=datetime.now(UTC),
                    source=source,
                    actor=_actor(actor),
                )
            ).inserted_primary_key[0]
            entries = _capped(batch_id, listed)
            if count > len(entries):
                entries.append(
                    {
                        "batch_id": batch_id,
                        "line": None,
                        "column": None,
                        "reason": f"{count - len(entries)} more problems not listed",
                    }
                )
            if entries:
                conn.execute(insert(RejectedRow), entries)
            return int(batch_id)
    except SQLAlchemyError:
        log.exception("could not record the rejected batch %s", file_name)
        return None


def _capped(batch_id: int, listed: list[Problem]) -> list[dict[str, object]]:
    """The rows of rejected_row: each reason cut to MAX_REASON_CHARS, and no more reasons than
    fit in MAX_REASON_BYTES together (the rest are counted, not stored)."""
    entries: list[dict[str, object]] = []
    used = 0
    for p in listed:
        reason = (
            p.reason if len(p.reason) <= MAX_REASON_CHARS else p.reason[:MAX_REASON_CHARS] + "…"
        )
        used += len(reason.encode("utf-8")) + len(p.column or "") + 16
        if used > MAX_REASON_BYTES:
            break
        entries.append({"batch_id": batch_id, "line": p.line, "column": p.column, "reason": reason})
    return entries


def _distinct(engine_or_conn: Connection, left: str, right: str) -> str:
    """Null-safe "differs": PostgreSQL's IS DISTINCT FROM, SQLite's IS NOT."""
    if engine_or_conn.dialect.name == "postgresql":
        return f"{left} IS DISTINCT FROM {right}"
    return f"{left} IS NOT {right}"


def _actor(actor: str | None) -> str | None:
    return actor[:64] if actor else None


def write(
    engine: Engine,
    staged: Staged,
    base: dict,
    *,
    sha256: str,
    source: str,
    dry_run: bool,
    actor: str | None = None,
) -> Written:
    """Stage, compare and upsert the rows, record the batch and bump the data version, all in
    one transaction (rolled back instead for a dry run). ``base`` has the file's kind, name,
    encoding and row count."""
    now = datetime.now(UTC)
    with engine.connect() as conn:
        pg = conn.dialect.name == "postgresql"
        tx = conn.begin()
        try:
            result = _write_in(
                conn,
                staged,
                base,
                sha256=sha256,
                source=source,
                dry_run=dry_run,
                pg=pg,
                now=now,
                actor=actor,
            )
        except BaseException:
            tx.rollback()
            raise
        else:
            if dry_run:
                tx.rollback()
            else:
                tx.commit()
        finally:
            if not pg:  # SQLite runs DDL outside the transaction: drop the staging table
                conn.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{STAGE}")
                conn.commit()
    return result


def _write_in(
    conn: Connection,
    staged: Staged,
    base: dict,
    *,
    sha256: str,
    source: str,
    dry_run: bool,
    pg: bool,
    now: datetime,
    actor: str | None = None,
) -> Written:
    frame = staged.frame
    cols = list(frame.columns)
    _stage(conn, frame, staged.types, pg)
    on = " AND ".join(f"s.{k} = t.{k}" for k in staged.keys)
    differs = " OR ".join(_distinct(conn, f"t.{c}", f"s.{c}") for c in staged.compare)
    k0 = staged.keys[0]
    # fast path (a province's first load): none of the file's first-key values is in the table
    # yet, so every row is new and a plain INSERT ... SELECT needs no conflict handling
    fresh = not _any_existing(conn, staged.table, k0, frame[k0].unique().tolist())
    if fresh:
        total, matched, replaced = len(frame), 0, 0
    else:
        if pg:  # probe the primary key per staged row instead of hashing the whole table
            conn.exec_driver_sql("SET LOCAL enable_hashjoin = off")
            conn.exec_driver_sql("SET LOCAL enable_mergejoin = off")
        total, matched, replaced = conn.execute(
            text(
                f"SELECT count(*), count(t.{k0}), "
                f"coalesce(sum(CASE WHEN t.{k0} IS NOT NULL AND ({differs}) THEN 1 ELSE 0 END), 0) "
                f"FROM {STAGE} s LEFT JOIN {staged.table} t ON {on}"
            )
        ).one()
    inserted, replaced = int(total) - int(matched), int(replaced)
    unchanged = int(total) - inserted - replaced
    changed = bool(inserted or replaced)
    status = "dry-run" if dry_run else ("accepted" if changed else "unchanged")
    batch_id = None
    if not dry_run:
        batch_id = int(
            conn.execute(
                insert(IngestBatch).values(
                    kind=base["kind"],
                    file_name=base["file_name"][:255],
                    sha256=sha256,
                    encoding=base["encoding"],
                    status=status,
                    rows=base["rows"],
                    inserted=inserted,
                    replaced=replaced,
                    created_at=now,
                    source=source,
                    actor=_actor(actor),
                )
            ).inserted_primary_key[0]
        )
        if replaced:
            _record_changes(conn, staged, batch_id, on, differs)
        if changed:
            _upsert(conn, staged, cols, batch_id, fresh=fresh)
            conn.execute(
                text("UPDATE data_state SET version = version + 1, changed_at = :now WHERE id = 1"),
                {"now": now},
            )
    version = conn.execute(text("SELECT version FROM data_state WHERE id = 1")).scalar()
    return Written(
        status=status,
        batch_id=batch_id,
        inserted=inserted,
        replaced=replaced,
        unchanged=unchanged,
        data_version=version,
    )


def _record_changes(conn: Connection, staged: Staged, batch_id: int, on: str, differs: str) -> None:
    key = " || '|' || ".join(f"s.{k}" for k in staged.keys)
    old = f"t.{staged.value_col}" if staged.value_col else "NULL"
    new = f"s.{staged.value_col}" if staged.value_col else "NULL"
    conn.execute(
        text(
            f"INSERT INTO value_change (batch_id, table_name, key, old_value, new_value) "
            f"SELECT {int(batch_id)}, '{staged.table}', {key}, {old}, {new} "
            f"FROM {STAGE} s JOIN {staged.table} t ON {on} WHERE {differs}"
        )
    )


def _any_existing(conn: Connection, table: str, column: str, values: list[str]) -> bool:
    """Whether any row of ``table`` has one of ``values`` in ``column`` (the key's prefix)."""
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        marks = ", ".join(f":v{i}" for i in range(len(chunk)))
        hit = conn.execute(
            text(f"SELECT 1 FROM {table} WHERE {column} IN ({marks}) LIMIT 1"),
            {f"v{i}": v for i, v in enumerate(chunk)},
        ).first()
        if hit is not None:
            return True
    return False


def _upsert(
    conn: Connection, staged: Staged, cols: list[str], batch_id: int, *, fresh: bool
) -> None:
    has_batch = staged.table != "region"
    target_cols = cols + (["batch_id"] if has_batch else [])
    select_cols = [f"s.{c}" for c in cols] + ([str(int(batch_id))] if has_batch else [])
    updates = [c for c in cols if c not in staged.keys] + (["batch_id"] if has_batch else [])
    differs = " OR ".join(
        _distinct(conn, f"{staged.table}.{c}", f"excluded.{c}") for c in staged.compare
    )
    sql = (
        f"INSERT INTO {staged.table} ({', '.join(target_cols)}) "
        f"SELECT {', '.join(select_cols)} FROM {STAGE} s WHERE true"
    )
    if not fresh:  # the conflict check costs about half again as much per row on PostgreSQL
        sql += (
            f" ON CONFLICT ({', '.join(staged.keys)}) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in updates)
            + f" WHERE {differs}"
        )
    conn.execute(text(sql))


_SQL_TYPES = {
    "postgresql": {"text": "text", "float": "double precision", "int": "integer"},
    "sqlite": {"text": "TEXT", "float": "REAL", "int": "INTEGER"},
}


def _stage(conn: Connection, frame: pd.DataFrame, types: dict[str, str], pg: bool) -> None:
    """Put the validated rows into a temporary table: binary COPY on PostgreSQL, executemany on
    SQLite."""
    sql_types = _SQL_TYPES["postgresql" if pg else "sqlite"]
    ddl = ", ".join(f"{c} {sql_types[types.get(c, 'text')]}" for c in frame.columns)
    cols = ", ".join(frame.columns)
    columns = _python_columns(frame, types)
    raw = conn.connection.driver_connection
    if pg:
        conn.exec_driver_sql(f"CREATE TEMP TABLE {STAGE} ({ddl}) ON COMMIT DROP")
        copy_types = [_COPY_TYPES[types.get(c, "text")] for c in frame.columns]
        with (
            raw.cursor() as cur,
            cur.copy(f"COPY {STAGE} ({cols}) FROM STDIN (FORMAT binary)") as copy,
        ):
            copy.set_types(copy_types)
            for row in zip(*columns, strict=True):
                copy.write_row(row)
        return
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{STAGE}")
    conn.exec_driver_sql(f"CREATE TEMP TABLE {STAGE} ({ddl})")
    marks = ", ".join("?" for _ in frame.columns)
    raw.executemany(f"INSERT INTO {STAGE} ({cols}) VALUES ({marks})", zip(*columns, strict=True))


_COPY_TYPES = {"text": "text", "float": "float8", "int": "int4"}


def _python_columns(frame: pd.DataFrame, types: dict[str, str]) -> list[list[object]]:
    """Each column as a list of Python values, missing values as None."""
    columns: list[list[object]] = []
    for c in frame.columns:
        col = frame[c]
        if types.get(c) == "int":
            columns.append([None if pd.isna(v) else int(v) for v in col])
        elif types.get(c) == "float":
            values = col.to_numpy(dtype=float)
            if np.isnan(values).any():
                columns.append([None if np.isnan(v) else v for v in values.tolist()])
            else:
                columns.append(values.tolist())
        else:
            columns.append(col.tolist())  # text cells are Python str (or None) already
    return columns
