"""The region, sector and gas analysis pages in headless Chromium on the hand-worked pool:
the GWP switch scales CO2e by the expected factor, the ranking sorts and exports, the sector
composition adds up, the state is in the URL, and the console stays clean."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from dash.testing.wait import until
from openpyxl import load_workbook
from selenium.webdriver.common.by import By
from test_analysis_pool import start_page
from waits import downloaded

from layouts import ids_analysis as ids
from layouts.pages import gases, regions, sectors

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).parent / "screenshots"


def text_of(dash_duo, id_: str) -> str:
    return dash_duo.find_element(f"#{id_}").text


def click_label(driver, text: str) -> None:
    driver.find_element(By.XPATH, f"//label[normalize-space(text())='{text}']").click()


def gas_cells(driver, gas: str) -> list[str]:
    row = driver.find_element(By.CSS_SELECTOR, f'tr[id*="{gas}"]')
    return [td.text for td in row.find_elements(By.TAG_NAME, "td")]


def query(driver) -> dict[str, list[str]]:
    return parse_qs(urlparse(driver.current_url).query)


def test_gas001_gwp_switch_scales_a_methane_only_region_by_28_over_21(dash_duo, tmp_path):
    start_page(dash_duo, tmp_path, gases.PATH, {"region": "340300", "year": "2022"})
    driver = dash_duo.driver
    total = f"{ids.GAS_TOTAL}"
    until(lambda: "蚌埠市 2022年" in text_of(dash_duo, total), timeout=20)
    assert text_of(dash_duo, total) == (
        "蚌埠市 2022年 温室气体排放 280.00 万吨CO₂e（AR5，不含林业碳汇）"
    )  # 100,000 t CH4 x 28
    assert gas_cells(driver, "CH4") == ["甲烷", "10.00", "280.00", "100.0%"]
    assert gas_cells(driver, "CO2") == ["二氧化碳", "—", "—", "—"]

    click_label(driver, "SAR")
    until(lambda: "210.00 万吨CO₂e（SAR" in text_of(dash_duo, total), timeout=10)
    assert gas_cells(driver, "CH4") == ["甲烷", "10.00", "210.00", "100.0%"]
    assert pytest.approx(28 / 21) == 280.0 / 210.0
    click_label(driver, "AR6")
    until(lambda: "279.00 万吨CO₂e（AR6" in text_of(dash_duo, total), timeout=10)  # 27.9
    click_label(driver, "AR4")
    until(lambda: "250.00 万吨CO₂e（AR4" in text_of(dash_duo, total), timeout=10)
    assert query(driver) == {"region": ["340300"], "year": ["2022"], "gwp": ["AR4"]}
    assert dash_duo.get_logs() == []


def test_gas002_province_gases_mixed_and_shares(dash_duo, tmp_path):
    start_page(dash_duo, tmp_path, gases.PATH, {"gwp": "SAR"})
    driver = dash_duo.driver
    total = f"{ids.GAS_TOTAL}"
    # the default region (root 340000) and the latest year; Anhui = its three cities
    until(lambda: "安徽省 2022年" in text_of(dash_duo, total), timeout=20)
    # CO2 6,510 (合肥 5,510 + 芜湖 1,000; LULUCF excluded) + CH4 19.2 x 21 + N2O 0.15 x 310 + 88
    expected = 6510 + 19.2 * 21 + 0.15 * 310 + 88
    assert f"{expected:,.2f} 万吨CO₂e（SAR" in text_of(dash_duo, total)
    assert gas_cells(driver, "N2O") == ["氧化亚氮", "0.15", "46.50", f"{46.5 / expected:.1%}"]
    assert gas_cells(driver, "HFCs") == [
        "氢氟碳化物（CO₂e）",
        "22.00",
        "22.00",
        f"{22 / expected:.1%}",
    ]
    click_label(driver, "结构比例")
    until(lambda: query(driver).get("mode") == ["share"], timeout=10)
    # the sub-region chart has one bar per city and gas; shares sum to 100 per city
    until(lambda: count(driver, ids.GAS_CHILDREN, ".barlayer .trace") == 6, timeout=10)
    assert "蚌埠市" in text_of(dash_duo, ids.GAS_CHILDREN)
    SHOTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(SHOTS / "analysis-gases-pool.png"))
    assert dash_duo.get_logs() == []


def grid_column(driver, col: str) -> list[str]:
    return driver.execute_script(
        """
        return Array.from(document.querySelectorAll('.ag-center-cols-container .ag-row'))
            .sort((a, b) => a.getAttribute('row-index') - b.getAttribute('row-index'))
            .map(r => (r.querySelector('[col-id="' + arguments[0] + '"]') || {innerText: ''})
            .innerText.trim());
        """,
        col,
    )


def test_reg001_ranking_sorts_and_exports_csv_and_xlsx(dash_duo, tmp_path):
    start_page(dash_duo, tmp_path, regions.PATH, {"region": "340000", "year": "2022"})
    driver = dash_duo.driver
    until(lambda: text_of(dash_duo, ids.RANK_TITLE) == "安徽省 下级地区排名（2022年）", 20)
    until(lambda: grid_column(driver, "name") == ["合肥市", "芜湖市", "蚌埠市"], timeout=10)
    # 合肥 AR5: CO2 5,510 + CH4 9.2 x 28 + N2O 0.15 x 265 + F-gases 88
    hefei = 5510 + 9.2 * 28 + 0.15 * 265 + 88
    assert grid_column(driver, "co2e") == [f"{hefei:,.2f}", "1,000.00", "280.00"]
    assert grid_column(driver, "intensity") == [
        f"{55_100_000 / 12_000e4:.4f}",
        f"{10_000_000 / 4_400e4:.4f}",
        "—",  # no CO2, so no intensity
    ]
    change = (10_000_000 / 4_400e4) / (11_000_000 / 4_000e4) - 1
    assert grid_column(driver, "intensity_change")[1] == f"{change * 100:+.2f}%".replace("-", "−")

    click_label(driver, "按强度变化")
    until(lambda: grid_column(driver, "name")[0] == "合肥市", timeout=10)
    # 合肥 rose (CO2 4,510 万吨 / 11,000 亿元 in 2021 -> 5,510 / 12,000), 芜湖 fell
    assert grid_column(driver, "flag") == ["强度上升", "强度下降", "无上期"]
    assert query(driver)["rank"] == ["intensity_change"]

    # sort the grid by emissions, ascending, with a click on its header
    driver.find_element(By.CSS_SELECTOR, '.ag-header-cell[col-id="co2e"]').click()
    until(lambda: grid_column(driver, "name") == ["蚌埠市", "芜湖市", "合肥市"], timeout=10)

    dash_duo.find_element(f"#{ids.RANK_CSV}").click()
    target = Path(dash_duo.download_path) / "ranking-340000-2022-intensity_change.csv"
    downloaded(target, timeout=15)
    raw = target.read_bytes()
    assert raw.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0][:4] == ["名次", "区划代码", "地区", "排放量(万吨CO₂e,AR5)"]
    assert [r[2] for r in table[1:]] == ["合肥市", "芜湖市", "蚌埠市"]
    assert float(table[1][3]) == pytest.approx(round(hefei, 2))

    dash_duo.find_element(f"#{ids.RANK_XLSX}").click()
    target = Path(dash_duo.download_path) / "ranking-340000-2022-intensity_change.xlsx"
    downloaded(target, timeout=15)
    sheet = load_workbook(target)["排名"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2] == "地区"
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [
        (1, "340100", "合肥市"),
        (2, "340200", "芜湖市"),
        (3, "340300", "蚌埠市"),
    ]
    assert rows[2][3] == pytest.approx(1000.0)
    assert rows[3][6] is None  # 蚌埠 has no intensity
    assert dash_duo.get_logs() == []


def test_reg002_compare_and_history_from_the_url(dash_duo, tmp_path):
    params = {"compare": "340100,340200", "metric": "intensity", "region": "340100"}
    start_page(dash_duo, tmp_path, regions.PATH, params)
    driver = dash_duo.driver
    until(lambda: text_of(dash_duo, ids.HISTORY_TITLE) == "合肥市 排放量与强度历史变化", 20)
    until(lambda: count(driver, ids.COMPARE_GRAPH, ".scatterlayer .trace") == 2, 10)
    legend = text_of(dash_duo, ids.COMPARE_GRAPH)
    assert "合肥市" in legend and "芜湖市" in legend and "吨/万元" in legend
    until(lambda: count(driver, ids.HISTORY_GRAPH, ".barlayer .point") == 2, 10)
    q = query(driver)
    assert q["compare"] == ["340100,340200"] and q["metric"] == ["intensity"]
    assert q["region"] == ["340100"]
    assert dash_duo.get_logs() == []


def test_sec001_one_sector_by_sub_region_gas_and_source(dash_duo, tmp_path):
    start_page(dash_duo, tmp_path, sectors.PATH, {"region": "340000", "year": "2022"})
    driver = dash_duo.driver
    title = ids.SECTOR_TITLE
    # energy of Anhui 2022: 合肥 4,700 CO2 + CH4 1.2 x 28 + N2O 0.15 x 265, 芜湖 1,000
    energy = 4700 + 1.2 * 28 + 0.15 * 265 + 1000
    until(
        lambda: text_of(dash_duo, title) == f"安徽省 · 2022 · 能源活动 {energy:,.2f} 万吨CO₂e", 20
    )
    until(lambda: count(driver, ids.SECTOR_TREND, ".scatterlayer .trace") == 5, 10)
    until(lambda: "芜湖市" in text_of(dash_duo, ids.SECTOR_REGIONS), timeout=10)
    assert "蚌埠市" not in text_of(dash_duo, ids.SECTOR_REGIONS)  # no energy emissions

    click_label(driver, "农业活动")
    agri = 5 * 28 + 10 * 28  # 合肥 rice 5 万吨 CH4, 蚌埠 enteric 10 万吨 CH4
    until(lambda: text_of(dash_duo, title) == f"安徽省 · 2022 · 农业活动 {agri:,.2f} 万吨CO₂e", 10)
    until(lambda: "芜湖市" not in text_of(dash_duo, ids.SECTOR_REGIONS), timeout=10)
    assert "蚌埠市" in text_of(dash_duo, ids.SECTOR_REGIONS)
    until(lambda: "动物肠道发酵" in text_of(dash_duo, ids.SECTOR_SUBS), timeout=10)
    assert "稻田" in text_of(dash_duo, ids.SECTOR_SUBS)

    click_label(driver, "土地利用变化与林业")
    until(lambda: "土地利用变化与林业 −300.00 万吨CO₂e" in text_of(dash_duo, title), 10)
    assert query(driver) == {
        "region": ["340000"],
        "year": ["2022"],
        "sector": ["4"],
        "gwp": ["AR5"],
    }
    assert dash_duo.get_logs() == []


def count(driver, graph_id: str, selector: str) -> int:
    """How many ``selector`` nodes a graph has now (found afresh: graphs re-render)."""
    return driver.execute_script(
        "return document.querySelectorAll(arguments[0]).length;", f"#{graph_id} {selector}"
    )
