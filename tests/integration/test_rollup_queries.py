"""Rollups and queries on a hand-worked pool, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from pools import emission, gdp_constant, mark_changed
from sqlalchemy.orm import Session

from datasource import queries
from datasource.models import Region, Target
from datasource.rollup import rebuild

REGIONS = [
    ("100000", None, "country", "全国"),
    ("340000", "100000", "province", "安徽省"),
    ("340100", "340000", "city", "合肥市"),
    ("340102", "340100", "county", "瑶海区"),
    ("340103", "340100", "county", "庐阳区"),
    ("340200", "340000", "city", "芜湖市"),
    ("340202", "340200", "county", "镜湖区"),
    ("320000", "100000", "province", "江苏省"),
]
EMISSIONS = [
    ("340102", "2023", "1.1.1.1", "CO2", 100.0),
    ("340102", "2023", "1.1.1.1", "CH4", 1.0),
    ("340102", "2023", "4.1", "CO2", -10.0),
    ("340102", "2023", "2.8", "PFCs", 5.0),
    ("340102", "2024", "1.1.1.1", "CO2", 120.0),
    ("340102", "2024", "1.1.1.1", "CH4", 1.0),
    ("340103", "2023", "1.1.1.1", "CO2", 50.0),
    ("340103", "2024", "1.1.1.1", "CO2", 40.0),
    ("340202", "2024", "3.1", "CH4", 2.0),
    ("320000", "2024", "1.1.4", "CO2", 500.0),
    ("P001", "2024", "1.1.3.3", "CO2", 7.0),  # a park: never summed into its county
]
GDP = [
    ("340102", "2023", 10.0),
    ("340102", "2024", 11.0),
    ("340103", "2023", 5.0),
    ("340103", "2024", 5.5),
]


def fill(engine) -> None:
    with Session(engine) as s, s.begin():
        for code, parent, level, name in REGIONS:
            s.add(Region(code=code, parent_code=parent, level=level, name_zh=name, name_en=name))
        s.add(
            Region(
                code="P001",
                parent_code="340102",
                level="park",
                name_zh="园区",
                name_en="Park",
                lon=117.3,
                lat=31.9,
                industry="化工",
                park_level="national",
            )
        )
        s.add_all(emission(*row) for row in EMISSIONS)
        s.add_all(gdp_constant(*row) for row in GDP)
        s.add(
            Target(
                region_code="340100",
                plan="14th-FYP",
                metric="co2_intensity",
                base_period="2020",
                target_period="2025",
                target_change=-0.18,
            )
        )
        mark_changed(s, 1)


@pytest.fixture
def pool(engine):
    fill(engine)
    report = rebuild(engine)
    assert report.built and report.version == 1
    return engine


def test_rebuild_is_skipped_when_current(pool):
    assert rebuild(pool).built is False


def test_city_without_records_is_the_sum_of_its_counties(pool):
    with Session(pool) as s:
        now = queries.summary(s, region_code="340100", period="2024")
        before = queries.summary(s, region_code="340100", period="2023")
    assert now.derived is True
    assert now.co2 == pytest.approx(160.0)
    assert now.co2e == pytest.approx(160.0 + 28.0)
    assert before.co2e == pytest.approx(150.0 + 28.0 + 5.0)
    assert before.lulucf_co2e == pytest.approx(-10.0)
    assert before.co2e_net == pytest.approx(173.0)
    assert now.intensity == pytest.approx(160.0 / 16.5e4)
    assert now.intensity_basis == "constant"
    assert now.intensity_change == pytest.approx((160 / 16.5) / (150 / 15) - 1)
    assert now.flag == "fell"
    assert now.co2_change == pytest.approx(160 / 150 - 1)


def test_province_and_country_roll_up_and_own_records_win(pool):
    with Session(pool) as s:
        anhui = queries.summary(s, region_code="340000", period="2024")
        jiangsu = queries.summary(s, region_code="320000", period="2024")
        china = queries.summary(s, region_code="100000", period="2024", gwp_set="SAR")
    assert anhui.co2e == pytest.approx(188.0 + 2 * 28.0)
    assert jiangsu.derived is False and jiangsu.co2 == pytest.approx(500.0)
    assert china.co2 == pytest.approx(660.0)
    assert china.co2e == pytest.approx(660.0 + 21.0 + 2 * 21.0)  # SAR: CH4 21


def test_ranking_flags_rise_and_orders_missing_last(pool):
    with Session(pool) as s:
        rows = queries.ranking(s, parent_code="340100", period="2024", metric="intensity")
        by_co2e = queries.ranking(
            s, parent_code="340000", period="2024", metric="co2e", order="asc"
        )
    assert [r.code for r in rows] == ["340102", "340103"]
    assert rows[0].flag == "rose"
    assert rows[0].intensity_change == pytest.approx((120 / 11) / (100 / 10) - 1)
    assert rows[1].flag == "fell"
    assert [(r.rank, r.code) for r in by_co2e] == [(1, "340200"), (2, "340100")]
    assert by_co2e[0].intensity is None and by_co2e[0].flag == "none"


def test_inventory_subtotals_and_unreported_cells(pool):
    with Session(pool) as s:
        inv = queries.inventory(s, region_code="340100", period="2023")
    rows = {r.sector_code: r for r in inv.rows}
    assert inv.derived is True
    assert rows["1.1.1.1"].values["CO2"] == pytest.approx(150.0)
    assert rows["1"].values["CO2"] == pytest.approx(150.0)
    assert rows["1"].values["CH4"] == pytest.approx(1.0)
    assert rows["1"].values["N2O"] is None
    assert rows["4.1"].values["CO2"] == pytest.approx(-10.0)
    assert rows["2.8"].values["PFCs"] == pytest.approx(5.0)
    assert rows["1.1.1.1"].label_zh == "1.1.1电力生产"
    assert rows["1"].label_zh == "能源活动"


def test_sector_and_gas_breakdowns(pool):
    with Session(pool) as s:
        tops = queries.by_sector(s, region_code="340100", period="2023")
        energy = queries.by_sector(s, region_code="340100", period="2023", parent="1.1")
        gases = queries.by_gas(s, region_code="340100", period="2023")
        trend = queries.sector_series(s, region_code="340000")
    assert [(v.sector_code, round(v.co2e, 6)) for v in tops] == [
        ("1", 178.0),
        ("2", 5.0),
        ("4", -10.0),
    ]
    assert [(v.sector_code, v.co2e) for v in energy] == [("1.1.1", 178.0)]
    assert {g.gas: round(g.share, 6) for g in gases} == {
        "CO2": round(150 / 183, 6),
        "CH4": round(28 / 183, 6),
        "PFCs": round(5 / 183, 6),
    }
    assert {(v.period, v.sector_code) for v in trend} == {
        ("2023", "1"),
        ("2023", "2"),
        ("2023", "4"),
        ("2024", "1"),
        ("2024", "3"),
    }


def test_parks_are_their_own_lens(pool):
    with Session(pool) as s:
        park = queries.summary(s, region_code="P001", period="2024")
        county = queries.summary(s, region_code="340102", period="2024")
        parks = queries.parks_within(s, "340100")
    assert park.co2 == pytest.approx(7.0)
    assert county.co2 == pytest.approx(120.0)
    assert [p.code for p in parks] == ["P001"]


def test_target_progress(pool):
    with Session(pool) as s:
        progress = queries.target_progress(s, region_code="340100")
    assert progress.plan == "14th-FYP"
    assert progress.status == "no_data"  # no 2020 base value in this pool


def test_target_status_rule():
    status = queries.target_status
    assert (
        status(
            base_year=2020,
            target_year=2025,
            target_change=-0.18,
            current_year=2025,
            change_so_far=-0.19,
        )
        == "on_track"
    )
    assert (
        status(
            base_year=2020,
            target_year=2025,
            target_change=-0.18,
            current_year=2025,
            change_so_far=-0.17,
        )
        == "at_risk"
    )
    assert (
        status(
            base_year=2020,
            target_year=2025,
            target_change=-0.18,
            current_year=2025,
            change_so_far=-0.10,
        )
        == "off_track"
    )


def test_unknown_region_gives_nothing(pool):
    with Session(pool) as s:
        assert queries.summary(s, region_code="999999", period="2024") is None
        assert queries.ranking(s, parent_code="999999", period="2024") == []
        assert queries.lineage(s, "340102")[0].code == "100000"
        with pytest.raises(ValueError, match="unknown metric"):
            queries.ranking(s, parent_code="340000", period="2024", metric="bogus")
