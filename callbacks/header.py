"""Breadcrumb, KPI tiles, the detail card and the focus notice follow the focused region."""

from __future__ import annotations

from dash import Dash, Input, Output, State

from callbacks.common import Deps, lang_of, memo_query, period, resolve
from layouts import ids, panels
from layouts.figures import rank_positions
from layouts.i18n import t

RECENT_YEARS = 6


def register(app: Dash, deps: Deps) -> None:
    gwp = deps.settings.gwp_set
    root = deps.settings.root_region

    @app.callback(
        Output(ids.BREADCRUMB, "children"),
        Output(ids.KPIS, "children"),
        Output(ids.DETAIL, "children"),
        Output(ids.NOTICE, "children"),
        Input(ids.FOCUS, "data"),
        Input(ids.VERSION, "data"),
        State(ids.PAGE, "data"),
    )
    def refresh_header(focus, _version, page):
        lang = lang_of(page)
        code, info, known = resolve(deps, focus)
        notice = "" if known else t("unknown_region", lang, code=(focus or {}).get("code"))
        now = period(deps)
        chain = memo_query(deps, "lineage", code=code)
        crumbs = panels.breadcrumb(chain, root=root, lang=lang)
        if info is None or now is None:
            return crumbs, panels.kpi_row(None, None, [], lang=lang), [], notice
        summary = memo_query(deps, "summary", region_code=code, period=now, gwp_set=gwp)
        target = memo_query(deps, "target_progress", region_code=code)
        kids = memo_query(deps, "ranking", parent_code=code, period=now, gwp_set=gwp)
        kpis = panels.kpi_row(summary, target, kids, lang=lang)
        return crumbs, kpis, _detail(code, info, summary, now, lang), notice

    def _detail(code, info, summary, now, lang):
        if code == root or info.parent_code is None:
            return []
        siblings = memo_query(
            deps, "ranking", parent_code=info.parent_code, period=now, gwp_set=gwp
        )
        parent = memo_query(deps, "region", code=info.parent_code)

        ranks = rank_positions(siblings).get(code)
        rank = (ranks[0], ranks[1], len(siblings)) if ranks else None
        recent = memo_query(deps, "series", region_code=code, gwp_set=gwp)[-RECENT_YEARS:]
        return panels.detail_card(info, summary, rank, parent, recent, lang=lang)
