"""Forecasts of every region's CO2, CO2e (AR5) and carbon intensity, with 80 % and 95 %
prediction intervals, and the rolling-origin backtest that chose the model.

Models run on log values (forecasts stay positive): naive, drift, damped drift, pooled and
per-series damped-trend ETS and the ETS-drift combination (``forecast_models``). Intervals
are calibrated conformal-style on earlier origins only (``forecast_calibration``).

``compute_all(engine)`` stores forecasts from the latest year and the year before it (so the
wall can show last year's forecast beside what happened), plus the per-origin parameters and
multipliers, so ``forecast_for_origin`` can reproduce any other origin for one region quickly.

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
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from datasource import forecast_store as store
from datasource.forecast_backtest import BacktestReport, BacktestRow, backtest, backtest_panel
from datasource.forecast_calibration import (
    CAL_HORIZON,
    calibration,
    conformal_quantile,
    horizon_for,
    interval_multipliers,
    rolling_runs,
)
from datasource.forecast_models import (
    CHOSEN,
    COLUMNS,
    METRICS,
    MIN_FIT,
    MIN_POINTS,
    MODELS,
    POOLED,
    UNITS,
    Z80,
    Z95,
    Panel,
    check_metric,
    damped_drift_predict,
    drift_predict,
    ets_predict,
    fit_pooled,
    model_chain,
    naive_predict,
    predict,
    windows,
)
from datasource.forecast_store import (
    ForecastPoint,
    forecast_state,
    latest_rollup_version,
    load_panel,
    needs_compute,
    stored,
    stored_origins,
)
from datasource.models_forecast import ForecastModel

log = logging.getLogger(__name__)

# the names callers use (the wall, the API, the CLI, the scheduler, bench/ and tests/)
__all__ = [
    "CHOSEN",
    "COLUMNS",
    "METRICS",
    "MODELS",
    "UNITS",
    "Z80",
    "Z95",
    "BacktestReport",
    "BacktestRow",
    "ForecastPoint",
    "ForecastReport",
    "MetricForecasts",
    "NotEnoughHistory",
    "Panel",
    "backtest",
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


def _forecast_rows(
    panel: Panel,
    metric: str,
    o: int,
    candidates: Sequence[tuple[str, tuple[np.ndarray, ...], tuple[np.ndarray, np.ndarray]]],
    version: int,
) -> list[dict]:
    """Forecast rows of every region from column o: the first candidate (model name,
    (point, se, ok), (k80, k95)) that can forecast a region is used for it."""
    origin_year = int(panel.years[o])
    out = []
    for i in range(len(panel.codes)):
        found = next(
            (
                (n, pred, k)
                for n, pred, k in candidates
                if pred[2][i] and np.isfinite(pred[0][i]).all() and np.isfinite(pred[1][i]).all()
            ),
            None,
        )  # a model that failed on this row (non-finite output) hands it to the next one
        if found is None:
            continue
        name, pred, (k80, k95) = found
        point, se = pred[0][i], pred[1][i]
        h = len(point)
        lo80, hi80 = np.exp(point - k80[:h] * se), np.exp(point + k80[:h] * se)
        lo95, hi95 = np.exp(point - k95[:h] * se), np.exp(point + k95[:h] * se)
        mid = np.exp(point)
        for j in range(h):
            out.append(
                dict(
                    region_code=panel.codes[i],
                    metric=metric,
                    origin=origin_year,
                    year=origin_year + j + 1,
                    point=float(mid[j]),
                    lo80=float(lo80[j]),
                    hi80=float(hi80[j]),
                    lo95=float(lo95[j]),
                    hi95=float(hi95[j]),
                    model=name,
                    data_version=version,
                )
            )
    return out


def forecast_metric(
    panel: Panel, metric: str, version: int, *, stored_origins: int = 2
) -> MetricForecasts:
    """Parameters and calibration for every origin; forecasts from the last ``stored_origins``."""
    y = np.log(panel.values[metric])
    last = y.shape[1] - 1
    if last < MIN_POINTS - 1:
        return MetricForecasts([], [], 0)
    cal_origins = list(range(MIN_FIT - 1, last + 1))
    chain = model_chain(metric)
    runs = {name: rolling_runs(y, name, cal_origins, CAL_HORIZON) for name in chain}
    models, forecasts = [], []
    for o in cal_origins:
        origin_year = int(panel.years[o])
        horizon = horizon_for(origin_year)
        ks = {}
        for name in chain:
            cal = calibration(y, {k: v for k, v in runs[name].items() if k < o}, o)
            params = runs[name][o].params or (None, None, None)
            ks[name] = interval_multipliers(cal, horizon)
            for h, (k80, k95, n) in enumerate(cal, start=1):
                models.append(
                    dict(
                        metric=metric,
                        origin=origin_year,
                        model=name,
                        horizon=h,
                        alpha=params[0],
                        beta=params[1],
                        phi=params[2],
                        k80=k80,
                        k95=k95,
                        n_scores=n,
                        data_version=version,
                    )
                )
        if o > last - stored_origins:
            candidates = [
                (name, predict(name, y, o, horizon, runs[name][o].params), ks[name])
                for name in chain
            ]
            forecasts.extend(_forecast_rows(panel, metric, o, candidates, version))
    series = int((windows(y, last)[1] >= MIN_POINTS).sum())
    return MetricForecasts(models, forecasts, series)


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
        engine, version, models, forecasts, series=series, force=force, start=start
    ):
        return ForecastReport(False, version, time.perf_counter() - start)
    origins = tuple(sorted({r["origin"] for r in forecasts}))
    seconds = time.perf_counter() - start
    log.info("forecasts for rollup version %d: %d rows in %.1f s", version, len(forecasts), seconds)
    return ForecastReport(True, version, seconds, series, len(forecasts), origins)


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
    rows = store.stored_models(session, metric=metric, origin=origin)
    by_model: dict[str, list[ForecastModel]] = {}
    for r in sorted(rows, key=lambda m: m.horizon):
        by_model.setdefault(r.model, []).append(r)
    version = rows[0].data_version if rows else None
    candidates = []
    for name in model_chain(metric):
        got = by_model.get(name)
        cal = [(m.k80, m.k95, m.n_scores) for m in got] if got else [(Z80, Z95, 0)]
        if name in POOLED:
            if not got or got[0].alpha is None:
                continue  # no stored parameters for this origin: the fallback answers
            params = (got[0].alpha, got[0].beta, got[0].phi)
            pred = predict(name, y, o, horizon, params)
        else:
            pred = predict(name, y, o, horizon)
        candidates.append((name, pred, interval_multipliers(cal, horizon)))
    out = _forecast_rows(panel, metric, o, candidates, version if version is not None else -1)
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
