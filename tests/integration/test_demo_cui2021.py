"""The real-data demo (Cui et al. 2021, shipped as datasource/data/cui2021.csv.gz) through the
normal ingest, the rollup and the API, on SQLite and PostgreSQL.

The expected figures were computed once, by hand, from the published workbook (not read
here; users and CI have no copy): the cached values of its "Total2019-2020" sheet summed with
math.fsum and multiplied by 1e6 (Mt -> t). The API must give them back to the last digits
(rel 1e-12: only the order of a float sum may differ)."""

from __future__ import annotations

import flask
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard import api
from dashboard.config import Settings
from datasource import demo_cui2021
from datasource.engine import make_sessions
from datasource.models import DatasetSource, Emission, IngestBatch
from datasource.rollup import rebuild
from datasource.schema import load_regions
from geo.regions import load_regions as geo_regions

HUBEI_2020_02 = 14666450.350785574  # t CO2, 29 days x (power + industry + ground transport)
HUBEI_2019_02 = 23776534.221058935
HUBEI_2020 = 309976891.59556526
CHINA_2020_02 = 494416418.29466546  # the 31 provinces' sum


@pytest.fixture
def pool(engine):
    with Session(engine) as session, session.begin():
        load_regions(session, [r for r in geo_regions() if r.level in ("country", "province")])
    summary = demo_cui2021.load(engine)
    assert (summary.rows, summary.status) == (31 * 731 * 3, "accepted")
    assert rebuild(engine).built
    return engine


@pytest.fixture
def client(pool):
    server = flask.Flask(__name__)
    api.register(server, sessions=make_sessions(pool), engine=pool, settings=Settings())
    return server.test_client()


def _get(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_the_frame_maps_provinces_days_and_sectors():
    frame = demo_cui2021.emissions_frame()
    assert len(frame) == 67_983
    assert frame.region_code.nunique() == 31 and frame.region_code.notna().all()
    assert sorted(frame.sector_code.unique()) == ["1.1.1.1", "1.1.3.5", "1.1.4"]
    assert (frame.period.min(), frame.period.max()) == ("2019-01-01", "2020-12-31")
    assert frame.period.nunique() == 731  # 2020 has its 29 February
    assert set(frame.unit) == {"Mt"} and set(frame.gas) == {"CO2"}


def test_hubei_february_2020_reads_back_through_the_api(client):
    body = _get(client, "/api/v1/summary?region=420000&period=2020-02")
    assert body["co2"] == pytest.approx(HUBEI_2020_02, rel=1e-12)
    assert (body["grain"], body["label_zh"], body["complete"], body["days"]) == (
        "M",
        "2020年2月",
        True,
        29,
    )
    assert (body["prev_period"], body["prev_label_zh"]) == ("2019-02", "2019年2月")
    assert body["co2_change"] == pytest.approx(HUBEI_2020_02 / HUBEI_2019_02 - 1, rel=1e-9)
    assert body["mom_period"] == "2020-01"
    assert body["derived"] is False
    [source] = body["sources"]
    assert source["code"] == "cui2021" and source["licence"] == "CC BY 4.0"
    assert source["url"] == "https://doi.org/10.5281/zenodo.4730175"
    assert source["citation"].startswith("Cui, D. et al. (2021).")


def test_the_year_and_the_country_are_sums_and_carry_the_credit(client):
    year = _get(client, "/api/v1/summary?region=420000&period=2020")
    assert year["co2"] == pytest.approx(HUBEI_2020, rel=1e-12)
    assert (year["complete"], year["months"], year["label_zh"]) == (True, 12, "2020年")
    country = _get(client, "/api/v1/summary?region=100000&period=2020-02")
    assert country["co2"] == pytest.approx(CHINA_2020_02, rel=1e-12)
    assert country["derived"] is True
    assert [s["code"] for s in country["sources"]] == ["cui2021"]
    day = _get(client, "/api/v1/summary?region=420000&period=2020-02-29")
    assert (day["grain"], day["prev_period"]) == ("D", "2019-02-28")
    csv_text = client.get("/api/v1/summary?region=420000&period=2020-02&format=csv").get_data(
        as_text=True
    )
    assert "CC BY 4.0, https://doi.org/10.5281/zenodo.4730175" in csv_text


def test_loading_again_changes_nothing_and_the_batch_is_credited(pool):
    again = demo_cui2021.load(pool)
    assert again.status == "unchanged"
    with Session(pool) as s:
        assert s.scalar(select(func.count()).select_from(Emission)) == 67_983
        credited = s.scalars(select(IngestBatch.dataset).where(IngestBatch.status == "accepted"))
        assert list(credited) == ["cui2021"]
        assert s.get(DatasetSource, "cui2021").name_zh == "中国31省逐日二氧化碳排放（2019—2020）"
