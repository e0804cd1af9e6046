"""The GHG inventory query screen (/inventory, 温室气体清单数据查询, seed section 5.2):
region and year pickers with 查询 and 重置, one tab per sector, the sector's source tree with the
seed's numbering and subtotals, six gas columns in 万吨 / 万吨CO₂e, "—" where not reported.

State in the URL query: ?region=340000&year=2022&tab=1. Callbacks: callbacks/analysis_inventory.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids_analysis as ids
from layouts.pages import analysis as common
from layouts.settings import ScreenSettings

PAGE = "inventory"
PATH = "/inventory"
QUERY_KEYS = ("region", "year", "tab")
# the seed's tab order (the guideline's: LULUCF last), by top-level sector code
TABS = (
    ("1", "能源活动", "Energy"),
    ("2", "工业生产过程", "Industrial processes"),
    ("3", "农业活动", "Agriculture"),
    ("5", "废弃物处理", "Waste"),
    ("4", "土地利用变化与林业", "LULUCF"),
)
GASES = ("CO2", "CH4", "N2O", "HFCs", "PFCs", "SF6")
# the seed's column heads: three gases in their own mass, the fluorinated ones as CO2e
COLUMNS = {
    "CO2": ("二氧化碳(万吨)", "CO₂ (10k t)"),
    "CH4": ("甲烷(万吨)", "CH₄ (10k t)"),
    "N2O": ("氧化亚氮(万吨)", "N₂O (10k t)"),
    "HFCs": ("氢氟碳化物(万吨CO₂e)", "HFCs (10k t CO₂e)"),
    "PFCs": ("全氟化碳(万吨CO₂e)", "PFCs (10k t CO₂e)"),
    "SF6": ("六氟化硫(万吨CO₂e)", "SF₆ (10k t CO₂e)"),
}


def tab_name(top: str, lang: str = "zh") -> str:
    for code, zh, en in TABS:
        if code == top:
            return en if lang == "en" else zh
    raise ValueError(f"unknown sector tab {top!r}")


def seed_label(sector_code: str, label: str, depth: int, lang: str = "zh") -> str:
    """The row label as the seed numbers it inside a tab: "能源活动", "1.化石燃料燃烧",
    "1.1能源工业", "1.1.1电力生产". queries.inventory gives "1化石燃料燃烧" for the first level
    (no dot after a single number), so the dot is put back here."""
    if depth == 0:
        return label
    number = sector_code.split(".", 1)[1]
    name = label[len(number) :] if label.startswith(number) else label
    if depth == 1:
        number += "."
    return f"{number} {name}" if lang == "en" else number + name


def table_rows(rows: Sequence[Any], top: str, lang: str = "zh") -> list[dict[str, Any]]:
    """The grid rows of one tab: label, depth, leaf flag and each gas in 万吨 as text
    ("—" for not reported; a reported zero is "0.00")."""
    out = []
    for r in rows:
        if r.sector_code.split(".")[0] != top:
            continue
        label = r.label_en if lang == "en" else r.label_zh
        item: dict[str, Any] = {
            "code": r.sector_code,
            "label": seed_label(r.sector_code, label, r.depth, lang),
            "depth": r.depth,
            "leaf": r.is_leaf,
        }
        for gas in GASES:
            item[gas] = common.fmt_wan(r.values.get(gas))
        out.append(item)
    return out


def column_defs(lang: str = "zh") -> list[dict[str, Any]]:
    indent = "({'paddingLeft': (0.6 + 1.3 * params.data.depth) + 'em'})"
    cols: list[dict[str, Any]] = [
        {
            "field": "label",
            "headerName": common.tr("source", lang),
            "flex": 4 if lang == "en" else 3,
            "minWidth": 340 if lang == "en" else 260,
            "pinned": "left",
            "cellStyle": {"function": indent},
        }
    ]
    for gas in GASES:
        zh, en = COLUMNS[gas]
        cols.append(
            {
                "field": gas,
                "headerName": en if lang == "en" else zh,
                "flex": 1,
                "minWidth": 150,
                "type": "rightAligned",
                "cellStyle": {"fontVariantNumeric": "tabular-nums"},
            }
        )
    return cols


ROW_STYLE = {
    "styleConditions": [
        {
            "condition": "params.data.depth === 0",
            "style": {"fontWeight": 700, "color": "#7dd3fc", "background": "#10243d"},
        },
        {"condition": "!params.data.leaf", "style": {"fontWeight": 600}},
    ]
}


def grid(lang: str) -> dag.AgGrid:
    return dag.AgGrid(
        id=ids.INV_GRID,
        columnDefs=column_defs(lang),
        rowData=[],
        defaultColDef={"sortable": False, "resizable": True, "suppressMovable": True},
        getRowId="params.data.code",
        getRowStyle=ROW_STYLE,
        dashGridOptions={
            "theme": common.GRID_THEME,
            "animateRows": False,
            "domLayout": "autoHeight",
            "loadThemeGoogleFonts": False,
            "suppressCellFocus": True,
            "enableCellTextSelection": True,
        },
        style={"width": "100%"},
    )


def caption(region_name: str, year: str, derived: bool, lang: str = "zh") -> str:
    base = (
        f"{region_name} · {year}"
        if lang == "en"
        else f"{region_name} · {year}年 · 单位：万吨（氢氟碳化物、全氟化碳、六氟化硫为万吨CO₂e）"
    )
    note = [common.tr("unreported", lang)]
    if derived:
        note.insert(0, common.tr("derived", lang))
    return base + " · " + "；".join(note) if lang == "zh" else base + " · " + "; ".join(note)


def build(settings: ScreenSettings, params: Mapping[str, str], lang: str = "zh") -> html.Div:
    """The whole /inventory page; ``params`` are the URL's query values (QUERY_KEYS)."""
    del settings  # defaults (root region, latest year) are resolved by the callbacks
    tab = common.choice(params.get("tab"), [c for c, _, _ in TABS], "1")
    pickers = html.Div(
        [
            common.labelled(
                common.tr("region", lang),
                common.region_picker(ids.INV_REGION, params.get("region"), lang, width="18rem"),
            ),
            common.labelled(
                common.tr("year", lang), common.year_picker(ids.INV_YEAR, params.get("year"))
            ),
            html.Button(
                common.tr("query", lang), id=ids.INV_QUERY, n_clicks=0, className="btn btn-info"
            ),
            html.Button(
                common.tr("reset", lang),
                id=ids.INV_RESET,
                n_clicks=0,
                className="btn btn-outline-secondary",
            ),
            html.Button(
                common.tr("export_xlsx", lang),
                id=ids.INV_EXPORT,
                n_clicks=0,
                className="btn btn-outline-info ms-auto",
            ),
        ],
        className="d-flex flex-wrap align-items-center gap-3 mb-2",
    )
    tabs = dbc.Tabs(
        [dbc.Tab(label=en if lang == "en" else zh, tab_id=code) for code, zh, en in TABS],
        id=ids.INV_TABS,
        active_tab=tab,
        className="mb-0",
    )
    body = common.panel(
        None,
        html.Div(
            [
                pickers,
                html.Div(id=ids.INV_CAPTION, className="text-secondary mb-2"),
                tabs,
                grid(lang),
            ]
        ),
    )
    crumb = (
        f"{common.tr('crumb_data', lang)} / {common.tr('nav_inventory', lang)}"
        if lang == "zh"
        else "Data / GHG inventory"
    )
    return common.frame(
        PAGE,
        PATH,
        common.tr("nav_inventory", lang),
        crumb,
        [dcc.Store(id=ids.INV_APPLIED), body],
        params=params,
        lang=lang,
    )
