"""Pure figure builders: plain rows in, go.Figure out. No Dash, no SQL, no I/O.

Rows are the frozen dataclasses of datasource.queries (anything with the same attributes
works, which is what the unit tests use). Masses arrive in tonnes and are drawn in 万吨.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
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
    rows: Sequence[Any],
    *,
    policies: Sequence[Any] = (),
    lang: str = "zh",
    scale: float = 1.0,
    uirevision: str | None = None,
) -> go.Figure:
    """Five sectors over the years in 万吨 CO2e: four stacked above zero, LULUCF below (a sink),
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
    shapes, notes = _policy_marks(marks, lang, scale)
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
        annotations=[unit_note(unit, scale), *notes],
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


def cluster_policies(marks: Sequence[Any], *, within: float = POLICY_CLUSTER_YEARS) -> list[list]:
    """Policies in date order, grouped so that each group spans less than `within` years."""
    groups: list[list[Any]] = []
    for m in sorted(marks, key=lambda m: (m.issued_on, m.document_id)):
        x = year_fraction(m.issued_on)
        if groups and x - year_fraction(groups[-1][0].issued_on) < within:
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


def _policy_marks(
    marks: Sequence[Any], lang: str, scale: float
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A thin dotted line per group of policies and a small ▼ (with the count when several)
    at its top that lists them on hover: date and agency, title, 文号."""
    shapes, notes = [], []
    for group in cluster_policies(marks):
        x = round(sum(year_fraction(m.issued_on) for m in group) / len(group), 3)
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
STATUS_ORDER = ("on_track", "at_risk", "off_track")  # colours of the target-status view
NODATA_META = "nodata"  # the grey trace of regions without a value (never a drill-down target)
PARKS_META = "parks"  # the park markers (a click opens the park's card)


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
    features: Sequence[tuple[str, str, str]] = (),
    statuses: dict[str, Any] | None = None,
    park_range: tuple[float, float] = (0.0, 5.0),
) -> go.Figure:
    """The focused region's children coloured by intensity (or, given `statuses`, by target
    status); intensity that rose against the previous period gets a thick red outline, fell a
    green one, no previous period a thin grey one. Regions of the layer (`features`: code,
    name_zh, name_en) without a value are drawn grey, never left out (Taiwan, Hong Kong and
    Macao at the national view). The GeoJSON is a URL the browser fetches once (never embedded:
    DASH-NOTES, map speed)."""
    if not rows:
        return empty(t("no_children", lang), scale=scale)
    ranks = rank_positions(rows)
    n = len(rows)
    if statuses is not None:
        value = {
            r.code: float(STATUS_ORDER.index(statuses[r.code].status))
            for r in rows
            if r.code in statuses and statuses[r.code].status in STATUS_ORDER
        }
    else:
        value = {r.code: r.intensity for r in rows if r.intensity is not None}
    shown = sorted(
        (r for r in rows if r.code in value), key=lambda r: (_FLAG_ORDER.get(r.flag, 0), r.code)
    )
    line_colour = {"rose": theme.ROSE, "fell": theme.FELL, "none": theme.NO_PREV}
    line_width = {"rose": 3.2 * scale, "fell": 2.4 * scale, "none": 0.6 * scale}
    customdata = [_region_hover(r, ranks[r.code], n, lang, statuses) for r in shown]
    hover = (
        "<b>%{customdata[0]}</b><br>"
        + t("col_co2e", lang)
        + " %{customdata[1]}<br>"
        + t("col_intensity", lang)
        + " %{customdata[2]}<br>"
        + "%{customdata[3]}<br>"
        + t("col_change", lang)
        + f"（{period}）"
        + " %{customdata[4]}"
        + ("<br>%{customdata[5]}" if statuses is not None else "")
        + "<extra></extra>"
    )
    colorbar = dict(
        title=dict(text=t("colorbar", lang), side="top"),
        thickness=round(12 * scale),
        len=0.6,
        x=0.0,
        xanchor="left",
        y=0.02,
        yanchor="bottom",
        outlinewidth=0,
        tickfont=dict(size=theme.font_px(scale, 0.85)),
    )
    if statuses is not None:
        zmin, zmax = -0.5, len(STATUS_ORDER) - 0.5
        colorscale = _steps([theme.STATUS_FILL[s] for s in STATUS_ORDER])
        colorbar.update(
            title=dict(text=t("colorbar_target", lang), side="top"),
            tickvals=list(range(len(STATUS_ORDER))),
            ticktext=[t(f"status_{s}", lang) for s in STATUS_ORDER],
            len=0.3,
        )
    else:
        zmin, zmax = _robust_range([value[r.code] for r in shown])
        colorscale = theme.INTENSITY_SCALE
    data: list[dict[str, Any]] = [
        dict(
            type="choropleth",
            geojson=geojson_url,
            featureidkey="id",
            locations=[r.code for r in shown],
            z=[value[r.code] for r in shown],
            zmin=zmin,
            zmax=zmax,
            colorscale=colorscale,
            marker=dict(
                line=dict(
                    color=[line_colour.get(r.flag, theme.NO_PREV) for r in shown],
                    width=[line_width.get(r.flag, 0.6 * scale) for r in shown],
                )
            ),
            customdata=customdata,
            hovertemplate=hover,
            colorbar=colorbar,
            name="",
        )
    ]
    grey = _nodata_trace(rows, value, features, geojson_url, lang, scale)
    if grey is not None:
        data.append(grey)
    if dashes:
        data.append(_dashes_trace(dashes, scale))
    if parks:
        data.append(_parks_trace(parks, lang, scale, reserve_right, park_range))
    geo = dict(
        visible=False,
        fitbounds="locations",
        projection={"type": "mercator"},
        bgcolor="rgba(0,0,0,0)",
        domain={"x": [0.0, 1.0 - reserve_right], "y": [0.0, 1.0]},
    )
    return _figure(data, _layout(scale, uirevision, geo=geo, dragmode=False, clickmode="event"))


def _steps(colours: Sequence[str]) -> list[list[Any]]:
    """A colour scale of equal flat steps (a discrete legend on a continuous colour bar)."""
    out: list[list[Any]] = []
    k = len(colours)
    for i, colour in enumerate(colours):
        out.append([i / k, colour])
        out.append([(i + 1) / k, colour])
    return out


def _region_hover(
    r: Any, ranks: tuple[int | None, int | None], n: int, lang: str, statuses: dict | None
) -> list[str]:
    rank_e, rank_i = ranks
    label = i18n.name(r, lang) + (f"（{t('derived', lang)}）" if r.derived else "")
    out = [
        label,
        i18n.mass(r.co2e, lang),
        f"{i18n.intensity(r.intensity)} {t('unit_intensity', lang)}",
        t("rank_value", lang, a=rank_e or "—", b=rank_i or "—", n=n),
        i18n.pct(r.intensity_change),
    ]
    if statuses is not None:
        out.append(target_line(statuses.get(r.code), lang))
    return out


def target_line(track: Any, lang: str) -> str:
    """目标进度 滞后（已降 10.1%，目标 −18%）: a region's standing in one line."""
    if track is None or track.status == "no_data":
        return t("target_hover_none", lang)
    return t(
        "target_hover",
        lang,
        status=t(f"status_{track.status}", lang),
        so_far=i18n.pct(track.change_so_far),
        goal=i18n.pct(track.target_change, 0),
        year=track.target_period,
    )


