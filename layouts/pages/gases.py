"""Gas analysis (/analysis/gases, 气体种类分析, seed section 5.3): the six gases' emissions and
shares for a region over time and across its sub-regions, and a GWP switch (SAR/AR4/AR5/AR6)
that every CO₂e figure follows.

State in the URL query: ?region=&year=&gwp=&mode=. Callbacks: callbacks/analysis_gases.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from layouts import figures_analysis
from layouts import ids_analysis as ids
from layouts.pages import analysis as common
from layouts.settings import ScreenSettings

PAGE = "gases"
PATH = "/analysis/gases"
QUERY_KEYS = ("region", "year", "gwp", "mode")
MODES = (("abs", "排放量", "Emissions"), ("share", "结构比例", "Shares"))


def modes(lang: str) -> list[tuple[str, str]]:
    return [(v, en if lang == "en" else zh) for v, zh, en in MODES]


def gas_table(rows: Sequence[Any], *, gwp_set: str, lang: str = "zh") -> dbc.Table:
    """The six gases of one region-year: own unit (万吨, 万吨CO₂e for F-gases), CO₂e under the
    chosen GWP set, share of gross CO₂e; a gas not reported reads "—"; a total line."""
    heads = (
        ["Gas", "Emissions (10k t)", f"CO₂e ({gwp_set}, 10k t)", "Share"]
        if lang == "en"
        else ["气体", "排放量（万吨）", f"二氧化碳当量（{gwp_set}，万吨）", "占比"]
    )
    by = {r.gas: r for r in rows}
    body = []
    for gas in figures_analysis.GAS_ORDER:
        r = by.get(gas)
        name = figures_analysis.gas_name(gas, lang)
        if r is not None and gas in ("HFCs", "PFCs", "SF6"):
            name += " (CO₂e)" if lang == "en" else "（CO₂e）"
        body.append(
            html.Tr(
                [
                    html.Td(name),
                    html.Td(common.fmt_wan(r.value if r else None), className="text-end"),
                    html.Td(common.fmt_wan(r.co2e if r else None), className="text-end"),
                    html.Td(
                        common.fmt_pct(r.share if r else None).lstrip("+"), className="text-end"
                    ),
                ],
                id={"type": "an-gas-row", "gas": gas},
            )
        )
    total = sum(r.co2e for r in rows) if rows else None
    body.append(
        html.Tr(
            [
                html.Td("Total" if lang == "en" else "合计"),
                html.Td(""),
                html.Td(common.fmt_wan(total), className="text-end"),
                html.Td("100.0%" if total else "—", className="text-end"),
            ],
            className="fw-bold",
            style={"color": "#7dd3fc"},
        )
    )
    return dbc.Table(
        [html.Thead(html.Tr([html.Th(h) for h in heads])), html.Tbody(body)],
        size="sm",
        hover=True,
        className="mb-0",
        style={"fontVariantNumeric": "tabular-nums"},
    )


def total_line(total: float | None, *, gwp_set: str, region: str, year: str, lang: str) -> str:
    """The headline: gross CO₂e of the region-year under the GWP set."""
    if lang == "en":
        return f"{region} {year}: {common.fmt_wan(total)} 10k t CO₂e ({gwp_set}, excl. LULUCF)"
    value = common.fmt_wan(total)
    return f"{region} {year}年 温室气体排放 {value} 万吨CO₂e（{gwp_set}，不含林业碳汇）"


def build(settings: ScreenSettings, params: Mapping[str, str], lang: str = "zh") -> html.Div:
    """The whole /analysis/gases page; ``params`` are the URL's query values (QUERY_KEYS)."""
    default_gwp = getattr(settings, "gwp_set", "AR5")
    gwp = common.choice(params.get("gwp"), common.GWP_SETS, default_gwp)
    mode = common.choice(params.get("mode"), [m[0] for m in MODES], "abs")
    controls = html.Div(
        [
            common.labelled(
                common.tr("region", lang),
                common.region_picker(ids.region(PAGE), params.get("region"), lang),
            ),
            common.labelled(
                common.tr("year", lang), common.year_picker(ids.year(PAGE), params.get("year"))
            ),
            common.labelled(common.tr("gwp", lang), common.gwp_radio(PAGE, gwp)),
            common.labelled(
                common.text(lang, "显示", "Show"), common.radio(ids.GAS_MODE, modes(lang), mode)
            ),
        ],
        className="d-flex flex-wrap align-items-center gap-4 mb-2",
    )
    body = [
        controls,
        html.Div(id=ids.GAS_TOTAL, className="mb-2", style={"fontSize": "1.15rem"}),
        common.row(
            common.col(
                common.panel(
                    common.text(lang, "六类气体排放趋势", "Six gases over time"),
                    common.graph(ids.GAS_TREND, lang),
                    style={"flex": "1 1 0"},
                ),
                7,
            ),
            common.col(
                common.panel(
                    common.text(lang, "当年气体构成", "Gases this year"),
                    html.Div(id=ids.GAS_TABLE),
                    style={"flex": "1 1 0"},
                ),
                5,
            ),
            height="26rem",
        ),
        common.row(
            common.col(
                common.panel(
                    common.text(lang, "下级地区气体构成", "Gases across sub-regions"),
                    common.graph(ids.GAS_CHILDREN, lang),
                    style={"flex": "1 1 0"},
                )
            ),
            height="30rem",
        ),
    ]
    crumb = f"{common.tr('crumb_analysis', lang)} / {common.tr('nav_gases', lang)}"
    return common.frame(
        PAGE, PATH, common.tr("nav_gases", lang), crumb, body, params=params, lang=lang
    )
