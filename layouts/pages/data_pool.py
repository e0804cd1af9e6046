"""The data pool's administration page (/data, 数据资源池 · 数据采集入库与存储管理): upload a
CSV/XLSX file into the pool (all rows or none, with a row-by-row report), the ingest batches
newest first with each one's rejected rows or replaced values, and the data state.

The layout carries no data and is the same for everyone: the history, the state and every
report only arrive through callbacks (callbacks/data_pool.py), and each of them checks on the
server that the session's user is an administrator before it reads or writes anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from dash import dcc, html

from datasource.pool_admin import BatchDetail, BatchPage, PoolState
from layouts import theme
from layouts.data_pool_text import (
    AUTO,
    SOURCE_NAMES,
    STATUS_COLOURS,
    STATUS_NAMES,
    TABLE_NAMES,
    beijing,
    kind_name,
    kind_options,
    name_of,
    number,
    problem_line,
    t,
)
from layouts.pages.policy import STYLE
from layouts.settings import ScreenSettings

if TYPE_CHECKING:
    from datasource.ingest import IngestReport
    from datasource.pdi_ingest import PdiReport

# component ids of the page (namespaced "dpool-", like its sibling pages)
PARAMS = "dpool-params"
USER = "dpool-user"
GATE = "dpool-gate"
BODY = "dpool-body"
KIND = "dpool-kind"
DRY_RUN = "dpool-dry-run"
UPLOAD = "dpool-upload"
REPORT = "dpool-report"
CHANGED = "dpool-changed"  # bumped by every upload: the history and the state re-read
HISTORY = "dpool-history"
MORE = "dpool-more"
DETAIL = "dpool-detail"
STATE = "dpool-state"
TICK = "dpool-tick"  # re-reads the state: the scheduler rebuilds the rollups after an ingest

PAGE_SIZE = 50  # batches per "more"
MAX_SHOWN_PROBLEMS = 200  # a report lists at most this many problems on screen


def batch_id(batch: int | Any) -> dict[str, object]:
    """Id of a history row's file button. In callbacks pass dash.ALL as ``batch``."""
    return {"type": "dpool-batch", "id": batch}


# --------------------------------------------------------------------------- the page

_SECTION = STYLE["section"]
_DROP = STYLE["drop"]
_CARD = {**STYLE["card"], "display": "flex", "flexDirection": "column", "minHeight": 0}
_SCROLL = {"overflowY": "auto", "minHeight": 0}
_TABLE = {"width": "100%", "fontSize": "14px", "marginBottom": 0}
_SOURCE = {"whiteSpace": "nowrap", "paddingLeft": "16px"}
_STICKY = {"whiteSpace": "nowrap", "position": "sticky", "top": 0, "zIndex": 1}  # header stays
_COLUMN = {"display": "flex", "flexDirection": "column", "gap": "10px", "minHeight": 0}
# the router puts the navigation bar above the page; the page scrolls inside the rest
_PAGE = {
    **STYLE["page"],
    "height": "100%",
    "display": "flex",
    "flexDirection": "column",
    "padding": "8px 28px 12px",
}


