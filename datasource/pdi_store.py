"""Reads and writes of the PDI park evaluation: ingest of the indicator tree, Delphi ratings,
park indicator values and direct dimension scores (all rows or none, with a report naming
every problem's line, column and reason), and the evaluated, ranked parks (computed on read,
so a change of weights or data shows on the next read; the arithmetic is in `datasource.pdi`).

While the ``pdi_indicator`` table is empty the package's default tree is used.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import math
import re
import zipfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, delete, func, insert, select, text, tuple_, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from datasource import pdi
from datasource.models import DataState, IngestBatch, Region, RejectedRow
from datasource.models_pdi import PdiIndicator, PdiRating, PdiScore, PdiValue

log = logging.getLogger(__name__)

KINDS = ("pdi_tree", "pdi_ratings", "pdi_values", "pdi_scores")
KIND_NAMES_ZH = {
    "pdi_tree": "PDI 指标体系与权重",
    "pdi_ratings": "德尔菲专家评分",
    "pdi_values": "园区指标数据",
    "pdi_scores": "园区维度得分",
}
MAX_LISTED_PROBLEMS = 1000

# canonical column -> accepted header spellings (lower-cased, spaces/underscores removed)
_ALIASES = {
    "code": ("code", "代码", "指标代码", "编码"),
    "parent_code": ("parentcode", "parent", "上级代码", "上级指标"),
    "level": ("level", "层级", "级别"),
    "name_zh": ("namezh", "name", "名称", "中文名称", "指标名称"),
    "name_en": ("nameen", "英文名称"),
    "weight": ("weight", "权重"),
    "direction": ("direction", "方向"),
    "method": ("method", "归一化方法", "方法"),
    "worst": ("worst", "最差值", "最差基准"),
    "best": ("best", "最优值", "最优基准"),
    "unit": ("unit", "单位"),
    "measure_zh": ("measurezh", "measure", "度量", "计量说明"),
    "source": ("source", "来源"),
    "round": ("round", "轮次", "轮"),
    "expert": ("expert", "专家", "专家编号"),
    "indicator_code": ("indicatorcode", "indicator", "指标", "指标代码"),
    "rating": ("rating", "评分", "重要性"),
    "scale": ("scale", "量表"),
    "park_code": ("parkcode", "park", "园区代码", "园区"),
    "value": ("value", "数值", "值", "指标值"),
    "period": ("period", "year", "年份", "时期"),
    "dimension": ("dimension", "维度", "一级指标"),
    "score": ("score", "得分", "分数"),
}
_REQUIRED = {
    "pdi_tree": ("code", "weight"),  # a full tree also needs parent_code, level, name_zh
    "pdi_ratings": ("round", "expert", "indicator_code", "rating"),
    "pdi_values": ("park_code", "indicator_code", "value", "period"),
    "pdi_scores": ("park_code", "dimension", "score"),
}
_DIMENSION_ALIASES = {"P": "P", "D": "D", "I": "I", "表现力": "P", "发展力": "D", "影响力": "I"}


def _key(header: str) -> str:
    return re.sub(r"[\s_]", "", header.strip().lstrip("\ufeff").lower())


def _columns_for(kind: str) -> dict[str, str]:
    """Header key -> canonical column, for the kind (so 'code' means indicator code in a tree)."""
    out: dict[str, str] = {}
    for col, names in _ALIASES.items():
        for name in names:
            out.setdefault(_key(name), col)
    if kind != "pdi_tree":
        out[_key("code")] = "indicator_code"
        out[_key("指标代码")] = "indicator_code"
    return out


# --------------------------------------------------------------------------- reports


@dataclass(frozen=True)
class Problem:
    """One reason a file cannot be loaded: file line (header = 1), column, reason."""

    line: int | None
    column: str | None
    reason: str

    def render(self) -> str:
        where = f"第 {self.line} 行" if self.line is not None else "文件"
        col = f" [{self.column}]" if self.column else ""
        return f"{where}{col}: {self.reason}"


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


# --------------------------------------------------------------------------- reading


@dataclass
class _Rows:
    columns: set[str]
    rows: list[tuple[int, dict[str, str]]]
    problems: list[Problem]
    encoding: str | None = None


def _decode(data: bytes) -> tuple[str | None, str | None]:
    for enc, name in (("utf-8-sig", "utf-8"), ("gbk", "gbk"), ("gb18030", "gb18030")):
        try:
            return data.decode(enc), name
        except UnicodeDecodeError:
            continue
    return None, None


def _read(data: bytes, kind: str) -> _Rows:
    """Cells as text under canonical names, with file line numbers; CSV (UTF-8/GBK) or XLSX."""
    if not data.strip():
        return _Rows(set(), [], [Problem(None, None, "空文件 (empty file)")])
    if data[:4] == b"PK\x03\x04":
        raw, encoding = _xlsx_rows(data)
        if raw is None:
            return _Rows(set(), [], [Problem(None, None, "无法读取 XLSX 文件 (unreadable XLSX)")])
    else:
        text_, encoding = _decode(data)
        if text_ is None:
            return _Rows(set(), [], [Problem(None, None, "文件编码错误: 请另存为 UTF-8 或 GBK")])
        raw = list(enumerate(csv.reader(io.StringIO(text_)), start=1))
    raw = [(n, r) for n, r in raw if any(c.strip() for c in r)]
    if not raw:
        return _Rows(set(), [], [Problem(None, None, "空文件 (empty file)")])
    (head_line, header), body = raw[0], raw[1:]
    known = _columns_for(kind)
    cols: dict[int, str] = {}
    problems = []
    for i, h in enumerate(header):
        col = known.get(_key(h))
        if col is None:
            continue
        if col in cols.values():
            problems.append(Problem(head_line, col, f"列重复 (column appears twice: {h!r})"))
        cols[i] = col
    rows = [
        (n, {c: (r[i].strip() if i < len(r) else "") for i, c in cols.items()}) for n, r in body
    ]
    return _Rows(set(cols.values()), rows, problems, encoding)


def _xlsx_rows(data: bytes) -> tuple[list[tuple[int, list[str]]] | None, str]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None, "xlsx"
    try:
        sheet = book.worksheets[0]
        out = []
        for n, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = []
            for v in row:
                if v is None:
                    cells.append("")
                elif isinstance(v, float) and v.is_integer():
                    cells.append(str(int(v)))
                else:
                    cells.append(str(v))
            out.append((n, cells))
        return out, "xlsx"
    finally:
        book.close()


def _number(text_: str) -> float | None:
    try:
        v = float(text_.replace(",", ""))
    except ValueError:
        return None
    return v if math.isfinite(v) else None


# --------------------------------------------------------------------------- the effective tree


def tree(session: Session) -> list[pdi.Node]:
    """The stored tree, or the package's default while none is stored."""
    rows = session.scalars(select(PdiIndicator).order_by(PdiIndicator.sort_key)).all()
    if not rows:
        return pdi.default_tree()
    return [
        pdi.Node(
            r.code,
            r.parent_code,
            r.level,
            r.name_zh,
            r.name_en,
            r.weight,
            r.direction,
            r.method,
            r.worst,
            r.best,
            r.unit,
            r.measure_zh,
            r.source,
            r.sort_key,
        )
        for r in rows
    ]


