"""Periods of any grain: parsing every accepted spelling, ordering across grains, 同比/环比,
the parts a period is made of, coverage text and the Chinese labels."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from datasource import periods


@pytest.mark.parametrize(
    ("text", "canonical", "grain"),
    [
        ("2024", "2024", "Y"),
        ("2024.0", "2024", "Y"),
        ("2024年", "2024", "Y"),
        ("2024-Q3", "2024-Q3", "Q"),
        ("2024Q3", "2024-Q3", "Q"),
        ("2024 q3", "2024-Q3", "Q"),
        ("2024年第3季度", "2024-Q3", "Q"),
        ("2024年第三季度", "2024-Q3", "Q"),
        ("2024-7", "2024-07", "M"),
        ("2024/07", "2024-07", "M"),
        ("2024年7月", "2024-07", "M"),
        ("2024-07-15", "2024-07-15", "D"),
        ("2024/7/5", "2024-07-05", "D"),
        ("2024年7月15日", "2024-07-15", "D"),
        ("2024-07-15 00:00:00", "2024-07-15", "D"),
        ("2020-02-29", "2020-02-29", "D"),
        (date(2020, 2, 29), "2020-02-29", "D"),
        (datetime(2019, 1, 1, 0, 0), "2019-01-01", "D"),
    ],
)
def test_every_spelling_normalises(text, canonical, grain):
    assert periods.normalise(text) == canonical
    assert periods.kind(canonical) == grain
    assert periods.is_valid(canonical)


@pytest.mark.parametrize(
    "text", ["2019-02-29", "2024-13", "2024-Q5", "2024-Q0", "20243", "2024-07-32", "1899", "24"]
)
def test_what_is_not_a_period_is_refused(text):
    with pytest.raises(periods.PeriodError):
        periods.normalise(text)
    assert not periods.is_valid(text)


def test_ordering_across_grains_is_chronological_coarser_first():
    mixed = ["2024-Q2", "2024-01-01", "2023-12-31", "2024", "2024-01", "2024-Q1", "2023"]
    assert periods.ordered(mixed) == [
        "2023",
        "2023-12-31",
        "2024",
        "2024-Q1",
        "2024-01",
        "2024-01-01",
        "2024-Q2",
    ]
    # within one grain the canonical text sorts as the calendar does (what SQL ORDER BY gives)
    days = ["2024-10-01", "2024-09-30", "2024-02-29"]
    assert sorted(days) == periods.ordered(days)


def test_same_period_last_year_and_the_period_before():
    assert [periods.previous(p) for p in ("2025", "2025-Q1", "2025-03", "2025-03-01")] == [
        "2024",
        "2024-Q1",
        "2024-03",
        "2024-03-01",
    ]
    assert periods.previous("2024-02-29") == "2023-02-28"
    assert [periods.prior(p) for p in ("2025", "2025-Q1", "2025-01", "2025-03-01")] == [
        "2024",
        "2024-Q4",
        "2024-12",
        "2025-02-28",
    ]
    assert periods.prior("2024-03-01") == "2024-02-29"


def test_what_a_period_is_made_of():
    assert periods.parent("2024-02-29") == "2024-02"
    assert periods.parent("2024-08") == "2024-Q3"
    assert periods.parent("2024-Q4") == "2024"
    assert periods.parent("2024") is None
    assert periods.months("2024-Q2") == [4, 5, 6] and periods.months("2024") == list(range(1, 13))
    assert (periods.days_in("2024-02"), periods.days_in("2023-02"), periods.days_in("2024-04")) == (
        29,
        28,
        30,
    )


def test_coverage_text_and_labels():
    assert periods.ranges([1, 2, 3, 5, 7, 8, 9, 10, 11]) == "1-3,5,7-11"
    assert periods.parse_ranges("1-3,5,7-11") == [1, 2, 3, 5, 7, 8, 9, 10, 11]
    assert periods.label_zh("2025") == "2025年"
    assert periods.label_zh("2025", "1-11") == "2025年1—11月"
    assert periods.label_zh("2025", "1-5,7-11") == "2025年1—5、7—11月"
    assert periods.label_zh("2025-Q3") == "2025年第3季度"
    assert periods.label_zh("2025-Q4", "10-11") == "2025年10—11月"
    assert periods.label_zh("2025-07") == "2025年7月"
    assert periods.label_zh("2025-07", "1-15") == "2025年7月1—15日"
    assert periods.label_zh("2025-07-05") == "2025年7月5日"
