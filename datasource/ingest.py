"""All writes to the data pool: validate a file (vectorised), then load it in one transaction.

A file is one batch: every row lands or none does. A rejected file changes nothing in the data
pool; the attempt is recorded (``ingest_batch`` status ``rejected`` plus ``rejected_row``) in a
separate short transaction. An accepted batch that changed something bumps the data version in
the same transaction as its rows. Rows are staged into a temporary table (COPY on PostgreSQL)
and upserted with ``INSERT … ON CONFLICT DO UPDATE``; replaced values go to ``value_change``.

This module is the entry point (``ingest_file``, ``ingest_bytes``, ``ingest_frame``) and the
report. The work is done by ``readers`` (bytes -> table), ``ingest_validate`` (kind, columns,
then the row checks in ``ingest_emissions``, ``ingest_indicators``, ``ingest_regions`` built on
``ingest_checks``) and ``ingest_write`` (the transaction).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from datasource.ingest_checks import Context, ParkChecker
from datasource.ingest_validate import ignored_columns, validate
from datasource.ingest_write import current_version, known_regions, record_rejection, write
from datasource.readers import (
    KIND_NAMES_ZH,
    XLSX_ERRORS,
    Problem,
    Table,
    Unreadable,
    check_zip,
    failed,
    read_bytes,
    unreadable_problem,
)

log = logging.getLogger(__name__)

__all__ = ["IngestReport", "Problem", "ingest_bytes", "ingest_file", "ingest_frame"]


@dataclass(frozen=True)
class IngestReport:
    """What happened to one file. ``ok`` is False when it was rejected (nothing changed)."""

    ok: bool
    kind: str | None
    batch_id: int | None
    rows: int
    inserted: int
    replaced: int
    unchanged: int
    problems: list[Problem]
    data_version: int | None
    file_name: str = ""
    status: str = "rejected"  # accepted / unchanged / rejected / dry-run
    problem_count: int = 0  # all problems; ``problems`` lists at most MAX_LISTED_PROBLEMS
    encoding: str | None = None
    dry_run: bool = False
    ignored_columns: list[str] = field(default_factory=list)  # headers nothing reads

    def render(self) -> str:
        kind = (
            f"{KIND_NAMES_ZH.get(self.kind or '', '')} {self.kind}" if self.kind else "未识别类型"
        )
        if not self.ok:
            head = [
                f"导入被拒绝 (rejected): {self.file_name} [{kind}]",
                f"共 {self.problem_count} 个问题 (problems), 数据池未改变 (nothing was changed); "
                f"数据版本 data version {self.data_version}",
            ]
            body = [p.render() for p in self.problems]
            rest = self.problem_count - len(self.problems)
            if rest > 0:
                body.append(f"…… 另有 {rest} 个问题未列出 ({rest} more problems not listed)")
            return "\n".join(head + body + self._ignored())
        verb = {
            "accepted": "导入成功 (accepted)",
            "unchanged": "数据无变化 (unchanged)",
            "dry-run": "校验通过, 未写入 (dry run: valid, nothing written)",
        }[self.status]
        counts = (
            f"{self.rows} 行 rows: 新增 inserted {self.inserted}, 替换 replaced {self.replaced}, "
            f"未变 unchanged {self.unchanged}"
        )
        batch = f"批次 batch {self.batch_id}, " if self.batch_id is not None else ""
        lines = [
            f"{verb}: {self.file_name} [{kind}]",
            counts,
            f"{batch}数据版本 data version {self.data_version}",
        ]
        return "\n".join(lines + self._ignored())

    def _ignored(self) -> list[str]:
        if not self.ignored_columns:
            return []
        names = ", ".join(self.ignored_columns)
        return [f"已忽略的列, 未导入 (ignored columns, not loaded): {names}"]

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


# --------------------------------------------------------------------------- entry points


def ingest_file(
    engine: Engine,
    path: str | Path,
    *,
    kind: str | None = None,
    dry_run: bool = False,
    source: str = "cli",
    park_checker: ParkChecker | None = None,
    actor: str | None = None,
) -> IngestReport:
    """Validate and load one CSV (UTF-8, UTF-8-BOM, GBK) or XLSX file: all rows or none."""
    path = Path(path)
    return ingest_bytes(
        engine,
        path.read_bytes(),
        path.name,
        kind=kind,
        dry_run=dry_run,
        source=source,
        park_checker=park_checker,
        actor=actor,
    )


def ingest_bytes(
    engine: Engine,
    data: bytes,
    file_name: str,
    *,
    kind: str | None = None,
    dry_run: bool = False,
    source: str = "api",
    park_checker: ParkChecker | None = None,
    actor: str | None = None,
) -> IngestReport:
    """Like ingest_file, for the bytes of an uploaded file."""
    from datasource import zero_carbon_ingest as zc  # the zero-carbon park kinds (issue 21)

    # the limits of readers.check_zip hold before any XLSX is opened, for every kind
    unreadable: Problem | None = None
    if data[:4] == b"PK\x03\x04":
        try:
            check_zip(data)
            zc_kind = kind in zc.KINDS or (kind is None and zc.detect(data) is not None)
        except Unreadable as exc:
            unreadable = exc.problem
        except XLSX_ERRORS as exc:
            unreadable = unreadable_problem(exc)
    else:
        zc_kind = kind in zc.KINDS or (kind is None and zc.detect(data) is not None)
    if unreadable is None and zc_kind:
        return zc.ingest_bytes(
            engine, data, file_name, kind=kind, dry_run=dry_run, source=source, actor=actor
        )
    table = read_bytes(data) if unreadable is None else failed(unreadable)
    digest = hashlib.sha256(data).hexdigest()
    return _ingest_table(
        engine,
        table,
        kind=kind,
        file_name=file_name,
        sha256=digest,
        dry_run=dry_run,
        source=source,
        park_checker=park_checker,
        actor=actor,
    )


def ingest_frame(
    engine: Engine,
    frame: pd.DataFrame,
    *,
    kind: str,
    file_name: str,
    source: str = "demo",
    park_checker: ParkChecker | None = None,
    dry_run: bool = False,
    actor: str | None = None,
) -> IngestReport:
    """Load a frame with a file's columns (str or numbers); line numbers as if header = line 1."""
    from datasource.readers import canonical_column

    renamed = {c: canonical_column(c) or str(c) for c in frame.columns}
    frame = frame.rename(columns=renamed).reset_index(drop=True)
    table = Table(frame, np.arange(len(frame), dtype=np.int64) + 2, encoding=None)
    digest = hashlib.sha256(
        pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()
    ).hexdigest()
    return _ingest_table(
        engine,
        table,
        kind=kind,
        file_name=file_name,
        sha256=digest,
        dry_run=dry_run,
        source=source,
        park_checker=park_checker,
        actor=actor,
    )


