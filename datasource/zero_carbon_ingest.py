"""Ingest of the zero-carbon park files (issue 21): ``park_indicators`` (a park's yearly values
of the six indicators, units converted on the way in) and ``zc_thresholds`` (the thresholds in
force, replaced whole: how an administrator changes them). All rows or none; a rejected file
names every problem's line, column and reason (第 N 行 [列]: 原因) and is recorded in
``ingest_batch``/``rejected_row``; an accepted one bumps the data version in its transaction.

``datasource.ingest.ingest_bytes`` hands these kinds here (given, or detected from the header),
so ``carbonwall ingest FILE`` and the /data upload load them like any other file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, func, insert, select, tuple_, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from datasource import zero_carbon as zc
from datasource.ingest import IngestReport
from datasource.ingest_write import current_version, record_rejection
from datasource.models import DataState, IngestBatch, Region
from datasource.models_zero_carbon import ParkIndicator, ZeroCarbonThreshold
from datasource.readers import XLSX_ERRORS, Problem, Unreadable, check_zip

KINDS = ("park_indicators", "zc_thresholds")
KIND_NAMES_ZH = {"park_indicators": "零碳园区指标", "zc_thresholds": "零碳园区阈值"}
MAX_LISTED = 1000
_ALIASES = {
    "park_code": ("parkcode", "park", "园区代码", "园区"),
    "period": ("period", "year", "年份", "年度", "时期"),
    "indicator": ("indicator", "指标"),
    "value": ("value", "数值", "值"),
    "unit": ("unit", "单位"),
    "tier_min_tce": ("tiermintce", "分档下限"),
    "tier_max_tce": ("tiermaxtce", "分档上限"),
    "comparison": ("comparison", "比较"),
    "threshold": ("threshold", "阈值"),
    "source": ("source", "来源"),
}
REQUIRED = {
    "park_indicators": ("park_code", "period", "indicator", "value", "unit"),
    "zc_thresholds": (
        "indicator",
        "tier_min_tce",
        "tier_max_tce",
        "comparison",
        "threshold",
        "unit",
        "source",
    ),
}
_KEY = {_k: col for col, names in _ALIASES.items() for _k in names}


def _key(header: str) -> str:
    return re.sub(r"[\s_]", "", str(header).strip().lstrip("\ufeff").lower())


@dataclass
class _Rows:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]
    problems: list[Problem]
    encoding: str | None


def _read(data: bytes) -> _Rows:
    """Cells as text under canonical names with file line numbers (CSV UTF-8/GBK, or XLSX)."""
    if data[:4] == b"PK\x03\x04":
        raw, encoding = _xlsx(data), "xlsx"
        if raw is None:
            return _Rows(
                [], [], [Problem(None, None, "无法读取 XLSX 文件 (unreadable XLSX)")], None
            )
    else:
        text = encoding = None
        for enc, name in (("utf-8-sig", "utf-8"), ("gb18030", "gbk")):
            try:
                text, encoding = data.decode(enc), name
                break
            except UnicodeDecodeError:
                continue
        if text is None:
            return _Rows([], [], [Problem(None, None, "文件编码错误: 请另存为 UTF-8 或 GBK")], None)
        try:
            raw = list(enumerate(csv.reader(io.StringIO(text)), start=1))
        except csv.Error as exc:
            return _Rows(
                [],
                [],
                [Problem(None, None, f"无法读取 CSV 文件 (unreadable CSV): {exc}")],
                encoding,
            )
    raw = [(n, r) for n, r in raw if any(str(c).strip() for c in r)]
    if not raw:
        return _Rows([], [], [Problem(None, None, "空文件 (empty file)")], encoding)
    (head_line, header), body = raw[0], raw[1:]
    cols: dict[int, str] = {}
    problems = []
    for i, h in enumerate(header):
        col = _KEY.get(_key(h))
        if col is None:
            continue
        if col in cols.values():
            problems.append(Problem(head_line, col, f"列重复 (column appears twice: {h!r})"))
        cols[i] = col
    rows = [
        (n, {c: (str(r[i]).strip() if i < len(r) else "") for i, c in cols.items()})
        for n, r in body
    ]
    return _Rows(list(cols.values()), rows, problems, encoding)


def _xlsx(data: bytes, *, first_only: bool = False) -> list[tuple[int, list[str]]] | None:
    """The first sheet's rows as text (only the first non-empty one with ``first_only``); None
    for a file that cannot be read. The zip is checked first (readers.check_zip: no zip bomb
    is ever decompressed), and every error the readers list is caught, as the pool's reader
    does: the sheet's XML is parsed while its rows are read."""
    import openpyxl

    try:
        check_zip(data)
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (Unreadable, *XLSX_ERRORS):
        return None
    try:
        out = []
        for n, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            cells = []
            for v in row:
                if isinstance(v, float) and v.is_integer():
                    v = int(v)
                cells.append("" if v is None else str(v))
            out.append((n, cells))
            if first_only and any(c.strip() for c in cells):
                break
        return out
    except XLSX_ERRORS:
        return None
    finally:
        book.close()


