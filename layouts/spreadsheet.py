"""The one safe layer under every CSV and XLSX the product writes (the wall and regions
rankings, the inventory, the policy statistics, /api/v1/*?format=csv|xlsx).

A name that begins with ``= + - @`` (or a tab or carriage return) is a live formula when a
spreadsheet opens the file ("CSV injection"): in CSV such a text cell gets a leading ``'``
(Excel and LibreOffice then show it as text); in XLSX every text is written as a string
cell, never as a formula. Numbers stay numbers, also when written as text ("-0.07"). Bytes out,
no I/O.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# a number written as text ("-0.07", "+5", "-3.2%") is read as that number, never a formula
NUMBER_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def csv_cell(value: Any) -> Any:
    """A CSV cell: text that a spreadsheet would run as a formula gets a leading '; a plain
    number written as text ("-0.07") stays as it is."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_START)
        and not NUMBER_TEXT.fullmatch(value)
    ):
        return "'" + value
    return value


def csv_bytes(
    rows: Iterable[Sequence[Any]], *, bom: bool = True, lineterminator: str = "\n"
) -> bytes:
    """Rows (the header first) as CSV in UTF-8, with a BOM so Excel on Chinese Windows reads
    it; every cell through csv_cell."""
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    # written with \r\n so that a cell holding \r or \n is always quoted (the csv module
    # quotes only the line terminator's characters), then the row ends as asked
    line = io.StringIO()
    writer = csv.writer(line, lineterminator="\r\n")
    for row in rows:
        line.seek(0)
        line.truncate()
        writer.writerow([csv_cell(v) for v in row])
        out.write(line.getvalue()[:-2] + lineterminator)
    return out.getvalue().encode("utf-8")


def openpyxl_row(sheet: Any, values: Sequence[Any]) -> Any:
    """``sheet.append(values)`` for an openpyxl sheet, with every text cell a string cell
    (openpyxl otherwise stores a text beginning with = as a formula). Returns the row."""
    sheet.append(list(values))
    row = sheet[sheet.max_row]
    for cell in row:
        if isinstance(cell.value, str):
            cell.data_type = "s"
    return row


def xlsxwriter_cell(sheet: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """One cell of an xlsxwriter sheet: text as a string (never a formula or a URL), numbers
    as numbers, None as an empty cell."""
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)


# the options of every xlsxwriter workbook: no text is turned into a formula, number or URL
XLSXWRITER_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
