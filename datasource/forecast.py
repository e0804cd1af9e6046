"""Forecasts of every region's CO2, CO2e (AR5) and carbon intensity, with 80 % and 95 %
prediction intervals, from the model a rolling-origin backtest on the pool's own history
chose per metric, level, origin and horizon (``forecast_select``; issue 18).

Models run on log values (forecasts stay positive): naive, drift, drift on a recent window,
damped drift, pooled damped-trend ETS, the ETS-drift combination and Theta
(``forecast_models``). Intervals are calibrated conformal-style on earlier origins only
(``forecast_calibration``). The choice as of an origin uses only the forecasts whose actual
year is at or before it, so a past origin is chosen, like it is fitted, on data up to it.

``compute_all(engine)`` stores forecasts from the latest year and the year before it (so the
wall can show last year's forecast beside what happened), plus the per-origin parameters,
multipliers and choices (and the backtest table as of the latest year), so
``forecast_for_origin`` can reproduce any other origin for one region quickly.

This module is the entry point and keeps the names callers import: it derives the rows to
store (``forecast_metric``), runs and stores them (``compute_all``) and answers one region's
forecast from any origin (``forecast_for_origin``). ``forecast_backtest`` is the rolling-origin
backtest; ``forecast_store`` holds the SQL (the panel read, the one write transaction, the reads
of stored forecasts and parameters).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from datasource import forecast_select as select
from datasource import forecast_store as store
from datasource.forecast_backtest import (
    BacktestReport,
    BacktestRow,
    SelectionReport,
    backtest_models,
    backtest_panel,
)
from datasource.forecast_calibration import (
    CAL_MIN_SCORES,
    OriginRun,
    calibration,
    conformal_quantile,
    horizon_for,
    interval_multipliers,
)
from datasource.forecast_models import (
    BASELINES,
    CANDIDATES,
    COLUMNS,
    METRICS,
    MIN_FIT,
    MIN_POINTS,
    MODELS,
    PARAMETRIC,
    POOLED,
    UNITS,
    Z80,
    Z95,
    Panel,
    check_metric,
    damped_drift_predict,
    drift_predict,
    ets_predict,
    fit_params,
    fit_pooled,
    naive_predict,
    predict,
    theta_predict,
    windows,
)
from datasource.forecast_select import ALL, SELECT_HORIZON, Choice
from datasource.forecast_store import (
    ForecastPoint,
    forecast_state,
    latest_rollup_version,
    load_panel,
    needs_compute,
    stored,
    stored_origins,
    stored_scores,
)
from datasource.models_forecast import ForecastChoice, ForecastModel

log = logging.getLogger(__name__)

# the names callers use (the wall, the API, the CLI, the scheduler, bench/ and tests/)
__all__ = [
    "CANDIDATES",
    "COLUMNS",
    "METRICS",
    "MODELS",
    "UNITS",
    "Z80",
    "Z95",
    "BacktestReport",
    "BacktestRow",
    "Choice",
    "ForecastPoint",
    "ForecastReport",
    "MetricForecasts",
    "NotEnoughHistory",
    "Panel",
    "SelectionReport",
    "backtest",
    "backtest_models",
    "backtest_panel",
    "compute_all",
    "conformal_quantile",
    "damped_drift_predict",
    "drift_predict",
    "ets_predict",
    "fit_pooled",
    "forecast_for_origin",
    "forecast_metric",
    "forecast_state",
    "latest_rollup_version",
    "naive_predict",
    "needs_compute",
    "predict",
    "stored",
    "stored_origins",
    "stored_scores",
    "latest_choices",
    "selection_report",
    "theta_predict",
    "track_record",
]
# the old private names tests/unit/test_forecast.py still calls
_windows = windows
_check_metric = check_metric


@dataclass(frozen=True)
class ForecastReport:
    computed: bool
    version: int
    seconds: float
    series: int = 0
    rows: int = 0
    origins: tuple[int, ...] = ()

    def render(self) -> str:
        if not self.computed:
            return f"forecasts already current at rollup version {self.version}"
        return (
            f"forecasts computed for rollup version {self.version}: {self.series} series, "
            f"origins {', '.join(map(str, self.origins))}, {self.rows} rows, "
            f"{self.seconds:.1f} s"
        )


@dataclass
class MetricForecasts:
    """Everything compute_all derives for one metric."""

    models: list[dict]  # forecast_model rows
    forecasts: list[dict]  # forecast rows
    series: int
    choices: list[dict] = field(default_factory=list)  # forecast_choice rows
    scores: list[dict] = field(default_factory=list)  # forecast_score rows


def _usable(pred: tuple[np.ndarray, ...], i: int, j: int) -> bool:
    point, se, ok = pred
    return bool(ok[i]) and bool(np.isfinite(point[i, j])) and bool(np.isfinite(se[i, j]))


def _forecast_rows(
    panel: Panel,
    metric: str,
    o: int,
    choices: dict[str, list[Choice]],
    preds: dict[str, tuple[np.ndarray, ...]],
    ks: dict[str, tuple[np.ndarray, np.ndarray]],
    version: int,
) -> list[dict]:
    """Forecast rows of every region from column o. Each year takes the model chosen for its
    horizon at the region's level (``choices[level]``, else ``choices[ALL]``; horizons past
    the last choice keep the last); a region the chosen model cannot forecast (too short, or
    non-finite output) gets that horizon's fallback baseline, then drift, then naive. A region
    no model can forecast at every horizon gets nothing."""
    origin_year = int(panel.years[o])
    levels = panel.levels or [None] * len(panel.codes)
    out = []
    for i, code in enumerate(panel.codes):
        plan = choices.get(levels[i] or ALL) or choices[ALL]
        horizon = min(len(p[0][i]) for p in preds.values())
        rows = []
        for j in range(horizon):
            c = plan[min(j, len(plan) - 1)]
            name = next(
                (
                    n
                    for n in dict.fromkeys([c.model, c.fallback, "drift", "naive"])
                    if n in preds and _usable(preds[n], i, j)
                ),
                None,
            )  # a model that failed on this row (non-finite output) hands it to the next one
            if name is None:
                break
            point, se = preds[name][0][i, j], preds[name][1][i, j]
            k80, k95 = ks[name][0][j], ks[name][1][j]
            rows.append(
                dict(
                    region_code=code,
                    metric=metric,
                    origin=origin_year,
                    year=origin_year + j + 1,
                    point=float(np.exp(point)),
                    lo80=float(np.exp(point - k80 * se)),
                    hi80=float(np.exp(point + k80 * se)),
                    lo95=float(np.exp(point - k95 * se)),
                    hi95=float(np.exp(point + k95 * se)),
                    model=name,
                    data_version=version,
                )
            )
        if len(rows) == horizon:
            out.extend(rows)
    return out


def _runs(
    y: np.ndarray, origins: Sequence[int]
) -> tuple[dict[str, dict[int, Any]], dict[str, dict[int, OriginRun]]]:
    """Pooled parameters and SELECT_HORIZON-year forecasts of every candidate from every
    origin, each estimated on data up to its origin."""
    ets = {o: fit_pooled(y, o) for o in origins}
    theta = {o: fit_params("theta", y, o) for o in origins}
    params: dict[str, dict[int, Any]] = {
        m: ets if m in POOLED else theta if m == "theta" else {} for m in CANDIDATES
    }
    runs = {
        m: {
            o: OriginRun(o, *predict(m, y, o, SELECT_HORIZON, params[m].get(o)), params[m].get(o))
            for o in origins
        }
        for m in CANDIDATES
    }
    return params, runs


def forecast_metric(
    panel: Panel, metric: str, version: int, *, stored_origins: int = 2
) -> MetricForecasts:
    """Parameters, calibration and the backtest choice for every origin; forecasts from the
    last ``stored_origins``; the backtest table as of the latest origin."""
    y = np.log(panel.values[metric])
    last = y.shape[1] - 1
    if last < MIN_POINTS - 1:
        return MetricForecasts([], [], 0)
    origins = list(range(MIN_FIT - 1, last + 1))
    params, runs = _runs(y, origins)
    cals = {
        m: {o: calibration(y, {k: v for k, v in runs[m].items() if k < o}, o) for o in origins}
        for m in CANDIDATES
    }
    scores = select.score(
        y,
        {m: {o: (r.point, r.se, r.ok) for o, r in runs[m].items()} for m in CANDIDATES},
        {m: {o: _multipliers(c) for o, c in cals[m].items()} for m in cals},
        panel.levels,
    )
    levels = scores.groups
    out = MetricForecasts([], [], 0)
    for o in origins:
        origin_year = int(panel.years[o])
        for name in CANDIDATES:
            p = params[name].get(o) or (None, None, None)
            for h, (k80, k95, n) in enumerate(cals[name][o], start=1):
                out.models.append(
                    dict(
                        metric=metric,
                        origin=origin_year,
                        model=name,
                        horizon=h,
                        alpha=p[0],
                        beta=p[1],
                        phi=p[2],
                        k80=k80,
                        k95=k95,
                        n_scores=n,
                        data_version=version,
                    )
                )
        for level in levels:
            out.choices.extend(
                _choice_row(metric, level, origin_year, c, version)
                for c in select.choose(scores, o, level)
            )
    for o in range(max(last - stored_origins + 1, MIN_POINTS - 1), last + 1):
        horizon = horizon_for(int(panel.years[o]))
        if o in cals["naive"]:
            choices = {lv: select.choose(scores, o, lv) for lv in levels}
        else:
            choices = {ALL: select.short_choices()}
        needed = {n for plan in choices.values() for c in plan for n in (c.model, c.fallback)}
        needed |= set(BASELINES)
        preds = {n: predict(n, y, o, horizon, params[n].get(o)) for n in needed}
        ks = {n: interval_multipliers(cals[n].get(o, [(Z80, Z95, 0)]), horizon) for n in needed}
        out.forecasts.extend(_forecast_rows(panel, metric, o, choices, preds, ks, version))
    table = select.table(scores, last)
    out.scores = [dict(metric=metric, data_version=version, **r) for r in table]
    out.series = int((windows(y, last)[1] >= MIN_POINTS).sum())
    return out


def _multipliers(cal: list[tuple[float, float, int]]) -> tuple[np.ndarray, ...]:
    """(k80s, k95s, calibrated?s) for horizons 1..SELECT_HORIZON: whether each horizon's
    multipliers came from enough earlier scores (else they are the normal ones)."""
    k80, k95 = interval_multipliers(cal, SELECT_HORIZON)
    calibrated = np.array([cal[min(h, len(cal)) - 1][2] >= CAL_MIN_SCORES for h in range(1, 6)])
    return k80, k95, calibrated


def _choice_row(metric: str, level: str, origin: int, c: Choice, version: int) -> dict:
    return dict(
        metric=metric,
        level=level,
        origin=origin,
        horizon=c.horizon,
        model=c.model,
        fallback=c.fallback,
        grp=c.group,
        reason=c.reason,
        smape=c.smape,
        naive_smape=c.naive,
        drift_smape=c.drift,
        cover80=c.cover80,
        cover95=c.cover95,
        n_scores=c.scores,
        n_series=c.series,
        n_origins=c.origins,
        data_version=version,
    )


def _choice(r: ForecastChoice) -> Choice:
    return Choice(
        r.horizon,
        r.model,
        r.fallback,
        r.grp,
        r.reason,
        r.smape,
        r.naive_smape,
        r.drift_smape,
        r.cover80,
        r.cover95,
        r.n_scores,
        r.n_series,
        r.n_origins,
    )


def latest_choices(session: Session, *, metric: str) -> list[tuple[str, str, list[Choice]]]:
    """(level, the level whose backtest decided, the plan per horizon) of every level as of
    the newest stored origin: the analysis page's summary."""
    check_metric(metric)
    plans: dict[str, list[Choice]] = {}
    for r in store.latest_choice_rows(session, metric=metric):
        plans.setdefault(r.level, []).append(_choice(r))
    order = sorted(plans, key=lambda lv: (lv == ALL, lv))
    return [(lv, plans[lv][2].group, plans[lv]) for lv in order]


