"""Callbacks of the policy library pages (/policy and /policy/stats)."""

from __future__ import annotations

import logging
import secrets

import flask
from dash import ALL, Dash, Input, Output, State, ctx, dcc, no_update
from sqlalchemy.orm import Session, sessionmaker

from callbacks.admin import session_role
from datasource import policy
from layouts import figures_policy
from layouts.figures_policy import t
from layouts.pages import policy as page
from layouts.pages import policy_stats as stats_page
from layouts.settings import ScreenSettings

log = logging.getLogger(__name__)


def browser_session_id() -> str:
    """The reading-session id kept in Flask's signed session cookie (made on first use)."""
    sid = flask.session.get("sid")
    if not sid:
        sid = flask.session["sid"] = secrets.token_urlsafe(18)
    return sid


def register(app: Dash, *, sessions: sessionmaker[Session], settings: ScreenSettings) -> None:
    del settings
    _register_library(app, sessions)
    _register_stats(app, sessions)


def _register_library(app: Dash, sessions: sessionmaker[Session]) -> None:
    @app.callback(
        Output(page.AGENCY, "options"),
        Output(page.USER, "children"),
        Input(page.PARAMS, "data"),
    )
    def refresh_filters(params: dict) -> tuple[list[dict], object]:
        with sessions() as session:
            facets = policy.facets(session)
        options = [{"label": a, "value": a} for a in facets.agencies]
        return options, _badge(sessions, params, "/policy")

    @app.callback(
        Output(page.RESULTS, "children"),
        Input(page.SEARCH, "n_clicks"),
        Input(page.Q, "value"),
        Input(page.CATEGORY, "value"),
        Input(page.AGENCY, "value"),
        Input(page.LEVEL, "value"),
        Input(page.REGION, "value"),
        Input(page.DATE_FROM, "value"),
        Input(page.DATE_TO, "value"),
        State(page.PARAMS, "data"),
    )
    def refresh_results(_n, q, category, agency, level, region, d_from, d_to, params):  # noqa: ANN001
        with sessions() as session:
            found = policy.search(
                session,
                q=q,
                category=category,
                agency=agency,
                level=level,
                region_code=(region or "").strip() or None,
                date_from=policy.parse_date(d_from) if d_from else None,
                date_to=policy.parse_date(d_to) if d_to else None,
                limit=50,
            )
        return page.results(found, (params or {}).get("lang", "zh"))

    @app.callback(
        Output(page.DOC, "data"),
        Input(page.open_id(ALL), "n_clicks"),
        Input(page.BACK, "n_clicks"),
        prevent_initial_call=True,
    )
    def choose_document(clicks: list[int | None], _back: int | None) -> int | None:
        trigger = ctx.triggered_id
        if trigger == page.BACK:
            return None
        if isinstance(trigger, dict) and any(clicks):
            return int(trigger["id"])
        return no_update

    @app.callback(
        Output(page.READER, "children"),
        Output(page.READER_PANE, "style"),
        Output(page.LIST_PANE, "style"),
        Output(page.HIDE, "style"),
        Input(page.DOC, "data"),
        State(page.PARAMS, "data"),
    )
    def show_document(doc_id: int | None, params: dict) -> tuple:
        """Open the reading view; a reading counts a view (once per visitor per day; a request
        without a session cookie also against its address, see policy.count_view)."""
        if doc_id is None:
            return [], {"display": "none"}, {}, {"display": "none"}
        address = None if flask.session.get("sid") else (flask.request.remote_addr or "?")
        with sessions() as session, session.begin():
            doc = policy.get_document(session, doc_id)
            sid = browser_session_id()
            if doc is not None and policy.count_view(session, doc_id, sid, address=address):
                doc = policy.get_document(session, doc_id)
        admin = session_role(sessions) == "admin" and doc is not None
        lang = (params or {}).get("lang", "zh")
        return page.reader(doc, lang), {}, {"display": "none"}, {} if admin else {"display": "none"}

    @app.callback(
        Output(page.MESSAGE, "children"),
        Output(page.DOC, "data", allow_duplicate=True),
        Input(page.HIDE, "n_clicks"),
        State(page.DOC, "data"),
        prevent_initial_call=True,
    )
    def hide_document(_n: int | None, doc_id: int | None) -> tuple:
        """Administrators only: the role is checked here, on the server."""
        role = session_role(sessions)
        if role != "admin" or doc_id is None:
            return "无权限：仅管理员可隐藏文件", no_update
        user = flask.session.get("user", "?")
        with sessions() as session, session.begin():
            policy.set_hidden(session, doc_id, True, actor=user)
        return "文件已隐藏", None


