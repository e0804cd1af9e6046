"""Figures of the period analysis page (/analysis/periods): the seasonal pattern (one line per
year over the twelve months), the 同比 of each month, and a month's days against the same
days a year earlier. Rows in (queries.Summary), figures out; no Dash, no SQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from layouts import theme
from layouts.figures import empty

YEAR_COLOURS = ["#38bdf8", "#fbbf24", "#a78bfa", "#4ade80", "#f472b6", "#fb923c"]
UNIT = ("万吨CO₂e", "10k t CO₂e")
NO_DATA = ("暂无月度数据", "No monthly data")


def _t(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def _wan(tonnes: float | None) -> float | None:
    return None if tonnes is None else tonnes / 1e4


def _layout(**extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        "hovermode": "x unified",
        "uirevision": "keep",
    }
    layout.update(extra)
    return layout


def month_labels(lang: str) -> list[str]:
    if lang == "en":
        return ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return [f"{m}月" for m in range(1, 13)]


def seasonal(rows: Sequence[Any], *, lang: str = "zh") -> go.Figure:
    """Each year's months as one line over January-December, so the seasonal pattern (the
    Spring Festival dip) and a break from it (February 2020) show; a month still filling is
    an open marker."""
    if not rows:
        return empty(_t(NO_DATA, lang))
    labels = month_labels(lang)
    years = sorted({r.period[:4] for r in rows})
    data = []
    for i, year in enumerate(years):
        mine = sorted((r for r in rows if r.period[:4] == year), key=lambda r: r.period)
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": year if lang == "en" else f"{year}年",
                "x": [labels[int(r.period[5:7]) - 1] for r in mine],
                "y": [_wan(r.co2e) for r in mine],
                "line": {"color": YEAR_COLOURS[i % len(YEAR_COLOURS)], "width": 2.5},
                "marker": {
                    "size": 8,
                    "symbol": ["circle" if r.complete else "circle-open" for r in mine],
                },
                "hovertemplate": "%{y:,.2f}<extra>%{fullData.name}</extra>",
            }
        )
    return go.Figure(
        data=data,
        layout=_layout(
            xaxis={"type": "category", "categoryorder": "array", "categoryarray": labels},
            yaxis={"title": {"text": _t(UNIT, lang)}, "rangemode": "tozero", "tickformat": ",~f"},
        ),
    )


def yoy_bars(rows: Sequence[Any], *, year: str, lang: str = "zh") -> go.Figure:
    """同比 of each month of ``year`` in %: red where emissions rose, green where they fell,
    no bar where there is no same month a year earlier."""
    mine = sorted((r for r in rows if r.period[:4] == year), key=lambda r: r.period)
    if not any(r.co2e_change is not None for r in mine):
        return empty("无同期数据可比" if lang != "en" else "No same period a year earlier")
    labels = month_labels(lang)
    values = [None if r.co2e_change is None else r.co2e_change * 100 for r in mine]
    colours = [theme.ROSE if (v or 0) > 0 else theme.FELL for v in values]
    return go.Figure(
        data=[
            {
                "type": "bar",
                "x": [labels[int(r.period[5:7]) - 1] for r in mine],
                "y": values,
                "marker": {"color": colours},
                "customdata": [r.prev_label_zh or "" for r in mine],
                "hovertemplate": "%{y:+.1f}%<extra>%{customdata}</extra>",
            }
        ],
        layout=_layout(
            xaxis={"type": "category", "categoryorder": "array", "categoryarray": labels},
            yaxis={
                "title": {"text": "同比" if lang != "en" else "YoY"},
                "ticksuffix": "%",
                "tickformat": ".0f",
                "zeroline": True,
            },
            showlegend=False,
        ),
    )


def days(rows: Sequence[Any], *, month: str, lang: str = "zh") -> go.Figure:
    """The days of ``month`` and of the same month a year earlier, by day of the month."""
    prev = f"{int(month[:4]) - 1}{month[4:]}"
    data = []
    for period, colour in ((prev, theme.PREVIOUS), (month, theme.ACCENT)):
        mine = sorted((r for r in rows if r.period[:7] == period), key=lambda r: r.period)
        if not mine:
            continue
        name = period if lang == "en" else f"{period[:4]}年{int(period[5:7])}月"
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": name,
                "x": [int(r.period[8:]) for r in mine],
                "y": [_wan(r.co2e) for r in mine],
                "line": {"color": colour, "width": 2.5},
                "hovertemplate": "%{y:,.2f}<extra>%{fullData.name}</extra>",
            }
        )
    if not data:
        return empty("暂无逐日数据" if lang != "en" else "No daily data")
    return go.Figure(
        data=data,
        layout=_layout(
            xaxis={"title": {"text": "日" if lang != "en" else "day"}, "dtick": 5},
            yaxis={"title": {"text": _t(UNIT, lang)}, "rangemode": "tozero", "tickformat": ",~f"},
        ),
    )
