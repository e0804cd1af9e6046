"""A simple, honest forecast for the wall: log-linear trend on the last years with a
residual-based prediction interval. The forecasting issue replaces it with real models."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

WINDOW = 10  # fit on at most the last 10 observations
MIN_POINTS = 4


@dataclass(frozen=True)
class ForecastPoint:
    period: str
    value: float
    lo: float
    hi: float


def log_linear(
    periods: Sequence[str],
    values: Sequence[float | None],
    *,
    horizon: int = 6,
    level: float = 0.8,
    window: int = WINDOW,
) -> list[ForecastPoint]:
    """Forecast yearly `values` `horizon` years past the last period.

    Fits ln(y) = a + b·year by least squares on the last `window` positive observations and
    widens the band with the usual prediction-interval factor sqrt(1 + 1/n + (x - x̄)²/Sxx).
    Returns [] when there are fewer than MIN_POINTS usable observations (no honest forecast).
    Values that are not all positive (a net sink) fall back to a linear trend on the raw values.
    """
    pairs = [
        (int(p[:4]), float(v))
        for p, v in zip(periods, values, strict=True)
        if v is not None and not math.isnan(v)
    ][-window:]
    if len(pairs) < MIN_POINTS:
        return []
    x = np.array([p for p, _ in pairs], dtype=float)
    y = np.array([v for _, v in pairs], dtype=float)
    use_log = bool(np.all(y > 0))
    target = np.log(y) if use_log else y
    x_mean = x.mean()
    sxx = float(((x - x_mean) ** 2).sum())
    slope = float(((x - x_mean) * (target - target.mean())).sum() / sxx)
    intercept = float(target.mean() - slope * x_mean)
    resid = target - (intercept + slope * x)
    n = len(x)
    sigma = math.sqrt(float((resid**2).sum()) / (n - 2))
    z = NormalDist().inv_cdf(0.5 + level / 2)
    out = []
    last = int(x[-1])
    for year in range(last + 1, last + horizon + 1):
        mid = intercept + slope * year
        half = z * sigma * math.sqrt(1 + 1 / n + (year - x_mean) ** 2 / sxx)
        if use_log:
            out.append(
                ForecastPoint(str(year), math.exp(mid), math.exp(mid - half), math.exp(mid + half))
            )
        else:
            out.append(ForecastPoint(str(year), mid, mid - half, mid + half))
    return out
