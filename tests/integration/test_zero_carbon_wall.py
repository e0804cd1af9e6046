"""The wall's zero-carbon park layer through the app's wall callback (issue 21), on SQLite and
PostgreSQL: map mode zero_carbon draws the province's and the city's reporting parks coloured by
status, and a park's card on click carries its status and core indicator."""

from __future__ import annotations

import json

import pytest
import wall_data

from callbacks import wall as wall_callbacks
from dashboard.app import create_app
from dashboard.config import Settings
from datasource.ingest import ingest_bytes
from layouts import figures_zero_carbon, ids

# P34010201 (瑶海化工园): 110 000 / 500 000 = 0.22 > 0.20, not met
# P34010301 (庐阳电子园): 90 000 / 500 000 = 0.18 <= 0.20 with all six reported, met
VALUES = """park_code,period,indicator,value,unit
P34010201,2026,energy_consumption,50,万吨标准煤
P34010201,2026,energy_co2,11,万吨
P34010301,2026,energy_consumption,500000,tce
P34010301,2026,energy_co2,90000,t
P34010301,2026,clean_energy_share,92,%
P34010301,2026,product_energy_grade,1,级
P34010301,2026,solid_waste_utilisation,85,%
P34010301,2026,waste_heat_utilisation,55,%
P34010301,2026,water_reuse,91,%
"""
PAGE = {"lang": "zh", "kiosk": False, "root": "100000", "views": ["100000"], "resume_ms": 60000}


@pytest.fixture
def client(engine, db_url, tmp_path):
    wall_data.pool(engine)
    assert ingest_bytes(engine, VALUES.encode(), "zc.csv").ok
    (tmp_path / "geo" / "layer").mkdir(parents=True)
    app = create_app(
        Settings(database_url=db_url, run_scheduler=False, geo_cache_dir=str(tmp_path / "geo"))
    )
    return app.server.test_client()


def _id(component):
    return (
        json.dumps(component, separators=(",", ":")) if isinstance(component, dict) else component
    )


def wall(client, code, *, pick=None, mode="zero_carbon"):
    """The wall's one callback (its outputs as callbacks.wall registers them), by output id."""
    outputs = list(wall_callbacks.OUTPUTS)
    body = {
        "output": ".." + "...".join(f"{_id(i)}.{p}" for i, p in outputs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [
            {"id": ids.FOCUS, "property": "data", "value": {"code": code, "s": 1}},
            {"id": ids.VERSION, "property": "data", "value": 1},
            {"id": ids.PICK, "property": "data", "value": pick},
            {"id": ids.MAP_MODE, "property": "value", "value": mode},
        ],
        "state": [{"id": ids.PAGE, "property": "data", "value": PAGE}],
        "changedPropIds": [f"{ids.FOCUS}.data"],
    }
    resp = client.post("/_dash-update-component", json=body)
    assert resp.status_code == 200
    return resp.get_json()["response"]


def texts(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [s for n in node for s in texts(n)]
    if isinstance(node, dict):
        return texts(node.get("props", {}).get("children")) if "props" in node else []
    return []


@pytest.mark.parametrize("code", ["340000", "340100"])
def test_province_and_city_maps_colour_parks_by_status(client, code):
    out = wall(client, code)
    traces = out[ids.MAP]["figure"]["data"]
    parks = [t for t in traces if t.get("meta") == "parks"]
    assert len(parks) == 1
    layer = parks[0]
    assert layer["customdata"] == ["P34010201", "P34010301"]
    colours = figures_zero_carbon.STATUS_COLOURS
    assert layer["marker"]["color"] == [colours["not_met"], colours["met"]]
    assert "零碳园区（2026）：<b>未达标</b>" in layer["text"][0]
    assert "0.220 吨CO₂/吨标准煤（阈值 ≤ 0.20）" in layer["text"][0]
    legend = texts(out[ids.MAP_LEGEND]["children"])
    assert legend[-5:] == ["园区颜色：零碳园区指标", "达标", "未达标", "数据不全", "低于分档下限"]


def test_intensity_mode_keeps_the_pdi_layer(client):
    traces = wall(client, "340100", mode="intensity")[ids.MAP]["figure"]["data"]
    parks = [t for t in traces if t.get("meta") == "parks"]
    assert [t["name"] for t in parks] == ["园区"]
    assert "marker" in parks[0] and "colorscale" in parks[0]["marker"]


def test_a_parks_card_on_click_at_the_province(client):
    pick = {"park": "P34010301", "at": "340000"}
    card = texts(wall(client, "340000", pick=pick)[ids.DETAIL]["children"])
    assert card == [
        "庐阳电子园",
        "电子信息",
        "零碳园区（2026）",
        "达标",
        "单位能耗碳排放",
        "0.180 吨CO₂/吨标准煤（阈值 ≤ 0.20）",
    ]


def test_the_city_card_adds_the_zero_carbon_lines_to_the_pdi_card(client):
    pick = {"park": "P34010201", "at": "340100"}
    card = texts(wall(client, "340100", pick=pick, mode="intensity")[ids.DETAIL]["children"])
    assert card[0] == "瑶海化工园"
    assert card[-4:] == [
        "零碳园区（2026）",
        "未达标",
        "单位能耗碳排放",
        "0.220 吨CO₂/吨标准煤（阈值 ≤ 0.20）",
    ]