def _badge(sessions: sessionmaker[Session], params: dict | None, here: str) -> object:
    lang = (params or {}).get("lang", "zh")
    return page.user_badge(flask.session.get("user"), session_role(sessions), lang, here)


def _register_stats(app: Dash, sessions: sessionmaker[Session]) -> None:
    @app.callback(Output(stats_page.USER, "children"), Input(stats_page.PARAMS, "data"))
    def refresh_user(params: dict) -> object:
        return _badge(sessions, params, "/policy/stats")

    @app.callback(
        Output(stats_page.PERIOD, "options"),
        Output(stats_page.PERIOD, "value"),
        Input(stats_page.KIND, "value"),
    )
    def refresh_periods(kind: str) -> tuple[list[dict], str]:
        now_month = policy.month_of(policy.utcnow())
        with sessions() as session:
            months = policy.view_months(session)
        months = sorted({now_month, *months}, reverse=True)
        if kind == "year":
            years = sorted({m[:4] for m in months}, reverse=True)
            return [{"label": y, "value": y} for y in years], now_month[:4]
        return [{"label": m, "value": m} for m in months], now_month

    @app.callback(
        Output(stats_page.SECTION, "children"),
        Output(stats_page.KPI, "children"),
        Output(stats_page.CHART, "figure"),
        Output(stats_page.TOP_DOCS, "children"),
        Output(stats_page.TOP_AGENCIES, "children"),
        Input(stats_page.TAB, "value"),
        Input(stats_page.KIND, "value"),
        Input(stats_page.PERIOD, "value"),
        State(stats_page.PARAMS, "data"),
    )
    def refresh_stats(tab: str, kind: str, period: str | None, params: dict) -> tuple:
        lang = (params or {}).get("lang", "zh")
        if period and len(period) != (7 if kind == "month" else 4):
            return (no_update,) * 5  # the period list is being switched to the other kind
        with sessions() as session:
            s = policy.stats(session, tab=tab, period_kind=kind, period=period)
        highlight = s.period if kind == "month" else None
        return (
            t("access_policy" if tab == "policy" else "access_news", lang),
            stats_page.kpi(s, lang),
            figures_policy.views_chart(s.series, highlight=highlight, lang=lang),
            stats_page.top_documents(s, lang),
            stats_page.top_agencies(s, lang),
        )

    @app.callback(
        Output(stats_page.DOWNLOAD, "data"),
        Input(stats_page.EXPORT_CSV, "n_clicks"),
        Input(stats_page.EXPORT_XLSX, "n_clicks"),
        State(stats_page.TAB, "value"),
        State(stats_page.KIND, "value"),
        State(stats_page.PERIOD, "value"),
        prevent_initial_call=True,
    )
    def export_stats(_csv, _xlsx, tab: str, kind: str, period: str | None) -> dict:  # noqa: ANN001
        with sessions() as session:
            s = policy.stats(session, tab=tab, period_kind=kind, period=period)
        if ctx.triggered_id == stats_page.EXPORT_XLSX:
            data, ext = figures_policy.export_xlsx(s), "xlsx"
        else:
            data, ext = figures_policy.export_csv(s), "csv"
        return dcc.send_bytes(data, figures_policy.export_name(s, ext))
