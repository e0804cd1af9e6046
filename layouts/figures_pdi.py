"""Pure figure builders of the parks page: a park's radar against its industry median, and the
ranking bar of weighted dimension contributions. Plain values in, go.Figure out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from layouts import theme

DIM_COLOURS = {"P": "#38bdf8", "D": "#a78bfa", "I": "#fbbf24"}
DIM_NAMES = {"P": "表现力", "D": "发展力", "I": "影响力"}
PARK_LINE = "#38bdf8"
PARK_FILL = "rgba(56, 189, 248, 0.25)"
MEDIAN_LINE = "#fbbf24"
SCORE_MAX = 5.0


def _layout(fig: go.Figure, *, height: int | None = None) -> go.Figure:
    fig.update_layout(
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font=dict(family=theme.FONT_FAMILY, color=theme.TEXT, size=13),
        margin=dict(l=12, r=12, t=28, b=12),
        legend=dict(orientation="h", x=0, y=1.08, bgcolor="rgba(0,0,0,0)"),
        height=height,
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
        font=dict(size=15, color=theme.MUTED),
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig)


def radar(
    labels: Sequence[str],
    park: Sequence[float],
    median: Sequence[float],
    *,
    park_name: str,
    median_name: str,
) -> go.Figure:
    """The park's scores (0–5) on each axis against its industry's median."""
    if not labels:
        return empty("暂无评价数据")
    closed = [*labels, labels[0]]
    fig = go.Figure()
    fig.add_trace(
        go.Scatterpolar(
            r=[*median, median[0]],
            theta=closed,
            name=median_name,
            mode="lines",
            line=dict(color=MEDIAN_LINE, width=2, dash="dash"),
            hovertemplate="%{theta}: %{r:.2f}<extra>" + median_name + "</extra>",
        )
    )
    fig.add_trace(
        go.Scatterpolar(
            r=[*park, park[0]],
            theta=closed,
            name=park_name,
            mode="lines+markers",
            fill="toself",
            fillcolor=PARK_FILL,
            line=dict(color=PARK_LINE, width=2.5),
            hovertemplate="%{theta}: %{r:.2f}<extra>" + park_name + "</extra>",
        )
    )
    fig.update_layout(
        polar=dict(
            bgcolor="rgba(0,0,0,0)",
            radialaxis=dict(
                range=[0, SCORE_MAX],
                tickvals=[1, 2, 3, 4, 5],
                gridcolor=theme.GRID,
                linecolor=theme.GRID,
                tickfont=dict(size=10, color=theme.MUTED),
            ),
            angularaxis=dict(gridcolor=theme.GRID, linecolor=theme.GRID),
        ),
        uirevision="pdi-radar",
    )
    return _layout(fig)


def ranking_bar(
    rows: Sequence[Mapping[str, Any]],
    weights: Mapping[str, float],
    *,
    highlight: str | None = None,
    limit: int = 15,
) -> go.Figure:
    """Top parks by total as stacked bars of weighted contributions (weight × score), which add
    up to the total. rows: mappings with code, name_zh, P, D, I, total, best first."""
    rows = list(rows)[:limit]
    if not rows:
        return empty("没有符合条件的园区")
    names = [r["name_zh"] for r in rows][::-1]
    fig = go.Figure()
    for d in ("P", "D", "I"):
        w = weights.get(d, 0.0)
        fig.add_trace(
            go.Bar(
                y=names,
                x=[w * r[d] for r in rows][::-1],
                orientation="h",
                name=f"{DIM_NAMES[d]} ({w:.0%})",
                marker_color=DIM_COLOURS[d],
                customdata=[r[d] for r in rows][::-1],
                hovertemplate="%{y}<br>"
                + DIM_NAMES[d]
                + " %{customdata:.2f} 分 × "
                + f"{w:.0%}"
                + " = %{x:.2f}<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            y=names,
            x=[r["total"] for r in rows][::-1],
            mode="text",
            text=[f"{r['total']:.2f}" for r in rows][::-1],
            textposition="middle right",
            textfont=dict(color=theme.TEXT, size=12),
            showlegend=False,
            hoverinfo="skip",
        )
    )
    top = max(r["total"] for r in rows)
    fig.update_layout(
        barmode="stack", uirevision="pdi-rank", bargap=0.25, legend_traceorder="normal"
    )
    fig.update_xaxes(range=[0, max(top * 1.15, 0.5)], gridcolor=theme.GRID, title_text="总分")
    fig.update_yaxes(tickfont=dict(size=12))
    if highlight:
        tick = [
            f"<b>{n}</b>" if r["code"] == highlight else n
            for r, n in zip(rows[::-1], names, strict=True)
        ]
        fig.update_yaxes(tickvals=names, ticktext=tick)
    return _layout(fig)