def track_record(session: Session, *, region_code: str, metric: str, origin: int) -> list[Choice]:
    """The model chosen per horizon for a region's metric as of ``origin`` and its backtest
    record (the naive forecast, reason "short", where no backtest was stored for it)."""
    check_metric(metric)
    level = store.region_level(session, region_code)
    rows = store.stored_choices(session, metric=metric, level=level, origin=origin)
    if not rows:
        rows = store.stored_choices(session, metric=metric, level=None, origin=origin)
    return [_choice(r) for r in rows] or select.short_choices()


def compute_all(engine: Engine, *, force: bool = False) -> ForecastReport:
    """Forecast every region's three metrics from the latest year and the year before, and
    store them with the per-origin parameters; skipped when already at the rollup version.
    Safe to call concurrently (one run at a time: PostgreSQL advisory lock, SQLite write lock
    around the write; the computation itself reads a consistent rollup)."""
    start = time.perf_counter()
    with engine.connect() as conn:
        version = store.rollup_version(conn)
        if version < 0 or (store.forecast_version(conn) == version and not force):
            return ForecastReport(False, version, time.perf_counter() - start)
    with Session(engine) as session:
        panel = load_panel(session)
    results = [forecast_metric(panel, m, version) for m in METRICS]
    models = [r for res in results for r in res.models]
    forecasts = [r for res in results for r in res.forecasts]
    series = sum(r.series for r in results)
    if not store.replace_all(
        engine,
        version,
        models,
        forecasts,
        choices=[r for res in results for r in res.choices],
        scores=[r for res in results for r in res.scores],
        series=series,
        force=force,
        start=start,
    ):
        return ForecastReport(False, version, time.perf_counter() - start)
    origins = tuple(sorted({r["origin"] for r in forecasts}))
    seconds = time.perf_counter() - start
    log.info("forecasts for rollup version %d: %d rows in %.1f s", version, len(forecasts), seconds)
    return ForecastReport(True, version, seconds, series, len(forecasts), origins)


