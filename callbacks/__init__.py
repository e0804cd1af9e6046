"""Dash wiring: each panel's register(app, deps); register_all binds them to one app."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from dash import Dash

from callbacks import focus, forecast, gas, geomap, header, ranking, refresh, trend
from callbacks.common import Deps, memo_query, panel, policy_window

log = logging.getLogger(__name__)

# name -> (build, the extra memo-key arguments its callback passes on a first visit)
PANELS: dict[str, tuple[Any, Callable[[], tuple]]] = {
    "header": (header.build, lambda: (None, policy_window())),
    "kpis": (header.build_kpis, tuple),
    "map": (geomap.build, lambda: ("intensity",)),
    "trend": (trend.build, lambda: (policy_window(),)),
    "gas": (gas.build, tuple),
    "ranking": (ranking.build, tuple),
    "forecast": (forecast.build, tuple),
}


def register_all(app: Dash, deps: Deps) -> None:
    focus.register(app)
    refresh.register(app, deps)
    for module in (header, geomap, trend, gas, ranking, forecast):
        module.register(app, deps)


def warm(deps: Deps, codes: list[str], *, lang: str, scale: float = 1.0) -> None:
    """Build every panel for `codes` into the worker's memo (after the data version moved), so
    the first drill-down into a province is as quick as the second; and read the parks' PDI
    scores once (the park markers of every city need them)."""
    start = time.perf_counter()
    memo_query(deps, "park_scores")
    for code in codes:
        focus_data, page = {"code": code, "s": scale}, {"lang": lang}
        for name, (build, extra) in PANELS.items():
            panel(deps, name, focus_data, page, build, *extra())
    log.info("warmed %d views in %.1f s", len(codes), time.perf_counter() - start)
