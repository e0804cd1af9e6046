"""The wall's callbacks through Flask's test client (POST /_dash-update-component)."""

from __future__ import annotations

import json

import pytest
import wall_data

from dashboard.app import create_app
from dashboard.config import Settings
from layouts import ids


@pytest.fixture
def app(engine, db_url):
    wall_data.pool(engine)
    return create_app(
        Settings(database_url=db_url, run_scheduler=False, geo_cache_dir="/nonexistent")
    )


@pytest.fixture
def client(app):
    return app.server.test_client()


def _id(component):
    return (
        json.dumps(component, separators=(",", ":"), sort_keys=True)
        if isinstance(component, dict)
        else component
    )


def post(client, outputs, inputs, state=(), changed=None):
    """Call one callback: outputs [(id, prop)], inputs/state [(id, prop, value)]."""
    out = [{"id": i, "property": p} for i, p in outputs]
    body = {
        "output": ".." + "...".join(f"{_id(i)}.{p}" for i, p in outputs) + ".."
        if len(outputs) > 1
        else f"{_id(outputs[0][0])}.{outputs[0][1]}",
        "outputs": out if len(outputs) > 1 else out[0],
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
        "changedPropIds": changed or [f"{_id(inputs[0][0])}.{inputs[0][1]}"],
    }
    return client.post("/_dash-update-component", json=body)


PAGE = {"lang": "zh", "kiosk": False, "root": "100000", "views": ["100000"], "resume_ms": 60000}
HEADER_OUT = [
    (ids.BREADCRUMB, "children"),
    (ids.DETAIL, "children"),
    (ids.NOTICE, "children"),
]


def kpis(client, code, page=PAGE):
    resp = post(
        client,
        [(ids.KPIS, "children")],
        [(ids.FOCUS, "data", {"code": code, "s": 1}), (ids.VERSION, "data", 1)],
        [(ids.PAGE, "data", page)],
    )
    assert resp.status_code == 200
    return texts(resp.get_json()["response"][ids.KPIS]["children"])


def header(client, code, page=PAGE):
    return post(
        client,
        HEADER_OUT,
        [(ids.FOCUS, "data", {"code": code, "s": 1}), (ids.VERSION, "data", 1)],
        [(ids.PAGE, "data", page)],
    )


