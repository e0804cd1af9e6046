"""GET /api/v1/parks and /api/v1/parks/<code> on SQLite and PostgreSQL: JSON, CSV, XLSX and
the error shape."""

from __future__ import annotations

import io

import openpyxl
import pytest
from flask import Flask
from pdi_parks import SCORES, add_parks

from dashboard import api_parks
from datasource import pdi_store
from datasource.engine import make_sessions


@pytest.fixture
def client(engine):
    add_parks(engine)
    report = pdi_store.ingest_pdi_bytes(engine, SCORES.encode(), "pdi_scores")
    assert report.ok, report.render()
    server = Flask(__name__)
    api_parks.register(server, sessions=make_sessions(engine), settings=None)
    return server.test_client()


def test_parks_json_ranks_an_industry(client):
    r = client.get("/api/v1/parks", query_string={"industry": "电子信息"})
    assert r.status_code == 200
    body = r.get_json()
    assert body["weights"] == {"P": 0.5, "D": 0.3, "I": 0.2}
    assert body["count"] == 3
    assert [(i["code"], i["total"], i["rank"], i["rank_P"]) for i in body["items"]] == [
        ("E1", 2.752, 1, 3),
        ("E2", 2.747, 2, 2),
        ("E3", 2.417, 3, 1),
    ]
    first = body["items"][0]
    assert (first["P"], first["D"], first["I"]) == (2.94, 1.84, 3.65)
    assert (first["province_zh"], first["stage"], first["weakest"]) == ("江苏省", "mature", "D")


def test_parks_filter_by_province_and_level(client):
    body = client.get("/api/v1/parks?province=440000").get_json()
    assert [(i["code"], i["rank"]) for i in body["items"]] == [("A1", 1), ("E2", 2)]
    body = client.get("/api/v1/parks?park_level=national&industry=汽车制造").get_json()
    assert [i["code"] for i in body["items"]] == ["A1"]
    body = client.get("/api/v1/parks?province=650000").get_json()
    assert body["count"] == 0


def test_parks_csv_and_xlsx(client):
    r = client.get("/api/v1/parks?industry=电子信息&format=csv")
    assert r.status_code == 200
    lines = r.data.decode("utf-8").splitlines()
    assert lines[0] == (
        "\ufeffrank,code,name_zh,province_code,province_zh,industry,park_level,"
        "P,D,I,total,rank_P,rank_D,rank_I,stage,weakest"
    )
    assert (
        lines[1]
        == "1,E1,园区E1,320000,江苏省,电子信息,national,2.94,1.84,3.65,2.752,3,2,1,mature,D"
    )
    r = client.get("/api/v1/parks?format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(r.data), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert len(rows) == 5
    assert rows[1][:2] == (1, "A1")


def test_one_park_with_median_and_strategies(client):
    body = client.get("/api/v1/parks/E1").get_json()
    assert body["total"] == 2.752
    assert body["industry_size"] == 3
    assert body["industry_median"]["P"] == 3.08
    assert body["direct"] == ["P", "D", "I"]
    assert body["strategies"][0] == {
        "dimension": "D",
        "stage": "mature",
        "text_zh": "加强产学研创新合作，以数字技术突破为目标",
        "source": "seed 4.1 table",
    }


@pytest.mark.parametrize(
    ("url", "status", "code", "field"),
    [
        ("/api/v1/parks?province=12", 400, "bad_parameter", "province"),
        ("/api/v1/parks?province=990000", 404, "unknown_region", "province"),
        ("/api/v1/parks?industry=造船", 404, "unknown_industry", "industry"),
        ("/api/v1/parks?format=pdf", 400, "bad_parameter", "format"),
        ("/api/v1/parks?park_level=city", 400, "bad_parameter", "park_level"),
        ("/api/v1/parks?sort=total", 400, "bad_parameter", "sort"),
        ("/api/v1/parks?industry=a&industry=b", 400, "bad_parameter", "industry"),
        ("/api/v1/parks/NOPE", 404, "unknown_park", "code"),
        ("/api/v1/parks/a.b", 400, "bad_parameter", "code"),
    ],
)
def test_errors_have_one_shape(client, url, status, code, field):
    r = client.get(url)
    assert r.status_code == status
    err = r.get_json()["error"]
    assert (err["code"], err["field"]) == (code, field)
    assert err["message"]
