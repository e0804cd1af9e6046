"""Which page a path shows: the wall at /, the analysis, park, policy and data pool pages
beside it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from dash import html

from layouts import ids
from layouts.localise import localise
from layouts.settings import ScreenSettings

PageBuilder = Callable[..., Any]


def pages() -> dict[str, PageBuilder]:
    """Path -> build(settings, params, lang) of every page beside the wall."""
    from layouts.pages import (
        analysis,
        data_pool,
        parks,
        periods,
        policy,
        policy_admin,
        policy_stats,
    )

    return {
        **analysis.pages(),
        periods.PATH: periods.build,
        "/parks": parks.build,
        "/policy": policy.build,
        "/policy/stats": policy_stats.build,
        "/policy/admin": policy_admin.build,
        "/data": data_pool.build,
    }


# pages that bring no navigation bar of their own get the analysis pages' bar
_WITH_OWN_NAV = {
    "/analysis/regions",
    "/analysis/sectors",
    "/analysis/gases",
    "/inventory",
    "/analysis/periods",
}


def build_page(
    path: str, settings: ScreenSettings, params: Mapping[str, str], lang: str
) -> html.Div | None:
    """The page for ``path``, or None when the path is the wall's (or unknown: the wall)."""
    builder = pages().get(path.rstrip("/") or "/")
    if builder is None:
        return None
    from layouts.pages.analysis import nav_bar

    body = builder(settings, params, lang)
    parts = [html.Div(id=ids.ALERT, className="alert-line", role="status")]
    if path not in _WITH_OWN_NAV:
        parts.append(
            html.Div(nav_bar(path, lang, path.strip("/").replace("/", "-")), className="px-3 pt-2")
        )
    return frame(parts, body, lang)


def frame(bars: list[Any], body: Any, lang: str = "zh") -> html.Div:
    """A page beside the wall: ``bars`` on top, ``body`` scrolling in the rest of the screen
    (html and body never scroll: the wall's stylesheet hides their overflow)."""
    return html.Div(
        localise([*bars, html.Div(body, className="page-body")], lang),
        className="page",
        lang="en" if lang == "en" else "zh-CN",
    )
