"""The automatic model choice (datasource.forecast_select) on constructed series whose right
answer is known, the band rule on a hand-worked table, Theta against statsmodels, and a choice
as of an origin that reads no data after it."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from statsmodels.tsa.forecasting.theta import ThetaModel

from datasource import forecast as fc
from datasource import forecast_select as sel

YEARS = np.arange(2000, 2025)
T = np.arange(len(YEARS))


def _panel(logs: np.ndarray, levels: list[str] | None = None) -> fc.Panel:
    values = {m: np.full(logs.shape, np.nan) for m in fc.METRICS}
    values["co2"] = np.exp(logs)
    codes = [f"{i:06d}" for i in range(logs.shape[0])]
    return fc.Panel(codes, YEARS[: logs.shape[1]], values, levels)


def _case(kind: str, n: int = 30, seed: int = 11) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = np.log(rng.uniform(1e5, 1e6, n))[:, None]
    if kind == "walk":
        return base + np.cumsum(rng.normal(0, 0.05, (n, len(T))), axis=1)
    path = {
        "trend": 0.05 * T,
        "plateau": 0.08 * np.minimum(T, 14),  # growth until 2014, flat after
        "break": np.where(T < 14, 0.06 * T, 0.06 * 14 - 0.04 * (T - 14)),  # growth, then decline
        "noise": 0.0 * T,
    }[kind]
    noise = 0.05 if kind == "noise" else 0.01
    return base + path[None, :] + rng.normal(0, noise, (n, len(T)))


def _plan(logs: np.ndarray, origin: int = 2024) -> list[dict]:
    res = fc.forecast_metric(_panel(logs), "co2", 1, stored_origins=0)
    return [r for r in res.choices if r["origin"] == origin and r["level"] == "*"]


@pytest.mark.parametrize(
    ("kind", "h12", "h345"),
    [
        # a straight line in logs: drift is the right model far out
        ("trend", "drift", "drift"),
        # a plateau after growth, and a fall after growth: drift keeps the old slope, naive
        # ignores the new one; the adaptive damped trend wins
        ("plateau", "ets_pooled", "ets_pooled"),
        ("break", "ets_pooled", "ets_pooled"),
        # noise around a level: a smoother (the mean) beats the last value
        ("noise", "ets_pooled", "ets_pooled"),
        # a random walk: nothing beats the last value
        ("walk", "naive", "naive"),
    ],
)
def test_selection_on_series_whose_right_answer_is_known(kind, h12, h345):
    plan = _plan(_case(kind))
    assert [r["model"] for r in plan] == [h12] * 2 + [h345] * 3
    assert {r["reason"] for r in plan} == {"backtest"}
    # 30 series: scores at origins 2005..2023 (h1) and 2005..2019 (h5)
    assert [r["n_scores"] for r in plan] == [30 * 19, 30 * 18, 30 * 17, 30 * 16, 30 * 15]
    for r in plan:
        assert r["smape"] <= min(r["naive_smape"], r["drift_smape"])


def test_a_break_makes_drift_on_the_recent_window_beat_drift():
    res = fc.forecast_metric(_panel(_case("plateau")), "co2", 1, stored_origins=0)
    table = {(r["model"], r["horizon"]): r["smape"] for r in res.scores if r["level"] == "*"}
    for h in (3, 4, 5):
        assert table[("drift_recent", h)] < table[("drift", h)]


def test_the_band_rule_on_a_hand_worked_table():
    means = {
        "naive": [5.0, 6.0, 7.0, 9.0, 12.0],
        "drift": [6.0, 6.5, 7.5, 8.5, 10.0],
        "theta": [4.0, 7.0, 6.0, 8.0, 9.5],  # under both baselines at h3, h4, h5
        "ets_pooled": [4.5, 5.5, 5.0, 8.6, 9.0],  # best h3-5 mean, but above drift at h4
    }
    # h1-2: no model is under both baselines at h1 and h2 (theta loses h2, ets_pooled wins
    # both: 4.5 < 5.0 and 5.5 < 6.0) -> ets_pooled
    assert sel.pick(means, (1, 2)) == {1: "ets_pooled", 2: "ets_pooled"}
    # h3-5: ets_pooled's mean (7.53) beats theta's (7.83) but it loses to drift at h4
    assert sel.pick(means, (3, 4, 5)) == {3: "theta", 4: "theta", 5: "theta"}
    # naive wins h3, drift wins h5, nothing else is under both everywhere: best per horizon
    crossed = {
        "naive": [1.0, 1.0, 5.0, 8.0, 12.0],
        "drift": [1.0, 1.0, 6.0, 8.0, 10.0],
        "theta": [1.0, 1.0, 5.5, 7.0, 11.0],
    }
    assert sel.pick(crossed, (3, 4, 5)) == {3: "naive", 4: "theta", 5: "drift"}


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_choice_never_loses_to_the_baselines_on_a_mixed_pool(seed):
    rng = np.random.default_rng(seed)
    kinds = ["trend", "plateau", "break", "noise", "walk"]
    logs = np.vstack([_case(k, n=8, seed=seed * 10 + i) for i, k in enumerate(kinds)])
    logs = logs[rng.permutation(len(logs))]
    levels = ["city" if i % 2 else "county" for i in range(len(logs))]
    res = fc.forecast_metric(_panel(logs, levels), "co2", 1, stored_origins=0)
    decided = [r for r in res.choices if r["reason"] == "backtest"]
    assert len(decided) > 0
    for r in decided:
        assert r["smape"] <= min(r["naive_smape"], r["drift_smape"])


def test_a_level_with_too_few_scores_borrows_every_levels_choice():
    logs = _case("trend", n=30)
    levels = ["county"] * 29 + ["country"]  # one national series: 19 scores at h1
    res = fc.forecast_metric(_panel(logs, levels), "co2", 1, stored_origins=1)
    latest = {(r["level"], r["horizon"]): r for r in res.choices if r["origin"] == 2024}
    assert latest[("country", 1)]["grp"] == "*"
    assert latest[("county", 1)]["grp"] == "county"
    assert latest[("county", 1)]["n_series"] == 29
    assert latest[("country", 3)]["n_series"] == 30


def test_a_pool_too_short_to_backtest_gets_the_naive_forecast_and_says_so():
    logs = _case("trend", n=3)[:, :8]  # 3 series, 8 years: 6 scores at h1 at most
    res = fc.forecast_metric(_panel(logs), "co2", 1)
    latest = [r for r in res.choices if r["origin"] == 2007 and r["level"] == "*"]
    assert [(r["model"], r["reason"]) for r in latest] == [("naive", "short")] * 5
    assert {r["model"] for r in res.forecasts} == {"naive"}
    first = next(r for r in res.forecasts if r["origin"] == 2007 and r["region_code"] == "000000")
    assert first["point"] == pytest.approx(np.exp(logs[0, 7]))
    assert first["lo80"] < first["point"] < first["hi80"]


def test_the_choice_as_of_an_origin_reads_no_later_data():
    logs = np.vstack([_case("plateau", n=20), _case("walk", n=20, seed=5)])
    full = fc.forecast_metric(_panel(logs), "co2", 1, stored_origins=0)
    changed = logs.copy()
    changed[:, 17:] += np.random.default_rng(9).normal(0, 0.3, changed[:, 17:].shape)
    moved = fc.forecast_metric(_panel(changed), "co2", 1, stored_origins=0)
    cut = fc.forecast_metric(_panel(logs[:, :17]), "co2", 1, stored_origins=1)

    def as_of(res, year):
        return [r for r in res.choices if r["origin"] == year]

    assert as_of(moved, 2016) == as_of(full, 2016) == as_of(cut, 2016)
    assert as_of(moved, 2024) != as_of(full, 2024)
    assert [r for r in full.models if r["origin"] == 2016] == [
        r for r in moved.models if r["origin"] == 2016
    ]


def test_theta_reproduces_statsmodels_thetamodel():
    rng = np.random.default_rng(3)
    y = np.log(1000 * np.exp(np.cumsum(rng.normal(0.04, 0.03, 15))))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ThetaModel(y, period=1, deseasonalize=False).fit()
        expected = res.forecast(5)
    alpha = float(res.params["alpha"])
    # two missing years first: the window is the last consecutive run
    padded = np.concatenate([[np.nan, np.nan], y])[None, :]
    point, se, ok = fc.theta_predict(padded, 16, 5, alpha)
    assert ok.tolist() == [True]
    assert point[0] == pytest.approx(expected.to_numpy(), rel=1e-9)
    assert (np.diff(se[0]) > 0).all()


def test_theta_pooled_alpha_is_a_grid_value_and_flat_series_smooth_slowly():
    rng = np.random.default_rng(4)
    flat = np.log(1000) + rng.normal(0, 0.05, (20, 15))  # white noise: a small alpha
    walk = np.log(1000) + np.cumsum(rng.normal(0, 0.05, (20, 15)), axis=1)  # alpha near 1
    assert fc.fit_params("theta", flat, 14)[0] <= 0.2
    assert fc.fit_params("theta", walk, 14)[0] >= 0.8


def test_drift_on_the_recent_window_uses_the_last_six_years():
    y = np.log(np.r_[100.0 * 1.1 ** np.arange(10), 100.0 * 1.1**9 * np.ones(6)])[None, :]
    point, _, ok = fc.predict("drift_recent", y, 15, 2)
    assert ok.tolist() == [True]
    assert np.exp(point[0]).tolist() == pytest.approx([100.0 * 1.1**9] * 2)
    # from column 12 the window is columns 7..12: 1.1^7, 1.1^8, then 1.1^9 four times, so
    # the slope is two steps of log 1.1 over five years
    point, _, _ = fc.predict("drift_recent", y, 12, 1)
    assert np.exp(point[0, 0]) == pytest.approx(100 * 1.1**9 * 1.1**0.4)
