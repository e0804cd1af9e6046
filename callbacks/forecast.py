"""Emissions and intensity outlook of the focused region (datasource.forecast_simple)."""

from __future__ import annotations

from dash import Dash, Input, Output, State

from callbacks.common import Deps, lang_of, memo_query, resolve, scale_of
from datasource.forecast_simple import log_linear
from layouts import figures, ids

HORIZON_YEARS = 6


def register(app: Dash, deps: Deps) -> None:
    gwp = deps.settings.gwp_set

    @app.callback(
        Output(ids.FORECAST, "figure"),
        Input(ids.FOCUS, "data"),
        Input(ids.VERSION, "data"),
        State(ids.PAGE, "data"),
    )
    def refresh_forecast(focus, _version, page):
        code, _info, _known = resolve(deps, focus)
        history = memo_query(deps, "series", region_code=code, gwp_set=gwp)
        periods = [s.period for s in history]
        emissions = log_linear(periods, [s.co2e for s in history], horizon=HORIZON_YEARS)
        intensity = log_linear(periods, [s.intensity for s in history], horizon=HORIZON_YEARS)
        return figures.forecast(
            history,
            emissions,
            intensity,
            lang=lang_of(page),
            scale=scale_of(focus),
            uirevision=code,
        )
