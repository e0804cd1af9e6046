"""The map panel's figure: the focused region's children coloured by carbon intensity or by
target status, with the rose/fell flags, the grey regions without data, the South China Sea
dashes and the parks (sized by emissions, coloured by PDI total). Pure: rows in, go.Figure out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from geo.labels import LabelPoint, fitting
from layouts import i18n, theme
from layouts.figures import _figure, _layout, _robust_range, empty, rank_positions
from layouts.i18n import t

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
    labels: Sequence[LabelPoint] = (),
    highlight: str | None = None,
) -> go.Figure:
    """The focused region's children coloured by intensity (or, given `statuses`, by target
    status); intensity that rose against the previous period gets a thick red outline, fell a
    green one, no previous period a thin grey one. Regions of the layer (`features`: code,
    name_zh, name_en) without a value are drawn grey, never left out (Taiwan, Hong Kong and
    Macao at the national view). The GeoJSON is a URL the browser fetches once (never embedded:
    DASH-NOTES, map speed). `labels` (geo.labels): the regions' names where they fit;
    `highlight`: the focused region among its siblings (a county), outlined in white."""
    if not rows:
        return empty(t("no_children", lang), scale=scale)
    ranks = rank_positions(rows)
    n = ranked_count(rows)
    if statuses is not None:
        value = {
            r.code: float(STATUS_ORDER.index(statuses[r.code].status))
            for r in rows
            if r.code in statuses and statuses[r.code].status in STATUS_ORDER
        }
    else:
        value = {r.code: r.intensity for r in rows if r.intensity is not None}
    shown = sorted(
        (r for r in rows if r.code in value),
        key=lambda r: (r.code == highlight, _FLAG_ORDER.get(r.flag, 0), r.code),
    )
    line_colour = {"rose": theme.ROSE, "fell": theme.FELL, "none": theme.NO_PREV}
    line_width = {"rose": 3.2 * scale, "fell": 2.4 * scale, "none": 0.6 * scale}
    colours = [
        theme.HIGHLIGHT if r.code == highlight else line_colour.get(r.flag, theme.NO_PREV)
        for r in shown
    ]
    widths = [
        5.0 * scale if r.code == highlight else line_width.get(r.flag, 0.6 * scale) for r in shown
    ]
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
            marker=dict(line=dict(color=colours, width=widths)),
            customdata=customdata,
            hovertemplate=hover,
            colorbar=colorbar,
            name="",
        )
    ]
    grey = _nodata_trace(rows, value, features, geojson_url, lang, scale, statuses)
    if grey is not None:
        data.append(grey)
    if dashes:
        data.append(_dashes_trace(dashes, scale))
    names = {r.code: i18n.short_name(r, lang) for r in rows}
    placed = map_labels(labels, names, scale=scale, reserve_right=reserve_right, keep=highlight)
    if placed:
        data.append(_labels_trace(placed, names, scale, highlight))
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


# the map's drawn area at 1920x1080: plotly's geo subplot leaves about a third of the 800 x 780
# plot area around the fitted regions
MAP_BOX_PX = (560.0, 540.0)
LABELS_META = "labels"


def text_px(text: str, font_px: float) -> float:
    """The width of a label: a CJK character is about one em, a Latin one about 0.58 em."""
    return sum(font_px if ord(c) > 0x2E80 else 0.58 * font_px for c in text)


def map_labels(
    points: Sequence[LabelPoint],
    names: Mapping[str, str],
    *,
    scale: float = 1.0,
    reserve_right: float = 0.0,
    keep: str | None = None,
) -> list[LabelPoint]:
    """The labels drawn on the map: those of regions with a name whose text fits inside the
    region at the wall's font size (geo.labels.fitting); the `keep` region's always."""
    font = theme.font_px(scale)
    known = [p for p in points if p.code in names]
    box = (MAP_BOX_PX[0] * scale * (1.0 - reserve_right), MAP_BOX_PX[1] * scale)
    widths = {code: text_px(name, font) for code, name in names.items()}
    return fitting(known, widths, box_px=box, font_px=font, keep=keep)


def _labels_trace(
    placed: Sequence[LabelPoint], names: Mapping[str, str], scale: float, highlight: str | None
) -> dict[str, Any]:
    return dict(
        type="scattergeo",
        lon=[p.lon for p in placed],
        lat=[p.lat for p in placed],
        text=[f"<b>{names[p.code]}</b>" if p.code == highlight else names[p.code] for p in placed],
        mode="text",
        textfont=dict(
            size=theme.font_px(scale),
            color=theme.TEXT,
            shadow=f"0 0 {round(3 * scale)}px {theme.BG}",
        ),
        hoverinfo="skip",
        showlegend=False,
        meta=LABELS_META,
        name="",
    )


def ranked_count(rows: Sequence[Any]) -> int:
    """How many siblings a rank is out of: those with emissions (Taiwan, Hong Kong and Macao
    have none in the national pool, and "31st of 34" would read as if three ranked lower)."""
    return sum(1 for r in rows if r.co2e is not None) or len(rows)


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
        goal=i18n.pct_as_set(track.target_change),
        year=track.target_period,
    )


def _nodata_trace(
    rows: Sequence[Any],
    value: dict[str, Any],
    features: Sequence[tuple[str, str, str]],
    geojson_url: str,
    lang: str,
    scale: float,
    statuses: dict[str, Any] | None,
) -> dict[str, Any] | None:
    """Grey shapes for the layer's regions without a value to colour them by; the hover says
    what is missing (a region with emissions but no intensity, or no target standing, shows its
    emissions)."""
    names = {code: (zh, en) for code, zh, en in features}
    by_code = {r.code: r for r in rows}
    for r in rows:
        names.setdefault(r.code, (r.name_zh, r.name_en))
    missing = sorted(code for code in names if code not in value)
    if not missing:
        return None
    label = []
    for c in missing:
        row = by_code.get(c)
        head = f"<b>{names[c][1] if lang == 'en' else names[c][0]}</b>"
        if row is None or row.co2e is None:
            label.append(f"{head}<br>{t('no_data', lang)}")
            continue
        why = t("target_hover_none", lang) if statuses else t("no_intensity", lang)
        label.append(f"{head}<br>{t('col_co2e', lang)} {i18n.mass(row.co2e, lang)}<br>{why}")
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
        hovertemplate="%{customdata}<extra></extra>",
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
