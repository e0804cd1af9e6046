"""The parks page's zero-carbon panel in headless Chromium (issue 21): the selected park's six
indicators with 2025 base, newest value, threshold (or 未公布) and verdict; another park below
the tiers; a clean console."""

from __future__ import annotations

from pathlib import Path

import dash
import pytest
from dash.testing.wait import until
from pdi_parks import SCORES, add_parks
from selenium.webdriver.common.by import By

from callbacks import parks as parks_callbacks
from dashboard.app import ASSETS as dashboard_assets
from datasource import pdi_store
from datasource.engine import make_engine, make_sessions
from datasource.ingest import ingest_bytes
from datasource.schema import migrate
from layouts import router, theme
from layouts.pages import parks as page

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).parent / "screenshots"
ASSETS = str(dashboard_assets)

VALUES = """park_code,period,indicator,value,unit
E1,2025,energy_consumption,50,万吨标准煤
E1,2025,energy_co2,12.5,万吨
E1,2025,clean_energy_share,80,%
E1,2025,product_energy_grade,2,级
E1,2025,solid_waste_utilisation,82,%
E1,2025,waste_heat_utilisation,50,%
E1,2025,water_reuse,90,%
E1,2026,energy_consumption,500000,tce
E1,2026,energy_co2,90000,t
E1,2026,clean_energy_share,0.92,fraction
E1,2026,product_energy_grade,1,级
E1,2026,solid_waste_utilisation,85,%
E1,2026,waste_heat_utilisation,55,%
E1,2026,water_reuse,91,%
A1,2026,energy_consumption,15,万吨标准煤
A1,2026,energy_co2,3,万吨
"""


def make_pool(path: Path):
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    add_parks(engine)
    assert pdi_store.ingest_pdi_bytes(engine, SCORES.encode(), "pdi_scores").ok
    report = ingest_bytes(engine, VALUES.encode(), "zc.csv")
    assert report.ok, report.render()
    return engine


def rows(driver) -> list[list[str]]:
    table = driver.find_elements(By.CSS_SELECTOR, f"#{page.ZC_TABLE} tbody tr")
    return [[td.text for td in tr.find_elements(By.TAG_NAME, "td")][:7] for tr in table]


def test_zc001_six_indicators_with_thresholds_and_trend(dash_duo, tmp_path):
    engine = make_pool(tmp_path / "zc.sqlite")
    theme.install()
    app = dash.Dash(__name__, assets_folder=ASSETS, suppress_callback_exceptions=True)
    app.layout = router.frame([], page.build(None, {"park": "E1"}, "zh"))
    parks_callbacks.register(app, sessions=make_sessions(engine), settings=None)
    driver = dash_duo.driver
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False},
    )
    dash_duo.start_server(app)
    dash_duo.wait_for_text_to_equal(f"#{page.ZC_HEAD} .zc-status", "达标", timeout=40)
    summary = dash_duo.find_element(f"#{page.ZC_HEAD} .zc-summary").text
    assert summary == "2026 年 · 年综合能耗 50 万吨标准煤 · 分档 200000-1000000 tce"
    until(lambda: len(rows(driver)) == 6, timeout=10)
    # 2025: 125 000 / 500 000 = 0.250; 2026: 90 000 / 500 000 = 0.180 <= 0.20
    assert rows(driver) == [
        ["单位能耗碳排放（核心指标）", "吨CO₂/吨标准煤", "0.250", "0.180", "-0.070",
         "≤ 0.20（20–100 万吨标准煤）", "达标"],
        ["清洁能源消费占比", "%", "80.0%", "92.0%", "+12.0%", "未公布", "—"],
        ["园区企业产出产品单位能耗（能耗限额等级）", "级", "2 级", "1 级", "-1 级", "未公布", "—"],
        ["工业固体废物综合利用率", "%", "82.0%", "85.0%", "+3.0%", "未公布", "—"],
        ["余热/余冷/余压综合利用率", "%", "50.0%", "55.0%", "+5.0%", "未公布", "—"],
        ["工业用水重复利用率", "%", "90.0%", "91.0%", "+1.0%", "未公布", "—"],
    ]  # fmt: skip
    sources = driver.find_elements(By.CSS_SELECTOR, f"#{page.ZC_TABLE} .zc-source")
    assert "发改环资〔2025〕910号" in sources[0].text
    trend = dash_duo.find_element(f"#{page.ZC_TREND}")
    until(lambda: "0.180" in trend.text and "0.250" in trend.text, timeout=10)
    dash_duo.find_element(f"#{page.ZC_TABLE}").location_once_scrolled_into_view  # noqa: B018
    SHOTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(SHOTS / "parks_zero_carbon.png"))

    # another park, picked in the grid: below the 200 000 tce tier, no threshold invented
    cell = "//div[contains(@class,'ag-center-cols-container')]//div[@col-id='name_zh'][.='园区A1']"
    until(lambda: driver.find_elements(By.XPATH, cell), timeout=10)
    driver.find_element(By.XPATH, cell).click()
    dash_duo.wait_for_text_to_equal(f"#{page.ZC_HEAD} .zc-status", "低于分档下限", timeout=10)
    until(lambda: len(rows(driver)) == 6 and rows(driver)[0][3] == "0.200", timeout=10)
    assert rows(driver)[0] == [
        "单位能耗碳排放（核心指标）",
        "吨CO₂/吨标准煤",
        "—",
        "0.200",
        "—",
        "无（年综合能耗低于 20 万吨标准煤分档下限）",
        "—",
    ]
    assert [r[3] for r in rows(driver)[1:]] == ["—"] * 5
    assert dash_duo.get_logs() == []


