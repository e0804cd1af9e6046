"""Pure builders of the zero-carbon park yardstick on screen (issue 21): the six indicators as
table rows with thresholds and sources, the core indicator's trend since 2025, the export
records, and the status words and colours. Plain values in, rows or go.Figure out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from datasource import zero_carbon as zc
from layouts import theme

STATUS_COLOURS = {
    "met": "#22e07a",
    "not_met": "#ff3b3b",
    "incomplete": "#fbbf24",
    "below_tiers": "#94a3b8",
}
NOT_PUBLISHED = "未公布"
SIX = (zc.CORE, *zc.GUIDING)
UNIT_ZH = {
    zc.CORE: "吨CO₂/吨标准煤",
    "clean_energy_share": "%",
    "product_energy_grade": "级",
    "solid_waste_utilisation": "%",
    "waste_heat_utilisation": "%",
    "water_reuse": "%",
}
EXPORT_COLUMNS = [
    ("indicator", "指标"),
    ("unit", "单位"),
    ("base", "2025 年（基准年）"),
    ("value", "最新值"),
    ("change", "较 2025 年变化"),
    ("threshold", "阈值"),
    ("met", "是否达标"),
    ("source", "阈值来源"),
]


def status_zh(status: str) -> str:
    return zc.STATUS_NAMES_ZH.get(status, status)


def fmt(indicator: str, value: float | None, *, signed: bool = False) -> str:
    """A value as shown: the core indicator to 3 decimals, shares to 1 with %, grades as 级."""
    if value is None:
        return "—"
    sign = "+" if signed and value > 0 else ""
    if indicator == zc.CORE:
        return f"{sign}{value:.3f}"
    if indicator == "product_energy_grade":
        return f"{sign}{value:g} 级"
    return f"{sign}{value:.1f}%"


def _tce_wan(tce: float) -> str:
    return f"{tce / 1e4:g} 万吨标准煤"


def _threshold_text(a: zc.Assessment, indicator: str, rules: Sequence[zc.Threshold]) -> str:
    if indicator == zc.CORE:
        if a.status == "below_tiers":
            low = zc.core_tiers(rules)[0].tier_min_tce or 0
            return f"无（年综合能耗低于 {_tce_wan(low)}分档下限）"
        if a.core.threshold is None:
            return "—（缺年综合能源消费量）" if a.energy_tce is None else NOT_PUBLISHED
        row = zc.tier_of(a.energy_tce, rules)
        span = ""
        if row is not None and row.tier_min_tce is not None:
            low = f"{row.tier_min_tce / 1e4:g}"
            span = (
                f"（{low}–{row.tier_max_tce / 1e4:g} 万吨标准煤）"
                if row.tier_max_tce is not None
                else f"（{low} 万吨标准煤及以上）"
            )
        return f"≤ {a.core.threshold:.2f}{span}"
    g = next(g for g in a.guiding if g.indicator == indicator)
    if g.threshold is None:
        return NOT_PUBLISHED
    sign = "≤" if g.comparison == "le" else "≥"
    return f"{sign} {fmt(indicator, g.threshold)}"


def _met_text(met: bool | None) -> str:
    return "达标" if met is True else "未达标" if met is False else "—"


def indicator_rows(
    latest: zc.Assessment,
    progress: Sequence[zc.Progress],
    rules: Sequence[zc.Threshold],
) -> list[dict[str, Any]]:
    """The six indicators (core first): name, unit, 2025 base, newest, change, threshold (or
    未公布), verdict and the threshold's source."""
    by_ind = {p.indicator: p for p in progress}
    sources = {zc.CORE: latest.core.source} | {g.indicator: g.source for g in latest.guiding}
    mets = {zc.CORE: latest.core.met} | {g.indicator: g.met for g in latest.guiding}
    if latest.status == "below_tiers" or sources[zc.CORE] is None:
        core_rules = zc.core_tiers(rules)
        sources[zc.CORE] = core_rules[0].source if core_rules else None
    rows = []
    for ind in SIX:
        p = by_ind[ind]
        rows.append(
            {
                "key": ind,
                "indicator": zc.NAMES_ZH[ind] + ("（核心指标）" if ind == zc.CORE else ""),
                "unit": UNIT_ZH[ind],
                "base": fmt(ind, p.base),
                "value": fmt(ind, p.value),
                "change": fmt(ind, p.change, signed=True),
                "threshold": _threshold_text(latest, ind, rules),
                "met": _met_text(mets[ind]),
                "source": sources[ind] or "—",
            }
        )
    return rows