# --------------------------------------------------------------------------- one file


def _ingest_table(
    engine: Engine,
    table: Table,
    *,
    kind: str | None,
    file_name: str,
    sha256: str,
    dry_run: bool,
    source: str,
    park_checker: ParkChecker | None,
    actor: str | None = None,
) -> IngestReport:
    kind, staged, probs = validate(table, kind, Context(known_regions(engine), park_checker))
    rows = len(table.frame)
    base = {
        "kind": kind,
        "rows": rows,
        "file_name": file_name,
        "encoding": table.encoding,
        "dry_run": dry_run,
        "ignored_columns": ignored_columns(table, kind),
    }

    def rejected(listed: list[Problem], count: int) -> IngestReport:
        """Nothing changed: the attempt and its problems are recorded (not for a dry run)."""
        batch_id = None
        if not dry_run:
            batch_id = record_rejection(
                engine,
                kind,
                file_name,
                sha256,
                table.encoding,
                rows,
                source,
                listed,
                count,
                actor=actor,
            )
        return IngestReport(
            ok=False,
            batch_id=batch_id,
            inserted=0,
            replaced=0,
            unchanged=0,
            problems=listed,
            data_version=current_version(engine),
            status="rejected",
            problem_count=count,
            **base,
        )

    if probs.count or staged is None:
        log.warning("rejected %s (%s): %d problems", file_name, kind, probs.count)
        return rejected(probs.listed(), probs.count)
    try:
        written = write(
            engine, staged, base, sha256=sha256, source=source, dry_run=dry_run, actor=actor
        )
    except SQLAlchemyError as exc:
        log.exception("ingest of %s failed in the database", file_name)
        problem = Problem(
            None,
            None,
            f"数据库写入失败, 已回滚 (database error, rolled back): {exc.__class__.__name__}: {getattr(exc, 'orig', None) or exc}",  # noqa: E501
        )
        return rejected([problem], 1)
    result = IngestReport(ok=True, problems=[], problem_count=0, **asdict(written), **base)
    log.info(
        "%s %s: %d rows, %d inserted, %d replaced (batch %s, version %s)",
        result.status,
        result.file_name,
        result.rows,
        result.inserted,
        result.replaced,
        result.batch_id,
        result.data_version,
    )
    return result
