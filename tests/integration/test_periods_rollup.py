"""Periods of any grain through the rollup and the queries, on a hand-worked pool (SQLite and
PostgreSQL): year-to-date against the same months, a reported year winning over its months,
months built from days (complete and still filling), quarterly GDP for intensity."""

from __future__ import annotations

import json

import pytest
from pools import emission, mark_changed
from sqlalchemy import select
from sqlalchemy.orm import Session

from datasource import queries
from datasource.ingest import ingest_bytes
from datasource.models import Emission, Indicator, Region, StatRegion
from datasource.rollup import rebuild

REGIONS = [
    ("100000", None, "country", "全国"),
    ("340000", "100000", "province", "安徽省"),
    ("320000", "100000", "province", "江苏省"),
    ("310000", "100000", "province", "上海市"),
]


def _rows() -> list:
    rows = []
    # 340000: 2023 Jan-Sep 5 t a month; 2024 all months 9+m; 2025 Jan-Nov 11+m
    rows += [emission("340000", f"2023-{m:02d}", "1.1.1.1", "CO2", 5.0) for m in range(1, 10)]
    rows += [emission("340000", f"2024-{m:02d}", "1.1.1.1", "CO2", 9.0 + m) for m in range(1, 13)]
    rows += [emission("340000", f"2025-{m:02d}", "1.1.1.1", "CO2", 11.0 + m) for m in range(1, 12)]
    # 320000: reported years 2023 and 2024, and months of 2024 (90 each) and 2025 Jan-Feb
    rows += [emission("320000", "2023", "1.1.1.1", "CO2", 1000.0)]
    rows += [emission("320000", "2024", "1.1.1.1", "CO2", 1200.0)]
    rows += [emission("320000", f"2024-{m:02d}", "1.1.1.1", "CO2", 90.0) for m in range(1, 13)]
    rows += [emission("320000", "2025-01", "1.1.1.1", "CO2", 100.0)]
    rows += [emission("320000", "2025-02", "1.1.1.1", "CO2", 110.0)]
    # 310000: days. 2024-02 whole (29 x 1 t); 2024-03 days 1-15 (2 t); 2023-03 days 1-20 (1.5 t)
    rows += [emission("310000", f"2024-02-{d:02d}", "1.1.4", "CO2", 1.0) for d in range(1, 30)]
    rows += [emission("310000", f"2024-03-{d:02d}", "1.1.4", "CO2", 2.0) for d in range(1, 16)]
    rows += [emission("310000", f"2023-03-{d:02d}", "1.1.4", "CO2", 1.5) for d in range(1, 21)]
    return rows


GDP_CURRENT = [  # 亿元: quarterly for 340000 in 2023 and 2025, annual in 2024
    ("340000", "2023-Q1", 30.0),
    ("340000", "2023-Q2", 30.0),
    ("340000", "2023-Q3", 30.0),
    ("340000", "2024", 400.0),
    ("340000", "2025-Q3", 120.0),
]


def fill(engine) -> None:
    with Session(engine) as s, s.begin():
        for code, parent, level, name in REGIONS:
            s.add(Region(code=code, parent_code=parent, level=level, name_zh=name, name_en=name))
        s.add_all(_rows())
        s.add_all(
            Indicator(region_code=r, period=p, name="gdp_current", value=v)
            for r, p, v in GDP_CURRENT
        )
        mark_changed(s, 1)


@pytest.fixture
def pool(engine):
    fill(engine)
    assert rebuild(engine).built
    return engine


def _stat(engine, region: str, period: str) -> StatRegion:
    with Session(engine) as s:
        row = s.get(StatRegion, (region, period))
        assert row is not None, (region, period)
        s.expunge(row)
        return row


def _cmp(row: StatRegion) -> dict:
    return json.loads(row.comparisons)


def test_a_year_of_eleven_months_is_year_to_date_compared_with_the_same_months(pool):
    row = _stat(pool, "340000", "2025")
    assert (row.grain, row.months, row.complete, row.coverage) == ("Y", 11, False, "1-11")
    assert row.co2 == 187.0  # 12 + 13 + ... + 22
    assert row.derived is False  # its own months, summed over time
    yoy = _cmp(row)["yoy"]
    assert (yoy["period"], yoy["coverage"], yoy["label_zh"]) == ("2024", "1-11", "2024年1—11月")
    assert yoy["co2"] == 165.0  # 10 + ... + 20, not the whole 2024 (186)
    assert row.prev_period == "2024"
    assert row.co2e_change == pytest.approx(187 / 165 - 1)
    assert _cmp(row)["mom"] is None  # years have no 环比
    assert row.intensity is None  # no GDP for 1—11月 (not whole quarters)


