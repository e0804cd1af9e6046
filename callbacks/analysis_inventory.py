"""Callbacks of the inventory query (/inventory): pickers and 查询 / 重置 -> the applied query;
the applied query and the tab -> the grid, the caption and the URL; 导出 Excel -> the file."""

from __future__ import annotations

import logging

from dash import Dash, Input, Output, State, ctx, dcc, no_update
from sqlalchemy.orm import Session, sessionmaker

from callbacks.common import lang_of
from datasource import queries
from layouts import export
from layouts import ids_analysis as ids
from layouts.pages import analysis as common
from layouts.pages import inventory as page
from layouts.settings import ScreenSettings

log = logging.getLogger(__name__)


def defaults(session: Session, settings: ScreenSettings) -> tuple[str, str | None]:
    """(root region, latest year with data): what 重置 goes back to."""
    return settings.root_region, queries.latest_period(session)


def register(app: Dash, *, sessions: sessionmaker[Session], settings: ScreenSettings) -> None:
    @app.callback(
        Output(ids.INV_REGION, "options"),
        Output(ids.INV_YEAR, "options"),
        Output(ids.INV_REGION, "value"),
        Output(ids.INV_YEAR, "value"),
        Output(ids.INV_APPLIED, "data"),
        Input(ids.params(page.PAGE), "data"),
        Input(ids.INV_QUERY, "n_clicks"),
        Input(ids.INV_RESET, "n_clicks"),
        State(ids.INV_REGION, "value"),
        State(ids.INV_YEAR, "value"),
    )
    def apply_query(params, _query, _reset, region, year):  # noqa: ANN001, ANN202
        if ctx.triggered_id == ids.INV_QUERY:
            return no_update, no_update, no_update, no_update, {"region": region, "year": year}
        with sessions() as session:
            root, latest = defaults(session, settings)
            if ctx.triggered_id == ids.INV_RESET:
                return no_update, no_update, root, latest, {"region": root, "year": latest}
            everything = queries.regions(session)
            years = queries.periods_with_data(session)
        lang = lang_of(params)
        known = {r.code for r in everything}
        region = (params or {}).get("region")
        region = region if region in known else root
        year = (params or {}).get("year")
        year = year if year in years else latest
        return (
            common.region_options(everything, lang),
            [{"label": y, "value": y} for y in reversed(years)],
            region,
            year,
            {"region": region, "year": year},
        )

    @app.callback(
        Output(ids.INV_GRID, "rowData"),
        Output(ids.INV_CAPTION, "children"),
        Output(ids.url(page.PAGE), "search"),
        Output(ids.lang_link(page.PAGE), "href"),
        Input(ids.INV_APPLIED, "data"),
        Input(ids.INV_TABS, "active_tab"),
        State(ids.params(page.PAGE), "data"),
    )
    def refresh_inventory(applied, tab, params):  # noqa: ANN001, ANN202
        lang = lang_of(params)
        applied = applied or {}
        code, year = applied.get("region"), applied.get("year")
        search = common.query_string(
            {"region": code, "year": year, "tab": None if tab == "1" else tab, "lang": lang},
            page.QUERY_KEYS,
        )
        href = common.lang_href(search, lang)
        if not code or not year:
            return [], common.tr("no_data", lang), search, href
        with sessions() as session:
            info = queries.region(session, code)
            inv = queries.inventory(session, region_code=code, period=year, top=tab or "1")
        name = info.name(lang) if info else code
        if inv is None:
            return [], f"{name} · {year} · {common.tr('no_data', lang)}", search, href
        rows = page.table_rows(inv.rows, tab or "1", lang)
        return rows, page.caption(name, year, inv.derived, lang), search, href

    @app.callback(
        Output(ids.download(page.PAGE), "data"),
        Input(ids.INV_EXPORT, "n_clicks"),
        State(ids.INV_APPLIED, "data"),
        State(ids.params(page.PAGE), "data"),
        prevent_initial_call=True,
    )
    def export_inventory(clicks, applied, params):  # noqa: ANN001, ANN202
        code, year = (applied or {}).get("region"), (applied or {}).get("year")
        if not clicks or not code or not year:
            return no_update
        lang = lang_of(params)
        with sessions() as session:
            info = queries.region(session, code)
            inv = queries.inventory(session, region_code=code, period=year)
        if inv is None:
            return no_update
        name = info.name(lang) if info else code
        title = (
            f"Greenhouse gas inventory · {name} · {year}"
            if lang == "en"
            else f"温室气体清单 · {name} · {year}年"
        )
        data = export.inventory_xlsx(inv.rows, title=title, lang=lang, derived=inv.derived)
        return dcc.send_bytes(data, f"ghg-inventory-{code}-{year}.xlsx")
