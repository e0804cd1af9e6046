"""The policy library's pages in headless Chromium: search, read (a view is counted), the
statistics screen with its tabs and 本月/本年; screenshots; a clean console."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl

import dash
import pytest
from dash import Input, Output, State, dcc, html
from dash.testing.wait import until
from selenium.webdriver.common.keys import Keys

from callbacks import policy as policy_callbacks
from dashboard import policy_routes
from dashboard.app import ASSETS as dashboard_assets
from dashboard.config import Settings
from datasource import demo_policy, policy
from datasource.engine import make_engine, make_sessions
from datasource.schema import migrate
from layouts import router, theme
from layouts.pages import policy as library_page
from layouts.pages import policy_stats as stats_page

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).parent / "screenshots"
ASSETS = str(dashboard_assets)  # found as dashboard.app finds it, checkout or installed


@pytest.fixture
def policy_app(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/policy.sqlite")
    migrate(engine)
    sessions = make_sessions(engine)
    with sessions() as s, s.begin():
        demo_policy.load_demo(s, now=datetime.now(UTC))
    settings = Settings(database_url=str(engine.url), secret_key="browser-test")
    theme.install()
    app = dash.Dash(
        __name__, assets_folder=ASSETS, suppress_callback_exceptions=True, update_title=None
    )
    app.layout = html.Div([dcc.Location(id="url"), html.Div(id="page")])

    @app.callback(Output("page", "children"), Input("url", "pathname"), State("url", "search"))
    def route(path, search):
        params = dict(parse_qsl((search or "").lstrip("?")))
        builder = stats_page if path == "/policy/stats" else library_page
        return router.frame([], builder.build(settings, params, "zh"))

    policy_callbacks.register(app, sessions=sessions, settings=settings)
    policy_routes.register(app.server, sessions=sessions, settings=settings)
    yield app, sessions
    engine.dispose()


def test_pol001_search_and_read_a_document(dash_duo, policy_app):
    app, sessions = policy_app
    dash_duo.start_server(app)
    dash_duo.driver.set_window_size(1600, 1000)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/policy")
    dash_duo.wait_for_contains_text(f"#{library_page.RESULTS}", "共找到 36 份文件", timeout=10)
    box = dash_duo.find_element(f"#{library_page.Q}")
    box.send_keys("碳达峰行动", Keys.ENTER)
    dash_duo.wait_for_contains_text(f"#{library_page.RESULTS}", "共找到 1 份文件", timeout=10)
    assert dash_duo.find_element(".policy-title").text == "2030年前碳达峰行动方案"
    box.clear()
    box.send_keys("园区", Keys.ENTER)
    dash_duo.wait_for_contains_text(f"#{library_page.RESULTS}", "共找到 5 份文件", timeout=10)
    # the URL's query values preset the search box and the filters, which combine
    dash_duo.wait_for_page(url=dash_duo.server_url + "/policy?q=园区&category=先进案例")
    dash_duo.wait_for_contains_text(f"#{library_page.RESULTS}", "共找到 1 份文件", timeout=10)
    SHOTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(SHOTS / "policy-search.png"))
    with sessions() as s:
        doc_id = policy.search(s, q="近零碳园区建设案例").hits[0].id
        before = policy.get_document(s, doc_id).views
    dash_duo.find_element(".policy-title").click()
    dash_duo.wait_for_contains_text(f"#{library_page.READER}", "苏州工业园区近零碳园区建设案例")
    dash_duo.wait_for_contains_text(f"#{library_page.READER}", f"累计浏览 {before + 1} 次")
    dash_duo.driver.save_screenshot(str(SHOTS / "policy-reader.png"))
    dash_duo.find_element(f"#{library_page.BACK}").click()
    until(lambda: dash_duo.find_element(f"#{library_page.LIST_PANE}").is_displayed(), 5)
    dash_duo.find_element(".policy-title").click()  # again within 30 minutes: not counted
    dash_duo.wait_for_contains_text(f"#{library_page.READER}", f"累计浏览 {before + 1} 次")
    assert not dash_duo.find_element(f"#{library_page.HIDE}").is_displayed()  # not an admin
    assert dash_duo.get_logs() == []


def test_pol002_statistics_screen(dash_duo, policy_app):
    app, sessions = policy_app
    dash_duo.start_server(app)
    dash_duo.driver.set_window_size(1600, 1000)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/policy/stats")
    now = policy.month_of(datetime.now(UTC))
    with sessions() as s:
        month = policy.stats(s, tab="policy", period_kind="month")
        year_news = policy.stats(s, tab="news", period_kind="year")
    dash_duo.wait_for_contains_text(f"#{stats_page.KPI}", f"{month.views:,}", timeout=10)
    assert dash_duo.find_element(f"#{stats_page.KPI}").text == f"{now}浏览量{month.views:,}"
    rows = dash_duo.find_elements(f"#{stats_page.TOP_DOCS} tbody tr")
    assert [r.text.split()[0] for r in rows] == ["1", "2", "3", "4", "5"]
    assert rows[0].text.split()[1] == month.top_documents[0].title
    agencies = dash_duo.find_elements(f"#{stats_page.TOP_AGENCIES} tbody tr")
    assert len(agencies) == 5
    dash_duo.wait_for_element(f"#{stats_page.CHART} .bars")
    dash_duo.driver.save_screenshot(str(SHOTS / "policy-stats-month.png"))
    dash_duo.find_elements(f"#{stats_page.TAB} .tab")[1].click()
    dash_duo.find_elements(f"#{stats_page.KIND} input")[1].click()
    dash_duo.wait_for_contains_text(f"#{stats_page.SECTION}", "低碳资讯访问统计")
    dash_duo.wait_for_contains_text(f"#{stats_page.KPI}", f"{year_news.views:,}", timeout=10)
    assert dash_duo.find_element(f"#{stats_page.KPI}").text.startswith(f"{now[:4]}浏览量")
    dash_duo.driver.save_screenshot(str(SHOTS / "policy-stats-news-year.png"))
    assert dash_duo.get_logs() == []
