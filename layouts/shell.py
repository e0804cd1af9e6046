"""The wall's page: one full-screen grid of panels, built fresh for every page load."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from layouts import ids, panels
from layouts.i18n import t
from layouts.settings import ScreenSettings

GRAPH_CONFIG: dict[str, Any] = {
    "displayModeBar": False,
    "responsive": True,
    "scrollZoom": False,
    "doubleClick": False,
    # the geo subplot's base topology from our own server, never from Plotly's CDN
    "topojsonURL": "/geo/topojson/",
}


def graph_config(lang: str) -> dict[str, Any]:
    config = dict(GRAPH_CONFIG)
    if lang == "zh":
        config["locale"] = "zh-CN"
    return config


def page_data(settings: ScreenSettings, *, lang: str, kiosk: bool) -> dict[str, Any]:
    """What the browser-side callbacks need to know about this page (static per load)."""
    return {
        "lang": lang,
        "kiosk": kiosk,
        "root": settings.root_region,
        "views": [settings.root_region, *settings.kiosk_view_list],
        "resume_ms": settings.kiosk_resume_seconds * 1000,
    }


def _panel(
    cls: str, title: str, *body: Any, extra: Any = None, title_id: str | None = None
) -> html.Section:
    head = [
        html.H2(title, className="panel-title", id=title_id)
        if title_id
        else html.H2(title, className="panel-title")
    ]
    if extra is not None:
        head.append(extra)
    return html.Section([html.Div(head, className="panel-head"), *body], className=f"panel {cls}")


def _graph(graph_id: str, lang: str) -> dcc.Graph:
    return dcc.Graph(
        id=graph_id, config=graph_config(lang), className="graph", style={"height": "100%"}
    )


def build(
    settings: ScreenSettings,
    *,
    lang: str = "zh",
    kiosk: bool = False,
    version: int | None = None,
    freshness: str = "",
) -> html.Div:
    """The whole page. `lang` and `kiosk` come from the page's query string; `version` is the
    data version the panels will be drawn from (so the first refresh tick is a no-op)."""
    controls = html.Div(
        [
            html.Button(t("export_csv", lang), id=ids.EXPORT_CSV, className="btn-wall", n_clicks=0),
            html.Button(
                t("export_xlsx", lang), id=ids.EXPORT_XLSX, className="btn-wall", n_clicks=0
            ),
            html.A(
                t("nav_analysis", lang),
                id=ids.ANALYSIS_LINK,
                className="btn-wall",
                href="/analysis/regions" + ("?lang=en" if lang == "en" else ""),
            ),
            html.A(
                t("lang_switch", lang),
                id=ids.LANG_LINK,
                className="btn-wall",
                href="?lang=zh" if lang == "en" else "?lang=en",
            ),
        ],
        id=ids.CONTROLS,
        className="controls",
    )
    return html.Div(
        [
            html.Div(
                [
                    dcc.Location(id=ids.URL, refresh="callback-nav"),
                    dcc.Store(id=ids.PAGE, data=page_data(settings, lang=lang, kiosk=kiosk)),
                    dcc.Store(id=ids.FOCUS),
                    dcc.Store(id=ids.PICK),
                    dcc.Store(id=ids.VERSION, data=version),
                    dcc.Store(id=ids.PREFETCH),
                    dcc.Interval(id=ids.REFRESH, interval=settings.refresh_seconds * 1000),
                    dcc.Interval(
                        id=ids.KIOSK,
                        interval=settings.kiosk_dwell_seconds * 1000,
                        disabled=not kiosk,
                    ),
                    dcc.Download(id=ids.DOWNLOAD),
                ],
                style={"display": "none"},
            ),
            html.Header(
                [
                    html.H1(t("title", lang), id=ids.TITLE, className="wall-title"),
                    html.Nav(id=ids.BREADCRUMB, className="breadcrumbs"),
                    html.Div(freshness, id=ids.FRESHNESS, className="freshness"),
                    controls,
                ],
                className="wall-header",
            ),
            html.Div(id=ids.ALERT, className="alert-line", role="status"),
            html.Div(id=ids.NOTICE, className="alert-line", role="status"),
            html.Section(id=ids.KPIS, className="kpis"),
            html.Main(
                [
                    _panel("p-trend", t("panel_trend", lang), _graph(ids.TREND, lang)),
                    _panel("p-gas", t("panel_gas", lang), _graph(ids.GAS, lang)),
                    _panel(
                        "p-map",
                        t("panel_map", lang),
                        _graph(ids.MAP, lang),
                        html.Div(id=ids.DETAIL, className="detail-card"),
                        extra=html.Div(
                            [
                                html.Div(id=ids.MAP_LEGEND, className="map-legend"),
                                dcc.RadioItems(
                                    id=ids.MAP_MODE,
                                    options=[
                                        {"label": t(f"map_mode_{m}", lang), "value": m}
                                        for m in ids.MAP_MODES
                                    ],
                                    value=ids.MAP_MODES[0],
                                    inline=True,
                                    className="map-mode",
                                    inputClassName="map-mode-input",
                                    labelClassName="map-mode-label",
                                ),
                            ],
                            className="map-head-extra",
                        ),
                    ),
                    _panel(
                        "p-rank",
                        t("panel_rank", lang),
                        html.Div(id=ids.RANKING, className="rank-grid"),
                        title_id=ids.RANKING_TITLE,
                    ),
                    _panel(
                        "p-forecast",
                        t("panel_forecast", lang),
                        _graph(ids.FORECAST, lang),
                        extra=panels.forecast_key(lang),
                    ),
                ],
                className="wall-grid",
            ),
        ],
        className="wall kiosk" if kiosk else "wall",
        lang="en" if lang == "en" else "zh-CN",
    )
