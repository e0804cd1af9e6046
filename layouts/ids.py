"""Every component id in the app. Kebab-case values, UPPER_CASE names."""

from __future__ import annotations

URL = "url"
PAGE = "page-store"  # static per page load: lang, kiosk, root, view list, timings
FOCUS = "focus-store"  # {"code": "340100", "s": 1.0} the focused region and the screen scale
VERSION = "version-store"  # the data (rollup) version the panels were drawn from
REFRESH = "refresh-interval"
KIOSK = "kiosk-interval"
ALERT = "alert-banner"
FRESHNESS = "freshness-line"

TITLE = "wall-title"
BREADCRUMB = "breadcrumb"
KPIS = "kpi-row"
DETAIL = "detail-card"
TREND = "trend-graph"
MAP = "map-graph"
GAS = "gas-graph"
FORECAST = "forecast-graph"
RANKING = "ranking-tables"
RANKING_TITLE = "ranking-title"  # 下级地区排名, or 本地区构成 for a region without children
RANKING_PERIOD = "ranking-period"
EXPORT_CSV = "export-csv"
EXPORT_XLSX = "export-xlsx"
DOWNLOAD = "download"
LANG_LINK = "lang-link"
ANALYSIS_LINK = "analysis-link"
CONTROLS = "controls"


def crumb(code: str) -> dict[str, str]:
    """Id of one breadcrumb button. In callbacks pass dash.ALL as `code`."""
    return {"type": "crumb", "code": code}


def kpi(metric: str) -> dict[str, str]:
    """Id of one KPI tile."""
    return {"type": "kpi-tile", "metric": metric}


MAP_LEGEND = "map-legend"
NOTICE = "notice-line"  # calm messages about the focus (unknown region code)
PREFETCH = "prefetch-store"  # map layers fetched ahead of a click (browser side only)
MAP_MODE = "map-mode"  # the map's colouring: "intensity" or "target" (target status)
PICK = "pick-store"  # {"park": code, "at": focus code} the park clicked on the map, or None
MAP_MODES = ("intensity", "target", "zero_carbon")  # zero_carbon: parks by zero-carbon status
