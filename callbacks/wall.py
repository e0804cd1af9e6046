"""The wall's seven panels as one callback: a map click (a breadcrumb, the kiosk, new data)
answers with every panel in one response, because the browser's renderer, not the server, spent
most of a click handling seven (bench/bench_wall.py --browser). Each panel is still built (and
memoised) on its own, and one that fails shows a calm note while the others update."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from dash import Dash, Input, Output, State, ctx, no_update

from callbacks import errors, forecast, gas, geomap, header, ranking, trend
from callbacks.common import Deps, lang_of, panel, policy_window, scale_of, view
from layouts import ids, panels

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Panel:
    build: Callable[..., Any]  # build(deps, focus, page, *extra), in the panel's module
    extra: Callable[[Any, Any], tuple]  # (pick, mode) -> the extra arguments (and memo key)
    outputs: tuple[tuple[str, str], ...]  # (id, property) it fills, in the order build returns
    calm: Callable[[str, float], Any]  # (lang, scale) -> what it shows when its build failed


PANELS: dict[str, Panel] = {
    "header": Panel(
        header.build,
        lambda pick, _mode: (header.picked(pick), policy_window()),
        ((ids.BREADCRUMB, "children"), (ids.DETAIL, "children"), (ids.NOTICE, "children")),
        # the breadcrumb stays (it still leads back up), the card goes, the notice line says why
        lambda lang, _s: (no_update, [], errors.calm_text(lang)),
    ),
    "kpis": Panel(
        header.build_kpis,
        lambda _p, _m: (),
        ((ids.KPIS, "children"),),
        lambda lang, _s: panels.kpi_row(None, None, [], lang=lang),
    ),
    "map": Panel(
        geomap.build,
        lambda _pick, mode: (geomap.mode_of(mode),),
        ((ids.MAP, "figure"), (ids.MAP_LEGEND, "children")),
        lambda lang, s: (errors.calm_figure(lang, s), []),
    ),
    "trend": Panel(
        trend.build, lambda _p, _m: (policy_window(),), ((ids.TREND, "figure"),), errors.calm_figure
    ),
    "gas": Panel(gas.build, lambda _p, _m: (), ((ids.GAS, "figure"),), errors.calm_figure),
    "ranking": Panel(
        ranking.build,
        lambda _p, _m: (),
        ((ids.RANKING_TITLE, "children"), (ids.RANKING, "children")),
        lambda lang, _s: (no_update, errors.calm_note(lang)),
    ),
    "forecast": Panel(
        forecast.build, lambda _p, _m: (), ((ids.FORECAST, "figure"),), errors.calm_figure
    ),
}
OUTPUTS = tuple(o for p in PANELS.values() for o in p.outputs)
# an input whose change alone redraws only some panels (the focus, the data version and the
# first call redraw them all)
ONLY = {f"{ids.PICK}.data": {"header"}, f"{ids.MAP_MODE}.value": {"map"}}


def changed_panels(triggered: Iterable[str]) -> set[str]:
    """The panels that a change of the `triggered` prop ids ("id.property") redraws."""
    names: set[str] = set()
    for prop in triggered:
        if prop not in ONLY:
            return set(PANELS)
        names |= ONLY[prop]
    return names or set(PANELS)


def build_one(deps: Deps, name: str, focus: Any, page: Any, pick: Any, mode: Any) -> tuple:
    """One panel's outputs, memoised; its calm state if building it raised."""
    p = PANELS[name]
    try:
        out = panel(deps, name, focus, page, p.build, *p.extra(pick, mode))
    except Exception:  # noqa: BLE001 - one panel's fault must not stop the other six: logged
        log.exception("wall panel %s failed for focus %r", name, focus)
        out = p.calm(lang_of(page), scale_of(focus))
    return tuple(out) if len(p.outputs) > 1 else (out,)


def build_all(
    deps: Deps, focus: Any, page: Any, *, pick: Any = None, mode: Any = None, only: Any = None
) -> tuple:
    """Every output of the wall's panels in OUTPUTS' order; no_update for a panel not in
    `only` (None: all of them). The region's view is read first and outside the panels'
    guards: when the database cannot be read it raises to errors.handler, which keeps every
    panel's last good state, breadcrumb included, and shows one calm sentence."""
    view(deps, focus)
    out: list[Any] = []
    for name, p in PANELS.items():
        if only is None or name in only:
            out.extend(build_one(deps, name, focus, page, pick, mode))
        else:
            out.extend([no_update] * len(p.outputs))
    return tuple(out)


def register(app: Dash, deps: Deps) -> None:
    @app.callback(
        *(Output(i, prop) for i, prop in OUTPUTS),
        Input(ids.FOCUS, "data"),
        Input(ids.VERSION, "data"),
        Input(ids.PICK, "data"),
        Input(ids.MAP_MODE, "value"),
        State(ids.PAGE, "data"),
    )
    def refresh_panels(focus, _version, pick, mode, page):
        only = changed_panels(ctx.triggered_prop_ids)
        return build_all(deps, focus, page, pick=pick, mode=mode, only=only)
