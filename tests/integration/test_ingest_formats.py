"""Accepted files: every example, encodings, XLSX, unit conversion, idempotence, replacement,
dry runs and frames, on SQLite and PostgreSQL."""

from __future__ import annotations

import getpass

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from test_ingest_rules import EXAMPLES, REGIONS, pool_state, run_cli, xlsx_bytes

from datasource.ingest import ingest_bytes, ingest_file, ingest_frame
from datasource.models import (
    DataState,
    Emission,
    Indicator,
    IngestBatch,
    Region,
    Target,
    ValueChange,
)
from datasource.schema import load_regions


@pytest.fixture
def regions(engine):
    with Session(engine) as session, session.begin():
        load_regions(session, REGIONS)
    return engine


def emission(engine, region, period, sector, gas) -> float | None:
    with Session(engine) as session:
        row = session.get(Emission, (region, period, sector, gas))
        return None if row is None else row.value


@pytest.mark.parametrize(
    ("name", "kind", "rows"),
    [
        ("emissions.csv", "emissions", 11),
        ("emissions_gbk.csv", "emissions", 5),
        ("indicators.csv", "indicators", 6),
        ("regions.csv", "regions", 2),
        ("parks.csv", "parks", 2),
        ("targets.csv", "targets", 3),
    ],
)
def test_each_example_file_loads_with_its_kind_detected(regions, name, kind, rows):
    report = ingest_file(regions, EXAMPLES / name)
    assert report.ok, report.render()
    assert (report.kind, report.rows, report.inserted, report.status) == (
        kind,
        rows,
        rows,
        "accepted",
    )
    assert report.data_version == 1


def test_units_are_converted_and_codes_stay_text(regions):
    assert ingest_file(regions, EXAMPLES / "emissions.csv").ok
    assert emission(regions, "340100", "2024", "1.1.1.1", "CO2") == pytest.approx(28_564_000)
    assert emission(regions, "340100", "2024", "1.1.4", "CO2") == pytest.approx(6_450_000)
    assert emission(regions, "340100", "2024", "2.10", "SF6") == pytest.approx(186_000)
    assert emission(regions, "340100", "2024", "2.1", "CO2") == pytest.approx(5_321_000)
    assert emission(regions, "340100", "2024", "3.1", "CH4") == pytest.approx(2_100)
    assert emission(regions, "340100", "2024", "4.1", "CO2") == pytest.approx(-2_150_000)
    with Session(regions) as session:
        row = session.get(Emission, ("340100", "2024-07", "1.1.1.1", "CO2"))
        assert (row.sector_top, row.period_kind, row.batch_id) == ("1", "M", 1)
        assert session.get(Emission, ("340100", "2024", "2.10", "SF6")).sector_top == "2"


def test_indicators_are_stored_in_their_units(regions):
    data = (
        "地区代码,年份,指标,数值,单位,基年\n"
        "340102,2024,gdp_current,125000000,万元,\n"
        "340102,2024,gdp_constant,1100,亿元,2020.0\n"
        "340102,2024,population,1234500,人,\n"
        "340102,2024,energy,3000000,吨标准煤,\n"
    ).encode("gbk")
    report = ingest_bytes(regions, data, "i.csv")
    assert report.ok, report.render()
    assert report.encoding == "gbk"
    with Session(regions) as session:
        got = {(i.name, round(i.value, 6), i.base_year) for i in session.scalars(select(Indicator))}
    assert got == {
        ("gdp_current", 12500.0, None),
        ("gdp_constant", 1100.0, 2020),
        ("population", 123.45, None),
        ("energy", 300.0, None),
    }


