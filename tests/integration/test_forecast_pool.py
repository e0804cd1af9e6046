"""Forecasts, targets and the forecast API on a hand-worked pool, on SQLite and PostgreSQL."""

from __future__ import annotations

import os

import pytest
from flask import Flask
from pools import mark_changed
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from dashboard import api_forecast
from dashboard.config import Settings
from datasource import forecast, queries, targets
from datasource.models import DataState, Emission, Indicator, Region, Target
from datasource.models_forecast import Forecast, ForecastModel
from datasource.rollup import rebuild

YEARS = range(2005, 2025)
REGIONS = [
    ("100000", None, "country", "全国"),
    ("340000", "100000", "province", "安徽省"),
    ("340100", "340000", "city", "合肥市"),
    ("340102", "340100", "county", "瑶海区"),
    ("340103", "340100", "county", "庐阳区"),
    ("340200", "340000", "city", "芜湖市"),
    ("340202", "340200", "county", "镜湖区"),
]
GDP_340103 = {2021: 4.9, 2022: 4.8, 2023: 4.6, 2024: 4.5}  # GDP fell; 5.0 before


def _co2(code: str, year: int) -> float | None:
    t = year - 2005
    if code == "340102":
        return 1000.0 * 1.04**t * (1.0 + 0.02 * (-1) ** t)
    if code == "340103":
        return 500.0
    if code == "340202":  # four years only: the drift fallback, exact growth of 10 %
        return {2021: 100.0, 2022: 110.0, 2023: 121.0, 2024: 133.1}.get(year)
    return None


def _gdp(code: str, year: int) -> float | None:
    t = year - 2005
    if code == "340102":
        return 10.0 * 1.08**t
    if code == "340103":
        return GDP_340103.get(year, 5.0)
    if code == "340202":
        return 2.0 if year >= 2021 else None
    return None


def fill(engine) -> None:
    with Session(engine) as s, s.begin():
        for code, parent, level, name in REGIONS:
            s.add(Region(code=code, parent_code=parent, level=level, name_zh=name, name_en=name))
        for code in ("340102", "340103", "340202"):
            for year in YEARS:
                if (v := _co2(code, year)) is not None:
                    s.add(
                        Emission(
                            region_code=code,
                            period=str(year),
                            sector_code="1.1.1.1",
                            gas="CO2",
                            sector_top="1",
                            period_kind="Y",
                            value=v,
                        )
                    )
                if (g := _gdp(code, year)) is not None:
                    s.add(
                        Indicator(
                            region_code=code,
                            period=str(year),
                            name="gdp_constant",
                            value=g,
                            base_year=2020,
                        )
                    )
        s.add(
            Target(
                region_code="340000",
                plan="14th-FYP",
                metric="co2_intensity",
                base_period="2020",
                target_period="2025",
                target_change=-0.195,
            )
        )
        mark_changed(s, 1)


@pytest.fixture
def pool(engine):
    fill(engine)
    assert rebuild(engine).built
    report = forecast.compute_all(engine)
    assert report.computed and report.version == 1
    return engine


def test_compute_all_stores_two_origins_and_skips_when_current(pool):
    assert forecast.compute_all(pool).computed is False
    assert forecast.needs_compute(pool) is False
    with Session(pool) as s:
        assert forecast.stored_origins(s) == [2023, 2024]
        # 7 regions with data x 3 metrics; 6 years from 2024, 7 from 2023
        assert s.scalar(select(func.count()).select_from(Forecast)) == 7 * 3 * (6 + 7)
        state = forecast.forecast_state(s)
        assert (state.version, state.series) == (1, 21)
    with Session(pool) as s, s.begin():
        s.execute(update(DataState).where(DataState.id == 1).values(version=2))
    rebuild(pool)
    assert forecast.needs_compute(pool) is True
    assert forecast.compute_all(pool).version == 2


def test_stored_forecasts_are_ordered_and_exact_on_exact_growth(pool):
    with Session(pool) as s:
        short = forecast.stored(s, region_code="340202", metric="co2")
        before = forecast.stored(s, region_code="340202", metric="co2", origin=2023)
        county = forecast.stored(s, region_code="340102", metric="co2e")
        none = forecast.stored(s, region_code="999999", metric="co2")
    assert [p.year for p in short] == [2025, 2026, 2027, 2028, 2029, 2030]
    assert {p.model for p in short} == {"drift"}
    assert [round(p.point, 6) for p in short] == [
        146.41,
        161.051,
        177.1561,
        194.87171,
        214.358881,
        235.794769,
    ]
    assert all(p.lo95 == pytest.approx(p.point) == pytest.approx(p.hi95) for p in short)
    assert [round(p.point, 6) for p in before][:2] == [133.1, 146.41]
    assert before[0].origin == 2023 and before[0].data_version == 1
    # chosen by this pool's backtest (every level pooled: 5 series, too few per level):
    # ets_pooled at h1 and h3-5, drift at h2 (no model beat both baselines over h1-2), the h5
    # choice beyond (datasource.forecast_select)
    assert [p.model for p in county] == ["ets_pooled", "drift"] + ["ets_pooled"] * 4
    for p in county:
        assert p.lo95 <= p.lo80 <= p.point <= p.hi80 <= p.hi95
    assert none == []


