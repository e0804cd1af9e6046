"""The period analysis page (/analysis/periods) in headless Chromium on the real cui2021 pool,
served by create_app: Hubei's February 2020 with its 同比 and 环比, the year-to-date against
the same months of 2019, the seasonal lines, the days, and the source credited."""

from __future__ import annotations

from pathlib import Path

import pytest
from dash.testing.wait import until
from sqlalchemy.orm import Session

from dashboard.app import create_app
from dashboard.config import Settings
from datasource import demo_cui2021
from datasource.engine import make_engine
from datasource.rollup import rebuild
from datasource.schema import load_regions, migrate
from geo.regions import load_regions as geo_regions
from layouts import ids_periods as ids

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture
def app(tmp_path):
    url = f"sqlite:///{tmp_path}/pool.sqlite"
    engine = make_engine(url)
    migrate(engine)
    with Session(engine) as session, session.begin():
        load_regions(session, [r for r in geo_regions() if r.level in ("country", "province")])
    demo_cui2021.load(engine)
    rebuild(engine)
    settings = Settings(database_url=url, run_scheduler=False, geo_cache_dir=str(tmp_path / "geo"))
    yield create_app(settings)
    engine.dispose()


def text_of(dash_duo, id_: str) -> str:
    return dash_duo.find_element(f"#{id_}").text


def test_per001_hubei_february_2020_against_2019_with_the_source(dash_duo, app):
    dash_duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False},
    )
    dash_duo.start_server(app)
    dash_duo.driver.get(dash_duo.server_url + "/analysis/periods?region=420000&month=2020-02")
    until(lambda: "2020年2月 排放量" in text_of(dash_duo, ids.KPIS), timeout=30)
    kpis = text_of(dash_duo, ids.KPIS)
    # 14,666,450.35 t = 1,466.65 万吨; 同比 -38.3 % (2019年2月), 环比 -33.9 % (2020年1月)
    assert "1,466.65 万吨CO₂e" in kpis
    assert "同比 −38.3%（对比 2019年2月）" in kpis
    assert "环比 −33.9%（对比 2020年1月）" in kpis
    # 累计 2020年1—2月: January 22,201,220.41 t + February = 3,686.77 万吨, against 2019年1—2月
    assert "累计 2020年1—2月" in kpis and "3,686.77 万吨CO₂e" in kpis
    assert "（对比 2019年1—2月）" in kpis
    assert "30,997.69 万吨CO₂e" in kpis  # the whole of 2020 (309,976,891.60 t), complete
    assert "年初至今" not in kpis
    credit = text_of(dash_duo, ids.CREDIT)
    assert credit == (
        "数据来源：中国31省逐日二氧化碳排放（2019—2020） · CC BY 4.0 · "
        "https://doi.org/10.5281/zenodo.4730175"
    )
    until(
        lambda: len(dash_duo.find_elements(f"#{ids.SEASONAL} .scatterlayer .trace")) == 2,
        timeout=20,
    )
    until(lambda: len(dash_duo.find_elements(f"#{ids.YOY} .bars .point")) == 12, timeout=20)
    until(lambda: len(dash_duo.find_elements(f"#{ids.DAYS} .scatterlayer .trace")) == 2, timeout=20)
    assert dash_duo.driver.current_url.endswith("?region=420000&month=2020-02")
    SHOTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(SHOTS / "per001-periods-hubei-2020-02.png"))
    assert dash_duo.get_logs() == []
