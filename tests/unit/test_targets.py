"""Target arithmetic and the traffic light on hand-worked cases; peak watch."""

from __future__ import annotations

import pytest

from datasource import targets
from datasource.forecast import ForecastPoint
from datasource.models import Target

FYP14 = targets.PlanTarget("14th-FYP", "co2_intensity", "2020", "2025", -0.18)


def _fc(year: int, point: float, lo80: float, hi80: float) -> ForecastPoint:
    return ForecastPoint(year, point, lo80, hi80, lo80 * 0.9, hi80 * 1.1, "ets_pooled", 2023)


def test_behind_the_path_within_the_margin_is_at_risk():
    # 2.00 in 2020 -> target 1.64 in 2025; 1.80 in 2023 is -10 %, the path by 2023 is
    # 0.82 ** (3/5) - 1 = -11.23 %: 1.23 points behind (margin 2 points)
    track = targets.evaluate("340000", FYP14, {2020: 2.0, 2021: 1.95, 2023: 1.8})
    assert track.base_value == 2.0
    assert track.target_value == pytest.approx(1.64)
    assert (track.current_period, track.current_value) == ("2023", 1.8)
    assert track.change_so_far == pytest.approx(-0.10)
    assert track.path_change == pytest.approx(-0.11225484361769011)
    assert track.years_left == 2
    assert track.needed_annual_rate == pytest.approx(-0.045478595781576536)  # sqrt(1.64/1.8) - 1
    assert track.status == "at_risk"
    assert track.forecast_value is None and track.note is None


def test_the_forecast_decides_between_on_track_and_at_risk():
    values = {2020: 2.0, 2023: 1.76}  # -12 %: ahead of the path (-11.23 %)
    meets = targets.evaluate(
        "1", FYP14, values, forecast=[_fc(2024, 1.7, 1.6, 1.8), _fc(2025, 1.62, 1.55, 1.70)]
    )
    misses = targets.evaluate("1", FYP14, values, forecast=[_fc(2025, 1.70, 1.60, 1.80)])
    assert meets.status == "on_track"
    assert meets.forecast_value == 1.62
    assert meets.forecast_change == pytest.approx(-0.19)
    assert misses.status == "at_risk"


def test_far_behind_is_off_track_unless_the_favourable_bound_meets_the_target():
    values = {2020: 2.0, 2023: 1.9}  # -5 %: 6.2 points behind the path
    hopeless = targets.evaluate("1", FYP14, values, forecast=[_fc(2025, 1.85, 1.70, 2.0)])
    maybe = targets.evaluate("1", FYP14, values, forecast=[_fc(2025, 1.85, 1.60, 2.0)])
    no_forecast = targets.evaluate("1", FYP14, values)
    assert hopeless.status == "off_track"
    assert maybe.status == "at_risk"
    assert no_forecast.status == "off_track"


def test_a_base_year_with_no_data_gives_no_data():
    track = targets.evaluate("1", FYP14, {2019: 2.1, 2021: 2.0, 2023: 1.8})
    assert track.status == "no_data"
    assert track.base_value is None and track.target_value is None
    assert (track.current_period, track.current_value) == ("2023", 1.8)
    assert track.change_so_far is None and track.needed_annual_rate is None
    assert track.note == "no intensity for the base year 2020"


def test_a_region_whose_gdp_fell_has_a_rising_intensity():
    # 2020: 100 t CO2 on 10 亿元 = 0.001 t/万元; 2023: 95 t on 9 亿元 = 0.0010556 t/万元:
    # emissions fell 5 % but intensity rose 5.56 %, and it must now fall 11.9 % a year
    track = targets.evaluate("1", FYP14, {2020: 100 / 10e4, 2023: 95 / 9e4})
    assert track.change_so_far == pytest.approx(0.05555555555555558)
    assert track.target_value == pytest.approx(0.00082)
    assert track.needed_annual_rate == pytest.approx(-0.118613532402977)
    assert track.status == "off_track"


