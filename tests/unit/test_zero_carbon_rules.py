"""The zero-carbon yardstick's arithmetic, with hand-worked numbers (issue 21)."""

from __future__ import annotations

import pytest

from datasource import zero_carbon as zc

ALL_GUIDING = {
    "clean_energy_share": 92.0,
    "product_energy_grade": 1.0,
    "solid_waste_utilisation": 85.0,
    "waste_heat_utilisation": 55.0,
    "water_reuse": 91.0,
}


def park(energy, co2, **guiding):
    values = dict(ALL_GUIDING) | guiding
    values = {k: v for k, v in values.items() if v is not None}
    if energy is not None:
        values[zc.ENERGY] = energy
    if co2 is not None:
        values[zc.CO2] = co2
    return values


@pytest.fixture(scope="module")
def rules():
    return zc.default_thresholds()


def test_default_thresholds_carry_the_two_published_tiers_and_no_guiding_value(rules):
    core = zc.core_tiers(rules)
    assert [(t.tier_min_tce, t.tier_max_tce, t.comparison, t.value) for t in core] == [
        (200000.0, 1000000.0, "le", 0.2),
        (1000000.0, None, "le", 0.3),
    ]
    assert [t.tier for t in core] == ["200000-1000000", "1000000+"]
    guiding = [t for t in rules if t.indicator != zc.CORE]
    assert [t.indicator for t in guiding] == list(zc.GUIDING)
    assert [t.value for t in guiding] == [None] * 5
    assert all("910号" in t.source for t in rules)


def test_smaller_tier_met(rules):
    # 90 000 t / 500 000 tce = 0.18 <= 0.20
    a = zc.assess("2026", park(500_000, 90_000), rules)
    assert a.core.value == pytest.approx(0.18)
    assert (a.core.threshold, a.core.tier, a.core.met) == (0.2, "200000-1000000", True)
    assert a.status == "met"


def test_smaller_tier_not_met(rules):
    # 110 000 / 500 000 = 0.22 > 0.20
    a = zc.assess("2026", park(500_000, 110_000), rules)
    assert a.core.value == pytest.approx(0.22)
    assert a.core.met is False
    assert a.status == "not_met"


def test_larger_tier_met_and_not_met(rules):
    # 560 000 / 2 000 000 = 0.28 <= 0.30; 640 000 / 2 000 000 = 0.32 > 0.30
    met = zc.assess("2026", park(2_000_000, 560_000), rules)
    assert (met.core.tier, met.core.threshold, met.core.met, met.status) == (
        "1000000+",
        0.3,
        True,
        "met",
    )
    missed = zc.assess("2026", park(2_000_000, 640_000), rules)
    assert missed.core.value == pytest.approx(0.32)
    assert (missed.core.met, missed.status) == (False, "not_met")


def test_tier_bounds_lower_inclusive_upper_exclusive(rules):
    # exactly 1 000 000 tce is the larger tier: 250 000 / 1 000 000 = 0.25 <= 0.30
    a = zc.assess("2026", park(1_000_000, 250_000), rules)
    assert (a.core.tier, a.core.met, a.status) == ("1000000+", True, "met")
    # exactly 200 000 tce is the smaller tier: 40 000 / 200 000 = 0.20 <= 0.20
    b = zc.assess("2026", park(200_000, 40_000), rules)
    assert (b.core.tier, b.core.value, b.core.met) == ("200000-1000000", 0.2, True)


def test_missing_guiding_indicator_is_incomplete(rules):
    a = zc.assess("2026", park(500_000, 90_000, water_reuse=None), rules)
    assert a.core.met is True
    assert [g.value for g in a.guiding if g.indicator == "water_reuse"] == [None]
    assert a.status == "incomplete"


def test_missing_co2_is_incomplete_with_no_core_value(rules):
    a = zc.assess("2026", park(500_000, None), rules)
    assert (a.core.value, a.core.tier, a.core.threshold, a.core.met) == (
        None,
        "200000-1000000",
        0.2,
        None,
    )
    assert a.status == "incomplete"


def test_missing_energy_is_incomplete_with_no_tier(rules):
    a = zc.assess("2026", park(None, 90_000), rules)
    assert (a.energy_tce, a.core.value, a.core.tier, a.status) == (None, None, None, "incomplete")


