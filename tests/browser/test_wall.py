"""The wall in headless Chromium: clean console, drill-down, live refresh, offline, screenshots."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import wall_data
from dash.testing.wait import until
from flask import Response
from selenium.webdriver.common.action_chains import ActionChains
from waits import settled

from dashboard.app import create_app
from dashboard.config import Settings
from datasource.engine import make_engine
from datasource.schema import migrate

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).parent / "screenshots"

# Hand-made squares (exterior rings clockwise, as d3-geo wants), used when geo isn't wired in.
BOXES = {
    "100000": {
        "340000": (114.9, 29.4, 119.6, 34.6),
        "320000": (119.8, 30.8, 121.9, 35.1),
        "460000": (108.6, 18.2, 111.0, 20.1),
    },
    "340000": {"340100": (116.7, 30.9, 118.0, 32.6), "340200": (118.1, 30.3, 118.8, 31.5)},
    "340100": {"340102": (117.3, 31.8, 117.5, 32.1), "340103": (117.1, 31.8, 117.3, 32.1)},
}


def _square(x0, y0, x1, y1):
    return [[[x0, y0], [x0, y1], [x1, y1], [x1, y0], [x0, y0]]]


def _layer(parent):
    feats = [
        {
            "type": "Feature",
            "id": code,
            "properties": {"code": code},
            "geometry": {"type": "Polygon", "coordinates": _square(*box)},
        }
        for code, box in BOXES.get(parent, {}).items()
    ]
    return {"type": "FeatureCollection", "features": feats}


EMPTY_TOPO = {
    "type": "Topology",
    "arcs": [],
    "objects": {
        name: {"type": "GeometryCollection", "geometries": []}
        for name in ("coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits")
    },
}


def write_test_geo(cache_dir: Path) -> None:
    """The hand-made layers where geo.layers keeps its files (cache_dir/layer/<code>.json)."""
    for parent in BOXES:
        path = cache_dir / "layer" / f"{parent}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(_layer(parent)), "utf-8")


def _serve_test_geo(app, cache_dir: Path):
    """Stand-in /geo routes when dashboard.geo_routes is not there (same URLs)."""
    if any(str(r.rule).startswith("/geo/layer") for r in app.server.url_map.iter_rules()):
        return

    def layer(parent_code):
        path = cache_dir / "layer" / f"{parent_code}.json"
        if not path.is_file():
            return Response("{}", status=404, mimetype="application/json")
        return Response(path.read_text("utf-8"), mimetype="application/json")

    def topo(name):
        return Response(json.dumps(EMPTY_TOPO), mimetype="application/json")

    app.server.add_url_rule("/geo/layer/<parent_code>.json", "test_layer", layer)
    app.server.add_url_rule("/geo/topojson/<name>.json", "test_topo", topo)


@pytest.fixture
def wall_db(tmp_path):
    url = f"sqlite:///{tmp_path}/wall.sqlite"
    engine = make_engine(url)
    migrate(engine)
    wall_data.pool(engine)
    write_test_geo(tmp_path / "geo")
    yield url, engine
    engine.dispose()


def make_app(url, **kw):
    geo = Path(url.removeprefix("sqlite:///")).parent / "geo"
    settings = Settings(database_url=url, run_scheduler=False, geo_cache_dir=str(geo), **kw)
    app = create_app(settings)
    _serve_test_geo(app, geo)
    return app


REGIONS = "#map-graph .choroplethlayer .trace:first-child .choroplethlocation"  # coloured ones


def wait_drawn(dash_duo, n_regions, timeout=10):
    until(lambda: len(dash_duo.find_elements(REGIONS)) == n_regions, timeout)
    until(lambda: dash_duo.find_elements("#kpi-row .kpi-value"), timeout)
    until(lambda: dash_duo.find_elements("#trend-graph .scatterlayer .trace"), timeout)
    until(lambda: dash_duo.find_elements("#forecast-graph .scatterlayer .trace"), timeout)
    until(lambda: dash_duo.find_elements("#gas-graph .slice"), timeout)


def text(dash_duo, selector):
    """innerText read in the page (no element handle that a re-render can make stale)."""
    return dash_duo.driver.execute_script(
        "const e = document.querySelector(arguments[0]); return e ? e.innerText : null;", selector
    )


def crumbs(dash_duo):
    return (text(dash_duo, "#breadcrumb") or "").replace("\n", "")


def viewport(driver, width, height):
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )


def test_wall001_loads_clean_console(dash_duo, wall_db):
    dash_duo.start_server(make_app(wall_db[0]))
    wait_drawn(dash_duo, 3)
    assert crumbs(dash_duo) == "全国"
    assert text(dash_duo, "#freshness-line").startswith("数据期 2024 年")
    assert dash_duo.get_logs() == []


def _click_region(dash_duo, code):
    paths = dash_duo.find_elements(REGIONS)
    locations = dash_duo.driver.execute_script(
        "return document.getElementById('map-graph').querySelector('.js-plotly-plot')"
        ".data[0].locations;"
    )
    target = paths[locations.index(code)]
    ActionChains(dash_duo.driver).move_to_element(target).click_and_hold().release().perform()


def test_wall002_click_drills_down_and_back(dash_duo, wall_db):
    dash_duo.start_server(make_app(wall_db[0]))
    wait_drawn(dash_duo, 3)
    before = text(dash_duo, "#kpi-row")
    _click_region(dash_duo, "340000")
    until(lambda: crumbs(dash_duo) == "全国›安徽省", 5)
    until(lambda: "region=340000" in dash_duo.driver.current_url, 5)
    wait_drawn(dash_duo, 2)
    until(lambda: text(dash_duo, "#kpi-row") != before, 5)
    until(lambda: "合肥" in text(dash_duo, "#ranking-tables"), 5)
    _click_region(dash_duo, "340100")
    until(lambda: crumbs(dash_duo) == "全国›安徽省›合肥市", 5)
    until(lambda: "合肥市" in text(dash_duo, "#detail-card"), 5)
    dash_duo.find_element("#breadcrumb button").click()  # 全国
    until(lambda: crumbs(dash_duo) == "全国", 5)
    wait_drawn(dash_duo, 3)
    assert dash_duo.get_logs() == []


def test_wall003_new_data_shows_within_two_intervals(dash_duo, wall_db):
    url, engine = wall_db
    dash_duo.start_server(make_app(url, refresh_seconds=1))
    wait_drawn(dash_duo, 3)
    dash_duo.driver.execute_script("window.cwNoReload = 42;")
    tile = "#kpi-row .kpi-tile:first-child .kpi-value"
    before = text(dash_duo, tile)
    wall_data.set_energy(engine, "320000", "2024", 500_000_000.0)
    written = time.monotonic()
    until(lambda: text(dash_duo, tile) != before, 4)
    assert time.monotonic() - written < 2 * 1 + 1.0  # two refresh intervals, plus drawing
    assert dash_duo.driver.execute_script("return window.cwNoReload;") == 42
    assert dash_duo.get_logs() == []


def test_wall004_no_request_leaves_the_server(dash_duo, wall_db):
    dash_duo.start_server(make_app(wall_db[0]))
    wait_drawn(dash_duo, 3)
    _click_region(dash_duo, "340000")
    wait_drawn(dash_duo, 2)
    urls = dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name);"
    )
    outside = [u for u in urls if not u.startswith(dash_duo.server_url)]
    assert urls and outside == []


def test_wall005_screenshots_without_scrollbars(dash_duo, wall_db):
    SHOTS.mkdir(exist_ok=True)
    dash_duo.start_server(make_app(wall_db[0]))
    for width, height in ((1920, 1080), (3840, 2160)):
        viewport(dash_duo.driver, width, height)
        dash_duo.driver.get(dash_duo.server_url + "/?region=340000")
        wait_drawn(dash_duo, 2)
        sizes = settled(  # the layout has stopped moving
            lambda: dash_duo.driver.execute_script(
                "const d = document.documentElement;"
                "return [d.scrollWidth, d.scrollHeight, window.innerWidth, window.innerHeight];"
            )
        )
        assert sizes == [width, height, width, height]
        dash_duo.driver.save_screenshot(str(SHOTS / f"wall-{width}x{height}.png"))
    assert dash_duo.get_logs() == []


def test_wall006_forged_and_junk_regions_are_calm(dash_duo, wall_db):
    dash_duo.start_server(make_app(wall_db[0]))
    dash_duo.driver.get(dash_duo.server_url + "/?region=999999")
    until(lambda: "未找到地区代码 999999" in (text(dash_duo, "#notice-line") or ""), 10)
    wait_drawn(dash_duo, 3)
    dash_duo.driver.get(dash_duo.server_url + "/?region=<script>1</script>")
    wait_drawn(dash_duo, 3)
    assert crumbs(dash_duo) == "全国"
    assert text(dash_duo, "#notice-line") == ""
    assert dash_duo.get_logs() == []


def test_wall007_kiosk_rotates_and_hides_controls(dash_duo, wall_db):
    app = make_app(wall_db[0], kiosk_views="340000,340100", kiosk_dwell_seconds=1)
    dash_duo.start_server(app)
    dash_duo.driver.get(dash_duo.server_url + "/?kiosk=1")
    until(lambda: crumbs(dash_duo) == "全国›安徽省", 10)
    until(lambda: crumbs(dash_duo) == "全国›安徽省›合肥市", 10)
    assert not dash_duo.find_element("#controls").is_displayed()
    until(lambda: crumbs(dash_duo) == "全国", 10)
    assert dash_duo.get_logs() == []


def test_wall008_english(dash_duo, wall_db):
    dash_duo.start_server(make_app(wall_db[0]))
    dash_duo.driver.get(dash_duo.server_url + "/?lang=en&region=340000")
    wait_drawn(dash_duo, 2)
    assert crumbs(dash_duo) == "China›Anhui"
    assert text(dash_duo, "#wall-title") == "Carbon Emissions Situation Wall"


def test_wall009_city_view_shows_parks_and_a_park_click_opens_its_card(dash_duo, wall_db):
    SHOTS.mkdir(exist_ok=True)
    dash_duo.start_server(make_app(wall_db[0]))
    viewport(dash_duo.driver, 1920, 1080)
    dash_duo.driver.get(dash_duo.server_url)  # the figures' scale is read at page load
    wait_drawn(dash_duo, 3)
    _click_region(dash_duo, "340000")
    until(lambda: crumbs(dash_duo) == "全国›安徽省", 5)
    wait_drawn(dash_duo, 2)
    assert dash_duo.find_elements("#map-graph .scattergeo .point") == []  # no parks above a city
    _click_region(dash_duo, "340100")
    until(lambda: crumbs(dash_duo) == "全国›安徽省›合肥市", 5)
    until(lambda: len(dash_duo.find_elements("#map-graph .scattergeo .point")) == 2, 5)
    until(lambda: "最新政策" in (text(dash_duo, "#detail-card") or ""), 5)
    assert "达峰研判" in text(dash_duo, "#detail-card")
    marker = dash_duo.find_elements("#map-graph .scattergeo .point")[0]  # 瑶海化工园, the larger
    ActionChains(dash_duo.driver).move_to_element(marker).click_and_hold().release().perform()
    until(lambda: "瑶海化工园" in (text(dash_duo, "#detail-card") or ""), 5)
    card = text(dash_duo, "#detail-card")
    assert "PDI 总分" in card and "2.65" in card and "行业内第 1 / 1（化工）" in card
    assert "低碳表现力（50%）" in card and "3.50" in card
    assert crumbs(dash_duo) == "全国›安徽省›合肥市"  # a park never drills further
    settled(lambda: len(dash_duo.driver.page_source))  # the card and the map are drawn
    dash_duo.driver.save_screenshot(str(SHOTS / "wall-park-card-1920x1080.png"))
    dash_duo.find_element("#map-mode label:nth-child(2)").click()  # 目标进度
    until(lambda: "颜色：目标进度" in (text(dash_duo, "#map-legend") or ""), 5)
    assert "瑶海化工园" in text(dash_duo, "#detail-card")  # the pick survives a recolouring
    dash_duo.find_element("#breadcrumb button:nth-of-type(2)").click()  # 安徽省
    until(lambda: crumbs(dash_duo) == "全国›安徽省", 5)
    until(lambda: "瑶海化工园" not in (text(dash_duo, "#detail-card") or ""), 5)
    assert dash_duo.get_logs() == []


def _dash_posts(dash_duo, since):
    return dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource').filter(e => "
        "e.name.includes('_dash-update-component') && e.startTime >= arguments[0]).length;",
        since,
    )


def test_wall010_a_map_click_asks_the_server_once(dash_duo, wall_db):
    dash_duo.start_server(make_app(wall_db[0]))
    wait_drawn(dash_duo, 3)
    settled(lambda: _dash_posts(dash_duo, 0))  # nothing else in flight
    t0 = dash_duo.driver.execute_script("return performance.now();")
    _click_region(dash_duo, "340000")
    until(lambda: crumbs(dash_duo) == "全国›安徽省", 5)
    wait_drawn(dash_duo, 2)
    until(lambda: "合肥" in text(dash_duo, "#ranking-tables"), 5)
    # a second request, if any, would have gone out before the count stays still for 0.5 s
    assert settled(lambda: _dash_posts(dash_duo, t0)) == 1  # every panel in one response
    t1 = dash_duo.driver.execute_script("return performance.now();")
    dash_duo.find_element("#map-mode label:nth-child(2)").click()  # 目标进度: the map alone
    until(lambda: "颜色：目标进度" in (text(dash_duo, "#map-legend") or ""), 5)
    assert settled(lambda: _dash_posts(dash_duo, t1)) == 1
    assert crumbs(dash_duo) == "全国›安徽省"
    assert dash_duo.get_logs() == []
