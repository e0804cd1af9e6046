"""Callbacks of the forecast backtest page (/analysis/forecasts): metric -> each level's
chosen models with their record, and the stored backtest table."""

from __future__ import annotations

from dash import Dash, Input, Output, State
from sqlalchemy.orm import Session, sessionmaker

from callbacks.common import lang_of
from datasource import forecast
from layouts import ids_forecasts as ids
from layouts.pages import forecasts as page
from layouts.settings import ScreenSettings


def register(app: Dash, *, sessions: sessionmaker[Session], settings: ScreenSettings) -> None:
    del settings

    @app.callback(
        Output(ids.FC_SUMMARY, "children"),
        Output(ids.FC_TABLE, "children"),
        Input(ids.FC_METRIC, "value"),
        State(ids.FC_PARAMS, "data"),
    )
    def refresh_backtest(metric, params):  # noqa: ANN001, ANN202
        lang = lang_of(params)
        metric = metric if metric in forecast.METRICS else "co2e"
        with sessions() as session:
            rows = forecast.stored_scores(session, metric=metric)
            plans = forecast.latest_choices(session, metric=metric)
        return page.summary(plans, lang), page.table(rows, lang)
