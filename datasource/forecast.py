"""Forecasts of every region's CO2, CO2e (AR5) and carbon intensity, with 80 % and 95 %
prediction intervals, and the rolling-origin backtest that chose the model.

Models (all on log values, so forecasts stay positive; intervals are symmetric in logs):

- ``naive``: the last value; random-walk intervals.
- ``drift``: the last value plus the average yearly log change; the usual drift intervals.
- ``ets_pooled``: damped additive-trend exponential smoothing, ETS(A,Ad,N), with one set of
  smoothing parameters (alpha, beta, phi) per metric estimated by maximum likelihood over every
  region's series up to the origin (per-series sigma, concentrated out). Short annual series
  (10-20 points) give very noisy per-series estimates; pooling the three parameters keeps the
  level and trend per region but borrows strength for how fast they adapt. The filter is the
  ETS error-correction form, vectorised over all regions (it reproduces statsmodels'
  ``ETSModel`` with the same parameters and initial states: tests/unit/test_forecast.py).
- ``ets_local``: the same model fitted per series by statsmodels' ``ETSModel`` (MLE); the
  backtest evaluates it on a sample of series (it costs ~50 ms a fit).

Intervals are calibrated conformal-style: for an origin O and horizon h, the multiplier on the
model's own standard error is the empirical 80 % / 95 % quantile of |log error| / s.e. over
every region's forecasts from earlier origins whose h-year-ahead actual is known by O (so only
data up to O is used). Horizons beyond the largest calibrated one reuse its multiplier.

``compute_all(engine)`` stores forecasts from the latest year and the year before it (so the
wall can show last year's forecast beside what happened), plus the per-origin parameters and
multipliers, so ``forecast_for_origin`` can reproduce any other origin for one region quickly.
"""

from __future__ import annotations

import logging
import math
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
from scipy.optimize import minimize
from sqlalchemy import Engine, delete, func, insert, select, text
from sqlalchemy.orm import Session

from datasource.models import DataState, StatRegion
from datasource.models_forecast import Forecast, ForecastModel, ForecastState

log = logging.getLogger(__name__)

METRICS = ("co2", "co2e", "intensity")
COLUMNS = {"co2": "co2", "co2e": "co2e_ar5", "intensity": "intensity"}
UNITS = {"co2": "t", "co2e": "t CO2e", "intensity": "t CO2/万元"}
MODELS = ("naive", "drift", "drift_damped", "ets_pooled", "ets_drift", "ets_local")
# damped drift: the h-step trend is slope * (phi + phi^2 + ... + phi^h). 0.9 is the usual
# damping (Gardner & McKenzie); on the demo's intensity it beat plain drift at h3-5, 0.8/0.7
# did worse (backtest, README "Forecasts and targets").
DAMPING = 0.9
POOLED = ("ets_pooled", "ets_drift")  # models that use the pooled ETS parameters
# Chosen per metric by the backtest on the national demo (README "Forecasts and targets"):
# emissions by the ETS-drift combination, intensity by drift (no ETS variant beat it there);
# both with conformal intervals. Series too short for the chosen model use drift.
CHOSEN = {"co2": "ets_drift", "co2e": "ets_drift", "intensity": "drift_damped"}
FALLBACK = "drift"
MIN_FIT = 6  # fewer points than this: drift; fewer than MIN_POINTS: no forecast
MIN_POINTS = 3
PLAN_END = 2030  # forecasts reach at least this year, and at least MIN_HORIZON years
MIN_HORIZON = 5
CAL_HORIZON = 5  # horizons calibrated from the backtest; longer ones reuse the last
CAL_MIN_SCORES = 30  # fewer scores than this: the normal multipliers (z) are kept
CAL_WINDOW = 2  # calibrate on the latest 2 origins per horizon (error scales drift over time)
MIN_HISTORY = 10
CAL_MIN_WINDOW = 8  # calibration scores only from forecasts fitted on >= 8 years
Z80 = 1.2815515655446004
Z95 = 1.959963984540054
PHI_BOUNDS = (0.80, 0.98)  # Hyndman et al.: keep the damping in [0.8, 0.98]
ADVISORY_KEY = 0x0CA7B1  # pg_advisory_xact_lock key for compute_all
STATE_ID = 1


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class ForecastPoint:
    year: int
    point: float
    lo80: float
    hi80: float
    lo95: float
    hi95: float
    model: str
    origin: int
    data_version: int | None = None

    # the names the wall's figure builders read (period, value, lo, hi)
    @property
    def period(self) -> str:
        return str(self.year)

    @property
    def value(self) -> float:
        return self.point

    @property
    def lo(self) -> float:
        return self.lo80

    @property
    def hi(self) -> float:
        return self.hi80


