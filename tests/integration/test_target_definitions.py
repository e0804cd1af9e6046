"""Targets tracked on their own definitions, the extended targets file format and dual
control, on a hand-worked pool, on SQLite and PostgreSQL; the /api/v1/targets answer."""

from __future__ import annotations

import pytest
from flask import Flask
from pools import emission, gdp_constant, mark_changed
from sqlalchemy.orm import Session

from dashboard import api
from dashboard.config import Settings
from datasource import dual_control, queries, targets
from datasource.ingest import ingest_bytes
from datasource.models import Indicator, Region
from datasource.rollup import rebuild

REGIONS = [
    ("100000", None, "country", "全国"),
    ("440000", "100000", "province", "广东省"),
    ("440100", "440000", "city", "广州市"),
    ("450000", "100000", "province", "广西壮族自治区"),
]
# 广州 (t): energy CO2, process CO2, waste CO2, LULUCF CO2; GDP at 2020 prices and current (亿元)
GUANGZHOU = {
    2020: (800.0, 150.0, 50.0, 10.0, 10.0),
    2024: (720.0, 200.0, 60.0, 11.5, 13.0),
    2025: (700.0, 200.0, 60.0, 12.5, 14.0),
    2026: (680.0, 200.0, 60.0, 13.0, 15.0),
}
# 广西 has current-price GDP only: both years fall back, comparably
GUANGXI = {2020: (500.0, 10.0), 2024: (390.0, 10.0)}

TARGETS = (
    "region_code,plan,metric,base_period,target_period,target_change,target_value,unit,"
    "cap_kind,numerator,gdp_basis,gdp_base_year,source\n"
    "440000,14th-FYP,co2_intensity,2020,2025,-19.5%,,,,,,,测试\n"
    "450000,14th-FYP,co2_intensity,2020,2025,-0.14,,,,,,,测试\n"
    "440000,15th-FYP,co2_intensity,2025,2030,-0.17,,,,,,,测试：省级十五五方案（虚构）\n"
    "440000,15th-FYP,co2,2025,2030,,3400,t,cumulative,,,,测试：碳排放预算（虚构）\n"
)


def _fill(engine, years) -> None:
    with Session(engine) as s, s.begin():
        for code, parent, level, name in REGIONS:
            s.add(Region(code=code, parent_code=parent, level=level, name_zh=name, name_en=name))
        for year in years:
            p = str(year)
            energy, process, waste, constant, current = GUANGZHOU[year]
            s.add(emission("440100", p, "1.1.1.1", "CO2", energy))
            s.add(emission("440100", p, "2.1", "CO2", process))
            s.add(emission("440100", p, "5.1", "CO2", waste))
            s.add(emission("440100", p, "4.1", "CO2", -300.0))
            s.add(gdp_constant("440100", p, constant))
            s.add(Indicator(region_code="440100", period=p, name="gdp_current", value=current))
            if year in GUANGXI:
                co2, gdp = GUANGXI[year]
                s.add(emission("450000", p, "1.1.1.1", "CO2", co2))
                s.add(Indicator(region_code="450000", period=p, name="gdp_current", value=gdp))
        mark_changed(s)
    report = ingest_bytes(engine, TARGETS.encode(), "targets.csv")
    assert report.ok, report.problems
    rebuild(engine)


@pytest.fixture
def pool(engine):
    _fill(engine, (2020, 2024))
    return engine


@pytest.fixture
def pool_2026(engine):
    _fill(engine, (2020, 2024, 2025, 2026))
    return engine


