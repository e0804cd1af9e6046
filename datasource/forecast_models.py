"""The forecast models, on log values so forecasts stay positive (intervals are symmetric in
logs), and the panel of yearly series they run on.

- ``naive``: the last value; random-walk intervals.
- ``drift``: the last value plus the average yearly log change; the usual drift intervals.
- ``drift_damped``: drift whose slope fades by DAMPING a year.
- ``ets_pooled``: damped additive-trend exponential smoothing, ETS(A,Ad,N), with one set of
  smoothing parameters (alpha, beta, phi) per metric estimated by maximum likelihood over every
  region's series up to the origin (per-series sigma, concentrated out). Short annual series
  (10-20 points) give very noisy per-series estimates; pooling the three parameters keeps the
  level and trend per region but borrows strength for how fast they adapt. The filter is the
  ETS error-correction form, vectorised over all regions (it reproduces statsmodels'
  ``ETSModel`` with the same parameters and initial states: tests/unit/test_forecast.py).
- ``ets_drift``: the equal-weight combination (in logs) of ets_pooled and drift.
- ``ets_local``: the same model fitted per series by statsmodels' ``ETSModel`` (MLE); the
  backtest evaluates it on a sample of series (it costs ~50 ms a fit).
- ``drift_recent``: drift through the last RECENT years only (copes with a break in trend,
  such as a plateau after years of growth).
- ``theta``: the Theta method (Assimakopoulos & Nikolopoulos 2000; Hyndman & Billah 2003) in
  statsmodels' ``ThetaModel`` form: simple exponential smoothing plus half the OLS trend
  slope, with the smoothing parameter pooled per metric (one grid search over every series up
  to the origin) instead of one ~50 ms statsmodels fit per series; it reproduces
  ``ThetaModel``'s forecast for the same alpha (tests/unit/test_forecast_select.py).

Which model a series gets is chosen per metric, level and origin by the rolling-origin
backtest on the pool's own history (``forecast_select``); every model is a candidate.

Every model takes ``y`` (regions x years, log values, NaN = missing) and an origin column and
returns (point, se, ok) for horizons 1..h. No SQL here: ``forecast_store.load_panel`` reads
the panel.
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

log = logging.getLogger(__name__)

METRICS = ("co2", "co2e", "intensity")
COLUMNS = {"co2": "co2", "co2e": "co2e_ar5", "intensity": "intensity"}
UNITS = {"co2": "t", "co2e": "t CO2e", "intensity": "t CO2/万元"}
MODELS = (
    "naive",
    "drift",
    "drift_recent",
    "drift_damped",
    "ets_pooled",
    "ets_drift",
    "theta",
    "ets_local",
)
# the candidates the automatic selection scores (forecast_select); ets_local is left out: one
# statsmodels fit per series and origin is too slow for every series of a national pool
CANDIDATES = ("naive", "drift", "drift_recent", "drift_damped", "ets_pooled", "ets_drift", "theta")
BASELINES = ("naive", "drift")
RECENT = 6  # drift_recent's window, in years
# damped drift: the h-step trend is slope * (phi + phi^2 + ... + phi^h). 0.9 is the usual
# damping (Gardner & McKenzie); on the demo's intensity it beat plain drift at h3-5, 0.8/0.7
# did worse (backtest, README "Forecasts and targets").
DAMPING = 0.9
POOLED = ("ets_pooled", "ets_drift")  # models that use the pooled ETS parameters
PARAMETRIC = (*POOLED, "theta")  # models whose pooled parameters are stored per origin
THETA_GRID = np.round(np.arange(0.05, 1.0001, 0.05), 2)  # theta's smoothing parameter grid
MIN_FIT = 6  # fewer points than this: drift; fewer than MIN_POINTS: no forecast
MIN_POINTS = 3
Z80 = 1.2815515655446004
Z95 = 1.959963984540054
PHI_BOUNDS = (0.80, 0.98)  # Hyndman et al.: keep the damping in [0.8, 0.98]


@dataclass
class Panel:
    """Yearly values of every region: ``values[metric]`` is regions x years, NaN = missing."""

    codes: list[str]
    years: np.ndarray
    values: dict[str, np.ndarray]
    levels: list[str | None] | None = None  # each region's level (None: no level known)

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


def check_metric(metric: str) -> None:
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; known: {', '.join(METRICS)}")


def windows(y: np.ndarray, o: int) -> tuple[np.ndarray, np.ndarray]:
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
    start, length = windows(y, o)
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
    start, length = windows(y, o)
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
    start, length = windows(y, o)
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
    start, length = windows(y, o)
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

    start, length = windows(y, o)
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


def drift_recent_predict(
    y: np.ndarray, o: int, horizon: int, window: int = RECENT
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Drift through the last ``window`` years up to column o only."""
    recent = y.copy()
    recent[:, : max(o - window + 1, 0)] = np.nan
    return drift_predict(recent, o, horizon)


