"""The choropleth of the focused region's children (by intensity or by target status), with
flags, the grey regions without data, parks and the dashes (a panel of callbacks.wall); in the
browser, a park click picks its card and the next layers are prefetched."""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path

from dash import ClientsideFunction, Dash, Input, Output, State

from callbacks.common import (
    Deps,
    lang_of,
    layer_features,
    memo_query,
    scale_of,
    view,
)
from datasource import zero_carbon_store
from geo import layers
from geo.labels import LabelPoint, label_points
from layouts import figures_map, figures_parks_map, ids, panels
from layouts.i18n import t

log = logging.getLogger(__name__)
DASHES_VIEWS = {"100000", "460000"}  # the national view and Hainan show the South China Sea line
DETAIL_CARD_SHARE = 0.26


def geojson_url(parent_code: str) -> str:
    return f"/geo/layer/{parent_code}.json"


@functools.lru_cache(maxsize=256)
def _read_labels(path: str, _mtime_ns: int) -> tuple[LabelPoint, ...]:
    try:
        doc = json.loads(Path(path).read_bytes())
    except (OSError, ValueError):
        log.warning("map layer %s cannot be read for its labels", path)
        return ()
    return tuple(label_points(doc))


def layer_labels(deps: Deps, parent_code: str) -> tuple[LabelPoint, ...]:
    """Where the names of the regions of `parent_code`'s map layer go (geo.labels), read once
    per layer file."""
    path = layers.layer_file(Path(deps.settings.geo_cache_dir), parent_code)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return ()
    return _read_labels(str(path), mtime)


def mode_of(value) -> str:  # type: ignore[no-untyped-def]
    return value if value in ids.MAP_MODES else ids.MAP_MODES[0]


def build(deps: Deps, focus, page, mode="intensity"):  # type: ignore[no-untyped-def]
    lang, scale = lang_of(page), scale_of(focus)
    v = view(deps, focus)
    if v.info is None or v.period is None:
        return figures_map.empty(t("no_data", lang), scale=scale), []
    layer, rows = v.code, v.kids
    highlight = None
    if not rows and v.info.parent_code:  # a leaf (county): show it among its siblings
        layer, rows, highlight = v.info.parent_code, v.siblings, v.code
    statuses = None
    zero_carbon = mode == figures_parks_map.MODE  # parks coloured by zero-carbon status
    if mode == "target":
        statuses = memo_query(deps, "targets", region_codes=tuple(sorted(r.code for r in rows)))
    fig = figures_map.choropleth(
        rows,
        geojson_url=geojson_url(layer),
        period=v.period,
        lang=lang,
        scale=scale,
        parks=() if zero_carbon else v.parks,
        dashes=deps.dashes() if layer in DASHES_VIEWS else (),
        # the detail card sits at the panel's right edge below the root: keep the map clear
        reserve_right=DETAIL_CARD_SHARE if v.code != deps.settings.root_region else 0.0,
        uirevision=layer,
        features=layer_features(deps, layer),
        statuses=statuses,
        labels=layer_labels(deps, layer),
        highlight=highlight,
        park_range=figures_map.score_range(memo_query(deps, "park_scores").values())
        if v.parks
        else (0.0, 5.0),
    )
    if deps.has_layer is not None:  # the layers a click may need next, fetched while idle
        fig.layout.meta = {
            "prefetch": [geojson_url(r.code) for r in rows if deps.has_layer(r.code)]
        }
    prev = next((r.prev_period for r in rows if r.prev_period), None)
    legend = panels.map_legend(v.period, prev, lang=lang, mode=mode)
    if zero_carbon:
        under = figures_parks_map.prefix_of(v.code, v.info.level)
        parks = zero_carbon_statuses(deps, under) if under else []
        fig.add_trace(figures_parks_map.status_trace(parks, lang=lang, scale=scale))
        legend = legend + figures_parks_map.legend(lang)
    return fig, legend


def zero_carbon_statuses(deps: Deps, under: str | None) -> list:
    """Every reporting park's zero-carbon status (its newest year), those whose county code
    starts with `under`; read once per data version in this worker."""

    def read() -> list:
        with deps.sessions() as session:
            return zero_carbon_store.park_statuses(session)

    parks = deps.state.memo(("zero_carbon_statuses",), read)
    return [p for p in parks if under is None or (p.county_code or "").startswith(under)]


def register(app: Dash, deps: Deps) -> None:
    app.clientside_callback(
        ClientsideFunction(namespace="carbonwall", function_name="prefetch"),
        Output(ids.PREFETCH, "data"),
        Input(ids.MAP, "figure"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="carbonwall", function_name="pick"),
        Output(ids.PICK, "data"),
        Input(ids.MAP, "clickData"),
        Input(ids.FOCUS, "data"),
        State(ids.PICK, "data"),
        State(ids.MAP, "figure"),
    )