@pytest.mark.parametrize("metric", ["co2e", "intensity"])
def test_an_origin_computed_on_demand_matches_what_the_job_stored(pool, metric):
    with Session(pool) as s:
        kept = forecast.stored(s, region_code="340102", metric=metric, origin=2024)
    with Session(pool) as s, s.begin():
        s.execute(delete(Forecast).where(Forecast.origin == 2024))
    with Session(pool) as s:
        again = forecast.forecast_for_origin(s, region_code="340102", metric=metric, origin=2024)
        older = forecast.forecast_for_origin(s, region_code="340102", metric=metric, origin=2016)
        params = s.scalar(select(func.count()).select_from(ForecastModel))
    assert [p.model for p in again] == [p.model for p in kept]
    assert [p.year for p in again] == [p.year for p in kept]
    for a, b in zip(again, kept, strict=True):
        assert a.point == pytest.approx(b.point, rel=1e-9)
        assert a.lo80 == pytest.approx(b.lo80, rel=1e-9)
        assert a.hi95 == pytest.approx(b.hi95, rel=1e-9)
    assert [p.year for p in older] == list(range(2017, 2031))
    # origins 2010..2024 x 5 horizons x 7 candidate models x 3 metrics
    assert params == 15 * 5 * 7 * 3
    with Session(pool) as s, pytest.raises(forecast.NotEnoughHistory):
        forecast.forecast_for_origin(s, region_code="340202", metric="co2", origin=2022)


def test_target_progress_inherits_and_tracks_a_falling_gdp(pool):
    with Session(pool) as s:
        city = targets.progress(s, region_code="340100")
        falling = queries.target_progress(s, region_code="340103")
        nation = targets.progress(s, region_code="100000", plan="NDC-2030")
        every = targets.progress_all(s, region_code="340103")
        many = targets.progress_many(s, region_codes=["340102", "340103", "999999"])
    assert (city.plan, city.source, city.source_code, city.target_change) == (
        "14th-FYP",
        "inherited",
        "340000",
        -0.195,
    )
    assert falling.plan == "14th-FYP" and falling.target_change == -0.195
    assert falling.base_value == pytest.approx(500 / 5e4)  # 0.01 t/万元 in 2020
    assert falling.current_period == "2024"
    assert falling.current_value == pytest.approx(500 / 4.5e4)
    assert falling.change_so_far == pytest.approx(5 / 4.5 - 1)  # +11.1 %: GDP fell
    assert falling.years_left == 1
    assert falling.needed_annual_rate == pytest.approx(0.01 * 0.805 / (500 / 4.5e4) - 1)
    assert falling.status == "off_track"
    assert nation.source == "national" and nation.base_period == "2005"
    assert [t.plan for t in every] == ["13th-FYP", "14th-FYP", "NDC-2030"]
    assert every[0].status == "off_track"  # intensity flat 2015-2020 where -18 % was due
    assert sorted(many) == ["340102", "340103"]


def test_peak_watch_reads_history_and_the_stored_forecast(pool):
    with Session(pool) as s:
        growing = targets.peak_watch(s, region_code="340102")
        flat = targets.peak_watch(s, region_code="340103", n_years=3)
    assert growing.status == "not_peaked" and growing.peak_year == 2023  # the even years dip
    assert flat.peak_year == 2005 and flat.peak_value == 500.0  # the first of equal values
    assert flat.forecast_max is not None


@pytest.fixture
def client(pool):
    from datasource.engine import make_sessions

    server = Flask(__name__)
    api_forecast.register(server, sessions=make_sessions(pool), settings=Settings())
    return server.test_client()


