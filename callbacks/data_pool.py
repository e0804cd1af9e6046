"""Callbacks of the data pool's administration page (/data).

Every callback asks the database for the session user's role first
(``callbacks.admin.admin_user``): the layout is public and holds no data, so a viewer who opens
it, or who forges a callback request to /_dash-update-component, reads nothing and changes
nothing. An upload goes through the same ingest as the CLI and the HTTP API (all rows or
none), recorded with source ``web`` and the administrator as ``ingest_batch.actor``.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import flask
from dash import ALL, Dash, Input, Output, State, ctx, no_update
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from callbacks.admin import admin_user, role_gate, upload_bytes
from callbacks.common import lang_of
from datasource import pool_admin
from datasource.pdi_ingest import KINDS as PDI_KINDS
from datasource.readers import KINDS
from layouts import data_pool_text as text
from layouts.pages import data_pool as page
from layouts.settings import ScreenSettings

if TYPE_CHECKING:
    from datasource.ingest_checks import ParkChecker

log = logging.getLogger(__name__)

SOURCE = "web"  # ingest_batch.source of an upload from this page


def register(
    app: Dash,
    *,
    sessions: sessionmaker[Session],
    settings: ScreenSettings,
    engine: Engine | None = None,
    park_checker: ParkChecker | None = None,
) -> None:
    """``engine`` defaults to the sessions' bind; ``park_checker`` is geo's check that a
    park's point lies in its county (dashboard passes the API's), None to skip it."""
    engine = engine if engine is not None else sessions.kw["bind"]
    max_bytes = int(settings.max_upload_mb) * 1024 * 1024
    refresh_seconds = int(getattr(settings, "refresh_seconds", 60))

    @app.callback(
        Output(page.GATE, "children"),
        Output(page.BODY, "style"),
        Output(page.USER, "children"),
        Input(page.PARAMS, "data"),
    )
    def check_role(params: dict) -> tuple:
        return role_gate(sessions, params, "/data", page.gate, page.BODY_SHOWN)

    @app.callback(
        Output(page.HISTORY, "children"),
        Output(page.MORE, "style"),
        Input(page.CHANGED, "data"),
        Input(page.MORE, "n_clicks"),
        State(page.PARAMS, "data"),
    )
    def refresh_history(_changed: int, more: int | None, params: dict) -> tuple:
        if not admin_user(sessions):
            return None, {"display": "none"}
        with sessions() as session:
            found = pool_admin.batches(session, limit=page.PAGE_SIZE * (1 + int(more or 0)))
        return page.batch_table(found, lang_of(params)), page.more_style(found)

    @app.callback(
        Output(page.STATE, "children"),
        Input(page.CHANGED, "data"),
        Input(page.TICK, "n_intervals"),
        State(page.PARAMS, "data"),
    )
    def refresh_state(_changed: int, _tick: int | None, params: dict) -> Any:
        if not admin_user(sessions):
            return None
        with sessions() as session:
            state = pool_admin.pool_state(session)
        return page.state_lines(state, refresh_seconds, lang_of(params))

    @app.callback(
        Output(page.DETAIL, "children"),
        Input(page.batch_id(ALL), "n_clicks"),
        State(page.PARAMS, "data"),
        prevent_initial_call=True,
    )
    def show_batch(clicks: list[int | None], params: dict) -> Any:
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not any(clicks):
            return no_update  # the history was redrawn, nobody clicked
        if not admin_user(sessions):
            return None
        wanted = int(trigger["id"])
        with sessions() as session:
            detail = pool_admin.batch_detail(session, wanted)
        return page.batch_detail(detail, lang_of(params), wanted)

    @app.callback(
        Output(page.REPORT, "children"),
        Output(page.CHANGED, "data"),
        Output(page.UPLOAD, "contents"),
        Input(page.UPLOAD, "contents"),
        State(page.UPLOAD, "filename"),
        State(page.KIND, "value"),
        State(page.DRY_RUN, "value"),
        State(page.CHANGED, "data"),
        State(page.PARAMS, "data"),
        prevent_initial_call=True,
    )
    def upload(contents, name, kind, dry, changed, params) -> tuple:  # noqa: ANN001
        """Ingest the dropped file; the upload is emptied so the same file can be sent again."""
        if contents is None:
            return (no_update,) * 3
        shown, wrote = _ingest(
            engine,
            admin_user(sessions),
            contents,
            name,
            kind,
            "dry" in (dry or []),
            max_bytes=max_bytes,
            park_checker=park_checker,
            lang=lang_of(params),
        )
        return shown, int(changed or 0) + 1 if wrote else no_update, None


def _file_name(name: object) -> str:
    """The uploaded file's own name (no folders), at most 200 characters."""
    base = re.split(r"[/\\]", str(name or ""))[-1].strip()
    return base[:200] or "upload"


def _ingest(
    engine: Engine,
    actor: str | None,
    contents: str,
    name: object,
    kind: object,
    dry_run: bool,
    *,
    max_bytes: int,
    park_checker: ParkChecker | None,
    lang: str,
) -> tuple[Any, bool]:
    """Ingest (or only check) an upload; returns (the report shown, whether a batch was
    recorded: the history and the state then re-read)."""
    if actor is None:
        log.warning("data pool upload refused to %r", flask.session.get("user"))
        return page.message(text.t("refused", lang), ok=False), False
    data = upload_bytes(contents)
    if data is None:
        return page.message(text.t("unreadable", lang), ok=False), False
    if len(data) > max_bytes:
        return page.message(text.t("too_big", lang, mb=max_bytes // 2**20), ok=False), False
    file_name = _file_name(name)
    if kind in PDI_KINDS:
        from datasource.pdi_ingest import ingest_pdi_bytes  # the write paths, loaded when used

        report: Any = ingest_pdi_bytes(
            engine,
            data,
            str(kind),
            file_name=file_name,
            dry_run=dry_run,
            source=SOURCE,
            actor=actor,
        )
    else:
        from datasource.ingest import ingest_bytes

        report = ingest_bytes(
            engine,
            data,
            file_name,
            kind=str(kind) if kind in KINDS else None,  # anything else: detect
            dry_run=dry_run,
            source=SOURCE,
            park_checker=park_checker,
            actor=actor,
        )
    log.info(
        "web ingest by %s of %s (%d bytes, kind %s%s): %s, batch %s, data version %s",
        actor,
        file_name,
        len(data),
        report.kind,
        ", dry run" if dry_run else "",
        report.status,
        report.batch_id,
        report.data_version,
    )
    return page.ingest_result(report, lang), report.batch_id is not None
