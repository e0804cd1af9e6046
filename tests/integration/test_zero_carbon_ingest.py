"""The park_indicators and zc_thresholds kinds on SQLite and PostgreSQL: a good file lands
whole with units converted, a bad one is rejected with every row's reason and changes nothing,
and a re-imported thresholds file changes the verdicts (issue 21)."""

from __future__ import annotations

import pytest
from pdi_parks import add_parks
from sqlalchemy import select
from sqlalchemy.orm import Session

from datasource import zero_carbon_store as store
from datasource.ingest import ingest_bytes
from datasource.models import DataState, IngestBatch, RejectedRow
from datasource.models_zero_carbon import ParkIndicator

GOOD = """park_code,period,indicator,value,unit
E1,2025,energy_consumption,50,万吨标准煤
E1,2025,energy_co2,12.5,万吨
E1,2026,energy_consumption,500000,tce
E1,2026,energy_co2,90000,t
E1,2026,clean_energy_share,0.92,fraction
E1,2026,product_energy_grade,1,级
E1,2026,solid_waste_utilisation,85,%
E1,2026,waste_heat_utilisation,55,%
E1,2026,water_reuse,91,%
A1,2026,energy_consumption,15,万吨标准煤
A1,2026,energy_co2,30000,t
"""

BAD = """park_code,period,indicator,value,unit
E1,2026,energy_consumption,500000,tce
ZZ,2026,energy_co2,90000,t
E1,26,energy_co2,90000,t
E1,2026,carbon_sink,5,t
E1,2026,clean_energy_share,120,%
E1,2026,energy_co2,9,kg
E1,2026,product_energy_grade,4,级
E1,2026,energy_consumption,1,万吨标准煤
E1,2026,water_reuse,-3,%
"""


@pytest.fixture
def pool(engine):
    add_parks(engine)
    return engine


def version(engine) -> int:
    with Session(engine) as s:
        return s.get(DataState, 1).version


def stored(engine) -> list[tuple[str, str, str, float, str]]:
    with Session(engine) as s:
        rows = s.execute(
            select(
                ParkIndicator.park_code,
                ParkIndicator.period,
                ParkIndicator.indicator,
                ParkIndicator.value,
                ParkIndicator.unit,
            ).order_by(ParkIndicator.park_code, ParkIndicator.period, ParkIndicator.indicator)
        ).all()
    return [tuple(r) for r in rows]


def test_good_file_lands_whole_with_units_converted(pool):
    before = version(pool)
    report = ingest_bytes(pool, GOOD.encode("utf-8"), "zc.csv", source="cli")
    assert report.ok, report.render()
    assert (report.kind, report.rows, report.inserted, report.replaced) == (
        "park_indicators",
        11,
        11,
        0,
    )
    assert version(pool) == before + 1
    rows = stored(pool)
    assert rows[:2] == [
        ("A1", "2026", "energy_co2", 30000.0, "t"),
        ("A1", "2026", "energy_consumption", 150000.0, "tce"),
    ]
    assert ("E1", "2025", "energy_consumption", 500000.0, "tce") in rows
    assert ("E1", "2025", "energy_co2", 125000.0, "t") in rows
    assert ("E1", "2026", "clean_energy_share", 92.0, "%") in rows
    with Session(pool) as s:
        e1 = store.park_record(s, "E1")
        statuses = {p.code: (p.period, p.status) for p in store.park_statuses(s)}
    # 2026: 90 000 / 500 000 = 0.18 <= 0.20 with all six reported; 2025: 0.25, guiding missing
    assert e1.latest.status == "met"
    assert e1.latest.core.value == pytest.approx(0.18)
    assert e1.base.core.value == pytest.approx(0.25)
    assert e1.base.status == "not_met"
    core = e1.progress()[0]
    assert core.change == pytest.approx(-0.07)
    # A1: 150 000 tce is under the 200 000 tce tier; 30 000 / 150 000 = 0.20
    assert statuses == {"A1": ("2026", "below_tiers"), "E1": ("2026", "met")}


def test_same_file_again_is_unchanged_and_a_changed_value_replaces(pool):
    ingest_bytes(pool, GOOD.encode("utf-8"), "zc.csv")
    v = version(pool)
    again = ingest_bytes(pool, GOOD.encode("utf-8"), "zc.csv")
    assert (again.status, again.inserted, again.replaced, again.unchanged) == (
        "unchanged",
        0,
        0,
        11,
    )
    assert version(pool) == v
    changed = "park_code,period,indicator,value,unit\nE1,2026,energy_co2,11,万吨\n"
    report = ingest_bytes(pool, changed.encode("gbk"), "zc-gbk.csv", kind="park_indicators")
    assert (report.status, report.replaced, report.encoding) == ("accepted", 1, "gbk")
    with Session(pool) as s:
        e1 = store.park_record(s, "E1")
    # 110 000 / 500 000 = 0.22 > 0.20
    assert (round(e1.latest.core.value, 4), e1.latest.status) == (0.22, "not_met")


