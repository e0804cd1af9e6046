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
