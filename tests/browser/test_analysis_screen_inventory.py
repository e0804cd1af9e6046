"""The inventory query screen in headless Chromium: pick a region and a year, 查询, read the
seed's rows and numbers, switch tabs, 重置, export the XLSX and read it back; a clean console."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from dash.testing.wait import until
from openpyxl import load_workbook
from selenium.webdriver.common.by import By
from test_analysis_pool import start_page
from waits import downloaded

from layouts import ids_analysis as ids
from layouts.pages import inventory as page

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).parent / "screenshots"
GAS_COLS = ("CO2", "CH4", "N2O", "HFCs", "PFCs", "SF6")


def start(dash_duo, tmp_path, params, lang="zh"):
    return start_page(dash_duo, tmp_path, page.PATH, params, lang)


READ_GRID = """
const out = {};
const labels = {};
document.querySelectorAll('.ag-pinned-left-cols-container .ag-row').forEach(
    r => { labels[r.getAttribute('row-index')] = r.innerText.trim(); });
document.querySelectorAll('.ag-center-cols-container .ag-row').forEach(r => {
    out[labels[r.getAttribute('row-index')] || '?'] = arguments[0].map(
        c => (r.querySelector('[col-id="' + c + '"]') || {innerText: ''}).innerText.trim());
});
return out;
"""
READ_LABELS = """
return Array.from(document.querySelectorAll('.ag-pinned-left-cols-container .ag-row'))
    .sort((a, b) => a.getAttribute('row-index') - b.getAttribute('row-index'))
    .map(r => r.innerText.trim());