def _nodata_trace(
    rows: Sequence[Any],
    value: dict[str, Any],
    features: Sequence[tuple[str, str, str]],
    geojson_url: str,
    lang: str,
    scale: float,
) -> dict[str, Any] | None:
    """Grey shapes for the layer's regions without a value to colour them by."""
    names = {code: (zh, en) for code, zh, en in features}
    for r in rows:
        names.setdefault(r.code, (r.name_zh, r.name_en))
    missing = sorted(code for code in names if code not in value)
    if not missing:
        return None
    label = [names[c][1] if lang == "en" else names[c][0] for c in missing]
    return dict(
        type="choropleth",
        geojson=geojson_url,
        featureidkey="id",
        locations=missing,
        z=[0.0] * len(missing),
        zmin=0.0,
        zmax=1.0,
        colorscale=[[0.0, theme.NODATA], [1.0, theme.NODATA]],
        showscale=False,
        marker=dict(line=dict(color=theme.NO_PREV, width=0.6 * scale)),
        customdata=label,
        hovertemplate="<b>%{customdata}</b><br>" + t("no_data", lang) + "<extra></extra>",
        meta=NODATA_META,
        name="",
    )


def _dashes_trace(dashes: Sequence[Sequence[tuple[float, float]]], scale: float) -> dict[str, Any]:
    lon: list[float | None] = []
    lat: list[float | None] = []
    for line in dashes:
        lon.extend([p[0] for p in line] + [None])
        lat.extend([p[1] for p in line] + [None])
    return dict(
        type="scattergeo",
        lon=lon,
        lat=lat,
        mode="lines",
        hoverinfo="skip",
        showlegend=False,
        line=dict(color=theme.DASHES, width=1.5 * scale),
        name="",
    )


# --------------------------------------------------------------------------- parks


def park_sizes(values: Sequence[float | None], *, lo: float, hi: float) -> list[float]:
    """Marker diameters whose areas follow the values (emissions): `hi` for the largest,
    never below `lo`; a missing or non-positive value gets `lo`."""
    top = max((v for v in values if v is not None and v > 0), default=None)
    if top is None:
        return [lo] * len(values)
    return [lo if v is None or v <= 0 else max(lo, hi * math.sqrt(v / top)) for v in values]


