"""Formula injection in exports (issue 17): a region, park, agency or document name beginning
with = + - @ (or a tab or carriage return) is text in every file the product writes: in CSV
with a leading ', in XLSX as a string cell, never a formula. The wall ranking export, the
regions page's layer (layouts/export), /api/v1/*?format=csv|xlsx and the policy statistics
export, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import csv
import io
import json

import flask
import openpyxl
import pytest
import wall_data
from policy_docs import DOC
from sqlalchemy import update

from dashboard import api, policy_routes
from dashboard.app import create_app
from dashboard.config import Settings
from datasource import policy
from datasource.engine import make_sessions
from datasource.models import Region
from layouts import export, ids, spreadsheet

EVIL = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]
ESCAPED = ["'" + e for e in EVIL]


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def xlsx_cells(data: bytes) -> list[tuple[object, str]]:
    """(value, openpyxl data type) of every non-empty cell, row by row."""
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return [(c.value, c.data_type) for row in sheet.iter_rows() for c in row if c.value is not None]


def test_the_cell_layer_escapes_text_and_leaves_numbers():
    assert [spreadsheet.csv_cell(e) for e in EVIL] == ESCAPED
    plain = (-5, -0.5, "安徽省", "", None, "a=b", "-0.07", "+5", "-3.2%", "-1e-3", "−1.0%")
    assert [spreadsheet.csv_cell(v) for v in plain] == list(plain)
    assert [spreadsheet.csv_cell(v) for v in ("-1-1", "-0.07+A1", "-", "+")] == [
        "'-1-1",
        "'-0.07+A1",
        "'-",
        "'+",
    ]


def test_the_regions_page_table_export_writes_names_as_text():
    columns = [("name", "地区"), ("value", "排放量")]
    records = [{"name": e, "value": -1.5} for e in EVIL]
    rows = csv_rows(export.table_csv(columns, records))
    assert [r[0] for r in rows[1:]] == ESCAPED
    assert [r[1] for r in rows[1:]] == ["-1.5"] * 6
    cells = xlsx_cells(export.table_xlsx(columns, records, sheet="排名", title="=TITLE"))
    assert cells[0] == ("=TITLE", "s")
    assert [c for c in cells if c[0] in EVIL] == [(e, "s") for e in EVIL]
    assert (-1.5, "n") in cells


@pytest.fixture
def evil_pool(engine):
    wall_data.pool(engine)
    names = dict(zip(["340102", "340103"], EVIL[:2], strict=True))
    with engine.begin() as conn:
        for code, name in names.items():
            conn.execute(update(Region).where(Region.code == code).values(name_zh=name))
    return engine


def test_api_csv_and_xlsx_write_region_names_as_text(evil_pool):
    server = flask.Flask(__name__)
    api.register(server, sessions=make_sessions(evil_pool), engine=evil_pool, settings=Settings())
    client = server.test_client()
    rows = csv_rows(client.get("/api/v1/regions?parent=340100&format=csv").data)
    names = {r[0]: r[3] for r in rows[1:]}
    assert [names[c] for c in ("340102", "340103")] == ESCAPED[:2]
    cells = xlsx_cells(client.get("/api/v1/regions?parent=340100&format=xlsx").data)
    assert [c for c in cells if c[0] in EVIL] == [(e, "s") for e in EVIL[:2]]


def test_the_wall_ranking_export_writes_region_names_as_text(evil_pool, db_url, tmp_path):
    app = create_app(
        Settings(database_url=db_url, run_scheduler=False, geo_cache_dir=str(tmp_path))
    )
    client = app.server.test_client()
    page = {"lang": "zh", "kiosk": False, "root": "100000", "views": ["100000"]}
    files = {}
    for fmt, clicks in (("csv", (1, 0)), ("xlsx", (1, 1))):
        trigger = ids.EXPORT_XLSX if fmt == "xlsx" else ids.EXPORT_CSV
        body = {
            "output": f"{ids.DOWNLOAD}.data",
            "outputs": {"id": ids.DOWNLOAD, "property": "data"},
            "inputs": [
                {"id": ids.EXPORT_CSV, "property": "n_clicks", "value": clicks[0]},
                {"id": ids.EXPORT_XLSX, "property": "n_clicks", "value": clicks[1]},
            ],
            "state": [
                {"id": ids.FOCUS, "property": "data", "value": {"code": "340100", "s": 1}},
                {"id": ids.PAGE, "property": "data", "value": page},
            ],
            "changedPropIds": [f"{trigger}.n_clicks"],
        }
        response = client.post("/_dash-update-component", json=body)
        assert response.status_code == 200, response.data[:300]
        data = json.loads(response.data)["response"][ids.DOWNLOAD]["data"]
        files[fmt] = base64.b64decode(data["content"])
    rows = csv_rows(files["csv"])
    by_code = {r[0]: r[1] for r in rows[1:3]}
    assert [by_code[c] for c in ("340102", "340103")] == ESCAPED[:2]
    cells = xlsx_cells(files["xlsx"])
    assert sorted(c for c in cells if c[0] in EVIL) == sorted((e, "s") for e in EVIL[:2])


def test_the_policy_statistics_export_writes_titles_and_agencies_as_text(engine, sessions):
    with sessions() as s, s.begin():
        doc_id = policy.create_document(
            s, {**DOC, "title": EVIL[0], "agency": EVIL[3]}, actor="seed"
        )
        assert policy.count_view(s, doc_id, "reader")
    app = flask.Flask(__name__)
    policy_routes.register(app, sessions=sessions, settings=Settings(secret_key="k" * 32))
    client = app.test_client()
    period = policy.utcnow().strftime("%Y-%m")
    query = f"/api/policy/stats/export?tab=policy&kind=month&period={period}"
    text = [c for row in csv_rows(client.get(query + "&format=csv").data) for c in row]
    assert ESCAPED[0] in text and ESCAPED[3] in text
    assert EVIL[0] not in text and EVIL[3] not in text
    cells = xlsx_cells(client.get(query + "&format=xlsx").data)
    assert (EVIL[0], "s") in cells and (EVIL[3], "s") in cells
    assert all(t != "f" for _, t in cells)
