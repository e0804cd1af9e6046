"""HTTP endpoints of the policy library under /api/policy: search, documents, PDFs,
statistics and their export for everyone; login and logout; and the administration
endpoints (create, edit, hide, delete, upload a PDF, import a catalogue, read the audit log),
which answer 401 without a login and 403 to a user who is not an administrator.
"""

from __future__ import annotations

import logging
from datetime import date

import flask
from sqlalchemy.orm import Session, sessionmaker

from callbacks.policy import browser_session_id
from dashboard import auth
from dashboard.api_format import ApiError, attachment, json_errors
from dashboard.config import Settings
from datasource import policy
from layouts import figures_policy

log = logging.getLogger(__name__)

PREFIX = "/api/policy"
MULTIPART_SLACK = 64 * 1024  # form boundaries and headers around the file itself
MAX_ID = 2**31 - 1  # ids are INTEGER (32 bits on PostgreSQL): past it no document (404)
MAX_PAGE = 100  # hits per search page
MAX_OFFSET = 10_000  # the deepest search page start
MAX_AUDIT = 1000  # audit entries per request


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter within [low, high]; 400 (in the /api/v1 error shape)
    otherwise."""
    raw = flask.request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise ApiError(400, "bad_parameter", f"{name} must be an integer {low}-{high}", name)
    return value


def _json_body(*, required: bool = True) -> dict:
    """The request's JSON object. A body that is not sent as application/json is refused
    (415): a cross-site form can post text/plain without a preflight, never JSON."""
    if not required and not flask.request.content_length and not flask.request.data:
        return {}
    if not flask.request.is_json:
        raise ApiError(415, "unsupported_media_type", "send the body as application/json")
    body = flask.request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "bad_json", "the body must be a JSON object")
    return body


def _date(value: str | None) -> date | None:
    if not value:
        return None
    parsed = policy.parse_date(value)
    if parsed is None:
        flask.abort(flask.make_response(flask.jsonify(error=f"bad date {value!r}"), 400))
    return parsed


def _error(exc: policy.PolicyError) -> tuple[flask.Response, int]:
    return flask.jsonify(error=str(exc)), exc.status


def register(server: flask.Flask, *, sessions: sessionmaker[Session], settings: Settings) -> None:
    """Add the policy endpoints and the signed-session configuration to ``server``."""
    auth.configure(server, settings, sessions)
    bp = flask.Blueprint("policy_api", __name__, url_prefix=PREFIX)
    json_errors(bp)  # the /api/v1 handling: HTTP errors as JSON, database down 503, else 500

    @bp.url_value_preprocessor
    def _id_in_range(_endpoint: str | None, values: dict | None) -> None:
        if values and values.get("doc_id", 0) > MAX_ID:
            raise ApiError(404, "not_found", "no such document", "doc_id")

    admin = auth.admin_required(sessions)
    max_bytes = settings.max_upload_mb * 1024 * 1024

    def actor() -> str:
        who = auth.current_user()
        return who[0] if who else "?"

    def limit_body() -> None:
        # werkzeug refuses a larger body with 413 before it is parsed or buffered
        flask.request.max_content_length = max_bytes + MULTIPART_SLACK

    @bp.get("/search")
    def search():  # type: ignore[no-untyped-def]
        a = flask.request.args
        with sessions() as session:
            page = policy.search(
                session,
                q=a.get("q"),
                category=a.get("category") or None,
                agency=a.get("agency") or None,
                level=a.get("level") or None,
                region_code=a.get("region") or None,
                date_from=_date(a.get("from")),
                date_to=_date(a.get("to")),
                limit=_int_arg("limit", 20, 1, MAX_PAGE),
                offset=_int_arg("offset", 0, 0, MAX_OFFSET),
            )
        return {
            "total": page.total,
            "terms": list(page.terms),
            "hits": [h.as_json() for h in page.hits],
        }

    @bp.get("/documents/<int:doc_id>")
    def document(doc_id: int):  # type: ignore[no-untyped-def]
        """Read a document: counts a view for this visitor (see policy.count_view). Who last
        changed it (``updated_by``, a login name) only for administrators."""
        cookieless = not flask.session.get("sid")
        address = (flask.request.remote_addr or "?") if cookieless else None
        with sessions() as session, session.begin():
            doc = policy.get_document(session, doc_id)
            if doc is None:
                return {"error": "not found"}, 404
            counted = policy.count_view(session, doc_id, browser_session_id(), address=address)
        payload = doc.as_json()
        if auth.role_of(sessions) != "admin":
            payload.pop("updated_by", None)
        return {**payload, "counted": counted}

    @bp.get("/documents/<int:doc_id>/pdf")
    def pdf(doc_id: int):  # type: ignore[no-untyped-def]
        with sessions() as session:
            found = policy.get_pdf(session, doc_id)
        if found is None:
            return {"error": "no PDF"}, 404
        name, data = found
        response = flask.Response(data, mimetype="application/pdf")
        attachment(response, name)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    def read_stats() -> policy.PolicyStats:
        a = flask.request.args
        with sessions() as session:
            return policy.stats(
                session,
                tab=a.get("tab", "policy"),
                period_kind=a.get("kind", "month"),
                period=a.get("period"),
            )

    @bp.get("/stats")
    def stats():  # type: ignore[no-untyped-def]
        try:
            s = read_stats()
        except policy.PolicyError as exc:
            return _error(exc)
        return {
            "tab": s.tab,
            "kind": s.period_kind,
            "period": s.period,
            "views": s.views,
            "series": [{"month": m, "views": n} for m, n in s.series],
            "top_documents": [
                {"rank": d.rank, "id": d.document_id, "title": d.title, "views": d.views}
                for d in s.top_documents
            ],
            "top_agencies": [
                {"rank": g.rank, "agency": g.agency, "documents": g.documents}
                for g in s.top_agencies
            ],
        }

    @bp.get("/stats/export")
    def stats_export():  # type: ignore[no-untyped-def]
        try:
            s = read_stats()
        except policy.PolicyError as exc:
            return _error(exc)
        if flask.request.args.get("format", "csv") == "xlsx":
            data, ext = figures_policy.export_xlsx(s), "xlsx"
            mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            data, ext, mime = figures_policy.export_csv(s), "csv", "text/csv; charset=utf-8"
        response = flask.Response(data, mimetype=mime)
        return attachment(response, figures_policy.export_name(s, ext))

    @bp.post("/login")
    def login():  # type: ignore[no-untyped-def]
        body = flask.request.get_json(silent=True) or flask.request.form
        username, password = str(body.get("username", "")), str(body.get("password", ""))
        client = flask.request.remote_addr or "?"
        result = auth.authenticate(sessions, username, password, client=client)
        if result.status == 429:
            return {"error": "too many failed logins; try again in 5 minutes"}, 429
        if result.status != 200:
            return {"error": "wrong user name or password"}, 401
        auth.login(result)
        return {"user": result.username, "role": result.role}

    @bp.post("/logout")
    def logout():  # type: ignore[no-untyped-def]
        auth.logout(sessions)  # the user's session epoch moves on: every copy of the cookie ends
        return {"ok": True}

    @bp.get("/me")
    def me():  # type: ignore[no-untyped-def]
        who = auth.current_user()
        role = auth.role_of(sessions)
        return {"user": who[0] if who and role else None, "role": role}

    @bp.post("/documents")
    @admin
    def create():  # type: ignore[no-untyped-def]
        try:
            with sessions() as session, session.begin():
                doc_id = policy.create_document(session, _json_body(), actor=actor())
        except policy.PolicyError as exc:
            return _error(exc)
        return {"id": doc_id}, 201

    @bp.route("/documents/<int:doc_id>", methods=["PATCH", "PUT"])
    @admin
    def edit(doc_id: int):  # type: ignore[no-untyped-def]
        try:
            with sessions() as session, session.begin():
                diff = policy.update_document(session, doc_id, _json_body(), actor=actor())
        except policy.PolicyError as exc:
            return _error(exc)
        return {"id": doc_id, "changed": sorted(diff)}

    @bp.post("/documents/<int:doc_id>/hide")
    @admin
    def hide(doc_id: int):  # type: ignore[no-untyped-def]
        hidden = bool(_json_body(required=False).get("hidden", True))
        try:
            with sessions() as session, session.begin():
                policy.set_hidden(session, doc_id, hidden, actor=actor())
        except policy.PolicyError as exc:
            return _error(exc)
        return {"id": doc_id, "hidden": hidden}

    @bp.delete("/documents/<int:doc_id>")
    @admin
    def remove(doc_id: int):  # type: ignore[no-untyped-def]
        try:
            with sessions() as session, session.begin():
                policy.delete_document(session, doc_id, actor=actor())
        except policy.PolicyError as exc:
            return _error(exc)
        return {"id": doc_id, "deleted": True}

    @bp.post("/documents/<int:doc_id>/pdf")
    @admin
    def upload(doc_id: int):  # type: ignore[no-untyped-def]
        limit_body()
        file = flask.request.files.get("file")
        if file is None:
            return {"error": "send the PDF as multipart field 'file'"}, 400
        data = file.stream.read(max_bytes + 1)
        try:
            with sessions() as session, session.begin():
                stored = policy.attach_pdf(
                    session,
                    doc_id,
                    file_name=file.filename or "",
                    data=data,
                    max_bytes=max_bytes,
                    actor=actor(),
                )
        except policy.PolicyError as exc:
            return _error(exc)
        return {
            "id": doc_id,
            "file_name": stored.file_name,
            "size": stored.size,
            "sha256": stored.sha256,
        }, 201

    @bp.post("/import")
    @admin
    def import_catalogue():  # type: ignore[no-untyped-def]
        limit_body()
        file = flask.request.files.get("file")
        if file is None:
            return {"error": "send the catalogue as multipart field 'file'"}, 400
        dry_run = flask.request.args.get("dry_run", "") in {"1", "true"}
        with sessions() as session, session.begin():
            report = policy.import_catalogue(
                session,
                file.stream.read(max_bytes + 1),
                actor=actor(),
                file_name=file.filename or "",
                dry_run=dry_run,
            )
        return report.as_json(), 200 if report.accepted or dry_run else 422

    @bp.get("/audit")
    @admin
    def audit():  # type: ignore[no-untyped-def]
        with sessions() as session:
            entries = policy.audit_entries(session, limit=_int_arg("limit", 100, 1, MAX_AUDIT))
        return {
            "entries": [
                {
                    "at": e.at.isoformat(),
                    "user": e.username,
                    "action": e.action,
                    "document_id": e.document_id,
                    "detail": e.detail,
                }
                for e in entries
            ]
        }

    server.register_blueprint(bp)
