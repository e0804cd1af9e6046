"""Every read a screen or the API makes (docs/QUERIES.md is the contract).

Reads go to the rollup tables (stat_region, stat_sector_gas, derived_emission) that
``datasource.rollup`` builds once per data version, so each call touches a few indexed rows.
Functions take a Session and keyword arguments and return frozen dataclasses.
"""

from __future__ import annotations

import json
import weakref
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, union_all
from sqlalchemy.orm import Session

from datasource import definitions, periods, reference
from datasource.models import (
    DatasetSource,
    DataState,
    DerivedEmission,
    Emission,
    Region,
    Sector,
    StatRegion,
    StatSectorGas,
)

METRICS = ("co2e", "co2", "intensity", "intensity_change")
_LULUCF = reference.LULUCF


# --------------------------------------------------------------------------- regions


@dataclass(frozen=True)
class RegionInfo:
    code: str
    parent_code: str | None
    level: str
    name_zh: str
    name_en: str
    lon: float | None = None
    lat: float | None = None
    industry: str | None = None
    park_level: str | None = None

    def name(self, lang: str = "zh") -> str:
        return self.name_en if lang == "en" else self.name_zh


def _info(r: Region) -> RegionInfo:
    return RegionInfo(
        r.code,
        r.parent_code,
        r.level,
        r.name_zh,
        r.name_en,
        r.lon,
        r.lat,
        r.industry,
        r.park_level,
    )


def region(session: Session, code: str) -> RegionInfo | None:
    row = session.get(Region, code)
    return _info(row) if row is not None else None


def children(session: Session, code: str, *, include_parks: bool = False) -> list[RegionInfo]:
    stmt = select(Region).where(Region.parent_code == code).order_by(Region.code)
    if not include_parks:
        stmt = stmt.where(Region.level != "park")
    return [_info(r) for r in session.scalars(stmt)]


def parks_within(session: Session, code: str) -> list[RegionInfo]:
    """Parks in a county, or in any county of a city / province (at most two levels down)."""
    level1 = select(Region.code).where(Region.parent_code == code)
    level2 = select(Region.code).where(Region.parent_code.in_(level1))
    stmt = (
        select(Region)
        .where(Region.level == "park")
        .where(
            (Region.parent_code == code)
            | Region.parent_code.in_(level1)
            | Region.parent_code.in_(level2)
        )
        .order_by(Region.code)
    )
    return [_info(r) for r in session.scalars(stmt)]


def lineage(session: Session, code: str) -> list[RegionInfo]:
    chain: list[RegionInfo] = []
    seen: set[str] = set()
    current = region(session, code)
    while current is not None and current.code not in seen:
        chain.append(current)
        seen.add(current.code)
        current = region(session, current.parent_code) if current.parent_code else None
    return chain[::-1]


def regions(
    session: Session, *, parent: str | None = None, level: str | None = None
) -> list[RegionInfo]:
    stmt = select(Region).order_by(Region.code)
    if parent is not None:
        stmt = stmt.where(Region.parent_code == parent)
    if level is not None:
        stmt = stmt.where(Region.level == level)
    return [_info(r) for r in session.scalars(stmt)]


# --------------------------------------------------------------------------- versions


@dataclass(frozen=True)
class DataVersion:
    version: int
    changed_at: datetime | None
    rollup_version: int
    rollup_at: datetime | None


def data_version(session: Session) -> DataVersion:
    row = session.get(DataState, 1)
    if row is None:
        return DataVersion(0, None, -1, None)
    return DataVersion(row.version, row.changed_at, row.rollup_version, row.rollup_at)


def has_emissions(session: Session) -> bool:
    return session.scalars(select(Emission.region_code).limit(1)).first() is not None


_VERSION_MEMO: weakref.WeakKeyDictionary[Any, dict[str, tuple[tuple[int, int], Any]]] = (
    weakref.WeakKeyDictionary()
)


def memo_by_version(session: Session, name: str, compute: Any) -> Any:
    """``compute(session)``, remembered per engine until the data or rollup version moves.

    For reads every screen repeats that only change with the data (the region tree, the newest
    forecast origin): the two versions are read on each call (a primary-key lookup), so an
    ingest or a rebuild by any process is seen at once."""
    state = session.get(DataState, 1)
    version = (state.version, state.rollup_version) if state else (-1, -1)
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    memo = _VERSION_MEMO.setdefault(engine, {})
    hit = memo.get(name)
    if hit is not None and hit[0] == version:
        return hit[1]
    value = compute(session)
    if value is not None:  # "nothing yet" (e.g. forecasts still being computed) is not kept
        memo[name] = (version, value)
    return value


