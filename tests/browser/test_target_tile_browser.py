"""The wall's target tile in headless Chromium at 1920x1080: a −19.5 % target shown as set,
the assessed intensity named, the dual-control face, a clean console."""

from __future__ import annotations

import pytest
import wall_data
from dash.testing.wait import until
from test_wall import SHOTS, make_app, viewport, wait_drawn, write_test_geo

from datasource.engine import make_engine
from datasource.ingest import ingest_bytes
from datasource.rollup import rebuild
from datasource.schema import migrate

pytestmark = pytest.mark.browser

TARGET = (
    "region_code,plan,metric,base_period,target_period,target_change,source\n"
    "340000,14th-FYP,co2_intensity,2020,2025,-19.5%,测试\n"
)


@pytest.fixture
def target_db(tmp_path):
    url = f"sqlite:///{tmp_path}/wall.sqlite"
    engine = make_engine(url)
    migrate(engine)
    wall_data.pool(engine)
    assert ingest_bytes(engine, TARGET.encode(), "targets.csv").ok
    rebuild(engine)
    write_test_geo(tmp_path / "geo")
    yield url
    engine.dispose()


def tile_text(dash_duo) -> str:
    """Every face's text (textContent: the faces take turns, a hidden one has no innerText)."""
    return dash_duo.driver.execute_script(
        "const t = document.querySelectorAll('#kpi-row .kpi-tile')[3];"
        "return t ? Array.from(t.querySelectorAll('.kpi-face'))"
        ".map(f => f.textContent).join(' | ') : '';"
    )


def test_tgt001_a_minus_19_5_target_is_shown_as_set_with_its_definition(dash_duo, target_db):
    dash_duo.start_server(make_app(target_db))
    viewport(dash_duo.driver, 1920, 1080)
    dash_duo.driver.get(dash_duo.server_url + "/?region=340000")
    wait_drawn(dash_duo, 2)
    until(lambda: "十四五考核强度 · 目标 −19.5%" in tile_text(dash_duo), timeout=10)
    faces = tile_text(dash_duo).split(" | ")
    assert faces[0].startswith("十四五考核强度 · 目标 −19.5%")
    assert faces[0].endswith("能源活动CO₂ ※下级汇总…")  # and 价格基年不同 in its title
    assert faces[1].startswith("十四五考核强度 2024年")
    assert faces[1].endswith("能源活动CO₂÷ 2015年可比价GDP")  # the pool's GDP: 2015 prices
    # the wall runs in 2026 or later: the 14th plan has closed, 2025 is not in the pool
    assert faces[2].startswith("十四五（2020→2025）考核结果待2025年数据")
    assert faces[3].startswith("十五五双控（2025→2030）")
    assert "强度未设定" in faces[3] and "总量未设定" in faces[3]
    for i in range(4):  # each face still, one at a time, for the screenshots
        dash_duo.driver.execute_script(
            "document.querySelectorAll('#kpi-row .kpi-face').forEach((f, j) => {"
            "f.style.animation = 'none'; f.style.visibility = j === arguments[0] ?"
            " 'visible' : 'hidden'; f.style.opacity = j === arguments[0] ? 1 : 0; });",
            i,
        )
        until(lambda i=i: _visible_face(dash_duo) == i, timeout=5)
        SHOTS.mkdir(exist_ok=True)
        dash_duo.driver.save_screenshot(str(SHOTS / f"target-tile-340000-face{i}.png"))
    assert dash_duo.get_logs() == []


def _visible_face(dash_duo) -> int:
    return dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('#kpi-row .kpi-face'))"
        ".findIndex(f => getComputedStyle(f).visibility === 'visible');"
    )
