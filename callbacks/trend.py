"""The five-sector trend of the focused region."""

from __future__ import annotations

from dash import Dash, Input, Output, State

from callbacks.common import Deps, lang_of, memo_query, panel, resolve, scale_of
from layouts import figures, ids


def build(deps: Deps, focus, page):  # type: ignore[no-untyped-def]
    code, _info, _known = resolve(deps, focus)
    rows = memo_query(deps, "sector_series", region_code=code, gwp_set=deps.settings.gwp_set)
    return figures.sector_trend(rows, lang=lang_of(page), scale=scale_of(focus), uirevision=code)


def register(app: Dash, deps: Deps) -> None:
    @app.callback(
        Output(ids.TREND, "figure"),
        Input(ids.FOCUS, "data"),
        Input(ids.VERSION, "data"),
        State(ids.PAGE, "data"),
    )
    def refresh_trend(focus, _version, page):
        return panel(deps, "trend", focus, page, build)