def park_industry_ranks(scores: Iterable[Any]) -> dict[str, tuple[int, int]]:
    """code -> (rank by PDI total within its industry, parks in that industry); ties share
    the better rank."""
    by_industry: dict[Any, list[Any]] = {}
    for s in scores:
        by_industry.setdefault(s.industry, []).append(s)
    out = {}
    for peers in by_industry.values():
        totals = sorted((p.total for p in peers), reverse=True)
        for p in peers:
            out[p.code] = (totals.index(p.total) + 1, len(peers))
    return out


def _parks_trace(
    parks: Sequence[Any], lang: str, scale: float, reserve_right: float, crange: tuple[float, float]
) -> dict[str, Any]:
    """Parks sized by emissions and coloured by PDI total (grey: not evaluated)."""
    sizes = park_sizes([p.co2e for p in parks], lo=7 * scale, hi=26 * scale)
    scored = [p.total is not None for p in parks]
    text = [park_hover(p, lang) for p in parks]
    return dict(
        type="scattergeo",
        lon=[p.lon for p in parks],
        lat=[p.lat for p in parks],
        customdata=[p.code for p in parks],
        text=text,
        mode="markers",
        marker=dict(
            symbol="circle",
            size=[round(s, 1) for s in sizes],
            color=[p.total if p.total is not None else math.nan for p in parks],
            cmin=crange[0],
            cmax=crange[1],
            colorscale=theme.PDI_SCALE,
            opacity=0.92,
            line=dict(
                color=[theme.TEXT if ok else theme.MUTED for ok in scored],
                width=max(1.0, 1.2 * scale),
            ),
            colorbar=dict(
                title=dict(text=t("colorbar_pdi", lang), side="top"),
                orientation="h",
                thickness=round(10 * scale),
                len=0.28,
                x=1.0 - reserve_right - 0.01,
                xanchor="right",
                y=0.02,
                yanchor="bottom",
                outlinewidth=0,
                tickfont=dict(size=theme.font_px(scale, 0.8)),
            ),
            showscale=any(scored),
        ),
        hovertemplate="%{text}<extra></extra>",
        meta=PARKS_META,
        name=t("parks", lang),
        showlegend=False,
    )


def park_hover(p: Any, lang: str) -> str:
    """Name, industry and level, emissions, PDI total and its three dimensions."""
    level = t(f"park_level_{p.park_level}", lang) if p.park_level in PARK_LEVELS else ""
    kind = " · ".join(x for x in (p.industry, level) if x)
    lines = [f"<b>{i18n.name(p, lang)}</b>"]
    if kind:
        lines.append(kind)
    lines.append(f"{t('col_co2e', lang)} {i18n.mass(p.co2e, lang)}")
    if p.total is None:
        lines.append(t("pdi_none", lang))
    else:
        lines.append(f"{t('pdi_total', lang)} <b>{p.total:.2f}</b>")
        lines.append(t("pdi_dims", lang, p=f"{p.P:.2f}", d=f"{p.D:.2f}", i=f"{p.I:.2f}"))
    return "<br>".join(lines)


PARK_LEVELS = ("national", "provincial")


@dataclass(frozen=True)
class ParkMark:
    """A park on the map: where, what, its emissions and its PDI scores (None: not scored)."""

    code: str
    name_zh: str
    name_en: str
    lon: float
    lat: float
    industry: str | None
    park_level: str | None
    co2e: float | None
    P: float | None = None
    D: float | None = None
    I: float | None = None  # noqa: E741 - the seed's letter for Impact
    total: float | None = None


def park_marks(
    infos: Sequence[Any], co2e: Mapping[str, float | None], scores: Mapping[str, Any]
) -> list[ParkMark]:
    """The parks that have a position, with their emissions and scores joined by code."""
    out = []
    for p in infos:
        if p.lon is None or p.lat is None:
            continue
        s = scores.get(p.code)
        out.append(
            ParkMark(
                p.code,
                p.name_zh,
                p.name_en,
                p.lon,
                p.lat,
                p.industry,
                p.park_level,
                co2e.get(p.code),
                s.P if s else None,
                s.D if s else None,
                s.I if s else None,
                s.total if s else None,
            )
        )
    return out


def score_range(scores: Iterable[Any]) -> tuple[float, float]:
    """The colour range of the park markers: every evaluated park's lowest and highest total
    (the same colour means the same score in every city), 0-5 when there are none."""
    totals = [s.total for s in scores]
    if len(totals) < 2 or max(totals) <= min(totals):
        return 0.0, 5.0
    return math.floor(min(totals) * 10) / 10, math.ceil(max(totals) * 10) / 10


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
