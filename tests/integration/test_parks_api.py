"""Regressions of GET /api/v1/parks and /api/v1/parks/<code>, on SQLite and PostgreSQL: file
names a WSGI server accepts, XLSX for any industry name, the detail refusing parameters, and a
bug answered as JSON. The pool is test_api_fuzz's long one (parks P01-P03)."""

from __future__ import annotations

import io

import openpyxl
import pytest
import test_forecast_pool
from flask import Flask
from test_api_fuzz import PARKS, PDI_SCORES, add_parks

from dashboard import api_parks
from datasource import pdi_store
from datasource.engine import make_sessions


@pytest.fixture
def client(engine):
    test_forecast_pool.fill(engine)
    add_parks(engine, PARKS, PDI_SCORES)
    server = Flask(__name__)
    api_parks.register(server, sessions=make_sessions(engine))
    return server.test_client()


def test_a_chinese_industry_names_the_file_in_ascii_and_rfc_6266(client):
    # gunicorn refuses a header that is not Latin-1 and answered 500 for the raw name
    r = client.get("/api/v1/parks", query_string={"industry": "化工", "format": "csv"})
    assert r.status_code == 200
    disposition = r.headers["Content-Disposition"]
    assert disposition == (
        "attachment; filename=\"parks-__.csv\"; filename*=UTF-8''parks-%E5%8C%96%E5%B7%A5.csv"
    )
    assert disposition.isascii()
    assert r.data.decode("utf-8-sig").splitlines()[1:] == [
        "1,P02,园区P02,340000,安徽省,化工,provincial,4.1,2.2,0.5,2.81,1,1,2,mature,I",
        "2,P01,园区P01,340000,安徽省,化工,national,2.9,1.8,3.6,2.71,2,2,1,mature,D",
    ]


def test_an_industry_with_a_slash_still_gets_its_xlsx(client):
    # '/' may not be in an XLSX sheet name: xlsxwriter raised and the answer was a 500
    query = {"industry": "电子信息/新材料", "format": "xlsx"}
    r = client.get("/api/v1/parks", query_string=query)
    assert r.status_code == 200
    assert r.headers["Content-Disposition"] == (
        "attachment; filename=\"parks-________.xlsx\"; filename*=UTF-8''"
        "parks-%E7%94%B5%E5%AD%90%E4%BF%A1%E6%81%AF_%E6%96%B0%E6%9D%90%E6%96%99.xlsx"
    )
    book = openpyxl.load_workbook(io.BytesIO(r.data), read_only=True)
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    title = sheet.title
    book.close()
    assert title == "parks-电子信息_新材料"
    assert rows[1][:3] == (1, "P03", "园区P03")
    assert len(rows) == 2


def test_json_answers_carry_no_file_name_and_empty_filters_are_none(client):
    r = client.get("/api/v1/parks?province=&industry=&park_level=&format=")
    assert r.status_code == 200 and "Content-Disposition" not in r.headers
    body = r.get_json()
    assert body["filters"] == {"province": None, "industry": None, "park_level": None}
    assert [(i["code"], i["rank"], i["total"], i["weakest"]) for i in body["items"]] == [
        ("P02", 1, 2.81, "I"),
        ("P01", 2, 2.71, "D"),
        ("P03", 3, 2.5, "P"),
    ]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("format=csv", "format", "unknown parameter format; parks/<code> takes none"),
        ("x=1&y=2", "x", "unknown parameter x; parks/<code> takes none"),
    ],
)
def test_park_detail_refuses_query_parameters(client, query, field, message):
    # format=csv used to be ignored silently: the caller got JSON it had not asked for
    r = client.get(f"/api/v1/parks/P01?{query}")
    assert r.status_code == 400
    assert r.get_json() == {"error": {"code": "bad_parameter", "message": message, "field": field}}
    assert client.get("/api/v1/parks/P01").get_json()["industry_size"] == 2


def test_a_bad_park_code_names_what_a_code_may_hold(client):
    r = client.get("/api/v1/parks/a.b")
    assert r.status_code == 400
    assert r.get_json()["error"]["message"] == "park code must be 1 to 32 letters, digits, _ or -"


def test_a_bug_is_a_json_500_without_a_traceback(client, monkeypatch):
    def boom(*_args, **_kwargs):
        raise RuntimeError("boom in the store")

    monkeypatch.setattr(pdi_store, "park_detail", boom)
    r = client.get("/api/v1/parks/P01")
    assert r.status_code == 500
    assert r.get_json() == {
        "error": {
            "code": "internal_error",
            "message": "internal error; it has been logged",
            "field": None,
        }
    }
    assert b"boom" not in r.data and b"Traceback" not in r.data