def test_a_known_miss_outranks_a_missing_value(rules):
    a = zc.assess("2026", park(500_000, 110_000, clean_energy_share=None), rules)
    assert a.status == "not_met"


def test_below_the_smallest_tier_gets_its_value_and_no_threshold(rules):
    # 150 000 tce < 200 000: 30 000 / 150 000 = 0.20, no threshold invented
    a = zc.assess("2026", park(150_000, 30_000), rules)
    assert a.core.value == pytest.approx(0.2)
    assert (a.core.threshold, a.core.tier, a.core.met) == (None, None, None)
    assert a.status == "below_tiers"


def test_guiding_without_published_threshold_has_no_verdict(rules):
    a = zc.assess("2026", park(500_000, 90_000, clean_energy_share=10.0), rules)
    share = a.guiding[0]
    assert (share.indicator, share.value, share.threshold, share.met) == (
        "clean_energy_share",
        10.0,
        None,
        None,
    )
    assert a.status == "met"


def test_an_imported_guiding_threshold_is_applied(rules):
    extra = zc.Threshold("clean_energy_share", None, None, "ge", 90.0, "%", "test source")
    rows = [t for t in rules if t.indicator != "clean_energy_share"] + [extra]
    low = zc.assess("2026", park(500_000, 90_000, clean_energy_share=85.0), rows)
    assert (low.guiding[0].threshold, low.guiding[0].met, low.status) == (90.0, False, "not_met")
    high = zc.assess("2026", park(500_000, 90_000, clean_energy_share=90.0), rows)
    assert (high.guiding[0].met, high.status) == (True, "met")


def test_progress_since_the_base_year(rules):
    # 2025: 125 000 / 500 000 = 0.25; 2026: 90 000 / 500 000 = 0.18 -> -0.07, -28 %
    base = zc.assess("2025", park(500_000, 125_000, clean_energy_share=80.0), rules)
    now = zc.assess("2026", park(500_000, 90_000, clean_energy_share=92.0), rules)
    rows = {p.indicator: p for p in zc.progress(base, now)}
    core = rows[zc.CORE]
    assert (core.base, core.value) == (pytest.approx(0.25), pytest.approx(0.18))
    assert core.change == pytest.approx(-0.07)
    assert core.change_pct == pytest.approx(-28.0)
    share = rows["clean_energy_share"]
    assert (share.base, share.value, share.change) == (80.0, 92.0, 12.0)
    assert share.change_pct == pytest.approx(15.0)
    no_base = zc.progress(None, now)
    assert [(p.base, p.change) for p in no_base] == [(None, None)] * 6


@pytest.mark.parametrize(
    ("indicator", "value", "unit", "expected"),
    [
        ("energy_consumption", 50, "万吨标准煤", 500_000),
        ("energy_consumption", 350_000, "吨标准煤", 350_000),
        ("energy_consumption", 12, "万 tce", 120_000),
        ("energy_co2", 9, "万吨CO₂", 90_000),
        ("energy_co2", 90_000, "t", 90_000),
        ("clean_energy_share", 0.85, "fraction", 85.0),
        ("water_reuse", 91, "%", 91),
        ("product_energy_grade", 2, "级", 2),
        ("energy_co2", 5, "kg", None),
    ],
)
def test_units_converted_on_the_way_in(indicator, value, unit, expected):
    assert zc.convert(indicator, value, unit) == (
        None if expected is None else pytest.approx(expected)
    )


def test_api_json_has_issue_21s_shape(rules):
    a = zc.assess("2026", park(500_000, 90_000), rules)
    assert zc.api_json(a) == {
        "period": "2026",
        "energy_tce": 500000.0,
        "core": {
            "value": 0.18,
            "unit": "tCO2/tce",
            "threshold": 0.2,
            "tier": "200000-1000000",
            "met": True,
        },
        "guiding": [
            {"indicator": "clean_energy_share", "value": 92.0, "threshold": None, "met": None},
            {"indicator": "product_energy_grade", "value": 1.0, "threshold": None, "met": None},
            {"indicator": "solid_waste_utilisation", "value": 85.0, "threshold": None, "met": None},
            {"indicator": "waste_heat_utilisation", "value": 55.0, "threshold": None, "met": None},
            {"indicator": "water_reuse", "value": 91.0, "threshold": None, "met": None},
        ],
        "status": "met",
    }
