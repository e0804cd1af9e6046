"""What the analysis pages share: their screen text (zh/en), the navigation bar, the page
frame, the pickers, the URL query of a page's state and the region picker's options.

Each page (regions, sectors, gases, inventory) is its own module with
``build(settings, params, lang) -> component``; ``PAGES`` maps their paths to them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids_analysis as ids
from layouts import theme

EDGE = "rgba(56, 189, 248, 0.22)"
GWP_SETS = ("SAR", "AR4", "AR5", "AR6")
LEVELS = {
    "country": ("全国", "country"),
    "province": ("省", "province"),
    "city": ("市", "city"),
    "county": ("区县", "county"),
    "park": ("园区", "park"),
}

TEXT: dict[str, tuple[str, str]] = {
    "nav_wall": ("态势大屏", "Wall"),
    "nav_regions": ("区域碳排放分析", "Regions"),
    "nav_sectors": ("领域碳排放分析", "Sectors"),
    "nav_gases": ("气体种类分析", "Gases"),
    "nav_inventory": ("温室气体清单数据查询", "GHG inventory"),
    "nav_parks": ("园区低碳评价", "Parks (PDI)"),
    "nav_policy": ("双碳政策库", "Policy library"),
    "nav_policy_stats": ("政策统计", "Policy statistics"),
    "nav_data": ("数据资源池", "Data pool"),
    "nav_forecasts": ("预测回测", "Forecast backtest"),
    "lang_switch": ("English", "中文"),
    "crumb_analysis": ("碳排放综合分析", "Emissions analysis"),
    "crumb_data": ("数据管理", "Data"),
    "region": ("区域", "Region"),
    "year": ("年份", "Year"),
    "gwp": ("GWP 值", "GWP set"),
    "query": ("查询", "Query"),
    "reset": ("重置", "Reset"),
    "export_csv": ("导出 CSV", "Export CSV"),
    "export_xlsx": ("导出 Excel", "Export Excel"),
    "no_data": ("暂无数据", "No data"),
    "pick_region": ("选择区域", "Pick a region"),
    "pick_regions": ("选择要对比的区域（可多选）", "Regions to compare"),
    "emissions": ("排放量", "Emissions"),
    "intensity": ("碳排放强度", "Carbon intensity"),
    "intensity_change": ("强度变化", "Intensity change"),
    "unit_wan": ("万吨CO₂e", "10k t CO₂e"),
    "unit_intensity": ("吨/万元", "t/10k CNY"),
    "derived": ("由下级地区汇总", "sum of sub-regions"),
    "source": ("排放源", "Source"),
    "unreported": ("“—”表示未报告", "“—” = not reported"),
}


def tr(key: str, lang: str = "zh", **kwargs: object) -> str:
    """The screen text for ``key`` in ``lang``, {placeholders} filled."""
    zh, en = TEXT[key]
    text = en if lang == "en" else zh
    return text.format(**kwargs) if kwargs else text


def text(lang: str, zh: str, en: str) -> str:
    """A page's own short text in one language."""
    return en if lang == "en" else zh


# --------------------------------------------------------------------------- numbers


