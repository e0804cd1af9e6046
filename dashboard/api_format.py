"""How the data service API answers: JSON (default), CSV (UTF-8 with BOM) and XLSX, and errors.

Views hand over a JSON document plus a flat table (column keys and rows); CSV keeps the keys
as its header row (stable for scripts), XLSX shows Chinese headers (for people in Excel).
"""

from __future__ import annotations

import io
import json
import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

import xlsxwriter
from flask import Blueprint, Response, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from layouts import spreadsheet

log = logging.getLogger(__name__)

FORMATS = ("json", "csv", "xlsx")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Chinese headers for XLSX; a key missing here is shown as is.
HEADERS_ZH = {
    "code": "地区代码",
    "parent_code": "上级代码",
    "level": "级别",
    "name_zh": "名称",
    "name_en": "英文名称",
    "lon": "经度",
    "lat": "纬度",
    "industry": "主导产业",
    "park_level": "园区级别",
    "region_code": "地区代码",
    "region_name_zh": "地区名称",
    "period": "时期",
    "derived": "下级汇总",
    "gwp_set": "GWP版本",
    "co2": "二氧化碳(吨)",
    "co2e": "温室气体(吨CO2当量)",
    "lulucf_co2e": "土地利用变化与林业(吨CO2当量)",
    "co2e_net": "净排放(吨CO2当量)",
    "intensity": "碳排放强度(吨CO2/万元)",
    "intensity_basis": "强度口径",
    "gdp": "地区生产总值(亿元)",
    "population": "人口(万人)",
    "prev_period": "上一时期",
    "co2_change": "二氧化碳变化率",
    "co2e_change": "排放变化率",
    "intensity_change": "强度变化率",
    "flag": "强度标记",
    "target_plan": "目标规划",
    "target_period": "目标年份",
    "target_change": "目标降幅",
    "target_status": "目标进展",
    "target_change_so_far": "已完成变化率",
    "sector_code": "部门代码",
    "sector_name_zh": "部门",
    "sector_name_en": "部门(英文)",
    "gas": "气体",
    "gas_name_zh": "气体名称",
    "value": "排放量(气体单位)",
    "unit": "单位",
    "share": "占比",
    "label_zh": "部门",
    "label_en": "部门(英文)",
    "depth": "层级",
    "is_leaf": "末级部门",
    "CO2": "二氧化碳(吨)",
    "CH4": "甲烷(吨)",
    "N2O": "氧化亚氮(吨)",
    "HFCs": "氢氟碳化物(吨CO2当量)",
    "PFCs": "全氟化碳(吨CO2当量)",
    "SF6": "六氟化硫(吨CO2当量)",
    "rank": "排名",
    "version": "数据版本",
    "changed_at": "数据更新时间",
    "rollup_version": "汇总版本",
    "rollup_at": "汇总时间",
    "rollup_current": "汇总为最新",
    "latest_period": "最新时期",
}


class ApiError(Exception):
    """An answer other than 200 with the one error shape."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Table:
    """A flat view of an answer for CSV and XLSX."""

    name: str  # file name stem and sheet name
    columns: Sequence[str]
    rows: Sequence[Mapping[str, Any]]


def clean(value: Any) -> Any:
    """JSON-safe: NaN and infinities become null, datetimes ISO 8601 with a zone, containers
    recursively."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime):
        # SQLite drops the zone of the UTC timestamps the pool stores: state it again
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


def json_response(payload: Any, status: int = 200) -> Response:
    body = json.dumps(clean(payload), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return Response(body, status=status, mimetype="application/json")


def error_response(status: int, code: str, message: str, field: str | None = None) -> Response:
    return json_response({"error": {"code": code, "message": message, "field": field}}, status)


def _cell(value: Any) -> Any:
    value = clean(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def csv_response(table: Table) -> Response:
    rows = [list(table.columns)]
    rows += [[_cell(row.get(c)) for c in table.columns] for row in table.rows]
    response = Response(
        spreadsheet.csv_bytes(rows, lineterminator="\r\n"),  # a BOM, so Excel reads UTF-8
        mimetype="text/csv",
        headers={"Content-Type": "text/csv; charset=utf-8"},
    )
    return attachment(response, f"{table.name}.csv")


def xlsx_response(table: Table) -> Response:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, spreadsheet.XLSXWRITER_OPTIONS)
    sheet = book.add_worksheet(table.name[:31])
    bold = book.add_format({"bold": True})
    for col, key in enumerate(table.columns):
        sheet.write_string(0, col, HEADERS_ZH.get(key, key), bold)
        sheet.set_column(col, col, max(10, len(HEADERS_ZH.get(key, key)) * 2))
    for r, row in enumerate(table.rows, start=1):
        for col, key in enumerate(table.columns):
            spreadsheet.xlsxwriter_cell(sheet, r, col, clean(row.get(key)))
    sheet.freeze_panes(1, 0)
    book.close()
    return attachment(Response(buf.getvalue(), mimetype=XLSX_MIME), f"{table.name}.xlsx")


def respond(fmt: str, payload: Any, table: Table) -> Response:
    if fmt == "csv":
        return csv_response(table)
    if fmt == "xlsx":
        return xlsx_response(table)
    return json_response(payload)


def attachment(response: Response, name: str) -> Response:
    """Name a downloaded file, which may be Chinese (an industry, a PDF's title): an ASCII
    ``filename`` plus RFC 6266's ``filename*``. A raw non-Latin-1 header is refused by the WSGI
    server (gunicorn answers 500), so the name may not go into the header as is."""
    fallback = re.sub(r"[^0-9A-Za-z._-]", "_", name)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    return response


def http_json(exc: HTTPException) -> Response:
    """An HTTP error (404, 405, 413, …) in the common JSON shape; a 405 keeps its Allow."""
    code = {
        404: "not_found",
        405: "method_not_allowed",
        413: "payload_too_large",
    }.get(exc.code or 500, "http_error")
    message = exc.description or exc.name
    if exc.code == 413:
        message = "the upload is larger than the allowed size"
    response = error_response(exc.code or 500, code, message)
    if exc.code == 405 and (valid := getattr(exc, "valid_methods", None)):
        response.headers["Allow"] = ", ".join(valid)
    return response


def json_errors(bp: Blueprint) -> None:
    """Answer every error of a blueprint's routes in the common JSON shape: an ApiError as
    raised, an HTTP error with its status, a database error 503, anything else 500 (logged)."""

    def api_error(exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.field)

    def db_error(exc: SQLAlchemyError) -> Response:
        log.error("database error on %s: %s", request.path, exc)
        return error_response(503, "database_unavailable", "the data pool cannot be read now")

    def internal(exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.path)
        return error_response(500, "internal_error", "internal error; it has been logged")

    bp.register_error_handler(ApiError, api_error)
    bp.register_error_handler(HTTPException, http_json)
    bp.register_error_handler(SQLAlchemyError, db_error)
    bp.register_error_handler(Exception, internal)