def test_a_finished_plan_compares_with_the_target_itself():
    fyp13 = targets.PlanTarget("13th-FYP", "co2_intensity", "2015", "2020", -0.18)
    values = {2015: 2.0, 2020: 1.62, 2024: 1.3}
    track = targets.evaluate("1", fyp13, values, latest_year=2024)
    assert track.current_period == "2020"  # the target year, not the latest
    assert track.years_left == 0 and track.needed_annual_rate is None
    assert track.change_so_far == pytest.approx(-0.19)
    assert track.status == "on_track"


def test_different_price_bases_are_not_compared():
    track = targets.evaluate(
        "1", FYP14, {2020: 2.0, 2023: 1.8}, bases={2020: "constant:2015", 2023: "constant:2020"}
    )
    assert track.status == "no_data"
    assert "different GDP price bases" in track.note


def test_status_rule_without_a_forecast():
    status = targets.target_status
    kw = dict(base_year=2020, target_year=2025, target_change=-0.18, current_year=2022)
    path = 0.82**0.4 - 1  # -7.63 %
    assert status(**kw, change_so_far=path) == "on_track"
    assert status(**kw, change_so_far=path + 0.019) == "at_risk"
    assert status(**kw, change_so_far=path + 0.021) == "off_track"
    assert (
        status(**kw, change_so_far=0.0, forecast_change=-0.2, forecast_lo80_change=-0.25)
        == "at_risk"
    )


def _target(code: str, plan: str, change: float) -> Target:
    base, end = {"14th-FYP": ("2020", "2025"), "13th-FYP": ("2015", "2020")}[plan]
    return Target(
        region_code=code,
        plan=plan,
        metric="co2_intensity",
        base_period=base,
        target_period=end,
        target_change=change,
    )


def test_targets_come_from_the_region_its_ancestors_or_the_nation():
    parents = {
        "100000": None,
        "340000": "100000",
        "340100": "340000",
        "340102": "340100",
        "320000": "100000",
    }
    own = {
        "340000": {"14th-FYP": _target("340000", "14th-FYP", -0.195)},
        "340102": {"13th-FYP": _target("340102", "13th-FYP", -0.20)},
    }
    county = {t.plan: t for t in targets.resolve_targets("340102", own, parents)}
    assert (county["13th-FYP"].source, county["13th-FYP"].target_change) == ("own", -0.20)
    assert (county["14th-FYP"].source, county["14th-FYP"].source_code) == ("inherited", "340000")
    assert county["14th-FYP"].target_change == -0.195
    assert (county["NDC-2030"].source, county["NDC-2030"].target_change) == ("national", -0.65)
    jiangsu = {t.plan: t for t in targets.resolve_targets("320000", own, parents)}
    assert jiangsu["14th-FYP"] == targets.PlanTarget(
        "14th-FYP", "co2_intensity", "2020", "2025", -0.18
    )
    assert targets.current_plan(list(jiangsu.values()), 2024).plan == "14th-FYP"
    assert targets.current_plan(list(jiangsu.values()), 2026).plan == "NDC-2030"
    assert targets.current_plan(list(jiangsu.values()), 2031).plan == "NDC-2030"


def test_peak_status():
    series = [(2015 + i, v) for i, v in enumerate([90, 95, 99, 100, 98, 97, 96, 95, 96, 94])]
    below = [_fc(2025, 93, 90, 96), _fc(2026, 92, 88, 97)]
    peak = targets.peak_status(series, below, n_years=3)
    assert (peak.status, peak.peaked, peak.firm) == ("peaked", True, True)
    assert (peak.peak_year, peak.peak_value, peak.years_since_peak) == (2018, 100, 6)
    assert (peak.latest_year, peak.latest_value, peak.forecast_max) == (2024, 94, 93)
    loose = targets.peak_status(series, [_fc(2025, 97, 90, 101)], n_years=3)
    assert (loose.peaked, loose.firm) == (True, False)
    rebound = targets.peak_status(series, [_fc(2025, 101, 95, 106)], n_years=3)
    assert rebound.status == "not_peaked"
    assert targets.peak_status(series, below, n_years=7).peaked is False
    assert targets.peak_status([("2020", None)], []).status == "no_data"