def summary_line(latest: zc.Assessment) -> str:
    """年度 · 年综合能耗 · 能耗分档 (the header next to the status badge)."""
    energy = (
        "年综合能耗 —" if latest.energy_tce is None else f"年综合能耗 {_tce_wan(latest.energy_tce)}"
    )
    tier = f"分档 {latest.core.tier} tce" if latest.core.tier else "无适用分档"
    return f"{latest.period} 年 · {energy} · {tier}"


def trend(years: Sequence[zc.Assessment], *, height: int | None = None) -> go.Figure:
    """单位能耗碳排放 per year since 2025, each year's threshold dashed, points by verdict."""
    shown = [a for a in years if a.period >= zc.BASE_PERIOD]
    if not shown or all(a.core.value is None for a in shown):
        return empty("暂无 2025 年以来的单位能耗碳排放数据")
    x = [a.period for a in shown]
    colours = [STATUS_COLOURS.get(a.status, theme.MUTED) for a in shown]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=x,
            y=[a.core.value for a in shown],
            mode="lines+markers+text",
            name="单位能耗碳排放",
            line=dict(color=theme.ACCENT, width=3),
            marker=dict(size=12, color=colours, line=dict(color=theme.BG, width=1)),
            text=[fmt(zc.CORE, a.core.value) for a in shown],
            textposition="top center",
            hovertemplate="%{x} 年：%{y:.3f} 吨CO₂/吨标准煤<extra></extra>",
        )
    )
    if any(a.core.threshold is not None for a in shown):
        fig.add_trace(
            go.Scatter(
                x=x,
                y=[a.core.threshold for a in shown],
                mode="lines+markers",
                name="阈值",
                line=dict(color=theme.TARGET_LINE, dash="dash", width=2),
                marker=dict(size=6),
                hovertemplate="%{x} 年阈值：≤ %{y:.2f}<extra></extra>",
            )
        )
    fig.update_layout(
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font=dict(family=theme.FONT_FAMILY, color=theme.TEXT, size=13),
        margin=dict(l=12, r=12, t=28, b=12),
        legend=dict(orientation="h", x=0, y=1.12, bgcolor="rgba(0,0,0,0)"),
        xaxis=dict(type="category", gridcolor=theme.GRID),
        yaxis=dict(title="吨CO₂/吨标准煤", gridcolor=theme.GRID, rangemode="tozero"),
        height=height,
        uirevision="keep",
    )
    return fig


def empty(message: str) -> go.Figure:
    """An empty state: one calm sentence, no axes."""
    fig = go.Figure()
    fig.add_annotation(
        text=message,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font=dict(color=theme.MUTED, size=15),
    )
    fig.update_layout(
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        xaxis=dict(visible=False),
        yaxis=dict(visible=False),
        margin=dict(l=0, r=0, t=0, b=0),
    )
    return fig


def export_records(
    name_zh: str,
    latest: zc.Assessment,
    rows: Sequence[dict[str, Any]],
    progress: Sequence[zc.Progress],
) -> tuple[str, list[dict[str, Any]]]:
    """(title, records) of the export: the six rows under a title naming the park, the year and
    the overall status. The base, newest value and change are numbers (a spreadsheet computes
    with them; empty where missing), in the unit column's unit; the rest as on screen."""
    title = f"{name_zh} 零碳园区指标 {latest.period} 年 · {status_zh(latest.status)}"
    numbers = {p.indicator: p for p in progress}
    records = []
    for r in rows:
        p = numbers[r["key"]]
        digits = 4 if r["key"] == zc.CORE else 2
        records.append(
            {k: r[k] for k, _ in EXPORT_COLUMNS}
            | {
                k: None if v is None else round(v, digits)
                for k, v in (("base", p.base), ("value", p.value), ("change", p.change))
            }
        )
    return title, records