def periods_with_data(session: Session, *, kind: str = "Y") -> list[str]:
    found = memo_by_version(
        session,
        "rollup-periods",
        lambda s: tuple(
            s.scalars(select(StatRegion.period).distinct().order_by(StatRegion.period))
        ),
    )
    return [p for p in found if periods.kind(p) == kind]


def latest_period(session: Session, *, kind: str = "Y") -> str | None:
    found = periods_with_data(session, kind=kind)
    return found[-1] if found else None


# --------------------------------------------------------------------------- summaries


@dataclass(frozen=True)
class Summary:
    region_code: str
    period: str
    derived: bool
    gwp_set: str
    co2: float | None
    co2e: float | None
    lulucf_co2e: float | None
    co2e_net: float | None
    intensity: float | None
    intensity_basis: str | None
    gdp: float | None
    population: float | None
    prev_period: str | None
    co2_change: float | None
    co2e_change: float | None
    intensity_change: float | None
    flag: str
    # the general intensity's definition (all CO2 / constant-price GDP of this base year; the
    # marks that it fell back are intensity_basis == "current" and derived): datasource.definitions
    gdp_base_year: int | None = None
    intensity_label_zh: str | None = None
    intensity_label_en: str | None = None
    # periods of any grain (docs/periods.md): what the figures cover, what they are compared
    # with (by name: prev_label_zh 同比, mom_* 环比), the datasets to credit
    grain: str = "Y"
    label_zh: str = ""
    months: int | None = None
    days: int | None = None
    complete: bool = True
    coverage: str | None = None
    gdp_grain: str | None = None
    prev_label_zh: str | None = None
    mom_period: str | None = None
    mom_label_zh: str | None = None
    co2_mom_change: float | None = None
    co2e_mom_change: float | None = None
    intensity_mom_change: float | None = None
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Source:
    """A published dataset figures come from, and how to credit it."""

    code: str
    name_zh: str
    name_en: str
    licence: str
    url: str
    citation: str


def _co2e(row: StatRegion, gwp_set: str) -> float | None:
    return getattr(row, f"co2e_{gwp_set.lower()}")


def _change(now: float | None, before: float | None) -> float | None:
    if now is None or before is None or before == 0:
        return None
    return now / before - 1


def flag_for(intensity_change: float | None) -> str:
    """The map's flag: intensity rose, fell, or there is nothing to compare with."""
    if intensity_change is None:
        return "none"
    return "rose" if intensity_change > 0 else "fell"


def _bases(row: StatRegion) -> tuple[dict | None, dict | None]:
    """The rollup's 同比 and 环比 bases of a row (None: nothing comparable)."""
    if not row.comparisons:
        return None, None
    found = json.loads(row.comparisons)
    return found.get("yoy"), found.get("mom")


def _yoy_base(
    row: StatRegion, prev: StatRegion | None, gwp_set: str
) -> tuple[str | None, float | None, float | None]:
    """(period, co2, co2e) compared with: the rollup's same-coverage base where it wrote one
    (a year-to-date against the same months), else the previous period's row."""
    if row.comparisons is not None:
        yoy, _ = _bases(row)
        if yoy is None:
            return None, None, None
        return yoy["period"], yoy["co2"], yoy.get(f"co2e_{gwp_set.lower()}")
    if prev is None:
        return None, None, None
    return prev.period, prev.co2, _co2e(prev, gwp_set)


def _period_fields(row: StatRegion, gwp_set: str, credit: dict[str, Source]) -> dict[str, Any]:
    yoy, mom = _bases(row)
    co2e = _co2e(row, gwp_set)
    return dict(
        grain=row.grain or periods.kind(row.period),
        label_zh=periods.label_zh(row.period, row.coverage),
        months=row.months,
        days=row.days,
        complete=row.complete is not False,
        coverage=row.coverage,
        gdp_grain=row.gdp_grain,
        prev_label_zh=yoy["label_zh"] if yoy else None,
        mom_period=mom["period"] if mom else None,
        mom_label_zh=mom["label_zh"] if mom else None,
        co2_mom_change=_change(row.co2, mom["co2"]) if mom else None,
        co2e_mom_change=_change(co2e, mom.get(f"co2e_{gwp_set.lower()}")) if mom else None,
        intensity_mom_change=_change(row.intensity, mom["intensity"]) if mom else None,
        sources=tuple(credit[c] for c in (row.sources or "").split(";") if c in credit),
    )


