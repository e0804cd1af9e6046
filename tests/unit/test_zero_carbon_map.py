"""The wall's zero-carbon park layer and card lines, and the parks page's export (issue 21)."""

from __future__ import annotations

import io

import openpyxl

from datasource import zero_carbon as zc
from datasource.zero_carbon_store import ParkStatus
from layouts import export
from layouts import figures_parks_map as fpm
from layouts import figures_zero_carbon as fz


def _status(code, status, core, threshold, lon=117.2, county="340102"):
    return ParkStatus(
        code, f"园区{code}", county, lon, 31.9, "化工", "national", "2026", status, core,
        threshold, "200000-1000000" if threshold else None, 500000.0,
    )  # fmt: skip


def _texts(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list | tuple):
        return [s for n in node for s in _texts(n)]
    children = getattr(node, "children", None)
    return _texts(children) if children is not None else []


def test_prefix_of_each_level():
    assert fpm.prefix_of("340000", "province") == "34"
    assert fpm.prefix_of("340100", "city") == "3401"
    assert fpm.prefix_of("340102", "county") == "340102"
    assert fpm.prefix_of("100000", "country") is None


def test_status_trace_colours_and_hover():
    parks = [
        _status("A", "met", 0.18, 0.2),
        _status("B", "not_met", 0.22, 0.2),
        _status("C", "below_tiers", 0.2, None),
        _status("D", "incomplete", None, 0.2),
        _status("E", "met", 0.1, 0.2, lon=None),  # no position: not drawn
    ]
    trace = fpm.status_trace(parks, scale=2.0)
    assert trace["customdata"] == ["A", "B", "C", "D"]
    assert trace["marker"]["color"] == ["#22e07a", "#ff3b3b", "#94a3b8", "#fbbf24"]
    assert trace["marker"]["size"] == 26.0
    assert trace["meta"] == "parks"
    assert trace["text"][1] == (
        "<b>园区B</b><br>零碳园区（2026）：<b>未达标</b><br>"
        "单位能耗碳排放 0.220 吨CO₂/吨标准煤（阈值 ≤ 0.20）"
    )
    assert trace["text"][2].endswith("单位能耗碳排放 0.200 吨CO₂/吨标准煤")
    assert trace["text"][3].endswith("单位能耗碳排放 —")
    en = fpm.status_trace(parks[:1], lang="en")
    assert en["text"][0] == (
        "<b>园区A</b><br>Zero-carbon park (2026): <b>met</b><br>"
        "Carbon per energy 0.180 t CO₂/tce (limit ≤ 0.20)"
    )


def test_legend_and_card_lines():
    assert _texts(fpm.legend()) == [
        "园区颜色：零碳园区指标",
        "达标",
        "未达标",
        "数据不全",
        "低于分档下限",
    ]
    lines = _texts(fpm.card_rows(_status("B", "not_met", 0.22, 0.2)))
    assert lines == [
        "零碳园区（2026）",
        "未达标",
        "单位能耗碳排放",
        "0.220 吨CO₂/吨标准煤（阈值 ≤ 0.20）",
    ]
    assert fpm.card_rows(None) == []
    card = _texts(fpm.card(_status("A", "met", 0.18, 0.2)))
    assert card[:2] == ["园区A", "化工"]


def test_export_csv_and_xlsx_of_the_six_rows():
    rules = zc.default_thresholds()
    now = zc.assess(
        "2026",
        {
            zc.ENERGY: 500_000,
            zc.CO2: 90_000,
            "clean_energy_share": 92.0,
            "product_energy_grade": 1.0,
            "solid_waste_utilisation": 85.0,
            "waste_heat_utilisation": 55.0,
            "water_reuse": 91.0,
        },
        rules,
    )
    rows = fz.indicator_rows(now, zc.progress(None, now), rules)
    title, records = fz.export_records("示范园", now, rows, zc.progress(None, now))
    text = export.table_csv(fz.EXPORT_COLUMNS, records).decode("utf-8-sig").splitlines()
    assert text[0] == "指标,单位,2025 年（基准年）,最新值,较 2025 年变化,阈值,是否达标,阈值来源"
    assert text[1].startswith(
        "单位能耗碳排放（核心指标）,吨CO₂/吨标准煤,,0.18,,≤ 0.20（20–100 万吨标准煤）,达标,"
    )
    assert text[2].startswith("清洁能源消费占比,%,,92.0,,未公布,—,")
    assert len(text) == 7
    book = openpyxl.load_workbook(
        io.BytesIO(export.table_xlsx(fz.EXPORT_COLUMNS, records, sheet="零碳园区指标", title=title))
    )
    sheet = book.active
    assert sheet["A1"].value == "示范园 零碳园区指标 2026 年 · 达标"
    assert [c.value for c in sheet[3]][:4] == [
        "单位能耗碳排放（核心指标）",
        "吨CO₂/吨标准煤",
        None,
        0.18,
    ]
    assert sheet.max_row == 8