def backtest(engine: Engine) -> SelectionReport:
    """The automatic selection's backtest on the pool as it is now (``carbonwall backtest``):
    the same computation as compute_all, nothing stored."""
    start = time.perf_counter()
    with Session(engine) as session:
        panel = load_panel(session)
    return selection_report(panel, start=start)


def selection_report(panel: Panel, *, start: float | None = None) -> SelectionReport:
    """The selection backtest of a panel as of its latest year, every metric."""
    start = time.perf_counter() if start is None else start
    scores, choices = [], {}
    for metric in METRICS:
        res = forecast_metric(panel, metric, -1, stored_origins=0)
        scores.extend(res.scores)
        latest = max((r["origin"] for r in res.choices), default=None)
        for r in res.choices:
            if r["origin"] == latest:
                choices.setdefault((metric, r["level"]), []).append(_choice(ForecastChoice(**r)))
    origin = int(panel.years[-1]) if len(panel.years) else None
    return SelectionReport(scores, choices, origin, time.perf_counter() - start)


class NotEnoughHistory(ValueError):
    pass


def forecast_for_origin(
    session: Session, *, region_code: str, metric: str, origin: int
) -> list[ForecastPoint]:
    """The forecast of one region from ``origin`` using only data up to it: stored if
    compute_all stored that origin, else computed now from the region's own series with the
    pooled parameters and multipliers compute_all stored for that origin (drift with normal
    multipliers when it stored none). Raises NotEnoughHistory when the region has fewer than
    MIN_POINTS consecutive years ending at ``origin``."""
    check_metric(metric)
    found = stored(session, region_code=region_code, metric=metric, origin=origin)
    if found:
        return found
    panel = load_panel(session, region_code=region_code)
    if not panel.codes or not (panel.years[0] <= origin <= panel.years[-1]):
        raise NotEnoughHistory(f"no data for {region_code} up to {origin}")
    y = np.log(panel.values[metric])
    o = int(origin - panel.years[0])
    length = int(windows(y, o)[1][0])
    if length < MIN_POINTS:
        raise NotEnoughHistory(
            f"{region_code} has {length} consecutive years of {metric} up to {origin}; "
            f"a forecast needs {MIN_POINTS}"
        )
    horizon = horizon_for(origin)
    plan = track_record(session, region_code=region_code, metric=metric, origin=origin)
    rows = store.stored_models(session, metric=metric, origin=origin)
    by_model: dict[str, list[ForecastModel]] = {}
    for r in sorted(rows, key=lambda m: m.horizon):
        by_model.setdefault(r.model, []).append(r)
    version = rows[0].data_version if rows else None
    preds, ks = {}, {}
    for name in {n for c in plan for n in (c.model, c.fallback)} | set(BASELINES):
        got = by_model.get(name)
        cal = [(m.k80, m.k95, m.n_scores) for m in got] if got else [(Z80, Z95, 0)]
        params = None
        if name in PARAMETRIC:
            if not got or got[0].alpha is None:
                continue  # no stored parameters for this origin: the fallback answers
            params = (got[0].alpha, got[0].beta, got[0].phi)
        preds[name] = predict(name, y, o, horizon, params)
        ks[name] = interval_multipliers(cal, horizon)
    choices = {panel.levels[0] if panel.levels and panel.levels[0] else ALL: plan, ALL: plan}
    out = _forecast_rows(panel, metric, o, choices, preds, ks, -1 if version is None else version)
    return [
        ForecastPoint(
            r["year"],
            r["point"],
            r["lo80"],
            r["hi80"],
            r["lo95"],
            r["hi95"],
            r["model"],
            r["origin"],
            version,
        )
        for r in out
    ]
