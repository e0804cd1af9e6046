"""The five-sector trend of the focused region, with its policies in force as markers."""

from __future__ import annotations

from dash import Dash, Input, Output, State

from callbacks.common import Deps, lang_of, memo_query, panel, policy_window, resolve, scale_of
from layouts import figures, ids

POLICY_LEVEL = {"province": "provincial", "city": "municipal", "county": "municipal"}
POLICY_POOL = 20  # newest policies read; figures.pick_policies keeps at most 6 of them


def build(deps: Deps, focus, page, window=None):  # type: ignore[no-untyped-def]
    code, info, _known = resolve(deps, focus)
    rows = memo_query(deps, "sector_series", region_code=code, gwp_set=deps.settings.gwp_set)
    window = policy_window() if window is None else window
    marks = memo_query(deps, "policies", region_code=code, limit=POLICY_POOL, window=window)
    chosen = figures.pick_policies(marks, POLICY_LEVEL.get(getattr(info, "level", "")))
    return figures.sector_trend(
        rows, policies=chosen, lang=lang_of(page), scale=scale_of(focus), uirevision=code
    )


def register(app: Dash, deps: Deps) -> None:
    @app.callback(
        Output(ids.TREND, "figure"),
        Input(ids.FOCUS, "data"),
        Input(ids.VERSION, "data"),
        State(ids.PAGE, "data"),
    )
    def refresh_trend(focus, _version, page):
        return panel(deps, "trend", focus, page, build, policy_window())
