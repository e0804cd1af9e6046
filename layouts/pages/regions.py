"""Region analysis (/analysis/regions, 区域碳排放分析, seed section 5.3): several regions compared
over the years (emissions or intensity), one region's history, and the ranking of its
sub-regions by emissions, intensity or intensity change, sortable and exportable (CSV, XLSX).

State in the URL query: ?compare=&metric=&gwp=&region=&year=&rank=.
Callbacks: callbacks/analysis_regions.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_ag_grid as dag
from dash import html

from layouts import ids_analysis as ids
from layouts import theme
from layouts.pages import analysis as common
from layouts.settings import ScreenSettings

PAGE = "regions"
PATH = "/analysis/regions"
QUERY_KEYS = ("compare", "metric", "gwp", "region", "year", "rank")
COMPARE_METRICS = (("co2e", "排放量", "Emissions"), ("intensity", "碳排放强度", "Intensity"))
RANK_METRICS = (
    ("co2e", "按排放量", "By emissions"),
    ("intensity", "按强度", "By intensity"),
    ("intensity_change", "按强度变化", "By intensity change"),
)
FLAGS = {"rose": ("强度上升", "rose"), "fell": ("强度下降", "fell"), "none": ("无上期", "—")}


def flag_key(lang: str = "zh") -> html.Small:
    """What the bars' colours mean (the wall's rule: intensity against the previous year)."""
    items = [
        (theme.ROSE, "强度上升", "intensity rose"),
        (theme.FELL, "强度下降", "fell"),
        (theme.NO_PREV, "无上期", "no previous year"),
    ]
    return html.Small(
        [
            html.Span(
                [html.Span("■ ", style={"color": colour}), en if lang == "en" else zh],
                className="ms-3",
            )
            for colour, zh, en in items
        ],
        className="text-secondary fw-normal",
    )


def _pairs(options: Sequence[tuple[str, str, str]], lang: str) -> list[tuple[str, str]]:
    return [(v, en if lang == "en" else zh) for v, zh, en in options]


def _round(x: float | None, digits: int) -> float | None:
    return None if common.is_missing(x) else round(x, digits)


def ranking_records(rows: Sequence[Any], lang: str = "zh") -> list[dict[str, Any]]:
    """Grid and export rows from queries.RankRow: masses in 万吨 (2 decimals), intensity in
    吨/万元 (4), changes in % (2); None where there is no value."""
    return [
        {
            "rank": r.rank,
            "code": r.code,
            "name": r.name_en if lang == "en" else r.name_zh,
            "co2e": _round(common.wan(r.co2e), 2),
            "co2": _round(common.wan(r.co2), 2),
            "co2e_change": _round(None if r.co2e_change is None else r.co2e_change * 100, 2),
            "intensity": _round(r.intensity, 4),
            "intensity_change": _round(
                None if r.intensity_change is None else r.intensity_change * 100, 2
            ),
            "flag": FLAGS.get(r.flag, FLAGS["none"])[1 if lang == "en" else 0],
        }
        for r in rows
    ]


def export_columns(lang: str = "zh", *, gwp_set: str = "AR5") -> list[tuple[str, str]]:
    """(field, heading) of the ranking export, in the grid's order."""
    if lang == "en":
        return [
            ("rank", "Rank"),
            ("code", "Code"),
            ("name", "Region"),
            ("co2e", f"Emissions (10k t CO2e, {gwp_set})"),
            ("co2", "CO2 (10k t)"),
            ("co2e_change", "Emissions change (%)"),
            ("intensity", "Intensity (t/10k CNY)"),
            ("intensity_change", "Intensity change (%)"),
            ("flag", "Flag"),
        ]
    return [
        ("rank", "名次"),
        ("code", "区划代码"),
        ("name", "地区"),
        ("co2e", f"排放量(万吨CO₂e,{gwp_set})"),
        ("co2", "二氧化碳(万吨)"),
        ("co2e_change", "排放量变化(%)"),
        ("intensity", "碳排放强度(吨/万元)"),
        ("intensity_change", "强度变化(%)"),
        ("flag", "强度标识"),
    ]


def _number(digits: int, suffix: str = "", signed: bool = False) -> dict[str, str]:
    spec = ("+" if signed else "") + f",.{digits}f"
    return {
        "function": f"params.value == null ? '—' : d3.format('{spec}')(params.value) + '{suffix}'"
    }


