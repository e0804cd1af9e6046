"""datasource.analysis on the hand-worked pool, on SQLite and PostgreSQL."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from datasource import analysis
from datasource.rollup import rebuild

sys.path.insert(0, str(Path(__file__).parents[1] / "browser"))
from test_analysis_pool import fill  # noqa: E402


@pytest.fixture
def pool(engine):
    fill(engine)
    assert rebuild(engine).built
    return engine


def test_children_by_gas_sums_each_child_per_gas_without_lulucf(pool):
    with Session(pool) as s:
        rows = analysis.children_by_gas(s, parent_code="340000", period="2022")
    got = {(r.code, r.gas): (r.value, r.co2e) for r in rows}
    assert [(r.code, r.gas) for r in rows] == [
        ("340100", "CO2"),
        ("340100", "CH4"),
        ("340100", "N2O"),
        ("340100", "HFCs"),
        ("340100", "PFCs"),
        ("340100", "SF6"),
        ("340200", "CO2"),
        ("340300", "CH4"),
    ]
    assert got[("340100", "CO2")] == pytest.approx((55_100_000.0, 55_100_000.0))  # no sink
    assert got[("340100", "CH4")] == pytest.approx((92_000.0, 92_000.0 * 28))
    assert got[("340300", "CH4")] == pytest.approx((100_000.0, 2_800_000.0))
    assert rows[0].name_zh == "合肥市" and rows[0].name_en == "Hefei"


def test_children_by_gas_one_sector_and_another_gwp_set(pool):
    with Session(pool) as s:
        land = analysis.children_by_gas(s, parent_code="340000", period="2022", sector="4")
        agri = analysis.children_by_gas(
            s, parent_code="340000", period="2022", sector="3", gwp_set="SAR"
        )
        none = analysis.children_by_gas(s, parent_code="340300", period="2022")
        with pytest.raises(ValueError):
            analysis.children_by_gas(s, parent_code="340000", period="2022", sector="1.1")
        with pytest.raises(ValueError):
            analysis.children_by_gas(s, parent_code="340000", period="2022", gwp_set="AR9")
    assert [(r.code, r.gas, r.co2e) for r in land] == [("340100", "CO2", -3_000_000.0)]
    assert [(r.code, r.co2e) for r in agri] == [("340100", 50_000.0 * 21), ("340300", 2_100_000.0)]
    assert none == []


def test_series_of_several_regions_leaves_unknown_ones_out(pool):
    with Session(pool) as s:
        found = analysis.series_of(s, codes=["340100", "999999", "340300"], gwp_set="SAR")
    assert list(found) == ["340100", "340300"]
    assert [r.period for r in found["340100"]] == ["2021", "2022"]
    assert found["340300"][1].co2e == pytest.approx(2_100_000.0)
    assert analysis.periods_between(found) == ["2021", "2022"]


def test_inventory_screen_rows_from_the_real_query_add_up(pool):
    """queries.inventory -> the screen's rows: every inner row is the sum of its children (where
    any reported), unreported reads "—", and a derived province equals its cities' sum."""
    from datasource import queries
    from layouts.pages import inventory as page

    with Session(pool) as s:
        anhui = queries.inventory(s, region_code="340000", period="2022")
        hefei = queries.inventory(s, region_code="340100", period="2022")
        wuhu = queries.inventory(s, region_code="340200", period="2022")
        bengbu = queries.inventory(s, region_code="340300", period="2022")
    assert anhui.derived is True and hefei.derived is False
    rows = {r.sector_code: r for r in anhui.rows}
    for r in anhui.rows:
        if r.is_leaf:
            continue
        kids = [
            k
            for k in anhui.rows
            if k.depth == r.depth + 1 and k.sector_code.rsplit(".", 1)[0] == r.sector_code
        ]
        for gas, value in r.values.items():
            reported = [k.values[gas] for k in kids if k.values[gas] is not None]
            assert value == (pytest.approx(sum(reported)) if reported else None), (
                r.sector_code,
                gas,
            )
    for code, r in rows.items():
        for gas, value in r.values.items():
            parts = [
                inv_rows[code].values[gas]
                for inv_rows in ({x.sector_code: x for x in i.rows} for i in (hefei, wuhu, bengbu))
                if inv_rows[code].values[gas] is not None
            ]
            assert value == (pytest.approx(sum(parts)) if parts else None), (code, gas)
    energy = {r["label"]: r for r in page.table_rows(anhui.rows, "1")}
    assert energy["能源活动"]["CO2"] == "5,700.00"
    assert energy["1.1.1电力生产"]["CO2"] == "4,000.00"
    assert energy["1.2农、林、牧、渔业"]["CO2"] == "—"
    agri = {r["label"]: r for r in page.table_rows(anhui.rows, "3")}
    assert agri["农业活动"]["CH4"] == "15.00" and agri["3.动物肠道发酵"]["CH4"] == "10.00"
