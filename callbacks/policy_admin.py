"""Callbacks of the policy library's administration page (/policy/admin).

Every callback asks the database for the session user's role first (``admin_user``): the page's
layout is public and holds no data, so a viewer who opens it, or who forges a callback request
to /_dash-update-component, reads nothing and changes nothing. Writes name the acting user,
and datasource.policy records each one in the audit log.
"""

from __future__ import annotations

import logging
from typing import Any

import flask
from dash import ALL, Dash, Input, Output, State, ctx, no_update
from sqlalchemy.orm import Session, sessionmaker

from callbacks.admin import admin_user, role_gate, upload_bytes
from callbacks.common import lang_of
from datasource import policy
from layouts.figures_policy import field_names, file_size, t
from layouts.pages import policy_admin as page
from layouts.settings import ScreenSettings

log = logging.getLogger(__name__)

FORM_FIELDS = tuple(page.FIELDS)  # the document fields, in the form's order


def register(app: Dash, *, sessions: sessionmaker[Session], settings: ScreenSettings) -> None:
    max_bytes = int(settings.max_upload_mb) * 1024 * 1024

    @app.callback(
        Output(page.GATE, "children"),
        Output(page.BODY, "style"),
        Output(page.USER, "children"),
        Input(page.PARAMS, "data"),
    )
    def check_role(params: dict) -> tuple:
        return role_gate(sessions, params, "/policy/admin", page.gate)

    @app.callback(
        Output(page.LIST, "children"),
        Input(page.FILTER, "value"),
        Input(page.CHANGED, "data"),
        State(page.PARAMS, "data"),
    )
    def refresh_list(q: str | None, _changed: int, params: dict) -> Any:
        if not admin_user(sessions):
            return None
        with sessions() as session:
            found = policy.search(session, q=q, include_hidden=True, limit=200)
        return page.document_list(found, lang_of(params))

    @app.callback(
        Output(page.AUDIT, "children"),
        Input(page.CHANGED, "data"),
        State(page.PARAMS, "data"),
    )
    def refresh_audit(_changed: int, params: dict) -> Any:
        if not admin_user(sessions):
            return None
        with sessions() as session:
            entries = policy.audit_entries(session, limit=50)
        return page.audit_list(entries, lang_of(params))

    @app.callback(
        Output(page.CURRENT, "data"),
        Input(page.edit_id(ALL), "n_clicks"),
        Input(page.NEW, "n_clicks"),
        State(page.CURRENT, "data"),
        prevent_initial_call=True,
    )
    def choose(clicks: list[int | None], _new: int | None, current: dict) -> dict:
        trigger = ctx.triggered_id
        if isinstance(trigger, dict) and not any(clicks):
            return no_update  # the list was redrawn, nobody clicked
        doc_id = int(trigger["id"]) if isinstance(trigger, dict) else None
        return {"id": doc_id, "rev": int((current or {}).get("rev", 0)) + 1}

    @app.callback(
        *[Output(page.FIELDS[f], "value") for f in FORM_FIELDS],
        Output(page.FORM_TITLE, "children"),
        Output(page.HIDE, "children"),
        Output(page.HIDE, "disabled"),
        Output(page.DELETE_BUTTON, "disabled"),
        Output(page.DELETE, "message"),
        Output(page.PDF, "disabled"),
        Output(page.PDF_NOW, "children"),
        Input(page.CURRENT, "data"),
        State(page.PARAMS, "data"),
    )
    def fill_form(current: dict | None, params: dict) -> tuple:
        lang = lang_of(params)
        doc = None
        doc_id = (current or {}).get("id")
        if admin_user(sessions) and isinstance(doc_id, int):
            with sessions() as session:
                doc = policy.get_document(session, doc_id, include_hidden=True)
        return _form_values(doc, lang)

    @app.callback(
        Output(page.FORM_MSG, "children"),
        Output(page.CURRENT, "data", allow_duplicate=True),
        Output(page.CHANGED, "data"),
        Input(page.SAVE, "n_clicks"),
        Input(page.HIDE, "n_clicks"),
        Input(page.DELETE, "submit_n_clicks"),
        *[State(page.FIELDS[f], "value") for f in FORM_FIELDS],
        State(page.CURRENT, "data"),
        State(page.CHANGED, "data"),
        State(page.PARAMS, "data"),
        prevent_initial_call=True,
    )
    def act(_save, _hide, _delete, *rest: Any) -> tuple:  # noqa: ANN001
        *values, current, changed, params = rest
        lang, actor = lang_of(params), admin_user(sessions)
        if actor is None:
            log.warning(
                "policy admin %s refused to %r", ctx.triggered_id, flask.session.get("user")
            )
            return page.message(t("refused", lang), ok=False), no_update, no_update
        doc_id = (current or {}).get("id")
        doc_id = doc_id if isinstance(doc_id, int) else None
        fields = dict(zip(FORM_FIELDS, values, strict=True))
        try:
            with sessions() as session, session.begin():
                text, doc_id = _apply(session, ctx.triggered_id, doc_id, fields, actor, lang)
        except policy.PolicyError as exc:
            return page.problems(t("not_saved", lang), str(exc).split("; ")), *(no_update,) * 2
        rev = int((current or {}).get("rev", 0)) + 1
        return page.message(text), {"id": doc_id, "rev": rev}, int(changed or 0) + 1

    @app.callback(
        Output(page.PDF_MSG, "children"),
        Output(page.CHANGED, "data", allow_duplicate=True),
        Output(page.PDF_NOW, "children", allow_duplicate=True),
        Output(page.PDF, "contents"),
        Input(page.PDF, "contents"),
        State(page.PDF, "filename"),
        State(page.CURRENT, "data"),
        State(page.CHANGED, "data"),
        State(page.PARAMS, "data"),
        prevent_initial_call=True,
    )
    def upload_pdf(contents, name, current, changed, params) -> tuple:  # noqa: ANN001
        """Store the dropped PDF; the upload is emptied so the same file can be sent again."""
        if contents is None:
            return (no_update,) * 4
        lang, doc_id = lang_of(params), (current or {}).get("id")
        shown, now = _attach(
            sessions, admin_user(sessions), doc_id, contents, name, max_bytes, lang
        )
        return shown, int(changed or 0) + 1 if now else no_update, now or no_update, None

    @app.callback(
        Output(page.IMPORT_MSG, "children"),
        Output(page.CHANGED, "data", allow_duplicate=True),
        Output(page.IMPORT, "contents"),
        Input(page.IMPORT, "contents"),
        State(page.IMPORT, "filename"),
        State(page.DRY_RUN, "value"),
        State(page.CHANGED, "data"),
        State(page.PARAMS, "data"),
        prevent_initial_call=True,
    )
    def import_catalogue(contents, name, dry, changed, params) -> tuple:  # noqa: ANN001
        """All or nothing, as the data pool's ingest: every problem is listed with its row."""
        if contents is None:
            return (no_update,) * 3
        dry_run, lang = "dry" in (dry or []), lang_of(params)
        shown, accepted = _import(
            sessions, admin_user(sessions), contents, name, dry_run, max_bytes, lang
        )
        return shown, int(changed or 0) + 1 if accepted else no_update, None


