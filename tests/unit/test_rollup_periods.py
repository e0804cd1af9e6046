"""The time rollup's pure parts: which finer rows make which coarser ones, and gaps."""

from __future__ import annotations

import pandas as pd

from datasource import rollup_periods


def _rows(items):
    return pd.DataFrame(
        [(r, p, "1.1.1.1", "CO2", "1", v) for r, p, v in items],
        columns=rollup_periods.LEAF_COLUMNS,
    )


def test_days_make_months_and_only_whole_months_make_quarters():
    own = _rows(
        [("A", f"2024-01-{d:02d}", 1.0) for d in range(1, 32)]  # January whole
        + [("A", f"2024-02-{d:02d}", 2.0) for d in range(1, 29)]  # February lacks the 29th
    )
    out = rollup_periods.time_rollup(own, set())
    got = dict(zip(out.period, out.value, strict=True))
    assert got == {"2024-01": 31.0, "2024-02": 56.0, "2024-Q1": 31.0, "2024": 31.0}


def test_reported_periods_win_and_are_not_rebuilt():
    own = _rows(
        [("A", "2024-01", 10.0), ("A", "2024-02", 20.0), ("A", "2024-03", 30.0)]
        + [("A", "2024-Q1", 100.0), ("A", "2024-04", 40.0)]
    )
    out = rollup_periods.time_rollup(own, set(zip(own.region_code, own.period, strict=True)))
    got = dict(zip(out.period, out.value, strict=True))
    # Q1 is reported (100, not 60); Q2 has April only; the year sums the two quarters
    assert got == {"2024-Q2": 40.0, "2024": 140.0}


def test_coverage_of_a_gap_in_the_months():
    keys = pd.DataFrame(
        {"region_code": ["A"] * 5, "period": ["2025", "2025-Q1", "2025-01", "2025-03", "2025-Q2"]}
    )
    keys.loc[4, "period"] = "2025-04"
    keys.loc[5] = ["A", "2025-Q2"]
    cov = rollup_periods.coverage(keys, set()).set_index("period")
    assert cov.loc["2025", ["months", "complete", "coverage"]].tolist() == [3, False, "1,3-4"]
    assert cov.loc["2025-Q1", ["months", "coverage"]].tolist() == [2, "1,3"]
    assert cov.loc["2025-01", "complete"]
