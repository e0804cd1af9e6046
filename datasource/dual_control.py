"""Dual control (碳排放总量和强度双控): every plan's controlled metrics for a region, each
relative (a change against the base year), an annual cap or a cumulative budget over the plan,
with its status, the rate still needed, and a closed plan's final result (docs/indicators.md).

Plans are data (datasource/data/plans.csv); targets come from the ``target`` table (the
region's own row, else its nearest ancestor's) or the national ones
(datasource/data/national_targets.csv). A controlled metric with no target anywhere is
``no_target`` (未设定): no number is assumed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from datasource import definitions, targets
from datasource.models import Target

STATUSES = ("on_track", "at_risk", "off_track", "no_target", "no_base_data")
AT_RISK_MARGIN = targets.AT_RISK_MARGIN
# units the API and the wall show absolute values in (stored: t; energy 万吨标准煤)
DISPLAY_UNITS = {"co2": ("万吨", 1e4), "co2e": ("万吨", 1e4), "energy": ("万吨标准煤", 1.0)}
INTENSITY_UNITS = {
    "co2_intensity": "吨/万元",
    "co2e_intensity": "吨/万元",
    "energy_intensity": "吨标准煤/万元",
}


@dataclass(frozen=True)
class Control:
    """One controlled metric of a plan for a region, and where the region stands on it."""

    metric: str
    kind: str | None  # change / annual / cumulative; None: no target
    definition: definitions.Definition
    status: str
    target_change: float | None = None
    target_value: float | None = None  # in ``unit`` (absolute targets)
    unit: str | None = None  # 万吨 / 万吨标准煤 for totals; 吨/万元 for intensities
    source: str | None = None  # own / inherited / national
    source_code: str | None = None
    document: str | None = None  # where the number is published
    base_value: float | None = None  # in ``unit``
    current_period: str | None = None
    current_value: float | None = None  # in ``unit``
    current_change: float | None = None  # vs the base year
    needed_annual_rate: float | None = None  # yearly change still needed to the target
    used: float | None = None  # cumulative budgets: the plan's sum so far, in ``unit``
    estimated_years: tuple[int, ...] = ()  # budget years filled by interpolation
    fallback: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class PlanStanding:
    plan: str
    name_zh: str
    name_en: str
    base_period: str
    target_period: str
    state: str  # closed / running / upcoming
    source: str  # the plan document(s)
    controls: tuple[Control, ...]
    result: str | None = None  # closed plans: achieved / not_achieved / pending


# --------------------------------------------------------------------------- pure arithmetic


def plan_state(base_year: int, target_year: int, year: int) -> str:
    """A plan is running from the year after its base year to its target year."""
    if year > target_year:
        return "closed"
    return "running" if year > base_year else "upcoming"


def _rate(ratio: float, years: int) -> float | None:
    return ratio ** (1 / years) - 1 if years > 0 and ratio > 0 else None


def evaluate_cap(
    *, base_year: int, target_year: int, cap: float, values: Mapping[int, float | None], latest: int
) -> dict:
    """An annual cap on the target year: tracked like a relative target of cap / base - 1
    (the straight-line path in logs from the base year's value to the cap)."""
    base = values.get(base_year)
    if base is None or base <= 0:
        return {"status": "no_base_data", "note": f"no value for the base year {base_year}"}
    change = cap / base - 1
    plan = targets.PlanTarget("", "", str(base_year), str(target_year), change)
    track = targets.evaluate("", plan, values, latest_year=latest)
    return {
        "status": track.status,
        "base_value": base,
        "current_period": track.current_period,
        "current_value": track.current_value,
        "current_change": track.change_so_far,
        "needed_annual_rate": track.needed_annual_rate,
    }


def fill_years(
    base_year: int, last_year: int, values: Mapping[int, float | None]
) -> tuple[dict[int, float], tuple[int, ...]]:
    """The values of base_year..last_year with gaps filled by straight-line interpolation
    between the nearest known years (both ends are known); and the years filled."""
    known = {y: v for y, v in values.items() if v is not None and base_year <= y <= last_year}
    out, filled = {}, []
    years = sorted(known)
    for y in range(base_year, last_year + 1):
        if y in known:
            out[y] = known[y]
            continue
        lo = max(k for k in years if k < y)
        hi = min(k for k in years if k > y)
        out[y] = known[lo] + (known[hi] - known[lo]) * (y - lo) / (hi - lo)
        filled.append(y)
    return out, tuple(filled)


def budget_rate(current: float, remaining: float, years: int) -> float | None:
    """The constant yearly rate r from ``current`` with sum_{k=1..years} current(1+r)^k equal
    to ``remaining`` (bisection; None when nothing remains)."""
    if years <= 0 or remaining <= 0 or current <= 0:
        return None

    def total(r: float) -> float:
        return sum(current * (1 + r) ** k for k in range(1, years + 1))

    lo, hi = -0.999999, 1.0
    while total(hi) < remaining:
        hi *= 2
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if total(mid) < remaining else (lo, mid)
    return (lo + hi) / 2


def evaluate_budget(
    *,
    base_year: int,
    target_year: int,
    budget: float,
    values: Mapping[int, float | None],
    latest: int,
) -> dict:
    """A cumulative budget over the plan's years (base_year+1 .. target_year).

    Used = the sum of the years reported so far, a missing year between two reported ones
    (the base year counts) filled by interpolation. Expected by now = the budget's straight
    share (budget x elapsed / span). on_track if used <= expected, at_risk if at most
    AT_RISK_MARGIN above it, off_track beyond or once used exceeds the budget."""
    base = values.get(base_year)
    if base is None or base <= 0:
        return {"status": "no_base_data", "note": f"no value for the base year {base_year}"}
    span = target_year - base_year
    limit = min(target_year, latest)
    reported = [y for y, v in values.items() if v is not None and base_year < y <= limit]
    last = max(reported, default=base_year)
    series, filled = fill_years(base_year, last, values)
    used = sum(series[y] for y in range(base_year + 1, last + 1))
    elapsed = last - base_year
    common = {
        "base_value": base,
        "current_period": str(last),
        "current_value": series[last],
        "current_change": series[last] / base - 1,
        "used": used,
        "estimated_years": filled,
    }
    remaining = budget - used
    needed = budget_rate(series[last], remaining, target_year - last)
    if elapsed == 0:
        status = "on_track"
    elif used > budget:
        status = "off_track"
    else:
        gap = used / (budget * elapsed / span) - 1
        status = "on_track" if gap <= 0 else "at_risk" if gap <= AT_RISK_MARGIN else "off_track"
    note = None if elapsed else "no year of the plan reported yet"
    return {**common, "status": status, "needed_annual_rate": needed, "note": note}


def evaluate_change(
    target: targets.PlanTarget, points: Mapping[int, definitions.Point], latest: int
) -> dict:
    track = targets.evaluate_on("", target, points, latest_year=latest)
    if track.status == "no_data":
        return {"status": "no_base_data", "note": track.note, "fallback": track.fallback}
    return {
        "status": track.status,
        "base_value": track.base_value,
        "current_period": track.current_period,
        "current_value": track.current_value,
        "current_change": track.change_so_far,
        "needed_annual_rate": track.needed_annual_rate,
        "fallback": track.fallback,
    }


def control(
    metric: str,
    plan: targets.Plan,
    target: targets.PlanTarget | None,
    points: Mapping[int, definitions.Point],
    latest: int,
) -> Control:
    """A controlled metric's standing; ``points`` are its yearly values on its definition."""
    definition = (target.definition if target else None) or definitions.resolve(metric, plan.plan)
    unit, scale = _unit(metric)
    base_year, target_year = int(plan.base_period[:4]), int(plan.target_period[:4])
    values = {y: p.value for y, p in points.items()}
    if target is None:
        result: dict = _untargeted(base_year, target_year, values, latest)
        kind = None
    elif target.target_change is not None:
        result, kind = evaluate_change(target, points, latest), "change"
    elif target.cap_kind == "cumulative":
        kw = dict(base_year=base_year, target_year=target_year, values=values, latest=latest)
        result, kind = evaluate_budget(budget=target.target_value, **kw), "cumulative"
    else:
        kw = dict(base_year=base_year, target_year=target_year, values=values, latest=latest)
        result, kind = evaluate_cap(cap=target.target_value, **kw), "annual"
    if "fallback" not in result:
        used_years = (
            [base_year, int(result["current_period"])]
            if result.get("current_period")
            else [base_year]
        )
        marks = set().union(*(points[y].flags for y in used_years if y in points))
        result["fallback"] = tuple(sorted(marks))
    for key in ("base_value", "current_value", "used"):
        if result.get(key) is not None:
            result[key] = result[key] / scale
    return Control(
        metric=metric,
        kind=kind,
        definition=definition,
        target_change=target.target_change if target else None,
        target_value=target.target_value / scale if target and target.target_value else None,
        unit=unit,
        source=target.source if target else None,
        source_code=target.source_code if target else None,
        document=target.document if target else None,
        **result,
    )


def _untargeted(base_year: int, target_year: int, values: Mapping[int, float | None], latest: int):
    """No target: the status says so; where the region stands is still shown."""
    limit = min(target_year, latest)
    known = [y for y, v in values.items() if v is not None and y <= limit]
    last = max(known, default=None)
    base = values.get(base_year)
    out = {"status": "no_target", "base_value": base}
    if last is not None and last >= base_year:
        out.update(current_period=str(last), current_value=values[last])
        if base:
            out["current_change"] = values[last] / base - 1
    return out


def _unit(metric: str) -> tuple[str, float]:
    if metric in DISPLAY_UNITS:
        return DISPLAY_UNITS[metric]
    return INTENSITY_UNITS[metric], 1.0


def plan_result(state: str, controls: Sequence[Control], target_period: str) -> str | None:
    """A closed plan: achieved when every targeted metric with data met its target in the
    target year, not_achieved when one missed it, pending while a target year's figure is not
    in the pool. A control with no data at all (no_base_data) is left out."""
    if state != "closed":
        return None
    targeted = [c for c in controls if c.kind is not None and c.status != "no_base_data"]
    if not targeted:
        return None
    if any(c.current_period != target_period for c in targeted):
        return "pending"
    return "achieved" if all(c.status == "on_track" for c in targeted) else "not_achieved"


# --------------------------------------------------------------------------- reads


def _own(session: Session) -> dict[str, dict[str, dict[str, Target]]]:
    """metric -> region -> plan -> Target row."""
    out: dict[str, dict[str, dict[str, Target]]] = {}
    for t in session.scalars(select(Target)):
        out.setdefault(t.metric, {}).setdefault(t.region_code, {})[t.plan] = t
    return out


def standing(
    session: Session, *, region_code: str, year: int | None = None
) -> list[PlanStanding] | None:
    """Every plan's controls for a region (None: unknown region). ``year``: the calendar year
    that decides which plan is running (default: this year)."""
    parents = targets._parents(session)
    if region_code not in parents:
        return None
    year = year or date.today().year
    latest = targets._latest_year(session) or 0
    own = _own(session)
    out = []
    for plan in targets.plan_table():
        chosen: dict[str, targets.PlanTarget | None] = {}
        for metric in plan.controls:
            found = targets.resolve_targets(region_code, own.get(metric, {}), parents, metric)
            chosen[metric] = next((t for t in found if t.plan == plan.plan), None)
        controls = []
        for metric, target in chosen.items():
            definition = target.definition if target else definitions.resolve(metric, plan.plan)
            points = definitions.yearly(session, [region_code], definition).get(region_code, {})
            controls.append(control(metric, plan, target, points, latest))
        state = plan_state(int(plan.base_period[:4]), int(plan.target_period[:4]), year)
        out.append(
            PlanStanding(
                plan.plan,
                plan.name_zh,
                plan.name_en,
                plan.base_period,
                plan.target_period,
                state,
                plan.source,
                tuple(controls),
                plan_result(state, controls, plan.target_period),
            )
        )
    return out


def running(plans: Sequence[PlanStanding]) -> PlanStanding | None:
    """The running five-year plan (the NDC runs alongside and is not one)."""
    return next((p for p in plans if p.state == "running" and p.plan.endswith("FYP")), None)


def last_closed(plans: Sequence[PlanStanding]) -> PlanStanding | None:
    closed = [p for p in plans if p.state == "closed" and p.plan.endswith("FYP")]
    return max(closed, key=lambda p: p.target_period, default=None)


def as_dict(region_code: str, plans: Sequence[PlanStanding]) -> dict:
    """The GET /api/v1/targets answer (docs/indicators.md): plans in order, their controls with
    every field (null where it does not apply)."""
    return {
        "region": region_code,
        "plans": [
            {
                "plan": p.plan,
                "name_zh": p.name_zh,
                "name_en": p.name_en,
                "base_period": p.base_period,
                "target_period": p.target_period,
                "state": p.state,
                "result": p.result,
                "source": p.source,
                "controls": [_control_dict(c) for c in p.controls],
            }
            for p in plans
        ],
    }


def _control_dict(c: Control) -> dict:
    return {
        "metric": c.metric,
        "kind": c.kind,
        "target_change": c.target_change,
        "target_value": c.target_value,
        "unit": c.unit,
        "base_value": c.base_value,
        "current_period": c.current_period,
        "current_value": c.current_value,
        "current_change": c.current_change,
        "needed_annual_rate": c.needed_annual_rate,
        "used": c.used,
        "estimated_years": list(c.estimated_years),
        "status": c.status,
        "definition": c.definition.as_dict(),
        "fallback": list(c.fallback),
        "target_source": c.source,
        "target_source_code": c.source_code,
        "document": c.document,
        "note": c.note,
    }
