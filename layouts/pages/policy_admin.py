"""The policy library's administration page (/policy/admin): every document (hidden ones
too), a form to add or edit one, hide / show and delete, the PDF upload, the catalogue import
and the audit log.

The layout carries no data and is the same for everyone: the list, the form's values and the
audit log only arrive through callbacks (callbacks/policy_admin.py), and each of them checks on
the server that the session's user is an administrator before it reads or writes anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import dcc, html

from datasource.models_policy import CATEGORIES, DOC_LEVELS
from datasource.policy import CHINA_TZ, AuditEntry, ImportReport, SearchPage
from layouts import theme
from layouts.figures_policy import action_name, field_names, level_name, t
from layouts.pages.policy import STYLE, header
from layouts.settings import ScreenSettings

# component ids of the administration page (namespaced "padmin-", like its sibling pages)
PARAMS = "padmin-params"
USER = "padmin-user"
GATE = "padmin-gate"
BODY = "padmin-body"
FILTER = "padmin-filter"
LIST = "padmin-list"
CURRENT = "padmin-current"  # {"id": document in the form or None, "rev": n}
CHANGED = "padmin-changed"  # bumped by every write: the list and the audit log re-read
FORM_TITLE = "padmin-form-title"
NEW = "padmin-new"
SAVE = "padmin-save"
HIDE = "padmin-hide"
DELETE = "padmin-delete"
DELETE_BUTTON = "padmin-delete-button"
FORM_MSG = "padmin-form-msg"
PDF = "padmin-pdf"
PDF_NOW = "padmin-pdf-now"
PDF_MSG = "padmin-pdf-msg"
IMPORT = "padmin-import"
DRY_RUN = "padmin-dry-run"
IMPORT_MSG = "padmin-import-msg"
AUDIT = "padmin-audit"

# the form's fields: document field -> component id
FIELDS = {
    "title": "padmin-f-title",
    "doc_no": "padmin-f-doc-no",
    "agency": "padmin-f-agency",
    "issued_on": "padmin-f-issued-on",
    "level": "padmin-f-level",
    "category": "padmin-f-category",
    "region_code": "padmin-f-region",
    "tags": "padmin-f-tags",
    "body": "padmin-f-body",
}


def edit_id(doc_id: int | Any) -> dict[str, object]:
    """Id of a list row's edit button. In callbacks pass dash.ALL as ``doc_id``."""
    return {"type": "padmin-edit", "id": doc_id}


_GRID = {"display": "grid", "gridTemplateColumns": "minmax(0, 5fr) minmax(0, 4fr)", "gap": "16px"}
_FORM = {"display": "grid", "gridTemplateColumns": "max-content 1fr", "gap": "8px 12px"}
_SECTION = STYLE["section"]
_DROP = STYLE["drop"]
_DROP_REJECT = {**_DROP, "borderColor": theme.ROSE, "color": theme.ROSE}
_TABLE = {"width": "100%", "fontSize": "14px"}
_DETAIL = {"fontSize": "12px", "wordBreak": "break-all"}
_SCROLL = {"maxHeight": "46vh", "overflowY": "auto"}


def _label(text: str, for_id: str) -> html.Label:
    return html.Label(text, htmlFor=for_id, style={"color": theme.MUTED, "paddingTop": "6px"})


_FIELD = {**STYLE["input"], "fontSize": "15px"}


def _input(id_: str, **kwargs: Any) -> dcc.Input:
    return dcc.Input(id=id_, className="form-control", style=_FIELD, **kwargs)