def texts(node) -> list[str]:
    """Every string inside a serialised component tree."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [s for n in node for s in texts(n)]
    if isinstance(node, dict):
        return texts(node.get("props", {}).get("children")) if "props" in node else []
    return []


def test_layout_is_served_with_the_data_version(client):
    layout = client.get("/_dash-layout").get_json()
    flat = json.dumps(layout, ensure_ascii=False)
    assert '"id": "version-store"' in flat.replace('":"', '": "') or "version-store" in flat
    assert "数据期 2024 年" in flat
    assert "碳排放态势监测大屏" in flat


def test_header_follows_a_city(client):
    resp = header(client, "340100")
    assert resp.status_code == 200
    r = resp.get_json()["response"]
    assert texts(r[ids.BREADCRUMB]["children"]) == ["全国", "›", "安徽省", "›", "合肥市"]
    assert kpis(client, "340100")[:3] == ["温室气体排放总量", "219.9", "万吨"]
    detail = texts(r[ids.DETAIL]["children"])
    assert detail[:5] == ["合肥市", "排放量", "219.9 万吨", "强度", "0.149 吨/万元"]
    assert "排放第 1 / 强度第 1（共 2）" in detail
    assert r[ids.NOTICE]["children"] == ""


def test_forged_region_gets_a_calm_message(client):
    resp = header(client, "999999")
    assert resp.status_code == 200
    r = resp.get_json()["response"]
    assert r[ids.NOTICE]["children"] == "未找到地区代码 999999，已返回全局视图"
    assert texts(r[ids.BREADCRUMB]["children"]) == ["全国"]


@pytest.mark.parametrize("junk", ["'; DROP TABLE region;--", "34010", {"x": 1}, None, 340100])
def test_junk_focus_shows_the_root(client, junk):
    resp = post(
        client,
        [(ids.MAP, "figure"), (ids.MAP_LEGEND, "children")],
        [(ids.FOCUS, "data", {"code": junk, "s": "big"}), (ids.VERSION, "data", 1)],
        [(ids.PAGE, "data", PAGE)],
    )
    assert resp.status_code == 200
    fig = resp.get_json()["response"][ids.MAP]["figure"]
    assert fig["data"][0]["geojson"] == "/geo/layer/100000.json"
    assert sorted(fig["data"][0]["locations"]) == ["320000", "340000", "460000"]


def test_map_flags_rose_and_fell(client):
    resp = post(
        client,
        [(ids.MAP, "figure"), (ids.MAP_LEGEND, "children")],
        [(ids.FOCUS, "data", {"code": "340100", "s": 1}), (ids.VERSION, "data", 1)],
        [(ids.PAGE, "data", PAGE)],
    )
    r = resp.get_json()["response"]
    trace = r[ids.MAP]["figure"]["data"][0]
    assert trace["geojson"] == "/geo/layer/340100.json"
    assert trace["locations"] == ["340103", "340102"]  # fell first, rose drawn last on top
    assert trace["marker"]["line"]["color"] == ["#22e07a", "#ff3b3b"]
    assert texts(r[ids.MAP_LEGEND]["children"]) == [
        "强度上升（2024年较2023年）",
        "强度下降（2024年较2023年）",
    ]
    parks = r[ids.MAP]["figure"]["data"][1]
    assert parks["customdata"] == ["P34010201"]


def test_english_page(client):
    resp = header(client, "340000", page={**PAGE, "lang": "en"})
    r = resp.get_json()["response"]
    assert texts(r[ids.BREADCRUMB]["children"]) == ["China", "›", "Anhui"]
    assert kpis(client, "340000", page={**PAGE, "lang": "en"})[:3] == [
        "Total GHG emissions",
        "2.54",
        "Mt",
    ]


def test_idle_tick_is_empty_and_a_new_version_redraws(client, engine):
    tick = [(ids.REFRESH, "n_intervals", 3)]
    state = [(ids.VERSION, "data", 1), (ids.ALERT, "children", None), (ids.PAGE, "data", PAGE)]
    outs = [(ids.VERSION, "data"), (ids.FRESHNESS, "children"), (ids.ALERT, "children")]
    idle = post(client, outs, tick, state)
    assert idle.status_code == 204
    assert idle.data == b""
    wall_data.set_energy(engine, "340102", "2024", 5_000_000.0)
    moved = post(client, outs, tick, state)
    r = moved.get_json()["response"]
    assert r[ids.VERSION]["data"] == 2
    assert r[ids.FRESHNESS]["children"].startswith("数据期 2024 年 · 更新于 ")


def test_database_down_keeps_figures_and_says_how_stale(app, client):
    state_obj = app.carbonwall_state
    state_obj.poll()
    state_obj.sessions.kw["bind"].dispose()
    state_obj.sessions.kw["bind"] = _broken_engine()
    outs = [(ids.VERSION, "data"), (ids.FRESHNESS, "children"), (ids.ALERT, "children")]
    resp = post(
        client,
        outs,
        [(ids.REFRESH, "n_intervals", 4)],
        [(ids.VERSION, "data", 1), (ids.ALERT, "children", None), (ids.PAGE, "data", PAGE)],
    )
    r = resp.get_json()["response"]
    assert list(r) == [ids.ALERT]
    assert (
        r[ids.ALERT]["children"] == "数据暂时无法加载，系统将自动重试（显示的是 1 分钟 前的数据）"
    )


def _broken_engine():
    from sqlalchemy import create_engine

    return create_engine(
        "postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1}
    )


def test_export_csv_and_xlsx(client):
    common = dict(
        state=[(ids.FOCUS, "data", {"code": "340100", "s": 1}), (ids.PAGE, "data", PAGE)],
    )
    csv = post(
        client,
        [(ids.DOWNLOAD, "data")],
        [(ids.EXPORT_CSV, "n_clicks", 1), (ids.EXPORT_XLSX, "n_clicks", 0)],
        **common,
    )
    data = csv.get_json()["response"][ids.DOWNLOAD]["data"]
    assert data["filename"] == "carbonwall-ranking-340100-2024.csv"
    import base64

    text = base64.b64decode(data["content"]).decode("utf-8-sig").splitlines()
    assert text[0].startswith("地区代码,地区,数据期,排放量排名,强度排名")
    assert text[1].startswith("340102,瑶海区,2024,1,1,")
    xlsx = post(
        client,
        [(ids.DOWNLOAD, "data")],
        [(ids.EXPORT_CSV, "n_clicks", 1), (ids.EXPORT_XLSX, "n_clicks", 1)],
        changed=[f"{ids.EXPORT_XLSX}.n_clicks"],
        **common,
    )
    data = xlsx.get_json()["response"][ids.DOWNLOAD]["data"]
    assert data["filename"] == "carbonwall-ranking-340100-2024.xlsx"
    assert base64.b64decode(data["content"])[:2] == b"PK"


def test_panel_error_keeps_the_figure_and_shows_one_calm_sentence(app, client):
    app.carbonwall_state.poll()
    app.carbonwall_state.sessions.kw["bind"] = _broken_engine()
    resp = post(
        client,
        [(ids.TREND, "figure")],
        [(ids.FOCUS, "data", {"code": "340200", "s": 1}), (ids.VERSION, "data", 1)],
        [(ids.PAGE, "data", PAGE)],
    )
    assert resp.status_code == 200
    body = resp.get_json()
    assert "response" not in body or ids.TREND not in body.get("response", {})
    assert body["sideUpdate"] == {ids.ALERT: {"children": "数据暂时无法加载，系统将自动重试"}}
    assert "Traceback" not in resp.get_data(as_text=True)