def _node_row(n: pdi.Node) -> dict:
    return {
        "code": n.code,
        "parent_code": n.parent_code,
        "level": n.level,
        "sort_key": n.sort_key,
        "name_zh": n.name_zh,
        "name_en": n.name_en,
        "weight": n.weight,
        "direction": n.direction,
        "method": n.method,
        "worst": n.worst,
        "best": n.best,
        "unit": n.unit,
        "measure_zh": n.measure_zh,
        "source": n.source,
    }


def _parks(session: Session) -> set[str]:
    return set(session.scalars(select(Region.code).where(Region.level == "park")))


# --------------------------------------------------------------------------- validation


@dataclass
class _Staged:
    """The rows a valid file will write (and, for ratings, the rounds it replaces)."""

    rows: list[dict]
    extra: dict = field(default_factory=dict)


def _validate_tree(rd: _Rows, session: Session) -> tuple[_Staged | None, list[Problem]]:
    full = {"parent_code", "level", "name_zh"} <= rd.columns
    current = {n.code: n for n in tree(session)}
    probs: list[Problem] = []
    nodes: list[pdi.Node] = []
    line_of: dict[str, int] = {}
    for i, (line, r) in enumerate(rd.rows):
        code = r["code"]
        if not code:
            probs.append(Problem(line, "code", "指标代码为空 (empty code)"))
            continue
        if code in line_of:
            probs.append(Problem(line, "code", f"指标代码重复 (duplicate code {code})"))
            continue
        line_of[code] = line
        weight = _number(r["weight"])
        if weight is None:
            probs.append(Problem(line, "weight", f"权重不是数字 ({r['weight']!r})"))
            continue
        if full:
            level = _number(r["level"])
            if level is None or not level.is_integer():
                probs.append(Problem(line, "level", f"层级不是整数 ({r['level']!r})"))
                continue
            worst, best = _number(r.get("worst", "")), _number(r.get("best", ""))
            for col, v in (("worst", worst), ("best", best)):
                if r.get(col) and v is None:
                    probs.append(Problem(line, col, f"不是数字 ({r[col]!r})"))
            nodes.append(
                pdi.Node(
                    code,
                    r["parent_code"] or None,
                    int(level),
                    r["name_zh"],
                    r.get("name_en") or r["name_zh"],
                    weight,
                    r.get("direction") or None,
                    r.get("method") or None,
                    worst,
                    best,
                    r.get("unit", ""),
                    r.get("measure_zh", ""),
                    r.get("source", ""),
                    i,
                )
            )
        elif code not in current:
            probs.append(Problem(line, "code", f"未知指标 (unknown indicator {code})"))
        else:
            nodes.append(_replace_weight(current[code], weight))
    if probs:
        return None, probs
    if not full:  # a weight update: merge into the current tree
        given = {n.code: n for n in nodes}
        nodes = [given.get(c, n) for c, n in current.items()]
    for p in pdi.tree_problems(nodes):
        probs.append(Problem(line_of.get(p.code), p.column, f"{p.code}: {p.reason}"))
    if full and not probs:
        probs.extend(_orphans(session, {n.code for n in nodes if n.is_leaf}))
    return (None if probs else _Staged([_node_row(n) for n in nodes])), probs


