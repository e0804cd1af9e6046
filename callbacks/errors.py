"""What viewers see when something fails: the global on_error (log it, show one calm sentence,
keep the last good figures) and a wall panel's calm state when building it alone failed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from dash import html, set_props

from layouts import figures, ids
from layouts.i18n import t

log = logging.getLogger(__name__)


def handler(lang: str = "zh") -> Callable[[Exception], None]:
    def show_to_user(err: Exception) -> None:
        log.error("callback failed: %s", err, exc_info=err)
        set_props(ids.ALERT, {"children": t("error", lang)})
        return None  # Dash turns None into no_update for every output

    return show_to_user


def calm_text(lang: str) -> str:
    return t("error", lang)


def calm_note(lang: str) -> list[Any]:
    """A panel of components (the ranking) whose build failed: the sentence in its place."""
    return [html.Div(t("error", lang), className="empty-note")]


def calm_figure(lang: str, scale: float = 1.0) -> Any:
    """A chart (the map too) whose build failed: the empty state with the sentence, no axes."""
    return figures.empty(t("error", lang), scale=scale)
