"""Reading import files: bytes -> a table of text cells with file line numbers.

CSV in UTF-8, UTF-8 with BOM or GBK (detected from the bytes, never from the file name) and
XLSX (the first sheet with a header row). Every cell is read as text: codes are never numbers.
Header names are mapped to canonical column names (English or Chinese aliases), and the kind
of file is detected from them.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pandas as pd

KINDS = ("emissions", "indicators", "regions", "parks", "targets")

# every column of each kind; the first set is required, the second optional
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "emissions": (("region_code", "period", "sector_code", "gas", "value", "unit"), ()),
    "indicators": (("region_code", "period", "indicator", "value", "unit"), ("base_year",)),
    "regions": (("code", "parent_code", "level", "name_zh"), ("name_en",)),
    "parks": (
        ("code", "name_zh", "county_code", "lon", "lat", "park_level"),
        ("name_en", "industry"),
    ),
    "targets": (
        ("region_code", "plan", "metric", "base_period", "target_period", "target_change"),
        (),
    ),
}

KIND_NAMES_ZH = {
    "emissions": "排放数据",
    "indicators": "经济社会指标",
    "regions": "行政区划",
    "parks": "园区",
    "targets": "目标",
}

# header text (lower-cased, spaces and underscores removed) -> canonical column name
_ALIASES: dict[str, tuple[str, ...]] = {
    "region_code": ("region", "regioncode", "地区代码", "行政区划代码", "区划代码", "地区编码"),
    "period": ("period", "year", "month", "年份", "期间", "时期", "年月", "统计期"),
    "sector_code": ("sector", "sectorcode", "sector_code", "排放源代码", "排放源编码", "部门代码"),
    "gas": ("gas", "气体", "温室气体"),
    "value": ("value", "数值", "值", "排放量", "指标值"),
    "unit": ("unit", "单位"),
    "indicator": ("indicator", "指标", "指标代码"),
    "base_year": ("baseyear", "基年", "价格基年"),
    "code": ("code", "代码", "编码", "园区代码"),
    "parent_code": ("parentcode", "parent", "上级代码", "上级区划代码"),
    "level": ("level", "级别", "层级"),
    "name_zh": ("namezh", "name", "中文名称", "名称", "园区名称"),
    "name_en": ("nameen", "英文名称"),
    "county_code": ("countycode", "county", "区县代码", "所在区县代码"),
    "lon": ("lon", "lng", "longitude", "经度"),
    "lat": ("lat", "latitude", "纬度"),
    "industry": ("industry", "主导产业", "产业"),
    "park_level": ("parklevel", "园区级别"),
    "plan": ("plan", "规划"),
    "metric": ("metric", "目标指标", "考核指标"),
    "base_period": ("baseperiod", "基期"),
    "target_period": ("targetperiod", "目标期", "目标年"),
    "target_change": ("targetchange", "目标变化", "目标变化率"),
}
ALIAS_TO_COLUMN = {
    re.sub(r"[\s_]", "", alias.lower()): col for col, names in _ALIASES.items() for alias in names
}


@dataclass(frozen=True)
class Problem:
    """One reason a file cannot be loaded: file line (header = 1), column, reason."""

    line: int | None
    column: str | None
    reason: str

    def render(self) -> str:
        where = f"第 {self.line} 行" if self.line is not None else "文件"
        col = f" [{self.column}]" if self.column else ""
        return f"{where}{col}: {self.reason}"


@dataclass
class Table:
    """Text cells under canonical column names, and the file line of each row."""

    frame: pd.DataFrame
    lines: np.ndarray
    encoding: str | None = None
    sheet: str | None = None
    problems: list[Problem] = field(default_factory=list)
    original_headers: dict[str, str] = field(default_factory=dict)
    unknown_headers: list[str] = field(default_factory=list)  # columns no alias matches


def canonical_column(header: object) -> str | None:
    key = re.sub(r"[\s_]", "", str(header).strip().lstrip("\ufeff").lower())
    return ALIAS_TO_COLUMN.get(key)


def detect_kind(columns: list[str] | set[str]) -> str | None:
    """The kind whose characteristic columns the header has, or None."""
    cols = set(columns)
    if {"sector_code", "gas"} <= cols:
        return "emissions"
    if "indicator" in cols:
        return "indicators"
    if "county_code" in cols or "park_level" in cols:
        return "parks"
    if {"plan", "metric"} & cols or "target_change" in cols:
        return "targets"
    if {"code", "level"} <= cols or "parent_code" in cols:
        return "regions"
    return None


def read_bytes(data: bytes) -> Table:
    """Decode a CSV or XLSX file; problems (encoding, empty file, no data sheet) go in the table."""
    if not data.strip():
        return _failed(Problem(None, None, "空文件 (empty file: no header, no rows)"))
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _failed(
            Problem(
                None,
                None,
                "不支持 Excel 97-2003 (.xls) 文件 (XLS is not supported): 请另存为 XLSX 或 CSV",
            )
        )
    text, encoding, problem = decode(data)
    if problem is not None:
        return _failed(problem)
    return _read_csv(text, encoding)


def decode(data: bytes) -> tuple[str, str | None, Problem | None]:
    """UTF-8 (with or without BOM) strictly, then GBK/GB18030; anything else is rejected."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return (
            "",
            None,
            Problem(
                None,
                None,
                "文件编码错误 (wrong encoding): UTF-16 文件不受支持, 请另存为 UTF-8 或 GBK 编码的 CSV",  # noqa: E501
            ),
        )
    try:
        text = data.decode("utf-8-sig")
        return text, ("utf-8-bom" if data[:3] == b"\xef\xbb\xbf" else "utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gbk"), "gbk", None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030", None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        bad = data[exc.start : exc.start + 1].hex().upper()
        return (
            "",
            None,
            Problem(
                line,
                None,
                f"文件编码错误 (wrong encoding): 既不是 UTF-8、UTF-8 BOM 也不是 GBK "
                f"(undecodable byte 0x{bad} at offset {exc.start}); 请另存为 UTF-8 编码的 CSV",
            ),
        )


