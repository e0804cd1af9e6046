"""Emissions and intensity outlook of the focused region (datasource.forecast_simple)."""

from __future__ import annotations

from dash import Dash, Input, Output, State

from callbacks.common import Deps, lang_of, memo_query, panel, resolve, scale_of
from datasource.forecast_simple import log_linear
from layouts import figures, ids

HORIZON_YEARS = 6


def build(deps: Deps, focus, page):  # type: ignore[no-untyped-def]
    code, _info, _known = resolve(deps, focus)
    history = memo_query(deps, "series", region_code=code, gwp_set=deps.settings.gwp_set)
    periods = [s.period for s in history]
    emissions = log_linear(periods, [s.co2e for s in history], horizon=HORIZON_YEARS)
    intensity = log_linear(periods, [s.intensity for s in history], horizon=HORIZON_YEARS)
    return figures.forecast(
        history, emissions, intensity, lang=lang_of(page), scale=scale_of(focus), uirevision=code
    )


def register(app: Dash, deps: Deps) -> None:
    @app.callback(
        Output(ids.FORECAST, "figure"),
        Input(ids.FOCUS, "data"),
        Input(ids.VERSION, "data"),
        State(ids.PAGE, "data"),
    )
    def refresh_forecast(focus, _version, page):
        return panel(deps, "forecast", focus, page, build)