def build(settings: ScreenSettings, params: Mapping[str, str], lang: str = "zh") -> html.Div:
    """The whole /data page (empty until the role check lets its callbacks fill it)."""
    max_mb = int(getattr(settings, "max_upload_mb", 50))
    ingest = html.Div(
        [
            html.H2(t("ingest", lang), style=_SECTION),
            html.P(t("rule", lang), style=STYLE["meta"]),
            html.Div(
                [
                    html.Label(t("kind", lang), htmlFor=KIND, style={"color": theme.MUTED}),
                    dcc.Dropdown(
                        id=KIND,
                        options=kind_options(lang),
                        value=AUTO,
                        clearable=False,
                        searchable=False,
                        style={"minWidth": 0},
                    ),
                    dcc.Checklist(
                        id=DRY_RUN,
                        options=[{"label": " " + t("dry_run", lang), "value": "dry"}],
                        value=[],
                        inputStyle={"marginRight": "6px"},
                        style={"whiteSpace": "nowrap"},
                    ),
                ],
                style={
                    "display": "grid",
                    "gridTemplateColumns": "max-content minmax(0, 1fr) max-content",
                    "gap": "12px",
                    "alignItems": "center",
                },
            ),
            dcc.Upload(
                t("drop", lang, mb=max_mb),
                id=UPLOAD,
                accept=".csv,.xlsx,text/csv",
                max_size=max_mb * 1024 * 1024,
                style=_DROP,
                style_reject={**_DROP, "borderColor": theme.ROSE, "color": theme.ROSE},
            ),
            html.Div(
                id=REPORT,
                className="dpool-report",
                role="status",
                style={**_SCROLL, "marginTop": "10px"},
            ),
        ],
        style={**_CARD, "flex": "1 1 auto"},
    )
    state = html.Div(
        [html.H2(t("state", lang), style=_SECTION), html.Div(id=STATE, className="dpool-state")],
        style={**_CARD, "flex": "0 0 auto"},
    )
    history = html.Div(
        [
            html.H2(t("history", lang), style=_SECTION),
            html.Div(id=HISTORY, className="dpool-history", style={**_SCROLL, "flex": "1 1 0"}),
            html.Button(
                t("more", lang),
                id=MORE,
                className="btn btn-outline-info btn-sm mt-2 align-self-start",
                style={"display": "none"},
            ),
        ],
        style={**_CARD, "flex": "3 1 0"},
    )
    detail = html.Div(
        [
            html.Div(
                html.P(t("pick", lang), style=STYLE["count"]),
                id=DETAIL,
                className="dpool-detail",
                style={**_SCROLL, "flex": "1 1 0"},
            )
        ],
        style={**_CARD, "flex": "2 1 0"},
    )
    return html.Div(
        [
            dcc.Store(id=PARAMS, data={**dict(params), "lang": lang}),  # the page's language wins
            dcc.Store(id=CHANGED, data=0),
            dcc.Interval(id=TICK, interval=30_000),
            html.Div(
                [
                    html.H1(
                        t("title", lang),
                        style={"fontSize": "22px", "fontWeight": 700, "color": theme.ACCENT},
                        className="m-0",
                    ),
                    html.Span(id=USER, className="policy-user", style=STYLE["user"]),
                ],
                style={**STYLE["header"], "marginBottom": "10px"},
            ),
            html.Div(id=GATE, className="dpool-gate", role="alert"),
            html.Div(
                [
                    html.Div([ingest, state], style=_COLUMN),
                    html.Div([history, detail], style=_COLUMN),
                ],
                id=BODY,
                style={"display": "none"},
            ),
        ],
        className="dpool-page",
        style=_PAGE,
        **{"data-bs-theme": "dark"},
    )


BODY_SHOWN = {
    "display": "grid",
    "gridTemplateColumns": "minmax(0, 5fr) minmax(0, 7fr)",
    "gap": "16px",
    "flex": "1 1 0",
    "minHeight": 0,
}
BODY_HIDDEN = {"display": "none"}


def gate(user: str | None, lang: str) -> html.Div:
    """What a visitor who is not an administrator sees instead of the page."""
    if user is None:
        return html.Div(
            [
                html.P(t("gate_login", lang)),
                html.A(t("login", lang), href="/login?next=/data", className="btn btn-info btn-sm"),
            ],
            className="alert alert-warning",
        )
    return html.Div(t("gate_role", lang, user=user), className="alert alert-danger")


def message(text: str, ok: bool = True) -> html.Div:
    return html.Div(text, className=f"alert py-2 mb-0 alert-{'success' if ok else 'danger'}")


# --------------------------------------------------------------------------- an ingest's report


