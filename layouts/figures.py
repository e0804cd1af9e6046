"""Pure figure builders: plain rows in, go.Figure out. No Dash, no SQL, no I/O.

Rows are the frozen dataclasses of datasource.queries (anything with the same attributes
works, which is what the unit tests use). Masses arrive in tonnes and are drawn in 万吨.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import plotly.graph_objects as go

from layouts import i18n, theme
from layouts.i18n import t

TOP_SECTORS = ("1", "2", "3", "5")  # stacked above zero
SECTOR_SHORT = {  # legend names that fit a third of a panel's width
    "1": ("能源活动", "Energy"),
    "2": ("工业过程", "Industry"),
    "3": ("农业活动", "Agriculture"),
    "4": ("LULUCF净值", "LULUCF net"),  # land use, land-use change and forestry, net
    "5": ("废弃物", "Waste"),
}
LULUCF = "4"  # drawn below zero: a sink
GAS_ORDER = ("CO2", "CH4", "N2O", "HFCs", "PFCs", "SF6")
GAS_NAMES_EN = {
    "CO2": "CO₂",
    "CH4": "CH₄",
    "N2O": "N₂O",
    "HFCs": "HFCs",
    "PFCs": "PFCs",
    "SF6": "SF₆",
}


def _layout(scale: float, uirevision: str | None, **extra: Any) -> dict[str, Any]:
    m = round(8 * scale)
    layout: dict[str, Any] = {
        "font": {"size": theme.font_px(scale)},
        "hoverlabel": {"font": {"size": theme.font_px(scale, 1.1)}},
        "legend": {"font": {"size": theme.font_px(scale, 0.95)}},
        "uirevision": uirevision,
        "margin": {"l": m, "r": m, "t": m, "b": m},
    }
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(layout.get(key), dict):
            layout[key] = {**layout[key], **value}
        else:
            layout[key] = value
    return layout


def _figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> go.Figure:
    """A Figure from plain dicts without plotly's per-property validation, which costs tens of
    milliseconds per callback; the builders' unit tests check what they produce instead."""
    return go.Figure(data=data, layout=layout, _validate=False)


def empty(message: str, *, scale: float = 1.0) -> go.Figure:
    """An empty state: one calm sentence in the middle, no axes."""
    note = {
        "text": message,
        "x": 0.5,
        "y": 0.5,
        "xref": "paper",
        "yref": "paper",
        "showarrow": False,
        "font": {"size": theme.font_px(scale, 1.2), "color": theme.MUTED},
    }
    return _figure(
        [],
        _layout(
            scale, None, annotations=[note], xaxis={"visible": False}, yaxis={"visible": False}
        ),
    )


# --------------------------------------------------------------------------- sector trend


