"""The parks page (/parks): PDI low-carbon evaluation of industrial parks. Filters (province,
industry, park level), a ranking by total or by one dimension, the selected park's radar
against its industry median, the seed's comparison table and the suggested strategies.

Callbacks live in callbacks/parks.py; this module only builds components from plain data.
State is in the URL query: ?province=&industry=&level=&sort=&park=.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from datasource import pdi
from layouts import theme
from layouts.settings import ScreenSettings

# component ids of the parks page (namespaced "parks-"; the lead may move them to ids.py)
URL = "parks-url"
PARAMS = "parks-params"
PROVINCE = "parks-province"
INDUSTRY = "parks-industry"
LEVEL = "parks-level"
SORT = "parks-sort"
PARK = "parks-park"
COUNT = "parks-count"
GRID = "parks-grid"
BAR = "parks-bar"
RADAR = "parks-radar"
COMPARE = "parks-compare"
STRATEGIES = "parks-strategies"
PARK_TITLE = "parks-park-title"
# the zero-carbon park yardstick of the selected park (issue 21)
ZC_HEAD = "parks-zc-head"
ZC_TABLE = "parks-zc-table"
ZC_TREND = "parks-zc-trend"
ZC_CSV = "parks-zc-csv"
ZC_XLSX = "parks-zc-xlsx"
ZC_DOWNLOAD = "parks-zc-download"

QUERY_KEYS = ("province", "industry", "level", "sort", "park")
SORTS = (("total", "总分"), ("P", "表现力"), ("D", "发展力"), ("I", "影响力"))
LEVEL_NAMES = {"national": "国家级", "provincial": "省级"}
BG = "#07111f"
PANEL = "#0d1b2e"
EDGE = "rgba(56, 189, 248, 0.22)"
# Dash 4's dcc components read these variables: dark dropdowns without a stylesheet of our own
DCC_DARK = {
    "--Dash-Fill-Inverse-Strong": PANEL,
    "--Dash-Text-Primary": "#e2e8f0",
    "--Dash-Text-Strong": "#f8fafc",
    "--Dash-Text-Weak": "#94a3b8",
    "--Dash-Text-Disabled": "#64748b",
    "--Dash-Stroke-Strong": "rgba(56, 189, 248, 0.45)",
    "--Dash-Stroke-Weak": "rgba(56, 189, 248, 0.22)",
    "--Dash-Fill-Interactive-Strong": "#38bdf8",
    "--Dash-Fill-Interactive-Weak": "rgba(56, 189, 248, 0.15)",
    "--Dash-Fill-Primary-Hover": "rgba(56, 189, 248, 0.12)",
    "--Dash-Fill-Primary-Active": "rgba(56, 189, 248, 0.24)",
    "--Dash-Fill-Disabled": "#1e293b",
}
HIGHLIGHT = {"background": "rgba(56, 189, 248, 0.2)", "fontWeight": 700}
GRID_THEME = {
    "function": (
        "themeQuartz.withParams({backgroundColor: '#0d1b2e', foregroundColor: '#e2e8f0', "
        "headerBackgroundColor: '#10243d', headerTextColor: '#7dd3fc', accentColor: '#38bdf8', "
        "borderColor: 'rgba(56, 189, 248, 0.18)', oddRowBackgroundColor: '#0b1828', "
        "browserColorScheme: 'dark', fontFamily: 'inherit', fontSize: 13, "
        "selectedRowBackgroundColor: 'rgba(56, 189, 248, 0.22)'})"
    )
}


def query_string(state: Mapping[str, Any]) -> str:
    """The URL query of the page's state, keys in a fixed order, empty values left out."""
    pairs = [(k, state[k]) for k in QUERY_KEYS if state.get(k) not in (None, "")]
    return "?" + urlencode(pairs) if pairs else ""