def ingest_result(report: IngestReport | PdiReport, lang: str = "zh") -> html.Div:
    """An upload's outcome: the counts and the new data version, or every listed problem with
    its row and the sentence that nothing changed. Takes a pool or a PDI report."""
    name, kind = report.file_name, kind_name(report.kind, lang)
    if not report.ok:
        return _rejected(report, name, kind, lang)
    unchanged = getattr(report, "unchanged", None)
    if unchanged is None:  # the PDI report counts no unchanged rows
        counts = t(
            "counts_pdi", lang, rows=report.rows, inserted=report.inserted, replaced=report.replaced
        )
    else:
        counts = t(
            "counts",
            lang,
            rows=report.rows,
            inserted=report.inserted,
            replaced=report.replaced,
            unchanged=unchanged,
        )
    version = report.data_version
    if report.status == "dry-run":
        lines = [
            t("dry_ok", lang, name=name, kind=kind),
            counts,
            t("version_same", lang, version=version),
        ]
    elif report.status == "unchanged":
        lines = [
            t("unchanged", lang, name=name, kind=kind),
            counts,
            t("batch_same", lang, batch=report.batch_id, version=version),
        ]
    else:
        lines = [
            t("accepted", lang, name=name, kind=kind),
            counts,
            t("version_now", lang, batch=report.batch_id, version=version),
            t("rollup_next", lang),
        ]
    ignored = list(getattr(report, "ignored_columns", []) or [])
    if ignored:
        lines.append(t("ignored", lang, cols=", ".join(ignored)))
    head, *rest = lines
    return html.Div(
        [html.Div(head, style={"fontWeight": 700}), *[html.Div(x) for x in rest]],
        className="alert alert-success py-2 mb-0 dpool-accepted",
    )


def _rejected(report: IngestReport | PdiReport, name: str, kind: str, lang: str) -> html.Div:
    listed = report.problems[:MAX_SHOWN_PROBLEMS]
    total = max(int(getattr(report, "problem_count", 0) or 0), len(report.problems))
    rest = total - len(listed)
    items = [html.Li(problem_line(p.line, p.column, p.reason, lang)) for p in listed]
    if rest > 0:
        items.append(html.Li(t("more_problems", lang, n=rest), style={"listStyle": "none"}))
    tail = [
        html.Div(t("nothing_changed", lang, version=report.data_version), style={"fontWeight": 700})
    ]
    if report.batch_id is not None:
        tail.append(html.Div(t("recorded", lang, batch=report.batch_id)))
    return html.Div(
        [
            html.Div(t("rejected", lang, name=name, kind=kind, n=total), style={"fontWeight": 700}),
            html.Ul(items, className="dpool-problems mb-1", style={"wordBreak": "break-word"}),
            *tail,
        ],
        className="alert alert-danger py-2 mb-0 dpool-rejected",
    )


# --------------------------------------------------------------------------- storage


def source_text(source: str, actor: str | None, lang: str = "zh") -> str:
    """网页 · admin: where a batch came from and who loaded it (when known)."""
    where = name_of(SOURCE_NAMES, source, lang)
    return f"{where} · {actor}" if actor else where


def batch_table(page: BatchPage, lang: str = "zh") -> html.Div:
    """The history: one row per batch, newest first; the file name opens its detail."""
    if not page.batches:
        return html.P(t("no_batches", lang), style=STYLE["count"])
    keys = ("at", "file_name", "kind_col", "status", "rows", "inserted", "replaced", "source")
    right = {"textAlign": "right"}
    align = {"rows": right, "inserted": right, "replaced": right, "source": _SOURCE}
    head = html.Thead(
        html.Tr([html.Th(t(k, lang), style={**_STICKY, **align.get(k, {})}) for k in keys])
    )
    rows = [
        html.Tr(
            [
                html.Td(beijing(b.created_at), style={"whiteSpace": "nowrap"}),
                html.Td(
                    html.Button(
                        b.file_name,
                        id=batch_id(b.id),
                        title=f"#{b.id} {b.file_name}",
                        className="btn btn-link btn-sm p-0 text-start dpool-file",
                        style={"wordBreak": "break-all"},
                    )
                ),
                html.Td(kind_name(b.kind, lang)),
                html.Td(
                    name_of(STATUS_NAMES, b.status, lang),
                    style={
                        "color": STATUS_COLOURS.get(b.status, theme.TEXT),
                        "whiteSpace": "nowrap",
                    },
                ),
                html.Td(f"{b.rows:,}", style=right),
                html.Td(f"{b.inserted:,}", style=right),
                html.Td(f"{b.replaced:,}", style=right),
                html.Td(source_text(b.source, b.actor, lang), style=_SOURCE),
            ],
            className="dpool-batch-row",
        )
        for b in page.batches
    ]
    shown = t("shown", lang, shown=len(page.batches), total=page.total)
    return html.Div(
        [
            html.Table(
                [head, html.Tbody(rows)],
                className="table table-sm table-dark table-hover dpool-table",
                style=_TABLE,
            ),
            html.P(shown, style={**STYLE["meta"], "marginTop": "6px"}),
        ]
    )