def test_the_14th_plan_is_tracked_on_energy_co2_per_constant_2020_gdp(pool):
    all_co2 = targets.PlanTarget(
        "14th-FYP", "co2_intensity", "2020", "2025", -0.195, numerator="co2"
    )
    with Session(pool) as s:
        city = targets.progress(s, region_code="440100")
        summary_target = queries.target_progress(s, region_code="440100")
        points = targets._points(s, {"440100": [all_co2]})[("440100", all_co2.definition)]
    general = targets.evaluate_on("440100", all_co2, points, latest_year=2024)
    # inherited from 广东 (-19.5 %), on energy-activity CO2: 800 t / 10 亿元 = 0.008 t/万元 in
    # 2020, 720 / 11.5 = 0.0062609 in 2024: -21.74 %, ahead of the path 0.805 ** 0.8 - 1 =
    # -15.96 %
    assert (city.source, city.source_code, city.target_change) == ("inherited", "440000", -0.195)
    assert city.label_zh == "能源活动CO₂/2020年可比价GDP"
    assert city.base_value == pytest.approx(0.008)
    assert city.current_value == pytest.approx(720 / 11.5e4)
    assert city.change_so_far == pytest.approx((720 / 11.5) / 80 - 1)
    assert city.status == "on_track"
    assert city.needed_annual_rate == pytest.approx(0.008 * 0.805 / (720 / 11.5e4) - 1)
    assert city.fallback == ()
    # what GET /api/v1/summary answers under "target"
    assert summary_target.definition_zh == "能源活动CO₂/2020年可比价GDP"
    assert summary_target.definition_en == "energy-activity CO₂ / constant-2020 GDP"
    assert (summary_target.status, summary_target.fallback) == ("on_track", ())
    # all CO2 (1000 t in 2020, 980 in 2024): -14.78 %, 1.17 points behind the path: at risk
    assert general.change_so_far == pytest.approx((980 / 11.5) / 100 - 1)
    assert general.status == "at_risk"
    assert general.label_zh == "全部CO₂/2020年可比价GDP"


def test_a_province_summed_from_its_city_and_one_on_current_prices_say_so(pool):
    with Session(pool) as s:
        many = targets.progress_many(s, region_codes=["440000", "450000"])
    guangdong, guangxi = many["440000"], many["450000"]
    assert guangdong.source == "own" and guangdong.fallback == ("derived",)
    assert guangdong.change_so_far == pytest.approx((720 / 11.5) / 80 - 1)
    # 广西: 500 t / 10 亿元 (current) -> 390 / 10: -22 % against -14 %
    assert guangxi.fallback == ("current_prices",)
    assert guangxi.change_so_far == pytest.approx(-0.22)
    assert guangxi.status == "on_track"
    assert guangxi.label_zh == "能源活动CO₂/2020年可比价GDP"


def test_the_extended_targets_format_is_stored_and_checked(pool):
    from sqlalchemy import select

    from datasource.models import Target

    with Session(pool) as s:
        budget = s.scalars(
            select(Target).where(Target.region_code == "440000", Target.metric == "co2")
        ).one()
    assert (budget.target_change, budget.target_value, budget.unit) == (None, 3400.0, "t")
    assert (budget.cap_kind, budget.source) == ("cumulative", "测试：碳排放预算（虚构）")
    bad = (
        "region_code,plan,metric,base_period,target_period,target_change,target_value,unit,"
        "cap_kind,numerator\n"
        "440000,15th-FYP,co2,2025,2030,-0.1,5,万吨,,\n"
        "440000,15th-FYP,co2e,2025,2030,,5,桶,,\n"
        "440000,15th-FYP,co2_intensity,2025,2030,,5,万吨,,\n"
        "440000,15th-FYP,energy,2025,2030,,,,,\n"
        "440100,15th-FYP,co2,2025,2030,,5,万吨,monthly,co2e\n"
    )
    report = ingest_bytes(pool, bad.encode(), "bad.csv", dry_run=True)
    assert not report.ok
    assert [(p.line, p.column) for p in report.problems] == [
        (2, "target_value"),
        (3, "unit"),
        (4, "target_value"),
        (5, "target_change"),
        (6, "cap_kind"),
        (6, "numerator"),
    ]
    assert report.problems[0].reason == (
        "目标变化与目标值只能填一项 (give target_change or target_value, not both)"
    )