def _summary(
    row: StatRegion,
    prev: StatRegion | None,
    gwp_set: str,
    credit: dict[str, Source] | None = None,
) -> Summary:
    co2e = _co2e(row, gwp_set)
    land = row.lulucf_co2e_ar5
    prev_period, prev_co2, prev_co2e = _yoy_base(row, prev, gwp_set)
    return Summary(
        region_code=row.region_code,
        period=row.period,
        derived=bool(row.derived),
        gwp_set=gwp_set,
        co2=row.co2,
        co2e=co2e,
        lulucf_co2e=land,
        co2e_net=None if co2e is None else co2e + (land or 0.0),
        intensity=row.intensity,
        intensity_basis=row.intensity_basis,
        gdp=row.gdp_constant if row.intensity_basis != "current" else row.gdp_current,
        population=row.population,
        prev_period=prev_period,
        co2_change=_change(row.co2, prev_co2),
        co2e_change=_change(co2e, prev_co2e),
        intensity_change=row.intensity_change,
        flag=flag_for(row.intensity_change),
        **_intensity_labels(row),
        **_period_fields(row, gwp_set, credit or {}),
    )


def _intensity_labels(row: StatRegion) -> dict[str, Any]:
    if row.intensity is None:
        return {"gdp_base_year": row.gdp_base_year}
    basis = "current" if row.intensity_basis == "current" else "constant"
    year = row.gdp_base_year if basis == "constant" else None
    d = definitions.Definition("co2_intensity", "co2", basis, year)
    return {
        "gdp_base_year": year,
        "intensity_label_zh": d.label(),
        "intensity_label_en": d.label("en"),
    }


def sources(session: Session) -> dict[str, Source]:
    """Every dataset the pool credits, by code (remembered per data version)."""
    return memo_by_version(
        session,
        "dataset-sources",
        lambda s: {
            r.code: Source(r.code, r.name_zh, r.name_en, r.licence, r.url, r.citation)
            for r in s.scalars(select(DatasetSource))
        },
    )


def _check_gwp(gwp_set: str) -> str:
    reference.gwp(gwp_set)  # raises ValueError naming the known sets
    return gwp_set


def summary(
    session: Session, *, region_code: str, period: str, gwp_set: str = "AR5"
) -> Summary | None:
    _check_gwp(gwp_set)
    row = session.get(StatRegion, (region_code, period))
    if row is None:
        return None
    prev = session.get(StatRegion, (region_code, periods.previous(period)))
    return _summary(row, prev, gwp_set, sources(session))


def series(
    session: Session, *, region_code: str, gwp_set: str = "AR5", kind: str = "Y"
) -> list[Summary]:
    _check_gwp(gwp_set)
    rows = session.scalars(
        select(StatRegion).where(StatRegion.region_code == region_code).order_by(StatRegion.period)
    ).all()
    rows = [r for r in rows if periods.kind(r.period) == kind]
    by_period = {r.period: r for r in rows}
    credit = sources(session)
    return [_summary(r, by_period.get(periods.previous(r.period)), gwp_set, credit) for r in rows]


@dataclass(frozen=True)
class YearToDate:
    """A region's months summed from January through ``through``, against the same months of
    the previous year (None where any month of either is missing or still filling)."""

    region_code: str
    through: str
    label_zh: str
    months: int
    co2e: float | None
    prev_label_zh: str
    prev_co2e: float | None
    co2e_change: float | None