def test_bad_rows_rejected_with_every_reason_and_nothing_changed(pool):
    before = version(pool)
    report = ingest_bytes(pool, BAD.encode("utf-8"), "bad.csv")
    assert not report.ok
    assert [p.render() for p in report.problems] == [
        "第 3 行 [park_code]: 未知园区 (unknown park 'ZZ')",
        "第 4 行 [period]: 年份须为 YYYY (period must be a year: '26')",
        "第 5 行 [indicator]: 未知指标 'carbon_sink' (known: energy_consumption, energy_co2, "
        "clean_energy_share, product_energy_grade, solid_waste_utilisation, "
        "waste_heat_utilisation, water_reuse)",
        "第 6 行 [value]: 比例须在 0–100% 之间 (share above 100 %: 120 %)",
        "第 7 行 [unit]: energy_co2 的单位不能是 'kg' (accepted: 万吨 / 万吨co2 / 万tco2 / t / 吨 "
        "/ tco2)",
        "第 8 行 [value]: 能耗限额等级须为 1、2 或 3 (grade must be 1, 2 or 3: 4)",
        "第 9 行 [indicator]: 与第 2 行重复 (duplicate)",
        "第 10 行 [value]: 数值须为非负数 ('-3')",
    ]
    assert version(pool) == before
    assert stored(pool) == []
    with Session(pool) as s:
        batch = s.scalars(select(IngestBatch).order_by(IngestBatch.id.desc())).first()
        reasons = s.scalars(select(RejectedRow.line).where(RejectedRow.batch_id == batch.id)).all()
    assert (batch.kind, batch.status, batch.rows) == ("park_indicators", "rejected", 9)
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10]


def test_missing_column_rejected(pool):
    report = ingest_bytes(
        pool, b"park_code,period,indicator,value\nE1,2026,energy_co2,1\n", "x.csv",
        kind="park_indicators",
    )  # fmt: skip
    assert [p.render() for p in report.problems] == ["第 1 行 [unit]: 缺少列 (missing column) unit"]


THRESHOLDS = """indicator,tier_min_tce,tier_max_tce,comparison,threshold,unit,source
co2_per_energy,200000,1000000,le,0.20,tCO2/tce,通知（测试）
co2_per_energy,1000000,,le,0.30,tCO2/tce,通知（测试）
clean_energy_share,,,ge,95,%,某省实施方案（测试）
"""


def test_thresholds_reimported_change_the_verdict(pool):
    ingest_bytes(pool, GOOD.encode("utf-8"), "zc.csv")
    report = ingest_bytes(pool, THRESHOLDS.encode("utf-8"), "thresholds.csv")
    assert report.ok, report.render()
    assert (report.kind, report.rows) == ("zc_thresholds", 3)
    with Session(pool) as s:
        rules = store.thresholds(s)
        e1 = store.park_record(s, "E1")
    assert [(t.indicator, t.value, t.source) for t in rules] == [
        ("co2_per_energy", 0.2, "通知（测试）"),
        ("co2_per_energy", 0.3, "通知（测试）"),
        ("clean_energy_share", 95.0, "某省实施方案（测试）"),
    ]
    share = e1.latest.guiding[0]
    # 92 % < 95 %: not met, so the park is not_met although its core indicator is met
    assert (share.threshold, share.met, e1.latest.core.met, e1.latest.status) == (
        95.0,
        False,
        True,
        "not_met",
    )


def test_bad_thresholds_rejected_and_old_ones_kept(pool):
    bad = """indicator,tier_min_tce,tier_max_tce,comparison,threshold,unit,source
co2_per_energy,200000,1000000,le,0.20,tCO2/tce,通知
co2_per_energy,800000,,le,0.30,tCO2/tce,通知
water_reuse,,,gt,90,%,
"""
    report = ingest_bytes(pool, bad.encode("utf-8"), "t.csv", kind="zc_thresholds")
    assert [p.render() for p in report.problems] == [
        "第 4 行 [comparison]: 比较须为 le 或 ge ('gt')",
        "第 4 行 [source]: 来源为空: 每个阈值须注明出处 (source is required)",
    ]
    overlap = "\n".join(bad.splitlines()[:3]) + "\n"
    report = ingest_bytes(pool, overlap.encode("utf-8"), "t.csv", kind="zc_thresholds")
    assert [p.render() for p in report.problems] == [
        "第 3 行 [tier_min_tce]: co2_per_energy 的能耗分档与其他行重叠 (tiers overlap)"
    ]
    with Session(pool) as s:
        assert [t.value for t in store.thresholds(s)][:2] == [0.2, 0.3]


def test_xlsx_with_chinese_headers_lands(pool):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["园区代码", "年份", "指标", "数值", "单位"])
    sheet.append(["E1", 2026, "energy_consumption", 120.5, "万吨标准煤"])
    sheet.append(["E1", 2026, "water_reuse", 0.9, "fraction"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = ingest_bytes(pool, buffer.getvalue(), "园区指标.xlsx")
    assert report.ok, report.render()
    assert (report.kind, report.encoding, report.inserted) == ("park_indicators", "xlsx", 2)
    assert stored(pool) == [
        ("E1", "2026", "energy_consumption", 1205000.0, "tce"),
        ("E1", "2026", "water_reuse", 90.0, "%"),
    ]


def test_a_broken_xlsx_is_rejected_not_raised(pool):
    from datasource import zero_carbon_ingest

    junk = b"PK\x03\x04" + b"\x00" * 200
    reason = "文件: 无法读取 XLSX 文件 (unreadable XLSX): BadZipFile: File is not a zip file"
    for kind in ("park_indicators", None):  # the pool's zip check answers before any reading
        report = ingest_bytes(pool, junk, "bad.xlsx", kind=kind)
        assert (report.ok, [p.render() for p in report.problems]) == (False, [reason])
    direct = zero_carbon_ingest.ingest_bytes(pool, junk, "bad.xlsx", kind="park_indicators")
    assert [p.render() for p in direct.problems] == ["文件: 无法读取 XLSX 文件 (unreadable XLSX)"]
    assert stored(pool) == []
