"""Colours, fonts and sizes of the wall, and the Plotly template registered once as the default."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

TEMPLATE_NAME = "carbonwall"
FONT_FAMILY = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif'
BASE_FONT_PX = 18  # at 1920 px wide; figures multiply by the page's scale
MIN_FONT_PX = 18  # no wall text below this at 1920x1080, read from 3-5 m (issue 15)

BG = "#07111f"
PANEL = "#0d1b2e"
GRID = "rgba(148, 163, 184, 0.16)"
TEXT = "#e2e8f0"
MUTED = "#94a3b8"
ACCENT = "#38bdf8"
ROSE = "#ff3b3b"  # intensity rose against the previous period (未能如期减排)
FELL = "#22e07a"  # intensity fell
NO_PREV = "rgba(148, 163, 184, 0.55)"  # no previous period: thin grey border
BORDER = "rgba(7, 17, 31, 0.9)"
PARK = "#fbbf24"
DASHES = "#7dd3fc"
HIGHLIGHT = "#ffffff"  # the focused county's outline among its siblings

INTENSITY_SCALE = [
    [0.0, "#1e1b4b"],
    [0.35, "#3730a3"],
    [0.7, "#0ea5e9"],
    [1.0, "#a5f3fc"],
]
SECTOR_COLOURS = {
    "1": "#f97316",  # energy
    "2": "#a78bfa",  # industrial processes
    "3": "#facc15",  # agriculture
    "4": "#22c55e",  # LULUCF (a sink, drawn below zero)
    "5": "#2dd4bf",  # waste
}
GAS_COLOURS = {
    "CO2": "#38bdf8",
    "CH4": "#f97316",
    "N2O": "#facc15",
    "HFCs": "#a78bfa",
    "PFCs": "#f472b6",
    "SF6": "#2dd4bf",
}
FORECAST_BAND = "rgba(56, 189, 248, 0.18)"
FORECAST_LINE = "#38bdf8"
INTENSITY_LINE = "#fbbf24"
INTENSITY_BAND = "rgba(251, 191, 36, 0.16)"
FORECAST_BAND95 = "rgba(56, 189, 248, 0.08)"
INTENSITY_BAND95 = "rgba(251, 191, 36, 0.07)"
PREVIOUS = "rgba(226, 232, 240, 0.55)"  # last year's forecast, faint
TARGET_LINE = "#4ade80"  # the intensity target's path
NODATA = "#334155"  # regions drawn without a value (Taiwan, Hong Kong, Macao at the national view)
STATUS_FILL = {  # target-status fills: dark, so the bright rose/fell outlines stay visible
    "on_track": "#15803d",
    "at_risk": "#b45309",
    "off_track": "#991b1b",
}
PDI_SCALE = [[0.0, "#f87171"], [0.5, "#fbbf24"], [1.0, "#4ade80"]]  # park PDI total, low to high
POLICY_NATIONAL = "rgba(252, 211, 77, 0.85)"  # policy markers on the trend chart
POLICY_LOCAL = "rgba(125, 211, 252, 0.85)"


def font_px(scale: float, factor: float = 1.0) -> int:
    """A figure font size for the page's scale (1.0 at 1920 px wide, 2.0 at 3840 px): never
    below MIN_FONT_PX at that scale, so a factor below 1 only matters above the base."""
    return max(round(MIN_FONT_PX * scale), round(BASE_FONT_PX * factor * scale))


def template() -> go.layout.Template:
    axis = dict(
        gridcolor=GRID,
        zerolinecolor="rgba(148, 163, 184, 0.45)",
        linecolor=GRID,
        tickcolor=GRID,
        title=dict(standoff=6),
        automargin=True,
    )
    return go.layout.Template(
        layout=dict(
            font=dict(family=FONT_FAMILY, color=TEXT, size=BASE_FONT_PX),
            paper_bgcolor="rgba(0,0,0,0)",
            plot_bgcolor="rgba(0,0,0,0)",
            colorway=list(SECTOR_COLOURS.values()),
            margin=dict(l=8, r=8, t=8, b=8),
            xaxis=axis,
            yaxis=axis,
            legend=dict(bgcolor="rgba(0,0,0,0)", orientation="h", x=0, y=1.02, yanchor="bottom"),
            hoverlabel=dict(
                bgcolor="#0f2744", bordercolor=ACCENT, font=dict(family=FONT_FAMILY, color=TEXT)
            ),
            separators=".,",
        )
    )


def install() -> None:
    """Register the wall's template as Plotly's default (once per process, in create_app):
    setting template= on every figure costs ~15 ms each (docs: DASH-NOTES, map speed)."""
    if TEMPLATE_NAME not in pio.templates:
        pio.templates[TEMPLATE_NAME] = template()
    pio.templates.default = TEMPLATE_NAME
