"""Every analysis page on the demo data of one province (Anhui, the real region registry):
each page draws without a console error; screenshots to tests/browser/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from dash.testing.wait import until
from sqlalchemy.orm import Session
from test_analysis_pool import start_page

from datasource import demo, demo_policy, policy, queries, rollup
from datasource.engine import make_engine
from datasource.schema import load_regions, migrate
from layouts import ids_analysis as ids

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory):
    from geo.parks import representative_point
    from geo.regions import load_regions as geo_regions

    path = tmp_path_factory.mktemp("demo") / "anhui.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with Session(engine) as session, session.begin():
        load_regions(session, geo_regions())
    demo.generate(engine, scale="province", province="340000", park_point=representative_point)
    with Session(engine) as session, session.begin():
        demo_policy.load_demo(session)
    rollup.rebuild(engine)
    yield engine
    engine.dispose()


def shoot(dash_duo, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(SHOTS / f"{name}.png"))


def rendered(driver, graph_id: str) -> bool:
    return driver.execute_script(
        "return document.querySelectorAll(arguments[0]).length > 0;",
        f"#{graph_id} .trace",
    )


def test_demo001_regions_page(dash_duo, tmp_path, demo_engine):
    start_page(dash_duo, tmp_path, "/analysis/regions", {"region": "340000"}, engine=demo_engine)
    until(
        lambda: dash_duo.find_element(f"#{ids.RANK_TITLE}").text == "安徽省 下级地区排名（2024年）",
        30,
    )
    driver = dash_duo.driver
    for graph in (ids.COMPARE_GRAPH, ids.HISTORY_GRAPH, ids.RANK_GRAPH):
        until(lambda g=graph: rendered(driver, g), timeout=15)
    with Session(demo_engine) as s:
        cities = queries.children(s, "340000")
    rows = driver.execute_script(
        "return document.querySelectorAll('.ag-center-cols-container .ag-row').length;"
    )
    assert rows == len(cities) == 16
    # the policies in force for Anhui stand on its history as ▼ markers at their dates
    with Session(demo_engine) as s:
        marks = policy.policies_for_region(s, "340000", limit=40)
    years = [m.issued_on.year for m in marks if 2005 <= m.issued_on.year <= 2024]
    assert years, "the demo library has policies for Anhui"
    notes = driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent);",
        f"#{ids.HISTORY_GRAPH} .annotation-text",
    )
    markers = [n for n in notes if n.startswith("▼")]
    assert markers and sum(int(n[1:] or 1) for n in markers) == len(years)
    shoot(dash_duo, "analysis-regions")
    assert dash_duo.get_logs() == []


def test_demo002_sectors_page(dash_duo, tmp_path, demo_engine):
    start_page(dash_duo, tmp_path, "/analysis/sectors", {"region": "340000"}, engine=demo_engine)
    until(
        lambda: dash_duo.find_element(f"#{ids.SECTOR_TITLE}").text.startswith(
            "安徽省 · 2024 · 能源活动"
        ),
        30,
    )
    driver = dash_duo.driver
    for graph in (ids.SECTOR_TREND, ids.SECTOR_REGIONS, ids.SECTOR_GASES, ids.SECTOR_SUBS):
        until(lambda g=graph: rendered(driver, g), timeout=15)
    shoot(dash_duo, "analysis-sectors")
    assert dash_duo.get_logs() == []


def test_demo003_gases_page(dash_duo, tmp_path, demo_engine):
    start_page(dash_duo, tmp_path, "/analysis/gases", {"region": "340000"}, engine=demo_engine)
    until(lambda: "安徽省 2024年" in dash_duo.find_element(f"#{ids.GAS_TOTAL}").text, 30)
    driver = dash_duo.driver
    for graph in (ids.GAS_TREND, ids.GAS_CHILDREN):
        until(lambda g=graph: rendered(driver, g), timeout=15)
    shoot(dash_duo, "analysis-gases")
    assert dash_duo.get_logs() == []


def test_demo004_inventory_page_in_english(dash_duo, tmp_path, demo_engine):
    params = {"region": "340100", "tab": "2"}
    start_page(dash_duo, tmp_path, "/inventory", params, lang="en", engine=demo_engine)
    until(lambda: dash_duo.find_element(f"#{ids.INV_CAPTION}").text.startswith("Hefei"), 30)
    until(
        lambda: (
            dash_duo.driver.execute_script(
                "return document.querySelectorAll('.ag-center-cols-container .ag-row').length;"
            )
            == 13
        ),  # Industrial processes and its 12 sources
        timeout=15,
    )
    shoot(dash_duo, "analysis-inventory-en")
    assert dash_duo.get_logs() == []