def sector_trend(
    rows: Sequence[Any],
    *,
    policies: Sequence[Any] = (),
    lang: str = "zh",
    scale: float = 1.0,
    uirevision: str | None = None,
    gwp: str | None = None,
) -> go.Figure:
    """Five sectors over the years in 万吨 CO2e (`gwp`: the GWP set, named with the unit):
    four stacked above zero, LULUCF below (a sink),
    and the net total as a line; `policies` (PolicyMark: issued_on, title, doc_no, agency) as
    thin vertical markers at their dates, the title on hover."""
    if not rows:
        return empty(t("no_data", lang), scale=scale)
    periods = sorted({r.period for r in rows})
    years = [int(p[:4]) for p in periods]
    by_sector: dict[str, dict[str, float]] = {}
    names: dict[str, str] = {}
    for r in rows:
        by_sector.setdefault(r.sector_code, {})[r.period] = r.co2e
        short = SECTOR_SHORT.get(r.sector_code)
        full = r.name_en if lang == "en" else r.name_zh
        names[r.sector_code] = (short[1] if lang == "en" else short[0]) if short else full
    data: list[dict[str, Any]] = []

    def line(code: str, **extra: Any) -> dict[str, Any]:
        return {
            "type": "scatter",
            "x": years,
            "mode": "lines",
            "name": names[code],
            "y": [_wan(by_sector[code].get(p)) for p in periods],
            "line": {"width": 0.5, "color": theme.SECTOR_COLOURS[code]},
            "hovertemplate": "%{y:,.1f}<extra>" + names[code] + "</extra>",
            **extra,
        }

    data.extend(line(code, stackgroup="above") for code in TOP_SECTORS if code in by_sector)
    if LULUCF in by_sector:
        data.append(line(LULUCF, fill="tozeroy"))
    net = [_wan(sum(by_sector[c].get(p, 0.0) for c in by_sector)) for p in periods]
    divisor, unit = _axis_unit([abs(v) for v in net if v is not None], lang)
    if divisor != 1:
        for trace in data:
            trace["y"] = [None if v is None else v / divisor for v in trace["y"]]
        net = [None if v is None else v / divisor for v in net]
    data.append(
        {
            "type": "scatter",
            "x": years,
            "y": net,
            "name": t("net", lang),
            "mode": "lines",
            "line": {"width": 2 * scale, "color": theme.TEXT, "dash": "dot"},
            "hovertemplate": "%{y:,.1f}<extra>" + t("net", lang) + "</extra>",
        }
    )
    marks = [m for m in policies if years[0] <= year_fraction(m.issued_on) <= years[-1] + 1]
    span = max(1.0, years[-1] + 1 - years[0])
    shapes, notes = policy_marks(marks, lang, scale, within=marker_gap(span))
    layout = _layout(
        scale,
        uirevision,
        hovermode="x unified",
        legend={
            "traceorder": "normal",
            "orientation": "h",
            "y": -0.12,
            "yanchor": "top",
            "x": 0,
        },
        # the unit stands above the tick labels, level: a rotated title collided with the
        # ticks at 3840x2160
        yaxis={"tickformat": ","},
        annotations=[unit_note(co2e_axis_unit(unit, gwp, lang), scale, left=True), *notes],
        shapes=shapes,
        margin={"t": round(26 * scale)},
        xaxis={"tickformat": "d", "nticks": 8, "hoverformat": "d"},
    )
    return _figure(data, layout)