def _replace_weight(n: pdi.Node, weight: float) -> pdi.Node:
    from dataclasses import replace

    return replace(n, weight=weight)


def _orphans(session: Session, leaves: set[str]) -> list[Problem]:
    used = session.execute(
        select(PdiValue.indicator_code, func.count()).group_by(PdiValue.indicator_code)
    ).all()
    return [
        Problem(
            None,
            "code",
            f"新指标体系缺少已有数据的指标 {code} ({n} values stored; the new tree drops it)",
        )
        for code, n in used
        if code not in leaves
    ]


def _validate_ratings(rd: _Rows, session: Session) -> tuple[_Staged | None, list[Problem]]:
    nodes = {n.code: n for n in tree(session)}
    probs: list[Problem] = []
    rows: list[dict] = []
    seen: dict[tuple[int, str, str], int] = {}
    has_scale = "scale" in rd.columns
    for line, r in rd.rows:
        rnd = _number(r["round"])
        if rnd is None or not rnd.is_integer() or rnd < 1:
            probs.append(Problem(line, "round", f"轮次须为正整数 ({r['round']!r})"))
            continue
        if not r["expert"]:
            probs.append(Problem(line, "expert", "专家为空 (empty expert)"))
            continue
        code = r["indicator_code"]
        if code not in nodes:
            probs.append(Problem(line, "indicator_code", f"未知指标 (unknown indicator {code!r})"))
            continue
        rating = _number(r["rating"])
        scale = _number(r["scale"]) if has_scale else None
        if has_scale and scale not in pdi.RATING_SCALES:
            probs.append(Problem(line, "scale", f"量表须为 5 或 9 ({r['scale']!r})"))
            continue
        top = int(scale) if scale else 9
        if rating is None or not 1 <= rating <= top:
            probs.append(Problem(line, "rating", f"评分须在 1–{top} 之间 ({r['rating']!r})"))
            continue
        key = (int(rnd), r["expert"], code)
        if key in seen:
            probs.append(Problem(line, "indicator_code", f"与第 {seen[key]} 行重复 (duplicate)"))
            continue
        seen[key] = line
        rows.append(
            {
                "round": key[0],
                "expert": key[1],
                "indicator_code": code,
                "rating": rating,
                "scale": int(scale) if scale else 0,
                "_line": line,
            }
        )
    if not probs:
        probs.extend(_complete(rows, list(nodes)))
    return (None if probs else _Staged(rows, {"rounds": {r["round"] for r in rows}})), probs