@dataclass
class Panel:
    """Yearly values of every region: ``values[metric]`` is regions x years, NaN = missing."""

    codes: list[str]
    years: np.ndarray
    values: dict[str, np.ndarray]

    def row(self, code: str) -> int:
        return self.codes.index(code)


def panel_from_rows(rows: Sequence[tuple], metrics: Sequence[str] = METRICS) -> Panel:
    """Rows of (region_code, year, value per metric...) -> Panel. Non-positive values are
    treated as missing (the models work on logs)."""
    codes = sorted({r[0] for r in rows})
    if not rows:
        return Panel([], np.array([], dtype=int), {m: np.empty((0, 0)) for m in metrics})
    years = np.arange(min(int(r[1]) for r in rows), max(int(r[1]) for r in rows) + 1)
    index = {c: i for i, c in enumerate(codes)}
    values = {m: np.full((len(codes), len(years)), np.nan) for m in metrics}
    first = int(years[0])
    for r in rows:
        i, j = index[r[0]], int(r[1]) - first
        for k, m in enumerate(metrics):
            v = r[2 + k]
            if v is not None and v > 0 and math.isfinite(v):
                values[m][i, j] = v
    return Panel(codes, years, values)


def load_panel(session: Session, *, region_code: str | None = None) -> Panel:
    """Yearly co2, co2e (AR5) and intensity of every region (or one) from stat_region."""
    stmt = select(
        StatRegion.region_code,
        StatRegion.period,
        *(getattr(StatRegion, COLUMNS[m]) for m in METRICS),
    ).where(func.length(StatRegion.period) == 4)
    if region_code is not None:
        stmt = stmt.where(StatRegion.region_code == region_code)
    return panel_from_rows([tuple(r) for r in session.execute(stmt)])


# --------------------------------------------------------------------------- models


def _windows(y: np.ndarray, o: int) -> tuple[np.ndarray, np.ndarray]:
    """Start index and length of each row's last contiguous run of values ending at column o
    (length 0 when column o is missing)."""
    finite = np.isfinite(y[:, : o + 1])
    cols = np.arange(o + 1)
    last_gap = np.where(~finite, cols, -1).max(axis=1)
    start = last_gap + 1
    length = o + 1 - start
    return start, length