def test_dual_control_without_the_2025_inventory(pool):
    with Session(pool) as s:
        plans = {p.plan: p for p in dual_control.standing(s, region_code="440000", year=2026)}
    assert [p for p in plans] == ["13th-FYP", "14th-FYP", "15th-FYP", "NDC-2030"]
    fifteenth = plans["15th-FYP"]
    assert fifteenth.state == "running"
    assert [(c.metric, c.kind, c.status) for c in fifteenth.controls] == [
        ("co2_intensity", "change", "no_base_data"),
        ("co2", "cumulative", "no_base_data"),
    ]
    fourteenth = plans["14th-FYP"]
    assert fourteenth.state == "closed" and fourteenth.result == "pending"  # 2024 is the latest
    # 广西 has no 15th-plan target anywhere: 未设定, nothing assumed
    with Session(pool) as s:
        guangxi = {p.plan: p for p in dual_control.standing(s, region_code="450000", year=2026)}
    assert [c.status for c in guangxi["15th-FYP"].controls] == ["no_target", "no_target"]


def test_dual_control_with_2025_and_2026(pool_2026):
    with Session(pool_2026) as s:
        plans = {p.plan: p for p in dual_control.standing(s, region_code="440000", year=2026)}
    intensity, total = plans["15th-FYP"].controls
    # the 15th plan's intensity at constant 2025 prices: GDP rebased by 14.0 / 12.5 (current /
    # constant-2020 GDP of 2025). 2025: 700 t / 14.0 亿元 = 0.005 t/万元; 2026: 680 t / (13.0
    # x 1.12) = 0.0046703: -6.59 %, ahead of the path 0.83 ** 0.2 - 1 = -3.66 %
    assert intensity.definition.label() == "能源活动CO₂/2025年可比价GDP"
    assert intensity.base_value == pytest.approx(0.005)
    assert intensity.current_change == pytest.approx((680 / 13.0) / (700 / 12.5) - 1)
    assert intensity.status == "on_track"
    assert intensity.fallback == ("derived",)
    # budget 3400 t over 2026-2030: 680 used in 2026, its straight share 680: on track; the
    # 2720 t left over four years allow 680 a year, a rate of 0
    assert (total.kind, total.unit) == ("cumulative", "万吨")
    assert total.target_value == pytest.approx(0.34)
    assert total.used == pytest.approx(0.068)
    assert total.status == "on_track"
    assert total.needed_annual_rate == pytest.approx(0.0, abs=1e-9)
    # the 14th plan closed with 2025 in the pool: 700 / 12.5 = 0.0056 vs 0.008, -30 % against
    # -19.5 %: achieved (its energy-intensity control has no energy data and is left out)
    fourteenth = plans["14th-FYP"]
    assert [(c.metric, c.status) for c in fourteenth.controls] == [
        ("co2_intensity", "on_track"),
        ("energy_intensity", "no_base_data"),
    ]
    assert fourteenth.controls[0].current_change == pytest.approx(-0.3)
    assert fourteenth.result == "achieved"


def test_the_targets_api_answers_issue_21s_shape(pool_2026, db_url):
    app = Flask(__name__)
    from datasource.engine import make_sessions

    api.register(
        app,
        sessions=make_sessions(pool_2026),
        engine=pool_2026,
        settings=Settings(database_url=db_url, root_region="100000"),
    )
    client = app.test_client()
    body = client.get("/api/v1/targets?region=440000&year=2026").get_json()
    assert body["region"] == "440000"
    assert [p["plan"] for p in body["plans"]] == ["13th-FYP", "14th-FYP", "15th-FYP", "NDC-2030"]
    fifteenth = body["plans"][2]
    assert (fifteenth["base_period"], fifteenth["target_period"]) == ("2025", "2030")
    intensity, total = fifteenth["controls"]
    assert intensity["metric"] == "co2_intensity" and intensity["target_change"] == -0.17
    assert intensity["current_change"] == pytest.approx((680 / 13.0) / (700 / 12.5) - 1)
    assert intensity["status"] == "on_track"
    assert intensity["definition"]["numerator"] == "energy_co2"
    assert intensity["definition"]["gdp_base_year"] == 2025
    assert total["metric"] == "co2" and total["unit"] == "万吨"
    assert total["target_value"] == pytest.approx(0.34)
    assert total["current_value"] == pytest.approx(0.068)
    assert total["status"] == "on_track"
    assert body["plans"][1]["result"] == "achieved"
    for query, status in (("region=44$", 400), ("region=999999", 404), ("year=20261", 400)):
        answer = client.get(f"/api/v1/targets?{query}")
        assert answer.status_code == status
        assert set(answer.get_json()["error"]) == {"code", "message", "field"}