def test_a_complete_year_from_months_and_its_whole_year_comparison(pool):
    row = _stat(pool, "340000", "2024")
    assert (row.grain, row.months, row.complete, row.coverage) == ("Y", 12, True, None)
    assert row.co2 == 186.0
    assert row.gdp_grain == "Y"
    assert row.intensity == pytest.approx(186 / (400 * 1e4))
    # 2023 covers only January-September: a whole year is not compared with it
    assert row.prev_period is None and _cmp(row)["yoy"] is None


def test_months_have_yoy_and_mom(pool):
    row = _stat(pool, "340000", "2025-11")
    assert (row.grain, row.months, row.days, row.complete) == ("M", 1, 30, True)
    c = _cmp(row)
    assert (c["yoy"]["period"], c["yoy"]["co2"]) == ("2024-11", 20.0)
    assert (c["mom"]["period"], c["mom"]["co2"]) == ("2025-10", 21.0)
    assert row.co2e_change == pytest.approx(22 / 20 - 1)


def test_a_partial_quarter_and_quarterly_gdp(pool):
    q4 = _stat(pool, "340000", "2025-Q4")
    assert (q4.months, q4.complete, q4.coverage, q4.co2) == (2, False, "10-11", 43.0)
    assert _cmp(q4)["yoy"]["co2"] == 39.0  # 2024 October + November
    assert _cmp(q4)["mom"] is None  # a partial period has no 环比
    q3 = _stat(pool, "340000", "2025-Q3")
    assert (q3.complete, q3.co2, q3.gdp_grain) == (True, 57.0, "Q")
    assert q3.intensity == pytest.approx(57 / (120 * 1e4))
    assert _cmp(q3)["mom"]["co2"] == 48.0  # 2025-Q2: 15 + 16 + 17 (whole quarter)


def test_year_to_date_of_whole_quarters_takes_the_quarters_gdp(pool):
    row = _stat(pool, "340000", "2023")
    assert (row.months, row.coverage, row.co2) == (9, "1-9", 45.0)
    assert (row.gdp_grain, row.gdp_current, row.intensity_basis) == ("Q", 90.0, "current")
    assert row.intensity == pytest.approx(45 / (90 * 1e4))


def test_a_reported_year_wins_over_the_sum_of_its_months(pool):
    row = _stat(pool, "320000", "2024")
    assert (row.co2, row.complete, row.months) == (1200.0, True, 12)  # not 12 x 90 = 1080
    assert _cmp(row)["yoy"]["co2"] == 1000.0
    assert row.co2e_change == pytest.approx(0.2)
    ytd = _stat(pool, "320000", "2025")
    assert (ytd.co2, ytd.coverage) == (210.0, "1-2")
    assert _cmp(ytd)["yoy"]["co2"] == 180.0  # 2024 January + February from its months
    assert ytd.co2e_change == pytest.approx(210 / 180 - 1)


def test_months_from_days_whole_and_still_filling(pool):
    feb = _stat(pool, "310000", "2024-02")
    assert (feb.co2, feb.days, feb.complete) == (29.0, 29, True)
    mar = _stat(pool, "310000", "2024-03")
    assert (mar.co2, mar.days, mar.months, mar.complete, mar.coverage) == (
        30.0,
        15,
        0,
        False,
        "1-15",
    )
    yoy = _cmp(mar)["yoy"]
    assert (yoy["co2"], yoy["label_zh"]) == (22.5, "2023年3月1—15日")  # 15 x 1.5 t
    # the quarter and the year sum only the complete month (February), never the partial March
    q1 = _stat(pool, "310000", "2024-Q1")
    assert (q1.co2, q1.months, q1.coverage) == (29.0, 1, "2")
    year = _stat(pool, "310000", "2024")
    assert (year.co2, year.months, year.coverage, year.complete) == (29.0, 1, "2", False)
    day = _stat(pool, "310000", "2024-03-15")
    assert (day.grain, day.co2, day.complete) == ("D", 2.0, True)
    assert _cmp(day)["mom"]["period"] == "2024-03-14"


def test_the_country_sums_its_provinces_at_every_grain(pool):
    day = _stat(pool, "100000", "2024-02-10")
    assert (day.co2, day.derived) == (1.0, True)
    month = _stat(pool, "100000", "2025-02")
    assert (month.co2, month.derived) == (13.0 + 110.0, True)
    year = _stat(pool, "100000", "2024")
    assert year.co2 == 186.0 + 1200.0 + 29.0


