"""datasource.forecast_simple: log-linear trend with a residual-based band."""

from __future__ import annotations

import math

import pytest

from datasource.forecast_simple import log_linear


def test_exact_exponential_trend_is_continued_with_a_zero_width_band():
    years = [str(y) for y in range(2015, 2025)]
    values = [100.0 * 1.05**i for i in range(10)]
    out = log_linear(years, values, horizon=2)
    assert [p.period for p in out] == ["2025", "2026"]
    assert out[0].value == pytest.approx(100.0 * 1.05**10)
    assert out[1].value == pytest.approx(100.0 * 1.05**11)
    assert out[0].lo == pytest.approx(out[0].value)
    assert out[0].hi == pytest.approx(out[0].value)


def test_band_widens_with_the_horizon_and_brackets_the_forecast():
    years = [str(y) for y in range(2015, 2025)]
    values = [100, 104, 103, 109, 110, 112, 118, 117, 121, 126]
    out = log_linear(years, values, horizon=6)
    widths = [p.hi - p.lo for p in out]
    assert all(p.lo < p.value < p.hi for p in out)
    assert widths == sorted(widths)


def test_uses_only_the_last_window_and_skips_missing():
    years = [str(y) for y in range(2000, 2026)]
    values = [1e9] * 15 + [None] + [100.0 * 0.97**i for i in range(10)]
    out = log_linear(years, values, horizon=1)
    assert out[0].period == "2026"
    assert out[0].value == pytest.approx(100.0 * 0.97**10)


def test_too_short_or_negative_series():
    assert log_linear(["2023", "2024"], [1.0, 2.0]) == []
    out = log_linear(["2021", "2022", "2023", "2024"], [-4.0, -3.0, -2.0, -1.0], horizon=1)
    assert out[0].value == pytest.approx(0.0)
    assert math.isfinite(out[0].hi)
