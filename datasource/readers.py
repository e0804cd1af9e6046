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
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.etree.ElementTree import ParseError

import numpy as np
import pandas as pd

# Limits checked before (or while) a file is parsed; a file over one is refused with a named
# reason and nothing changes. docs/security.md documents each value.
MAX_COLUMNS = 200  # columns in the header row
MAX_HEADER_BYTES = 16 * 1024  # the header row, in UTF-8 bytes
MAX_CELL_CHARS = 1000  # characters in one cell (the longest park or industry name is ~60)
MAX_ROWS = 1_048_576  # rows of one file, header included: Excel's own sheet limit
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024  # declared size of all the XLSX's members together
MAX_XLSX_RATIO = 100  # declared size / compressed size of one member ...
RATIO_FLOOR = 1024 * 1024  # ... checked for members declaring more than this
# a run of sheet XML without a tag holds one cell: at most 8 bytes per character (&amp;)
MAX_QUOTE_CHARS = 80  # a cell quoted in a reason is cut to this many characters
UNREADABLE = "无法读取"  # every reason for a file that cannot be read starts with it

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
    "targets": (  # one of target_change / target_value per row (docs/indicators.md)
        ("region_code", "plan", "metric", "base_period", "target_period"),
        (
            "target_change",
            "target_value",
            "unit",
            "cap_kind",
            "numerator",
            "gdp_basis",
            "gdp_base_year",
            "gwp_set",
            "source",
        ),
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
    "target_value": ("targetvalue", "目标值", "总量目标"),
    "cap_kind": ("capkind", "目标类型", "总量类型"),
    "numerator": ("numerator", "分子口径", "排放口径"),
    "gdp_basis": ("gdpbasis", "gdp口径", "价格口径"),
    "gdp_base_year": ("gdpbaseyear", "gdp基年", "gdp价格基年"),
    "gwp_set": ("gwpset", "gwp", "gwp版本"),
    "source": ("source", "来源", "出处", "依据"),
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
    stop: bool = False  # over a limit: no row check runs (it would quote the long cells)


def quote(value: object, limit: int = MAX_QUOTE_CHARS) -> str:
    """A cell as quoted in a reason: repr() of at most ``limit`` characters, the cut marked."""
    text = str(value)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text)} 字符 characters)"


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
        return failed(Problem(None, None, "空文件 (empty file: no header, no rows)"))
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return failed(
            Problem(
                None,
                None,
                "不支持 Excel 97-2003 (.xls) 文件 (XLS is not supported): 请另存为 XLSX 或 CSV",
            )
        )
    text, encoding, problem = decode(data)
    if problem is not None:
        return failed(problem)
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


def failed(problem: Problem) -> Table:
    return Table(pd.DataFrame(), np.empty(0, dtype=np.int64), problems=[problem], stop=True)


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(text: str, encoding: str | None) -> Table:
    if "\x00" in text:
        return failed(
            Problem(None, None, "文件编码错误 (wrong encoding): 含有 NUL 字节, 不是文本 CSV")
        )
    lead = len(text) - len(text.lstrip("\r\n"))  # blank lines before the header
    cut = text.find("\n", lead)
    first = text[lead:] if cut < 0 else text[lead:cut]
    lead_lines = text[:lead].count("\n")
    if problem := _csv_limits(text, first, lead_lines):
        return failed(problem)
    try:
        # header=None: the header row is read as data, so pandas does not rename repeated
        # names (its renaming is quadratic); _finish reports a repeated column itself
        frame = pd.read_csv(
            io.StringIO(text[lead:]),
            dtype=str,
            header=None,
            keep_default_na=False,
            skip_blank_lines=False,
            sep=_delimiter(first),
            quoting=csv.QUOTE_MINIMAL,
        )
    except pd.errors.EmptyDataError:
        return failed(Problem(None, None, "空文件 (empty file: no header, no rows)"))
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+), saw (\d+)", str(exc))
        line = int(m.group(1)) + lead_lines if m else None
        reason = "CSV 格式错误 (malformed CSV)"
        if m:
            reason = f"列数与表头不符 (row has {m.group(2)} fields, the header has fewer)"
        return failed(Problem(line, None, reason))
    header = [
        "" if h is None or (isinstance(h, float) and h != h) else str(h) for h in frame.iloc[0]
    ]
    frame = frame.iloc[1:].reset_index(drop=True)
    frame.columns = pd.RangeIndex(len(header))
    lines = np.arange(len(frame), dtype=np.int64) + 2 + lead_lines
    return _finish(frame, lines, encoding=encoding, sheet=None, header=header)


