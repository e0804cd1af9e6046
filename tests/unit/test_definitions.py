"""Indicator definitions on hand-worked numbers: every numerator scope x GDP basis, the labels,
the plan defaults, the fallback marks, and tracking on a target's own definition."""

from __future__ import annotations

import pytest

from datasource import definitions, targets
from datasource.definitions import Definition, Point

# one region-year's sums per (top-level sector, gas), in t (fluorinated gases in t CO2e)
SUMS = {
    ("1", "CO2"): 800.0,
    ("1", "CH4"): 10.0,
    ("2", "CO2"): 150.0,
    ("2", "PFCs"): 20.0,
    ("3", "N2O"): 1.0,
    ("4", "CO2"): -300.0,  # LULUCF: never in a numerator
    ("5", "CO2"): 50.0,
    ("5", "CH4"): 5.0,
}
# GDP in 亿元: 2.0 at constant 2020 prices, 2.5 at current prices
STAT = {"gdp_constant": 2.0, "gdp_base_year": 2020, "gdp_current": 2.5, "energy": 3.0}


@pytest.mark.parametrize(
    ("numerator", "gwp", "expected"),
    [
        ("energy_co2", None, 800.0),  # sector 1 CO2
        ("energy_process_co2", None, 950.0),  # 800 + 150
        ("co2", None, 1000.0),  # 800 + 150 + 50; LULUCF's -300 left out
        # 1000 CO2 + (10 + 5) CH4 x 28 + 20 PFCs + 1 N2O x 265 = 1705
        ("co2e", "AR5", 1705.0),
        # AR4: CH4 25, N2O 298 -> 1000 + 375 + 20 + 298 = 1693
        ("co2e", "AR4", 1693.0),
    ],
)
def test_each_numerator_scope(numerator, gwp, expected):
    d = Definition("co2", numerator, gwp_set=gwp)
    assert definitions.numerator_value(SUMS, d) == pytest.approx(expected)
    assert definitions.point(d, SUMS, STAT) == Point(pytest.approx(expected), None, frozenset())


@pytest.mark.parametrize(
    ("numerator", "basis", "expected"),
    [
        # constant 2020 prices: 2.0 亿元 = 2e4 万元
        ("energy_co2", "constant", 800 / 2e4),  # 0.04 t/万元
        ("energy_process_co2", "constant", 950 / 2e4),  # 0.0475
        ("co2", "constant", 1000 / 2e4),  # 0.05
        ("co2e", "constant", 1705 / 2e4),  # 0.08525
        ("energy", "constant", 3.0 / 2.0),  # 3 万吨标准煤 / 2 亿元 = 1.5 tce/万元
        # current prices: 2.5 亿元 = 2.5e4 万元
        ("energy_co2", "current", 800 / 2.5e4),  # 0.032
        ("energy_process_co2", "current", 950 / 2.5e4),  # 0.038
        ("co2", "current", 1000 / 2.5e4),  # 0.04
        ("co2e", "current", 1705 / 2.5e4),  # 0.0682
        ("energy", "current", 3.0 / 2.5),  # 1.2 tce/万元
    ],
)
def test_each_numerator_on_each_gdp_basis(numerator, basis, expected):
    metric = "energy_intensity" if numerator == "energy" else "co2_intensity"
    d = Definition(metric, numerator, basis, 2020 if basis == "constant" else None, "AR5")
    found = definitions.point(d, SUMS, STAT)
    assert found.value == pytest.approx(expected)
    assert found.basis == ("constant:2020" if basis == "constant" else "current")
    assert found.flags == frozenset()


def test_constant_prices_of_another_base_year_are_rebased_or_marked():
    # the data carry 2020 prices; the 13th plan wants 2015 prices. In 2015 the region's GDP
    # was 1.6 亿元 at current prices and 1.8 at 2020 prices: factor 1.6 / 1.8
    d = Definition("co2_intensity", "energy_co2", "constant", 2015)
    rebased = definitions.point(d, SUMS, STAT, rebase=1.6 / 1.8)
    assert rebased.value == pytest.approx(800 / (2.0 * 1.6 / 1.8 * 1e4))  # 0.045
    assert (rebased.basis, rebased.flags) == ("constant:2015", frozenset())
    kept = definitions.point(d, SUMS, STAT)  # no 2015 current-price GDP: not rebased, marked
    assert kept.value == pytest.approx(0.04)
    assert (kept.basis, kept.flags) == ("constant:2020", {"other_price_base"})
    years = {
        2015: {"gdp_constant": 1.8, "gdp_base_year": 2020, "gdp_current": 1.6},
        2020: STAT,
    }
    assert definitions._rebase_factor(d, years) == pytest.approx(1.6 / 1.8)


