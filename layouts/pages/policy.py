"""The policy library page (/policy): search box and filters, ranked results, a reading view.

Callbacks live in callbacks/policy.py; this module only builds components from plain data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from datasource.models_policy import CATEGORIES, DOC_LEVELS
from datasource.policy import Document, SearchPage
from layouts import theme
from layouts.figures_policy import level_name, t
from layouts.settings import ScreenSettings

# component ids of the policy pages (namespaced "policy-"; the lead may move them to ids.py)
PARAMS = "policy-params"
USER = "policy-user"
Q = "policy-q"
SEARCH = "policy-search"
CATEGORY = "policy-category"
AGENCY = "policy-agency"
LEVEL = "policy-level"
REGION = "policy-region"
DATE_FROM = "policy-date-from"
DATE_TO = "policy-date-to"
RESULTS = "policy-results"
DOC = "policy-doc-store"
READER = "policy-reader"
BACK = "policy-back"
HIDE = "policy-hide"
MESSAGE = "policy-message"
LIST_PANE = "policy-list-pane"
READER_PANE = "policy-reader-pane"


EDGE = "rgba(56, 189, 248, 0.22)"
# inline, because the wall's stylesheet is not this page's (it also hides the body's scroll bar)
STYLE: dict[str, dict[str, object]] = {
    "page": {
        "minHeight": "100%",
        "boxSizing": "border-box",
        "padding": "16px 28px 28px",
        "background": theme.BG,
        "color": theme.TEXT,
        "fontFamily": theme.FONT_FAMILY,
        "fontSize": "15px",
        "colorScheme": "dark",
        "--Dash-Fill-Inverse-Strong": theme.PANEL,
        "--Dash-Text-Strong": theme.TEXT,
        "--Dash-Text-Primary": theme.TEXT,
        "--Dash-Text-Weak": theme.MUTED,
        "--Dash-Text-Disabled": theme.MUTED,
        "--Dash-Stroke-Strong": EDGE,
        "--Dash-Stroke-Weak": EDGE,
        "--Dash-Fill-Interactive-Strong": theme.ACCENT,
        "--Dash-Fill-Interactive-Weak": "rgba(56, 189, 248, 0.15)",
    },
    "header": {
        "display": "flex",
        "alignItems": "center",
        "gap": "28px",
        "borderBottom": f"1px solid {EDGE}",
        "paddingBottom": "10px",
        "marginBottom": "14px",
    },
    "brand": {"fontSize": "22px", "fontWeight": 700, "color": theme.ACCENT, "letterSpacing": "2px"},
    "nav": {"display": "flex", "gap": "6px"},
    "link": {
        "padding": "6px 14px",
        "color": theme.TEXT,
        "textDecoration": "none",
        "borderBottom": "2px solid transparent",
    },
    "link_on": {
        "padding": "6px 14px",
        "color": theme.ACCENT,
        "textDecoration": "none",
        "borderBottom": f"2px solid {theme.ACCENT}",
    },
    "user": {"marginLeft": "auto", "color": theme.MUTED},
    "search_row": {"display": "flex", "gap": "8px", "maxWidth": "980px"},
    "filters": {
        "display": "grid",
        "gridTemplateColumns": "repeat(6, minmax(0, 1fr))",
        "gap": "8px",
        "margin": "10px 0 16px",
    },
    "input": {"background": theme.PANEL, "color": theme.TEXT, "border": f"1px solid {EDGE}"},
    "card": {
        "background": theme.PANEL,
        "border": f"1px solid {EDGE}",
        "borderRadius": "6px",
        "padding": "12px 16px",
        "marginBottom": "10px",
    },
    "title_button": {
        "background": "none",
        "border": "none",
        "padding": 0,
        "color": theme.ACCENT,
        "fontSize": "18px",
        "textAlign": "left",
        "cursor": "pointer",
    },
    "meta": {"color": theme.MUTED, "fontSize": "13px", "margin": "4px 0"},
    "count": {"color": theme.MUTED, "margin": "0 0 8px"},
    "body": {"whiteSpace": "pre-wrap", "lineHeight": 1.9, "fontSize": "16px", "margin": "14px 0"},
    "dl": {
        "display": "grid",
        "gridTemplateColumns": "max-content 1fr",
        "gap": "4px 18px",
        "color": theme.MUTED,
        "margin": "10px 0",
    },
    "tools": {"display": "flex", "gap": "8px", "marginBottom": "10px"},
    # the administrators' pages (/policy/admin, /data): section headings and drop areas
    "section": {
        "fontSize": "17px",
        "fontWeight": 700,
        "margin": "0 0 10px",
        "borderLeft": f"4px solid {theme.ACCENT}",
        "paddingLeft": "10px",
    },
    "drop": {
        "border": f"1px dashed {theme.ACCENT}",
        "borderRadius": "6px",
        "padding": "16px",
        "textAlign": "center",
        "color": theme.MUTED,
        "cursor": "pointer",
        "marginTop": "8px",
    },
}


def open_id(doc_id: int | str) -> dict[str, object]:
    """Id of a result's title button. In callbacks pass dash.ALL as ``doc_id``."""
    return {"type": "policy-open", "id": doc_id}