def year_to_date(
    session: Session, *, region_code: str, through: str, gwp_set: str = "AR5"
) -> YearToDate:
    """累计: January to ``through`` (a month) of its year, and 同期 the year before."""
    _check_gwp(gwp_set)
    year, last = through[:4], int(through[5:7])
    prev_year = str(int(year) - 1)
    wanted = [f"{y}-{m:02d}" for y in (year, prev_year) for m in range(1, last + 1)]
    rows = {
        r.period: r
        for r in session.scalars(
            select(StatRegion).where(
                StatRegion.region_code == region_code, StatRegion.period.in_(wanted)
            )
        )
    }

    def total(y: str) -> float | None:
        got = [rows.get(f"{y}-{m:02d}") for m in range(1, last + 1)]
        if any(r is None or r.complete is False or _co2e(r, gwp_set) is None for r in got):
            return None
        return float(sum(_co2e(r, gwp_set) for r in got))  # type: ignore[misc]

    now, before = total(year), total(prev_year)
    span = f"1-{last}" if last > 1 else None
    return YearToDate(
        region_code,
        through,
        periods.label_zh(year, span) if span else f"{year}年1月",
        last,
        now,
        periods.label_zh(prev_year, span) if span else f"{prev_year}年1月",
        before,
        _change(now, before),
    )


# --------------------------------------------------------------------------- sectors and gases


@dataclass(frozen=True)
class SectorValue:
    period: str
    sector_code: str
    name_zh: str
    name_en: str
    co2e: float


@dataclass(frozen=True)
class GasValue:
    gas: str
    name_zh: str
    value: float
    unit: str
    co2e: float
    share: float | None


def _sector_names() -> dict[str, reference.SectorDef]:
    return reference.sector_map()


def sector_series(
    session: Session, *, region_code: str, gwp_set: str = "AR5", kind: str = "Y"
) -> list[SectorValue]:
    factors = reference.gwp(gwp_set)
    rows = session.execute(
        select(
            StatSectorGas.period, StatSectorGas.sector_top, StatSectorGas.gas, StatSectorGas.value
        ).where(StatSectorGas.region_code == region_code)
    ).all()
    totals: dict[tuple[str, str], float] = {}
    for period, top, gas, value in rows:
        if periods.kind(period) != kind:
            continue
        totals[(period, top)] = totals.get((period, top), 0.0) + value * factors[gas]
    names = _sector_names()
    return [
        SectorValue(period, top, names[top].name_zh, names[top].name_en, value)
        for (period, top), value in sorted(totals.items())
    ]


def _leaf_rows(session: Session, region_code: str, period: str) -> list[tuple[str, str, float]]:
    """(sector_code, gas, value) of a region-period: own records, else the derived sums."""
    own = select(Emission.sector_code, Emission.gas, Emission.value).where(
        Emission.region_code == region_code, Emission.period == period
    )
    derived = select(DerivedEmission.sector_code, DerivedEmission.gas, DerivedEmission.value).where(
        DerivedEmission.region_code == region_code, DerivedEmission.period == period
    )
    return [tuple(r) for r in session.execute(union_all(own, derived)).all()]


def by_sector(
    session: Session,
    *,
    region_code: str,
    period: str,
    gwp_set: str = "AR5",
    parent: str | None = None,
) -> list[SectorValue]:
    """CO2e of the five top sectors (parent None) or of one node's children (any tree level)."""
    factors = reference.gwp(gwp_set)
    names = _sector_names()
    if parent is None:
        rows = session.execute(
            select(StatSectorGas.sector_top, StatSectorGas.gas, StatSectorGas.value).where(
                StatSectorGas.region_code == region_code, StatSectorGas.period == period
            )
        ).all()
        totals: dict[str, float] = {}
        for top, gas, value in rows:
            totals[top] = totals.get(top, 0.0) + value * factors[gas]
    else:
        if parent not in names:
            raise ValueError(f"unknown sector {parent!r}")
        kids = [s.code for s in reference.sectors() if s.parent == parent]
        totals = {}
        for code, gas, value in _leaf_rows(session, region_code, period):
            for kid in kids:
                if code == kid or code.startswith(kid + "."):
                    totals[kid] = totals.get(kid, 0.0) + value * factors[gas]
    order = {s.code: s.sort_key for s in reference.sectors()}
    return [
        SectorValue(period, code, names[code].name_zh, names[code].name_en, value)
        for code, value in sorted(totals.items(), key=lambda kv: order[kv[0]])
    ]