"""


def grid_rows(driver) -> dict[str, list[str]]:
    """label -> the six gas cells, read from the rendered grid in one script (no stale nodes)."""
    return driver.execute_script(READ_GRID, list(GAS_COLS))


def pick(dash_duo, dropdown_id: str, value: str, search: str | None = None) -> None:
    """Choose ``value`` in a Dash 4 dropdown (open it, optionally type, click the option)."""
    driver = dash_duo.driver
    dash_duo.find_element(f"#{dropdown_id}").click()
    if search:
        box = until(
            lambda: driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-search"), timeout=10
        )[0]
        box.send_keys(search)
    option = f"//label[contains(@class, 'dash-dropdown-option')][.//input[@value='{value}']]"
    until(lambda: driver.find_elements(By.XPATH, option), timeout=10)
    driver.find_element(By.XPATH, option).click()


def test_inv001_query_a_city_and_read_the_seed_rows(dash_duo, tmp_path):
    start(dash_duo, tmp_path, {})
    driver = dash_duo.driver
    # defaults: the root region (安徽省, a sum of its cities) and the latest year
    until(lambda: "安徽省 · 2022年" in dash_duo.find_element(f"#{ids.INV_CAPTION}").text, 20)
    assert "由下级地区汇总" in dash_duo.find_element(f"#{ids.INV_CAPTION}").text
    until(lambda: "能源活动" in grid_rows(driver), timeout=10)
    assert grid_rows(driver)["能源活动"][0] == "5,700.00"  # 合肥 4,700 + 芜湖 1,000

    pick(dash_duo, ids.INV_REGION, "340100", search="合肥")
    pick(dash_duo, ids.INV_YEAR, "2022")
    dash_duo.find_element(f"#{ids.INV_QUERY}").click()
    until(lambda: "合肥市 · 2022年" in dash_duo.find_element(f"#{ids.INV_CAPTION}").text, 10)
    until(lambda: grid_rows(driver).get("能源活动", [""])[0] == "4,700.00", timeout=10)
    rows = grid_rows(driver)
    labels = driver.execute_script(READ_LABELS)
    assert labels[:8] == [
        "能源活动",
        "1.化石燃料燃烧",
        "1.1能源工业",
        "1.1.1电力生产",
        "1.1.2油气开采",
        "1.1.3固体燃料",
        "1.2农、林、牧、渔业",
        "1.3工业和建筑业",
    ]
    assert rows["能源活动"] == ["4,700.00", "1.20", "0.15", "—", "—", "—"]
    assert rows["1.化石燃料燃烧"] == ["4,700.00", "0.20", "0.05", "—", "—", "—"]
    assert rows["1.1能源工业"] == ["3,500.00", "0.20", "0.05", "—", "—", "—"]
    assert rows["1.1.1电力生产"] == ["3,000.00", "0.20", "0.05", "—", "—", "—"]
    assert rows["1.1.3固体燃料"] == ["0.00", "—", "—", "—", "—", "—"]  # reported zero
    assert rows["1.2农、林、牧、渔业"] == ["—"] * 6  # not reported
    assert rows["1.3.1钢铁"] == ["1,200.00", "—", "—", "—", "—", "—"]
    assert rows["2.生物质燃烧"] == ["—", "1.00", "0.10", "—", "—", "—"]
    assert "由下级地区汇总" not in dash_duo.find_element(f"#{ids.INV_CAPTION}").text

    # the 工业生产过程 tab: the fluorinated gases in 万吨CO2e
    driver.find_element(By.LINK_TEXT, "工业生产过程").click()
    until(lambda: "工业生产过程" in grid_rows(driver), timeout=10)
    rows = grid_rows(driver)
    assert rows["工业生产过程"] == ["800.00", "—", "—", "22.00", "44.00", "22.00"]
    assert rows["1.水泥生产"] == ["800.00", "—", "—", "—", "—", "—"]
    assert rows["10.电力设备生产和使用"] == ["—", "—", "—", "—", "—", "22.00"]
    query = parse_qs(urlparse(driver.current_url).query)
    assert query == {"region": ["340100"], "year": ["2022"], "tab": ["2"]}
    link = dash_duo.find_element(f"#{ids.lang_link(page.PAGE)}").get_attribute("href")
    assert link.endswith("?region=340100&year=2022&tab=2&lang=en")

    driver.find_element(By.LINK_TEXT, "土地利用变化与林业").click()
    until(lambda: "土地利用、土地利用变化和林业（LULUCF，净）" in grid_rows(driver), timeout=10)
    assert grid_rows(driver)["土地利用、土地利用变化和林业（LULUCF，净）"][0] == "−300.00"  # a sink
    driver.find_element(By.LINK_TEXT, "能源活动").click()
    until(lambda: "能源活动" in grid_rows(driver), timeout=10)
    SHOTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(SHOTS / "analysis-inventory.png"))

    # 重置: back to the root region and the latest year
    dash_duo.find_element(f"#{ids.INV_RESET}").click()
    until(lambda: "安徽省 · 2022年" in dash_duo.find_element(f"#{ids.INV_CAPTION}").text, 10)
    assert dash_duo.get_logs() == []


def test_inv002_state_from_url_and_xlsx_export(dash_duo, tmp_path):
    start(dash_duo, tmp_path, {"region": "340100", "year": "2021", "tab": "3"})
    driver = dash_duo.driver
    until(lambda: "合肥市 · 2021年" in dash_duo.find_element(f"#{ids.INV_CAPTION}").text, 20)
    until(lambda: "农业活动" in grid_rows(driver), timeout=10)
    assert grid_rows(driver)["农业活动"] == ["—", "5.00", "—", "—", "—", "—"]

    dash_duo.find_element(f"#{ids.INV_EXPORT}").click()
    target = Path(dash_duo.download_path) / "ghg-inventory-340100-2021.xlsx"
    downloaded(target, timeout=15)
    book = load_workbook(target)
    assert book.sheetnames == [
        "能源活动",
        "工业生产过程",
        "农业活动",
        "废弃物处理",
        "土地利用变化与林业",
    ]
    energy = list(book["能源活动"].iter_rows(values_only=True))
    assert energy[0][0] == "温室气体清单 · 合肥市 · 2021年"
    assert energy[1] == (
        "排放源",
        "二氧化碳(万吨)",
        "甲烷(万吨)",
        "氧化亚氮(万吨)",
        "氢氟碳化物(万吨CO₂e)",
        "全氟化碳(万吨CO₂e)",
        "六氟化硫(万吨CO₂e)",
    )
    by_label = {r[0]: r[1:] for r in energy[2:]}
    assert by_label["能源活动"][:3] == pytest.approx((3700.0, 1.2, 0.15))
    assert by_label["能源活动"][3:] == ("—", "—", "—")
    assert by_label["1.1.1电力生产"][0] == pytest.approx(2000.0)
    assert by_label["1.1.3固体燃料"][0] == 0
    assert by_label["1.2农、林、牧、渔业"] == ("—",) * 6
    assert [r[0] for r in energy[2:6]] == [
        "能源活动",
        "1.化石燃料燃烧",
        "1.1能源工业",
        "1.1.1电力生产",
    ]
    process = {r[0]: r[1:] for r in book["工业生产过程"].iter_rows(min_row=3, values_only=True)}
    assert process["工业生产过程"][0] == pytest.approx(800.0)
    assert process["工业生产过程"][1:3] == ("—", "—")
    assert process["工业生产过程"][3:] == pytest.approx((22.0, 44.0, 22.0))
    land = {r[0]: r[1:] for r in book["土地利用变化与林业"].iter_rows(min_row=3, values_only=True)}
    assert land["土地利用、土地利用变化和林业（LULUCF，净）"][0] == pytest.approx(-300.0)
    waste = {r[0]: r[1:] for r in book["废弃物处理"].iter_rows(min_row=3, values_only=True)}
    assert waste["1.固体废弃物处理"][:2] == pytest.approx((10.0, 3.0))
    assert waste["2.废水处理"] == ("—",) * 6
    assert dash_duo.get_logs() == []