def header(active: str, lang: str, user_id: str = USER) -> html.Div:
    """The platform's top bar: name, navigation, the login badge (filled by a callback).

    ``active`` is "library", "stats" or "manage"."""
    links = [("library", "/policy"), ("stats", "/policy/stats"), ("manage", "/policy/admin")]
    return html.Div(
        [
            html.Span(t("app", lang), className="policy-brand", style=STYLE["brand"]),
            html.Nav(
                [
                    dcc.Link(
                        t(key, lang),
                        href=href,
                        className="policy-nav-link" + (" active" if key == active else ""),
                        style=STYLE["link_on" if key == active else "link"],
                    )
                    for key, href in links
                ],
                className="policy-nav",
                style=STYLE["nav"],
            ),
            html.Span(id=user_id, className="policy-user", style=STYLE["user"]),
        ],
        className="policy-header",
        style=STYLE["header"],
    )


def user_badge(user: str | None, role: str | None, lang: str, here: str) -> html.Span:
    """The header's login corner: 登录 for a visitor, else the user (管理员 …) and 退出."""
    if not user or role is None:
        return html.A(t("login", lang), href=f"/login?next={here}", className="policy-login")
    name = t("admin", lang, user=user) if role == "admin" else user
    logout = html.Form(
        html.Button(t("logout", lang), type="submit", className="btn btn-link btn-sm p-0 ms-2"),
        action="/logout",
        method="post",
        style={"display": "inline"},
    )
    return html.Span([name, logout])


def _select(
    id_: str, options: Sequence[tuple[str, str]], value: object, lang: str, placeholder: str
) -> dcc.Dropdown:
    return dcc.Dropdown(
        id=id_,
        style={"minWidth": 0},
        options=[{"label": label, "value": v} for v, label in options],
        value=value or None,
        placeholder=f"{placeholder}：{t('all', lang)}",
        clearable=True,
        className="policy-filter",
    )