def test_api_returns_stored_and_computed_forecasts(client):
    got = client.get("/api/v1/forecast?region=340202&metric=co2")
    assert got.status_code == 200
    body = got.get_json()
    assert (body["origin"], body["source"], body["model"], body["unit"]) == (
        2024,
        "stored",
        "drift",
        "t CO2",
    )
    assert [(r["year"], round(r["point"], 4), r["actual"]) for r in body["forecast"][:2]] == [
        (2025, 146.41, None),
        (2026, 161.051, None),
    ]
    assert body["history"][-1] == {"year": 2024, "value": 133.1}
    old = client.get("/api/v1/forecast?region=340202&metric=co2&origin=2023").get_json()
    assert old["forecast"][0] == {
        "year": 2024,
        "point": pytest.approx(133.1),
        "lo80": pytest.approx(133.1),
        "hi80": pytest.approx(133.1),
        "lo95": pytest.approx(133.1),
        "hi95": pytest.approx(133.1),
        "actual": pytest.approx(133.1),
        "model": "drift",
    }
    computed = client.get("/api/v1/forecast?region=340102&metric=intensity&origin=2018")
    assert computed.status_code == 200
    assert computed.get_json()["source"] == "computed"
    assert computed.get_json()["forecast"][0]["year"] == 2019
    csv = client.get("/api/v1/forecast?region=340202&metric=co2&format=csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert csv.data.decode("utf-8-sig").splitlines()[0] == (
        "year,point,lo80,hi80,lo95,hi95,actual,model"
    )


@pytest.mark.parametrize(
    ("query", "status", "code", "field"),
    [
        ("", 400, "missing_parameter", "region"),
        ("region=34-01", 400, "bad_parameter", "region"),
        ("region=999999", 404, "not_found", "region"),
        ("region=340102&metric=gdp", 400, "bad_parameter", "metric"),
        ("region=340102&origin=20x4", 400, "bad_parameter", "origin"),
        ("region=340102&origin=2031", 400, "bad_parameter", "origin"),
        ("region=340202&metric=co2&origin=2022", 404, "no_forecast", "origin"),
        ("region=340102&format=pdf", 400, "bad_parameter", "format"),
        ("region=340102&region=340103", 400, "bad_parameter", "region"),
    ],
)
def test_api_errors(client, query, status, code, field):
    got = client.get(f"/api/v1/forecast?{query}")
    assert got.status_code == status
    assert got.get_json()["error"]["code"] == code
    assert got.get_json()["error"]["field"] == field


def test_api_says_which_model_was_chosen_and_how_it_scored(client):
    body = client.get("/api/v1/forecast?region=340102&metric=co2").get_json()
    record = body["track_record"]
    # 5 series with >= 6 years (340102, 340103 and their sums 340100, 340000, 100000), too
    # few per level: every level pooled; origins 2010..2023 for h1, 2010..2021 for h3
    assert {k: record[k] for k in ("decided_by", "series", "origins")} == {
        "decided_by": "*",
        "series": 5,
        "origins": 12,
    }
    assert (record["naive_unbeaten"], record["too_short"]) == ([], [])
    horizons = record["horizons"]
    assert [(h["horizon"], h["model"], h["scores"]) for h in horizons] == [
        (1, "ets_pooled", 70),
        (2, "drift", 65),
        (3, "ets_pooled", 60),
        (4, "ets_pooled", 55),
        (5, "ets_pooled", 50),
    ]
    assert [p["model"] for p in body["forecast"][:3]] == ["ets_pooled", "drift", "ets_pooled"]
    for h in horizons:  # never worse than either baseline
        assert h["smape"] <= min(h["naive_smape"], h["drift_smape"])
        assert 0 <= h["cover80"] <= h["cover95"] <= 1
    assert horizons[2]["smape"] == pytest.approx(2.6339, abs=1e-4)
    assert horizons[2]["cover80"] == pytest.approx(51 / 60)
    early = client.get("/api/v1/forecast?region=340102&metric=co2&origin=2012").get_json()
    # as of 2012 only origins 2010 and 2011 have a known next year: 10 scores, too few
    assert early["track_record"]["too_short"] == [1, 2, 3, 4, 5]
    assert early["track_record"]["horizons"][0]["scores"] == 10
    assert {p["model"] for p in early["forecast"]} == {"naive"}


def _scale_after(engine, year: int, factor: float) -> None:
    with Session(engine) as s, s.begin():
        s.execute(
            update(Emission)
            .where(Emission.period > str(year))
            .values(value=Emission.value * factor)
        )
        s.execute(
            update(Indicator).where(Indicator.period > str(year)).values(value=Indicator.value / 2)
        )
        mark_changed(s)