def _header(data: bytes) -> list[str]:
    """The first non-empty row's cells, read cheaply (the rest of a large file is not parsed)."""
    if data[:4] == b"PK\x03\x04":
        rows = _xlsx(data, first_only=True) or []
        return next((cells for _n, cells in rows if any(c.strip() for c in cells)), [])
    chunk = data[:65536]
    try:
        head = chunk.decode("utf-8-sig")
    except UnicodeDecodeError as exc:  # a character cut at the chunk's end, or GBK
        cut = exc.start > len(chunk) - 4
        head = chunk[: exc.start].decode("utf-8-sig") if cut else chunk.decode("gb18030", "ignore")
    try:
        for row in csv.reader(io.StringIO(head)):
            if any(c.strip() for c in row):
                return row
    except csv.Error:
        return []
    return []


def detect(data: bytes) -> str | None:
    """The zero-carbon kind a file's header names, or None (then it is another kind)."""
    cols = {_KEY.get(_key(h)) for h in _header(data)}
    if set(REQUIRED["park_indicators"]) <= cols:
        return "park_indicators"
    if {"indicator", "comparison", "threshold", "source"} <= cols:
        return "zc_thresholds"
    return None


def _number(text: str) -> float | None:
    try:
        v = float(text.replace(",", ""))
    except ValueError:
        return None
    return v if math.isfinite(v) else None


# --------------------------------------------------------------------------- checks


def _check_values(rd: _Rows, parks: set[str]) -> tuple[list[dict], list[Problem]]:
    probs: list[Problem] = []
    rows: list[dict] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, r in rd.rows:
        bad = len(probs)
        park, period, ind, unit = r["park_code"], r["period"], r["indicator"], r["unit"]
        if park not in parks:
            probs.append(Problem(line, "park_code", f"未知园区 (unknown park {park!r})"))
        if not re.fullmatch(r"(19|20|21)\d{2}", period):
            probs.append(
                Problem(line, "period", f"年份须为 YYYY (period must be a year: {period!r})")
            )
        if ind not in zc.INDICATORS:
            known = ", ".join(zc.INDICATORS)
            probs.append(Problem(line, "indicator", f"未知指标 {ind!r} (known: {known})"))
        value = _number(r["value"])
        if value is None or value < 0:
            probs.append(Problem(line, "value", f"数值须为非负数 ({r['value']!r})"))
        if len(probs) > bad:
            continue
        canonical = zc.convert(ind, value, unit)
        if canonical is None:
            accepted = " / ".join(u or "（空）" for u in zc.CONVERSIONS[ind])
            probs.append(
                Problem(line, "unit", f"{ind} 的单位不能是 {unit!r} (accepted: {accepted})")
            )
            continue
        if reason := _range_problem(ind, canonical):
            probs.append(Problem(line, "value", reason))
            continue
        key = (park, period, ind)
        if key in seen:
            probs.append(Problem(line, "indicator", f"与第 {seen[key]} 行重复 (duplicate)"))
            continue
        seen[key] = line
        rows.append(
            {
                "park_code": park,
                "period": period,
                "indicator": ind,
                "value": canonical,
                "unit": zc.UNITS[ind],
            }
        )
    return rows, probs


def _range_problem(indicator: str, value: float) -> str | None:
    if zc.UNITS[indicator] == "%" and value > 100 + 1e-9:
        return f"比例须在 0–100% 之间 (share above 100 %: {value:g} %)"
    if indicator == "product_energy_grade" and value not in (1, 2, 3):
        return f"能耗限额等级须为 1、2 或 3 (grade must be 1, 2 or 3: {value:g})"
    if indicator == zc.ENERGY and value == 0:
        return "能源消费量须大于 0 (energy use must be above 0)"
    return None