def _ets_filter(
    y: np.ndarray, start: np.ndarray, o: int, alpha: float, beta: float, phi: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Run ETS(A,Ad,N) over each row from its start to column o (rows need >= 2 points).

    Initial states: level = the first value, trend = the mean change over the first
    min(5, n-1) steps. Returns the final level and trend, the sum of squared one-step errors
    and their count."""
    rows = np.arange(y.shape[0])
    n = o + 1 - start
    k = np.clip(n - 1, 1, 5)
    level = y[rows, start].copy()
    trend = (y[rows, start + k] - level) / k
    sse = np.zeros(len(rows))
    count = np.zeros(len(rows))
    for t in range(int(start.min()) + 1 if len(rows) else o + 1, o + 1):
        active = t > start
        fitted = level + phi * trend
        err = np.where(active, y[:, t] - fitted, 0.0)
        level = np.where(active, fitted + alpha * err, level)
        trend = np.where(active, phi * trend + beta * err, trend)
        sse += err * err
        count += active
    return level, trend, sse, count


def _ets_sigma2(sse: np.ndarray, count: np.ndarray) -> np.ndarray:
    return sse / np.maximum(count - 2, 1)


def _ets_multipliers(alpha: float, beta: float, phi: float, horizon: int) -> np.ndarray:
    """Variance multipliers 1 + sum_{j<h} c_j^2, c_j = alpha + beta (phi + ... + phi^j)."""
    phis = np.cumsum(phi ** np.arange(1, horizon + 1))
    c = alpha + beta * phis
    return 1 + np.concatenate([[0.0], np.cumsum(c[:-1] ** 2)])


def ets_predict(
    y: np.ndarray, o: int, horizon: int, params: tuple[float, float, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Point and standard error (log scale) for horizons 1..horizon from column o, and which
    rows could be forecast (at least MIN_FIT points ending at o)."""
    alpha, beta, phi = params
    start, length = _windows(y, o)
    ok = length >= MIN_FIT
    point = np.full((y.shape[0], horizon), np.nan)
    se = np.full((y.shape[0], horizon), np.nan)
    if not ok.any():
        return point, se, ok
    level, trend, sse, count = _ets_filter(y[ok], start[ok], o, alpha, beta, phi)
    phis = np.cumsum(phi ** np.arange(1, horizon + 1))
    point[ok] = level[:, None] + phis[None, :] * trend[:, None]
    mult = _ets_multipliers(alpha, beta, phi, horizon)
    se[ok] = np.sqrt(_ets_sigma2(sse, count))[:, None] * np.sqrt(mult)[None, :]
    return point, se, ok


def fit_pooled(y: np.ndarray, o: int, *, max_rows: int = 1000) -> tuple[float, float, float]:
    """ML estimate of (alpha, beta, phi) shared by every row's series up to column o
    (each series keeps its own sigma). Uses at most ``max_rows`` series (evenly spaced)."""
    start, length = _windows(y, o)
    rows = np.flatnonzero(length >= MIN_FIT)
    if len(rows) > max_rows:
        rows = rows[np.linspace(0, len(rows) - 1, max_rows).astype(int)]
    if len(rows) == 0:
        return (0.5, 0.1, 0.9)
    yy, ss = y[rows], start[rows]

    def nll(x: np.ndarray) -> float:
        alpha, ratio, phi = x
        _, _, sse, count = _ets_filter(yy, ss, o, alpha, alpha * ratio, phi)
        return float(0.5 * np.sum(count * np.log(sse / count + 1e-10)))

    # SLSQP: the same optimum as L-BFGS-B here in a third of the evaluations and time
    res = minimize(
        nll,
        x0=np.array([0.6, 0.3, 0.9]),
        method="SLSQP",
        bounds=[(0.01, 0.99), (0.0, 1.0), PHI_BOUNDS],
        options={"maxiter": 60},
    )
    alpha, ratio, phi = (float(v) for v in res.x)
    if not all(math.isfinite(v) for v in (alpha, ratio, phi)):
        log.warning("pooled ETS fit failed at column %d; using default parameters", o)
        return (0.5, 0.1, 0.9)
    return (alpha, alpha * ratio, phi)


def drift_predict(y: np.ndarray, o: int, horizon: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    start, length = _windows(y, o)
    ok = length >= MIN_POINTS
    point = np.full((y.shape[0], horizon), np.nan)
    se = np.full((y.shape[0], horizon), np.nan)
    rows = np.flatnonzero(ok)
    if len(rows) == 0:
        return point, se, ok
    n = length[rows]
    last = y[rows, o]
    slope = (last - y[rows, start[rows]]) / (n - 1)
    diffs = np.diff(y[rows, : o + 1], axis=1)  # NaN outside the window are masked below
    cols = np.arange(1, o + 1)
    inside = cols[None, :] > start[rows][:, None]
    dev = np.where(inside, diffs - slope[:, None], 0.0)
    sigma = np.sqrt((dev**2).sum(axis=1) / np.maximum(n - 2, 1))
    h = np.arange(1, horizon + 1)
    point[rows] = last[:, None] + slope[:, None] * h[None, :]
    se[rows] = sigma[:, None] * np.sqrt(h[None, :] * (1 + h[None, :] / (n[:, None] - 1)))
    return point, se, ok


def damped_drift_predict(
    y: np.ndarray, o: int, horizon: int, phi: float = DAMPING
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Drift whose slope fades by ``phi`` a year: intensity falls ever more slowly as it gets
    lower, which plain drift (a straight line in logs) overshoots. Standard errors as drift's
    (the stored intervals are calibrated on earlier origins anyway)."""
    point, se, ok = drift_predict(y, o, horizon)
    rows = np.flatnonzero(ok)
    if len(rows) == 0:
        return point, se, ok
    h = np.arange(1, horizon + 1)
    last = y[rows, o]
    slope = point[rows, 0] - last  # drift's one-step move is its slope
    point[rows] = last[:, None] + slope[:, None] * np.cumsum(phi**h)[None, :]
    return point, se, ok


def naive_predict(y: np.ndarray, o: int, horizon: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    start, length = _windows(y, o)
    ok = length >= MIN_POINTS
    point = np.full((y.shape[0], horizon), np.nan)
    se = np.full((y.shape[0], horizon), np.nan)
    rows = np.flatnonzero(ok)
    if len(rows) == 0:
        return point, se, ok
    n = length[rows]
    diffs = np.diff(y[rows, : o + 1], axis=1)
    cols = np.arange(1, o + 1)
    inside = cols[None, :] > start[rows][:, None]
    sq = np.where(inside, diffs, 0.0) ** 2
    sigma = np.sqrt(sq.sum(axis=1) / (n - 1))
    h = np.arange(1, horizon + 1)
    point[rows] = y[rows, o][:, None] * np.ones(horizon)[None, :]
    se[rows] = sigma[:, None] * np.sqrt(h)[None, :]
    return point, se, ok


def local_predict(
    y: np.ndarray, o: int, horizon: int, *, maxiter: int = 100
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ETS(A,Ad,N) fitted per row by statsmodels' ETSModel (MLE); standard errors from its
    analytic prediction intervals. A fit that fails falls back to drift for that row."""
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    start, length = _windows(y, o)
    ok = length >= MIN_FIT
    point = np.full((y.shape[0], horizon), np.nan)
    se = np.full((y.shape[0], horizon), np.nan)
    d_point, d_se, _ = drift_predict(y, o, horizon)
    for i in np.flatnonzero(ok):
        series = pd.Series(y[i, start[i] : o + 1], index=pd.RangeIndex(int(length[i])))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = ETSModel(series, error="add", trend="add", damped_trend=True)
                fit = model.fit(disp=False, maxiter=maxiter)
                frame = fit.get_prediction(
                    start=int(length[i]), end=int(length[i]) + horizon - 1
                ).summary_frame(alpha=0.2)
            mean = frame["mean"].to_numpy()
            width = (frame["pi_upper"].to_numpy() - mean) / Z80
            if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(width))):
                raise ValueError("non-finite forecast")
            point[i], se[i] = mean, width
        except Exception:  # noqa: BLE001 - any failed fit falls back to drift
            point[i], se[i] = d_point[i], d_se[i]
    return point, se, ok


def predict(
    model: str,
    y: np.ndarray,
    o: int,
    horizon: int,
    params: tuple[float, float, float] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(point, se, ok) on the log scale for one model; ``params`` for the pooled ETS models.

    ``ets_drift`` is the equal-weight combination (in logs) of ets_pooled and drift, with the
    mean of their standard errors; rows too short for ETS get nothing from it."""
    if model == "naive":
        return naive_predict(y, o, horizon)
    if model == "drift":
        return drift_predict(y, o, horizon)
    if model == "drift_damped":
        return damped_drift_predict(y, o, horizon)
    if model == "ets_pooled":
        return ets_predict(y, o, horizon, params or fit_pooled(y, o))
    if model == "ets_drift":
        e_point, e_se, e_ok = ets_predict(y, o, horizon, params or fit_pooled(y, o))
        d_point, d_se, d_ok = drift_predict(y, o, horizon)
        return (e_point + d_point) / 2, (e_se + d_se) / 2, e_ok & d_ok
    if model == "ets_local":
        return local_predict(y, o, horizon)
    raise ValueError(f"unknown model {model!r}; known: {', '.join(MODELS)}")


# --------------------------------------------------------------------------- calibration


def conformal_quantile(scores: np.ndarray, level: float) -> float:
    """The finite-sample conformal quantile: the ceil((n+1) level)-th smallest score."""
    n = len(scores)
    rank = min(math.ceil((n + 1) * level), n)
    return float(np.sort(scores)[rank - 1])


@dataclass
class OriginRun:
    """Forecasts of every row from one origin (column index) for one model."""

    origin: int  # column index
    point: np.ndarray
    se: np.ndarray
    ok: np.ndarray
    params: tuple[float, float, float] | None = None


def rolling_runs(
    y: np.ndarray, model: str, origins: Sequence[int], horizon: int
) -> dict[int, OriginRun]:
    """Forecasts from each origin column with parameters estimated on data up to it."""
    runs = {}
    for o in origins:
        params = fit_pooled(y, o) if model in POOLED else None
        point, se, ok = predict(model, y, o, horizon, params)
        runs[o] = OriginRun(o, point, se, ok, params)
    return runs


def calibration(
    y: np.ndarray, runs: dict[int, OriginRun], o: int, horizons: int = CAL_HORIZON
) -> list[tuple[float, float, int]]:
    """(k80, k95, n) per horizon 1..horizons for forecasts made at column o: quantiles of
    |log error| / se over the runs from the latest CAL_WINDOW earlier origins whose
    h-year-ahead actual is known by column o."""
    out = []
    for h in range(1, horizons + 1):
        scores = []
        usable = sorted(k for k in runs if k + h <= o and k + h < y.shape[1])[-CAL_WINDOW:]
        for k in usable:
            r = runs[k]
            actual = y[:, r.origin + h]
            fitted_on = _windows(y, r.origin)[1]
            keep = r.ok & np.isfinite(actual) & (r.se[:, h - 1] > 0) & (fitted_on >= CAL_MIN_WINDOW)
            scores.append(np.abs(actual[keep] - r.point[keep, h - 1]) / r.se[keep, h - 1])
        s = np.concatenate(scores) if scores else np.array([])
        if len(s) < CAL_MIN_SCORES:
            out.append((Z80, Z95, len(s)))
        else:
            k80 = conformal_quantile(s, 0.80)
            out.append((k80, max(conformal_quantile(s, 0.95), k80), len(s)))
    return out


def _k(cal: list[tuple[float, float, int]], horizon: int) -> tuple[np.ndarray, np.ndarray]:
    k80 = np.array([cal[min(h, len(cal)) - 1][0] for h in range(1, horizon + 1)])
    k95 = np.array([cal[min(h, len(cal)) - 1][1] for h in range(1, horizon + 1)])
    return k80, k95


def horizon_for(origin_year: int) -> int:
    return max(PLAN_END - origin_year, MIN_HORIZON)


# --------------------------------------------------------------------------- backtest


@dataclass(frozen=True)
class BacktestRow:
    metric: str
    model: str
    horizon: int
    n: int
    smape: float
    cover80: float
    cover95: float


@dataclass(frozen=True)
class BacktestReport:
    rows: list[BacktestRow]
    series: dict[str, int]  # metric -> regions evaluated
    origins: list[int]
    seconds: float
    chosen: dict[str, str] = field(default_factory=lambda: dict(CHOSEN))
    notes: list[str] = field(default_factory=list)

    COLUMNS = ("metric", "model", "horizon", "n", "smape", "cover80", "cover95")

    def table(self) -> list[dict]:
        return [{c: getattr(r, c) for c in self.COLUMNS} for r in self.rows]

    def get(self, metric: str, model: str, horizon: int) -> BacktestRow | None:
        return next(
            (r for r in self.rows if (r.metric, r.model, r.horizon) == (metric, model, horizon)),
            None,
        )

    def render(self) -> str:
        lines = [
            f"rolling-origin backtest: origins {self.origins[0] if self.origins else '-'}"
            f"..{self.origins[-1] if self.origins else '-'}, regions "
            + ", ".join(f"{m} {n}" for m, n in self.series.items())
            + f", {self.seconds:.1f} s",
            "sMAPE in %, coverage = share of actuals inside the 80 % / 95 % interval",
            f"{'metric':<10}{'model':<16}{'h':>2}{'n':>8}{'sMAPE':>8}{'cov80':>7}{'cov95':>7}",
        ]
        for r in self.rows:
            lines.append(
                f"{r.metric:<10}{r.model:<16}{r.horizon:>2}{r.n:>8}{r.smape:>8.2f}"
                f"{r.cover80 * 100:>6.1f}%{r.cover95 * 100:>6.1f}%"
            )
        lines.extend(self.notes)
        return "\n".join(lines)


def backtest_panel(
    panel: Panel,
    *,
    horizons: Sequence[int] = (1, 2, 3, 4, 5),
    min_history: int = MIN_HISTORY,
    models: Sequence[str] = (
        "naive",
        "drift",
        "drift_damped",
        "ets_pooled",
        "ets_drift",
        "ets_local",
    ),
    local_sample: int = 100,
    metrics: Sequence[str] = METRICS,
) -> BacktestReport:
    """Rolling-origin evaluation: every origin at which a region has at least ``min_history``
    consecutive years, every horizon with a known actual. Models are scored with their raw
    intervals and, for drift and the pooled ETS models, also calibrated (``<model>+cal``: the
    stored forecasts' intervals, multipliers from earlier origins only). ``ets_local`` runs
    on ``local_sample`` evenly spaced regions per metric (a statsmodels fit costs ~50 ms)."""
    t0 = time.perf_counter()
    hmax = max(horizons)
    rows: list[BacktestRow] = []
    series: dict[str, int] = {}
    all_origins: set[int] = set()
    for metric in metrics:
        y = np.log(panel.values[metric])
        last = y.shape[1] - 1
        origins = list(range(min_history - 1, last))
        eligible = np.zeros(y.shape[0], dtype=bool)
        for o in origins:
            eligible |= _windows(y, o)[1] >= min_history
        series[metric] = int(eligible.sum())
        all_origins.update(int(panel.years[o]) for o in origins)
        results: dict[str, dict[int, OriginRun]] = {}
        for model in models:
            yy = y
            if model == "ets_local":
                idx = np.flatnonzero(eligible)
                if len(idx) > local_sample:
                    idx = idx[np.linspace(0, len(idx) - 1, local_sample).astype(int)]
                yy = np.full_like(y, np.nan)
                yy[idx] = y[idx]
            # every origin from the start (calibration needs them); ets_local only where scored
            first = min_history - 1 if model == "ets_local" else MIN_FIT - 1
            runs = rolling_runs(yy, model, list(range(first, last)), hmax)
            results[model] = runs
            if model == "ets_local":  # drift on the same sample, for a like-for-like look
                results["drift@local"] = rolling_runs(yy, "drift", list(range(first, last)), hmax)
            if model in ("drift", "drift_damped", *POOLED):
                results[model + "+cal"] = {o: _calibrated(y, runs, o, hmax) for o in runs}
        for name, runs in results.items():
            for h in horizons:
                err, cov80, cov95 = [], [], []
                for o in origins:
                    if o + h > last or o not in runs:
                        continue
                    r = runs[o]
                    actual = y[:, o + h]
                    keep = r.ok & (_windows(y, o)[1] >= min_history) & np.isfinite(actual)
                    a, p, se = np.exp(actual[keep]), r.point[keep, h - 1], r.se[keep, h - 1]
                    f = np.exp(p)
                    err.append(200 * np.abs(f - a) / (np.abs(f) + np.abs(a)))
                    z = np.abs(np.log(a) - p) / np.where(se > 0, se, np.inf)
                    z = np.where((se == 0) & (np.log(a) == p), 0.0, z)
                    if name.endswith("+cal"):
                        k80, k95 = r.params[0][h - 1], r.params[1][h - 1]  # type: ignore[index]
                    else:
                        k80, k95 = Z80, Z95
                    cov80.append(z <= k80)
                    cov95.append(z <= k95)
                e = np.concatenate(err) if err else np.array([])
                if not len(e):
                    continue
                rows.append(
                    BacktestRow(
                        metric,
                        name,
                        h,
                        len(e),
                        float(e.mean()),
                        float(np.concatenate(cov80).mean()),
                        float(np.concatenate(cov95).mean()),
                    )
                )
    notes = [
        "<model>+cal: conformal interval multipliers from the latest "
        f"{CAL_WINDOW} earlier origins (the stored forecasts' intervals)",
        "chosen: " + ", ".join(f"{m} {CHOSEN[m]}+cal" for m in metrics),
    ]
    if "ets_local" in models:
        notes.append(
            f"ets_local: statsmodels ETSModel per series on <= {local_sample} regions "
            "(drift@local: drift on the same regions)"
        )
    return BacktestReport(
        rows, series, sorted(all_origins), time.perf_counter() - t0, dict(CHOSEN), notes
    )


def _calibrated(y: np.ndarray, runs: dict[int, OriginRun], o: int, horizon: int) -> OriginRun:
    """The run from origin o with its conformal multipliers in ``params`` (k80s, k95s)."""
    cal = calibration(y, {k: v for k, v in runs.items() if k < o}, o, horizon)
    k80, k95 = _k(cal, horizon)
    r = runs[o]
    return OriginRun(o, r.point, r.se, r.ok, (k80, k95, 0))  # type: ignore[arg-type]


def backtest(
    engine: Engine,
    *,
    horizons: Sequence[int] = (1, 2, 3, 4, 5),
    min_history: int = MIN_HISTORY,
    local_sample: int = 100,
) -> BacktestReport:
    """The rolling-origin backtest over every region in the pool (``carbonwall backtest``)."""
    with Session(engine) as session:
        panel = load_panel(session)
    return backtest_panel(
        panel, horizons=horizons, min_history=min_history, local_sample=local_sample
    )


# --------------------------------------------------------------------------- compute and store


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


def model_chain(metric: str) -> list[str]:
    """The chosen model for a metric, then the fallback for series too short for it."""
    return list(dict.fromkeys([CHOSEN[metric], FALLBACK]))


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
            ks[name] = _k(cal, horizon)
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
    series = int((_windows(y, last)[1] >= MIN_POINTS).sum())
    return MetricForecasts(models, forecasts, series)


def _rollup_version(conn) -> int:  # type: ignore[no-untyped-def]
    return conn.execute(text("SELECT rollup_version FROM data_state WHERE id = 1")).scalar_one()


def _forecast_version(conn) -> int | None:  # type: ignore[no-untyped-def]
    return conn.execute(
        select(ForecastState.version).where(ForecastState.id == STATE_ID)
    ).scalar_one_or_none()


def needs_compute(engine: Engine) -> bool:
    with engine.connect() as conn:
        rollup = _rollup_version(conn)
        return rollup >= 0 and _forecast_version(conn) != rollup


def compute_all(engine: Engine, *, force: bool = False) -> ForecastReport:
    """Forecast every region's three metrics from the latest year and the year before, and
    store them with the per-origin parameters; skipped when already at the rollup version.
    Safe to call concurrently (one run at a time: PostgreSQL advisory lock, SQLite write lock
    around the write; the computation itself reads a consistent rollup)."""
    start = time.perf_counter()
    with engine.connect() as conn:
        version = _rollup_version(conn)
        if version < 0 or (_forecast_version(conn) == version and not force):
            return ForecastReport(False, version, time.perf_counter() - start)
    with Session(engine) as session:
        panel = load_panel(session)
    results = [forecast_metric(panel, m, version) for m in METRICS]
    models = [r for res in results for r in res.models]
    forecasts = [r for res in results for r in res.forecasts]
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.begin()
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_KEY})
        if _rollup_version(conn) != version or (_forecast_version(conn) == version and not force):
            conn.rollback()  # the data moved on, or another process did this meanwhile
            return ForecastReport(False, version, time.perf_counter() - start)
        conn.execute(delete(Forecast))
        conn.execute(delete(ForecastModel))
        if forecasts:
            conn.execute(insert(Forecast), forecasts)
        if models:
            conn.execute(insert(ForecastModel), models)
        seconds = time.perf_counter() - start
        state = dict(
            version=version,
            computed_at=datetime.now(UTC),
            seconds=seconds,
            series=sum(r.series for r in results),
        )
        if _forecast_version(conn) is None:
            conn.execute(insert(ForecastState), [dict(id=STATE_ID, **state)])
        else:
            conn.execute(
                ForecastState.__table__.update().where(ForecastState.id == STATE_ID), state
            )
        conn.commit()
    origins = tuple(sorted({r["origin"] for r in forecasts}))
    seconds = time.perf_counter() - start
    log.info("forecasts for rollup version %d: %d rows in %.1f s", version, len(forecasts), seconds)
    return ForecastReport(
        True, version, seconds, sum(r.series for r in results), len(forecasts), origins
    )


# --------------------------------------------------------------------------- reads


def _point(r: Forecast) -> ForecastPoint:
    return ForecastPoint(
        r.year, r.point, r.lo80, r.hi80, r.lo95, r.hi95, r.model, r.origin, r.data_version
    )


def stored(
    session: Session, *, region_code: str, metric: str, origin: int | None = None
) -> list[ForecastPoint]:
    """Stored forecasts of one region and metric (``origin`` None: the newest stored origin),
    ascending years; [] when there are none. Never fits anything."""
    _check_metric(metric)
    if origin is None:
        origin = session.scalar(
            select(func.max(Forecast.origin)).where(
                Forecast.region_code == region_code, Forecast.metric == metric
            )
        )
        if origin is None:
            return []
    rows = session.scalars(
        select(Forecast)
        .where(
            Forecast.region_code == region_code,
            Forecast.metric == metric,
            Forecast.origin == origin,
        )
        .order_by(Forecast.year)
    )
    return [_point(r) for r in rows]


def stored_origins(session: Session) -> list[int]:
    return list(session.scalars(select(Forecast.origin).distinct().order_by(Forecast.origin)))


def _check_metric(metric: str) -> None:
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; known: {', '.join(METRICS)}")


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
    _check_metric(metric)
    found = stored(session, region_code=region_code, metric=metric, origin=origin)
    if found:
        return found
    panel = load_panel(session, region_code=region_code)
    if not panel.codes or not (panel.years[0] <= origin <= panel.years[-1]):
        raise NotEnoughHistory(f"no data for {region_code} up to {origin}")
    y = np.log(panel.values[metric])
    o = int(origin - panel.years[0])
    length = int(_windows(y, o)[1][0])
    if length < MIN_POINTS:
        raise NotEnoughHistory(
            f"{region_code} has {length} consecutive years of {metric} up to {origin}; "
            f"a forecast needs {MIN_POINTS}"
        )
    horizon = horizon_for(origin)
    rows = session.scalars(
        select(ForecastModel).where(ForecastModel.metric == metric, ForecastModel.origin == origin)
    ).all()
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
        candidates.append((name, pred, _k(cal, horizon)))
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


def forecast_state(session: Session) -> ForecastState | None:
    return session.get(ForecastState, STATE_ID)


def latest_rollup_version(session: Session) -> int:
    row = session.get(DataState, 1)
    return row.rollup_version if row is not None else -1
