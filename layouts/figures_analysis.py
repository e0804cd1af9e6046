"""Pure figure builders of the analysis pages: plain rows in, go.Figure out (no Dash, no SQL).

Rows are datasource dataclasses (queries.Summary, RankRow, SectorValue, GasValue,
analysis.ChildGas) or anything with the same attributes. Masses arrive in tonnes and are drawn
in 万吨 (10k t); intensity in t CO2 per 万元 GDP. Colours come from layouts.theme.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from layouts import theme
from layouts.figures import (
    GAS_NAMES_EN,
    GAS_ORDER,
    SECTOR_SHORT,
    WAN_CO2E,
    empty,
    marker_gap,
    policy_marks,
    year_fraction,
)

# distinct line colours for compared regions, taken from the wall's palette
PALETTE = list(
    dict.fromkeys(
        [
            theme.ACCENT,
            theme.PARK,
            theme.GAS_COLOURS["CH4"],
            theme.SECTOR_COLOURS["2"],
            theme.FELL,
            theme.GAS_COLOURS["PFCs"],
            theme.SECTOR_COLOURS["5"],
            theme.ROSE,
        ]
    )
)
FLAG_COLOURS = {"rose": theme.ROSE, "fell": theme.FELL, "none": theme.NO_PREV}
GAS_NAMES_ZH = {
    "CO2": "二氧化碳",
    "CH4": "甲烷",
    "N2O": "氧化亚氮",
    "HFCs": "氢氟碳化物",
    "PFCs": "全氟化碳",
    "SF6": "六氟化硫",
}
UNIT_WAN = WAN_CO2E
UNIT_INTENSITY = ("吨/万元", "t/10k CNY")
NO_DATA = ("暂无数据", "No data")


def _t(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def _wan(tonnes: float | None) -> float | None:
    return None if tonnes is None else tonnes / 1e4


def gas_name(gas: str, lang: str = "zh") -> str:
    return GAS_NAMES_EN.get(gas, gas) if lang == "en" else GAS_NAMES_ZH.get(gas, gas)


def sector_name(code: str, lang: str = "zh", fallback: str = "") -> str:
    short = SECTOR_SHORT.get(code)
    return (short[1] if lang == "en" else short[0]) if short else fallback or code


def _layout(**extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
        "legend": {
            "orientation": "h",
            "x": 0,
            "y": 1.02,
            "yanchor": "bottom",
            "traceorder": "normal",  # stacked traces would list the top one first
        },
        "hovermode": "x unified",
        "uirevision": "keep",
    }
    layout.update(extra)
    return layout


def _figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> go.Figure:
    return go.Figure(data=data, layout=layout)


WAN_TICKS = {"tickformat": ",~f", "exponentformat": "none"}  # 1,500,000 万吨, never "1.5M"


# --------------------------------------------------------------------------- regions


def compare_lines(
    found: Mapping[str, Sequence[Any]],
    names: Mapping[str, str],
    *,
    metric: str = "co2e",
    lang: str = "zh",
) -> go.Figure:
    """Several regions over the years, one line each: emissions (万吨CO₂e) or intensity."""
    if metric not in ("co2e", "intensity"):
        raise ValueError(f"metric must be co2e or intensity, got {metric!r}")
    if not found:
        return empty(_t(NO_DATA, lang))
    data = []
    for i, (code, rows) in enumerate(found.items()):
        values = [getattr(r, metric) for r in rows]
        y = [_wan(v) for v in values] if metric == "co2e" else values
        fmt = "%{y:,.2f}" if metric == "co2e" else "%{y:,.3f}"
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": [r.period for r in rows],
                "y": y,
                "name": names.get(code, code),
                "line": {"width": 2, "color": PALETTE[i % len(PALETTE)]},
                "marker": {"size": 5},
                "hovertemplate": fmt + f"<extra>{names.get(code, code)}</extra>",
            }
        )
    unit = UNIT_WAN if metric == "co2e" else UNIT_INTENSITY
    return _figure(
        data,
        _layout(
            xaxis={"type": "category"},
            yaxis={"title": {"text": _t(unit, lang)}, "rangemode": "tozero", **WAN_TICKS},
        ),
    )


def history(rows: Sequence[Any], *, policies: Sequence[Any] = (), lang: str = "zh") -> go.Figure:
    """One region's history: emissions as bars (万吨CO₂e, left), intensity as a line (right),
    and the policies in force for the region (datasource.policy.PolicyMark) as dotted markers
    at their dates, their titles on hover, as on the wall's trend."""
    if not rows:
        return empty(_t(NO_DATA, lang))
    yearly = all(str(r.period).isdigit() and len(str(r.period)) == 4 for r in rows)
    x: list[Any] = [int(r.period) for r in rows] if yearly else [r.period for r in rows]
    emissions = ("排放量", "Emissions")
    intensity = ("碳排放强度", "Carbon intensity")
    data = [
        {
            "type": "bar",
            "x": x,
            "y": [_wan(r.co2e) for r in rows],
            "name": f"{_t(emissions, lang)}（{_t(UNIT_WAN, lang)}）",
            "marker": {"color": theme.ACCENT, "opacity": 0.75},
            "hovertemplate": "%{y:,.2f}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": x,
            "y": [r.intensity for r in rows],
            "name": f"{_t(intensity, lang)}（{_t(UNIT_INTENSITY, lang)}）",
            "yaxis": "y2",
            "line": {"color": theme.INTENSITY_LINE, "width": 2},
            "marker": {"size": 6, "color": [FLAG_COLOURS.get(r.flag, theme.MUTED) for r in rows]},
            "hovertemplate": "%{y:,.3f}<extra></extra>",
        },
    ]
    shapes: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    if yearly:  # a bar stands on its year, so a policy of mid-2021 falls between 2021 and 2022
        within = [m for m in policies if x[0] <= year_fraction(m.issued_on) < x[-1] + 1]
        gap = marker_gap(x[-1] + 1 - x[0])  # markers never on each other (issue 15)
        shapes, notes = policy_marks(within, lang, 1.0, shift=-0.5, within=gap)
    xaxis: dict[str, Any] = {"type": "category"}
    if yearly:  # numeric, so a policy can stand at its date between two years' bars
        xaxis = {"tickformat": "d", "hoverformat": "d", "range": [x[0] - 0.6, x[-1] + 0.6]}
    return _figure(
        data,
        _layout(
            xaxis=xaxis,
            yaxis={"title": {"text": _t(UNIT_WAN, lang)}, "rangemode": "tozero", **WAN_TICKS},
            yaxis2={
                "title": {"text": _t(UNIT_INTENSITY, lang)},
                "overlaying": "y",
                "side": "right",
                "rangemode": "tozero",
                "showgrid": False,
                "tickmode": "auto",
                "nticks": 6,
                "tickformat": ".2f",
            },
            shapes=shapes,
            annotations=notes,
        ),
    )