def test_reingest_is_idempotent_and_a_changed_value_replaces_the_old(regions, tmp_path):
    path = tmp_path / "e.csv"
    text = "region_code,period,sector_code,gas,value,unit\n340102,2024,1.1.1.1,CO2,10,万吨\n340102,2024,2.10,SF6,5,t CO2e\n"  # noqa: E501
    path.write_text(text, encoding="utf-8-sig")
    first = ingest_file(regions, path)
    assert (first.status, first.inserted, first.data_version, first.encoding) == (
        "accepted",
        2,
        1,
        "utf-8-bom",
    )
    again = ingest_file(regions, path)
    assert (again.ok, again.status, again.unchanged, again.data_version) == (
        True,
        "unchanged",
        2,
        1,
    )

    path.write_text(text.replace(",10,", ",12,"), encoding="utf-8")
    changed = ingest_file(regions, path)
    assert (changed.status, changed.replaced, changed.unchanged, changed.data_version) == (
        "accepted",
        1,
        1,
        2,
    )
    with Session(regions) as session:
        change = session.scalars(select(ValueChange)).one()
        assert (
            change.batch_id,
            change.table_name,
            change.key,
            change.old_value,
            change.new_value,
        ) == (
            changed.batch_id,
            "emission",
            "340102|2024|1.1.1.1|CO2",
            100_000.0,
            120_000.0,
        )
        statuses = session.scalars(select(IngestBatch.status).order_by(IngestBatch.id)).all()
        assert statuses == ["accepted", "unchanged", "accepted"]
        assert session.get(DataState, 1).version == 2


def test_dry_run_reports_what_would_change_and_writes_nothing(regions):
    assert ingest_file(regions, EXAMPLES / "emissions.csv").ok
    before = pool_state(regions)
    data = (EXAMPLES / "emissions.csv").read_bytes().replace(b",2856.4,", b",3000,")
    report = ingest_bytes(regions, data, "e.csv", dry_run=True)
    assert (report.ok, report.status, report.replaced, report.unchanged, report.batch_id) == (
        True,
        "dry-run",
        1,
        10,
        None,
    )
    assert pool_state(regions) == before
    with Session(regions) as session:
        assert session.scalar(select(func.count()).select_from(IngestBatch)) == 1


def test_xlsx_takes_the_first_sheet_with_a_header_and_keeps_codes_as_text(regions):
    data = xlsx_bytes(
        {
            "说明": [],
            "排放": [
                [],
                ["地区代码", "年份", "排放源代码", "气体", "数值", "单位"],
                [340102, 2024, "2.10", "SF6", 1.5, "万吨CO2e"],
                [340102, 2024.0, "2.1", "CO2", 7, "kt"],
            ],
        }
    )
    report = ingest_bytes(regions, data, "e.xlsx")
    assert report.ok, report.render()
    assert (report.rows, report.encoding) == (2, "xlsx")
    assert emission(regions, "340102", "2024", "2.10", "SF6") == pytest.approx(15_000)
    assert emission(regions, "340102", "2024", "2.1", "CO2") == pytest.approx(7_000)


def test_frame_with_numbers_loads_like_a_file(regions):
    frame = pd.DataFrame(
        {
            "region_code": [340102, 340103, 340103],
            "period": [2023, 2023, 2024.0],
            "sector_code": ["1.1.1.1", "1.1.1.1", "4.1"],
            "gas": ["co2", "二氧化碳", "CO2"],
            "value": [1.0, 2.0, -3.0],
            "unit": ["t", "kt", "t"],
        }
    )
    report = ingest_frame(regions, frame, kind="emissions", file_name="demo-340000")
    assert (report.ok, report.inserted, report.data_version) == (True, 3, 1)
    assert emission(regions, "340103", "2023", "1.1.1.1", "CO2") == pytest.approx(2_000)
    bad = frame.assign(value=[1.0, float("nan"), -3.0])
    report = ingest_frame(regions, bad, kind="emissions", file_name="demo-340000")
    assert [p.render() for p in report.problems] == ["第 3 行 [value]: 数值为空 (empty value)"]


