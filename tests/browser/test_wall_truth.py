"""Issue 15 in headless Chromium: the ranking tables read what the API says, the county view,
a park's code in the address, and no text on the wall below 18 px at 1920x1080."""

from __future__ import annotations

import json
import urllib.request

import pytest
from dash.testing.wait import until
from test_wall import crumbs, make_app, text, viewport, wait_drawn, wall_db  # noqa: F401

pytestmark = pytest.mark.browser

# every visible text node (HTML and the figures' SVG) with its computed font size in px
SMALL_TEXT_JS = """
const out = [];
const W = window.innerWidth, H = window.innerHeight;
function shown(el) {
  for (let a = el; a; a = a.parentElement) {
    const c = getComputedStyle(a);
    if (c.display === "none" || c.visibility === "hidden" || c.opacity === "0") return false;
  }
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < H && r.left < W;
}
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
let n, count = 0;
while ((n = walker.nextNode())) {
  const el = n.parentElement;
  if (!n.textContent.trim() || !el || el.closest(".hoverlayer") || !shown(el)) continue;
  count += 1;
  const px = parseFloat(getComputedStyle(el).fontSize);
  if (px < arguments[0]) out.push([px, n.textContent.trim().slice(0, 40)]);
}
return [count, out];
"""

ROWS_JS = """
return [...document.querySelectorAll(arguments[0])].map(
  t => [...t.querySelectorAll("tr")].map(r => [...r.children].map(c => c.innerText)));
"""


def api(dash_duo, path):
    with urllib.request.urlopen(dash_duo.server_url + path, timeout=10) as r:  # noqa: S310
        return json.loads(r.read().decode("utf-8"))


def pct(fraction):
    sign = "+" if fraction > 0 else ("−" if fraction < 0 else "±")
    return f"{sign}{abs(fraction) * 100:.1f}%"


def test_truth001_ranking_heads_and_values_are_the_apis(dash_duo, wall_db):  # noqa: F811
    dash_duo.start_server(make_app(wall_db[0]))
    viewport(dash_duo.driver, 1920, 1080)
    dash_duo.driver.get(dash_duo.server_url + "/?region=340100")
    wait_drawn(dash_duo, 2)
    until(lambda: dash_duo.find_elements("#ranking-tables table.rank"), 10)
    titles = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#ranking-tables .rank-title')].map(e => e.innerText)"
    )
    assert titles == ["排放量 排名 · 万吨CO₂e", "强度 排名 · 吨/万元"]
    emissions, intensity = dash_duo.driver.execute_script(ROWS_JS, "#ranking-tables table.rank")
    assert emissions[0] == ["名次", "地区", "排放量", "较2023"]
    assert intensity[0] == ["名次", "地区", "强度", "较2023"]
    items = api(dash_duo, "/api/v1/rankings?parent=340100")["items"]
    assert [i["code"] for i in items] == ["340102", "340103"]
    yaohai, luyang = items
    # 瑶海区's emissions rose (+22.2 %) by less than its intensity (+15.5 % on a GDP that grew):
    # the emissions table shows the emissions change, the intensity table the intensity change
    assert emissions[1] == [
        "1",
        "瑶海区",
        f"{yaohai['co2e'] / 1e4:,.1f}",
        pct(yaohai["co2e_change"]),
    ]
    assert emissions[1] == ["1", "瑶海区", "158.7", "+22.2%"]
    assert emissions[2] == ["2", "庐阳区", "61.2", pct(luyang["co2e_change"])]
    assert intensity[1] == ["1", "瑶海区", "0.187", pct(yaohai["intensity_change"])]
    assert intensity[1][3] == "+15.5%"
    assert intensity[2] == ["2", "庐阳区", "0.097", "−5.7%"]
    assert dash_duo.get_logs() == []


