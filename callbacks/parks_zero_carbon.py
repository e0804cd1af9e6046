"""Callbacks of the parks page's zero-carbon panel (issue 21): the selected park -> its six
indicators with thresholds and sources, the trend since 2025; the export buttons -> the same
table as CSV (UTF-8 with BOM) or XLSX."""

from __future__ import annotations

import logging

from dash import Dash, Input, Output, State, ctx, dcc, no_update
from sqlalchemy.orm import Session, sessionmaker

from datasource import zero_carbon_store
from layouts import export
from layouts import figures_zero_carbon as fz
from layouts.pages import parks as page

log = logging.getLogger(__name__)


def _rows(record: zero_carbon_store.ParkZeroCarbon) -> list[dict]:
    return fz.indicator_rows(record.latest, record.progress(), record.thresholds)


def register(app: Dash, *, sessions: sessionmaker[Session]) -> None:
    @app.callback(
        Output(page.ZC_HEAD, "children"),
        Output(page.ZC_TABLE, "children"),
        Output(page.ZC_TREND, "figure"),
        Input(page.PARK, "value"),
    )
    def refresh_zero_carbon(code: str | None):  # noqa: ANN202
        if not code:
            return None, "请选择园区", fz.empty("请选择园区")
        with sessions() as session:
            record = zero_carbon_store.park_record(session, code)
        if record is None:
            return None, "该园区尚未报送零碳园区指标", fz.empty("该园区尚未报送零碳园区指标")
        status = record.latest.status
        head = page.zero_carbon_head(
            fz.status_zh(status), fz.STATUS_COLOURS[status], fz.summary_line(record.latest)
        )
        return head, page.zero_carbon_table(_rows(record)), fz.trend(record.years)

    @app.callback(
        Output(page.ZC_DOWNLOAD, "data"),
        Input(page.ZC_CSV, "n_clicks"),
        Input(page.ZC_XLSX, "n_clicks"),
        State(page.PARK, "value"),
        prevent_initial_call=True,
    )
    def export_zero_carbon(_csv: int | None, _xlsx: int | None, code: str | None):  # noqa: ANN202
        if not code:
            return no_update
        with sessions() as session:
            record = zero_carbon_store.park_record(session, code)
        if record is None:
            return no_update
        rows, progress = _rows(record), record.progress()
        title, records = fz.export_records(record.name_zh, record.latest, rows, progress)
        stem = f"zero-carbon-{code}-{record.latest.period}"
        if ctx.triggered_id == page.ZC_XLSX:
            data = export.table_xlsx(fz.EXPORT_COLUMNS, records, sheet="零碳园区指标", title=title)
            return dcc.send_bytes(data, f"{stem}.xlsx")
        return dcc.send_bytes(export.table_csv(fz.EXPORT_COLUMNS, records), f"{stem}.csv")
