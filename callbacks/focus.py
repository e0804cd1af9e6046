"""The focus: from the URL, a map click, a breadcrumb or the kiosk rotation — all in the
browser (assets/20-wall.js), so a drill-down costs no extra round trip before the panels."""

from __future__ import annotations

from dash import ALL, ClientsideFunction, Dash, Input, Output, State

from layouts import ids


def register(app: Dash) -> None:
    app.clientside_callback(
        ClientsideFunction(namespace="carbonwall", function_name="focus"),
        Output(ids.FOCUS, "data"),
        Output(ids.URL, "search"),
        Input(ids.URL, "search"),
        Input(ids.MAP, "clickData"),
        Input(ids.crumb(ALL), "n_clicks"),
        Input(ids.KIOSK, "n_intervals"),
        State(ids.PAGE, "data"),
        State(ids.FOCUS, "data"),
    )