def column_defs(lang: str = "zh", *, gwp_set: str = "AR5") -> list[dict[str, Any]]:
    heads = dict(export_columns(lang, gwp_set=gwp_set))
    numeric = {"type": "rightAligned", "filter": "agNumberColumnFilter", "flex": 1}
    return [
        {"field": "rank", "headerName": heads["rank"], "width": 80},
        {"field": "name", "headerName": heads["name"], "flex": 2, "minWidth": 140},
        {"field": "co2e", "headerName": heads["co2e"], "valueFormatter": _number(2), **numeric},
        {"field": "co2", "headerName": heads["co2"], "valueFormatter": _number(2), **numeric},
        {
            "field": "co2e_change",
            "headerName": heads["co2e_change"],
            "valueFormatter": _number(2, "%", signed=True),
            **numeric,
        },
        {
            "field": "intensity",
            "headerName": heads["intensity"],
            "valueFormatter": _number(4),
            **numeric,
        },
        {
            "field": "intensity_change",
            "headerName": heads["intensity_change"],
            "valueFormatter": _number(2, "%", signed=True),
            "cellStyle": {
                "styleConditions": [
                    {"condition": "params.value > 0", "style": {"color": "#ff3b3b"}},
                    {"condition": "params.value < 0", "style": {"color": "#22e07a"}},
                ]
            },
            **numeric,
        },
        {"field": "flag", "headerName": heads["flag"], "width": 110},
    ]


def build(settings: ScreenSettings, params: Mapping[str, str], lang: str = "zh") -> html.Div:
    """The whole /analysis/regions page; ``params`` are the URL's query values (QUERY_KEYS)."""
    gwp = common.choice(params.get("gwp"), common.GWP_SETS, getattr(settings, "gwp_set", "AR5"))
    metric = common.choice(params.get("metric"), [m[0] for m in COMPARE_METRICS], "co2e")
    rank = common.choice(params.get("rank"), [m[0] for m in RANK_METRICS], "co2e")
    compare = common.panel(
        common.text(lang, "区域对比", "Regions compared"),
        common.graph(ids.COMPARE_GRAPH, lang),
        extra=[
            common.region_picker(
                ids.COMPARE, params.get("compare"), lang, multi=True, width="30rem"
            ),
            common.radio(ids.COMPARE_METRIC, _pairs(COMPARE_METRICS, lang), metric),
            common.labelled(common.tr("gwp", lang), common.gwp_radio(PAGE, gwp)),
        ],
        style={"flex": "1 1 0"},
    )
    history = common.panel(
        html.Span(id=ids.HISTORY_TITLE),
        common.graph(ids.HISTORY_GRAPH, lang),
        extra=common.region_picker(ids.region(PAGE), params.get("region"), lang),
        style={"flex": "1 1 0"},
    )
    bars = common.panel(
        html.Span([html.Span(id=ids.RANK_TITLE), flag_key(lang)]),
        common.graph(ids.RANK_GRAPH, lang),
        extra=[
            common.year_picker(ids.year(PAGE), params.get("year")),
            common.radio(ids.RANK_METRIC, _pairs(RANK_METRICS, lang), rank),
        ],
        style={"flex": "1 1 0"},
    )
    grid = dag.AgGrid(
        id=ids.RANK_GRID,
        columnDefs=column_defs(lang, gwp_set=gwp),
        rowData=[],
        defaultColDef={"sortable": True, "resizable": True},
        getRowId="params.data.code",
        dashGridOptions={
            "theme": common.GRID_THEME,
            "animateRows": False,
            "domLayout": "autoHeight",
            "loadThemeGoogleFonts": False,
            "enableCellTextSelection": True,
        },
        style={"width": "100%"},
    )
    table = common.panel(
        common.text(lang, "下级地区排名", "Sub-region ranking"),
        grid,
        extra=[
            html.Button(
                common.tr("export_csv", lang),
                id=ids.RANK_CSV,
                n_clicks=0,
                className="btn btn-outline-info btn-sm",
            ),
            html.Button(
                common.tr("export_xlsx", lang),
                id=ids.RANK_XLSX,
                n_clicks=0,
                className="btn btn-outline-info btn-sm",
            ),
        ],
    )
    body = [
        common.row(common.col(compare), height="24rem"),
        common.row(common.col(history, 5), common.col(bars, 7), height="26rem"),
        table,
    ]
    crumb = f"{common.tr('crumb_analysis', lang)} / {common.tr('nav_regions', lang)}"
    return common.frame(
        PAGE, PATH, common.tr("nav_regions", lang), crumb, body, params=params, lang=lang
    )