def _complete(rows: list[dict], codes: list[str]) -> list[Problem]:
    """Every expert of a round rates every indicator; a round uses one scale."""
    probs = []
    by_round: dict[int, dict[str, dict[str, dict]]] = defaultdict(lambda: defaultdict(dict))
    for r in rows:
        by_round[r["round"]][r["expert"]][r["indicator_code"]] = r
    for rnd, experts in sorted(by_round.items()):
        if len(experts) < 2:
            probs.append(Problem(None, "expert", f"第 {rnd} 轮只有 1 位专家 (need at least 2)"))
        ratings = [r for e in experts.values() for r in e.values()]
        scale = {r["scale"] for r in ratings} - {0}
        if len(scale) > 1:
            probs.append(Problem(None, "scale", f"第 {rnd} 轮混用了量表 {sorted(scale)}"))
        auto = 5 if max(r["rating"] for r in ratings) <= 5 else 9
        for r in ratings:
            r["scale"] = r["scale"] or auto
        for expert, got in sorted(experts.items()):
            missing = [c for c in codes if c not in got]
            if missing:
                first = min(r["_line"] for r in got.values())
                probs.append(
                    Problem(
                        first,
                        "indicator_code",
                        f"第 {rnd} 轮专家 {expert} 缺少指标评分 (missing ratings: "
                        f"{', '.join(missing)})",
                    )
                )
    return probs


def _validate_values(rd: _Rows, session: Session) -> tuple[_Staged | None, list[Problem]]:
    leaves = {n.code: n for n in tree(session) if n.is_leaf}
    parks = _parks(session)
    probs: list[Problem] = []
    rows: list[dict] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, r in rd.rows:
        bad = len(probs)
        park, code, period = r["park_code"], r["indicator_code"], r["period"]
        if park not in parks:
            probs.append(Problem(line, "park_code", f"未知园区 (unknown park {park!r})"))
        node = leaves.get(code)
        if node is None:
            probs.append(
                Problem(line, "indicator_code", f"未知的三级指标 (unknown leaf indicator {code!r})")
            )
        if not re.fullmatch(r"\d{4}", period):
            probs.append(Problem(line, "period", f"年份须为 YYYY ({period!r})"))
        value = _number(r["value"])
        if value is None or value < 0:
            probs.append(Problem(line, "value", f"数值须为非负数 ({r['value']!r})"))
        elif node is not None and node.method == "scale" and value > pdi.SCORE_MAX:
            probs.append(Problem(line, "value", f"{code} 为 0–5 评分, 超出范围 ({value})"))
        unit = r.get("unit", "")
        if node is not None and unit and unit != node.unit:
            probs.append(Problem(line, "unit", f"单位应为 {node.unit!r} ({unit!r})"))
        if len(probs) > bad:
            continue
        key = (park, code, period)
        if key in seen:
            probs.append(Problem(line, "indicator_code", f"与第 {seen[key]} 行重复 (duplicate)"))
            continue
        seen[key] = line
        rows.append({"park_code": park, "indicator_code": code, "period": period, "value": value})
    return (None if probs else _Staged(rows)), probs