RANK_METRICS = {
    "co2e": ("排放量", "Emissions"),
    "intensity": ("碳排放强度", "Carbon intensity"),
    "intensity_change": ("强度变化", "Intensity change"),
}


def ranking_bars(rows: Sequence[Any], *, metric: str = "co2e", lang: str = "zh") -> go.Figure:
    """Children ranked by a metric, first at the top; bars coloured by the intensity flag
    (red: rose against the previous year, green: fell, grey: no previous year)."""
    if metric not in RANK_METRICS:
        raise ValueError(f"unknown metric {metric!r}")
    shown = [r for r in rows if getattr(r, metric) is not None]
    if not shown:
        return empty(_t(NO_DATA, lang))
    names = [r.name_en if lang == "en" else r.name_zh for r in shown]
    values = [getattr(r, metric) for r in shown]
    if metric == "co2e":
        x, fmt, unit = [_wan(v) for v in values], "%{x:,.2f}", _t(UNIT_WAN, lang)
    elif metric == "intensity":
        x, fmt, unit = values, "%{x:,.3f}", _t(UNIT_INTENSITY, lang)
    else:
        x, fmt, unit = [v * 100 for v in values], "%{x:+.1f}%", "%"
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "y": names,
            "x": x,
            "marker": {"color": [FLAG_COLOURS.get(r.flag, theme.MUTED) for r in shown]},
            "hovertemplate": "%{y}: " + fmt + "<extra></extra>",
        }
    ]
    return _figure(
        data,
        _layout(
            hovermode="closest",
            showlegend=False,
            yaxis={"autorange": "reversed", "type": "category"},
            xaxis={"title": {"text": f"{_t(RANK_METRICS[metric], lang)}（{unit}）"}, **WAN_TICKS},
        ),
    )


# --------------------------------------------------------------------------- sectors


def sector_lines(rows: Sequence[Any], *, lang: str = "zh") -> go.Figure:
    """The five sectors' totals over time (万吨CO₂e), one line each; LULUCF below zero."""
    if not rows:
        return empty(_t(NO_DATA, lang))
    by: dict[str, dict[str, float]] = {}
    for r in rows:
        by.setdefault(r.sector_code, {})[r.period] = r.co2e
    periods = sorted({r.period for r in rows})
    data = []
    for code in ("1", "2", "3", "5", "4"):
        if code not in by:
            continue
        name = sector_name(code, lang)
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": periods,
                "y": [_wan(by[code].get(p)) for p in periods],
                "name": name,
                "line": {"width": 2, "color": theme.SECTOR_COLOURS[code]},
                "marker": {"size": 4},
                "hovertemplate": "%{y:,.2f}<extra>" + name + "</extra>",
            }
        )
    return _figure(
        data,
        _layout(
            xaxis={"type": "category"},
            yaxis={"title": {"text": _t(UNIT_WAN, lang)}, **WAN_TICKS},
        ),
    )


