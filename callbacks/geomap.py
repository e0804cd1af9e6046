"""The choropleth of the focused region's children, with flags, parks and the dashes."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State

from callbacks.common import Deps, lang_of, memo_query, panel, period, resolve, scale_of
from layouts import figures, ids, panels
from layouts.i18n import t

DASHES_VIEWS = {"100000", "460000"}  # the national view and Hainan show the South China Sea line
PARK_LEVELS = {"city", "county"}
DETAIL_CARD_SHARE = 0.26


def geojson_url(parent_code: str) -> str:
    return f"/geo/layer/{parent_code}.json"


def build(deps: Deps, focus, page):  # type: ignore[no-untyped-def]
    gwp = deps.settings.gwp_set
    lang, scale = lang_of(page), scale_of(focus)
    code, info, _known = resolve(deps, focus)
    now = period(deps)
    if info is None or now is None:
        return figures.empty(t("no_data", lang), scale=scale), []
    layer = code
    rows = memo_query(deps, "ranking", parent_code=code, period=now, gwp_set=gwp)
    if not rows and info.parent_code:  # a leaf (county): show it among its siblings
        layer = info.parent_code
        rows = memo_query(deps, "ranking", parent_code=layer, period=now, gwp_set=gwp)
    parks = []
    if info.level in PARK_LEVELS:
        parks = [
            p
            for p in memo_query(deps, "parks_within", code=code)
            if p.lon is not None and p.lat is not None
        ]
    fig = figures.choropleth(
        rows,
        geojson_url=geojson_url(layer),
        period=now,
        lang=lang,
        scale=scale,
        parks=parks,
        dashes=deps.dashes() if layer in DASHES_VIEWS else (),
        # the detail card sits at the panel's right edge below the root: keep the map clear
        reserve_right=DETAIL_CARD_SHARE if code != deps.settings.root_region else 0.0,
        uirevision=layer,
    )
    if deps.has_layer is not None:  # the layers a click may need next, fetched while idle
        fig.layout.meta = {
            "prefetch": [geojson_url(r.code) for r in rows if deps.has_layer(r.code)]
        }
    prev = next((r.prev_period for r in rows if r.prev_period), None)
    return fig, panels.map_legend(now, prev, lang=lang)


def register(app: Dash, deps: Deps) -> None:
    @app.callback(
        Output(ids.MAP, "figure"),
        Output(ids.MAP_LEGEND, "children"),
        Input(ids.FOCUS, "data"),
        Input(ids.VERSION, "data"),
        State(ids.PAGE, "data"),
    )
    def refresh_map(focus, _version, page):
        return panel(deps, "map", focus, page, build)

    app.clientside_callback(
        ClientsideFunction(namespace="carbonwall", function_name="prefetch"),
        Output(ids.PREFETCH, "data"),
        Input(ids.MAP, "figure"),
    )
