"""The five-sector trend of the focused region, with its policies in force as markers."""

from __future__ import annotations

from callbacks.common import Deps, lang_of, scale_of, view
from layouts import figures

POLICY_LEVEL = {"province": "provincial", "city": "municipal", "county": "municipal"}


def build(deps: Deps, focus, page, window=None):  # type: ignore[no-untyped-def]
    v = view(deps, focus, window)
    chosen = figures.pick_policies(v.policies, POLICY_LEVEL.get(getattr(v.info, "level", "")))
    return figures.sector_trend(
        v.sectors,
        policies=chosen,
        lang=lang_of(page),
        scale=scale_of(focus),
        uirevision=v.code,
        gwp=deps.settings.gwp_set,
    )
