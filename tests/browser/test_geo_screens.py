"""The real map layers drawn by plotly in headless Chromium, served by geo_routes, offline."""

from __future__ import annotations

import json
from pathlib import Path

import dash
import plotly.graph_objects as go
import pytest
from dash import dcc, html
from dash.testing.wait import until
from selenium.webdriver.common.by import By

from dashboard import geo_routes
from geo import layers

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture(scope="session")
def geo_cache(tmp_path_factory) -> Path:
    root = tmp_path_factory.getbasetemp() / "geo-cache"
    layers.build_all(root)
    return root


def _app(cache_dir: Path, url: str, codes: list[str], dashes: bool) -> dash.Dash:
    app = dash.Dash(__name__, update_title=None)
    geo_routes.register(app.server, cache_dir)
    fig = go.Figure(
        go.Choropleth(
            geojson=url,  # a URL: the browser fetches the layer, the figure carries no geometry
            featureidkey="id",
            locations=codes,
            z=list(range(len(codes))),
            colorscale="Viridis",
            marker_line=dict(color="white", width=0.5),
            showscale=False,
        )
    )
    if dashes:
        lons, lats = layers.dashes_lonlat(cache_dir)
        fig.add_trace(
            go.Scattergeo(lon=lons, lat=lats, mode="lines", line=dict(color="red", width=2))
        )
    fig.update_geos(
        visible=False, fitbounds="locations", projection_type="mercator", bgcolor="#0b1a2e"
    )
    fig.update_layout(margin=dict(l=0, r=0, t=0, b=0), showlegend=False, paper_bgcolor="#0b1a2e")
    app.layout = html.Div(
        dcc.Graph(
            id="map",
            figure=fig,
            config={"topojsonURL": geo_routes.TOPOJSON_URL},
            style={"height": "96vh"},
        ),
    )
    return app


def _draw(dash_duo, cache_dir: Path, url: str, path: Path, dashes: bool, shot: str) -> None:
    codes = [f["id"] for f in json.loads(path.read_bytes())["features"]]
    dash_duo.driver.set_window_size(1600, 1000)
    dash_duo.start_server(_app(cache_dir, url, codes, dashes))
    driver = dash_duo.driver
    until(
        lambda: len(driver.find_elements(By.CSS_SELECTOR, "path.choroplethlocation")) == len(codes),
        timeout=60,
    )
    drawn = driver.find_elements(By.CSS_SELECTOR, "path.choroplethlocation")
    # every region got a real outline (a wrongly wound ring would cover the whole globe)
    assert all(len(p.get_attribute("d") or "") > 20 for p in drawn)
    if dashes:
        assert len(driver.find_elements(By.CSS_SELECTOR, ".scattergeo path.js-line")) == 1
    SHOTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(SHOTS / shot))
    resources = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert any(r.endswith("/geo/topojson/world_110m.json") for r in resources)
    assert [r for r in resources if not r.startswith(dash_duo.server_url)] == []
    assert dash_duo.get_logs() == []


def test_geo001_national_view_with_taiwan_and_the_dashes(dash_duo, geo_cache):
    path = layers.layer_file(geo_cache, "100000")
    _draw(dash_duo, geo_cache, "/geo/layer/100000.json", path, True, "geo-national.png")


def test_geo002_anhui_cities(dash_duo, geo_cache):
    path = layers.layer_file(geo_cache, "340000")
    _draw(dash_duo, geo_cache, "/geo/layer/340000.json", path, False, "geo-anhui-cities.png")


def test_geo003_anhui_counties(dash_duo, geo_cache):
    path = layers.counties_file(geo_cache, "340000")
    _draw(dash_duo, geo_cache, "/geo/counties/340000.json", path, False, "geo-anhui-counties.png")


def test_geo004_hefei_counties(dash_duo, geo_cache):
    path = layers.layer_file(geo_cache, "340100")
    _draw(dash_duo, geo_cache, "/geo/layer/340100.json", path, False, "geo-hefei-counties.png")


def test_geo005_hainan_with_sansha_and_the_dashes(dash_duo, geo_cache):
    path = layers.layer_file(geo_cache, "460000")
    _draw(dash_duo, geo_cache, "/geo/layer/460000.json", path, True, "geo-hainan.png")
