"""One server: the wall at /, the pages beside it, the APIs; each path gets its own page."""

from __future__ import annotations

import json

import pytest

from dashboard.app import create_app
from dashboard.config import Settings


@pytest.fixture
def client(engine, db_url, tmp_path):
    settings = Settings(database_url=db_url, run_scheduler=False, geo_cache_dir=str(tmp_path))
    app = create_app(settings)
    return app.server.test_client()


@pytest.mark.parametrize(
    ("path", "marker"),
    [
        ("/", "kpis"),
        ("/analysis/regions", "区域碳排放分析"),
        ("/inventory", "温室气体清单数据查询"),
        ("/parks", "园区"),
        ("/policy", "政策"),
        ("/policy/stats", "政策文件统计"),
        ("/data", "数据资源池 · 数据采集入库与存储管理"),
    ],
)
def test_each_path_lays_out_its_own_page(client, path, marker):
    response = client.get("/_dash-layout", headers={"Referer": f"http://localhost{path}"})
    assert response.status_code == 200
    # decoded, not raw: with or without orjson, non-ASCII may come \u-escaped
    assert marker in json.dumps(response.get_json(), ensure_ascii=False)


def test_pages_and_apis_share_the_server(client):
    assert client.get("/analysis/gases").status_code == 200  # Dash's index for any page path
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/api/v1/version").status_code == 200
    assert client.get("/api/v1/parks").status_code in (200, 404)
    assert client.get("/api/v1/forecast?region=abc!").status_code == 400
