"""The global on_error: log it, show viewers one calm sentence, keep the last good figures."""

from __future__ import annotations

import logging
from collections.abc import Callable

from dash import set_props

from layouts import ids
from layouts.i18n import t

log = logging.getLogger(__name__)


def handler(lang: str = "zh") -> Callable[[Exception], None]:
    def show_to_user(err: Exception) -> None:
        log.error("callback failed: %s", err, exc_info=err)
        set_props(ids.ALERT, {"children": t("error", lang)})
        return None  # Dash turns None into no_update for every output

    return show_to_user
