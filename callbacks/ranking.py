"""Top and bottom children by emissions and intensity (a panel of callbacks.wall), and their
CSV / XLSX export."""

from __future__ import annotations

from dash import Dash, Input, Output, State, ctx, dcc, no_update

from callbacks.common import Deps, lang_of, memo_query, period, resolve, view
from layouts import ids, panels, spreadsheet


def build(deps: Deps, focus, page):  # type: ignore[no-untyped-def]
    return panels.ranking_tables(list(view(deps, focus).kids), lang=lang_of(page))


def register(app: Dash, deps: Deps) -> None:
    gwp = deps.settings.gwp_set

    @app.callback(
        Output(ids.DOWNLOAD, "data"),
        Input(ids.EXPORT_CSV, "n_clicks"),
        Input(ids.EXPORT_XLSX, "n_clicks"),
        State(ids.FOCUS, "data"),
        State(ids.PAGE, "data"),
        prevent_initial_call=True,
    )
    def export_ranking(_csv, _xlsx, focus, page):
        if not ctx.triggered or not ctx.triggered[0]["value"]:
            return no_update
        lang = lang_of(page)
        code, _info, _known = resolve(deps, focus)
        now = period(deps)
        if now is None:
            return no_update
        rows = memo_query(deps, "ranking", parent_code=code, period=now, gwp_set=gwp)
        frame = panels.ranking_frame(rows, period=now, lang=lang)
        name = f"carbonwall-ranking-{code}-{now}"
        if ctx.triggered_id == ids.EXPORT_XLSX:  # text cells stay text (no formulas)
            return dcc.send_bytes(spreadsheet.frame_xlsx(frame), f"{name}.xlsx")
        # UTF-8 with BOM so that Excel on Chinese Windows opens it without mojibake
        return dcc.send_bytes(spreadsheet.frame_csv(frame), f"{name}.csv")