def _panel(title: str, body: Any, *, extra: Any = None, grow: bool = False) -> html.Section:
    return html.Section(
        [
            html.Div(
                [
                    html.H2(title, className="parks-panel-title m-0", style={"fontSize": "1.1rem"}),
                    extra,
                ],
                className="parks-panel-head d-flex align-items-center gap-3 mb-2",
            ),
            body,
        ],
        className="parks-panel",
        style={
            "background": PANEL,
            "border": f"1px solid {EDGE}",
            "borderRadius": "6px",
            "padding": "0.6rem 0.8rem",
            "display": "flex",
            "flexDirection": "column",
            "minHeight": 0,
            **({"flex": "1 1 0"} if grow else {}),
        },
    )


def _dropdown(id_: str, value: Any, placeholder: str) -> dcc.Dropdown:
    # the URL's value is an option from the start: Dash 4 drops a value missing from options
    return dcc.Dropdown(
        id=id_,
        options=[{"label": value, "value": value}] if value else [],
        value=value or None,
        placeholder=placeholder,
        clearable=True,
        className="parks-filter",
        style={"minWidth": "11rem"},
    )


COLUMN_DEFS = [
    {"field": "place", "headerName": "名次", "width": 78, "sortable": False},
    {"field": "name_zh", "headerName": "园区", "flex": 2, "minWidth": 170},
    {"field": "province_zh", "headerName": "省份", "width": 110},
    {"field": "industry", "headerName": "产业", "width": 100},
    {"field": "level_zh", "headerName": "级别", "width": 80},
    {"field": "P", "headerName": "表现力", "width": 92, "type": "numericColumn"},
    {"field": "D", "headerName": "发展力", "width": 92, "type": "numericColumn"},
    {"field": "I", "headerName": "影响力", "width": 92, "type": "numericColumn"},
    {
        "field": "total",
        "headerName": "总分",
        "width": 88,
        "type": "numericColumn",
        "cellStyle": {"fontWeight": 700, "color": "#7dd3fc"},
    },
    {"field": "stage_zh", "headerName": "阶段", "width": 116},
]


def grid_rows(parks: Sequence[Mapping[str, Any]], sort: str = "total") -> list[dict[str, Any]]:
    """Grid rows ranked by ``sort`` (total, P, D or I), scores to two decimals."""
    key = "rank" if sort == "total" else f"rank_{sort}"
    ordered = sorted(parks, key=lambda p: (p[key], p["code"]))
    return [
        {
            "code": p["code"],
            "place": p[key],
            "name_zh": p["name_zh"],
            "province_zh": p["province_zh"],
            "industry": p["industry"],
            "level_zh": LEVEL_NAMES.get(p["park_level"] or "", p["park_level"] or ""),
            "P": round(p["P"], 2),
            "D": round(p["D"], 2),
            "I": round(p["I"], 2),
            "total": round(p["total"], 2),
            "stage_zh": pdi.STAGE_NAMES_ZH[p["stage"]],
        }
        for p in ordered
    ]


def comparison_table(
    rows: Sequence[tuple[str, float, float, float, float]],
    weights: Mapping[str, float],
    *,
    highlight: str | None = None,
    median: tuple[str, float, float, float, float] | None = None,
) -> dbc.Table:
    """The seed's table: 园区 / 表现力 (50%) / 发展力 (30%) / 影响力 (20%) / 总分."""
    head = html.Thead(html.Tr([html.Th(h) for h in pdi.comparison_header(weights)]))
    body = []
    for name, p, d, i, total in rows:
        cells = [html.Td(f"— {name}"), *(html.Td(f"{v:.2f}") for v in (p, d, i, total))]
        if name == highlight:
            cells = [html.Td(c.children, style=HIGHLIGHT) for c in cells]
        body.append(html.Tr(cells))
    if median is not None:
        name, p, d, i, total = median
        body.append(
            html.Tr(
                [html.Td(name), *(html.Td(f"{v:.2f}") for v in (p, d, i, total))],
                className="text-warning",
            )
        )
    return dbc.Table([head, html.Tbody(body)], size="sm", hover=True, className="mb-0 parks-table")


ZC_COLUMNS = (
    ("indicator", "指标"),
    ("unit", "单位"),
    ("base", "2025 年（基准）"),
    ("value", "最新值"),
    ("change", "较 2025 年"),
    ("threshold", "阈值"),
    ("met", "达标"),
)
_MET_COLOURS = {"达标": "#22e07a", "未达标": "#ff3b3b"}