def bars_by_region(
    items: Sequence[tuple[str, float]], *, colour: str = theme.ACCENT, lang: str = "zh"
) -> go.Figure:
    """(name, t CO2e) per sub-region, largest first (a sink's negatives sort last)."""
    if not items:
        return empty(_t(NO_DATA, lang))
    ordered = sorted(items, key=lambda kv: -kv[1])
    total = sum(v for _, v in ordered)
    share = [(v / total * 100) if total else 0.0 for _, v in ordered]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "y": [n for n, _ in ordered],
            "x": [_wan(v) for _, v in ordered],
            "customdata": share,
            "marker": {"color": colour},
            "hovertemplate": "%{y}: %{x:,.2f} (%{customdata:.1f}%)<extra></extra>",
        }
    ]
    return _figure(
        data,
        _layout(
            hovermode="closest",
            showlegend=False,
            yaxis={"autorange": "reversed", "type": "category"},
            xaxis={"title": {"text": _t(UNIT_WAN, lang)}, **WAN_TICKS},
        ),
    )


def sub_sectors(rows: Sequence[Any], *, colour: str = theme.ACCENT, lang: str = "zh") -> go.Figure:
    """A sector's next level down (queries.by_sector with parent=…), as horizontal bars."""
    items = [((r.name_en if lang == "en" else r.name_zh), r.co2e) for r in rows]
    return bars_by_region(items, colour=colour, lang=lang)


# --------------------------------------------------------------------------- gases


def gas_trend(rows: Sequence[tuple[str, str, float]], *, mode: str = "abs", lang: str = "zh"):
    """(period, gas, t CO2e) as stacked areas: 万吨CO₂e (mode "abs") or shares in % ("share")."""
    if mode not in ("abs", "share"):
        raise ValueError(f"mode must be abs or share, got {mode!r}")
    if not rows:
        return empty(_t(NO_DATA, lang))
    periods = sorted({p for p, _, _ in rows})
    by: dict[str, dict[str, float]] = {}
    for p, g, v in rows:
        by.setdefault(g, {})[p] = v
    data = []
    for gas in GAS_ORDER:
        if gas not in by:
            continue
        name = gas_name(gas, lang)
        trace = {
            "type": "scatter",
            "mode": "lines",
            "x": periods,
            "y": [_wan(by[gas].get(p, 0.0)) for p in periods],
            "name": name,
            "stackgroup": "gases",
            "line": {"width": 0.5, "color": theme.GAS_COLOURS[gas]},
            "hovertemplate": ("%{y:.1f}%" if mode == "share" else "%{y:,.2f}")
            + f"<extra>{name}</extra>",
        }
        if mode == "share" and not data:
            trace["groupnorm"] = "percent"
        data.append(trace)
    title = "%" if mode == "share" else _t(UNIT_WAN, lang)
    yaxis: dict[str, Any] = {"title": {"text": title}, **WAN_TICKS}
    if mode == "share":
        yaxis["range"] = [0, 100]
    return _figure(data, _layout(xaxis={"type": "category"}, yaxis=yaxis))


def gas_by_children(rows: Sequence[Any], *, mode: str = "abs", lang: str = "zh") -> go.Figure:
    """Each sub-region's gases as stacked horizontal bars (万吨CO₂e, or % of its own total),
    regions by total CO2e, largest first."""
    if mode not in ("abs", "share"):
        raise ValueError(f"mode must be abs or share, got {mode!r}")
    if not rows:
        return empty(_t(NO_DATA, lang))
    totals: dict[str, float] = {}
    names: dict[str, str] = {}
    by: dict[str, dict[str, float]] = {}
    for r in rows:
        totals[r.code] = totals.get(r.code, 0.0) + r.co2e
        names[r.code] = r.name_en if lang == "en" else r.name_zh
        by.setdefault(r.gas, {})[r.code] = r.co2e
    order = sorted(totals, key=lambda c: (-totals[c], c))
    data = []
    for gas in GAS_ORDER:
        if gas not in by:
            continue
        name = gas_name(gas, lang)
        if mode == "share":
            x = [by[gas].get(c, 0.0) / totals[c] * 100 if totals[c] else 0.0 for c in order]
            fmt = "%{x:.1f}%"
        else:
            x = [_wan(by[gas].get(c, 0.0)) for c in order]
            fmt = "%{x:,.2f}"
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": [names[c] for c in order],
                "x": x,
                "name": name,
                "marker": {"color": theme.GAS_COLOURS[gas]},
                "hovertemplate": "%{y}: " + fmt + f"<extra>{name}</extra>",
            }
        )
    title = "%" if mode == "share" else _t(UNIT_WAN, lang)
    return _figure(
        data,
        _layout(
            barmode="stack",
            hovermode="y unified",
            yaxis={"autorange": "reversed", "type": "category"},
            xaxis={
                "title": {"text": title},
                **WAN_TICKS,
                **({"range": [0, 100]} if mode == "share" else {}),
            },
        ),
    )