# ---------------------------------------------------------------- the wall's park layer

WALL_VALUES = """park_code,period,indicator,value,unit
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
# Anhui's two cities as squares (exterior rings clockwise, as d3-geo wants)
CITIES = {"340100": (116.7, 30.9, 118.0, 32.6), "340200": (118.1, 30.3, 118.8, 31.5)}


def _city_layer() -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": code,
                "properties": {"code": code},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[x0, y0], [x0, y1], [x1, y1], [x1, y0], [x0, y0]]],
                },
            }
            for code, (x0, y0, x1, y1) in CITIES.items()
        ],
    }


def test_zc002_wall_colours_a_provinces_parks_and_opens_a_card(dash_duo, tmp_path):
    import json

    import wall_data

    from dashboard.app import create_app
    from dashboard.config import Settings

    url = f"sqlite:///{tmp_path}/wall.sqlite"
    engine = make_engine(url)
    migrate(engine)
    wall_data.pool(engine)
    assert ingest_bytes(engine, WALL_VALUES.encode(), "zc.csv").ok
    layer = tmp_path / "geo" / "layer" / "340000.json"
    layer.parent.mkdir(parents=True)
    layer.write_text(json.dumps(_city_layer()), "utf-8")
    settings = Settings(
        database_url=url,
        run_scheduler=False,
        geo_cache_dir=str(tmp_path / "geo"),
        root_region="340000",
    )
    dash_duo.start_server(create_app(settings))
    driver = dash_duo.driver
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False},
    )
    driver.get(dash_duo.server_url)
    regions = "#map-graph .choroplethlayer .trace:first-child .choroplethlocation"
    until(lambda: len(driver.find_elements(By.CSS_SELECTOR, regions)) == 2, timeout=30)
    points = "#map-graph .scattergeo .point"
    assert driver.find_elements(By.CSS_SELECTOR, points) == []  # no PDI parks at a province
    driver.find_element(By.CSS_SELECTOR, "#map-mode label:nth-child(3)").click()  # 零碳园区
    until(lambda: len(driver.find_elements(By.CSS_SELECTOR, points)) == 2, timeout=10)
    legend = driver.find_element(By.ID, "map-legend").text
    assert "园区颜色：零碳园区指标" in legend and "低于分档下限" in legend
    colours = driver.execute_script(
        "const gd = document.querySelector('#map-graph .js-plotly-plot');"
        "return gd.data.filter(t => t.meta === 'parks').map(t => t.marker.color);"
    )
    # P34010201: 0.22 > 0.20, not met; P34010301: 0.18 <= 0.20 and all six reported, met
    assert colours == [["#ff3b3b", "#22e07a"]]
    # a click on 庐阳电子园's marker (plotly's own event: the two markers overlap at this zoom)
    driver.execute_script(
        "const gd = document.querySelector('#map-graph .js-plotly-plot');"
        "const i = gd.data.findIndex(t => t.meta === 'parks');"
        "gd.emit('plotly_click', {points: [{curveNumber: i, pointNumber: 1, pointIndex: 1,"
        " customdata: gd.data[i].customdata[1]}]});"
    )
    card = "#detail-card"
    until(lambda: "庐阳电子园" in dash_duo.find_element(card).text, timeout=10)
    text = dash_duo.find_element(card).text
    assert "零碳园区（2026）" in text and "达标" in text
    assert "0.180 吨CO₂/吨标准煤（阈值 ≤ 0.20）" in text
    SHOTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(SHOTS / "wall_zero_carbon_parks.png"))
    assert dash_duo.get_logs() == []