def is_missing(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def wan(tonnes: float | None) -> float | None:
    """Tonnes in 万吨 (10^4 t)."""
    return None if is_missing(tonnes) else tonnes / 1e4


def fmt_wan(tonnes: float | None, digits: int = 2) -> str:
    """A mass in 万吨 with two decimals (the seed's format); "—" when not reported. A non-zero
    value below 0.01 keeps two significant digits (up to six decimals): 12 t is "0.0012"."""
    value = wan(tonnes)
    if value is None:
        return "—"
    if value != 0 and abs(value) < 10**-digits:
        digits = min(6, 1 - math.floor(math.log10(abs(value))))
    return f"{value:,.{digits}f}".replace("-", "−")


def fmt_pct(fraction: float | None, digits: int = 1) -> str:
    if is_missing(fraction):
        return "—"
    sign = "+" if fraction > 0 else ("−" if fraction < 0 else "±")
    return f"{sign}{abs(fraction) * 100:.{digits}f}%"


def fmt_intensity(value: float | None) -> str:
    if is_missing(value):
        return "—"
    return f"{value:,.3f}"


# --------------------------------------------------------------------------- URL state


def query_string(state: Mapping[str, Any], keys: Sequence[str]) -> str:
    """The URL query of a page's state: ``keys`` in order, empty values left out, lists joined
    with commas, ``lang`` kept only when English."""
    pairs = []
    for key in keys:
        value = state.get(key)
        if isinstance(value, list | tuple):
            value = ",".join(str(v) for v in value)
        if value not in (None, ""):
            pairs.append((key, value))
    if state.get("lang") == "en":
        pairs.append(("lang", "en"))
    return "?" + urlencode(pairs, safe=",") if pairs else ""


def lang_href(search: str | None, lang: str) -> str:
    """The language switch: the same query with lang flipped."""
    from urllib.parse import parse_qsl

    pairs = [(k, v) for k, v in parse_qsl((search or "").lstrip("?")) if k != "lang"]
    if lang != "en":
        pairs.append(("lang", "en"))
    return "?" + urlencode(pairs, safe=",") if pairs else "?lang=zh"


def codes(value: str | None, limit: int = 8) -> list[str]:
    """A comma-separated list of region codes from the URL (at most ``limit``)."""
    found = [c.strip() for c in (value or "").split(",") if c.strip()]
    return list(dict.fromkeys(found))[:limit]


def choice(value: str | None, allowed: Sequence[str], default: str) -> str:
    return value if value in allowed else default


# --------------------------------------------------------------------------- regions


def region_options(regions: Sequence[Any], lang: str = "zh") -> list[dict[str, str]]:
    """Dropdown options for every region: "合肥市 · 安徽省" (name, then the parent's name, so a
    search by either finds it), in code order; parks last and marked."""
    names = {r.code: (r.name_en if lang == "en" else r.name_zh) for r in regions}
    admin = [r for r in regions if r.level != "park"]
    parks = [r for r in regions if r.level == "park"]
    options = []
    for r in [*admin, *parks]:
        label = names[r.code]
        parent = names.get(r.parent_code or "")
        if parent and r.level not in ("country", "province"):
            label = f"{label} · {parent}"
        if r.level == "park":
            label = f"{label}（{LEVELS['park'][1 if lang == 'en' else 0]}）"
        options.append({"label": label, "value": r.code})
    return options


def known_option(value: str | None) -> list[dict[str, str]]:
    """The URL's value as an option from the start: Dash 4 drops a value missing from options."""
    return [{"label": value, "value": value}] if value else []


# --------------------------------------------------------------------------- components

# Dash 4's dcc components read these variables: dark dropdowns without a stylesheet of our own
DCC_DARK = {
    "--Dash-Fill-Inverse-Strong": theme.PANEL,
    "--Dash-Text-Primary": theme.TEXT,
    "--Dash-Text-Strong": "#f8fafc",
    "--Dash-Text-Weak": theme.MUTED,
    "--Dash-Text-Disabled": "#64748b",
    "--Dash-Stroke-Strong": "rgba(56, 189, 248, 0.45)",
    "--Dash-Stroke-Weak": EDGE,
    "--Dash-Fill-Interactive-Strong": theme.ACCENT,
    "--Dash-Fill-Interactive-Weak": "rgba(56, 189, 248, 0.15)",
    "--Dash-Fill-Primary-Hover": "rgba(56, 189, 248, 0.12)",
    "--Dash-Fill-Primary-Active": "rgba(56, 189, 248, 0.24)",
    "--Dash-Fill-Disabled": "#1e293b",
}
GRID_THEME = {
    "function": (
        "themeQuartz.withParams({backgroundColor: '#0d1b2e', foregroundColor: '#e2e8f0', "
        "headerBackgroundColor: '#10243d', headerTextColor: '#7dd3fc', accentColor: '#38bdf8', "
        "borderColor: 'rgba(56, 189, 248, 0.18)', oddRowBackgroundColor: '#0b1828', "
        "browserColorScheme: 'dark', fontFamily: 'inherit', fontSize: 14, "
        "selectedRowBackgroundColor: 'rgba(56, 189, 248, 0.22)'})"
    )
}
NAV = (
    ("/", "nav_wall"),
    ("/analysis/regions", "nav_regions"),
    ("/analysis/sectors", "nav_sectors"),
    ("/analysis/gases", "nav_gases"),
    ("/inventory", "nav_inventory"),
    ("/analysis/forecasts", "nav_forecasts"),
    ("/parks", "nav_parks"),
    ("/policy", "nav_policy"),
    ("/policy/stats", "nav_policy_stats"),
    ("/data", "nav_data"),
)


def graph_config(lang: str, *, filename: str = "carbonwall") -> dict[str, Any]:
    config: dict[str, Any] = {
        "displaylogo": False,
        "responsive": True,
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
        "toImageButtonOptions": {"filename": filename},
    }
    if lang == "zh":
        config["locale"] = "zh-CN"
    return config


def graph(id_: str, lang: str, height: str = "100%") -> dcc.Graph:
    return dcc.Graph(id=id_, config=graph_config(lang), style={"height": height})


def nav_bar(path: str, lang: str, page: str) -> html.Nav:
    """Links to the wall and every analysis page; the current one highlighted."""
    suffix = "?lang=en" if lang == "en" else ""
    links = [
        dcc.Link(
            tr(key, lang),
            href=href + suffix,
            refresh=True,  # each page is its own document: the app routes by the page's address
            id=ids.nav(href),
            className="nav-link px-3 py-1" + (" active" if href == path else ""),
            style={
                "color": theme.ACCENT if href == path else theme.TEXT,
                "borderBottom": f"2px solid {theme.ACCENT if href == path else 'transparent'}",
            },
        )
        for href, key in NAV
    ]
    links.append(
        html.A(
            tr("lang_switch", lang),
            id=ids.lang_link(page),
            href="?lang=zh" if lang == "en" else "?lang=en",
            className="btn btn-outline-info btn-sm ms-auto",
        )
    )
    return html.Nav(
        links,
        className="d-flex align-items-center gap-1 mb-2 pb-1",
        style={"borderBottom": f"1px solid {EDGE}"},
    )


def panel(title: Any, body: Any, *, extra: Any = None, style: Mapping[str, Any] | None = None):
    """A dark card with a title row (and controls on its right)."""
    head = []
    if title is not None:
        head.append(
            html.H2(title, className="m-0", style={"fontSize": "1.05rem", "color": "#e0f2fe"})
        )
    if extra is not None:
        head.append(html.Div(extra, className="ms-auto d-flex align-items-center gap-2"))
    top = [html.Div(head, className="d-flex align-items-center gap-3 mb-2")] if head else []
    return html.Section(
        [*top, body],
        style={
            "background": theme.PANEL,
            "border": f"1px solid {EDGE}",
            "borderRadius": "6px",
            "padding": "0.6rem 0.8rem",
            "display": "flex",
            "flexDirection": "column",
            "minWidth": 0,
            "minHeight": 0,
            **(style or {}),
        },
    )


def labelled(label: str, control: Any) -> html.Div:
    sep = ": " if label.isascii() else "："
    return html.Div(
        [html.Span(label + sep, className="text-secondary text-nowrap"), control],
        className="d-flex align-items-center gap-1",
    )


def region_picker(id_: str, value: str | None, lang: str, *, multi: bool = False, width="16rem"):
    values = codes(value) if multi else value
    options = [{"label": c, "value": c} for c in values] if multi else known_option(value)
    return dcc.Dropdown(
        id=id_,
        options=options,
        value=values or ([] if multi else None),
        multi=multi,
        clearable=multi,
        searchable=True,
        placeholder=tr("pick_regions" if multi else "pick_region", lang),
        style={"minWidth": width},
    )


def year_picker(id_: str, value: str | None, width: str = "7rem") -> dcc.Dropdown:
    return dcc.Dropdown(
        id=id_,
        options=known_option(value),
        value=value,
        clearable=False,
        searchable=False,
        style={"minWidth": width},
    )


def radio(id_: str, options: Sequence[tuple[str, str]], value: str) -> dbc.RadioItems:
    return dbc.RadioItems(
        id=id_,
        options=[{"label": label, "value": v} for v, label in options],
        value=value,
        inline=True,
        className="m-0",
        inputClassName="me-1",
    )


def gwp_radio(page: str, value: str) -> dbc.RadioItems:
    return radio(ids.gwp(page), [(g, g) for g in GWP_SETS], value)


def frame(
    page: str,
    path: str,
    title: str,
    crumb: str,
    body: Sequence[Any],
    *,
    params: Mapping[str, Any],
    lang: str,
) -> html.Div:
    """The page: location and stores, navigation, title with breadcrumb, alert line, body."""
    return html.Div(
        [
            dcc.Location(id=ids.url(page), refresh=False),
            dcc.Store(id=ids.params(page), data={"lang": lang, **dict(params)}),
            dcc.Download(id=ids.download(page)),
            nav_bar(path, lang, page),
            html.Header(
                [
                    html.H1(
                        title, className="m-0", style={"fontSize": "1.5rem", "color": "#e0f2fe"}
                    ),
                    html.Span(crumb, className="text-secondary"),
                ],
                className="d-flex align-items-baseline gap-3 mb-2",
            ),
            *body,
        ],
        className="analysis-page",
        lang="en" if lang == "en" else "zh-CN",
        style={
            "minHeight": "100%",
            "padding": "0.6rem 1rem 1rem",
            "background": theme.BG,
            "color": theme.TEXT,
            "fontFamily": theme.FONT_FAMILY,
            "fontSize": "14px",
            **DCC_DARK,
        },
        **{"data-bs-theme": "dark"},
    )


def row(*children: Any, height: str | None = None, gap: str = "0.5rem") -> html.Div:
    return html.Div(
        list(children),
        className="d-flex mb-2",
        style={"gap": gap, **({"height": height} if height else {})},
    )


def col(child: Any, flex: int = 1) -> html.Div:
    return html.Div(child, style={"flex": f"{flex} 1 0", "display": "flex", "minWidth": 0})


def pages() -> dict[str, Callable[..., Any]]:
    """Path -> build(settings, params, lang) of every analysis page (for the lead's router)."""
    from layouts.pages import forecasts, gases, inventory, regions, sectors

    return {
        "/analysis/regions": regions.build,
        "/analysis/sectors": sectors.build,
        "/analysis/gases": gases.build,
        "/inventory": inventory.build,
        "/analysis/forecasts": forecasts.build,
    }