def _csv_limits(text: str, first: str, lead_lines: int) -> Problem | None:
    """The header's size and width and the number of lines, checked before pandas reads."""
    size = len(first.encode("utf-8", "replace"))
    if size > MAX_HEADER_BYTES:
        return Problem(
            1 + lead_lines,
            None,
            f"表头过长 (header row of {size} bytes; at most {MAX_HEADER_BYTES})",
        )
    delimiter = _delimiter(first)
    try:
        columns = len(next(csv.reader([first], delimiter=delimiter), []))
    except csv.Error:  # a lone carriage return in the header: count fields plainly
        columns = first.count(delimiter) + 1
    if columns > MAX_COLUMNS:
        return _too_wide(columns, 1 + lead_lines)
    lines = text.count("\n") + (not text.endswith("\n"))
    if lines > MAX_ROWS:
        return _too_long(lines)
    return None


def _too_wide(columns: int, line: int) -> Problem:
    return Problem(
        line, None, f"列数过多 (the header has {columns} columns; at most {MAX_COLUMNS})"
    )


def _too_long(rows: int) -> Problem:
    return Problem(
        None, None, f"行数过多 (more than {MAX_ROWS} rows: {rows}); 请拆分文件后分批导入"
    )


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


class Unreadable(ValueError):
    """A file that cannot be read (or that is over a limit before it is parsed)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.reason)
        self.problem = problem


# what a broken zip, sheet XML or cell text raises inside openpyxl
XLSX_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    IndexError,
    OSError,
    ValueError,
    TypeError,
    AttributeError,
    ParseError,
    SyntaxError,  # lxml.etree.XMLSyntaxError is one
    NotImplementedError,  # a zip compression method the standard library lacks
    UnicodeError,
)


def unreadable_problem(cause: object) -> Problem:
    text = str(cause).replace("\n", " ")
    if len(text) > 200:
        text = text[:200] + "…"
    name = cause.__class__.__name__ if isinstance(cause, BaseException) else "limit"
    return Problem(None, None, f"{UNREADABLE} XLSX 文件 (unreadable XLSX): {name}: {text}")


def check_zip(data: bytes, *, max_cell_chars: int = MAX_CELL_CHARS) -> None:
    """Refuse a zip bomb before anything is decompressed: the declared sizes of all members,
    each large member's compression ratio, then (streaming, in 1 MB pieces) no run of sheet
    XML without a tag longer than one cell can be. Raises Unreadable."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except XLSX_ERRORS as exc:
        raise Unreadable(unreadable_problem(exc)) from exc
    declared = sum(m.file_size for m in members)
    if declared > MAX_XLSX_UNCOMPRESSED:
        raise Unreadable(
            Problem(
                None,
                None,
                f"{UNREADABLE} XLSX 文件: 解压后过大 (the XLSX declares {declared} bytes "
                f"uncompressed; at most {MAX_XLSX_UNCOMPRESSED})",
            )
        )
    for m in members:
        if m.file_size > RATIO_FLOOR and m.file_size > MAX_XLSX_RATIO * max(m.compress_size, 1):
            ratio = m.file_size // max(m.compress_size, 1)
            raise Unreadable(
                Problem(
                    None,
                    None,
                    f"{UNREADABLE} XLSX 文件: 压缩比异常 (member {quote(m.filename)} expands "
                    f"{ratio} times; at most {MAX_XLSX_RATIO})",
                )
            )
    for m in members:
        name = m.filename
        if not name.endswith((".xml", ".rels")):
            continue
        cells = name.startswith(("xl/worksheets/", "xl/sharedStrings"))
        limit = 8 * max_cell_chars + 256 if cells else None
        try:
            with archive.open(m) as stream:
                run, dtd = _scan_xml(stream, limit)
        except XLSX_ERRORS as exc:
            raise Unreadable(unreadable_problem(exc)) from exc
        if dtd:
            raise Unreadable(
                Problem(
                    None,
                    None,
                    f"{UNREADABLE} XLSX 文件: 含有 DTD 或实体声明 (a DTD or entity declaration "
                    f"in {quote(name)}; Excel never writes one)",
                )
            )
        if limit is not None and run > limit:
            raise Unreadable(
                Problem(
                    None,
                    None,
                    f"单元格过长 (a cell in {quote(name)} is over {limit} bytes of XML; "
                    f"at most {max_cell_chars} characters)",
                )
            )


