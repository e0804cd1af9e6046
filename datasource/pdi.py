"""The PDI park evaluation's arithmetic: indicator tree checks, Delphi weights and agreement,
normalisation of raw measures to 0–5, dimension scores, the weighted total, stages and strategies.

Schema-independent (no SQL, no Dash): `datasource.pdi_store` feeds it rows and stores results.
The seed (sections 2–4) fixes the first level, Performance 50 %, Development 30 %, Impact 20 %;
`data/pdi_tree.csv` holds the default tree, `data/pdi_strategies.csv` the strategy tables.

Rules (also in docs/user-guide.md, "Park evaluation (PDI)"):

- Weights: every node's ``weight`` is local (its share of its parent); siblings sum to 1
  within ``WEIGHT_TOL``, and so do the three first-level dimensions.
- Delphi: an indicator's weight is the experts' mean importance rating divided by the sum of
  its siblings' mean ratings. Agreement per round: the coefficient of variation of each
  indicator's ratings (sample standard deviation, n−1, over the mean) and Kendall's W over all
  rated indicators with the tie correction. Another round is needed when
  ``W < W_MIN`` (0.5) or any ``CV > CV_MAX`` (0.25).
- Normalisation of a leaf's raw value to 0–5 (the leaf's ``method``):
  ``scale``: the value is already a 0–5 score; ``benchmark``: linear between fixed ``worst``
  (0 points) and ``best`` (5 points), clipped, so "lower is better" is worst > best;
  ``minmax``: linear between the lowest and highest value among all parks evaluated for that
  indicator (the whole pool, not the filtered view), reversed when the direction is ``lower``;
  all values equal gives ``MINMAX_TIE`` (2.5) to everybody.
- A park with no value for a leaf gets 0 points for it (no evidence, no credit: the seed's
  parks without green bonds score 0.00 on Impact). A dimension score given directly
  (ingest kind ``pdi_scores``) replaces the one computed from indicator values.
- Dimension score = Σ level-2 weight × Σ leaf weight × leaf score (0–5);
  total = Σ first-level weight × dimension score.
- Stage: ``mature`` when the total is at least ``MATURE_TOTAL`` (2.5), else ``early``.
  Strategies come from the weakest dimension (lowest score; ties P, D, I order) and the stage,
  from the park's industry table when the seed has one, else the generic rows (industry ``*``).
"""

from __future__ import annotations

import csv
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

DIMENSIONS = ("P", "D", "I")
DIMENSION_NAMES_ZH = {"P": "表现力", "D": "发展力", "I": "影响力"}
DIMENSION_NAMES_EN = {"P": "Performance", "D": "Development", "I": "Impact"}
DEFAULT_WEIGHTS = {"P": 0.5, "D": 0.3, "I": 0.2}
METHODS = ("scale", "benchmark", "minmax")
DIRECTIONS = ("higher", "lower")
STAGES = ("early", "mature")
STAGE_NAMES_ZH = {"early": "中早期园区", "mature": "成熟园区"}
SCORE_MAX = 5.0
WEIGHT_TOL = 1e-6
W_MIN = 0.5
CV_MAX = 0.25
MINMAX_TIE = 2.5
MATURE_TOTAL = 2.5
RATING_SCALES = (5, 9)


@dataclass(frozen=True)
class Node:
    """One indicator of the tree; ``weight`` is its share of its parent (local weight)."""

    code: str
    parent_code: str | None
    level: int
    name_zh: str
    name_en: str
    weight: float
    direction: str | None = None
    method: str | None = None
    worst: float | None = None
    best: float | None = None
    unit: str = ""
    measure_zh: str = ""
    source: str = ""
    sort_key: int = 0

    @property
    def dimension(self) -> str:
        return self.code[0]

    @property
    def is_leaf(self) -> bool:
        return self.level == 3


@dataclass(frozen=True)
class TreeProblem:
    code: str
    column: str | None
    reason: str


# --------------------------------------------------------------------------- the tree


def _float(text: str) -> float | None:
    text = (text or "").strip()
    return float(text) if text else None