def test_parks_run_the_location_check_and_attach_to_their_county(regions):
    calls = []

    def checker(county, lon, lat):
        calls.append((county, lon, lat))
        return "点 (117.22, 31.78) 不在 340104 内" if lon == 117.22 else None

    report = ingest_file(regions, EXAMPLES / "parks.csv", park_checker=checker)
    assert report.ok is False
    assert [p.render() for p in report.problems] == [
        "第 2 行 [lon]: 园区位置与所在区县不符 (location check): 点 (117.22, 31.78) 不在 340104 内"
    ]
    assert calls == [("340104", 117.22, 31.78), ("340104", 117.13, 31.83)]
    report = ingest_file(regions, EXAMPLES / "parks.csv", park_checker=lambda *_: None)
    assert report.ok
    with Session(regions) as session:
        park = session.get(Region, "P340100001")
        assert (park.level, park.parent_code, park.park_level, park.industry) == (
            "park",
            "340104",
            "national",
            "装备制造",
        )


def test_cli_checks_park_points_against_the_boundaries(regions, db_url, tmp_path):
    result = run_cli(db_url, EXAMPLES / "parks.csv")
    assert result.exit_code == 0, result.output
    assert "导入成功 (accepted)" in result.output
    wrong = tmp_path / "parks.csv"
    wrong.write_bytes(
        (EXAMPLES / "parks.csv").read_bytes().replace(b",340104,117.13,", b",340111,117.13,")
    )
    before = pool_state(regions)
    result = run_cli(db_url, wrong)
    assert result.exit_code == 1
    assert "第 3 行 [lon]: 园区位置与所在区县不符 (location check): " in result.output
    assert "not in the declared Baohe District (340111)" in result.output
    assert pool_state(regions) == before
    # both batches, the accepted and the rejected one, name the account that ran the CLI
    with Session(regions) as session:
        batches = session.scalars(select(IngestBatch).order_by(IngestBatch.id)).all()
    assert [(b.status, b.source, b.actor) for b in batches[-2:]] == [
        ("accepted", "cli", getpass.getuser()),
        ("rejected", "cli", getpass.getuser()),
    ]


def test_targets_accept_percentages_and_regions_update_names(regions, tmp_path):
    assert ingest_file(regions, EXAMPLES / "targets.csv").ok
    with Session(regions) as session:
        target = session.get(Target, ("340100", "14th-FYP", "energy_intensity"))
        assert (target.base_period, target.target_period, target.target_change) == (
            "2020",
            "2025",
            pytest.approx(-0.14),
        )
    path = tmp_path / "r.csv"
    path.write_text(
        "code,parent_code,level,name_zh,name_en\n340103,340100,county,庐阳区,Luyang Qu\n"
    )
    report = ingest_file(regions, path)
    assert (report.status, report.replaced) == ("accepted", 1)
    with Session(regions) as session:
        assert session.get(Region, "340103").name_en == "Luyang Qu"


def test_kind_given_explicitly_checks_its_columns(regions):
    report = ingest_file(regions, EXAMPLES / "emissions.csv", kind="indicators")
    assert report.ok is False
    assert [p.render() for p in report.problems] == [
        "第 1 行 [indicator]: 缺少列 (missing column) indicator"
    ]


def test_columns_nothing_reads_are_named_in_the_report(regions, tmp_path):
    """An extra 备注 column, or a known column this kind does not use, is loaded nowhere: the
    report names it (as written in the file) instead of dropping it without a word."""
    path = tmp_path / "extra.csv"
    path.write_text(
        "地区代码,年份,排放源代码,气体,排放量,单位,备注,人口\n"
        "340102,2019,1.1.1.1,CO2,12.5,万吨,核算口径见附件,95\n",
        encoding="utf-8",
    )
    report = ingest_file(regions, path)
    assert report.ok, report.render()
    assert report.ignored_columns == ["备注", "人口"]
    assert report.render().splitlines()[-1] == (
        "已忽略的列, 未导入 (ignored columns, not loaded): 备注, 人口"
    )
    assert emission(regions, "340102", "2019", "1.1.1.1", "CO2") == 125_000.0
    plain = tmp_path / "plain.csv"
    plain.write_text(
        "地区代码,年份,排放源代码,气体,排放量,单位\n340102,2020,1.1.1.1,CO2,1,万吨\n",
        encoding="utf-8",
    )
    assert ingest_file(regions, plain).ignored_columns == []