def test_the_summary_names_the_partial_period_and_its_comparison(pool, sessions):
    with sessions() as s:
        found = queries.summary(s, region_code="340000", period="2025")
        months = queries.series(s, region_code="340000", kind="M")
        latest_month = queries.latest_period(s, kind="M")
    assert (found.label_zh, found.complete, found.months, found.coverage) == (
        "2025年1—11月",
        False,
        11,
        "1-11",
    )
    assert (found.prev_period, found.prev_label_zh) == ("2024", "2024年1—11月")
    assert found.co2_change == pytest.approx(187 / 165 - 1)
    assert found.mom_period is None and found.sources == ()
    assert [m.period for m in months][:2] == ["2023-01", "2023-02"] and len(months) == 32
    assert latest_month == "2025-11"
    nov = months[-1]
    assert (nov.label_zh, nov.prev_label_zh, nov.mom_label_zh) == (
        "2025年11月",
        "2024年11月",
        "2025年10月",
    )
    assert nov.co2_mom_change == pytest.approx(22 / 21 - 1)


def test_rankings_compare_year_to_date_with_the_same_months(pool, sessions):
    with sessions() as s:
        rows = queries.ranking(s, parent_code="100000", period="2025")
    by_code = {r.code: r for r in rows}
    assert by_code["340000"].co2e_change == pytest.approx(187 / 165 - 1)
    assert by_code["320000"].co2e_change == pytest.approx(210 / 180 - 1)
    assert by_code["310000"].co2e is None and by_code["310000"].co2e_change is None


def test_ingest_accepts_days_and_quarters_and_stores_their_grain(engine):
    with Session(engine) as s, s.begin():
        s.add(
            Region(
                code="340000", parent_code=None, level="province", name_zh="安徽省", name_en="Anhui"
            )
        )
    data = (
        "region_code,period,sector_code,gas,value,unit\n"
        "340000,2024/7/15,1.1.1.1,CO2,1.5,万吨\n"
        "340000,2024年7月16日,1.1.1.1,CO2,2,万吨\n"
        "340000,2024Q3,1.1.4,CO2,3,万吨\n"
        "340000,2024-07,1.1.5,CO2,4,万吨\n"
        "340000,2024,1.1.6,CO2,5,万吨\n"
    ).encode()
    report = ingest_bytes(engine, data, "grains.csv", kind="emissions")
    assert report.ok, report.render()
    with Session(engine) as s:
        stored = s.execute(
            select(Emission.period, Emission.period_kind, Emission.value).order_by(Emission.period)
        ).all()
    assert [tuple(r) for r in stored] == [
        ("2024", "Y", 50_000.0),
        ("2024-07", "M", 40_000.0),
        ("2024-07-15", "D", 15_000.0),
        ("2024-07-16", "D", 20_000.0),
        ("2024-Q3", "Q", 30_000.0),
    ]
    bad = ingest_bytes(
        engine,
        b"region_code,period,sector_code,gas,value,unit\n340000,2023-02-29,1.1.1.1,CO2,1,t\n",
        "bad.csv",
        kind="emissions",
    )
    assert not bad.ok and bad.problems[0].column == "period"


def test_year_to_date_through_a_month(pool, sessions):
    with sessions() as s:
        may = queries.year_to_date(s, region_code="340000", through="2025-05")
        jan = queries.year_to_date(s, region_code="340000", through="2025-01")
        gap = queries.year_to_date(s, region_code="340000", through="2024-12")
    assert (may.label_zh, may.prev_label_zh, may.months) == ("2025年1—5月", "2024年1—5月", 5)
    assert (may.co2e, may.prev_co2e) == (70.0, 60.0)  # 12+...+16 against 10+...+14
    assert may.co2e_change == pytest.approx(70 / 60 - 1)
    assert (jan.label_zh, jan.co2e, jan.prev_co2e) == ("2025年1月", 12.0, 10.0)
    # 2023 has no October to December: no same-period base, no change
    assert (gap.co2e, gap.prev_co2e, gap.co2e_change) == (186.0, None, None)


def test_the_forecast_reads_whole_years_only_never_a_year_to_date(pool):
    from datasource.forecast_store import load_panel

    with Session(pool) as s:
        panel = load_panel(s, region_code="340000")
    # 2023 (Jan-Sep) and 2025 (Jan-Nov) are years to date: only 2024 is a year to forecast from
    assert panel.codes == ["340000"]
    assert [str(y) for y in panel.years] == ["2024"]
