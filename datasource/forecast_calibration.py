"""Interval calibration, conformal-style: for an origin O and horizon h, the multiplier on the
model's own standard error is the empirical 80 % / 95 % quantile of |log error| / s.e. over
every region's forecasts from earlier origins whose h-year-ahead actual is known by O (so only
data up to O is used). Horizons beyond the largest calibrated one reuse its multiplier.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from datasource.forecast_models import Z80, Z95, fit_params, predict, windows

PLAN_END = 2030  # forecasts reach at least this year, and at least MIN_HORIZON years
MIN_HORIZON = 5
CAL_HORIZON = 5  # horizons calibrated from the backtest; longer ones reuse the last
CAL_MIN_SCORES = 30  # fewer scores than this: the normal multipliers (z) are kept
CAL_WINDOW = 2  # calibrate on the latest 2 origins per horizon (error scales drift over time)
CAL_MIN_WINDOW = 8  # calibration scores only from forecasts fitted on >= 8 years


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
        params = fit_params(model, y, o)
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
            fitted_on = windows(y, r.origin)[1]
            keep = r.ok & np.isfinite(actual) & (r.se[:, h - 1] > 0) & (fitted_on >= CAL_MIN_WINDOW)
            scores.append(np.abs(actual[keep] - r.point[keep, h - 1]) / r.se[keep, h - 1])
        s = np.concatenate(scores) if scores else np.array([])
        if len(s) < CAL_MIN_SCORES:
            out.append((Z80, Z95, len(s)))
        else:
            k80 = conformal_quantile(s, 0.80)
            out.append((k80, max(conformal_quantile(s, 0.95), k80), len(s)))
    return out


def interval_multipliers(
    cal: list[tuple[float, float, int]], horizon: int
) -> tuple[np.ndarray, np.ndarray]:
    """(k80, k95) for horizons 1..horizon from ``calibration``'s rows; horizons beyond the
    last calibrated one reuse its multipliers."""
    k80 = np.array([cal[min(h, len(cal)) - 1][0] for h in range(1, horizon + 1)])
    k95 = np.array([cal[min(h, len(cal)) - 1][1] for h in range(1, horizon + 1)])
    return k80, k95


def horizon_for(origin_year: int) -> int:
    return max(PLAN_END - origin_year, MIN_HORIZON)