def by_gas(
    session: Session,
    *,
    region_code: str,
    period: str,
    gwp_set: str = "AR5",
    sector: str | None = None,
) -> list[GasValue]:
    """Each gas's total (gas unit and CO2e) and its share of gross CO2e (LULUCF excluded
    unless ``sector`` is '4')."""
    factors = reference.gwp(gwp_set)
    values: dict[str, float] = {}
    if sector is None or sector in reference.TOP_SECTORS:
        stmt = select(StatSectorGas.gas, StatSectorGas.value).where(
            StatSectorGas.region_code == region_code, StatSectorGas.period == period
        )
        stmt = stmt.where(
            StatSectorGas.sector_top == sector if sector else StatSectorGas.sector_top != _LULUCF
        )
        for gas, value in session.execute(stmt):
            values[gas] = values.get(gas, 0.0) + value
    else:
        if sector not in _sector_names():
            raise ValueError(f"unknown sector {sector!r}")
        for code, gas, value in _leaf_rows(session, region_code, period):
            if code == sector or code.startswith(sector + "."):
                values[gas] = values.get(gas, 0.0) + value
    total = sum(v * factors[g] for g, v in values.items())
    return [
        GasValue(
            gas,
            reference.GAS_NAMES_ZH[gas],
            values[gas],
            reference.GAS_UNITS[gas],
            values[gas] * factors[gas],
            (values[gas] * factors[gas] / total) if total else None,
        )
        for gas in reference.GASES
        if gas in values
    ]


def gas_series(
    session: Session, *, region_code: str, gwp_set: str = "AR5", kind: str = "Y"
) -> list[tuple[str, str, float]]:
    """(period, gas, CO2e) over time, LULUCF excluded."""
    factors = reference.gwp(gwp_set)
    rows = session.execute(
        select(StatSectorGas.period, StatSectorGas.gas, StatSectorGas.value).where(
            StatSectorGas.region_code == region_code, StatSectorGas.sector_top != _LULUCF
        )
    ).all()
    totals: dict[tuple[str, str], float] = {}
    for period, gas, value in rows:
        if periods.kind(period) == kind:
            totals[(period, gas)] = totals.get((period, gas), 0.0) + value * factors[gas]
    order = {g: i for i, g in enumerate(reference.GASES)}
    return [
        (p, g, v)
        for (p, g), v in sorted(totals.items(), key=lambda kv: (kv[0][0], order[kv[0][1]]))
    ]


# --------------------------------------------------------------------------- inventory


