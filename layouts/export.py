"""File exports of the analysis pages: the whole GHG inventory as XLSX (one sheet per sector,
laid out as on screen) and a ranking table as CSV (UTF-8 with BOM) or XLSX. Bytes out, no I/O."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from layouts import spreadsheet
from layouts.pages import inventory as inv_page

NUMBER_FORMAT = "#,##0.00"
HEAD_FILL = PatternFill("solid", fgColor="DCE6F1")
TOP_FILL = PatternFill("solid", fgColor="F2F2F2")


def inventory_xlsx(
    rows: Sequence[Any], *, title: str, lang: str = "zh", derived: bool = False
) -> bytes:
    """One sheet per sector (the screen's tab order and names). Row 1: the title; row 2: the
    column heads; then the tree rows with the screen's labels. Values are numbers in 万吨 (the
    fluorinated gases in 万吨CO₂e), shown with two decimals; a cell not reported holds "—"."""
    book = Workbook()
    book.remove(book.active)
    for top, zh, en in inv_page.TABS:
        sheet = book.create_sheet(en if lang == "en" else zh)
        note = f" ({'sum of sub-regions' if lang == 'en' else '由下级地区汇总'})" if derived else ""
        spreadsheet.openpyxl_row(sheet, [title + note])
        sheet["A1"].font = Font(bold=True, size=13)
        heads = [inv_page.column_defs(lang)[0]["headerName"]]
        heads += [inv_page.COLUMNS[g][1 if lang == "en" else 0] for g in inv_page.GASES]
        sheet.append(heads)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            cell.fill = HEAD_FILL
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
        for r in rows:
            if r.sector_code.split(".")[0] != top:
                continue
            label = r.label_en if lang == "en" else r.label_zh
            values = [r.values.get(g) for g in inv_page.GASES]
            line = spreadsheet.openpyxl_row(
                sheet,
                [inv_page.seed_label(r.sector_code, label, r.depth, lang)]
                + ["—" if v is None else v / 1e4 for v in values],
            )
            line[0].alignment = Alignment(indent=2 * r.depth)
            for cell in line[1:]:
                cell.number_format = NUMBER_FORMAT
                cell.alignment = Alignment(horizontal="right")
            if r.depth == 0:
                for cell in line:
                    cell.font = Font(bold=True)
                    cell.fill = TOP_FILL
        sheet.column_dimensions["A"].width = 44
        for i in range(2, 2 + len(inv_page.GASES)):
            sheet.column_dimensions[get_column_letter(i)].width = 20
        sheet.freeze_panes = "B3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def table_csv(
    columns: Sequence[tuple[str, str]],
    records: Sequence[Mapping[str, Any]],
    *,
    foot: str | None = None,
) -> bytes:
    """``columns`` = (field, heading). UTF-8 with BOM so Excel on Chinese Windows reads it.
    ``foot``: one last line after the records (the source and definitions)."""
    rows = [[h for _, h in columns]]
    rows += [["" if rec.get(f) is None else rec.get(f) for f, _ in columns] for rec in records]
    if foot:
        rows.append([foot])
    return spreadsheet.csv_bytes(rows)


def table_xlsx(
    columns: Sequence[tuple[str, str]],
    records: Sequence[Mapping[str, Any]],
    *,
    sheet: str,
    title: str | None = None,
    foot: str | None = None,
) -> bytes:
    """One sheet: an optional title row, the headings, then the records (numbers stay numbers);
    ``foot``: one last row after them (the source and definitions)."""
    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    if title:
        spreadsheet.openpyxl_row(ws, [title])
        ws["A1"].font = Font(bold=True, size=13)
    spreadsheet.openpyxl_row(ws, [h for _, h in columns])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
    for rec in records:
        spreadsheet.openpyxl_row(ws, [rec.get(f) for f, _ in columns])
    if foot:
        spreadsheet.openpyxl_row(ws, [foot])
    for i, (_, heading) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(12, 2 * len(heading) + 2)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
