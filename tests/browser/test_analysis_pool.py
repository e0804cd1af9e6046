"""A hand-worked data pool for the analysis pages' tests (imported by test_analysis_*.py), and a
check that the rollup gives the numbers those tests expect.

Anhui (340000) has three cities with their own records: 合肥 (every sector, all six gases),
芜湖 (power CO2 only) and 蚌埠 (enteric-fermentation CH4 only, so its CO2e moves with the GWP set
alone: AR5/SAR = 28/21). Values in t (t CO2e for HFCs, PFCs, SF6); GDP in 亿元 (constant).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pools import emission, gdp_constant, mark_changed
from sqlalchemy.orm import Session

from dashboard.app import ASSETS as dashboard_assets
from datasource import queries
from datasource.engine import make_engine
from datasource.models import Region
from datasource.rollup import rebuild
from datasource.schema import migrate

REGIONS = [
    ("100000", None, "country", "全国", "China"),
    ("340000", "100000", "province", "安徽省", "Anhui"),
    ("340100", "340000", "city", "合肥市", "Hefei"),
    ("340200", "340000", "city", "芜湖市", "Wuhu"),
    ("340300", "340000", "city", "蚌埠市", "Bengbu"),
]
HEFEI_2022 = [
    ("1.1.1.1", "CO2", 30_000_000.0),
    ("1.1.1.1", "CH4", 2_000.0),
    ("1.1.1.1", "N2O", 500.0),
    ("1.1.1.2", "CO2", 5_000_000.0),
    ("1.1.1.3", "CO2", 0.0),  # reported as zero: "0.00", not "—"
    ("1.1.3.1", "CO2", 12_000_000.0),
    ("1.2", "CH4", 10_000.0),
    ("1.2", "N2O", 1_000.0),
    ("2.1", "CO2", 8_000_000.0),
    ("2.7", "HFCs", 220_000.0),
    ("2.8", "PFCs", 440_000.0),
    ("2.10", "SF6", 220_000.0),
    ("3.1", "CH4", 50_000.0),
    ("4.1", "CO2", -3_000_000.0),
    ("5.1", "CO2", 100_000.0),
    ("5.1", "CH4", 30_000.0),
]
EMISSIONS = (
    [("340100", "2022", s, g, v) for s, g, v in HEFEI_2022]
    + [
        ("340100", "2021", s, g, 20_000_000.0 if (s, g) == ("1.1.1.1", "CO2") else v)
        for s, g, v in HEFEI_2022
    ]
    + [
        ("340200", "2021", "1.1.1.1", "CO2", 11_000_000.0),
        ("340200", "2022", "1.1.1.1", "CO2", 10_000_000.0),
        ("340300", "2021", "3.3", "CH4", 90_000.0),
        ("340300", "2022", "3.3", "CH4", 100_000.0),
    ]
)
GDP = [
    ("340100", "2021", 11_000.0),
    ("340100", "2022", 12_000.0),
    ("340200", "2021", 4_000.0),
    ("340200", "2022", 4_400.0),
    ("340300", "2021", 2_000.0),
    ("340300", "2022", 2_100.0),
]


def make_pool(path: Path):
    """A migrated SQLite pool at ``path`` with the data above, rolled up; returns its engine."""
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    fill(engine)
    report = rebuild(engine)
    assert report.built
    return engine


def fill(engine) -> None:
    with Session(engine) as s, s.begin():
        for code, parent, level, zh, en in REGIONS:
            s.add(Region(code=code, parent_code=parent, level=level, name_zh=zh, name_en=en))
        s.add_all(emission(*row) for row in EMISSIONS)
        s.add_all(gdp_constant(*row) for row in GDP)
        mark_changed(s, 1)


def test_pool_rolls_up_to_the_numbers_the_page_tests_expect(tmp_path):
    engine = make_pool(tmp_path / "pool.sqlite")
    with Session(engine) as s:
        anhui = queries.summary(s, region_code="340000", period="2022")
        bengbu_sar = queries.summary(s, region_code="340300", period="2022", gwp_set="SAR")
        bengbu_ar5 = queries.summary(s, region_code="340300", period="2022", gwp_set="AR5")
    engine.dispose()
    assert anhui.derived is True
    assert anhui.co2 == pytest.approx(30e6 + 5e6 + 12e6 + 8e6 + 0.1e6 + 10e6)
    assert bengbu_sar.co2e == pytest.approx(2_100_000.0)
    assert bengbu_ar5.co2e == pytest.approx(2_800_000.0)


def start_page(dash_duo, tmp_path, path: str, params: dict, lang: str = "zh", engine=None):
    """Serve one analysis page (as the lead's router will: its build(), with every analysis
    page's callbacks registered on the app) over the hand-worked pool, at 1920x1080."""
    import dash

    from callbacks import analysis as analysis_callbacks
    from dashboard.config import Settings
    from datasource.engine import make_sessions
    from layouts import router, theme
    from layouts.pages import analysis as common

    engine = engine or make_pool(tmp_path / "pool.sqlite")
    settings = Settings(database_url=str(engine.url), root_region="340000", run_scheduler=False)
    theme.install()
    app = dash.Dash(__name__, assets_folder=ASSETS, suppress_callback_exceptions=True)
    app.layout = router.frame([], common.pages()[path](settings, params, lang), lang)
    analysis_callbacks.register(app, sessions=make_sessions(engine), settings=settings)
    dash_duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False},
    )
    dash_duo.start_server(app)
    return engine


ASSETS = str(dashboard_assets)  # found as dashboard.app finds it, checkout or installed
