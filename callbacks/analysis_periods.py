"""Callbacks of the period analysis page (/analysis/periods): pickers from the data, then the
picked region and month -> the cards, the seasonal lines, each month's 同比, the days, the
credit line, and the URL."""

from __future__ import annotations

from dash import Dash, Input, Output, State
from sqlalchemy.orm import Session, sessionmaker

from callbacks.analysis import lang_of, url_outputs, url_values
from datasource import queries
from layouts import figures_periods
from layouts import ids_analysis as ids_common
from layouts import ids_periods as ids
from layouts.pages import analysis as common
from layouts.pages import periods as page
from layouts.settings import ScreenSettings

P = page.PAGE


def register(app: Dash, *, sessions: sessionmaker[Session], settings: ScreenSettings) -> None:
    @app.callback(
        Output(ids_common.region(P), "options"),
        Output(ids_common.region(P), "value"),
        Output(ids.MONTH, "options"),
        Output(ids.MONTH, "value"),
        Input(ids_common.params(P), "data"),
    )
    def fill_pickers(params):  # noqa: ANN001, ANN202
        with sessions() as session:
            everything = queries.regions(session)
            months = queries.periods_with_data(session, kind="M")
        known = {r.code for r in everything}
        region, month = (params or {}).get("region"), (params or {}).get("month")
        return (
            common.region_options(everything, lang_of(params)),
            region if region in known else settings.root_region,
            [{"label": m, "value": m} for m in reversed(months)],
            month if month in months else (months[-1] if months else None),
        )

    @app.callback(
        Output(ids.KPIS, "children"),
        Output(ids.SEASONAL, "figure"),
        Output(ids.YOY, "figure"),
        Output(ids.DAYS, "figure"),
        Output(ids.CREDIT, "children"),
        *url_outputs(P),
        Input(ids_common.region(P), "value"),
        Input(ids.MONTH, "value"),
        State(ids_common.params(P), "data"),
    )
    def refresh_periods(code, month, params):  # noqa: ANN001, ANN202
        lang = lang_of(params)
        with sessions() as session:
            rows = queries.series(session, region_code=code, kind="M") if code else []
            picked = next((r for r in rows if r.period == month), None)
            ytd = queries.year_to_date(session, region_code=code, through=month) if picked else None
            year = queries.summary(session, region_code=code, period=month[:4]) if picked else None
            days = queries.series(session, region_code=code, kind="D") if picked else []
        search, href = url_values({"region": code, "month": month}, page.QUERY_KEYS, lang)
        return (
            page.kpi_cards(picked, ytd, year, lang),
            figures_periods.seasonal(rows, lang=lang),
            figures_periods.yoy_bars(rows, year=(month or "")[:4], lang=lang),
            figures_periods.days(days, month=month or "0000-00", lang=lang),
            page.credit(picked.sources if picked else (), lang),
            search,
            href,
        )
