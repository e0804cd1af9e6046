"""Breadcrumb, the detail card (a region, or a park picked on the map) and the focus notice
follow the focused region; the KPI tiles are a panel of their own. Both are built in
callbacks.wall's one callback."""

from __future__ import annotations

from callbacks import geomap
from callbacks.common import Deps, RegionView, lang_of, memo_query, view
from datasource.targets import peak_status
from layouts import figures_map, figures_parks_map, panels
from layouts.figures import rank_positions
from layouts.i18n import t

RECENT_YEARS = 6
POLICIES = 3


def picked(pick) -> str | None:  # type: ignore[no-untyped-def]
    """The park code of the pick store, if it looks like one (anything else: no pick)."""
    code = pick.get("park") if isinstance(pick, dict) else None
    return code if isinstance(code, str) and 0 < len(code) <= 32 else None


def build(deps: Deps, focus, page, park=None, window=None):  # type: ignore[no-untyped-def]
    lang = lang_of(page)
    v = view(deps, focus, window)
    notice = "" if v.known else t("unknown_region", lang, code=(focus or {}).get("code"))
    crumbs = panels.breadcrumb(v.lineage, root=deps.settings.root_region, lang=lang)
    if v.info is None or v.period is None:
        return crumbs, [], notice
    park = park or v.park  # a click on a park marker, else the park in the address
    if park is not None:
        card = _park_card(deps, v, park, lang)
        if card is not None:
            return crumbs, card, notice
        if park == v.park:  # the address named a park the map cannot show (no position)
            notice = t("park_not_on_map", lang, code=park)
    return crumbs, _detail(deps, v, lang), notice


def build_kpis(deps: Deps, focus, page):  # type: ignore[no-untyped-def]
    v = view(deps, focus)
    if v.info is None or v.period is None:
        return panels.kpi_row(None, None, [], lang=lang_of(page))
    return panels.kpi_row(v.summary, v.target, v.kids, lang=lang_of(page), dual=v.dual)


def _detail(deps: Deps, v: RegionView, lang: str):  # type: ignore[no-untyped-def]
    """The detail card: the focus among its siblings (none at the root)."""
    if v.code == deps.settings.root_region or v.info.parent_code is None:
        return []
    ranks = rank_positions(v.siblings).get(v.code)
    rank = (ranks[0], ranks[1], figures_map.ranked_count(v.siblings)) if ranks else None
    # targets.peak_watch's rule on reads the wall has already made (CO2 and its forecast)
    peak = peak_status([(s.period, s.co2) for s in v.series], v.outlook["co2"])
    return panels.detail_card(
        v.info,
        v.summary,
        rank,
        v.parent,
        v.series[-RECENT_YEARS:],
        peak=peak,
        policies=v.policies[:POLICIES],
        lang=lang,
    )


def _park_card(deps: Deps, v: RegionView, park: str, lang: str):  # type: ignore[no-untyped-def]
    """The card of a park shown on the focused region's map, with its zero-carbon status
    (issue 21); None if it is not one of them."""
    mark = next((m for m in v.parks if m.code == park), None)
    level = v.info.level if v.info else None
    under = figures_parks_map.prefix_of(v.code, level)
    zc = {p.code: p for p in geomap.zero_carbon_statuses(deps, under)}.get(park) if under else None
    if mark is None:  # a province's map shows only the zero-carbon points
        return None if zc is None else figures_parks_map.card(zc, lang)
    scores = memo_query(deps, "park_scores")
    rank = figures_map.park_industry_ranks(scores.values()).get(park)
    return panels.park_card(mark, rank, lang=lang) + figures_parks_map.card_rows(zc, lang)