def _ses(
    y: np.ndarray, start: np.ndarray, o: int, alpha: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Simple exponential smoothing of each row from its start (level = the first value, as
    statsmodels' ThetaModel initialises it) to column o: the one-step forecast after column o,
    the sum of squared one-step errors and their count (the first value's is not counted)."""
    rows = np.arange(y.shape[0])
    level = y[rows, start].copy()
    sse = np.zeros(len(rows))
    count = np.zeros(len(rows))
    for t in range(int(start.min()) + 1 if len(rows) else o + 1, o + 1):
        active = t > start
        err = np.where(active, y[:, t] - level, 0.0)
        level = np.where(active, level + alpha * err, level)
        sse += err * err
        count += active
    return level, sse, count


def fit_theta(y: np.ndarray, o: int, *, max_rows: int = 1000) -> float:
    """Theta's smoothing parameter shared by every row's series up to column o: the grid
    value with the least pooled Gaussian likelihood of the one-step errors (each series keeps
    its own sigma)."""
    start, length = windows(y, o)
    rows = np.flatnonzero(length >= MIN_FIT)
    if len(rows) > max_rows:
        rows = rows[np.linspace(0, len(rows) - 1, max_rows).astype(int)]
    if len(rows) == 0:
        return 0.5
    yy, ss = y[rows], start[rows]
    best, best_nll = 0.5, math.inf
    for alpha in THETA_GRID:
        _, sse, count = _ses(yy, ss, o, float(alpha))
        nll = float(0.5 * np.sum(count * np.log(sse / np.maximum(count, 1) + 1e-10)))
        if nll < best_nll - 1e-12:
            best, best_nll = float(alpha), nll
    return best


def theta_predict(
    y: np.ndarray, o: int, horizon: int, alpha: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The Theta method (theta = 2) from column o, in statsmodels' ThetaModel form: the SES
    forecast plus b0 / 2 * (h - 1 + 1/alpha - (1 - alpha)^n / alpha), b0 the OLS slope of the
    series on time; variance sigma^2 (1 + (h - 1)(1 + (alpha - 1)^2)) as ThetaModel's
    prediction intervals, sigma^2 from the SES one-step errors."""
    start, length = windows(y, o)
    ok = length >= MIN_FIT
    point = np.full((y.shape[0], horizon), np.nan)
    se = np.full((y.shape[0], horizon), np.nan)
    rows = np.flatnonzero(ok)
    if len(rows) == 0:
        return point, se, ok
    yy, ss, n = y[rows], start[rows], length[rows].astype(float)
    one_step, sse, count = _ses(yy, ss, o, alpha)
    cols = np.arange(o + 1)[None, :]
    inside = cols >= ss[:, None]
    t = np.where(inside, cols - ss[:, None], 0.0)
    v = np.where(inside, yy[:, : o + 1], 0.0)
    t_mean = t.sum(axis=1) / n
    v_mean = v.sum(axis=1) / n
    dt = np.where(inside, t - t_mean[:, None], 0.0)
    b0 = (dt * np.where(inside, v - v_mean[:, None], 0.0)).sum(axis=1) / (dt**2).sum(axis=1)
    h = np.arange(horizon, dtype=float)[None, :]
    steps = h + 1 / alpha - (1 - alpha) ** n[:, None] / alpha
    point[rows] = one_step[:, None] + 0.5 * b0[:, None] * steps
    sigma2 = sse / np.maximum(count - 1, 1)
    se[rows] = np.sqrt(sigma2[:, None] * (1 + h * (1 + (alpha - 1) ** 2)))
    return point, se, ok


def fit_params(model: str, y: np.ndarray, o: int) -> tuple[float, float, float] | None:
    """The pooled parameters a model estimates from every series up to column o (None for
    the models without any): (alpha, beta, phi) for ETS, (alpha, None, None) for theta."""
    if model in POOLED:
        return fit_pooled(y, o)
    if model == "theta":
        return (fit_theta(y, o), None, None)  # type: ignore[return-value]
    return None


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
    if model == "drift_recent":
        return drift_recent_predict(y, o, horizon)
    if model == "theta":
        return theta_predict(y, o, horizon, (params or fit_params("theta", y, o))[0])  # type: ignore[index]
    if model == "ets_pooled":
        return ets_predict(y, o, horizon, params or fit_pooled(y, o))
    if model == "ets_drift":
        e_point, e_se, e_ok = ets_predict(y, o, horizon, params or fit_pooled(y, o))
        d_point, d_se, d_ok = drift_predict(y, o, horizon)
        return (e_point + d_point) / 2, (e_se + d_se) / 2, e_ok & d_ok
    if model == "ets_local":
        return local_predict(y, o, horizon)
    raise ValueError(f"unknown model {model!r}; known: {', '.join(MODELS)}")
