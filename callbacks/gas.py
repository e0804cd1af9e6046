"""The six gases' shares of the focused region's CO2e in the latest period."""

from __future__ import annotations

from dash import Dash, Input, Output, State

from callbacks.common import Deps, lang_of, panel, scale_of, view
from layouts import figures, ids
from layouts.i18n import t


def build(deps: Deps, focus, page):  # type: ignore[no-untyped-def]
    lang, scale = lang_of(page), scale_of(focus)
    v = view(deps, focus)
    if v.period is None:
        return figures.empty(t("no_data", lang), scale=scale)
    return figures.gas_composition(v.gases, lang=lang, scale=scale, uirevision=v.code)


def register(app: Dash, deps: Deps) -> None:
    @app.callback(
        Output(ids.GAS, "figure"),
        Input(ids.FOCUS, "data"),
        Input(ids.VERSION, "data"),
        State(ids.PAGE, "data"),
    )
    def refresh_gas(focus, _version, page):
        return panel(deps, "gas", focus, page, build)
