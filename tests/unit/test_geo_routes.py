"""The /geo/ routes: cached layers with ETag, 304, gzip, and a JSON 404 for bad codes."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import flask
import pytest

from dashboard import geo_routes
from geo import layers


@pytest.fixture(scope="session")
def geo_cache(tmp_path_factory) -> Path:
    """Same folder as test_geo_layers' fixture: built once per session."""
    root = tmp_path_factory.getbasetemp() / "geo-cache"
    layers.build_all(root)
    return root


@pytest.fixture
def client(geo_cache):
    server = flask.Flask(__name__)
    geo_routes.register(server, geo_cache)
    return server.test_client()


def test_layer_is_served_with_a_strong_etag_and_long_caching(client, geo_cache):
    raw = layers.layer_file(geo_cache, "100000").read_bytes()
    response = client.get("/geo/layer/100000.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    assert response.headers["Vary"] == "Accept-Encoding"
    assert response.headers["ETag"] == f'"{hashlib.sha256(raw).hexdigest()[:32]}"'
    assert "Content-Encoding" not in response.headers
    assert response.data == raw
    assert len(json.loads(response.data)["features"]) == 34


def test_matching_if_none_match_gets_304_without_a_body(client):
    etag = client.get("/geo/layer/340000.json").headers["ETag"]
    response = client.get("/geo/layer/340000.json", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag
    stale = client.get("/geo/layer/340000.json", headers={"If-None-Match": '"stale"'})
    assert stale.status_code == 200


def test_gzip_twin_is_sent_to_clients_that_accept_it(client, geo_cache):
    plain = client.get("/geo/layer/340100.json")
    packed = client.get("/geo/layer/340100.json", headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.headers["ETag"] == plain.headers["ETag"][:-1] + '-gz"'
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 2
    again = client.get(
        "/geo/layer/340100.json",
        headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]},
    )
    assert again.status_code == 304


def _error(message: str) -> dict:
    return {"error": {"code": "not_found", "message": message, "field": "parent_code"}}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/geo/layer/999999.json", "no children map layer for region 999999"),
        ("/geo/layer/340102.json", "no children map layer for region 340102"),  # a county
        ("/geo/layer/../etc/passwd", "not a 6-digit region code: '../etc/passwd'"),
        ("/geo/layer/..%2F..%2Fetc%2Fpasswd", "not a 6-digit region code: '../../etc/passwd'"),
        ("/geo/layer/34000.json", "not a 6-digit region code: '34000.json'"),
        ("/geo/layer/340000.json.gz", "not a 6-digit region code: '340000.json.gz'"),
        ("/geo/layer/abc/340000.json", "not a 6-digit region code: 'abc/340000.json'"),
        ("/geo/counties/340100.json", "no counties map layer for region 340100"),
    ],
)
def test_unknown_or_malformed_codes_get_a_json_404(client, url, message):
    response = client.get(url)
    assert response.status_code == 404
    assert response.json == _error(message)


def test_counties_and_dashes_are_served(client):
    counties = client.get("/geo/counties/340000.json")
    assert len(counties.json["features"]) == 104
    dashes = client.get("/geo/dashes.json")
    assert dashes.headers["Cache-Control"] == "public, max-age=86400"
    assert dashes.json["features"][0]["geometry"]["type"] == "MultiLineString"


def test_topojson_for_plotly_is_an_empty_topology(client):
    response = client.get("/geo/topojson/world_110m.json")
    assert response.status_code == 200
    body = response.json
    assert body["type"] == "Topology"
    assert body["arcs"] == []
    assert body["objects"]["land"] == {"type": "GeometryCollection", "geometries": []}
    assert client.get("/geo/topojson/asia_50m.json").status_code == 200
    assert client.get("/geo/topojson/../x.json").status_code == 404


def test_unbuilt_cache_gives_404_not_a_crash(tmp_path):
    server = flask.Flask(__name__)
    geo_routes.register(server, tmp_path)
    response = server.test_client().get("/geo/dashes.json")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