def _validate_scores(rd: _Rows, session: Session) -> tuple[_Staged | None, list[Problem]]:
    parks = _parks(session)
    probs: list[Problem] = []
    rows: list[dict] = []
    seen: dict[tuple[str, str], int] = {}
    for line, r in rd.rows:
        bad = len(probs)
        park = r["park_code"]
        raw = r["dimension"]
        dim = _DIMENSION_ALIASES.get(raw.upper()) or _DIMENSION_ALIASES.get(raw)
        if park not in parks:
            probs.append(Problem(line, "park_code", f"未知园区 (unknown park {park!r})"))
        if dim is None:
            probs.append(Problem(line, "dimension", f"维度须为 P、D 或 I ({r['dimension']!r})"))
        score = _number(r["score"])
        if score is None or not 0 <= score <= pdi.SCORE_MAX:
            probs.append(Problem(line, "score", f"得分须在 0–5 之间 ({r['score']!r})"))
        if len(probs) > bad:
            continue
        key = (park, dim)
        if key in seen:
            probs.append(Problem(line, "dimension", f"与第 {seen[key]} 行重复 (duplicate)"))
            continue
        seen[key] = line
        rows.append({"park_code": park, "dimension": dim, "score": score})
    return (None if probs else _Staged(rows)), probs


_VALIDATORS = {
    "pdi_tree": _validate_tree,
    "pdi_ratings": _validate_ratings,
    "pdi_values": _validate_values,
    "pdi_scores": _validate_scores,
}


# --------------------------------------------------------------------------- writing


def _write(session: Session, kind: str, staged: _Staged, batch_id: int | None) -> tuple[int, int]:
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
    engine: Engine, path: str | Path, kind: str, *, dry_run: bool = False, source: str = "cli"
) -> PdiReport:
    """Load one PDI file (CSV in UTF-8/GBK, or XLSX) of ``kind``: every row or none."""
    path = Path(path)
    return ingest_pdi_bytes(
        engine, path.read_bytes(), kind, file_name=path.name, dry_run=dry_run, source=source
    )


def ingest_pdi_bytes(
    engine: Engine,
    data: bytes,
    kind: str,
    *,
    file_name: str = "upload",
    dry_run: bool = False,
    source: str = "cli",
) -> PdiReport:
    if kind not in KINDS:
        raise ValueError(f"unknown PDI file kind {kind!r}; expected one of {KINDS}")
    rd = _read(data, kind)
    probs = list(rd.problems)
    missing = [c for c in _REQUIRED[kind] if c not in rd.columns]
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
            staged, probs = _VALIDATORS[kind](rd, session)
        if probs or staged is None:
            batch = None if dry_run else _record(engine, kind, file_name, sha, rd, source, probs)
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
            batch = _batch(session, kind, file_name, sha, rd, source, "accepted")
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


def _batch(session: Session, kind, file_name, sha, rd: _Rows, source, status) -> int:  # noqa: ANN001
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
    )
    session.add(row)
    session.flush()
    return row.id


def _record(engine, kind, file_name, sha, rd, source, probs: Sequence[Problem]) -> int | None:  # noqa: ANN001
    """The audit log of a rejected file, in its own short transaction; never data."""
    try:
        with Session(engine) as session, session.begin():
            batch = _batch(session, kind, file_name, sha, rd, source, "rejected")
            session.add_all(
                RejectedRow(batch_id=batch, line=p.line, column=p.column, reason=p.reason)
                for p in probs[:MAX_LISTED_PROBLEMS]
            )
            return batch
    except SQLAlchemyError:
        log.exception("could not record the rejected PDI batch %s", file_name)
        return None


def write_default_tree(session: Session) -> int:
    """Store the package's default tree (replacing a stored one); returns the node count."""
    nodes = pdi.default_tree()
    session.execute(delete(PdiIndicator))
    session.execute(insert(PdiIndicator), [_node_row(n) for n in nodes])
    return len(nodes)


# --------------------------------------------------------------------------- reads