def _scan_xml(stream: io.BufferedIOBase, limit: int | None) -> tuple[int, bool]:
    """(the longest run of bytes without '<', whether a DTD is declared), read in 1 MB pieces.
    A cell's text lies between two tags; the scan stops early once the run passes ``limit``."""
    longest = run = 0
    tail = b""
    while chunk := stream.read(1 << 20):
        if b"<!DOCTYPE" in tail + chunk[:16] or b"<!DOCTYPE" in chunk or b"<!ENTITY" in chunk:
            return longest, True
        tail = chunk[-16:]
        if limit is None:
            continue
        marks = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == 0x3C)
        if not len(marks):
            run += len(chunk)
        else:
            longest = max(longest, run + int(marks[0]))
            if len(marks) > 1:
                longest = max(longest, int(np.diff(marks).max()) - 1)
            run = len(chunk) - int(marks[-1]) - 1
        longest = max(longest, run)
        if longest > limit:
            break
    return longest, False


def open_xlsx(data: bytes, *, max_cell_chars: int = MAX_CELL_CHARS):  # type: ignore[no-untyped-def]
    """A read-only openpyxl workbook after check_zip; its sheets' stated dimensions are
    ignored (a forged A1:XFD1048576 would pad every row). Raises Unreadable."""
    import openpyxl

    check_zip(data, max_cell_chars=max_cell_chars)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except XLSX_ERRORS as exc:
        raise Unreadable(unreadable_problem(exc)) from exc
    for sheet in book.worksheets:
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()
    return book


def _read_xlsx(data: bytes) -> Table:
    try:
        book = open_xlsx(data)
    except Unreadable as exc:
        return failed(exc.problem)
    try:
        fallback: Table | None = None
        for sheet in book.worksheets:
            table = _sheet_table(sheet)
            if table is None:
                continue
            if table.stop or detect_kind(list(table.frame.columns)) is not None:
                return table
            fallback = fallback or table
    except Unreadable as exc:
        return failed(exc.problem)
    except XLSX_ERRORS as exc:  # the sheet XML is parsed while its rows are read
        return failed(unreadable_problem(exc))
    finally:
        book.close()
    if fallback is not None:
        return fallback
    return failed(Problem(None, None, "XLSX 文件没有数据表 (no data sheet: every sheet is empty)"))


