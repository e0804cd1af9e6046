"""`generate` through the real ingest, on SQLite and PostgreSQL: one small province (Ningxia,
22 county-level regions), idempotence, rejection of bad requests, and the rollup on top."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datasource import queries
from datasource.demo import DemoError, generate
from datasource.models import DataState, Emission, Indicator, Region, Target
from datasource.rollup import rebuild
from datasource.schema import load_regions
from geo.parks import representative_point as _park_point
from geo.regions import load_regions as geo_regions

NINGXIA = "640000"
COUNTIES = 22


@pytest.fixture
def pool(engine):
    with Session(engine) as session, session.begin():
        load_regions(session, geo_regions())
    return engine


def _version(engine) -> int:
    with Session(engine) as session:
        return session.get(DataState, 1).version


def test_province_scale_loads_every_county_leaf_and_gas(pool):
    summary = generate(pool, scale="province", province=NINGXIA, seed=2060, park_point=_park_point)
    assert (summary.provinces, summary.counties, summary.parks) == (1, COUNTIES, 4)
    assert summary.emission_rows == COUNTIES * 20 * 70
    assert summary.indicator_rows == COUNTIES * 20 * 4
    assert summary.park_emission_rows == 4 * 10 * 43
    assert summary.target_rows == 2
    assert summary.batches == {"accepted": 5}
    assert "22 counties, 4 parks" in summary.render()
    with Session(pool) as session:
        county_rows = session.scalar(
            select(func.count()).select_from(Emission).where(~Emission.region_code.like("P%"))
        )
        assert county_rows == 30_800
        pairs = session.execute(
            select(Emission.sector_code, Emission.gas)
            .distinct()
            .where(~Emission.region_code.like("P%"))
        ).all()
        assert len(pairs) == 70
        assert (
            session.scalar(select(func.max(Emission.value)).where(Emission.sector_code == "4.1"))
            < 0
        )
        assert (
            session.scalar(select(func.min(Emission.value)).where(Emission.sector_code != "4.1"))
            >= 0
        )
        assert session.scalar(select(func.count()).select_from(Indicator)) == 1760
        parks = session.scalars(select(Region).where(Region.level == "park")).all()
        assert len(parks) == 4
        for park in parks:
            assert park.code == f"P{park.parent_code}001"
            assert park.code[1:3] == "64" and 104 < park.lon < 108 and 35 < park.lat < 40
        targets = session.scalars(select(Target).order_by(Target.plan)).all()
        assert [(t.region_code, t.plan, t.target_change) for t in targets] == [
            (NINGXIA, "13th-FYP", -0.18),
            (NINGXIA, "14th-FYP", -0.18),
        ]


def test_running_twice_changes_nothing(pool):
    first = generate(pool, scale="province", province=NINGXIA, park_point=_park_point)
    version = _version(pool)
    second = generate(pool, scale="province", province=NINGXIA, park_point=_park_point)
    assert first.batches == {"accepted": 5}
    assert second.batches == {"unchanged": 5}
    assert _version(pool) == version


def test_another_seed_replaces_the_values(pool):
    generate(pool, scale="province", province=NINGXIA, seed=1, park_point=_park_point)
    key = ("640104", "2021", "1.1.1.1", "CO2")
    with Session(pool) as session:
        before = session.get(Emission, key).value
    generate(pool, scale="province", province=NINGXIA, seed=2, park_point=_park_point)
    with Session(pool) as session:
        after = session.get(Emission, key).value
        assert session.scalar(select(func.count()).select_from(Emission)) == 30_800 + 1720
    assert after != before


def test_rollup_derives_the_province_and_its_intensity(pool):
    generate(pool, scale="province", province=NINGXIA, park_point=_park_point)
    rebuild(pool)
    with Session(pool) as session:
        s = queries.summary(session, region_code=NINGXIA, period="2021")
        assert s.derived is True
        assert 100e6 < s.co2 < 300e6  # Ningxia: about 180 Mt CO2
        assert s.intensity_basis == "constant"
        assert 2.0 < s.intensity < 6.0  # t CO2 per 万元: coal-heavy
        assert queries.summary(session, region_code="100000", period="2021") is not None
        assert queries.summary(session, region_code="710000", period="2021") is None


def test_bad_requests_raise_clear_errors(engine, pool):
    with pytest.raises(DemoError, match="810000"):
        generate(pool, scale="province", province="810000")
    with pytest.raises(DemoError, match="unknown scale"):
        generate(pool, scale="city")


def test_empty_registry_says_to_run_init_db(engine):
    with pytest.raises(DemoError, match="carbonwall init-db"):
        generate(engine, scale="province", province=NINGXIA)
