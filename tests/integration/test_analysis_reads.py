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
