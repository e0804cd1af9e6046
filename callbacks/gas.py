"""The six gases' shares of the focused region's CO2e in the latest period."""

from __future__ import annotations

from callbacks.common import Deps, lang_of, scale_of, view
from layouts import figures
from layouts.i18n import t


def build(deps: Deps, focus, page):  # type: ignore[no-untyped-def]
    lang, scale = lang_of(page), scale_of(focus)
    v = view(deps, focus)
    if v.period is None:
        return figures.empty(t("no_data", lang), scale=scale)
    return figures.gas_composition(
        v.gases, lang=lang, scale=scale, uirevision=v.code, gwp=deps.settings.gwp_set
    )
