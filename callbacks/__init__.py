"""Dash wiring: each panel's register(app, deps); register_all binds them to one app."""

from __future__ import annotations

from dash import Dash

from callbacks import focus, forecast, gas, geomap, header, ranking, refresh, trend
from callbacks.common import Deps


def register_all(app: Dash, deps: Deps) -> None:
    focus.register(app)
    refresh.register(app, deps)
    for panel in (header, geomap, trend, gas, ranking, forecast):
        panel.register(app, deps)
