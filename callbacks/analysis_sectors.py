"""Callbacks of the sector analysis page (/analysis/sectors): region and GWP -> the five
sectors over time; region, year, sector and GWP -> its composition by sub-region, gas, source."""

from __future__ import annotations

from dash import Dash, Input, Output, State
from sqlalchemy.orm import Session, sessionmaker

from callbacks.analysis import lang_of, register_pickers, url_outputs, url_values
from datasource import analysis, queries
from layouts import figures, figures_analysis, theme
from layouts import ids_analysis as ids
from layouts.pages import inventory
from layouts.pages import sectors as page
from layouts.pages.analysis import fmt_wan
from layouts.settings import ScreenSettings

P = page.PAGE


def register(app: Dash, *, sessions: sessionmaker[Session], settings: ScreenSettings) -> None:
    register_pickers(app, P, sessions=sessions, settings=settings)

    @app.callback(
        Output(ids.SECTOR_TREND, "figure"),
        Input(ids.region(P), "value"),
        Input(ids.gwp(P), "value"),
        State(ids.params(P), "data"),
    )
    def refresh_trend(code, gwp, params):  # noqa: ANN001, ANN202
        lang = lang_of(params)
        if not code:
            return figures_analysis.sector_lines([], lang=lang)
        with sessions() as session:
            rows = queries.sector_series(session, region_code=code, gwp_set=gwp)
        return figures_analysis.sector_lines(rows, lang=lang)

    @app.callback(
        Output(ids.SECTOR_REGIONS, "figure"),
        Output(ids.SECTOR_GASES, "figure"),
        Output(ids.SECTOR_SUBS, "figure"),
        Output(ids.SECTOR_TITLE, "children"),
        *url_outputs(P),
        Input(ids.region(P), "value"),
        Input(ids.year(P), "value"),
        Input(ids.SECTOR, "value"),
        Input(ids.gwp(P), "value"),
        State(ids.params(P), "data"),
    )
    def refresh_sector(code, year, sector, gwp, params):  # noqa: ANN001, ANN202
        lang = lang_of(params)
        state = {"region": code, "year": year, "sector": sector, "gwp": gwp}
        search, href = url_values(state, page.QUERY_KEYS, lang)
        colour = theme.SECTOR_COLOURS.get(sector, theme.ACCENT)
        if not code or not year:
            nothing = figures_analysis.bars_by_region([], lang=lang)
            return nothing, nothing, nothing, "", search, href
        with sessions() as session:
            info = queries.region(session, code)
            kids = analysis.children_by_gas(
                session, parent_code=code, period=year, gwp_set=gwp, sector=sector
            )
            gases = queries.by_gas(
                session, region_code=code, period=year, gwp_set=gwp, sector=sector
            )
            subs = queries.by_sector(
                session, region_code=code, period=year, gwp_set=gwp, parent=sector
            )
        name = info.name(lang) if info else code
        total = sum(g.co2e for g in gases)
        if sector == "4":  # a sink: shares of a negative total make no ring
            items = [(figures_analysis.gas_name(g.gas, lang), g.co2e) for g in gases]
            by_gas = figures_analysis.bars_by_region(items, colour=colour, lang=lang)
        else:
            by_gas = figures.gas_composition(gases, lang=lang, wan=True)  # 万吨, as the page
        unit = "10k t CO₂e" if lang == "en" else "万吨CO₂e"
        title = f"{name} · {year} · {inventory.tab_name(sector, lang)} {fmt_wan(total)} {unit}"
        return (
            figures_analysis.bars_by_region(
                page.child_totals(kids, lang), colour=colour, lang=lang
            ),
            by_gas,
            figures_analysis.sub_sectors(subs, colour=colour, lang=lang),
            title,
            search,
            href,
        )
