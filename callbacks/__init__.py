"""Dash wiring: register_all binds every wall callback to one app; warm builds panels ahead."""

from __future__ import annotations

import logging
import time

from dash import Dash

from callbacks import focus, geomap, ranking, refresh, wall
from callbacks.common import Deps, memo_query, panel

log = logging.getLogger(__name__)

PANELS = wall.PANELS  # name -> wall.Panel (builder, extra arguments, outputs, calm state)


def register_all(app: Dash, deps: Deps) -> None:
    focus.register(app)
    refresh.register(app, deps)
    wall.register(app, deps)  # the seven panels, one callback
    geomap.register(app, deps)  # the map's browser-side helpers (prefetch, park pick)
    ranking.register(app, deps)  # the ranking's CSV / XLSX export


def warm(deps: Deps, codes: list[str], *, lang: str, scale: float = 1.0) -> None:
    """Build every panel for `codes` into the worker's memo (after the data version moved), so
    the first drill-down into a province is as quick as the second; and read the parks' PDI
    scores once (the park markers of every city need them). The memo keys are the wall
    callback's for a first visit: no park picked, the map coloured by intensity."""
    start = time.perf_counter()
    memo_query(deps, "park_scores")
    for code in codes:
        focus_data, page = {"code": code, "s": scale}, {"lang": lang}
        for name, p in PANELS.items():
            panel(deps, name, focus_data, page, p.build, *p.extra(None, None))
    log.info("warmed %d views in %.1f s", len(codes), time.perf_counter() - start)