@dataclass(frozen=True)
class ParkScore:
    """One evaluated park: dimension scores, weighted total and ranks within the read's set."""

    code: str
    name_zh: str
    name_en: str
    province_code: str
    province_zh: str
    county_code: str | None
    industry: str | None
    park_level: str | None
    lon: float | None
    lat: float | None
    P: float
    D: float
    I: float  # noqa: E741 - the seed's letter for Impact
    total: float
    rank: int
    rank_P: int
    rank_D: int
    rank_I: int
    stage: str
    weakest: str
    direct: tuple[str, ...]
    level2: dict[str, float | None]

    def dimensions(self) -> dict[str, float]:
        return {"P": self.P, "D": self.D, "I": self.I}


def _province_of(county: str | None) -> str:
    return f"{county[:2]}0000" if county and len(county) == 6 and county.isdigit() else ""


def _leaf_points(session: Session, nodes: Sequence[pdi.Node]) -> dict[str, dict[str, float]]:
    """park -> leaf -> 0–5 points, from each park's latest value of each leaf."""
    latest: dict[tuple[str, str], tuple[str, float]] = {}
    for park, code, period, value in session.execute(
        select(PdiValue.park_code, PdiValue.indicator_code, PdiValue.period, PdiValue.value)
    ):
        key = (park, code)
        if key not in latest or period > latest[key][0]:
            latest[key] = (period, value)
    by_leaf: dict[str, dict[str, float]] = defaultdict(dict)
    for (park, code), (_period, value) in latest.items():
        by_leaf[code][park] = value
    points: dict[str, dict[str, float]] = defaultdict(dict)
    for node in nodes:
        if node.is_leaf and node.code in by_leaf:
            for park, pts in pdi.normalise(node, by_leaf[node.code]).items():
                points[park][node.code] = pts
    return points


def evaluations(
    session: Session,
    *,
    province: str | None = None,
    industry: str | None = None,
    park_level: str | None = None,
) -> list[ParkScore]:
    """Every evaluated park matching the filters, best total first, with ranks within that set.

    Normalisation (min-max) always runs over the whole pool, so a filter never moves a score.
    """
    nodes = tree(session)
    direct: dict[str, dict[str, float]] = defaultdict(dict)
    for park, dim, score in session.execute(
        select(PdiScore.park_code, PdiScore.dimension, PdiScore.score)
    ):
        direct[park][dim] = score
    evals = pdi.evaluate(nodes, _leaf_points(session, nodes), direct)
    stmt = select(Region).where(Region.level == "park")
    if industry:
        stmt = stmt.where(Region.industry == industry)
    if park_level:
        stmt = stmt.where(Region.park_level == park_level)
    parks = [
        p
        for p in session.scalars(stmt)
        if p.code in evals and (not province or _province_of(p.parent_code) == province)
    ]
    names = dict(
        session.execute(select(Region.code, Region.name_zh).where(Region.level == "province")).all()
    )
    chosen = {p.code: evals[p.code] for p in parks}
    rank_total = pdi.ranks({c: e.total for c, e in chosen.items()})
    rank_dim = {d: pdi.ranks({c: e.dimensions[d] for c, e in chosen.items()}) for d in "PDI"}
    out = []
    for p in parks:
        e = chosen[p.code]
        prov = _province_of(p.parent_code)
        out.append(
            ParkScore(
                p.code,
                p.name_zh,
                p.name_en,
                prov,
                names.get(prov, ""),
                p.parent_code,
                p.industry,
                p.park_level,
                p.lon,
                p.lat,
                e.dimensions["P"],
                e.dimensions["D"],
                e.dimensions["I"],
                e.total,
                rank_total[p.code],
                rank_dim["P"][p.code],
                rank_dim["D"][p.code],
                rank_dim["I"][p.code],
                pdi.stage_of(e.total),
                pdi.weakest(e.dimensions),
                e.direct,
                e.level2,
            )
        )
    return sorted(out, key=lambda s: (s.rank, s.code))


@dataclass(frozen=True)
class FilterOptions:
    provinces: list[tuple[str, str]]  # (code, name) of provinces that hold evaluated parks
    industries: list[str]
    park_levels: list[str]


