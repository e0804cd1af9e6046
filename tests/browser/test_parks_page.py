"""The parks page in headless Chromium: filter an industry, see the seed's ranking, pick a park,
read its comparison table and strategies; the URL keeps the state; a clean console."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import dash
import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By
from sqlalchemy.orm import Session

from callbacks import parks as parks_callbacks
from dashboard.app import ASSETS as dashboard_assets
from datasource import demo_pdi, pdi_store
from datasource.engine import make_engine, make_sessions
from datasource.models import Base, DataState, Region
from layouts import router, theme
from layouts.pages import parks as page

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).parent / "screenshots"
ASSETS = str(dashboard_assets)  # found as dashboard.app finds it, checkout or installed

# the seed's comparison tables, sections 4.1 (electronics), 4.2 (automotive), 4.3 (new energy)
SEED = {
    "电子信息": [(2.94, 1.84, 3.65), (3.08, 2.89, 1.70), (3.21, 1.44, 1.90), (1.76, 0.01, 0.00)],
    "汽车制造": [(3.55, 2.36, 2.45), (2.96, 1.26, 3.10), (2.20, 1.92, 0.45), (2.51, 0.33, 0.00)],
    "新能源": [(2.94, 1.84, 3.65), (2.94, 1.29, 0.40), (1.81, 1.75, 1.45), (2.50, 0.28, 1.80)],
}
SHORT = {"电子信息": "电子", "汽车制造": "汽车", "新能源": "新能源"}


def make_pool(path: Path):
    engine = make_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    with Session(engine) as s, s.begin():
        s.add(DataState(id=1, version=0, rollup_version=-1))
        s.add(
            Region(
                code="440000",
                parent_code=None,
                level="province",
                name_zh="广东省",
                name_en="Guangdong",
            )
        )
        s.add(
            Region(
                code="441900",
                parent_code="440000",
                level="county",
                name_zh="东莞市",
                name_en="Dongguan",
            )
        )
        n = 0
        for industry, rows in SEED.items():
            for k in range(len(rows)):
                n += 1
                s.add(
                    Region(
                        code=f"S{n:02d}",
                        parent_code="441900",
                        level="park",
                        name_zh=f"{SHORT[industry]}园区{'ABCD'[k]}",
                        name_en=f"Park {n}",
                        industry=industry,
                        park_level="national" if k == 0 else "provincial",
                        lon=113.9,
                        lat=22.9,
                    )
                )
        for k in range(8):  # chemical parks scored from raw indicator values
            s.add(
                Region(
                    code=f"C{k:02d}",
                    parent_code="441900",
                    level="park",
                    name_zh=f"化工园区{k + 1}",
                    name_en=f"Chem {k}",
                    industry="化工",
                    park_level="provincial",
                    lon=113.5,
                    lat=22.5,
                )
            )
    demo_pdi.generate(engine, seed=2060)  # values for every park...
    lines = ["park_code,dimension,score"]  # ...and the seed's direct scores for twelve of them
    n = 0
    for rows in SEED.values():
        for p, d, i in rows:
            n += 1
            lines += [f"S{n:02d},P,{p}", f"S{n:02d},D,{d}", f"S{n:02d},I,{i}"]
    report = pdi_store.ingest_pdi_bytes(engine, "\n".join(lines).encode(), "pdi_scores")
    assert report.ok, report.render()
    return engine


def cell(driver, row: int, col: str) -> str:
    found = driver.find_elements(
        By.CSS_SELECTOR, f'.ag-center-cols-container .ag-row[row-index="{row}"] [col-id="{col}"]'
    )
    return found[0].text if found else ""


def column(driver, col: str, n: int) -> list[str]:
    return [cell(driver, i, col) for i in range(n)]


def test_parks001_filter_an_industry_and_read_the_ranking(dash_duo, tmp_path):
    engine = make_pool(tmp_path / "parks.sqlite")
    theme.install()
    app = dash.Dash(__name__, assets_folder=ASSETS, suppress_callback_exceptions=True)
    app.layout = router.frame([], page.build(None, {}, "zh"))
    parks_callbacks.register(app, sessions=make_sessions(engine), settings=None)
    driver = dash_duo.driver
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False},
    )
    dash_duo.start_server(app)
    dash_duo.wait_for_text_to_equal(f"#{page.COUNT}", "共 20 个园区", timeout=40)

    # choose 电子信息 in the industry filter (Dash 4's dropdown: open it, click the option)
    dash_duo.find_element(f"#{page.INDUSTRY}").click()
    option = "//label[contains(@class, 'dash-dropdown-option')][.//input[@value='电子信息']]"
    until(lambda: driver.find_elements(By.XPATH, option), timeout=10)
    driver.find_element(By.XPATH, option).click()
    dash_duo.wait_for_text_to_equal(f"#{page.COUNT}", "共 4 个园区", timeout=10)
    until(lambda: cell(driver, 0, "name_zh") == "电子园区A", timeout=10)
    # the seed's table 4.1: A 2.75, B 2.75 (2.747), C 2.42, D 0.88
    assert column(driver, "name_zh", 4) == ["电子园区A", "电子园区B", "电子园区C", "电子园区D"]
    assert column(driver, "total", 4) == ["2.75", "2.75", "2.42", "0.88"]
    assert column(driver, "place", 4) == ["1", "2", "3", "4"]
    query = parse_qs(urlparse(driver.current_url).query)
    assert query == {"industry": ["电子信息"], "park": ["S01"]}

    compare = dash_duo.find_element(f"#{page.COMPARE}")
    until(lambda: "电子园区A" in compare.text, timeout=10)
    head = [th.text for th in compare.find_elements(By.TAG_NAME, "th")]
    assert head == ["园区", "表现力 (50%)", "发展力 (30%)", "影响力 (20%)", "总分"]
    first = [
        td.text
        for td in compare.find_elements(By.CSS_SELECTOR, "tbody tr")[0].find_elements(
            By.TAG_NAME, "td"
        )
    ]
    assert first == ["— 电子园区A", "2.94", "1.84", "3.65", "2.75"]
    strategies = dash_duo.find_element(f"#{page.STRATEGIES}")
    until(lambda: "加强产学研创新合作，以数字技术突破为目标" in strategies.text, timeout=10)

    # rank by Performance: C (3.21) first
    driver.find_element(By.XPATH, "//label[text()='按表现力']").click()
    until(lambda: cell(driver, 0, "name_zh") == "电子园区C", timeout=10)
    assert column(driver, "P", 4) == ["3.21", "3.08", "2.94", "1.76"]

    # pick park C in the grid: early stage, weakest dimension D (1.44)
    driver.find_element(
        By.CSS_SELECTOR, '.ag-center-cols-container .ag-row[row-index="0"] [col-id="name_zh"]'
    ).click()
    until(lambda: "明确产业规划，定向招商提升园区电子信息产业聚集度" in strategies.text, timeout=10)
    assert "中早期园区" in strategies.text
    query = parse_qs(urlparse(driver.current_url).query)
    assert query == {"industry": ["电子信息"], "sort": ["P"], "park": ["S03"]}

    SHOTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(SHOTS / "parks.png"))
    assert dash_duo.get_logs() == []


def test_parks002_state_comes_back_from_the_url(dash_duo, tmp_path):
    engine = make_pool(tmp_path / "parks.sqlite")
    app = dash.Dash(__name__, assets_folder=ASSETS, suppress_callback_exceptions=True)
    app.layout = router.frame([], page.build(None, {"industry": "化工", "park": "C03"}, "zh"))
    parks_callbacks.register(app, sessions=make_sessions(engine), settings=None)
    dash_duo.start_server(app)
    dash_duo.wait_for_text_to_equal(f"#{page.COUNT}", "共 8 个园区", timeout=40)
    until(lambda: "化工园区4" in dash_duo.find_element(f"#{page.COMPARE}").text, timeout=10)
    # raw-value parks: the radar has the nine second-level indicators
    radar = dash_duo.find_element(f"#{page.RADAR}")
    until(lambda: "能源利用与碳排放水平" in radar.text, timeout=10)
    assert dash_duo.get_logs() == []
