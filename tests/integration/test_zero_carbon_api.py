"""GET /api/v1/parks/{code} carries the park's zero-carbon yardstick in issue 21's shape, on
SQLite and PostgreSQL; null for a park that reported none."""

from __future__ import annotations

import pytest
from flask import Flask
from pdi_parks import SCORES, add_parks
from test_zero_carbon_ingest import GOOD

from dashboard import api_parks
from datasource import pdi_store
from datasource.engine import make_sessions
from datasource.ingest import ingest_bytes


@pytest.fixture
def client(engine):
    add_parks(engine)
    assert pdi_store.ingest_pdi_bytes(engine, SCORES.encode(), "pdi_scores").ok
    assert ingest_bytes(engine, GOOD.encode(), "zc.csv").ok
    server = Flask(__name__)
    api_parks.register(server, sessions=make_sessions(engine))
    return server.test_client()


def test_a_park_meeting_the_smaller_tier(client):
    r = client.get("/api/v1/parks/E1")
    assert r.status_code == 200
    # 2026: 90 000 t / 500 000 tce = 0.18 <= 0.20 (tier 200 000-1 000 000 tce)
    assert r.get_json()["zero_carbon"] == {
        "period": "2026",
        "energy_tce": 500000.0,
        "core": {
            "value": 0.18,
            "unit": "tCO2/tce",
            "threshold": 0.2,
            "tier": "200000-1000000",
            "met": True,
        },
        "guiding": [
            {"indicator": "clean_energy_share", "value": 92.0, "threshold": None, "met": None},
            {"indicator": "product_energy_grade", "value": 1.0, "threshold": None, "met": None},
            {"indicator": "solid_waste_utilisation", "value": 85.0, "threshold": None, "met": None},
            {"indicator": "waste_heat_utilisation", "value": 55.0, "threshold": None, "met": None},
            {"indicator": "water_reuse", "value": 91.0, "threshold": None, "met": None},
        ],
        "status": "met",
    }


def test_a_park_below_the_tiers_gets_its_value_and_no_threshold(client):
    body = client.get("/api/v1/parks/A1").get_json()["zero_carbon"]
    # 30 000 / 150 000 = 0.2; 150 000 tce is under the 200 000 tce tier
    assert (body["energy_tce"], body["core"], body["status"]) == (
        150000.0,
        {"value": 0.2, "unit": "tCO2/tce", "threshold": None, "tier": None, "met": None},
        "below_tiers",
    )
    assert [g["value"] for g in body["guiding"]] == [None] * 5


def test_a_park_without_values_has_null(client):
    body = client.get("/api/v1/parks/E2").get_json()
    assert body["code"] == "E2"
    assert body["zero_carbon"] is None


def _page_app(engine):
    import dash

    from callbacks import parks as parks_callbacks
    from layouts.pages import parks as page

    app = dash.Dash(__name__, suppress_callback_exceptions=True)
    app.layout = page.build(None, {"park": "E1"}, "zh")
    parks_callbacks.register(app, sessions=make_sessions(engine), settings=None)
    return app, page


def test_the_parks_page_panel_and_its_exports(engine):
    import base64
    import io

    import openpyxl
    from dash_calls import call, text

    add_parks(engine)
    assert ingest_bytes(engine, GOOD.encode(), "zc.csv").ok
    app, page = _page_app(engine)
    client = app.server.test_client()
    key = next(k for k in app.callback_map if page.ZC_HEAD in k)  # the panel, not the radar
    outputs = [
        {"id": o.split(".")[0], "property": o.split(".")[1]} for o in key.strip(".").split("...")
    ]
    response = client.post(
        "/_dash-update-component",
        json={
            "output": key,
            "outputs": outputs,
            "inputs": [{"id": page.PARK, "property": "value", "value": "E1"}],
            "changedPropIds": [f"{page.PARK}.value"],
            "state": [],
        },
    )
    out = response.json["response"]
    assert text(out[page.ZC_HEAD]["children"]).startswith("达标2026 年 · 年综合能耗 50 万吨标准煤")
    assert "≤ 0.20（20–100 万吨标准煤）" in text(out[page.ZC_TABLE]["children"])
    trend = out[page.ZC_TREND]["figure"]["data"][0]
    assert (trend["x"], [round(v, 3) for v in trend["y"]]) == (["2025", "2026"], [0.25, 0.18])

    csv = call(client, app, (page.ZC_CSV, "n_clicks"), [1, None], state={page.PARK: "E1"})
    download = csv[page.ZC_DOWNLOAD]["data"]
    assert download["filename"] == "zero-carbon-E1-2026.csv"
    lines = base64.b64decode(download["content"]).decode("utf-8-sig").splitlines()
    assert lines[1].startswith("单位能耗碳排放（核心指标）,吨CO₂/吨标准煤,0.25,0.18,-0.07,≤ 0.20")
    xlsx = call(client, app, (page.ZC_XLSX, "n_clicks"), [None, 1], state={page.PARK: "E1"})
    download = xlsx[page.ZC_DOWNLOAD]["data"]
    assert download["filename"] == "zero-carbon-E1-2026.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(download["content"])))
    assert book.active.title == "零碳园区指标"
    assert book.active["A1"].value == "园区E1 零碳园区指标 2026 年 · 达标"
