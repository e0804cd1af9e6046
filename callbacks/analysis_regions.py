"""Callbacks of the region analysis page (/analysis/regions): compared regions -> lines; one
region -> its history; its sub-regions -> ranking bars and grid, exported as CSV or XLSX."""

from __future__ import annotations

from dash import Dash, Input, Output, State, ctx, dcc, no_update
from sqlalchemy.orm import Session, sessionmaker

from callbacks.analysis import lang_of, register_pickers, url_outputs, url_values
from datasource import analysis, policy, queries
from layouts import export, figures_analysis
from layouts import ids_analysis as ids
from layouts.pages import analysis as common
from layouts.pages import regions as page
from layouts.settings import ScreenSettings

P = page.PAGE
POLICY_MARKS = 40  # the newest policies in force, drawn on the history chart


def default_compare(session: Session, code: str, n: int = 4) -> list[str]:
    """Without a choice in the URL: the region's n largest sub-regions (or the region itself)."""
    period = queries.latest_period(session)
    rows = queries.ranking(session, parent_code=code, period=period, limit=n) if period else []
    return [r.code for r in rows if r.co2e is not None] or [code]


def register(app: Dash, *, sessions: sessionmaker[Session], settings: ScreenSettings) -> None:
    register_pickers(app, P, sessions=sessions, settings=settings)

    @app.callback(
        Output(ids.COMPARE, "options"),
        Output(ids.COMPARE, "value"),
        Input(ids.params(P), "data"),
    )
    def fill_compare(params):  # noqa: ANN001, ANN202
        with sessions() as session:
            everything = queries.regions(session)
            known = {r.code for r in everything}
            chosen = [c for c in common.codes((params or {}).get("compare")) if c in known]
            if not chosen:
                root = (params or {}).get("region")
                chosen = default_compare(session, root if root in known else settings.root_region)
        return common.region_options(everything, lang_of(params)), chosen

    @app.callback(
        Output(ids.COMPARE_GRAPH, "figure"),
        Input(ids.COMPARE, "value"),
        Input(ids.COMPARE_METRIC, "value"),
        Input(ids.gwp(P), "value"),
        State(ids.params(P), "data"),
    )
    def refresh_compare(chosen, metric, gwp, params):  # noqa: ANN001, ANN202
        lang = lang_of(params)
        with sessions() as session:
            found = analysis.series_of(session, codes=chosen or [], gwp_set=gwp)
            names = {c: (queries.region(session, c) or c) for c in found}
        names = {c: (i.name(lang) if hasattr(i, "name") else c) for c, i in names.items()}
        return figures_analysis.compare_lines(found, names, metric=metric, lang=lang)

    @app.callback(
        Output(ids.HISTORY_GRAPH, "figure"),
        Output(ids.HISTORY_TITLE, "children"),
        Input(ids.region(P), "value"),
        Input(ids.gwp(P), "value"),
        State(ids.params(P), "data"),
    )
    def refresh_history(code, gwp, params):  # noqa: ANN001, ANN202
        lang = lang_of(params)
        if not code:
            return figures_analysis.history([], lang=lang), ""
        with sessions() as session:
            info = queries.region(session, code)
            rows = queries.series(session, region_code=code, gwp_set=gwp)
            marks = policy.policies_for_region(session, code, limit=POLICY_MARKS)
        name = info.name(lang) if info else code
        title = f"{name}: history" if lang == "en" else f"{name} 排放量与强度历史变化"
        return figures_analysis.history(rows, policies=marks, lang=lang), title

    @app.callback(
        Output(ids.RANK_GRAPH, "figure"),
        Output(ids.RANK_GRID, "rowData"),
        Output(ids.RANK_GRID, "columnDefs"),
        Output(ids.RANK_TITLE, "children"),
        *url_outputs(P),
        Input(ids.region(P), "value"),
        Input(ids.year(P), "value"),
        Input(ids.RANK_METRIC, "value"),
        Input(ids.gwp(P), "value"),
        Input(ids.COMPARE, "value"),
        Input(ids.COMPARE_METRIC, "value"),
        State(ids.params(P), "data"),
    )
    def refresh_ranking(code, year, metric, gwp, chosen, compare_metric, params):  # noqa: ANN001, ANN202
        lang = lang_of(params)
        state = {
            "compare": chosen,
            "metric": None if compare_metric == "co2e" else compare_metric,
            "gwp": gwp,
            "region": code,
            "year": year,
            "rank": None if metric == "co2e" else metric,
        }
        search, href = url_values(state, page.QUERY_KEYS, lang)
        columns = page.column_defs(lang, gwp_set=gwp)
        if not code or not year:
            return figures_analysis.ranking_bars([], lang=lang), [], columns, "", search, href
        with sessions() as session:
            info = queries.region(session, code)
            rows = queries.ranking(
                session, parent_code=code, period=year, metric=metric, gwp_set=gwp
            )
        name = info.name(lang) if info else code
        title = (
            f"Sub-regions of {name}, {year}" if lang == "en" else f"{name} 下级地区排名（{year}年）"
        )
        return (
            figures_analysis.ranking_bars(rows, metric=metric, lang=lang),
            page.ranking_records(rows, lang),
            columns,
            title,
            search,
            href,
        )

    @app.callback(
        Output(ids.download(P), "data"),
        Input(ids.RANK_CSV, "n_clicks"),
        Input(ids.RANK_XLSX, "n_clicks"),
        State(ids.region(P), "value"),
        State(ids.year(P), "value"),
        State(ids.RANK_METRIC, "value"),
        State(ids.gwp(P), "value"),
        State(ids.params(P), "data"),
        prevent_initial_call=True,
    )
    def export_ranking(_csv, _xlsx, code, year, metric, gwp, params):  # noqa: ANN001, ANN202
        if not ctx.triggered or not ctx.triggered[0]["value"] or not code or not year:
            return no_update
        lang = lang_of(params)
        with sessions() as session:
            rows = queries.ranking(
                session, parent_code=code, period=year, metric=metric, gwp_set=gwp
            )
        columns = page.export_columns(lang, gwp_set=gwp)
        records = page.ranking_records(rows, lang)
        name = f"ranking-{code}-{year}-{metric}"
        if ctx.triggered_id == ids.RANK_XLSX:
            sheet = "Ranking" if lang == "en" else "排名"
            data = export.table_xlsx(columns, records, sheet=sheet, title=None)
            return dcc.send_bytes(data, f"{name}.xlsx")
        return dcc.send_bytes(export.table_csv(columns, records), f"{name}.csv")