def zero_carbon_table(rows: Sequence[Mapping[str, str]]) -> dbc.Table:
    """The six indicators (core first) with their thresholds, verdicts and sources."""
    head = html.Thead(html.Tr([html.Th(h) for _, h in ZC_COLUMNS] + [html.Th("阈值来源")]))
    body = []
    for r in rows:
        cells = [html.Td(r["indicator"])]
        cells += [html.Td(r[k], style={"whiteSpace": "nowrap"}) for k, _ in ZC_COLUMNS[1:-1]]
        colour = _MET_COLOURS.get(r["met"], "#94a3b8")
        cells.append(html.Td(r["met"], style={"color": colour, "whiteSpace": "nowrap"}))
        cells.append(html.Td(r["source"], className="small text-secondary zc-source"))
        body.append(html.Tr(cells, id={"type": "parks-zc-row", "indicator": r["key"]}))
    return dbc.Table([head, html.Tbody(body)], size="sm", className="mb-0 parks-table zc-table")


def zero_carbon_head(status_zh: str, colour: str, summary: str) -> list:
    """The status badge and the 年度 · 年综合能耗 · 分档 line above the table."""
    return [
        html.Span(
            status_zh,
            className="badge zc-status",
            style={"background": colour, "color": "#07111f", "fontSize": "0.95rem"},
        ),
        html.Span(summary, className="ms-2 text-info zc-summary"),
    ]


def _zero_carbon_row(graph_cfg: dict) -> html.Div:
    exports = html.Div(
        [
            dbc.Button("导出 CSV", id=ZC_CSV, size="sm", color="info", outline=True),
            dbc.Button("导出 XLSX", id=ZC_XLSX, size="sm", color="info", outline=True),
            dcc.Download(id=ZC_DOWNLOAD),
        ],
        className="d-flex gap-2 ms-auto",
    )
    return html.Div(
        [
            html.Div(
                _panel(
                    "零碳园区指标（1 项核心指标 + 5 项引导性指标）",
                    html.Div(
                        [html.Div(id=ZC_HEAD, className="mb-2"), html.Div(id=ZC_TABLE)],
                        style={"overflowX": "auto"},
                    ),
                    extra=exports,
                ),
                style={"flex": "8 1 0", "minWidth": 0},
            ),
            html.Div(
                _panel(
                    "单位能耗碳排放：2025 年以来",
                    dcc.Graph(id=ZC_TREND, config=graph_cfg, style={"height": "30vh"}),
                ),
                style={"flex": "4 1 0", "minWidth": 0},
            ),
        ],
        className="d-flex gap-2 mt-2",
    )


def strategy_block(
    strategies: Sequence[Mapping[str, str]], *, weakest: str, stage: str, industry: str | None
) -> html.Div:
    """Strategies grouped by dimension, the weakest first and marked."""
    groups: dict[str, list[Mapping[str, str]]] = {}
    for s in strategies:
        groups.setdefault(s["dimension"], []).append(s)
    blocks = [
        html.Div(
            [
                dbc.Badge(pdi.STAGE_NAMES_ZH[stage], color="info", className="me-2"),
                html.Span(f"{industry or '未分类'}园区 · 最弱维度："),
                html.Strong(pdi.DIMENSION_NAMES_ZH[weakest], className="text-warning"),
            ],
            className="mb-2",
        )
    ]
    for dim, items in groups.items():
        title = pdi.DIMENSION_NAMES_ZH[dim] + ("（优先）" if dim == weakest else "")
        blocks.append(
            html.Div(
                [
                    html.Div(
                        title,
                        className="fw-bold " + ("text-warning" if dim == weakest else "text-info"),
                    ),
                    html.Ul(
                        [html.Li(s["text_zh"], title=s["source"]) for s in items],
                        className="mb-2 ps-3",
                    ),
                ]
            )
        )
    return html.Div(blocks, className="parks-strategies")


