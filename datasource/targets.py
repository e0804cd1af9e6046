"""Target tracking: which intensity target applies to a region, where it stands against it,
what it still needs, a traffic light, and whether its emissions have peaked.

Targets are data (table ``target``); a region without its own target for a plan takes its
nearest ancestor's, and failing that the national target below (README "Forecasts and
targets" documents the traffic-light rule).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

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
    target_change: float  # -0.18 means 18 % lower than the base period
    source: str = "national"  # own / inherited / national
    source_code: str | None = None  # the region whose row it is (None: built-in national)


# The national targets (transcribed from the plan documents; the data may override them by
# giving the country, a province or any region its own rows).
NATIONAL: tuple[PlanTarget, ...] = (
    PlanTarget("13th-FYP", METRIC, "2015", "2020", -0.18),
    PlanTarget("14th-FYP", METRIC, "2020", "2025", -0.18),
    PlanTarget("NDC-2030", METRIC, "2005", "2030", -0.65),  # "more than 65 %" below 2005
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
) -> list[PlanTarget]:
    """Every plan's target for a region: its own row, else the nearest ancestor's, else the
    national one. ``own`` is region -> plan -> Target row."""
    plans = {t.plan for rows in own.values() for t in rows.values()} | {t.plan for t in NATIONAL}
    national = {t.plan: t for t in NATIONAL}
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
                )
            )
        elif plan in national:
            out.append(national[plan])
    return out


def _own_targets(session: Session) -> dict[str, dict[str, Target]]:
    own: dict[str, dict[str, Target]] = {}
    for t in session.scalars(select(Target).where(Target.metric == METRIC)):
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


def _intensities(
    session: Session, codes: Iterable[str]
) -> tuple[dict[str, dict[int, float | None]], dict[str, dict[int, str | None]]]:
    values: dict[str, dict[int, float | None]] = {}
    bases: dict[str, dict[int, str | None]] = {}
    codes = list(codes)
    for i in range(0, len(codes), 900):
        stmt = select(
            StatRegion.region_code,
            StatRegion.period,
            StatRegion.intensity,
            StatRegion.intensity_basis,
            StatRegion.gdp_base_year,
        ).where(StatRegion.region_code.in_(codes[i : i + 900]), func.length(StatRegion.period) == 4)
        for code, period, value, basis, base_year in session.execute(stmt):
            values.setdefault(code, {})[int(period)] = value
            key = f"{basis}:{base_year}" if basis == "constant" else basis
            bases.setdefault(code, {})[int(period)] = key
    return values, bases


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
    values, bases = _intensities(session, codes)
    forecasts = _forecasts(session, codes)
    out = {}
    for code in codes:
        targets = resolve_targets(code, own, parents)
        chosen = (
            next((t for t in targets if t.plan == plan), None)
            if plan is not None
            else current_plan(targets, latest)
        )
        if chosen is None:
            continue
        out[code] = evaluate(
            code,
            chosen,
            values.get(code, {}),
            latest_year=latest,
            forecast=forecasts.get(code, ()),
            bases=bases.get(code, {}),
        )
    return out


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
    values, bases = _intensities(session, [region_code])
    forecast = _forecasts(session, [region_code]).get(region_code, ())
    targets = resolve_targets(region_code, _own_targets(session), parents)
    return [
        evaluate(
            region_code,
            t,
            values.get(region_code, {}),
            latest_year=latest,
            forecast=forecast,
            bases=bases.get(region_code, {}),
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
