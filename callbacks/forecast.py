"""The focused region's outlook: stored forecasts (datasource.forecast, computed after each
rollup, never fitted on a click), last year's forecast beside what happened, and the
intensity target's path (datasource.targets)."""

from __future__ import annotations

from dash import Dash, Input, Output, State

from callbacks.common import Deps, lang_of, memo_query, panel, resolve, scale_of, target_of
from layouts import figures_outlook, ids


def build(deps: Deps, focus, page):  # type: ignore[no-untyped-def]
    code, info, _known = resolve(deps, focus)
    history = memo_query(deps, "series", region_code=code, gwp_set=deps.settings.gwp_set)
    now = {
        m: memo_query(deps, "forecast", region_code=code, metric=m, origin=None)
        for m in ("co2e", "intensity")
    }
    before = {}
    for metric, points in now.items():
        origin = points[0].origin - 1 if points else None
        before[metric] = (
            memo_query(deps, "forecast", region_code=code, metric=metric, origin=origin)
            if origin is not None
            else []
        )
    return figures_outlook.forecast(
        history,
        now["co2e"],
        now["intensity"],
        emissions_prev=before["co2e"],
        intensity_prev=before["intensity"],
        target=target_of(deps, code, info),
        lang=lang_of(page),
        scale=scale_of(focus),
        uirevision=code,
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
