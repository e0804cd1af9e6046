"""Pure figure builders: plain rows in, go.Figure out. No Dash, no SQL, no I/O.

Rows are the frozen dataclasses of datasource.queries (anything with the same attributes
works, which is what the unit tests use). Masses arrive in tonnes and are drawn in 万吨.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import plotly.graph_objects as go

from layouts import i18n, theme
from layouts.i18n import t

TOP_SECTORS = ("1", "2", "3", "5")  # stacked above zero
SECTOR_SHORT = {  # legend names that fit a third of a panel's width
    "1": ("能源活动", "Energy"),
    "2": ("工业过程", "Industry"),
    "3": ("农业活动", "Agriculture"),
    "4": ("林业碳汇", "LULUCF"),
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
    rows: Sequence[Any], *, lang: str = "zh", scale: float = 1.0, uirevision: str | None = None
) -> go.Figure:
    """Five sectors over the years in 万吨 CO2e: four stacked above zero, LULUCF below (a sink),
    and the net total as a line."""
    if not rows:
        return empty(t("no_data", lang), scale=scale)
    periods = sorted({r.period for r in rows})
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
            "x": periods,
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
            "x": periods,
            "y": net,
            "name": t("net", lang),
            "mode": "lines",
            "line": {"width": 2 * scale, "color": theme.TEXT, "dash": "dot"},
            "hovertemplate": "%{y:,.1f}<extra>" + t("net", lang) + "</extra>",
        }
    )
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
            "entrywidth": 0.33,
            "entrywidthmode": "fraction",
        },
        # the unit stands above the tick labels, level: a rotated title collided with the
        # ticks at 3840x2160
        yaxis={"tickformat": ","},
        annotations=[unit_note(unit, scale)],
        margin={"t": round(26 * scale)},
        xaxis={"type": "category", "nticks": 8},
    )
    return _figure(data, layout)


def _wan(tonnes: float | None) -> float | None:
    return i18n.wan_tonnes(tonnes)


def unit_note(text: str, scale: float) -> dict[str, Any]:
    """An axis unit written level above the y tick labels."""
    return {
        "text": text,
        "x": 0,
        "y": 1,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "right",
        "yanchor": "bottom",
        "showarrow": False,
        "yshift": round(4 * scale),
        "font": {"size": theme.font_px(scale, 0.9), "color": theme.MUTED},
    }


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


_FLAG_ORDER = {"none": 0, "fell": 1, "rose": 2}  # flagged regions drawn last, on top


def choropleth(
    rows: Sequence[Any],
    *,
    geojson_url: str,
    period: str,
    lang: str = "zh",
    scale: float = 1.0,
    parks: Sequence[Any] = (),
    dashes: Sequence[Sequence[tuple[float, float]]] = (),
    reserve_right: float = 0.0,
    uirevision: str | None = None,
) -> go.Figure:
    """The focused region's children coloured by intensity; intensity that rose against the
    previous period gets a thick red outline, fell a green one, no previous period a thin grey
    one. The GeoJSON is a URL the browser fetches once (never embedded: DASH-NOTES, map speed)."""
    if not rows:
        return empty(t("no_children", lang), scale=scale)
    ranks = rank_positions(rows)
    n = len(rows)
    ordered = sorted(rows, key=lambda r: (_FLAG_ORDER.get(r.flag, 0), r.code))
    line_colour = {"rose": theme.ROSE, "fell": theme.FELL, "none": theme.NO_PREV}
    line_width = {"rose": 3.2 * scale, "fell": 2.4 * scale, "none": 0.6 * scale}
    zs = [r.intensity for r in ordered]
    zmin, zmax = _robust_range([z for z in zs if z is not None])
    unit = t("unit_intensity", lang)
    customdata = []
    for r in ordered:
        rank_e, rank_i = ranks[r.code]
        label = i18n.name(r, lang) + (f"（{t('derived', lang)}）" if r.derived else "")
        customdata.append(
            [
                label,
                i18n.mass(r.co2e, lang),
                f"{i18n.intensity(r.intensity)} {unit}",
                t("rank_value", lang, a=rank_e or "—", b=rank_i or "—", n=n),
                i18n.pct(r.intensity_change),
            ]
        )
    hover = (
        "<b>%{customdata[0]}</b><br>"
        + t("col_co2e", lang)
        + " %{customdata[1]}<br>"
        + t("col_intensity", lang)
        + " %{customdata[2]}<br>"
        + "%{customdata[3]}<br>"
        + t("col_change", lang)
        + f"（{period}）"
        + " %{customdata[4]}<extra></extra>"
    )
    data: list[dict[str, Any]] = [
        dict(
            type="choropleth",
            geojson=geojson_url,
            featureidkey="id",
            locations=[r.code for r in ordered],
            z=[z if z is not None else math.nan for z in zs],
            zmin=zmin,
            zmax=zmax,
            colorscale=theme.INTENSITY_SCALE,
            marker=dict(
                line=dict(
                    color=[line_colour.get(r.flag, theme.NO_PREV) for r in ordered],
                    width=[line_width.get(r.flag, 0.6 * scale) for r in ordered],
                )
            ),
            customdata=customdata,
            hovertemplate=hover,
            colorbar=dict(
                title=dict(text=t("colorbar", lang), side="top"),
                thickness=round(12 * scale),
                len=0.6,
                x=0.0,
                xanchor="left",
                y=0.02,
                yanchor="bottom",
                outlinewidth=0,
                tickfont=dict(size=theme.font_px(scale, 0.85)),
            ),
            name="",
        )
    ]
    if dashes:
        lon: list[float | None] = []
        lat: list[float | None] = []
        for line in dashes:
            lon.extend([p[0] for p in line] + [None])
            lat.extend([p[1] for p in line] + [None])
        data.append(
            dict(
                type="scattergeo",
                lon=lon,
                lat=lat,
                mode="lines",
                hoverinfo="skip",
                showlegend=False,
                line=dict(color=theme.DASHES, width=1.5 * scale),
                name="",
            )
        )
    if parks:
        data.append(
            dict(
                type="scattergeo",
                lon=[p.lon for p in parks],
                lat=[p.lat for p in parks],
                customdata=[p.code for p in parks],
                text=[
                    i18n.name(p, lang) + (f"<br>{p.industry}" if p.industry else "") for p in parks
                ],
                mode="markers",
                marker=dict(
                    symbol="diamond",
                    size=round(11 * scale),
                    color=theme.PARK,
                    line=dict(color=theme.BG, width=1),
                ),
                hovertemplate="<b>%{text}</b><extra>" + t("parks", lang) + "</extra>",
                name=t("parks", lang),
                showlegend=False,
            )
        )
    geo = dict(
        visible=False,
        fitbounds="locations",
        projection={"type": "mercator"},
        bgcolor="rgba(0,0,0,0)",
        domain={"x": [0.0, 1.0 - reserve_right], "y": [0.0, 1.0]},
    )
    return _figure(data, _layout(scale, uirevision, geo=geo, dragmode=False, clickmode="event"))


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


def gas_composition(
    rows: Sequence[Any], *, lang: str = "zh", scale: float = 1.0, uirevision: str | None = None
) -> go.Figure:
    """The six gases as shares of gross CO2e: a ring with the share in each legend entry."""
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
            hole=0.58,
            sort=False,
            direction="clockwise",
            marker=dict(
                colors=[theme.GAS_COLOURS.get(r.gas, theme.MUTED) for r in present],
                line=dict(color=theme.BG, width=1),
            ),
            textinfo="none",
            hovertemplate="%{label}<br>%{customdata}<extra></extra>",
            customdata=[i18n.mass(r.co2e, lang) for r in present],
            domain=dict(x=[0.0, 0.5]),
        )
    ]
    number, unit = i18n.mass_parts(total, lang)
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
        legend=dict(orientation="v", x=0.55, y=0.5, yanchor="middle", xanchor="left"),
    )
    return _figure(data, layout)


# --------------------------------------------------------------------------- forecast


def forecast(
    history: Sequence[Any],
    emissions_fc: Sequence[Any],
    intensity_fc: Sequence[Any],
    *,
    lang: str = "zh",
    scale: float = 1.0,
    uirevision: str | None = None,
) -> go.Figure:
    """Emissions (万吨 CO2e, top) and intensity (bottom): history solid, forecast dashed with
    an 80 % band."""
    if not history:
        return empty(t("no_data", lang), scale=scale)
    data: list[dict[str, Any]] = []
    hist_x = [s.period for s in history]
    divisor, mass_unit = _axis_unit([abs(s.co2e) / 1e4 for s in history if s.co2e], lang)

    def mass(v: float | None) -> float | None:
        return None if v is None else v / 1e4 / divisor

    _forecast_row(
        data,
        "y",
        hist_x,
        [mass(s.co2e) for s in history],
        [(p.period, mass(p.value), mass(p.lo), mass(p.hi)) for p in emissions_fc],
        t("emissions", lang),
        theme.FORECAST_LINE,
        theme.FORECAST_BAND,
        lang,
        scale,
        ",.2f" if divisor != 1 else ",.0f",
    )
    _forecast_row(
        data,
        "y2",
        hist_x,
        [s.intensity for s in history],
        [(p.period, p.value, p.lo, p.hi) for p in intensity_fc],
        t("intensity", lang),
        theme.INTENSITY_LINE,
        theme.INTENSITY_BAND,
        lang,
        scale,
        ".3f",
    )
    # two rows sharing one category x axis, laid out by hand (make_subplots costs ~14 ms)
    layout = _layout(
        scale,
        uirevision,
        hovermode="x unified",
        showlegend=False,
        xaxis=dict(type="category", nticks=8, anchor="y2"),
        yaxis=dict(
            domain=[0.55, 1.0],
            tickformat=",",
            title=dict(text=f"{t('emissions', lang)}<br>{mass_unit}"),
        ),
        yaxis2=dict(
            domain=[0.0, 0.45],
            anchor="x",
            tickformat=",",
            title=dict(text=f"{t('intensity', lang)}<br>{t('unit_intensity', lang)}"),
        ),
    )
    return _figure(data, layout)


def _forecast_row(
    data: list[dict[str, Any]],
    yaxis: str,
    hist_x: list[str],
    hist_y: list[float | None],
    points: list[tuple[str, float | None, float | None, float | None]],
    label: str,
    colour: str,
    band: str,
    lang: str,
    scale: float,
    fmt: str,
) -> None:
    axes = {"xaxis": "x", "yaxis": yaxis}
    data.append(
        dict(
            type="scatter",
            x=hist_x,
            y=hist_y,
            mode="lines",
            line=dict(color=colour, width=2.5 * scale),
            name=f"{label}·{t('history', lang)}",
            hovertemplate="%{y:" + fmt + "}<extra>" + t("history", lang) + "</extra>",
            **axes,
        )
    )
    if not points:
        return
    # join the forecast to the last observation so the dashed line does not float
    x = [hist_x[-1]] + [p[0] for p in points]
    last = hist_y[-1]
    data.append(
        dict(
            type="scatter",
            x=x,
            y=[last] + [p[3] for p in points],
            mode="lines",
            line=dict(width=0),
            hoverinfo="skip",
            showlegend=False,
            **axes,
        )
    )
    data.append(
        dict(
            type="scatter",
            x=x,
            y=[last] + [p[2] for p in points],
            mode="lines",
            line=dict(width=0),
            fill="tonexty",
            fillcolor=band,
            name=t("band", lang),
            hoverinfo="skip",
            **axes,
        )
    )
    data.append(
        dict(
            type="scatter",
            x=x,
            y=[last] + [p[1] for p in points],
            mode="lines",
            line=dict(color=colour, width=2 * scale, dash="dash"),
            name=f"{label}·{t('forecast', lang)}",
            hovertemplate="%{y:" + fmt + "}<extra>" + t("forecast", lang) + "</extra>",
            **axes,
        )
    )