def batch_detail(detail: BatchDetail | None, lang: str = "zh", wanted: int | None = None) -> Any:
    """A batch's rejected rows (first 200) or its replaced values (key: old → new)."""
    if detail is None:
        return html.P(t("detail_gone", lang, id=wanted), style=STYLE["count"])
    b = detail.batch
    head = html.H3(
        t(
            "detail_head",
            lang,
            id=b.id,
            name=b.file_name,
            kind=kind_name(b.kind, lang),
            status=name_of(STATUS_NAMES, b.status, lang),
        ),
        style={"fontSize": "16px", "fontWeight": 700, "margin": "0 0 8px"},
        className="dpool-detail-head",
    )
    if detail.rejected or b.status == "rejected":
        items = [html.Li(problem_line(r.line, r.column, r.reason, lang)) for r in detail.rejected]
        rest = detail.rejected_total - len(detail.rejected)
        if rest > 0:
            items.append(html.Li(t("detail_more", lang, n=rest), style={"listStyle": "none"}))
        return html.Div(
            [
                head,
                html.Div(t("detail_rejected", lang, n=detail.rejected_total), style=STYLE["meta"]),
                html.Ul(
                    items, className="dpool-detail-rejected", style={"wordBreak": "break-word"}
                ),
            ]
        )
    if not detail.changes:
        return html.Div([head, html.P(t("detail_none", lang), style=STYLE["count"])])
    rows = [
        html.Tr(
            [
                html.Td(name_of(TABLE_NAMES, c.table_name, lang), style={"whiteSpace": "nowrap"}),
                html.Td(c.key, style={"wordBreak": "break-all"}),
                html.Td(
                    f"{number(c.old_value)} → {number(c.new_value)}", style={"whiteSpace": "nowrap"}
                ),
            ],
            className="dpool-change-row",
        )
        for c in detail.changes
    ]
    rest = detail.changes_total - len(detail.changes)
    foot = [t("units", lang)] + ([t("detail_more", lang, n=rest)] if rest > 0 else [])
    return html.Div(
        [
            head,
            html.Div(t("detail_changes", lang, n=detail.changes_total), style=STYLE["meta"]),
            html.Table(
                [
                    html.Thead(html.Tr([html.Th(t(k, lang)) for k in ("table", "key", "old_new")])),
                    html.Tbody(rows),
                ],
                className="table table-sm table-dark dpool-changes",
                style=_TABLE,
            ),
            *[html.P(x, style=STYLE["meta"]) for x in foot],
        ]
    )


def state_lines(state: PoolState, refresh_seconds: int, lang: str = "zh") -> html.Div:
    """The data version, the version the wall's aggregates were built from, and who builds them."""
    version = t("version", lang, v=state.version)
    if state.changed_at is not None:
        version += t("changed_at", lang, at=beijing(state.changed_at))
    if state.rollup_version < 0:
        rollup, ok = t("rollup_never", lang), False
    else:
        rollup, ok = t("rollup", lang, v=state.rollup_version), state.rollup_current
        if state.rollup_at is not None:
            rollup += t("rollup_at", lang, at=beijing(state.rollup_at))
    flag = html.Span(
        t("rollup_current" if ok else "rollup_behind", lang),
        className=f"badge ms-2 {'text-bg-success' if ok else 'text-bg-warning'}",
    )
    return html.Div(
        [
            html.Div(version, className="dpool-version"),
            html.Div([rollup, flag], className="dpool-rollup"),
            html.P(
                t("scheduler", lang, s=refresh_seconds),
                style={**STYLE["meta"], "margin": "6px 0 0"},
            ),
        ]
    )


def more_style(page: BatchPage) -> dict[str, str]:
    """The 更多 button shows while older batches are left."""
    return {} if len(page.batches) < page.total else {"display": "none"}