def test_missing_constant_prices_fall_back_to_current_and_say_so():
    d = Definition("co2_intensity", "energy_co2", "constant", 2020)
    found = definitions.point(d, SUMS, {"gdp_current": 2.5, "derived": True})
    assert found.value == pytest.approx(0.032)
    assert found.basis == "current"
    assert found.flags == {"current_prices", "derived"}
    # a current-price definition never falls back to constant prices
    current = Definition("co2_intensity", "energy_co2", "current")
    assert definitions.point(current, SUMS, {"gdp_constant": 2.0}).value is None


def test_labels_name_the_numerator_and_the_gdp_basis():
    assessed = definitions.default("co2_intensity", "14th-FYP")
    assert assessed == Definition("co2_intensity", "energy_co2", "constant", 2020)
    assert assessed.label() == "能源活动CO₂/2020年可比价GDP"
    assert assessed.label("en") == "energy-activity CO₂ / constant-2020 GDP"
    general = definitions.general_intensity(2020)
    assert general.label() == "全部CO₂/2020年可比价GDP"
    assert Definition("co2e_intensity", "co2e", "current", None, "AR6").label() == (
        "温室气体（CO₂当量，AR6）/现价GDP"
    )
    assert Definition("co2", "energy_process_co2").label() == "能源活动和工业过程CO₂"
    assert assessed.label(base_year=2015) == "能源活动CO₂/2015年可比价GDP"


def test_a_row_overrides_the_plan_default_part_by_part():
    d = definitions.resolve("co2_intensity", "14th-FYP", numerator="co2")
    assert d == Definition("co2_intensity", "co2", "constant", 2020)
    d = definitions.resolve("co2e", "15th-FYP", gwp_set="AR6")
    assert d == Definition("co2e", "co2e", None, None, "AR6")
    assert definitions.resolve("co2", "15th-FYP") == Definition("co2", "energy_co2")
    assert definitions.resolve("co2_intensity", "a-local-plan") == Definition(
        "co2_intensity", "co2", "constant", None
    )


FYP14 = targets.PlanTarget("14th-FYP", "co2_intensity", "2020", "2025", -0.195)


def test_tracking_uses_the_target_definition_and_reports_its_marks():
    # energy-activity CO2 per 2020-price GDP: 2020 0.05, 2023 0.044 -> -12 %; the straight
    # path of -19.5 % by 2023 is 0.805 ** 0.6 - 1 = -12.216 %: on track by 0.2 points
    points = {
        2020: Point(0.05, "constant:2020", frozenset({"derived"})),
        2023: Point(0.044, "constant:2020"),
        2024: Point(0.040, "current", frozenset({"current_prices"})),  # not comparable
    }
    track = targets.evaluate_on("440000", FYP14, points, latest_year=2024)
    assert track.definition == Definition("co2_intensity", "energy_co2", "constant", 2020)
    assert (track.current_period, track.change_so_far) == ("2023", pytest.approx(-0.12))
    assert track.path_change == pytest.approx(0.805**0.6 - 1)
    assert track.status == "at_risk"  # -12 % is 0.216 points behind -12.216 %
    assert track.target_value == pytest.approx(0.05 * 0.805)
    assert track.needed_annual_rate == pytest.approx((0.04025 / 0.044) ** 0.5 - 1)
    assert track.fallback == ("derived",)
    assert track.label_zh == "能源活动CO₂/2020年可比价GDP"


def test_both_years_on_current_prices_are_compared_and_marked():
    cur = frozenset({"current_prices"})
    points = {2020: Point(0.05, "current", cur), 2024: Point(0.039, "current", cur)}
    track = targets.evaluate_on("1", FYP14, points, latest_year=2024)
    assert track.change_so_far == pytest.approx(-0.22)
    assert track.status == "on_track"  # -22 % beats the path's 0.805 ** 0.8 - 1 = -15.9 %
    assert track.fallback == ("current_prices",)
