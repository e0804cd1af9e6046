"""Breadcrumb, the detail card (a region, or a park picked on the map) and the focus notice
follow the focused region; the KPI tiles are a callback of their own (the target look-up is
the slowest query of a drill-down)."""

from __future__ import annotations

from dash import Dash, Input, Output, State

from callbacks.common import (
    Deps,
    lang_of,
    memo_query,
    panel,
    period,
    policy_window,
    resolve,
    target_of,
)
from callbacks.geomap import park_view
from datasource.targets import peak_status
from layouts import figures_map, ids, panels
from layouts.figures import rank_positions
from layouts.i18n import t

RECENT_YEARS = 6
POLICIES = 3


def picked(pick) -> str | None:  # type: ignore[no-untyped-def]
    """The park code of the pick store, if it looks like one (anything else: no pick)."""
    code = pick.get("park") if isinstance(pick, dict) else None
    return code if isinstance(code, str) and 0 < len(code) <= 32 else None


def build(deps: Deps, focus, page, park=None, _window=None):  # type: ignore[no-untyped-def]
    gwp, root = deps.settings.gwp_set, deps.settings.root_region
    lang = lang_of(page)
    code, info, known = resolve(deps, focus)
    notice = "" if known else t("unknown_region", lang, code=(focus or {}).get("code"))
    now = period(deps)
    chain = memo_query(deps, "lineage", code=code)
    crumbs = panels.breadcrumb(chain, root=root, lang=lang)
    if info is None or now is None:
        return crumbs, [], notice
    if park is not None:
        card = _park_card(deps, code, info, park, lang)
        if card is not None:
            return crumbs, card, notice
    summary = memo_query(deps, "summary", region_code=code, period=now, gwp_set=gwp)
    return crumbs, _detail(deps, code, info, summary, now, lang), notice


def build_kpis(deps: Deps, focus, page):  # type: ignore[no-untyped-def]
    gwp, lang = deps.settings.gwp_set, lang_of(page)
    code, info, _known = resolve(deps, focus)
    now = period(deps)
    if info is None or now is None:
        return panels.kpi_row(None, None, [], lang=lang)
    summary = memo_query(deps, "summary", region_code=code, period=now, gwp_set=gwp)
    target = target_of(deps, code, info)
    kids = memo_query(deps, "ranking", parent_code=code, period=now, gwp_set=gwp)
    return panels.kpi_row(summary, target, kids, lang=lang)


def _detail(deps: Deps, code, info, summary, now, lang):  # type: ignore[no-untyped-def]
    """The detail card: the focus among its siblings (none at the root)."""
    gwp = deps.settings.gwp_set
    if code == deps.settings.root_region or info.parent_code is None:
        return []
    siblings = memo_query(deps, "ranking", parent_code=info.parent_code, period=now, gwp_set=gwp)
    parent = memo_query(deps, "region", code=info.parent_code)
    ranks = rank_positions(siblings).get(code)
    rank = (ranks[0], ranks[1], figures_map.ranked_count(siblings)) if ranks else None
    series = memo_query(deps, "series", region_code=code, gwp_set=gwp)
    recent = series[-RECENT_YEARS:]
    # targets.peak_watch's rule on reads the wall has already made (CO2 and its forecast)
    outlook = memo_query(deps, "forecast", region_code=code, metric="co2", origin=None)
    peak = peak_status([(s.period, s.co2) for s in series], outlook)
    policies = memo_query(
        deps, "policies", region_code=code, limit=POLICIES, window=policy_window()
    )
    return panels.detail_card(
        info, summary, rank, parent, recent, peak=peak, policies=policies, lang=lang
    )


def _park_card(deps: Deps, code, info, park, lang):  # type: ignore[no-untyped-def]
    """The card of a park shown on the focused region's map; None if it is not one of them."""
    marks = park_view(deps, code, info)
    mark = next((m for m in marks if m.code == park), None)
    if mark is None:
        return None
    scores = memo_query(deps, "park_scores")
    rank = figures_map.park_industry_ranks(scores.values()).get(park)
    return panels.park_card(mark, rank, lang=lang)


def register(app: Dash, deps: Deps) -> None:
    @app.callback(
        Output(ids.BREADCRUMB, "children"),
        Output(ids.DETAIL, "children"),
        Output(ids.NOTICE, "children"),
        Input(ids.FOCUS, "data"),
        Input(ids.VERSION, "data"),
        Input(ids.PICK, "data"),
        State(ids.PAGE, "data"),
    )
    def refresh_header(focus, _version, pick, page):
        return panel(deps, "header", focus, page, build, picked(pick), policy_window())

    @app.callback(
        Output(ids.KPIS, "children"),
        Input(ids.FOCUS, "data"),
        Input(ids.VERSION, "data"),
        State(ids.PAGE, "data"),
    )
    def refresh_kpis(focus, _version, page):
        return panel(deps, "kpis", focus, page, build_kpis)