def _form(lang: str) -> html.Div:
    f = FIELDS
    rows: list[tuple[str, str, Any]] = [
        ("title", f["title"], _input(f["title"], type="text", maxLength=300)),
        ("doc_no", f["doc_no"], _input(f["doc_no"], type="text", maxLength=100)),
        ("issuer", f["agency"], _input(f["agency"], type="text", maxLength=100)),
        ("issued_on", f["issued_on"], _input(f["issued_on"], type="date")),
        (
            "level",
            f["level"],
            dcc.Dropdown(
                id=f["level"],
                options=[{"label": level_name(v, lang), "value": v} for v in DOC_LEVELS],
                clearable=False,
            ),
        ),
        (
            "category",
            f["category"],
            dcc.Dropdown(id=f["category"], options=[{"label": c, "value": c} for c in CATEGORIES]),
        ),
        (
            "region",
            f["region_code"],
            _input(f["region_code"], type="text", placeholder=t("region_ph", lang)),
        ),
        ("tags", f["tags"], _input(f["tags"], type="text")),
        (
            "body",
            f["body"],
            dcc.Textarea(
                id=f["body"],
                className="form-control",
                style={**_FIELD, "width": "100%", "height": "9rem"},
            ),
        ),
    ]
    return html.Div(
        [x for key, id_, widget in rows for x in (_label(t(key, lang), id_), widget)],
        className="padmin-form",
        style=_FORM,
    )


def build(settings: ScreenSettings, params: Mapping[str, str], lang: str = "zh") -> html.Div:
    """The whole /policy/admin page (empty until the role check lets its callbacks fill it)."""
    max_bytes = int(getattr(settings, "max_upload_mb", 50)) * 1024 * 1024
    buttons = html.Div(
        [
            html.Button(t("save", lang), id=SAVE, className="btn btn-info btn-sm"),
            html.Button(t("new_doc", lang), id=NEW, className="btn btn-outline-info btn-sm"),
            html.Button(
                t("hide", lang), id=HIDE, className="btn btn-outline-warning btn-sm", disabled=True
            ),
            dcc.ConfirmDialogProvider(
                html.Button(
                    t("delete", lang),
                    id=DELETE_BUTTON,
                    className="btn btn-outline-danger btn-sm",
                    disabled=True,
                ),
                id=DELETE,
                message="",
            ),
        ],
        style={**STYLE["tools"], "marginTop": "12px"},
    )
    editor = html.Div(
        [
            html.H2(t("new_doc", lang), id=FORM_TITLE, style=_SECTION),
            _form(lang),
            buttons,
            html.Div(id=FORM_MSG, className="padmin-form-msg", role="status"),
            html.Div(id=PDF_NOW, style=STYLE["meta"]),
            dcc.Upload(
                t("pdf_upload", lang),
                id=PDF,
                accept="application/pdf,.pdf",
                max_size=max_bytes,
                disabled=True,
                style=_DROP,
                style_reject=_DROP_REJECT,
                style_disabled={**_DROP, "opacity": 0.4, "cursor": "not-allowed"},
            ),
            html.Div(id=PDF_MSG, className="padmin-pdf-msg", role="status"),
        ],
        className="padmin-editor",
        style=STYLE["card"],
    )
    importer = html.Div(
        [
            html.H2(t("import", lang), style=_SECTION),
            dcc.Checklist(
                id=DRY_RUN,
                options=[{"label": " " + t("dry_run", lang), "value": "dry"}],
                value=[],
                inputStyle={"marginRight": "6px"},
            ),
            dcc.Upload(
                t("import_drop", lang),
                id=IMPORT,
                accept=".csv,.xlsx,text/csv",
                max_size=max_bytes,
                style=_DROP,
                style_reject=_DROP_REJECT,
            ),
            html.Div(id=IMPORT_MSG, className="padmin-import-msg", role="status"),
        ],
        style=STYLE["card"],
    )
    listing = html.Div(
        [
            html.H2(t("documents", lang), style=_SECTION),
            _input(FILTER, type="search", debounce=True, placeholder=t("filter_ph", lang)),
            html.Div(id=LIST, className="padmin-list", style={**_SCROLL, "marginTop": "8px"}),
        ],
        style=STYLE["card"],
    )
    audit = html.Div(
        [html.H2(t("audit", lang), style=_SECTION), html.Div(id=AUDIT, style=_SCROLL)],
        style=STYLE["card"],
    )
    return html.Div(
        [
            dcc.Store(id=PARAMS, data={"lang": lang, **dict(params)}),
            dcc.Store(id=CURRENT, data={"id": None, "rev": 0}),
            dcc.Store(id=CHANGED, data=0),
            header("manage", lang, USER),
            html.Div(id=GATE, className="padmin-gate", role="alert"),
            html.Div(
                [
                    html.Div(
                        [html.Div([listing, audit]), html.Div([editor, importer])], style=_GRID
                    ),
                ],
                id=BODY,
                style={"display": "none"},
            ),
        ],
        className="policy-page padmin-page",
        style=STYLE["page"],
        **{"data-bs-theme": "dark"},
    )