@dataclass(frozen=True)
class InventoryRow:
    sector_code: str
    label_zh: str
    label_en: str
    depth: int
    is_leaf: bool
    values: dict[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Inventory:
    region_code: str
    period: str
    derived: bool
    rows: list[InventoryRow]


def _label(code: str, name: str, top_label: bool) -> str:
    """The seed's numbering inside a tab: '能源活动' for the sector, '1.1能源工业' below it."""
    if top_label:
        return name
    return code.split(".", 1)[1] + name if "." in code else name


def inventory(
    session: Session, *, region_code: str, period: str, top: str | None = None
) -> Inventory | None:
    """The inventory table (sector tree x six gases, in gas units) of a region-period.

    Leaves not reported are None (shown as "—"); an inner row sums its reported leaves and is
    None only when none of them was reported.
    """
    stat = session.get(StatRegion, (region_code, period))
    if stat is None:
        return None
    leaf_values: dict[tuple[str, str], float] = {}
    for code, gas, value in _leaf_rows(session, region_code, period):
        leaf_values[(code, gas)] = leaf_values.get((code, gas), 0.0) + value
    rows = []
    for s in reference.sectors():
        if top is not None and s.top != top:
            continue
        values: dict[str, float | None] = {}
        for gas in reference.GASES:
            found = [
                v
                for (code, g), v in leaf_values.items()
                if g == gas and (code == s.code or code.startswith(s.code + "."))
            ]
            values[gas] = sum(found) if found else None
        rows.append(
            InventoryRow(
                s.code,
                _label(s.code, s.name_zh, s.depth == 0),
                _label(s.code, s.name_en, s.depth == 0),
                s.depth,
                s.is_leaf,
                values,
            )
        )
    return Inventory(region_code, period, bool(stat.derived), rows)


# --------------------------------------------------------------------------- rankings


@dataclass(frozen=True)
class RankRow:
    rank: int
    code: str
    name_zh: str
    name_en: str
    level: str
    derived: bool
    co2: float | None
    co2e: float | None
    intensity: float | None
    intensity_basis: str | None
    prev_period: str | None
    co2e_change: float | None
    intensity_change: float | None
    flag: str


def ranking(
    session: Session,
    *,
    parent_code: str,
    period: str,
    metric: str = "co2e",
    gwp_set: str = "AR5",
    order: str = "desc",
    limit: int | None = None,
) -> list[RankRow]:
    """A region's administrative children ranked by a metric; regions without it rank last."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; known: {', '.join(METRICS)}")
    if order not in ("asc", "desc"):
        raise ValueError(f"order must be asc or desc, got {order!r}")
    _check_gwp(gwp_set)
    kids = {r.code: r for r in children(session, parent_code)}
    prev_period = periods.previous(period)
    stats = session.scalars(
        select(StatRegion).where(
            StatRegion.parent_code == parent_code, StatRegion.period.in_([period, prev_period])
        )
    ).all()
    now = {s.region_code: s for s in stats if s.period == period}
    before = {s.region_code: s for s in stats if s.period == prev_period}
    rows = []
    for code, info in kids.items():
        s = now.get(code)
        co2e = _co2e(s, gwp_set) if s else None
        compared, prev_co2e = (
            code in before,
            _co2e(before[code], gwp_set) if code in before else None,
        )
        if s is not None and s.comparisons is not None:  # same-coverage base (year-to-date)
            base, _, prev_co2e = _yoy_base(s, None, gwp_set)
            compared = base is not None
        rows.append(
            dict(
                code=code,
                name_zh=info.name_zh,
                name_en=info.name_en,
                level=info.level,
                derived=bool(s.derived) if s else True,
                co2=s.co2 if s else None,
                co2e=co2e,
                intensity=s.intensity if s else None,
                intensity_basis=s.intensity_basis if s else None,
                prev_period=prev_period if compared else None,
                co2e_change=_change(co2e, prev_co2e),
                intensity_change=s.intensity_change if s else None,
                flag=flag_for(s.intensity_change if s else None),
            )
        )
    present = [r for r in rows if r[metric] is not None]
    absent = [r for r in rows if r[metric] is None]
    present.sort(key=lambda r: (r[metric], r["code"]), reverse=(order == "desc"))
    absent.sort(key=lambda r: r["code"])
    ordered = present + absent
    if limit is not None:
        ordered = ordered[:limit]
    return [RankRow(rank=i + 1, **r) for i, r in enumerate(ordered)]


# --------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class TargetProgress:
    region_code: str
    plan: str
    metric: str
    base_period: str
    target_period: str
    target_change: float
    base_value: float | None
    target_value: float | None
    current_period: str | None
    current_value: float | None
    change_so_far: float | None
    years_left: int | None
    needed_annual_rate: float | None
    status: str
    # the definition the target is assessed on, and the fallback marks (datasource.definitions)
    definition_zh: str | None = None
    definition_en: str | None = None
    fallback: tuple[str, ...] = ()


def target_status(
    *,
    base_year: int,
    target_year: int,
    target_change: float,
    current_year: int,
    change_so_far: float,
    forecast_change: float | None = None,
    forecast_lo80_change: float | None = None,
) -> str:
    """The traffic light: on_track / at_risk / off_track against the straight-line (geometric)
    path and, when given, the forecast for the target year. The rule lives in
    ``datasource.targets.target_status`` and README "Forecasts and targets"."""
    from datasource import targets

    return targets.target_status(
        base_year=base_year,
        target_year=target_year,
        target_change=target_change,
        current_year=current_year,
        change_so_far=change_so_far,
        forecast_change=forecast_change,
        forecast_lo80_change=forecast_lo80_change,
    )


def target_progress(
    session: Session, *, region_code: str, plan: str | None = None
) -> TargetProgress | None:
    """A region's standing against ``plan`` (None: the plan running now); a region without
    its own target takes its nearest ancestor's, else the national one (datasource.targets,
    which also gives the richer ``TargetTrack`` with the forecast and the target's source)."""
    from datasource import targets

    track = targets.progress(session, region_code=region_code, plan=plan)
    if track is None:
        return None
    return TargetProgress(
        track.region_code,
        track.plan,
        track.metric,
        track.base_period,
        track.target_period,
        track.target_change,
        track.base_value,
        track.target_value,
        track.current_period,
        track.current_value,
        track.change_so_far,
        track.years_left,
        track.needed_annual_rate,
        track.status,
        track.label_zh,
        track.label_en,
        track.fallback,
    )


def sector_names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Sector.code, Sector.name_zh)).all())
