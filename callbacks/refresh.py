"""The one refresh tick: "which data version?" compared in memory; panels redraw only on change."""

from __future__ import annotations

import time
from datetime import datetime

from dash import Dash, Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from callbacks.common import Deps, lang_of
from layouts import i18n, ids, panels
from layouts.i18n import t


def updated_text(at: datetime | None) -> str | None:
    """A rollup time in the server's local time zone, to the minute."""
    if at is None:
        return None
    return at.astimezone().strftime("%Y-%m-%d %H:%M")


def freshness_of(snapshot, lang: str) -> str:  # type: ignore[no-untyped-def]
    return panels.freshness(snapshot.period, updated_text(snapshot.updated_at), lang=lang)


def register(app: Dash, deps: Deps) -> None:
    @app.callback(
        Output(ids.VERSION, "data"),
        Output(ids.FRESHNESS, "children"),
        Output(ids.ALERT, "children"),
        Input(ids.REFRESH, "n_intervals"),
        State(ids.VERSION, "data"),
        State(ids.ALERT, "children"),
        State(ids.PAGE, "data"),
        prevent_initial_call=True,
    )
    def refresh_version(_tick, known, alert, page):
        snap = deps.state.tick()
        lang = lang_of(page)
        if snap.error:  # keep the last good figures; say how old they are
            stale = i18n.ago(time.time() - snap.ok_at, lang)
            return no_update, no_update, t("db_down", lang, ago=stale)
        if snap.version == known:
            if alert:
                return no_update, no_update, ""
            raise PreventUpdate  # the idle tick: 204, no body, nothing redrawn
        return snap.version, freshness_of(snap, lang), ""
