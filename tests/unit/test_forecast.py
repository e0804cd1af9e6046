"""Forecast models on synthetic series with a known trend, and the backtest's structure."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from datasource import forecast as fc

YEARS = np.arange(2005, 2025)


def _panel(rows: np.ndarray, metric: str = "co2") -> fc.Panel:
    values = {m: np.full(rows.shape, np.nan) for m in fc.METRICS}
    values[metric] = rows
    return fc.Panel([f"{i:06d}" for i in range(rows.shape[0])], YEARS[: rows.shape[1]], values)


def _trend_panel(n: int = 40, growth: float = 0.05, noise: float = 0.02, seed: int = 7):
    rng = np.random.default_rng(seed)
    t = np.arange(len(YEARS))
    base = np.log(rng.uniform(1e5, 1e6, n))[:, None]
    return np.exp(base + growth * t[None, :] + rng.normal(0, noise, (n, len(YEARS))))


def test_windows_take_the_last_consecutive_run():
    y = np.array(
        [
            [1.0, 2.0, 3.0, 4.0],
            [1.0, np.nan, 3.0, 4.0],
            [1.0, 2.0, 3.0, np.nan],
        ]
    )
    start, length = fc._windows(y, 3)
    assert start.tolist() == [0, 2, 4]
    assert length.tolist() == [4, 2, 0]


def test_drift_on_an_exact_exponential_is_exact():
    y = np.log(100.0 * 1.1 ** np.arange(8))[None, :]
    point, se, ok = fc.drift_predict(y, 7, 3)
    assert ok.tolist() == [True]
    assert np.exp(point[0]).tolist() == pytest.approx([100 * 1.1**8, 100 * 1.1**9, 100 * 1.1**10])
    assert se[0].tolist() == pytest.approx([0.0, 0.0, 0.0], abs=1e-12)


def test_naive_repeats_the_last_value_with_random_walk_widths():
    y = np.log(np.array([[100.0, 110.0, 99.0, 108.9]]))
    point, se, _ = fc.naive_predict(y, 3, 4)
    assert np.exp(point[0]).tolist() == pytest.approx([108.9] * 4)
    steps = np.diff(y[0])
    sigma = math.sqrt(float((steps**2).sum()) / 3)
    assert se[0].tolist() == pytest.approx([sigma * math.sqrt(h) for h in (1, 2, 3, 4)])


def test_vectorised_filter_matches_statsmodels_etsmodel():
    rng = np.random.default_rng(3)
    y = np.log(1000 * np.exp(np.cumsum(rng.normal(0.04, 0.03, 15))))
    params = (0.6, 0.2, 0.9)
    point, _, ok = fc.ets_predict(y[None, :], 14, 5, params)
    k = 5
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ETSModel(
            pd.Series(y[1:], index=pd.RangeIndex(14)),
            error="add",
            trend="add",
            damped_trend=True,
            initialization_method="known",
            # statsmodels' initial states are those before its first observation: our first
            # value (level) and the mean change over the first k steps (trend)
            initial_level=y[0],
            initial_trend=(y[k] - y[0]) / k,
        )
        res = model.smooth(np.array(params))
        expected = res.forecast(5).to_numpy()
    assert ok.tolist() == [True]
    assert point[0] == pytest.approx(expected, rel=1e-9)


def test_the_chosen_models_recover_a_known_trend_with_ordered_intervals():
    rows = _trend_panel(noise=0.01)  # 5 % a year with 1 % noise
    panel = _panel(rows)
    result = fc.forecast_metric(panel, "co2", version=3)
    latest = [r for r in result.forecasts if r["origin"] == 2024]
    models = {(r["year"], r["model"]) for r in latest if r["region_code"] == "000000"}
    # drift at every horizon: a straight line in logs is drift's own model
    assert [m for _, m in sorted(models)] == ["drift"] * 6
    assert sorted({r["year"] for r in latest}) == list(range(2025, 2031))
    assert {r["origin"] for r in result.forecasts} == {2023, 2024}
    assert {r["data_version"] for r in result.forecasts} == {3}
    for r in latest:
        assert r["lo95"] <= r["lo80"] <= r["point"] <= r["hi80"] <= r["hi95"]
    # each region's own trend line through its data, extended 1 and 6 years
    for i in range(40):
        own = [r for r in latest if r["region_code"] == f"{i:06d}"]
        slope, intercept = np.polyfit(np.arange(20), np.log(rows[i]), 1)
        # drift starts from the last observed value, whose noise is 1 %: 3 % (3 sigma) at
        # 2025; its slope error grows to 2030: 6 %
        for r, tolerance in ((own[0], 0.03), (own[-1], 0.06)):
            truth = math.exp(intercept + slope * (r["year"] - 2005))
            assert r["point"] == pytest.approx(truth, rel=tolerance)
            assert r["lo95"] < truth < r["hi95"]


def test_short_series_fall_back_to_the_better_baseline_and_too_short_get_nothing():
    rows = _trend_panel(n=35, growth=0.0, noise=0.05)  # noise around a level
    rows[0, :16] = np.nan  # 4 points: too short for the chosen model
    rows[1, :18] = np.nan  # 2 points: nothing
    result = fc.forecast_metric(_panel(rows), "co2", version=1)
    latest = [r for r in result.forecasts if r["origin"] == 2024]
    models = {
        code: {r["model"] for r in latest if r["region_code"] == code}
        for code in ("000000", "000002")
    }
    # the smoother wins on noise but needs MIN_FIT years: the 4-year series gets the baseline
    # that did better in the backtest (the last value, on noise), at every year
    assert models["000002"] == {"ets_pooled"}
    assert models["000000"] == {"naive"}
    assert "000001" not in {r["region_code"] for r in latest}
    assert result.series == 34


def test_forecast_points_read_like_the_simple_ones():
    p = fc.ForecastPoint(2026, 5.0, 4.0, 6.0, 3.0, 7.0, "drift", 2024, 9)
    assert (p.period, p.value, p.lo, p.hi) == ("2026", 5.0, 4.0, 6.0)


def test_conformal_quantile_is_the_finite_sample_rank():
    scores = np.arange(1.0, 11.0)  # 10 scores
    assert fc.conformal_quantile(scores, 0.8) == 9.0  # ceil(11 * 0.8) = 9th
    assert fc.conformal_quantile(scores, 0.95) == 10.0


def test_backtest_report_structure():
    panel = _panel(_trend_panel(n=12, noise=0.03))
    report = fc.backtest_panel(
        panel, horizons=(1, 2, 3), min_history=12, local_sample=2, metrics=("co2",)
    )
    assert report.origins == list(range(2016, 2024))
    assert report.series == {"co2": 12}
    table = report.table()
    assert list(table[0]) == ["metric", "model", "horizon", "n", "smape", "cover80", "cover95"]
    assert {(r["model"], r["horizon"]) for r in table} == {
        (m, h)
        for m in (
            "naive",
            "drift",
            "drift+cal",
            "drift_recent",
            "drift_recent+cal",
            "theta",
            "theta+cal",
            "drift_damped",
            "drift_damped+cal",
            "ets_pooled",
            "ets_pooled+cal",
            "ets_drift",
            "ets_drift+cal",
            "ets_local",
            "drift@local",
        )
        for h in (1, 2, 3)
    }
    by = {(r["model"], r["horizon"]): r for r in table}
    assert by[("drift", 1)]["n"] == 12 * 8  # every region at origins 2016..2023
    assert by[("drift", 3)]["n"] == 12 * 6
    assert by[("ets_local", 1)]["n"] == 2 * 8
    for r in table:
        assert 0 <= r["cover80"] <= r["cover95"] <= 1
        assert r["smape"] >= 0
    text = report.render()
    assert "ets_drift+cal" in text and "sMAPE" in text
    picked = report.chosen["co2"]  # the selection rule on this table's h3 sMAPEs
    assert picked in fc.CANDIDATES
    for h in (3,):
        best = min(by[("naive", h)]["smape"], by[("drift", h)]["smape"])
        assert by[(picked, h)]["smape"] <= best


def test_unknown_model_and_metric_are_errors():
    with pytest.raises(ValueError, match="unknown model"):
        fc.predict("arima", np.zeros((1, 5)), 4, 2)
    with pytest.raises(ValueError, match="unknown metric"):
        fc._check_metric("gdp")


def test_damped_trend_alone_on_a_known_trend():
    rows = _trend_panel(noise=0.01)
    y = np.log(rows)
    alpha, beta, phi = fc.fit_pooled(y, 19)
    assert 0.01 <= alpha <= 0.99 and 0 <= beta <= alpha and 0.8 <= phi <= 0.98
    point, se, ok = fc.ets_predict(y, 19, 1, (alpha, beta, phi))
    assert ok.all() and (se > 0).all()
    for i in range(40):
        slope, intercept = np.polyfit(np.arange(20), y[i], 1)
        assert math.exp(point[i, 0]) == pytest.approx(math.exp(intercept + slope * 20), rel=0.02)


def test_a_row_a_model_fails_on_goes_to_the_next_model():
    panel = _panel(_trend_panel(n=2))
    good = (np.log(np.ones((2, 3))), np.full((2, 3), 0.1), np.array([True, True]))
    broken = (np.full((2, 3), np.nan), np.full((2, 3), np.nan), np.array([True, False]))
    k = (np.full(3, fc.Z80), np.full(3, fc.Z95))
    plan = {"*": [fc.Choice(h, "ets_drift", "drift", "*", "backtest") for h in (1, 2, 3)]}
    preds = {"ets_drift": broken, "drift": good}
    rows = fc._forecast_rows(panel, "co2", 19, plan, preds, {"ets_drift": k, "drift": k}, 1)
    assert [(r["region_code"], r["model"]) for r in rows] == [("000000", "drift")] * 3 + [
        ("000001", "drift")
    ] * 3
    assert rows[0]["point"] == 1.0
    assert rows[0]["hi80"] == pytest.approx(math.exp(fc.Z80 * 0.1))


def test_damped_drift_fades_the_slope():
    # log series falling by 0.1 a year: drift continues the line, damped drift bends it
    y = np.log(np.exp(-0.1 * np.arange(10)))[None, :]
    drift, _, _ = fc.drift_predict(y, 9, 3)
    damped, _, ok = fc.damped_drift_predict(y, 9, 3, phi=0.9)
    assert ok.tolist() == [True]
    assert drift[0].tolist() == pytest.approx([-1.0, -1.1, -1.2])
    assert damped[0].tolist() == pytest.approx([-0.9 - 0.09, -0.9 - 0.171, -0.9 - 0.2439])