def year_fraction(day: date) -> float:
    """A date as a fractional year (2021-07-02 -> 2021.5), for a numeric year axis."""
    start = date(day.year, 1, 1)
    length = (date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


def pick_policies(marks: Sequence[Any], own_level: str | None, *, n: int = 6) -> list[Any]:
    """At most `n` policies to annotate a trend with: the region's own newest (its level:
    provincial for a province, municipal for a city) and national ones first, then those of
    the levels between; oldest first, as they are drawn."""
    newest = sorted(marks, key=lambda m: (m.issued_on, m.document_id), reverse=True)
    own = [m for m in newest if own_level is not None and m.level == own_level]
    national = [m for m in newest if m.level == "national"]
    half = n // 2
    chosen = own[: max(half, n - len(national))]
    chosen += national[: n - len(chosen)]
    taken = {m.document_id for m in chosen}
    chosen += [m for m in newest if m.document_id not in taken][: n - len(chosen)]
    return sorted(chosen, key=lambda m: (m.issued_on, m.document_id))


POLICY_CLUSTER_YEARS = 0.35  # policies closer than this share one marker (readable from 5 m)
MARKER_SHARE = 0.09  # a "▼4" marker is about this share of the trend's plot width (18 px font)


def marker_gap(span_years: float) -> float:
    """The least distance in years between two markers on an axis of `span_years` so that
    their ▼n labels never touch (about a ninth of the axis on the wall's trend panel)."""
    return max(POLICY_CLUSTER_YEARS, span_years * MARKER_SHARE)


def _centre(group: Sequence[Any]) -> float:
    return sum(year_fraction(m.issued_on) for m in group) / len(group)


def cluster_policies(marks: Sequence[Any], *, within: float = POLICY_CLUSTER_YEARS) -> list[list]:
    """Policies in date order, grouped so that the markers of two groups (at their mean dates)
    are at least `within` years apart: neighbours closer than that merge, repeatedly."""
    groups: list[list[Any]] = [
        [m] for m in sorted(marks, key=lambda m: (m.issued_on, m.document_id))
    ]
    merged = True
    while merged and len(groups) > 1:
        merged = False
        gaps = [_centre(b) - _centre(a) for a, b in zip(groups, groups[1:], strict=False)]
        i = min(range(len(gaps)), key=gaps.__getitem__)
        if gaps[i] < within:
            groups[i : i + 2] = [groups[i] + groups[i + 1]]
            merged = True
    return groups


def policy_marks(
    marks: Sequence[Any],
    lang: str,
    scale: float,
    *,
    shift: float = 0.0,
    within: float = POLICY_CLUSTER_YEARS,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A thin dotted line per group of policies and a small ▼ (with the count when several)
    at its top that lists them on hover: date and agency, title, 文号. ``shift`` moves them on
    the year axis (-0.5 where a year's bar is centred on the year, so a date falls in its bar)."""
    shapes, notes = [], []
    for group in cluster_policies(marks, within=within):
        x = round(sum(year_fraction(m.issued_on) for m in group) / len(group) + shift, 3)
        national = all(m.level == "national" for m in group)
        colour = theme.POLICY_NATIONAL if national else theme.POLICY_LOCAL
        shapes.append(
            dict(
                type="line",
                xref="x",
                yref="paper",
                x0=x,
                x1=x,
                y0=0,
                y1=1,
                layer="below",
                line=dict(color=colour, width=max(1.0, scale), dash="dot"),
            )
        )
        entries = []
        for m in reversed(group):  # newest first, as the library lists them
            head = f"{m.issued_on.isoformat()} · {m.agency}"
            entries.append("<br>".join(x for x in (head, f"<b>{m.title}</b>", m.doc_no) if x))
        notes.append(
            dict(
                text="▼" if len(group) == 1 else f"▼{len(group)}",
                x=x,
                y=1,
                xref="x",
                yref="paper",
                yanchor="bottom",
                showarrow=False,
                font=dict(size=theme.font_px(scale, 0.85), color=colour),
                hovertext="<br><br>".join(entries),
                hoverlabel=dict(font=dict(size=theme.font_px(scale, 1.0))),
            )
        )
    return shapes, notes


def _wan(tonnes: float | None) -> float | None:
    return i18n.wan_tonnes(tonnes)


def unit_note(text: str, scale: float, *, left: bool = False) -> dict[str, Any]:
    """An axis unit written level above the y tick labels (`left`: starting at the plot's left
    edge instead, so that a unit wider than the tick labels is never cut by the figure edge)."""
    return {
        "text": text,
        "x": 0,
        "y": 1,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "left" if left else "right",
        "yanchor": "bottom",
        "showarrow": False,
        "yshift": round(4 * scale),
        "font": {"size": theme.font_px(scale, 0.9), "color": theme.MUTED},
    }


def co2e_axis_unit(unit: str, gwp: str | None, lang: str) -> str:
    """亿吨 -> 亿吨 CO₂e（AR5）: the trend's unit names the gas basis and the GWP set."""
    text = f"{unit} CO₂e"
    if gwp:
        text += f" ({gwp})" if lang == "en" else f"（{gwp}）"
    return text


def _axis_unit(values_wan: Sequence[float], lang: str) -> tuple[float, str]:
    """(divisor, axis title) for values in 万吨: 亿吨 from 10,000 万吨 up, so ticks stay short and
    never show SI suffixes (1.5M 万吨 reads as nonsense on a Chinese wall)."""
    big = max(values_wan, default=0.0) >= 1e4
    if lang == "en":
        return (1e4, "100 Mt") if big else (1.0, "10k t")
    return (1e4, "亿吨") if big else (1.0, "万吨")


# --------------------------------------------------------------------------- choropleth


def rank_positions(rows: Sequence[Any]) -> dict[str, tuple[int | None, int | None]]:
    """code -> (rank by emissions, rank by intensity) among the given siblings, 1 = highest."""

    def order(attr: str) -> dict[str, int]:
        present = sorted(
            (r for r in rows if getattr(r, attr) is not None),
            key=lambda r: (-getattr(r, attr), r.code),
        )
        return {r.code: i + 1 for i, r in enumerate(present)}

    by_co2e, by_int = order("co2e"), order("intensity")
    return {r.code: (by_co2e.get(r.code), by_int.get(r.code)) for r in rows}


def flag_groups(rows: Iterable[Any]) -> dict[str, list[str]]:
    """Codes by intensity flag: {"rose": [...], "fell": [...], "none": [...]}."""
    groups: dict[str, list[str]] = {"rose": [], "fell": [], "none": []}
    for r in rows:
        groups[r.flag if r.flag in groups else "none"].append(r.code)
    return groups


def _robust_range(values: Sequence[float]) -> tuple[float | None, float | None]:
    """5th to 95th percentile, so one extreme region does not wash out the others."""
    if not values:
        return None, None
    ordered = sorted(values)
    lo = ordered[int(0.05 * (len(ordered) - 1))]
    hi = ordered[math.ceil(0.95 * (len(ordered) - 1))]
    if hi <= lo:
        return None, None
    return lo, hi


def dashes_lines(geojson: dict) -> list[list[tuple[float, float]]]:
    """The lines of a (Multi)LineString GeoJSON geometry, feature or collection."""

    def lines_of(geom: dict) -> list[list[tuple[float, float]]]:
        if geom["type"] == "LineString":
            return [[tuple(c[:2]) for c in geom["coordinates"]]]
        if geom["type"] == "MultiLineString":
            return [[tuple(c[:2]) for c in line] for line in geom["coordinates"]]
        return []

    if geojson.get("type") == "FeatureCollection":
        return [ln for f in geojson["features"] for ln in lines_of(f["geometry"])]
    if geojson.get("type") == "Feature":
        return lines_of(geojson["geometry"])
    return lines_of(geojson)


# --------------------------------------------------------------------------- gases


WAN_CO2E = ("万吨CO₂e", "10k t CO₂e")


def _wan_parts(tonnes: float, lang: str) -> tuple[str, str]:
    """(number, unit) of a mass in 万吨CO₂e, two decimals (the analysis pages' format)."""
    return f"{tonnes / 1e4:,.2f}".replace("-", "−"), WAN_CO2E[1 if lang == "en" else 0]


def co2e_unit_text(unit: str, lang: str) -> str:
    """亿吨 -> 亿吨CO₂e (Mt -> Mt CO₂e)."""
    return f"{unit}{' ' if lang == 'en' else ''}CO₂e"


def _mass_text(tonnes: float, lang: str, wan: bool) -> str:
    return " ".join(_wan_parts(tonnes, lang)) if wan else i18n.mass(tonnes, lang)


def gas_composition(
    rows: Sequence[Any],
    *,
    lang: str = "zh",
    scale: float = 1.0,
    uirevision: str | None = None,
    wan: bool = False,
    gwp: str | None = None,
) -> go.Figure:
    """The six gases as shares of gross CO2e: a ring with the share in each legend entry.

    The total in the middle and the hover masses switch to 亿吨 from 10^8 t (the wall's
    panel); `wan=True` keeps them in 万吨CO₂e with two decimals, as the analysis pages
    print every mass."""
    present = [r for r in rows if r.co2e is not None and r.co2e > 0]
    if not present:
        return empty(t("no_data", lang), scale=scale)
    present.sort(key=lambda r: GAS_ORDER.index(r.gas) if r.gas in GAS_ORDER else 99)
    total = sum(r.co2e for r in present)
    labels = []
    for r in present:
        label = GAS_NAMES_EN.get(r.gas, r.gas) if lang == "en" else r.name_zh
        labels.append(f"{label} {r.co2e / total * 100:.1f}%")
    data = [
        dict(
            type="pie",
            labels=labels,
            values=[r.co2e for r in present],
            hole=0.62,
            sort=False,
            direction="clockwise",
            marker=dict(
                colors=[theme.GAS_COLOURS.get(r.gas, theme.MUTED) for r in present],
                line=dict(color=theme.BG, width=1),
            ),
            textinfo="none",
            hovertemplate="%{label}<br>%{customdata}<extra></extra>",
            customdata=[_mass_text(r.co2e, lang, wan) for r in present],
            domain=dict(x=[0.0, 0.5]),
        )
    ]
    number, unit = _wan_parts(total, lang) if wan else i18n.mass_parts(total, lang)
    if not wan and gwp:  # the wall: the mass is CO2e by a GWP set, named above the legend
        unit = co2e_unit_text(unit, lang)
    note = dict(
        text=f"<b>{number}</b><br>{unit}",
        x=0.25,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font=dict(size=theme.font_px(scale, 1.05)),
    )
    layout = _layout(
        scale,
        uirevision,
        annotations=[note],
        showlegend=True,
        legend=dict(
            orientation="v",
            x=0.55,
            y=0.5,
            yanchor="middle",
            xanchor="left",
            title=dict(text=t("gas_gwp", lang, gwp=gwp)) if gwp and not wan else None,
        ),
    )
    return _figure(data, layout)