def _failed(problem: Problem) -> Table:
    return Table(pd.DataFrame(), np.empty(0, dtype=np.int64), problems=[problem])


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(text: str, encoding: str | None) -> Table:
    if "\x00" in text:
        return _failed(
            Problem(None, None, "文件编码错误 (wrong encoding): 含有 NUL 字节, 不是文本 CSV")
        )
    first = text.lstrip("\r\n").split("\n", 1)[0]
    lead = len(text) - len(text.lstrip("\r\n"))  # blank lines before the header
    lead_lines = text[:lead].count("\n")
    try:
        frame = pd.read_csv(
            io.StringIO(text[lead:]),
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            sep=_delimiter(first),
            quoting=csv.QUOTE_MINIMAL,
        )
    except pd.errors.EmptyDataError:
        return _failed(Problem(None, None, "空文件 (empty file: no header, no rows)"))
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+), saw (\d+)", str(exc))
        line = int(m.group(1)) + lead_lines if m else None
        reason = "CSV 格式错误 (malformed CSV)"
        if m:
            reason = f"列数与表头不符 (row has {m.group(2)} fields, the header has fewer)"
        return _failed(Problem(line, None, reason))
    lines = np.arange(len(frame), dtype=np.int64) + 2 + lead_lines
    return _finish(frame, lines, encoding=encoding, sheet=None)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return f"{value.year:04d}-{value.month:02d}" if value.day == 1 else value.isoformat()[:10]
    return str(value).strip()


def _read_xlsx(data: bytes) -> Table:
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        return _failed(Problem(None, None, f"无法读取 XLSX 文件 (unreadable XLSX): {exc}"))
    try:
        fallback: Table | None = None
        for sheet in book.worksheets:
            table = _sheet_table(sheet)
            if table is None:
                continue
            if detect_kind(list(table.frame.columns)) is not None:
                return table
            fallback = fallback or table
    finally:
        book.close()
    if fallback is not None:
        return fallback
    return _failed(Problem(None, None, "XLSX 文件没有数据表 (no data sheet: every sheet is empty)"))


def _sheet_table(sheet) -> Table | None:  # type: ignore[no-untyped-def]
    rows = sheet.iter_rows(values_only=True)
    header: list[str] | None = None
    header_line = 0
    body: list[list[str]] = []
    sector_at: int | None = None
    ambiguous: list[Problem] = []
    for number, row in enumerate(rows, start=1):
        cells = [_cell_text(v) for v in row]
        if header is None:
            if any(cells):
                header, header_line = cells, number
                canon = [canonical_column(h) for h in header]
                sector_at = canon.index("sector_code") if "sector_code" in canon else None
            continue
        if sector_at is not None and sector_at < len(row):
            value = row[sector_at]
            if isinstance(value, float | int) and _ambiguous_sector(cells[sector_at]):
                ambiguous.append(_numeric_sector(number, cells[sector_at]))
        body.append(cells[: len(header)] + [""] * (len(header) - len(cells)))
    if header is None:
        return None
    while header and not header[-1]:
        header.pop()
    body = [r[: len(header)] for r in body]
    frame = (
        pd.DataFrame(body, columns=header, dtype=object) if body else pd.DataFrame(columns=header)
    )
    lines = np.arange(len(frame), dtype=np.int64) + header_line + 1
    table = _finish(frame, lines, encoding="xlsx", sheet=sheet.title)
    table.problems.extend(ambiguous)
    return table


def _numeric_sector(line: int, code: str) -> Problem:
    return Problem(
        line,
        "sector_code",
        f"排放源代码 {code} 在 Excel 中存成了数字, 无法区分 {code} 与 {code}0 "
        "(sector code stored as a number); 请把该列设为文本格式 (format the column as text)",
    )


def _ambiguous_sector(text: str) -> bool:
    """A number such as 2.1 that Excel may have shortened from the code 2.10."""
    from datasource.reference import sector_map

    return f"{text}0" in sector_map()


def _finish(
    frame: pd.DataFrame, lines: np.ndarray, *, encoding: str | None, sheet: str | None
) -> Table:
    """Canonical headers, trailing blank rows dropped, duplicated columns reported."""
    problems: list[Problem] = []
    renamed: dict[str, str] = {}
    seen: dict[str, str] = {}
    keep: list[str] = []
    unknown: list[str] = []
    for col in frame.columns:
        canon = canonical_column(col)
        if canon is None:
            if str(col).strip() and not str(col).startswith("Unnamed: "):
                unknown.append(str(col).strip())
            continue
        if canon in seen:
            problems.append(
                Problem(
                    1, canon, f"列重复 (column appears twice: {seen[canon]!r} and {str(col)!r})"
                )
            )
            continue
        seen[canon] = str(col)
        renamed[col] = canon
        keep.append(col)
    frame = frame[keep].rename(columns=renamed).fillna("")
    if len(frame):
        filled = np.zeros(len(frame), dtype=bool)
        for col in frame.columns:
            filled |= frame[col].astype(str).str.strip().to_numpy() != ""
        frame = frame[filled].reset_index(drop=True)
        lines = lines[filled]
    originals = {v: k for k, v in renamed.items()}
    return Table(frame, lines, encoding, sheet, problems, originals, unknown)
