"""The checks of each PDI file kind: every problem's line, column and reason, or the rows a
valid file will write. A tree must stay valid (``pdi.tree_problems``) and keep every leaf that
has stored values; ratings must be complete per round; values and scores must name known parks
and indicators.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datasource import pdi
from datasource.models import Region
from datasource.models_pdi import PdiValue
from datasource.pdi_files import Problem, Rows, number
from datasource.pdi_tree import node_row, tree

_DIMENSION_ALIASES = {"P": "P", "D": "D", "I": "I", "表现力": "P", "发展力": "D", "影响力": "I"}


def _parks(session: Session) -> set[str]:
    return set(session.scalars(select(Region.code).where(Region.level == "park")))


@dataclass
class Staged:
    """The rows a valid file will write (and, for ratings, the rounds it replaces)."""

    rows: list[dict]
    extra: dict = field(default_factory=dict)


def _validate_tree(rd: Rows, session: Session) -> tuple[Staged | None, list[Problem]]:
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
        weight = number(r["weight"])
        if weight is None:
            probs.append(Problem(line, "weight", f"权重不是数字 ({r['weight']!r})"))
            continue
        if full:
            level = number(r["level"])
            if level is None or not level.is_integer():
                probs.append(Problem(line, "level", f"层级不是整数 ({r['level']!r})"))
                continue
            worst, best = number(r.get("worst", "")), number(r.get("best", ""))
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
    return (None if probs else Staged([node_row(n) for n in nodes])), probs


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


def _validate_ratings(rd: Rows, session: Session) -> tuple[Staged | None, list[Problem]]:
    nodes = {n.code: n for n in tree(session)}
    probs: list[Problem] = []
    rows: list[dict] = []
    seen: dict[tuple[int, str, str], int] = {}
    has_scale = "scale" in rd.columns
    for line, r in rd.rows:
        rnd = number(r["round"])
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
        rating = number(r["rating"])
        scale = number(r["scale"]) if has_scale else None
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
    return (None if probs else Staged(rows, {"rounds": {r["round"] for r in rows}})), probs


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


def _validate_values(rd: Rows, session: Session) -> tuple[Staged | None, list[Problem]]:
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
        value = number(r["value"])
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
    return (None if probs else Staged(rows)), probs


def _validate_scores(rd: Rows, session: Session) -> tuple[Staged | None, list[Problem]]:
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
        score = number(r["score"])
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
    return (None if probs else Staged(rows)), probs


VALIDATORS = {
    "pdi_tree": _validate_tree,
    "pdi_ratings": _validate_ratings,
    "pdi_values": _validate_values,
    "pdi_scores": _validate_scores,
}