def build(settings: ScreenSettings, params: Mapping[str, str], lang: str = "zh") -> html.Div:
    """The whole /parks page; ``params`` are the URL's query values (see QUERY_KEYS)."""
    del settings
    sort = params.get("sort") if params.get("sort") in dict(SORTS) else "total"
    filters = html.Div(
        [
            _dropdown(PROVINCE, params.get("province"), "省份：全部"),
            _dropdown(INDUSTRY, params.get("industry"), "产业：全部"),
            _dropdown(LEVEL, params.get("level"), "园区级别：全部"),
            dbc.RadioItems(
                id=SORT,
                options=[{"label": f"按{n}", "value": v} for v, n in SORTS],
                value=sort,
                inline=True,
                className="ms-2",
            ),
            html.Span(id=COUNT, className="ms-auto text-secondary"),
        ],
        className="d-flex flex-wrap align-items-center gap-2 mb-2",
    )
    grid = dag.AgGrid(
        id=GRID,
        columnDefs=COLUMN_DEFS,
        rowData=[],
        defaultColDef={"sortable": True, "resizable": True},
        dashGridOptions={
            "theme": GRID_THEME,
            "animateRows": False,
            "rowSelection": {
                "mode": "singleRow",
                "checkboxes": False,
                "enableClickSelection": True,
            },
            "loadThemeGoogleFonts": False,
        },
        getRowId="params.data.code",
        style={"height": "100%", "minHeight": "16rem"},
    )
    park_pick = dcc.Dropdown(
        id=PARK,
        options=[{"label": params["park"], "value": params["park"]}] if params.get("park") else [],
        value=params.get("park") or None,
        placeholder="选择园区",
        clearable=False,
        style={"minWidth": "16rem"},
    )
    graph_cfg = {"displayModeBar": False, "locale": "zh-CN" if lang == "zh" else "en"}
    return html.Div(
        [
            dcc.Location(id=URL, refresh=False),
            dcc.Store(id=PARAMS, data={"lang": lang, **dict(params)}),
            html.Header(
                [
                    html.H1(
                        "园区低碳发展评价（PDI 指数）",
                        className="parks-title m-0",
                        style={"fontSize": "1.6rem", "color": "#e0f2fe"},
                    ),
                    html.Span(
                        "表现力 · 发展力 · 影响力 — 德尔菲法赋权", className="text-secondary"
                    ),
                    dcc.Link("返回大屏", href="/", className="ms-auto btn btn-outline-info btn-sm"),
                ],
                className="d-flex align-items-baseline gap-3 mb-2 pb-2",
                style={"borderBottom": f"1px solid {EDGE}"},
            ),
            filters,
            html.Div(
                [
                    html.Div(
                        _panel("园区排名", grid, grow=True),
                        style={"flex": "7 1 0", "display": "flex", "minWidth": 0},
                    ),
                    html.Div(
                        _panel(
                            "前 15 名：加权得分构成",
                            dcc.Graph(id=BAR, config=graph_cfg, style={"height": "100%"}),
                            grow=True,
                        ),
                        style={"flex": "5 1 0", "display": "flex", "minWidth": 0},
                    ),
                ],
                className="d-flex gap-2 mb-2",
                style={"height": "43vh"},
            ),
            html.Div(
                [
                    html.Div(
                        _panel(
                            "园区与行业中位数对比",
                            dcc.Graph(id=RADAR, config=graph_cfg, style={"height": "31vh"}),
                            extra=park_pick,
                        ),
                        style={"flex": "4 1 0", "minWidth": 0},
                    ),
                    html.Div(
                        _panel(
                            "同行业园区对比",
                            html.Div(id=COMPARE),
                            extra=html.Span(id=PARK_TITLE, className="text-info"),
                        ),
                        style={"flex": "4 1 0", "minWidth": 0},
                    ),
                    html.Div(
                        _panel("建议策略", html.Div(id=STRATEGIES)),
                        style={"flex": "4 1 0", "minWidth": 0},
                    ),
                ],
                className="d-flex gap-2",
            ),
            _zero_carbon_row(graph_cfg),
        ],
        className="parks-page",
        style={
            "minHeight": "100%",
            "padding": "0.8rem 1rem",
            "background": BG,
            "color": "#e2e8f0",
            "fontFamily": theme.FONT_FAMILY,
            "fontSize": "14px",
            **DCC_DARK,
        },
        **{"data-bs-theme": "dark"},
    )