def _check_thresholds(rd: _Rows) -> tuple[list[dict], list[Problem]]:
    probs: list[Problem] = []
    rows: list[dict] = []
    known = (zc.CORE, *zc.GUIDING)
    for line, r in rd.rows:
        bad = len(probs)
        ind = r["indicator"]
        if ind not in known:
            probs.append(
                Problem(line, "indicator", f"未知指标 {ind!r} (known: {', '.join(known)})")
            )
        nums = {}
        for col in ("tier_min_tce", "tier_max_tce", "threshold"):
            nums[col] = _number(r[col]) if r[col] else None
            if r[col] and (nums[col] is None or nums[col] < 0):
                probs.append(Problem(line, col, f"须为非负数或留空 ({r[col]!r})"))
        if r["comparison"] not in zc.COMPARISONS:
            probs.append(Problem(line, "comparison", f"比较须为 le 或 ge ({r['comparison']!r})"))
        if not r["source"]:
            probs.append(
                Problem(line, "source", "来源为空: 每个阈值须注明出处 (source is required)")
            )
        low, high = nums["tier_min_tce"], nums["tier_max_tce"]
        if low is not None and high is not None and high <= low:
            probs.append(Problem(line, "tier_max_tce", f"分档上限须大于下限 ({high:g} <= {low:g})"))
        if ind == zc.CORE and low is None and high is None and nums["threshold"] is not None:
            probs.append(Problem(line, "tier_min_tce", "核心指标的阈值须注明能耗分档"))
        if len(probs) > bad:
            continue
        rows.append(
            {
                "indicator": ind,
                "tier_min_tce": low,
                "tier_max_tce": high,
                "comparison": r["comparison"],
                "threshold": nums["threshold"],
                "unit": r["unit"][:16],
                "source": r["source"],
                "_line": line,
            }
        )
    if not probs:
        probs.extend(_overlaps(rows))
    return [{k: v for k, v in r.items() if k != "_line"} for r in rows], probs


def _overlaps(rows: list[dict]) -> list[Problem]:
    """Two tiers of one indicator may not overlap (a park would fall in both)."""
    out = []
    by_ind: dict[str, list[dict]] = {}
    for r in rows:
        by_ind.setdefault(r["indicator"], []).append(r)
    for ind, mine in by_ind.items():
        spans = sorted(
            (r["tier_min_tce"] or 0.0, r["tier_max_tce"] or math.inf, r["_line"]) for r in mine
        )
        for (_lo1, hi1, _l1), (lo2, _hi2, l2) in zip(spans, spans[1:], strict=False):
            if lo2 < hi1:
                out.append(
                    Problem(l2, "tier_min_tce", f"{ind} 的能耗分档与其他行重叠 (tiers overlap)")
                )
    return out


# --------------------------------------------------------------------------- entry point


def ingest_bytes(
    engine: Engine,
    data: bytes,
    file_name: str,
    *,
    kind: str | None = None,
    dry_run: bool = False,
    source: str = "api",
    actor: str | None = None,
) -> IngestReport:
    """Validate and load one zero-carbon file: every row or none."""
    rd = _read(data)
    kind = kind or detect(data) or "park_indicators"
    probs = list(rd.problems)
    for col in REQUIRED[kind]:
        if col not in rd.columns and rd.columns:
            probs.append(Problem(1, col, f"缺少列 (missing column) {col}"))
    if not rd.rows and not probs:
        probs.append(Problem(None, None, "空文件: 只有表头, 没有数据行 (empty file: no data rows)"))
    sha = hashlib.sha256(data).hexdigest()
    base = {"kind": kind, "rows": len(rd.rows), "file_name": file_name, "encoding": rd.encoding}
    staged: list[dict] = []
    if not probs:
        if kind == "park_indicators":
            with Session(engine) as session:
                parks = set(session.scalars(select(Region.code).where(Region.level == "park")))
            staged, probs = _check_values(rd, parks)
        else:
            staged, probs = _check_thresholds(rd)
    if probs:
        listed = probs[:MAX_LISTED]
        batch = None
        if not dry_run:
            batch = record_rejection(
                engine,
                kind,
                file_name,
                sha,
                rd.encoding,
                len(rd.rows),
                source,
                listed,
                len(probs),
                actor=actor,
            )
        return IngestReport(
            ok=False,
            batch_id=batch,
            inserted=0,
            replaced=0,
            unchanged=0,
            problems=listed,
            data_version=current_version(engine),
            problem_count=len(probs),
            dry_run=dry_run,
            **base,
        )
    if dry_run:
        return IngestReport(
            ok=True,
            batch_id=None,
            inserted=0,
            replaced=0,
            unchanged=0,
            problems=[],
            data_version=current_version(engine),
            status="dry-run",
            dry_run=True,
            **base,
        )
    try:
        counts = _write(engine, kind, staged, base, sha, source, actor)
    except SQLAlchemyError as exc:
        problem = Problem(
            None, None, f"数据库写入失败, 已回滚 (database error, rolled back): {exc}"
        )
        return IngestReport(
            ok=False,
            batch_id=None,
            inserted=0,
            replaced=0,
            unchanged=0,
            problems=[problem],
            data_version=current_version(engine),
            problem_count=1,
            **base,
        )
    return IngestReport(ok=True, problems=[], **counts, **base)


