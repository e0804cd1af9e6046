"""Dual control on hand-worked numbers: every status, annual caps, cumulative budgets with
missing years, the rate still needed, plan states and a closed plan's result."""

from __future__ import annotations

import pytest

from datasource import dual_control as dc
from datasource import targets
from datasource.definitions import Definition, Point

PLAN15 = targets.Plan(
    "15th-FYP", "十五五", "15th FYP", "2025", "2030", ("co2_intensity", "co2"), ""
)


def _cap(value: float, kind: str = "annual") -> targets.PlanTarget:
    return targets.PlanTarget(
        "15th-FYP", "co2", "2025", "2030", None, "own", "440000", value, kind, document="省方案"
    )


def _points(values: dict[int, float]) -> dict[int, Point]:
    return {y: Point(v) for y, v in values.items()}


# --------------------------------------------------------------------------- annual caps


@pytest.mark.parametrize(
    ("value_2027", "status"),
    [
        # cap 95 in 2030 on a base of 100 in 2025: -5 %; the path by 2027 is
        # 0.95 ** (2/5) - 1 = -2.031 %
        (97.5, "on_track"),  # -2.5 %: ahead of the path
        (99.0, "at_risk"),  # -1 %: 1.03 points behind (margin 2)
        (101.0, "off_track"),  # +1 %: 3.03 points behind
    ],
)
def test_an_annual_cap_is_tracked_on_the_path_to_it(value_2027, status):
    found = dc.evaluate_cap(
        base_year=2025,
        target_year=2030,
        cap=95.0,
        values={2025: 100.0, 2027: value_2027},
        latest=2027,
    )
    assert found["status"] == status
    assert found["current_period"] == "2027"
    assert found["current_change"] == pytest.approx(value_2027 / 100 - 1)
    assert found["needed_annual_rate"] == pytest.approx((95 / value_2027) ** (1 / 3) - 1)


def test_a_cap_without_the_base_year_has_no_base_data():
    found = dc.evaluate_cap(
        base_year=2025, target_year=2030, cap=95.0, values={2024: 100.0}, latest=2024
    )
    assert found == {"status": "no_base_data", "note": "no value for the base year 2025"}


# --------------------------------------------------------------------------- cumulative budgets


def test_missing_years_are_interpolated_between_reported_ones():
    filled, years = dc.fill_years(2025, 2029, {2025: 100.0, 2026: 98.0, 2029: 92.0})
    assert filled == {2025: 100.0, 2026: 98.0, 2027: 96.0, 2028: 94.0, 2029: 92.0}
    assert years == (2027, 2028)


@pytest.mark.parametrize(
    ("budget", "status"),
    [
        # used 2026-2028 = 98 + 96 (2027 missing, interpolated) + 94 = 288; by 2028 the
        # straight share of the budget is budget x 3/5
        (480.0, "on_track"),  # share 288: used = share
        (475.0, "at_risk"),  # share 285: 1.05 % over (margin 2 %)
        (450.0, "off_track"),  # share 270: 6.7 % over
        (280.0, "off_track"),  # the budget is spent already
    ],
)
def test_a_cumulative_budget_with_a_missing_year(budget, status):
    values = {2024: 103.0, 2025: 100.0, 2026: 98.0, 2028: 94.0}
    found = dc.evaluate_budget(
        base_year=2025, target_year=2030, budget=budget, values=values, latest=2028
    )
    assert found["status"] == status
    assert found["used"] == pytest.approx(288.0)
    assert found["estimated_years"] == (2027,)
    assert (found["current_period"], found["current_value"]) == ("2028", 94.0)


def test_the_rate_a_budget_still_allows():
    # 480 - 288 = 192 left for 2029 and 2030 from 94 now: 94 x + 94 x^2 = 192 with x = 1 + r,
    # x = (-1 + sqrt(1 + 4 x 192/94)) / 2
    x = (-1 + (1 + 4 * 192 / 94) ** 0.5) / 2
    found = dc.evaluate_budget(
        base_year=2025,
        target_year=2030,
        budget=480.0,
        values={2025: 100.0, 2026: 98.0, 2028: 94.0},
        latest=2028,
    )
    assert found["needed_annual_rate"] == pytest.approx(x - 1, abs=1e-9)  # +1.41 %
    assert dc.budget_rate(100.0, 90.0, 1) == pytest.approx(-0.1, abs=1e-9)
    assert dc.budget_rate(100.0, -5.0, 2) is None  # nothing left