@pytest.mark.parametrize("metric", ["co2", "intensity"])
def test_an_origin_forecast_reads_no_data_after_the_origin(pool, metric):
    def as_of_2016():
        with Session(pool) as s:
            points = forecast.forecast_for_origin(
                s, region_code="340102", metric=metric, origin=2016
            )
            plan = forecast.track_record(s, region_code="340102", metric=metric, origin=2016)
        return points, plan

    before, plan_before = as_of_2016()
    # every value after 2016 changes (emissions tripled, GDP halved): the choice and the
    # forecast as of 2016 must not move
    _scale_after(pool, 2016, 3.0)
    assert rebuild(pool).built
    assert forecast.compute_all(pool).computed
    after, plan_after = as_of_2016()
    assert plan_after == plan_before
    assert [(p.year, p.model) for p in after] == [(p.year, p.model) for p in before]
    for a, b in zip(after, before, strict=True):
        assert (a.point, a.lo80, a.hi80, a.lo95, a.hi95) == pytest.approx(
            (b.point, b.lo80, b.hi80, b.lo95, b.hi95), rel=1e-12
        )
    with Session(pool) as s:  # while the newest forecast did move
        newest = forecast.stored(s, region_code="340102", metric=metric)
    assert newest[0].origin == 2024


def test_the_stored_backtest_table_and_every_levels_latest_choice(pool):
    with Session(pool) as s:
        rows = forecast.stored_scores(s, metric="co2")
        plans = forecast.latest_choices(s, metric="co2")
    # levels with a scored series (country, province, city, county) and * ; 7 models; h1-5
    assert sorted({r.level for r in rows}) == ["*", "city", "country", "county", "province"]
    assert len(rows) == 5 * 7 * 5
    chosen = sorted((r.model, r.horizon) for r in rows if r.level == "*" and r.chosen)
    assert chosen == [
        ("drift", 2),
        ("ets_pooled", 1),
        ("ets_pooled", 3),
        ("ets_pooled", 4),
        ("ets_pooled", 5),
    ]
    assert not any(r.chosen for r in rows if r.level != "*")  # each level borrowed *'s choice
    assert [(lv, group) for lv, group, _ in plans] == [
        ("city", "*"),
        ("country", "*"),
        ("county", "*"),
        ("province", "*"),
        ("*", "*"),
    ]
    assert [c.model for c in plans[-1][2]] == ["ets_pooled", "drift"] + ["ets_pooled"] * 3


def test_the_backtest_page_shows_each_levels_choice_and_the_table(pool, db_url, tmp_path):
    from dash_calls import call, text

    from dashboard.app import create_app
    from layouts import ids_forecasts

    app = create_app(
        Settings(database_url=db_url, run_scheduler=False, geo_cache_dir=str(tmp_path / "geo"))
    )
    client = app.server.test_client()
    page = client.get("/analysis/forecasts")
    assert page.status_code == 200
    out = call(
        client,
        app,
        (ids_forecasts.FC_METRIC, "value"),
        ["intensity"],
        state={ids_forecasts.FC_PARAMS: {"lang": "zh"}},
    )
    summary = text(out[ids_forecasts.FC_SUMMARY]["children"])
    # every level borrows the pooled choice (5 series); intensity: drift at every horizon
    assert summary.startswith(
        "全国：漂移 · 回测误差 h3 3.4%，80% 区间覆盖 98%（序列太少，沿用全部层级的选择）"
    )
    assert summary.endswith("全部层级：漂移 · 回测误差 h3 3.4%，80% 区间覆盖 98%")
    table = text(out[ids_forecasts.FC_TABLE]["children"])
    assert "全部层级漂移2.87% ★0.74% ★3.37% ★1.35% ★3.87% ★" in table


def test_carbonwall_backtest_prints_the_table_for_the_current_pool(pool, db_url):
    from click.testing import CliRunner

    from dashboard.__main__ import cli

    env = {k: None for k in os.environ if k.startswith("CARBONWALL_")}
    env["CARBONWALL_DATABASE_URL"] = db_url
    result = CliRunner().invoke(cli, ["backtest"], env=env)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(
        "model selection by rolling-origin backtest on this pool, as of 2024"
    )
    row = next(line for line in lines if line.startswith("intensity *        drift   "))
    assert row.split() == ["intensity", "*", "drift", "2.87*", "0.74*", "3.37*", "1.35*"] + [
        "3.87*",
        "96%",
        "97%",
        "98%",
        "100%",
        "100%",
    ]
    assert (
        "co2 *: h1 ets_pooled h2 drift h3 ets_pooled h4 ets_pooled h5 ets_pooled (decided by "
        "level *: 5 series, 12 origins); h3 sMAPE 2.63 % (naive 8.18, drift 3.32), 80 % "
        "coverage 85 %"
    ) in lines