def _write(engine: Engine, kind: str, rows: list[dict], base: dict, sha: str, source, actor):  # noqa: ANN001, ANN202
    with Session(engine) as session, session.begin():
        if kind == "park_indicators":
            inserted, replaced, unchanged = _replace_values(session, rows)
        else:
            before = session.scalar(select(func.count()).select_from(ZeroCarbonThreshold)) or 0
            session.execute(delete(ZeroCarbonThreshold))
            inserted, replaced, unchanged = max(len(rows) - before, 0), min(before, len(rows)), 0
        changed = inserted + replaced > 0 or kind == "zc_thresholds"
        status = "accepted" if changed else "unchanged"
        batch = IngestBatch(
            kind=kind,
            file_name=base["file_name"][:255],
            sha256=sha,
            encoding=base["encoding"],
            status=status,
            rows=len(rows),
            inserted=inserted,
            replaced=replaced,
            created_at=datetime.now(UTC),
            source=source,
            actor=actor[:64] if actor else None,
        )
        session.add(batch)
        session.flush()
        batch_id = batch.id
        model = ParkIndicator if kind == "park_indicators" else ZeroCarbonThreshold
        todo = rows if kind == "zc_thresholds" else [r for r in rows if r.pop("_new", True)]
        if todo:
            session.execute(insert(model), [r | {"batch_id": batch_id} for r in todo])
        if changed:
            session.execute(
                update(DataState)
                .where(DataState.id == 1)
                .values(version=DataState.version + 1, changed_at=datetime.now(UTC))
            )
        version = session.scalar(select(DataState.version).where(DataState.id == 1))
    return {
        "batch_id": batch_id,
        "inserted": inserted,
        "replaced": replaced,
        "unchanged": unchanged,
        "data_version": version,
        "status": status,
    }


def _replace_values(session: Session, rows: list[dict]) -> tuple[int, int, int]:
    """Delete the stored rows the file changes; mark each row new (to insert) or not."""
    cols = (ParkIndicator.park_code, ParkIndicator.period, ParkIndicator.indicator)
    keys = [(r["park_code"], r["period"], r["indicator"]) for r in rows]
    stored: dict[tuple[str, str, str], float] = {}
    for i in range(0, len(keys), 400):
        chunk = keys[i : i + 400]
        for p, y, ind, v in session.execute(
            select(*cols, ParkIndicator.value).where(tuple_(*cols).in_(chunk))
        ):
            stored[(p, y, ind)] = v
    inserted = replaced = unchanged = 0
    changed_keys = []
    for key, r in zip(keys, rows, strict=True):
        old = stored.get(key)
        if old is None:
            inserted += 1
        elif math.isclose(old, r["value"], rel_tol=1e-12, abs_tol=1e-12):
            unchanged += 1
            r["_new"] = False
            continue
        else:
            replaced += 1
            changed_keys.append(key)
    for i in range(0, len(changed_keys), 400):
        session.execute(delete(ParkIndicator).where(tuple_(*cols).in_(changed_keys[i : i + 400])))
    return inserted, replaced, unchanged
