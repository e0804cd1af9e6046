"""The six gases' shares of the focused region's CO2e in the latest period."""

from __future__ import annotations

from dash import Dash, Input, Output, State

from callbacks.common import Deps, lang_of, memo_query, panel, period, resolve, scale_of
from layouts import figures, ids
from layouts.i18n import t


def build(deps: Deps, focus, page):  # type: ignore[no-untyped-def]
    lang, scale = lang_of(page), scale_of(focus)
    code, _info, _known = resolve(deps, focus)
    now = period(deps)
    if now is None:
        return figures.empty(t("no_data", lang), scale=scale)
    rows = memo_query(deps, "by_gas", region_code=code, period=now, gwp_set=deps.settings.gwp_set)
    return figures.gas_composition(rows, lang=lang, scale=scale, uirevision=code)


def register(app: Dash, deps: Deps) -> None:
    @app.callback(
        Output(ids.GAS, "figure"),
        Input(ids.FOCUS, "data"),
        Input(ids.VERSION, "data"),
        State(ids.PAGE, "data"),
    )
    def refresh_gas(focus, _version, page):
        return panel(deps, "gas", focus, page, build)
