"""Dash wiring: each panel's register(app, deps); register_all binds them to one app."""

from __future__ import annotations

import logging
import time

from dash import Dash

from callbacks import focus, forecast, gas, geomap, header, ranking, refresh, trend
from callbacks.common import Deps, panel

log = logging.getLogger(__name__)

PANELS = {
    "header": header.build,
    "kpis": header.build_kpis,
    "map": geomap.build,
    "trend": trend.build,
    "gas": gas.build,
    "ranking": ranking.build,
    "forecast": forecast.build,
}


def register_all(app: Dash, deps: Deps) -> None:
    focus.register(app)
    refresh.register(app, deps)
    for module in (header, geomap, trend, gas, ranking, forecast):
        module.register(app, deps)


def warm(deps: Deps, codes: list[str], *, lang: str, scale: float = 1.0) -> None:
    """Build every panel for `codes` into the worker's memo (after the data version moved), so
    the first drill-down into a province is as quick as the second."""
    start = time.perf_counter()
    for code in codes:
        focus_data, page = {"code": code, "s": scale}, {"lang": lang}
        for name, build in PANELS.items():
            panel(deps, name, focus_data, page, build)
    log.info("warmed %d views in %.1f s", len(codes), time.perf_counter() - start)