def filter_options(session: Session) -> FilterOptions:
    parks = evaluations(session)
    provinces = sorted({(p.province_code, p.province_zh or p.province_code) for p in parks})
    return FilterOptions(
        provinces,
        sorted({p.industry for p in parks if p.industry}),
        sorted({p.park_level for p in parks if p.park_level}),
    )


@dataclass(frozen=True)
class ParkDetail:
    park: ParkScore
    weights: dict[str, float]  # first level
    industry_median: dict[str, float]  # P, D, I, total and level-2 codes (every peer has them)
    industry_size: int
    level2_names: dict[str, str]
    strategies: list[pdi.Strategy]
    peers: list[ParkScore]  # the industry's parks, ranked within the industry


def park_detail(session: Session, code: str) -> ParkDetail | None:
    """One park with its industry peers (ranked within the industry), the industry's medians
    and the suggested strategies; None if the park is unknown or not evaluated."""
    region = session.get(Region, code)
    if region is None or region.level != "park":
        return None
    peers = evaluations(session, industry=region.industry) if region.industry else []
    if not region.industry:
        peers = [p for p in evaluations(session) if p.industry is None]
    park = next((p for p in peers if p.code == code), None)
    if park is None:
        return None
    nodes = tree(session)
    medians: dict[str, float] = {}
    for d in pdi.DIMENSIONS:
        medians[d] = pdi.median(p.dimensions()[d] for p in peers) or 0.0
    medians["total"] = pdi.median(p.total for p in peers) or 0.0
    for n in nodes:
        if n.level == 2:
            vals = [p.level2.get(n.code) for p in peers]
            if vals and all(v is not None for v in vals):
                medians[n.code] = pdi.median(v for v in vals if v is not None) or 0.0
    return ParkDetail(
        park,
        pdi.first_level_weights(nodes),
        medians,
        len(peers),
        {n.code: n.name_zh for n in nodes if n.level == 2},
        pdi.suggest(park.industry, park.dimensions(), park.total),
        peers,
    )


def delphi_rounds(session: Session) -> list[pdi.DelphiRound]:
    """Weights and agreement of every stored Delphi round, oldest first."""
    parents = {n.code: n.parent_code for n in tree(session)}
    by_round: dict[int, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for rnd, expert, code, rating in session.execute(
        select(PdiRating.round, PdiRating.expert, PdiRating.indicator_code, PdiRating.rating)
    ):
        if code in parents:
            by_round[rnd][expert][code] = rating
    return [pdi.delphi_round(r, by_round[r], parents) for r in sorted(by_round)]


def apply_delphi(engine: Engine, round_no: int | None = None) -> pdi.DelphiRound:
    """Set the tree's weights from a Delphi round (default: the latest); bumps the data version."""
    with Session(engine) as session, session.begin():
        rounds = {r.round: r for r in delphi_rounds(session)}
        if not rounds:
            raise ValueError("no Delphi ratings stored; ingest a pdi_ratings file first")
        chosen = rounds[max(rounds)] if round_no is None else rounds.get(round_no)
        if chosen is None:
            raise ValueError(f"no Delphi round {round_no}; stored rounds: {sorted(rounds)}")
        if session.scalar(select(func.count()).select_from(PdiIndicator)) == 0:
            write_default_tree(session)
        for code, weight in chosen.weights().items():
            session.execute(
                update(PdiIndicator)
                .where(PdiIndicator.code == code)
                .values(weight=weight, source=f"Delphi round {chosen.round}")
            )
        session.execute(
            update(DataState)
            .where(DataState.id == 1)
            .values(version=DataState.version + 1, changed_at=datetime.now(UTC))
        )
    log.info("PDI weights set from Delphi round %d (W = %.3f)", chosen.round, chosen.kendall_w)
    return chosen


def scores_by_code(session: Session, codes: Sequence[str] | None = None) -> dict[str, ParkScore]:
    """Evaluated parks by code (for the wall's park markers and detail card); ranks are
    national. ``codes`` limits the answer, not the normalisation."""
    wanted = set(codes) if codes is not None else None
    return {p.code: p for p in evaluations(session) if wanted is None or p.code in wanted}
