"""Callbacks of the gas analysis page (/analysis/gases): region, year, GWP set and mode ->
headline, trend, the year's gas table, gases across sub-regions, and the URL."""

from __future__ import annotations

from dash import Dash, Input, Output, State
from sqlalchemy.orm import Session, sessionmaker

from callbacks.analysis import lang_of, register_pickers, url_outputs, url_values
from datasource import analysis, queries
from layouts import figures_analysis
from layouts import ids_analysis as ids
from layouts.figures import empty
from layouts.pages import analysis as common
from layouts.pages import gases as page
from layouts.settings import ScreenSettings


def register(app: Dash, *, sessions: sessionmaker[Session], settings: ScreenSettings) -> None:
    register_pickers(app, page.PAGE, sessions=sessions, settings=settings)

    @app.callback(
        Output(ids.GAS_TOTAL, "children"),
        Output(ids.GAS_TREND, "figure"),
        Output(ids.GAS_TABLE, "children"),
        Output(ids.GAS_CHILDREN, "figure"),
        *url_outputs(page.PAGE),
        Input(ids.region(page.PAGE), "value"),
        Input(ids.year(page.PAGE), "value"),
        Input(ids.gwp(page.PAGE), "value"),
        Input(ids.GAS_MODE, "value"),
        State(ids.params(page.PAGE), "data"),
    )
    def refresh_gases(code, year, gwp, mode, params):  # noqa: ANN001, ANN202
        lang = lang_of(params)
        state = {"region": code, "year": year, "gwp": gwp, "mode": None if mode == "abs" else mode}
        search, href = url_values(state, page.QUERY_KEYS, lang)
        if not code or not year:
            nothing = empty(common.tr("no_data", lang))
            return common.tr("no_data", lang), nothing, None, nothing, search, href
        with sessions() as session:
            info = queries.region(session, code)
            trend = queries.gas_series(session, region_code=code, gwp_set=gwp)
            gases = queries.by_gas(session, region_code=code, period=year, gwp_set=gwp)
            kids = analysis.children_by_gas(session, parent_code=code, period=year, gwp_set=gwp)
        name = info.name(lang) if info else code
        total = sum(g.co2e for g in gases) if gases else None
        return (
            page.total_line(total, gwp_set=gwp, region=name, year=year, lang=lang),
            figures_analysis.gas_trend(trend, mode=mode, lang=lang),
            page.gas_table(gases, gwp_set=gwp, lang=lang),
            figures_analysis.gas_by_children(kids, mode=mode, lang=lang),
            search,
            href,
        )