def test_a_budget_before_any_plan_year_is_reported():
    found = dc.evaluate_budget(
        base_year=2025, target_year=2030, budget=480.0, values={2025: 100.0}, latest=2025
    )
    assert (found["status"], found["used"], found["current_period"]) == ("on_track", 0, "2025")
    assert found["note"] == "no year of the plan reported yet"
    assert dc.evaluate_budget(
        base_year=2025, target_year=2030, budget=480.0, values={2024: 100.0}, latest=2024
    ) == {"status": "no_base_data", "note": "no value for the base year 2025"}


# --------------------------------------------------------------------------- controls


def test_a_relative_intensity_control_on_its_definition():
    target = targets.PlanTarget("15th-FYP", "co2_intensity", "2025", "2030", -0.17, "own", "44")
    points = {2025: Point(0.5, "constant:2020"), 2026: Point(0.48, "constant:2020")}
    c = dc.control("co2_intensity", PLAN15, target, points, 2026)
    # -4 % in 2026 against a path of 0.83 ** 0.2 - 1 = -3.66 %: on track
    assert (c.kind, c.status, c.unit) == ("change", "on_track", "吨/万元")
    assert c.current_change == pytest.approx(-0.04)
    assert c.needed_annual_rate == pytest.approx((0.5 * 0.83 / 0.48) ** 0.25 - 1)
    assert c.definition == Definition("co2_intensity", "energy_co2", "constant", 2025)


def test_a_control_without_a_target_is_untargeted_but_shows_the_region():
    points = _points({2025: 1_000_000.0, 2026: 1_020_000.0})
    c = dc.control("co2", PLAN15, None, points, 2026)
    assert (c.kind, c.status, c.target_value) == (None, "no_target", None)
    assert (c.unit, c.base_value, c.current_value) == ("万吨", 100.0, 102.0)
    assert c.current_change == pytest.approx(0.02)


def test_caps_and_budgets_are_shown_in_wan_tonnes():
    points = _points({2025: 1_000_000.0, 2026: 980_000.0, 2027: 960_000.0})
    cap = dc.control("co2", PLAN15, _cap(945_000.0), points, 2027)
    # 94.5 万吨 in 2030 on 100 in 2025 (-5.5 %); -4 % by 2027 beats the path's
    # 0.945 ** 0.4 - 1 = -2.24 %
    assert (cap.kind, cap.target_value, cap.status) == ("annual", pytest.approx(94.5), "on_track")
    assert cap.current_value == pytest.approx(96.0) and cap.document == "省方案"
    budget = dc.control("co2", PLAN15, _cap(4_800_000.0, "cumulative"), points, 2027)
    assert (budget.kind, budget.target_value, budget.used) == ("cumulative", 480.0, 194.0)
    # 98 + 96 = 194 万吨 used against the straight share 480 x 2/5 = 192: 1.04 % over
    assert budget.status == "at_risk"


def test_no_base_data_when_the_base_year_is_not_in_the_pool():
    target = targets.PlanTarget("15th-FYP", "co2_intensity", "2025", "2030", -0.17)
    c = dc.control("co2_intensity", PLAN15, target, {2024: Point(0.5, "constant:2020")}, 2024)
    assert (c.status, c.note) == ("no_base_data", "no intensity for the base year 2025")


def test_plan_states_and_results():
    assert dc.plan_state(2020, 2025, 2026) == "closed"
    assert dc.plan_state(2025, 2030, 2026) == "running"
    assert dc.plan_state(2025, 2030, 2025) == "upcoming"
    met = dc.Control("co2_intensity", "change", None, "on_track", current_period="2025")
    missed = dc.Control("energy_intensity", "change", None, "off_track", current_period="2025")
    early = dc.Control("co2_intensity", "change", None, "on_track", current_period="2024")
    untargeted = dc.Control("co2", None, None, "no_target")
    assert dc.plan_result("closed", [met, untargeted], "2025") == "achieved"
    assert dc.plan_result("closed", [met, missed], "2025") == "not_achieved"
    assert dc.plan_result("closed", [early], "2025") == "pending"
    assert dc.plan_result("running", [met], "2025") is None
    no_data = dc.Control("energy_intensity", "change", None, "no_base_data")
    assert dc.plan_result("closed", [met, no_data], "2025") == "achieved"  # left out
    assert dc.plan_result("closed", [no_data], "2025") is None
