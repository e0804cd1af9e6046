"""Ingest of the four PDI file kinds (the indicator tree and weights, Delphi ratings, park
indicator values, direct dimension scores): all rows or none, with a report naming every
problem's line, column and reason. A rejected file is recorded (``ingest_batch`` status
``rejected`` plus ``rejected_row``) in its own short transaction; an accepted one replaces its
rows and bumps the data version in one transaction.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, delete, func, insert, select, text, tuple_, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from datasource.models import DataState, IngestBatch, RejectedRow
from datasource.models_pdi import PdiIndicator, PdiRating, PdiScore, PdiValue
from datasource.pdi_files import REQUIRED, Problem, Rows, read_rows
from datasource.pdi_validate import VALIDATORS, Staged

log = logging.getLogger(__name__)

KINDS = ("pdi_tree", "pdi_ratings", "pdi_values", "pdi_scores")
KIND_NAMES_ZH = {
    "pdi_tree": "PDI 指标体系与权重",
    "pdi_ratings": "德尔菲专家评分",
    "pdi_values": "园区指标数据",
    "pdi_scores": "园区维度得分",
}
MAX_LISTED_PROBLEMS = 1000


@dataclass(frozen=True)
class PdiReport:
    """What happened to one PDI file. ``ok`` False: rejected, nothing changed."""

    ok: bool
    kind: str
    file_name: str
    rows: int
    inserted: int = 0
    replaced: int = 0
    problems: list[Problem] = field(default_factory=list)
    batch_id: int | None = None
    data_version: int | None = None
    status: str = "rejected"  # accepted / rejected / dry-run
    dry_run: bool = False

    def render(self) -> str:
        kind = f"{KIND_NAMES_ZH.get(self.kind, '')} {self.kind}"
        if not self.ok:
            lines = [
                f"导入被拒绝 (rejected): {self.file_name} [{kind}]",
                f"共 {len(self.problems)} 个问题 (problems), 数据池未改变 (nothing was changed)",
            ]
            return "\n".join(lines + [p.render() for p in self.problems[:MAX_LISTED_PROBLEMS]])
        verb = "校验通过 (dry run, nothing written)" if self.dry_run else "导入成功 (accepted)"
        return (
            f"{verb}: {self.file_name} [{kind}]\n"
            f"{self.rows} 行 (rows): 新增 {self.inserted} (inserted), 替换 {self.replaced} "
            f"(replaced); 数据版本 data version {self.data_version}"
        )


def _write(session: Session, kind: str, staged: Staged, batch_id: int | None) -> tuple[int, int]:
    rows = staged.rows
    if kind == "pdi_tree":
        before = session.scalar(select(func.count()).select_from(PdiIndicator)) or 0
        session.execute(delete(PdiIndicator))
        session.execute(insert(PdiIndicator), rows)
        return max(len(rows) - before, 0), min(before, len(rows))
    if kind == "pdi_ratings":
        rounds = sorted(staged.extra["rounds"])
        before = (
            session.scalar(
                select(func.count()).select_from(PdiRating).where(PdiRating.round.in_(rounds))
            )
            or 0
        )
        session.execute(delete(PdiRating).where(PdiRating.round.in_(rounds)))
        session.execute(
            insert(PdiRating),
            [{k: v for k, v in r.items() if k != "_line"} | {"batch_id": batch_id} for r in rows],
        )
        return len(rows) - min(before, len(rows)), min(before, len(rows))
    model, cols = (
        (PdiValue, ("park_code", "indicator_code", "period"))
        if kind == "pdi_values"
        else (PdiScore, ("park_code", "dimension"))
    )
    keys = [tuple(r[c] for c in cols) for r in rows]
    key_cols = tuple_(*(getattr(model, c) for c in cols))
    replaced = 0
    for i in range(0, len(keys), 400):
        chunk = keys[i : i + 400]
        replaced += session.execute(delete(model).where(key_cols.in_(chunk))).rowcount or 0
    session.execute(insert(model), [r | {"batch_id": batch_id} for r in rows])
    return len(rows) - replaced, replaced


def ingest_pdi_file(
    engine: Engine,
    path: str | Path,
    kind: str,
    *,
    dry_run: bool = False,
    source: str = "cli",
    actor: str | None = None,
) -> PdiReport:
    """Load one PDI file (CSV in UTF-8/GBK, or XLSX) of ``kind``: every row or none."""
    path = Path(path)
    return ingest_pdi_bytes(
        engine,
        path.read_bytes(),
        kind,
        file_name=path.name,
        dry_run=dry_run,
        source=source,
        actor=actor,
    )


def ingest_pdi_bytes(
    engine: Engine,
    data: bytes,
    kind: str,
    *,
    file_name: str = "upload",
    dry_run: bool = False,
    source: str = "cli",
    actor: str | None = None,
) -> PdiReport:
    if kind not in KINDS:
        raise ValueError(f"unknown PDI file kind {kind!r}; expected one of {KINDS}")
    rd = read_rows(data, kind)
    probs = list(rd.problems)
    missing = [c for c in REQUIRED[kind] if c not in rd.columns]
    if missing and not probs:
        probs.append(
            Problem(1, ",".join(missing), f"缺少必需的列 (missing columns: {', '.join(missing)})")
        )
    if not rd.rows and not probs:
        probs.append(Problem(None, None, "文件没有数据行 (no data rows)"))
    sha = hashlib.sha256(data).hexdigest()
    with Session(engine) as session:
        staged = None
        if not probs:
            staged, probs = VALIDATORS[kind](rd, session)
        if probs or staged is None:
            who = (source, actor)
            batch = None if dry_run else _record(engine, kind, file_name, sha, rd, who, probs)
            log.warning("rejected PDI file %s (%s): %d problems", file_name, kind, len(probs))
            return PdiReport(
                False,
                kind,
                file_name,
                len(rd.rows),
                problems=probs,
                batch_id=batch,
                data_version=_version(session),
                dry_run=dry_run,
            )
        if dry_run:
            return PdiReport(
                True,
                kind,
                file_name,
                len(rd.rows),
                status="dry-run",
                dry_run=True,
                data_version=_version(session),
            )
    try:
        with Session(engine) as session, session.begin():
            batch = _batch(session, kind, file_name, sha, rd, (source, actor), "accepted")
            inserted, replaced = _write(session, kind, staged, batch)
            session.execute(
                update(IngestBatch)
                .where(IngestBatch.id == batch)
                .values(inserted=inserted, replaced=replaced)
            )
            session.execute(
                update(DataState)
                .where(DataState.id == 1)
                .values(version=DataState.version + 1, changed_at=datetime.now(UTC))
            )
            version = _version(session)
    except SQLAlchemyError as exc:
        log.exception("PDI ingest of %s failed in the database", file_name)
        probs = [Problem(None, None, f"数据库写入失败, 已回滚 (database error): {exc}")]
        return PdiReport(False, kind, file_name, len(rd.rows), problems=probs)
    log.info("PDI %s %s: %d inserted, %d replaced", kind, file_name, inserted, replaced)
    return PdiReport(
        True, kind, file_name, len(rd.rows), inserted, replaced, [], batch, version, "accepted"
    )


def _version(session: Session) -> int | None:
    return session.scalar(text("SELECT version FROM data_state WHERE id = 1"))


def _batch(session: Session, kind, file_name, sha, rd: Rows, who, status) -> int:  # noqa: ANN001
    """An ingest_batch row; ``who`` is (source, actor)."""
    source, actor = who
    row = IngestBatch(
        kind=kind,
        file_name=file_name[:255],
        sha256=sha,
        encoding=rd.encoding,
        status=status,
        rows=len(rd.rows),
        inserted=0,
        replaced=0,
        created_at=datetime.now(UTC),
        source=source,
        actor=actor[:64] if actor else None,
    )
    session.add(row)
    session.flush()
    return row.id


def _record(engine, kind, file_name, sha, rd, who, probs: Sequence[Problem]) -> int | None:  # noqa: ANN001
    """The audit log of a rejected file, in its own short transaction; never data."""
    try:
        with Session(engine) as session, session.begin():
            batch = _batch(session, kind, file_name, sha, rd, who, "rejected")
            session.add_all(
                RejectedRow(batch_id=batch, line=p.line, column=p.column, reason=p.reason)
                for p in probs[:MAX_LISTED_PROBLEMS]
            )
            return batch
    except SQLAlchemyError:
        log.exception("could not record the rejected PDI batch %s", file_name)
        return None
