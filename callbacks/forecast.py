"""The focused region's outlook: stored forecasts (datasource.forecast, computed after each
rollup, never fitted on a click), last year's forecast beside what happened, the intensity
target's path (datasource.targets), and each metric's chosen model with its backtest record
(datasource.forecast.track_record, read with the region's view)."""

from __future__ import annotations

from callbacks.common import Deps, lang_of, scale_of, view
from layouts import figures_outlook


def build(deps: Deps, focus, page):  # type: ignore[no-untyped-def]
    v = view(deps, focus)
    return figures_outlook.forecast(
        v.series,
        v.outlook.get("co2e", []),
        v.outlook.get("intensity", []),
        emissions_prev=v.outlook_prev.get("co2e", []),
        intensity_prev=v.outlook_prev.get("intensity", []),
        target=v.target,
        records=v.records,
        lang=lang_of(page),
        scale=scale_of(focus),
        uirevision=v.code,
    )
