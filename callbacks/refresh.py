"""The one refresh tick: "which data version?" compared in memory; panels redraw only on change."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from dash import Dash, Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from callbacks.common import Deps, lang_of
from layouts import i18n, ids, panels
from layouts.i18n import t

DEFAULT_ZONE = "Asia/Shanghai"


def people_time(at: datetime, zone: str = DEFAULT_ZONE) -> datetime:
    """A stored time in the zone people read (Settings.time_zone). The pool stores UTC and
    SQLite hands it back without its zone: a naive time is UTC, never the server's zone."""
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(zone))


def updated_text(at: datetime | None, zone: str = DEFAULT_ZONE, lang: str = "zh") -> str | None:
    """A rollup time in the people's time zone, to the minute, naming the zone (北京时间 for
    Asia/Shanghai, else its IANA name)."""
    if at is None:
        return None
    return f"{people_time(at, zone).strftime('%Y-%m-%d %H:%M')} {zone_name(zone, lang)}"


def zone_name(zone: str, lang: str = "zh") -> str:
    return t("tz_name", lang) if zone == DEFAULT_ZONE else zone


def zone_of(settings) -> str:  # type: ignore[no-untyped-def]
    return getattr(settings, "time_zone", DEFAULT_ZONE)


def freshness_of(snapshot, lang: str, zone: str = DEFAULT_ZONE) -> str:  # type: ignore[no-untyped-def]
    at = updated_text(snapshot.updated_at, zone, lang)
    return panels.freshness(snapshot.period, at, lang=lang)


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
        return snap.version, freshness_of(snap, lang, zone_of(deps.settings)), ""
