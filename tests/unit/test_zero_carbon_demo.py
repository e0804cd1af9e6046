"""The demo parks' zero-carbon values: every status shows, 2025 is the worse year, and the file
is one the park_indicators kind accepts (units it converts)."""

from __future__ import annotations

import pandas as pd

from datasource import demo_parks
from datasource import zero_carbon as zc


def _parks(n: int, province: str = "34") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": [f"P{province}01{i:02d}001" for i in range(n)],
            "county_code": [f"{province}01{i:02d}" for i in range(n)],
        }
    )


def _assessed(frame: pd.DataFrame, period: str) -> dict[str, zc.Assessment]:
    rules = zc.default_thresholds()
    out = {}
    for code, rows in frame[frame["period"] == period].groupby("park_code"):
        values = {
            r.indicator: zc.convert(r.indicator, float(r.value), r.unit) for r in rows.itertuples()
        }
        out[code] = zc.assess(period, values, rules)
    return out


def test_ten_parks_of_a_province_cover_every_status_in_2026():
    frame = demo_parks.zero_carbon_frame(_parks(10), seed=2060)
    statuses = [a.status for _, a in sorted(_assessed(frame, "2026").items())]
    assert statuses == [
        "met",
        "not_met",
        "not_met",
        "below_tiers",
        "not_met",
        "incomplete",
        "met",
        "not_met",
        "incomplete",
        "not_met",
    ]
    tiers = [a.core.tier for _, a in sorted(_assessed(frame, "2026").items())]
    assert tiers[:4] == ["200000-1000000", "200000-1000000", "1000000+", None]
    assert tiers[6] == "1000000+"


def test_the_base_year_is_worse_and_the_units_are_accepted():
    frame = demo_parks.zero_carbon_frame(_parks(10), seed=7)
    assert set(frame["period"]) == {"2025", "2026"}
    assert set(frame["unit"]) == {"万吨标准煤", "万吨", "%", "级"}
    base, now = _assessed(frame, "2025"), _assessed(frame, "2026")
    for code, a in now.items():
        if a.core.value is not None:
            assert base[code].core.value > a.core.value
    # the same seed gives the same file
    again = demo_parks.zero_carbon_frame(_parks(10), seed=7)
    assert again.equals(frame)
