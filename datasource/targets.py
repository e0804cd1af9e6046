"""Target tracking: which intensity target applies to a region, where it stands against it,
what it still needs, a traffic light, and whether its emissions have peaked.

Targets are data (table ``target``); a region without its own target for a plan takes its
nearest ancestor's, and failing that the national one (datasource/data/national_targets.csv).
Each target is tracked on its own definition (datasource.definitions): the 14th plan's intensity
target on energy-activity CO2 per GDP at constant 2020 prices unless its row says otherwise
(docs/indicators.md documents definitions and the traffic-light rule).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datasource import definitions
from datasource.models import Region, StatRegion, Target
from datasource.models_forecast import Forecast

METRIC = "co2_intensity"
AT_RISK_MARGIN = 0.02  # within 2 percentage points behind the straight-line path: at risk
PEAK_YEARS = 3  # a peak counts once it is at least this many years behind the latest year
STATUSES = ("on_track", "at_risk", "off_track", "no_data")


@dataclass(frozen=True)
class PlanTarget:
    plan: str
    metric: str
    base_period: str
    target_period: str
    target_change: float | None  # -0.18 means 18 % lower than the base period
    source: str = "national"  # own / inherited / national
    source_code: str | None = None  # the region whose row it is (None: built-in national)
    # absolute targets: a value in the metric's base unit (t; energy 万吨标准煤) capping the
    # target year (annual) or the plan's years after the base (cumulative)
    target_value: float | None = None
    cap_kind: str | None = None
    # the definition as the row names it (None: the plan's default, datasource.definitions)
    numerator: str | None = None
    gdp_basis: str | None = None
    gdp_base_year: int | None = None
    gwp_set: str | None = None
    document: str | None = field(default=None, compare=False)  # where the number is published

    @property
    def definition(self) -> definitions.Definition:
        return definitions.resolve(
            self.metric,
            self.plan,
            numerator=self.numerator,
            gdp_basis=self.gdp_basis,
            gdp_base_year=self.gdp_base_year,
            gwp_set=self.gwp_set,
        )


def _float(text: str) -> float | None:
    return float(text) if text.strip() else None


@cache
def national_targets() -> tuple[PlanTarget, ...]:
    """The national targets, transcribed from the plan documents each row names
    (datasource/data/national_targets.csv); the data may override them by giving the country,
    a province or any region its own rows. No number is built in that is not published."""
    text = resources.files("datasource").joinpath("data/national_targets.csv").read_text("utf-8")
    plans = {p.plan: p for p in plan_table()}
    return tuple(
        PlanTarget(
            r["plan"],
            r["metric"],
            plans[r["plan"]].base_period,
            plans[r["plan"]].target_period,
            _float(r["target_change"]),
            target_value=_float(r["target_value"]),
            cap_kind=r["cap_kind"] or None,
            document=r["source"],
        )
        for r in csv.DictReader(text.splitlines())
    )


def national(metric: str = METRIC) -> tuple[PlanTarget, ...]:
    return tuple(t for t in national_targets() if t.metric == metric)


@dataclass(frozen=True)
class Plan:
    """A plan (datasource/data/plans.csv): its span, the metrics it controls, its source."""

    plan: str
    name_zh: str
    name_en: str
    base_period: str
    target_period: str
    controls: tuple[str, ...]
    source: str


@cache
def plan_table() -> tuple[Plan, ...]:
    text = resources.files("datasource").joinpath("data/plans.csv").read_text("utf-8")
    return tuple(
        Plan(
            r["plan"],
            r["name_zh"],
            r["name_en"],
            r["base_period"],
            r["target_period"],
            tuple(m for m in r["controls"].split(";") if m),
            r["source"],
        )
        for r in csv.DictReader(text.splitlines())
    )


@dataclass(frozen=True)
class TargetTrack:
    """A region's standing against one plan's intensity target."""

    region_code: str
    plan: str
    metric: str
    base_period: str
    target_period: str
    target_change: float
    source: str
    source_code: str | None
    base_value: float | None  # t CO2 / 万元
    target_value: float | None
    current_period: str | None
    current_value: float | None
    change_so_far: float | None  # fraction vs base
    path_change: float | None  # the straight-line (geometric) path's change by now
    years_left: int | None
    needed_annual_rate: float | None  # yearly change still needed from now to the target
    forecast_value: float | None  # the stored forecast for the target year (point)
    forecast_lo80: float | None
    forecast_hi80: float | None
    forecast_change: float | None  # forecast point vs base
    status: str
    note: str | None = None
    definition: definitions.Definition | None = None  # what the values are (None: as given)
    fallback: tuple[str, ...] = ()  # marks of the base and current values (definitions)
    label_zh: str | None = None  # the definition's name, e.g. 能源活动CO₂／2020年可比价GDP
    label_en: str | None = None
    price_base_year: int | None = None  # the GDP price base year the values are on


def _year(period: str) -> int:
    return int(period[:4])


def path_change(*, base_year: int, target_year: int, target_change: float, year: int) -> float:
    """The straight-line path in logs (a constant yearly rate) from base to target: the
    cumulative change expected by ``year`` (clamped to the plan's span)."""
    span = target_year - base_year
    if span <= 0:
        return target_change
    elapsed = min(max(year - base_year, 0), span)
    return (1 + target_change) ** (elapsed / span) - 1


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
    """The traffic light (README "Forecasts and targets").

    gap = change so far - the straight-line path's change by now (positive = behind).
    Without a forecast: on_track if gap <= 0, at_risk if gap <= AT_RISK_MARGIN, else off_track.
    With a forecast for the target year (changes vs base of its point and its favourable 80 %
    bound): on_track if gap <= 0 and the point meets the target; off_track if gap >
    AT_RISK_MARGIN and even the favourable bound misses it; at_risk otherwise."""
    path = path_change(
        base_year=base_year,
        target_year=target_year,
        target_change=target_change,
        year=current_year,
    )
    gap = change_so_far - path
    if forecast_change is None or current_year >= target_year:
        if gap <= 0:
            return "on_track"
        return "at_risk" if gap <= AT_RISK_MARGIN else "off_track"
    favourable = forecast_lo80_change if forecast_lo80_change is not None else forecast_change
    if gap <= 0 and forecast_change <= target_change:
        return "on_track"
    if gap > AT_RISK_MARGIN and favourable > target_change:
        return "off_track"
    return "at_risk"


def evaluate(
    region_code: str,
    target: PlanTarget,
    values: Mapping[int, float | None],
    *,
    latest_year: int | None = None,
    forecast: Sequence = (),
    bases: Mapping[int, str | None] | None = None,
) -> TargetTrack:
    """Pure target arithmetic on a region's yearly intensity ``values`` (year -> t/万元).

    The current value is the latest year up to the target year (and up to ``latest_year``)
    with a value; ``forecast`` is a list of ForecastPoint of intensity; ``bases`` (year ->
    price basis) marks years whose intensities cannot be compared with each other."""
    base_year, target_year = _year(target.base_period), _year(target.target_period)
    base_value = values.get(base_year)
    if base_value is not None and base_value <= 0:
        base_value = None
    if target.target_change is None:
        raise ValueError(f"{target.plan} {target.metric}: evaluate() needs a relative target")
    target_value = base_value * (1 + target.target_change) if base_value is not None else None
    limit = min(target_year, latest_year) if latest_year is not None else target_year
    known = sorted(y for y, v in values.items() if v is not None and v > 0 and y <= limit)
    current_year = known[-1] if known else None
    current_value = values.get(current_year) if current_year is not None else None
    at_target = next((f for f in forecast if f.year == target_year), None)
    common = dict(
        region_code=region_code,
        plan=target.plan,
        metric=target.metric,
        base_period=target.base_period,
        target_period=target.target_period,
        target_change=target.target_change,
        source=target.source,
        source_code=target.source_code,
        base_value=base_value,
        target_value=target_value,
        current_period=str(current_year) if current_year is not None else None,
        current_value=current_value,
        forecast_value=at_target.point if at_target else None,
        forecast_lo80=at_target.lo80 if at_target else None,
        forecast_hi80=at_target.hi80 if at_target else None,
    )
    note = None
    if base_value is None:
        note = f"no intensity for the base year {base_year}"
    elif current_year is None or current_year < base_year:
        note = f"no intensity between {base_year} and {limit}"
    elif bases is not None and bases.get(base_year) != bases.get(current_year):
        note = (
            f"intensities of {base_year} and {current_year} are on different GDP price bases "
            f"({bases.get(base_year)} vs {bases.get(current_year)})"
        )
    if note is not None:
        return TargetTrack(
            **common,
            change_so_far=None,
            path_change=None,
            years_left=None,
            needed_annual_rate=None,
            forecast_change=None,
            status="no_data",
            note=note,
        )
    change = current_value / base_value - 1
    years_left = target_year - current_year
    needed = (target_value / current_value) ** (1 / years_left) - 1 if years_left > 0 else None
    forecast_change = at_target.point / base_value - 1 if at_target else None
    lo80_change = at_target.lo80 / base_value - 1 if at_target else None
    status = target_status(
        base_year=base_year,
        target_year=target_year,
        target_change=target.target_change,
        current_year=current_year,
        change_so_far=change,
        forecast_change=forecast_change,
        forecast_lo80_change=lo80_change,
    )
    return TargetTrack(
        **common,
        change_so_far=change,
        path_change=path_change(
            base_year=base_year,
            target_year=target_year,
            target_change=target.target_change,
            year=current_year,
        ),
        years_left=years_left,
        needed_annual_rate=needed,
        forecast_change=forecast_change,
        status=status,
        note=None,
    )


def current_plan(targets: Sequence[PlanTarget], latest_year: int | None) -> PlanTarget | None:
    """The plan running now: the first (by target year) not yet past, else the last one."""
    ordered = sorted(targets, key=lambda t: (t.target_period, t.plan))
    if not ordered:
        return None
    if latest_year is None:
        return ordered[-1]
    return next((t for t in ordered if _year(t.target_period) >= latest_year), ordered[-1])


# --------------------------------------------------------------------------- reads


def _ancestors(parents: Mapping[str, str | None], code: str) -> list[str]:
    chain, seen = [], {code}
    parent = parents.get(code)
    while parent is not None and parent not in seen:
        chain.append(parent)
        seen.add(parent)
        parent = parents.get(parent)
    return chain


def resolve_targets(
    code: str,
    own: Mapping[str, Mapping[str, Target]],
    parents: Mapping[str, str | None],
    metric: str = METRIC,
) -> list[PlanTarget]:
    """Every plan's target of ``metric`` for a region: its own row, else the nearest
    ancestor's, else the national one. ``own`` is region -> plan -> Target row (of ``metric``)."""
    builtin = national(metric)
    plans = {t.plan for rows in own.values() for t in rows.values()} | {t.plan for t in builtin}
    by_plan = {t.plan: t for t in builtin}
    out = []
    for plan in sorted(plans):
        row = own.get(code, {}).get(plan)
        source = "own"
        if row is None:
            source = "inherited"
            row = next(
                (own[a][plan] for a in _ancestors(parents, code) if plan in own.get(a, {})), None
            )
        if row is not None:
            out.append(
                PlanTarget(
                    row.plan,
                    row.metric,
                    row.base_period,
                    row.target_period,
                    row.target_change,
                    source,
                    row.region_code,
                    target_value=getattr(row, "target_value", None),
                    cap_kind=getattr(row, "cap_kind", None),
                    numerator=getattr(row, "numerator", None),
                    gdp_basis=getattr(row, "gdp_basis", None),
                    gdp_base_year=getattr(row, "gdp_base_year", None),
                    gwp_set=getattr(row, "gwp_set", None),
                    document=getattr(row, "source", None),
                )
            )
        elif plan in by_plan:
            out.append(by_plan[plan])
    return out


def _own_targets(session: Session, metric: str = METRIC) -> dict[str, dict[str, Target]]:
    own: dict[str, dict[str, Target]] = {}
    for t in session.scalars(select(Target).where(Target.metric == metric)):
        own.setdefault(t.region_code, {})[t.plan] = t
    return own


def _parents(session: Session) -> dict[str, str | None]:
    from datasource.queries import memo_by_version

    return memo_by_version(
        session,
        "region-parents",
        lambda s: dict(s.execute(select(Region.code, Region.parent_code)).all()),
    )


def _latest_year(session: Session) -> int | None:
    from datasource.queries import latest_period

    latest = latest_period(session)
    return int(latest) if latest else None


def _points(
    session: Session, targets_by_code: Mapping[str, Sequence[PlanTarget]]
) -> dict[tuple[str, definitions.Definition], dict[int, definitions.Point]]:
    """Each region's yearly values on each definition its targets use (one read per definition)."""
    wanted: dict[definitions.Definition, set[str]] = {}
    for code, chosen in targets_by_code.items():
        for t in chosen:
            wanted.setdefault(t.definition, set()).add(code)
    out = {}
    for definition, codes in wanted.items():
        for code, points in definitions.yearly(session, sorted(codes), definition).items():
            out[(code, definition)] = points
    return out


def evaluate_on(
    region_code: str,
    target: PlanTarget,
    points: Mapping[int, definitions.Point],
    *,
    latest_year: int | None = None,
    forecast: Sequence = (),
) -> TargetTrack:
    """``evaluate`` on the target's own definition: ``points`` are the region's yearly values
    on it (definitions.yearly). Only years on the base year's price basis are compared (a year
    that fell back to current prices is skipped while an earlier comparable one exists); the
    stored forecast (of the general intensity) counts only for a target on that definition."""
    definition = target.definition
    base = points.get(_year(target.base_period))
    base_basis = base.basis if base is not None and base.value is not None else None
    usable = {
        y: p for y, p in points.items() if base_basis is None or p.basis in (base_basis, None)
    }
    values = {y: p.value for y, p in usable.items()}
    bases = {y: p.basis for y, p in usable.items()} if definition.is_intensity else None
    general = definition.numerator == "co2" and definition.gdp_basis == "constant"
    track = evaluate(
        region_code,
        target,
        values,
        latest_year=latest_year,
        forecast=forecast if general and definition.is_intensity else (),
        bases=bases,
    )
    used = [p for p in (base, usable.get(_int(track.current_period))) if p is not None]
    flags = tuple(sorted(set().union(*(p.flags for p in used)))) if used else ()
    price_year = _price_year(base_basis)
    return replace(
        track,
        definition=definition,
        fallback=flags,
        label_zh=definition.label("zh", price_year),
        label_en=definition.label("en", price_year),
        price_base_year=price_year or definition.gdp_base_year,
    )


def _int(period: str | None) -> int | None:
    return int(period[:4]) if period else None


def _price_year(basis: str | None) -> int | None:
    """2020 from "constant:2020"; None otherwise."""
    if basis and basis.startswith("constant:") and basis[9:].isdigit():
        return int(basis[9:])
    return None


def _forecasts(session: Session, codes: Iterable[str], metric: str = "intensity") -> dict:
    """The newest stored forecast (ForecastPoint lists) of each region for ``metric``."""
    from datasource.forecast import ForecastPoint

    codes = list(codes)
    out: dict[str, list] = {}
    from datasource.queries import memo_by_version

    newest = memo_by_version(
        session,
        f"newest-forecast-{metric}",
        lambda s: s.scalar(select(func.max(Forecast.origin)).where(Forecast.metric == metric)),
    )
    if newest is None:
        return out
    for i in range(0, len(codes), 900):
        stmt = (
            select(Forecast)
            .where(
                Forecast.region_code.in_(codes[i : i + 900]),
                Forecast.metric == metric,
                Forecast.origin == newest,
            )
            .order_by(Forecast.region_code, Forecast.year)
        )
        for r in session.scalars(stmt):
            out.setdefault(r.region_code, []).append(
                ForecastPoint(
                    r.year,
                    r.point,
                    r.lo80,
                    r.hi80,
                    r.lo95,
                    r.hi95,
                    r.model,
                    r.origin,
                    r.data_version,
                )
            )
    return out


def progress_many(
    session: Session, *, region_codes: Iterable[str], plan: str | None = None
) -> dict[str, TargetTrack]:
    """Each region's standing against ``plan`` (None: the plan running now) in a few queries:
    the map's "target status" view. Regions the registry does not know are left out."""
    parents = _parents(session)
    codes = [c for c in region_codes if c in parents]
    own = _own_targets(session)
    latest = _latest_year(session)
    chosen: dict[str, PlanTarget] = {}
    for code in codes:
        targets = resolve_targets(code, own, parents)
        pick = (
            next((t for t in targets if t.plan == plan), None)
            if plan is not None
            else current_plan(targets, latest)
        )
        if pick is not None and pick.target_change is not None:
            chosen[code] = pick
    points = _points(session, {c: [t] for c, t in chosen.items()})
    forecasts = _forecasts(session, list(chosen))
    return {
        code: evaluate_on(
            code,
            t,
            points.get((code, t.definition), {}),
            latest_year=latest,
            forecast=forecasts.get(code, ()),
        )
        for code, t in chosen.items()
    }


def progress(session: Session, *, region_code: str, plan: str | None = None) -> TargetTrack | None:
    """One region's standing against ``plan`` (None: the plan running now); None when the
    region is unknown or has no such plan."""
    return progress_many(session, region_codes=[region_code], plan=plan).get(region_code)


def progress_all(session: Session, *, region_code: str) -> list[TargetTrack]:
    """A region's standing against every plan (its own, inherited or national), by target year."""
    parents = _parents(session)
    if region_code not in parents:
        return []
    latest = _latest_year(session)
    targets = [
        t
        for t in resolve_targets(region_code, _own_targets(session), parents)
        if t.target_change is not None
    ]
    points = _points(session, {region_code: targets})
    forecast = _forecasts(session, [region_code]).get(region_code, ())
    return [
        evaluate_on(
            region_code,
            t,
            points.get((region_code, t.definition), {}),
            latest_year=latest,
            forecast=forecast,
        )
        for t in sorted(targets, key=lambda t: (t.target_period, t.plan))
    ]


# --------------------------------------------------------------------------- peak watch


@dataclass(frozen=True)
class PeakStatus:
    status: str  # peaked / not_peaked / no_data
    peaked: bool
    firm: bool  # peaked and even the forecast's upper 80 % bound stays below the peak
    peak_year: int | None
    peak_value: float | None
    latest_year: int | None
    latest_value: float | None
    years_since_peak: int | None
    forecast_max: float | None  # the highest forecast point (None: no forecast)
    n_years: int


def peak_status(
    series: Sequence[tuple[int | str, float | None]],
    forecast: Sequence = (),
    *,
    n_years: int = PEAK_YEARS,
) -> PeakStatus:
    """Peaked when the highest value is at least ``n_years`` years before the latest year and
    every forecast point stays below it (with no forecast, history alone decides)."""
    points = sorted((int(str(y)[:4]), v) for y, v in series if v is not None)
    if not points:
        return PeakStatus("no_data", False, False, None, None, None, None, None, None, n_years)
    peak_year, peak_value = max(points, key=lambda p: (p[1], -p[0]))
    latest_year, latest_value = points[-1]
    since = latest_year - peak_year
    f_max = max((f.point for f in forecast), default=None)
    hi_max = max((f.hi80 for f in forecast), default=None)
    peaked = since >= n_years and (f_max is None or f_max < peak_value)
    firm = peaked and hi_max is not None and hi_max < peak_value
    return PeakStatus(
        "peaked" if peaked else "not_peaked",
        peaked,
        firm,
        peak_year,
        peak_value,
        latest_year,
        latest_value,
        since,
        f_max,
        n_years,
    )


def peak_watch(
    session: Session, *, region_code: str, metric: str = "co2", n_years: int = PEAK_YEARS
) -> PeakStatus:
    """A region's peak status from its yearly ``metric`` (co2 or co2e) and stored forecast."""
    column = StatRegion.co2 if metric == "co2" else StatRegion.co2e_ar5
    rows = session.execute(
        select(StatRegion.period, column).where(
            StatRegion.region_code == region_code, func.length(StatRegion.period) == 4
        )
    ).all()
    forecast = _forecasts(session, [region_code], metric).get(region_code, ())
    return peak_status([(p, v) for p, v in rows], forecast, n_years=n_years)
