"""Reads and writes of the PDI park evaluation: ingest of the indicator tree, Delphi ratings,
park indicator values and direct dimension scores (all rows or none, with a report naming
every problem's line, column and reason), and the evaluated, ranked parks (computed on read,
so a change of weights or data shows on the next read; the arithmetic is in `datasource.pdi`).

While the ``pdi_indicator`` table is empty the package's default tree is used.

This module is the entry point and keeps the names callers import. It holds the reads and
scores on read (``evaluations``, ``filter_options``, ``park_detail``, ``scores_by_code``); the
tree and Delphi weights are in ``pdi_tree``, file ingest in ``pdi_ingest`` (reading in
``pdi_files``, the checks of each kind in ``pdi_validate``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from datasource import pdi
from datasource.models import Region
from datasource.models_pdi import PdiScore, PdiValue
from datasource.pdi_files import Problem
from datasource.pdi_ingest import KIND_NAMES_ZH, KINDS, PdiReport, ingest_pdi_bytes, ingest_pdi_file
from datasource.pdi_tree import apply_delphi, delphi_rounds, tree, write_default_tree

__all__ = [
    "KINDS",
    "KIND_NAMES_ZH",
    "FilterOptions",
    "ParkDetail",
    "ParkScore",
    "PdiReport",
    "Problem",
    "apply_delphi",
    "delphi_rounds",
    "evaluations",
    "filter_options",
    "ingest_pdi_bytes",
    "ingest_pdi_file",
    "park_detail",
    "scores_by_code",
    "tree",
    "write_default_tree",
]


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


def scores_by_code(session: Session, codes: Sequence[str] | None = None) -> dict[str, ParkScore]:
    """Evaluated parks by code (for the wall's park markers and detail card); ranks are
    national. ``codes`` limits the answer, not the normalisation."""
    wanted = set(codes) if codes is not None else None
    return {p.code: p for p in evaluations(session) if wanted is None or p.code in wanted}