def _sheet_table(sheet) -> Table | None:  # type: ignore[no-untyped-def]
    rows = sheet.iter_rows(values_only=True)
    header: list[str] | None = None
    header_line = 0
    body: list[list[str]] = []
    sector_at: int | None = None
    ambiguous: list[Problem] = []
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS:
            raise Unreadable(_too_long(number))
        if header is None:
            if not any(v not in (None, "") for v in row):
                continue
            header, header_line = _xlsx_header(row, number), number
            canon = [canonical_column(h) for h in header]
            sector_at = canon.index("sector_code") if "sector_code" in canon else None
            continue
        cells = [_cell_text(v) for v in row[: len(header)]]
        if sector_at is not None and sector_at < len(row):
            value = row[sector_at]
            if isinstance(value, float | int) and _ambiguous_sector(cells[sector_at]):
                ambiguous.append(_numeric_sector(number, cells[sector_at]))
        body.append(cells + [""] * (len(header) - len(cells)))
    if header is None:
        return None
    frame = pd.DataFrame(body, dtype=object) if body else pd.DataFrame(columns=range(len(header)))
    frame.columns = pd.RangeIndex(len(header))
    lines = np.arange(len(frame), dtype=np.int64) + header_line + 1
    table = _finish(frame, lines, encoding="xlsx", sheet=sheet.title, header=header)
    table.problems.extend(ambiguous)
    return table


def _xlsx_header(row: tuple, line: int) -> list[str]:
    """The header row's names, trailing blanks dropped, within the width and size limits."""
    width = len(row)
    while width and row[width - 1] in (None, ""):
        width -= 1
    if width > MAX_COLUMNS:
        raise Unreadable(_too_wide(width, line))
    header = [_cell_text(v) for v in row[:width]]
    while header and not header[-1]:
        header.pop()
    size = sum(len(h.encode("utf-8")) for h in header) + width
    if size > MAX_HEADER_BYTES:
        raise Unreadable(
            Problem(
                line, None, f"表头过长 (header row of {size} bytes; at most {MAX_HEADER_BYTES})"
            )
        )
    return header


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
    frame: pd.DataFrame,
    lines: np.ndarray,
    *,
    encoding: str | None,
    sheet: str | None,
    header: list[str],
) -> Table:
    """Canonical headers (``header`` names the frame's columns by position), trailing blank
    rows dropped, repeated columns and over-long cells reported."""
    problems: list[Problem] = []
    renamed: dict[str, str] = {}
    seen: dict[str, str] = {}
    keep: list[int] = []
    names: list[str] = []
    unknown: list[str] = []
    for position, col in enumerate(header):
        canon = canonical_column(col)
        if canon is None:
            if str(col).strip() and not str(col).startswith("Unnamed: "):
                unknown.append(str(col).strip())
            continue
        if canon in seen:
            problems.append(
                Problem(
                    1,
                    canon,
                    f"列重复 (column appears twice: {quote(seen[canon])} and {quote(col)})",
                )
            )
            continue
        seen[canon] = str(col)
        renamed[str(col)] = canon
        keep.append(position)
        names.append(canon)
    frame = frame.iloc[:, keep].fillna("")
    frame.columns = names
    if len(frame):
        filled = np.zeros(len(frame), dtype=bool)
        for col in frame.columns:
            filled |= frame[col].astype(str).str.strip().to_numpy() != ""
        frame = frame[filled].reset_index(drop=True)
        lines = lines[filled]
    long_cells = _long_cells(frame, lines)
    originals = {v: k for k, v in renamed.items()}
    table = Table(frame, lines, encoding, sheet, problems + long_cells, originals, unknown)
    table.stop = bool(long_cells)
    return table


def _long_cells(frame: pd.DataFrame, lines: np.ndarray) -> list[Problem]:
    """A cell longer than MAX_CELL_CHARS (quoted cut short); at most 20 are listed."""
    found: list[Problem] = []
    for col in frame.columns:
        lengths = frame[col].astype(str).str.len().to_numpy()
        for i in np.flatnonzero(lengths > MAX_CELL_CHARS)[:20]:
            found.append(
                Problem(
                    int(lines[i]),
                    col,
                    f"单元格过长 ({int(lengths[i])} characters; at most {MAX_CELL_CHARS}): "
                    f"{quote(frame[col].iat[i])}",
                )
            )
    return sorted(found, key=lambda p: (p.line or 0, p.column or ""))[:20]