@cache
def _default_rows() -> tuple[dict[str, str], ...]:
    path = resources.files("datasource") / "data" / "pdi_tree.csv"
    with path.open(encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


def default_tree() -> list[Node]:
    """The tree shipped with the package (first level 0.5 / 0.3 / 0.2 from the seed)."""
    return [
        Node(
            code=r["code"],
            parent_code=r["parent_code"] or None,
            level=int(r["level"]),
            name_zh=r["name_zh"],
            name_en=r["name_en"],
            weight=float(r["weight"]),
            direction=r["direction"] or None,
            method=r["method"] or None,
            worst=_float(r["worst"]),
            best=_float(r["best"]),
            unit=r["unit"],
            measure_zh=r["measure_zh"],
            source=r["source"],
            sort_key=i,
        )
        for i, r in enumerate(_default_rows())
    ]


def children_of(nodes: Iterable[Node]) -> dict[str | None, list[Node]]:
    out: dict[str | None, list[Node]] = defaultdict(list)
    for n in sorted(nodes, key=lambda n: n.sort_key):
        out[n.parent_code].append(n)
    return out


def weight_problems(nodes: Sequence[Node], tol: float = WEIGHT_TOL) -> list[TreeProblem]:
    """Sibling weights that do not sum to 1 (one problem per parent, named by its first child)."""
    problems = []
    for parent, kids in children_of(nodes).items():
        total = math.fsum(k.weight for k in kids)
        if abs(total - 1.0) > tol:
            where = f"{parent} 的下级指标" if parent else "一级指标"
            problems.append(
                TreeProblem(
                    kids[0].code,
                    "weight",
                    f"{where}权重之和为 {total:.6g}，应为 1 (weights under {parent or 'the root'} "
                    f"sum to {total:.6g}: {', '.join(k.code for k in kids)})",
                )
            )
    return problems


def tree_problems(nodes: Sequence[Node]) -> list[TreeProblem]:
    """Everything wrong with a tree: structure, leaf rules, weights."""
    problems: list[TreeProblem] = []
    by_code: dict[str, Node] = {}
    for n in nodes:
        if n.code in by_code:
            problems.append(TreeProblem(n.code, "code", f"指标代码重复 (duplicate code {n.code})"))
        by_code[n.code] = n
    for n in nodes:
        problems.extend(_node_problems(n, by_code))
    firsts = {n.code for n in nodes if n.level == 1}
    if firsts and firsts != set(DIMENSIONS):
        problems.append(
            TreeProblem(
                sorted(firsts)[0],
                "code",
                f"一级指标必须是 P、D、I (first level must be P, D, I; got {sorted(firsts)})",
            )
        )
    parents = {n.parent_code for n in nodes}
    for n in nodes:
        if n.level < 3 and n.code not in parents:
            problems.append(
                TreeProblem(n.code, "level", f"{n.code} 没有下级指标 (non-leaf without children)")
            )
    if not problems:
        problems.extend(weight_problems(nodes))
    return problems


def _node_problems(n: Node, by_code: Mapping[str, Node]) -> list[TreeProblem]:
    out: list[TreeProblem] = []
    if n.level not in (1, 2, 3):
        return [TreeProblem(n.code, "level", f"层级必须是 1、2 或 3 (level {n.level})")]
    if n.level == 1 and n.parent_code:
        out.append(TreeProblem(n.code, "parent_code", "一级指标不能有上级 (level 1 has no parent)"))
    if n.level > 1:
        parent = by_code.get(n.parent_code or "")
        if parent is None:
            out.append(
                TreeProblem(
                    n.code, "parent_code", f"未知上级指标 (unknown parent {n.parent_code!r})"
                )
            )
        elif parent.level != n.level - 1:
            out.append(
                TreeProblem(
                    n.code,
                    "level",
                    f"层级应为上级层级加 1 (level {n.level} under level {parent.level})",
                )
            )
        elif parent.dimension != n.dimension:
            out.append(TreeProblem(n.code, "code", f"代码须以 {parent.dimension} 开头 (prefix)"))
    if not (0.0 <= n.weight <= 1.0) or math.isnan(n.weight):
        out.append(TreeProblem(n.code, "weight", f"权重须在 0–1 之间 (weight {n.weight})"))
    if n.is_leaf:
        out.extend(_leaf_problems(n))
    return out


def _leaf_problems(n: Node) -> list[TreeProblem]:
    out: list[TreeProblem] = []
    if n.method not in METHODS:
        out.append(
            TreeProblem(n.code, "method", f"归一化方法须为 {'/'.join(METHODS)} ({n.method!r})")
        )
    if n.direction not in DIRECTIONS:
        out.append(TreeProblem(n.code, "direction", f"方向须为 higher 或 lower ({n.direction!r})"))
    if n.method == "benchmark":
        if n.worst is None or n.best is None or n.worst == n.best:
            out.append(TreeProblem(n.code, "best", "benchmark 方法需要不同的 worst 与 best 基准值"))
        elif n.direction in DIRECTIONS and (n.best > n.worst) != (n.direction == "higher"):
            out.append(
                TreeProblem(
                    n.code,
                    "direction",
                    f"方向与基准值矛盾 (direction {n.direction}, worst={n.worst}, best={n.best})",
                )
            )
    return out


def global_weights(nodes: Sequence[Node]) -> dict[str, float]:
    """Each node's share of the whole index: the product of local weights up to the root."""
    by_code = {n.code: n for n in nodes}
    out: dict[str, float] = {}
    for n in nodes:
        w, cur = 1.0, n
        while cur is not None:
            w *= cur.weight
            cur = by_code.get(cur.parent_code) if cur.parent_code else None
        out[n.code] = w
    return out


def first_level_weights(nodes: Sequence[Node]) -> dict[str, float]:
    return {n.code: n.weight for n in nodes if n.level == 1}


# --------------------------------------------------------------------------- normalisation


def normalise(node: Node, values: Mapping[str, float]) -> dict[str, float]:
    """Raw values of one leaf (park -> value) to 0–5 points by the leaf's method (module doc)."""
    if node.method == "scale":
        return {k: min(max(v, 0.0), SCORE_MAX) for k, v in values.items()}
    if node.method == "benchmark":
        assert node.worst is not None and node.best is not None
        span = node.best - node.worst
        return {
            k: SCORE_MAX * min(max((v - node.worst) / span, 0.0), 1.0) for k, v in values.items()
        }
    if not values:
        return {}
    lo, hi = min(values.values()), max(values.values())
    if hi == lo:
        return dict.fromkeys(values, MINMAX_TIE)
    if node.direction == "lower":
        return {k: SCORE_MAX * (hi - v) / (hi - lo) for k, v in values.items()}
    return {k: SCORE_MAX * (v - lo) / (hi - lo) for k, v in values.items()}


# --------------------------------------------------------------------------- scores


@dataclass(frozen=True)
class Evaluation:
    """One park's scores: per dimension, per level-2 indicator (None when the dimension was
    given directly), the weighted total and where each dimension came from."""

    dimensions: dict[str, float]
    total: float
    level2: dict[str, float | None] = field(default_factory=dict)
    direct: tuple[str, ...] = ()


def weighted_total(dimensions: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """Σ weight × dimension score over P, D, I (fsum: exact to the last bit that floats allow)."""
    return math.fsum(weights[d] * dimensions[d] for d in DIMENSIONS)


def evaluate(
    nodes: Sequence[Node],
    leaf_points: Mapping[str, Mapping[str, float]],
    direct: Mapping[str, Mapping[str, float]] | None = None,
) -> dict[str, Evaluation]:
    """Evaluate every park that has leaf points or direct scores.

    leaf_points: park -> leaf code -> 0–5 points (already normalised);
    direct: park -> dimension -> 0–5 score given directly (replaces the computed one).
    """
    direct = direct or {}
    kids = children_of(nodes)
    weights = first_level_weights(nodes)
    out: dict[str, Evaluation] = {}
    for park in sorted(set(leaf_points) | set(direct)):
        points = leaf_points.get(park, {})
        given = direct.get(park, {})
        dims: dict[str, float] = {}
        level2: dict[str, float | None] = {}
        for dim in DIMENSIONS:
            subs = {
                n2.code: math.fsum(n3.weight * points.get(n3.code, 0.0) for n3 in kids[n2.code])
                for n2 in kids[dim]
            }
            if dim in given:
                dims[dim] = given[dim]
                level2.update(dict.fromkeys(subs))
            else:
                dims[dim] = math.fsum(n2.weight * subs[n2.code] for n2 in kids[dim])
                level2.update(subs)
        out[park] = Evaluation(
            dims, weighted_total(dims, weights), level2, tuple(d for d in DIMENSIONS if d in given)
        )
    return out


def ranks(values: Mapping[str, float]) -> dict[str, int]:
    """Competition ranking (1, 2, 2, 4), highest first; values rounded to 1e-9 to absorb noise."""
    ordered = sorted(values.items(), key=lambda kv: (-round(kv[1], 9), kv[0]))
    out: dict[str, int] = {}
    prev: float | None = None
    rank = 0
    for i, (key, value) in enumerate(ordered, start=1):
        v = round(value, 9)
        if v != prev:
            rank, prev = i, v
        out[key] = rank
    return out


def median(values: Iterable[float]) -> float | None:
    vals = list(values)
    return statistics.median(vals) if vals else None


# --------------------------------------------------------------------------- Delphi


@dataclass(frozen=True)
class IndicatorAgreement:
    code: str
    mean: float
    sd: float  # sample standard deviation (n − 1)
    cv: float
    weight: float  # local weight from this round's means


@dataclass(frozen=True)
class DelphiRound:
    round: int
    experts: int
    indicators: int
    kendall_w: float
    chi2: float
    p_value: float | None
    max_cv: float
    another_round: bool
    reasons: tuple[str, ...]
    items: tuple[IndicatorAgreement, ...]

    def weights(self) -> dict[str, float]:
        return {i.code: i.weight for i in self.items}


def delphi_weights(
    means: Mapping[str, float], parents: Mapping[str, str | None]
) -> dict[str, float]:
    """Local weights: an indicator's mean rating over the sum of its siblings' mean ratings."""
    sums: dict[str | None, float] = defaultdict(float)
    for code, m in means.items():
        sums[parents[code]] += m
    return {code: m / sums[parents[code]] for code, m in means.items()}


def average_ranks(values: Sequence[float]) -> list[float]:
    """Ranks 1..n, ascending, ties sharing the mean of the ranks they occupy."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def kendall_w(matrix: Sequence[Sequence[float]]) -> float:
    """Kendall's coefficient of concordance with the tie correction.

    matrix: one row per expert, one column per indicator (the expert's ratings). Each row is
    ranked (average ranks for ties); R_i = column rank sums, S = Σ (R_i − mean R)²,
    W = 12 S / (m² (n³ − n) − m Σ_j T_j), T_j = Σ over expert j's tie groups of (t³ − t).
    """
    m = len(matrix)
    n = len(matrix[0]) if m else 0
    if m < 2 or n < 2:
        raise ValueError("Kendall's W needs at least 2 experts and 2 indicators")
    ranked = [average_ranks(row) for row in matrix]
    sums = [math.fsum(r[i] for r in ranked) for i in range(n)]
    mean = m * (n + 1) / 2
    s = math.fsum((x - mean) ** 2 for x in sums)
    ties = 0
    for row in matrix:
        counts: dict[float, int] = defaultdict(int)
        for v in row:
            counts[v] += 1
        ties += sum(t**3 - t for t in counts.values())
    denom = m * m * (n**3 - n) - m * ties
    return 12 * s / denom if denom else 1.0  # every expert rated everything equal: agreement


def coefficient_of_variation(values: Sequence[float]) -> tuple[float, float, float]:
    """(mean, sample sd, cv); cv is sd / mean."""
    mean = math.fsum(values) / len(values)
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return mean, sd, (sd / mean if mean else 0.0)


def delphi_round(
    round_no: int,
    ratings: Mapping[str, Mapping[str, float]],
    parents: Mapping[str, str | None],
) -> DelphiRound:
    """One round's weights and agreement. ratings: expert -> indicator -> rating (complete)."""
    experts = sorted(ratings)
    codes = [c for c in parents if all(c in ratings[e] for e in experts)]
    items = []
    means: dict[str, float] = {}
    stats: dict[str, tuple[float, float, float]] = {}
    for c in codes:
        stats[c] = coefficient_of_variation([ratings[e][c] for e in experts])
        means[c] = stats[c][0]
    weights = delphi_weights(means, {c: parents[c] for c in codes})
    for c in codes:
        mean, sd, cv = stats[c]
        items.append(IndicatorAgreement(c, mean, sd, cv, weights[c]))
    w = kendall_w([[ratings[e][c] for c in codes] for e in experts])
    chi2 = len(experts) * (len(codes) - 1) * w
    max_cv = max((i.cv for i in items), default=0.0)
    reasons = []
    if w < W_MIN:
        reasons.append(f"Kendall W = {w:.3f} < {W_MIN}")
    if max_cv > CV_MAX:
        worst = [i.code for i in items if i.cv > CV_MAX]
        reasons.append(f"CV > {CV_MAX}: {', '.join(worst)}")
    return DelphiRound(
        round_no,
        len(experts),
        len(codes),
        w,
        chi2,
        _chi2_sf(chi2, len(codes) - 1),
        max_cv,
        bool(reasons),
        tuple(reasons),
        tuple(items),
    )


def _chi2_sf(x: float, df: int) -> float | None:
    try:
        from scipy.stats import chi2
    except ImportError:  # pragma: no cover - scipy comes with statsmodels
        return None
    return float(chi2.sf(x, df))


# --------------------------------------------------------------------------- stage, strategies


@dataclass(frozen=True)
class Strategy:
    industry: str  # the table it came from; '*' for the generic rows
    dimension: str
    stage: str
    text_zh: str
    source: str


def stage_of(total: float) -> str:
    return "mature" if total >= MATURE_TOTAL else "early"


def weakest(dimensions: Mapping[str, float]) -> str:
    """The lowest-scoring dimension; ties go to the earlier of P, D, I."""
    return min(DIMENSIONS, key=lambda d: (dimensions[d], DIMENSIONS.index(d)))


@cache
def strategy_table() -> tuple[Strategy, ...]:
    path = resources.files("datasource") / "data" / "pdi_strategies.csv"
    with path.open(encoding="utf-8") as fh:
        return tuple(
            Strategy(r["industry"], r["dimension"], r["stage"], r["strategy_zh"], r["source"])
            for r in csv.DictReader(fh)
        )


def strategies_for(industry: str | None, dimension: str, stage: str) -> list[Strategy]:
    """The industry's rows for this dimension and stage, else the generic ('*') rows."""
    rows = [s for s in strategy_table() if s.dimension == dimension and s.stage == stage]
    own = [s for s in rows if s.industry == industry]
    return own or [s for s in rows if s.industry == "*"]


def suggest(industry: str | None, dimensions: Mapping[str, float], total: float) -> list[Strategy]:
    """Strategies for the weakest dimension at the park's stage, then the other two dimensions."""
    stage = stage_of(total)
    first = weakest(dimensions)
    order = [first] + [d for d in DIMENSIONS if d != first]
    return [s for d in order for s in strategies_for(industry, d, stage)]


# --------------------------------------------------------------------------- the seed's table


def comparison_header(weights: Mapping[str, float]) -> list[str]:
    """园区 / 表现力 (50%) / 发展力 (30%) / 影响力 (20%) / 总分, with the weights in force."""
    return [
        "园区",
        *(f"{DIMENSION_NAMES_ZH[d]} ({round(weights[d] * 100, 1):g}%)" for d in DIMENSIONS),
        "总分",
    ]


def comparison_markdown(
    rows: Sequence[tuple[str, float, float, float, float]], weights: Mapping[str, float]
) -> str:
    """The seed's comparison table (sections 4.1–4.3) as Markdown; rows: name, P, D, I, total."""
    head = comparison_header(weights)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, p, d, i, total in rows:
        lines.append(f"| {name} | {p:.2f} | {d:.2f} | {i:.2f} | {total:.2f} |")
    return "\n".join(lines)
