"""The focused region's outlook: stored forecasts (datasource.forecast, computed after each
rollup, never fitted on a click), last year's forecast beside what happened, the intensity
target's path (datasource.targets), and each metric's chosen model with its backtest record
(datasource.forecast.track_record)."""

from __future__ import annotations

from typing import Any

from callbacks.common import Deps, lang_of, scale_of, view
from datasource import forecast as fc
from layouts import figures_outlook


def records(deps: Deps, code: str, outlook: dict) -> dict[str, Any]:
    """metric -> the model chosen per horizon as of the shown forecast's origin and its
    backtest record; once per data version, region and origin in this worker."""
    out = {}
    for metric, points in outlook.items():
        if metric == "co2" or not points:
            continue
        origin = points[0].origin

        def read(metric: str = metric, origin: int = origin) -> Any:
            with deps.sessions() as session:
                return fc.track_record(session, region_code=code, metric=metric, origin=origin)

        out[metric] = deps.state.memo(("track_record", code, metric, origin), read)
    return out


def build(deps: Deps, focus, page):  # type: ignore[no-untyped-def]
    v = view(deps, focus)
    return figures_outlook.forecast(
        v.series,
        v.outlook.get("co2e", []),
        v.outlook.get("intensity", []),
        emissions_prev=v.outlook_prev.get("co2e", []),
        intensity_prev=v.outlook_prev.get("intensity", []),
        target=v.target,
        records=records(deps, v.code, v.outlook),
        lang=lang_of(page),
        scale=scale_of(focus),
        uirevision=v.code,
    )