def build(settings: ScreenSettings, params: Mapping[str, str], lang: str = "zh") -> html.Div:
    """The whole /policy page; ``params`` are the URL's query values (q, category, agency,
    level, region, from, to, doc)."""
    del settings  # the page needs none yet; kept for the common page signature
    search_row = html.Div(
        [
            dcc.Input(
                id=Q,
                type="search",
                value=params.get("q", ""),
                debounce=True,
                placeholder=t("search_ph", lang),
                className="form-control policy-q",
                style={**STYLE["input"], "flex": 1},
            ),
            html.Button(t("search", lang), id=SEARCH, className="btn btn-info policy-go"),
        ],
        className="policy-search-row",
        style=STYLE["search_row"],
    )
    filters = html.Div(
        [
            _select(
                CATEGORY,
                [(c, c) for c in CATEGORIES],
                params.get("category"),
                lang,
                t("category", lang),
            ),
            _select(AGENCY, [], params.get("agency"), lang, t("issuer", lang)),
            _select(
                LEVEL,
                [(lv, level_name(lv, lang)) for lv in DOC_LEVELS],
                params.get("level"),
                lang,
                t("level", lang),
            ),
            dcc.Input(
                id=REGION,
                type="text",
                value=params.get("region", ""),
                debounce=True,
                placeholder=t("region", lang),
                className="form-control policy-filter",
                style=STYLE["input"],
            ),
            dcc.Input(
                id=DATE_FROM,
                type="date",
                value=params.get("from", ""),
                className="form-control policy-filter",
                style=STYLE["input"],
                placeholder=t("date_from", lang),
            ),
            dcc.Input(
                id=DATE_TO,
                type="date",
                value=params.get("to", ""),
                className="form-control policy-filter",
                style=STYLE["input"],
                placeholder=t("date_to", lang),
            ),
        ],
        className="policy-filters",
        style=STYLE["filters"],
    )
    doc = params.get("doc", "")
    return html.Div(
        [
            dcc.Store(id=PARAMS, data={"lang": lang, **dict(params)}),
            dcc.Store(id=DOC, data=int(doc) if doc.isdigit() else None),
            header("library", lang),
            html.Div(id=MESSAGE, className="policy-message"),
            html.Div([search_row, filters, html.Div(id=RESULTS)], id=LIST_PANE),
            html.Div(
                [
                    html.Div(
                        [
                            html.Button(
                                t("back", lang), id=BACK, className="btn btn-outline-info btn-sm"
                            ),
                            html.Button(
                                t("hide", lang),
                                id=HIDE,
                                style={"display": "none"},
                                className="btn btn-outline-danger btn-sm",
                            ),
                        ],
                        className="policy-tools",
                        style=STYLE["tools"],
                    ),
                    html.Div(id=READER),
                ],
                id=READER_PANE,
                style={"display": "none"},
            ),
        ],
        className="policy-page",
        style=STYLE["page"],
        **{"data-bs-theme": "dark"},
    )


def results(page: SearchPage, lang: str = "zh") -> list[object]:
    """The ranked result list."""
    if not page.hits:
        return [html.P(t("none", lang), className="policy-empty")]
    items: list[object] = [
        html.P(t("found", lang, n=page.total), className="policy-count", style=STYLE["count"])
    ]
    for hit in page.hits:
        meta = [
            hit.agency,
            hit.doc_no or "",
            hit.issued_on.isoformat(),
            hit.category,
            level_name(hit.level, lang),
        ]
        items.append(
            html.Div(
                [
                    html.Button(
                        hit.title,
                        id=open_id(hit.id),
                        className="policy-title",
                        style=STYLE["title_button"],
                    ),
                    html.Div(
                        " · ".join(m for m in meta if m),
                        className="policy-meta",
                        style=STYLE["meta"],
                    ),
                    html.Div(hit.snippet, className="policy-snippet"),
                ],
                className="policy-hit",
                style=STYLE["card"],
            )
        )
    return items


def reader(doc: Document | None, lang: str = "zh") -> html.Div:
    """The reading view of one document (the back and hide buttons stay in the page)."""
    if doc is None:
        return html.Div(html.P(t("not_found", lang), className="policy-empty"))
    meta = [
        (t("issuer", lang), doc.agency),
        (t("doc_no", lang), doc.doc_no or "—"),
        (t("issued_on", lang), doc.issued_on.isoformat()),
        (t("category", lang), doc.category),
        (t("level", lang), level_name(doc.level, lang)),
        (t("region", lang), doc.region_code),
    ]
    pdf = []
    if doc.pdf_name:
        pdf = [
            html.A(
                t("pdf", lang),
                href=f"/api/policy/documents/{doc.id}/pdf",
                className="btn btn-info btn-sm",
            )
        ]
    return html.Div(
        [
            html.H2(doc.title, className="policy-doc-title"),
            html.Dl(
                [x for k, v in meta for x in (html.Dt(k), html.Dd(v))],
                className="policy-doc-meta",
                style=STYLE["dl"],
            ),
            html.Div([dbc.Badge(tag, className="me-1", color="info") for tag in doc.tags]),
            html.Article(doc.body, className="policy-body", style=STYLE["body"]),
            html.Div(pdf),
            html.P(
                t("total_views", lang, n=doc.views), className="policy-views", style=STYLE["meta"]
            ),
        ],
        className="policy-reader",
        style=STYLE["card"],
    )
