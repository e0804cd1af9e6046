"""Top and bottom children by emissions and intensity (a panel of callbacks.wall); a region
without children (a county) shows its sectors and parks instead. And the CSV / XLSX export of
the ranking, in the screen's units, with a source and definitions line."""

from __future__ import annotations

from datetime import UTC, datetime

from dash import Dash, Input, Output, State, ctx, dcc, no_update

from callbacks.common import Deps, lang_of, memo_query, period, resolve, view
from callbacks.refresh import people_time, zone_name, zone_of
from layouts import export, ids, panels
from layouts.i18n import t


def build(deps: Deps, focus, page):  # type: ignore[no-untyped-def]
    lang = lang_of(page)
    v = view(deps, focus)
    if not v.kids and v.info is not None and v.period is not None:
        return t("panel_leaf", lang), panels.leaf_breakdown(v.sectors, v.parks, v.period, lang=lang)
    return t("panel_rank", lang), panels.ranking_tables(list(v.kids), lang=lang)


def exported_at(settings, lang: str, now: datetime | None = None) -> str:  # type: ignore[no-untyped-def]
    """The export time in the people's time zone, naming it."""
    zone = zone_of(settings)
    at = people_time(now or datetime.now(UTC), zone)
    return f"{at.strftime('%Y-%m-%d %H:%M')} {zone_name(zone, lang)}"


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
        note = panels.ExportNote(
            deps.state.snapshot().version, gwp, exported_at(deps.settings, lang)
        )
        columns, records, line = panels.ranking_export(rows, period=now, note=note, lang=lang)
        name = f"carbonwall-ranking-{code}-{now}"
        if ctx.triggered_id == ids.EXPORT_XLSX:
            sheet = "Ranking" if lang == "en" else "下级地区排名"
            data = export.table_xlsx(columns, records, sheet=sheet, foot=line)
            return dcc.send_bytes(data, f"{name}.xlsx")
        return dcc.send_bytes(export.table_csv(columns, records, foot=line), f"{name}.csv")