def gate(user: str | None, lang: str) -> html.Div:
    """What a visitor who is not an administrator sees instead of the page."""
    if user is None:
        return html.Div(
            [
                html.P(t("gate_login", lang)),
                html.A(
                    t("login", lang),
                    href="/login?next=/policy/admin",
                    className="btn btn-info btn-sm",
                ),
            ],
            className="alert alert-warning",
        )
    return html.Div(t("gate_role", lang, user=user), className="alert alert-danger")


def message(text: str, ok: bool = True) -> html.Div:
    return html.Div(text, className=f"alert py-2 mt-2 alert-{'success' if ok else 'danger'}")


def problems(title: str, lines: Sequence[str]) -> html.Div:
    """A refusal with its reasons, one per line (which row, which column, why)."""
    return html.Div(
        [html.Div(title, style={"fontWeight": 700}), html.Ul([html.Li(x) for x in lines])],
        className="alert alert-danger py-2 mt-2",
    )


def document_list(page: SearchPage, lang: str) -> html.Table | html.P:
    if not page.hits:
        return html.P(t("none", lang), className="policy-empty")
    head = html.Thead(
        html.Tr(
            [
                html.Th(x)
                for x in ("#", t("title", lang), t("issuer", lang), t("issued_on", lang))
                + (t("status", lang), "")
            ]
        )
    )
    rows = [
        html.Tr(
            [
                html.Td(hit.id),
                html.Td(hit.title, className="padmin-row-title"),
                html.Td(hit.agency),
                html.Td(hit.issued_on.isoformat(), style={"whiteSpace": "nowrap"}),
                html.Td(
                    t("hidden" if hit.hidden else "shown", lang),
                    style={"color": theme.MUTED if hit.hidden else theme.TEXT},
                ),
                html.Td(
                    html.Button(
                        t("edit", lang), id=edit_id(hit.id), className="btn btn-link btn-sm p-0"
                    )
                ),
            ],
            className="padmin-row",
        )
        for hit in page.hits
    ]
    return html.Table(
        [head, html.Tbody(rows)],
        className="table table-sm table-dark table-hover padmin-table",
        style=_TABLE,
    )


def audit_list(entries: Sequence[AuditEntry], lang: str) -> html.Table:
    head = html.Thead(
        html.Tr(
            [html.Th(t(k, lang)) for k in ("at", "user", "action")]
            + [html.Th("#")]
            + [html.Th(t("detail", lang))]
        )
    )
    rows = [
        html.Tr(
            [
                html.Td(e.at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S")),
                html.Td(e.username),
                html.Td(action_name(e.action, lang)),
                html.Td(e.document_id if e.document_id is not None else "—"),
                html.Td(
                    audit_detail(e, lang), style={"fontSize": "12px", "wordBreak": "break-all"}
                ),
            ],
            className="padmin-audit-row",
        )
        for e in entries
    ]
    return html.Table(
        [head, html.Tbody(rows)],
        className="table table-sm table-dark padmin-audit",
        style=_TABLE,
    )


def import_result(report: ImportReport, file_name: str, dry_run: bool, lang: str) -> html.Div:
    """An import's outcome: how many went in, or every problem with its row."""
    lines = [p.render() for p in report.problems]
    lines += [p.render() for r in report.rows for p in r.problems]
    if lines:
        return problems(t("import_bad", lang, n=len(lines), name=file_name), lines[:50])
    if dry_run:
        return message(t("import_ok", lang, n=len(report.rows)))
    return message(t("import_done", lang, n=report.created, name=file_name))


def audit_detail(entry: AuditEntry, lang: str = "zh") -> str:
    """One line of what an entry changed: 标题：旧 → 新 for edits, the key values otherwise."""
    d = entry.detail
    if entry.action == "edit":
        return "；".join(
            f"{field_names([k], lang)}：{v.get('old')} → {v.get('new')}"
            for k, v in d.items()
            if isinstance(v, dict)
        )
    return "；".join(f"{k}={v}" for k, v in d.items() if v not in (None, "", []))
