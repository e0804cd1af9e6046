"""Sector analysis (/analysis/sectors, 领域碳排放分析, seed section 5.3): the five sectors' totals
over time for a region; for one sector, its composition by sub-region, by gas and by the next
level of the source tree.

State in the URL query: ?region=&year=&sector=&gwp=. Callbacks: callbacks/analysis_sectors.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import html

from layouts import ids_analysis as ids
from layouts.pages import analysis as common
from layouts.pages.inventory import TABS
from layouts.settings import ScreenSettings

PAGE = "sectors"
PATH = "/analysis/sectors"
QUERY_KEYS = ("region", "year", "sector", "gwp")


def sector_options(lang: str) -> list[tuple[str, str]]:
    return [(code, en if lang == "en" else zh) for code, zh, en in TABS]


def child_totals(rows: Sequence[Any], lang: str = "zh") -> list[tuple[str, float]]:
    """(sub-region name, t CO2e) from analysis.ChildGas rows, summed over gases, in code order."""
    totals: dict[str, float] = {}
    names: dict[str, str] = {}
    for r in rows:
        totals[r.code] = totals.get(r.code, 0.0) + r.co2e
        names[r.code] = r.name_en if lang == "en" else r.name_zh
    return [(names[c], totals[c]) for c in sorted(totals)]


def build(settings: ScreenSettings, params: Mapping[str, str], lang: str = "zh") -> html.Div:
    """The whole /analysis/sectors page; ``params`` are the URL's query values (QUERY_KEYS)."""
    gwp = common.choice(params.get("gwp"), common.GWP_SETS, getattr(settings, "gwp_set", "AR5"))
    sector = common.choice(params.get("sector"), [c for c, _, _ in TABS], "1")
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
        ],
        className="d-flex flex-wrap align-items-center gap-4 mb-2",
    )

    def card(title: str, graph_id: str) -> Any:
        return common.panel(title, common.graph(graph_id, lang), style={"flex": "1 1 0"})

    body = [
        controls,
        common.row(
            common.col(
                card(
                    common.text(lang, "五大领域排放趋势", "Five sectors over time"),
                    ids.SECTOR_TREND,
                )
            ),
            height="22rem",
        ),
        html.Div(
            [
                html.Span(common.text(lang, "领域：", "Sector: "), className="text-secondary"),
                common.radio(ids.SECTOR, sector_options(lang), sector),
                html.Span(id=ids.SECTOR_TITLE, className="ms-auto text-info"),
            ],
            className="d-flex align-items-center gap-2 mb-2",
        ),
        common.row(
            common.col(
                card(common.text(lang, "按区域构成", "By sub-region"), ids.SECTOR_REGIONS), 5
            ),
            common.col(card(common.text(lang, "按气体构成", "By gas"), ids.SECTOR_GASES), 4),
            common.col(card(common.text(lang, "按排放源构成", "By source"), ids.SECTOR_SUBS), 4),
            height="28rem",
        ),
    ]
    crumb = f"{common.tr('crumb_analysis', lang)} / {common.tr('nav_sectors', lang)}"
    return common.frame(
        PAGE, PATH, common.tr("nav_sectors", lang), crumb, body, params=params, lang=lang
    )
