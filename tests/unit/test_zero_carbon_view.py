"""What the parks page shows of the zero-carbon yardstick: the six rows with thresholds (or 未公布)
and sources, the trend since 2025 and the export records (issue 21)."""

from __future__ import annotations

from datasource import zero_carbon as zc
from layouts import figures_zero_carbon as fz
from layouts.pages import parks as page

RULES = zc.default_thresholds()
FULL = {
    "clean_energy_share": 92.0,
    "product_energy_grade": 1.0,
    "solid_waste_utilisation": 85.0,
    "waste_heat_utilisation": 55.0,
    "water_reuse": 91.0,
}


def _years():
    base = zc.assess(
        "2025", {zc.ENERGY: 500_000, zc.CO2: 125_000} | FULL | {"clean_energy_share": 80.0}, RULES
    )
    now = zc.assess("2026", {zc.ENERGY: 500_000, zc.CO2: 90_000} | FULL, RULES)
    return base, now


def test_six_rows_with_thresholds_sources_and_change():
    base, now = _years()
    rows = fz.indicator_rows(now, zc.progress(base, now), RULES)
    assert [r["key"] for r in rows] == [
        "co2_per_energy",
        "clean_energy_share",
        "product_energy_grade",
        "solid_waste_utilisation",
        "waste_heat_utilisation",
        "water_reuse",
    ]
    core, share = rows[0], rows[1]
    assert (core["indicator"], core["base"], core["value"], core["change"]) == (
        "单位能耗碳排放（核心指标）",
        "0.250",
        "0.180",
        "-0.070",
    )
    assert (core["threshold"], core["met"]) == ("≤ 0.20（20–100 万吨标准煤）", "达标")
    assert "发改环资〔2025〕910号" in core["source"]
    assert (share["base"], share["value"], share["change"], share["threshold"], share["met"]) == (
        "80.0%",
        "92.0%",
        "+12.0%",
        "未公布",
        "—",
    )
    assert "未公布" in share["source"]
    assert rows[2]["value"] == "1 级"


def test_below_the_tiers_says_so_instead_of_a_threshold():
    a = zc.assess("2026", {zc.ENERGY: 150_000, zc.CO2: 30_000} | FULL, RULES)
    rows = fz.indicator_rows(a, zc.progress(None, a), RULES)
    assert (rows[0]["value"], rows[0]["threshold"], rows[0]["met"]) == (
        "0.200",
        "无（年综合能耗低于 20 万吨标准煤分档下限）",
        "—",
    )
    assert "910号" in rows[0]["source"]
    assert fz.summary_line(a) == "2026 年 · 年综合能耗 15 万吨标准煤 · 无适用分档"


def test_larger_tier_threshold_text():
    a = zc.assess("2026", {zc.ENERGY: 2_000_000, zc.CO2: 640_000} | FULL, RULES)
    rows = fz.indicator_rows(a, zc.progress(None, a), RULES)
    assert (rows[0]["threshold"], rows[0]["met"]) == ("≤ 0.30（100 万吨标准煤及以上）", "未达标")
    assert fz.summary_line(a) == "2026 年 · 年综合能耗 200 万吨标准煤 · 分档 1000000+ tce"


def test_trend_since_2025_with_the_threshold_dashed():
    base, now = _years()
    fig = fz.trend([base, now])
    line, limit = fig.data
    assert list(line.x) == ["2025", "2026"]
    assert [round(v, 3) for v in line.y] == [0.25, 0.18]
    assert list(line.marker.color) == [fz.STATUS_COLOURS["not_met"], fz.STATUS_COLOURS["met"]]
    assert list(limit.y) == [0.2, 0.2]
    assert limit.line.dash == "dash"


def test_export_records_and_the_table_component():
    base, now = _years()
    rows = fz.indicator_rows(now, zc.progress(base, now), RULES)
    title, records = fz.export_records("合肥经济技术开发区", now, rows, zc.progress(base, now))
    assert title == "合肥经济技术开发区 零碳园区指标 2026 年 · 达标"
    assert list(records[0]) == [k for k, _ in fz.EXPORT_COLUMNS]
    assert records[0]["threshold"] == "≤ 0.20（20–100 万吨标准煤）"
    # numbers, not the screen's text: 0.25 -> 0.18 is -0.07; 80 % -> 92 % is +12 points
    assert [(r["base"], r["value"], r["change"]) for r in records[:3]] == [
        (0.25, 0.18, -0.07),
        (80.0, 92.0, 12.0),
        (1.0, 1.0, 0.0),
    ]
    table = page.zero_carbon_table(rows)
    body = table.children[1].children
    assert len(body) == 6
    assert [c.children for c in body[1].children[:7]] == [
        "清洁能源消费占比",
        "%",
        "80.0%",
        "92.0%",
        "+12.0%",
        "未公布",
        "—",
    ]