def test_truth002_county_view_highlights_the_county_and_fills_the_ranking_space(
    dash_duo,
    wall_db,  # noqa: F811
):
    dash_duo.start_server(make_app(wall_db[0]))
    viewport(dash_duo.driver, 1920, 1080)
    dash_duo.driver.get(dash_duo.server_url + "/?region=340102")
    wait_drawn(dash_duo, 2)  # the county among its two siblings
    assert crumbs(dash_duo) == "全国›安徽省›合肥市›瑶海区"
    until(lambda: text(dash_duo, "#ranking-title") == "本地区排放构成", 10)
    sectors = dash_duo.driver.execute_script(ROWS_JS, "#ranking-tables table.rank-sectors")[0]
    assert sectors[0] == ["领域", "万吨CO₂e", "占比", "较2023"]
    # tests/wall_data: energy CO2 1,000,000 t x 1.02^9 x 1.2 = 1,434,116 t, with 10 t CH4 x 28
    # (AR5) = 143.4 万吨, up 1.02 x 1.2 - 1 = 22.4 %; agriculture 200 t CH4 x 28 = 0.56 万吨;
    # waste 100 t CH4 x 28 = 0.28 万吨; LULUCF -5 % of energy CO2, a sink: no share
    assert sectors[1:] == [
        ["能源活动", "143.4", "90.4%", "+22.4%"],
        ["工业过程", "14.4", "9.1%", "+22.3%"],
        ["农业活动", "0.6", "0.4%", "±0.0%"],
        ["LULUCF净值", "−7.2", "—", "+22.4%"],
        ["废弃物", "0.3", "0.2%", "±0.0%"],
    ]
    parks = dash_duo.driver.execute_script(ROWS_JS, "#ranking-tables table.rank-parks")[0]
    assert parks[1][:2] == ["瑶海化工园", "化工"]
    rising = dash_duo.driver.execute_script(
        "return document.querySelector(\"[id*='rising'] .kpi-foot\").innerText"
    )
    assert rising == "无下级地区"
    outline = dash_duo.driver.execute_script(
        "const g = document.querySelector('#map-graph .js-plotly-plot');"
        "const t = g.data[0]; return [t.locations, t.marker.line.color];"
    )
    assert outline == [["340103", "340102"], ["#22e07a", "#ffffff"]]
    labels = dash_duo.driver.execute_script(
        "const g = document.querySelector('#map-graph .js-plotly-plot');"
        "return g.data.filter(t => t.meta === 'labels').map(t => t.text)[0];"
    )
    assert "<b>瑶海区</b>" in labels
    assert dash_duo.get_logs() == []


def test_truth003_a_park_code_in_the_address_opens_the_parks_card(dash_duo, wall_db):  # noqa: F811
    dash_duo.start_server(make_app(wall_db[0]))
    viewport(dash_duo.driver, 1920, 1080)
    dash_duo.driver.get(dash_duo.server_url + "/?region=P34010201")
    until(lambda: crumbs(dash_duo) == "全国›安徽省›合肥市›瑶海区", 10)
    until(lambda: (text(dash_duo, "#detail-card") or "").startswith("瑶海化工园"), 10)
    assert "PDI" in text(dash_duo, "#detail-card")
    assert text(dash_duo, "#notice-line") == ""
    dash_duo.driver.get(dash_duo.server_url + "/?region=P99999999")
    until(lambda: "未找到地区代码 P99999999" in (text(dash_duo, "#notice-line") or ""), 10)
    wait_drawn(dash_duo, 3)
    assert crumbs(dash_duo) == "全国"
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize("address", ["/", "/?region=340100&lang=en", "/?region=340102"])
def test_truth004_no_text_below_18px_at_1080p(dash_duo, wall_db, address):  # noqa: F811
    dash_duo.start_server(make_app(wall_db[0]))
    viewport(dash_duo.driver, 1920, 1080)
    dash_duo.driver.get(dash_duo.server_url + address)
    wait_drawn(dash_duo, 3 if address == "/" else 2)
    until(lambda: dash_duo.find_elements("#ranking-tables table"), 10)
    count, small = dash_duo.driver.execute_script(SMALL_TEXT_JS, 18)
    assert count > 100  # the walk saw the wall's text, HTML and SVG
    assert small == []
    values = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('.kpi-value')]"
        ".map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert len(values) >= 6 and min(values) >= 48  # the target tile may hold two
    assert dash_duo.get_logs() == []


def test_truth005_no_stale_hover_box_after_a_drill_down(dash_duo, wall_db):  # noqa: F811
    from selenium.webdriver.common.action_chains import ActionChains

    dash_duo.start_server(make_app(wall_db[0]))
    viewport(dash_duo.driver, 1920, 1080)
    dash_duo.driver.get(dash_duo.server_url)
    wait_drawn(dash_duo, 3)
    anhui = dash_duo.driver.execute_script(
        "const g = document.querySelector('#map-graph .js-plotly-plot');"
        "return g.data[0].locations.indexOf('340000');"
    )
    target = dash_duo.find_elements("#map-graph .choroplethlayer .trace:first-child path")[anhui]
    ActionChains(dash_duo.driver).move_to_element(target).perform()
    until(lambda: dash_duo.find_elements("#map-graph .hoverlayer .hovertext"), 5)
    ActionChains(dash_duo.driver).click_and_hold().release().perform()  # the mouse stays put
    until(lambda: crumbs(dash_duo) == "全国›安徽省", 10)
    wait_drawn(dash_duo, 2)
    until(lambda: dash_duo.find_elements("#map-graph .hoverlayer .hovertext") == [], 5)
    assert dash_duo.get_logs() == []
