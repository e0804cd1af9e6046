"""The statistics page of the policy library (/policy/stats), as the seed's screen shows it:
tabs 政策文件统计 / 低碳资讯统计, 本月 / 本年 views with a monthly chart, 热门政策TOP5 and
发文机关TOP5, export to CSV and Excel."""

from __future__ import annotations

from collections.abc import Mapping

from dash import dcc, html

from datasource.policy import PolicyStats
from layouts import theme
from layouts.figures_policy import t
from layouts.pages.policy import EDGE, STYLE, header
from layouts.settings import ScreenSettings

PARAMS = "policy-stats-params"
USER = "policy-stats-user"
TAB = "policy-stats-tab"
KIND = "policy-stats-kind"
PERIOD = "policy-stats-period"
SECTION = "policy-stats-section"
KPI = "policy-stats-kpi"
CHART = "policy-stats-chart"
TOP_DOCS = "policy-stats-top-docs"
TOP_AGENCIES = "policy-stats-top-agencies"
EXPORT_CSV = "policy-stats-export-csv"
EXPORT_XLSX = "policy-stats-export-xlsx"
DOWNLOAD = "policy-stats-download"

_TAB = {
    "background": theme.BG,
    "color": theme.MUTED,
    "border": f"1px solid {EDGE}",
    "padding": "8px 18px",
    "fontSize": "16px",
}
_TAB_ON = {
    **_TAB,
    "color": theme.ACCENT,
    "borderTop": f"3px solid {theme.ACCENT}",
    "background": "rgba(56, 189, 248, 0.14)",
    "fontWeight": 700,
}
_SECTION = {
    "fontSize": "18px",
    "fontWeight": 700,
    "margin": "4px 0 10px",
    "borderLeft": f"4px solid {theme.ACCENT}",
    "paddingLeft": "10px",
}
_BAR = {"display": "flex", "alignItems": "center", "gap": "18px", "flexWrap": "wrap"}
_KPI_VALUE = {
    "fontSize": "34px",
    "fontWeight": 700,
    "color": theme.ACCENT,
    "marginLeft": "10px",
    "fontVariantNumeric": "tabular-nums",
}
_ROW = {"display": "grid", "gridTemplateColumns": "1fr 1fr", "gap": "14px"}
_CELL_TITLE = {
    "maxWidth": "0",
    "width": "70%",
    "overflow": "hidden",
    "textOverflow": "ellipsis",
    "whiteSpace": "nowrap",
}


def build(settings: ScreenSettings, params: Mapping[str, str], lang: str = "zh") -> html.Div:
    del settings
    tab = params.get("tab", "policy")
    kind = params.get("kind", "month")
    return html.Div(
        [
            dcc.Store(id=PARAMS, data={"lang": lang, **dict(params)}),
            header("stats", lang, USER),
            html.Div(
                [t("where", lang), html.Span(t("stats", lang), style={"color": theme.TEXT})],
                className="policy-where",
                style={"color": theme.MUTED, "marginBottom": "10px"},
            ),
            dcc.Tabs(
                id=TAB,
                value=tab if tab in ("policy", "news") else "policy",
                children=[
                    dcc.Tab(
                        label=t("tab_policy", lang),
                        value="policy",
                        className="policy-tab",
                        selected_className="policy-tab-on",
                    ),
                    dcc.Tab(
                        label=t("tab_news", lang),
                        value="news",
                        className="policy-tab",
                        selected_className="policy-tab-on",
                    ),
                ],
                className="policy-tabs",
                style={"marginBottom": "12px"},
            ),
            html.Div(
                [
                    html.H3(id=SECTION, className="policy-section", style=_SECTION),
                    html.Div(
                        [
                            dcc.RadioItems(
                                id=KIND,
                                options=[
                                    {"label": t("month", lang), "value": "month"},
                                    {"label": t("year", lang), "value": "year"},
                                ],
                                value=kind if kind in ("month", "year") else "month",
                                inline=True,
                                className="policy-kind",
                                labelStyle={"marginRight": "14px", "fontSize": "16px"},
                                inputStyle={"marginRight": "5px"},
                            ),
                            dcc.Dropdown(
                                id=PERIOD,
                                clearable=False,
                                className="policy-period",
                                style={"width": "140px"},
                            ),
                            html.Div(id=KPI, className="policy-kpi"),
                            html.Div(
                                [
                                    html.Button(
                                        t("export_csv", lang),
                                        id=EXPORT_CSV,
                                        className="btn btn-outline-info btn-sm",
                                    ),
                                    html.Button(
                                        t("export_xlsx", lang),
                                        id=EXPORT_XLSX,
                                        className="btn btn-outline-info btn-sm",
                                    ),
                                    dcc.Download(id=DOWNLOAD),
                                ],
                                className="policy-export",
                                style={"marginLeft": "auto", "display": "flex", "gap": "8px"},
                            ),
                        ],
                        className="policy-stats-bar",
                        style=_BAR,
                    ),
                    dcc.Graph(id=CHART, config={"displayModeBar": False}, className="policy-chart"),
                ],
                className="policy-card",
            ),
            html.Div(
                [
                    html.Div(
                        [
                            html.H3(
                                t("top_docs", lang), className="policy-section", style=_SECTION
                            ),
                            html.Div(id=TOP_DOCS),
                        ],
                        className="policy-card policy-half",
                        style=STYLE["card"],
                    ),
                    html.Div(
                        [
                            html.H3(
                                t("top_agencies", lang), className="policy-section", style=_SECTION
                            ),
                            html.Div(id=TOP_AGENCIES),
                        ],
                        className="policy-card policy-half",
                        style=STYLE["card"],
                    ),
                ],
                className="policy-row",
                style=_ROW,
            ),
        ],
        className="policy-page",
        style=STYLE["page"],
        **{"data-bs-theme": "dark"},
    )


def kpi(stats: PolicyStats, lang: str = "zh") -> list[object]:
    """“2022-05 浏览量 620”: the period and its views."""
    return [
        html.Span(
            stats.period,
            className="policy-kpi-period",
            style={"fontSize": "18px", "marginRight": "10px"},
        ),
        html.Span(t("views", lang), className="policy-kpi-label", style={"color": theme.MUTED}),
        html.Span(f"{stats.views:,}", className="policy-kpi-value", style=_KPI_VALUE),
    ]


def _table(
    head: list[str],
    rows: list[list[object]],
    *,
    href_col: int | None = None,
    links: list[str] | None = None,
) -> html.Table:
    body = []
    for i, row in enumerate(rows):
        cells = []
        for j, value in enumerate(row):
            content: object = value
            if href_col == j and links:
                content = dcc.Link(str(value), href=links[i], title=str(value))
            cells.append(html.Td(content, style=_CELL_TITLE if j == 1 else None))
        body.append(html.Tr(cells))
    return html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)],
        className="table table-dark table-sm policy-table",
    )


def top_documents(stats: PolicyStats, lang: str = "zh") -> html.Table:
    rows = [[d.rank, d.title, f"{d.views:,}"] for d in stats.top_documents]
    links = [f"/policy?doc={d.document_id}" for d in stats.top_documents]
    head = [t("rank", lang), t("doc_title", lang), t("doc_views", lang)]
    return _table(head, rows, href_col=1, links=links)


def top_agencies(stats: PolicyStats, lang: str = "zh") -> html.Table:
    rows = [[a.rank, a.agency, f"{a.documents:,}"] for a in stats.top_agencies]
    return _table([t("rank", lang), t("agency", lang), t("doc_count", lang)], rows)