def _attach(
    sessions: sessionmaker[Session],
    actor: str | None,
    doc_id: object,
    contents: str,
    name: str | None,
    max_bytes: int,
    lang: str,
) -> tuple[Any, str | None]:
    """Store an uploaded PDF; returns (the message, the form's new PDF line or None)."""
    if actor is None:
        return page.message(t("refused", lang), ok=False), None
    if not isinstance(doc_id, int):
        return page.message(t("pick_first", lang), ok=False), None
    try:
        with sessions() as session, session.begin():
            stored = policy.attach_pdf(
                session,
                doc_id,
                file_name=str(name or ""),
                data=upload_bytes(contents) or b"",
                max_bytes=max_bytes,
                actor=actor,
            )
    except policy.PolicyError as exc:
        return page.message(str(exc), ok=False), None
    size = file_size(stored.size)
    done = t("pdf_done", lang, name=stored.file_name, size=size)
    return page.message(done), f"PDF：{stored.file_name}（{size}）"


def _import(
    sessions: sessionmaker[Session],
    actor: str | None,
    contents: str,
    name: str | None,
    dry_run: bool,
    max_bytes: int,
    lang: str,
) -> tuple[Any, bool]:
    """Import (or only check) a catalogue; returns (the message, whether documents went in)."""
    if actor is None:
        return page.message(t("refused", lang), ok=False), False
    data = upload_bytes(contents)
    if data is None:
        return page.message(t("unreadable", lang), ok=False), False
    if len(data) > max_bytes:
        return page.message(t("too_big", lang, mb=max_bytes // 2**20), ok=False), False
    with sessions() as session, session.begin():
        report = policy.import_catalogue(
            session, data, actor=actor, file_name=str(name or ""), dry_run=dry_run
        )
    return page.import_result(report, str(name or ""), dry_run, lang), report.accepted


def _apply(
    session: Session,
    trigger: object,
    doc_id: int | None,
    fields: dict[str, Any],
    actor: str,
    lang: str,
) -> tuple[str, int | None]:
    """Save, hide / show or delete; returns (the message, the document now in the form)."""
    if trigger == page.SAVE:
        values = {k: v for k, v in fields.items() if v is not None}
        if doc_id is None:
            new_id = policy.create_document(session, values, actor=actor)
            return t("saved_new", lang, id=new_id), new_id
        diff = policy.update_document(session, doc_id, values, actor=actor)
        if not diff:
            return t("unchanged", lang), doc_id
        return t("saved", lang, id=doc_id, fields=field_names(list(diff), lang)), doc_id
    if doc_id is None:
        raise policy.PolicyError(t("pick_first", lang))
    if trigger == page.HIDE:
        doc = policy.get_document(session, doc_id, include_hidden=True)
        if doc is None:
            raise policy.NotFound(f"#{doc_id}")
        policy.set_hidden(session, doc_id, not doc.hidden, actor=actor)
        return t("now_shown" if doc.hidden else "now_hidden", lang, id=doc_id), doc_id
    if trigger == page.DELETE:
        policy.delete_document(session, doc_id, actor=actor)
        return t("deleted", lang, id=doc_id), None
    raise policy.PolicyError(f"unknown action {trigger!r}")


def _form_values(doc: policy.Document | None, lang: str) -> tuple:
    """The form's values for a document (blank for a new one) and its buttons' states."""
    if doc is None:
        blank = (None,) * len(FORM_FIELDS)
        return (*blank, t("new_doc", lang), t("hide", lang), True, True, "", True, "")
    values = {
        **{f: getattr(doc, f) for f in FORM_FIELDS},
        "issued_on": doc.issued_on.isoformat(),
        "tags": "，".join(doc.tags),
    }
    pdf = (
        f"PDF：{doc.pdf_name}（{round((doc.pdf_size or 0) / 1024, 1)} KB）" if doc.pdf_name else ""
    )
    return (
        *(values[f] for f in FORM_FIELDS),
        t("edit_doc", lang, id=doc.id),
        t("unhide" if doc.hidden else "hide", lang),
        False,
        False,
        t("delete_q", lang, title=doc.title),
        False,
        pdf,
    )
