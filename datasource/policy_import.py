"""Catalogue import: a CSV (UTF-8, UTF-8-BOM, GBK) or XLSX list of documents, its columns
recognised under Chinese or English names, every row validated like a form, and all rows
inserted in one go or none (``ImportReport``).
"""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from datasource import policy_audit
from datasource.models_policy import PolicyDocument
from datasource.policy_common import PolicyError, Problem
from datasource.policy_docs import clean_fields, insert_document, known_region_codes
from datasource.readers import (
    MAX_COLUMNS,
    MAX_ROWS,
    XLSX_ERRORS,
    Unreadable,
    open_xlsx,
    unreadable_problem,
)
from datasource.readers import Problem as FileProblem

# the import line keeps the logger it had before the library was split into modules, so log
# filters and level settings on "datasource.policy" still reach it
log = logging.getLogger("datasource.policy")

D = PolicyDocument
MAX_BODY_CHARS = 200_000  # one cell of a catalogue: a document's full text (正文)

CATALOGUE_REQUIRED = ("title", "agency", "issued_on", "level", "category", "region_code")
_CATALOGUE_ALIASES = {
    "title": ("title", "标题", "文件标题", "政策标题", "名称"),
    "doc_no": ("docno", "doc_no", "文号", "发文字号"),
    "agency": ("agency", "发文机关", "发布机关", "发文单位"),
    "issued_on": ("issuedon", "date", "发文日期", "发布日期", "成文日期", "日期"),
    "level": ("level", "级别", "层级"),
    "category": ("category", "类别", "分类"),
    "region_code": ("regioncode", "region", "地区代码", "行政区划代码", "区划代码"),
    "tags": ("tags", "标签", "关键词"),
    "body": ("body", "正文", "全文", "内容"),
}
_HEADER = {
    re.sub(r"[\s_]", "", a.lower()): col for col, names in _CATALOGUE_ALIASES.items() for a in names
}


@dataclass(frozen=True)
class RowReport:
    line: int
    title: str
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ImportReport:
    """All or nothing: ``accepted`` means every row was inserted, otherwise none was."""

    accepted: bool
    created: int
    rows: tuple[RowReport, ...]
    problems: tuple[Problem, ...] = field(default=())  # file-level (header, encoding)

    def as_json(self) -> dict[str, object]:
        return {
            "accepted": self.accepted,
            "created": self.created,
            "problems": [p.render() for p in self.problems],
            "rows": [
                {
                    "line": r.line,
                    "title": r.title,
                    "ok": r.ok,
                    "problems": [p.render() for p in r.problems],
                }
                for r in self.rows
            ],
        }


def _decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise PolicyError("文件编码无法识别：请保存为 UTF-8 或 GBK 编码的 CSV")


def _read_table(data: bytes) -> list[list[object]]:
    """The cells of the first sheet or of the CSV; Unreadable over a limit or for a broken
    file, PolicyError for an undecodable CSV."""
    if data[:4] == b"PK\x03\x04":
        book = open_xlsx(data, max_cell_chars=MAX_BODY_CHARS)
        try:
            sheet = book.worksheets[0]
            table = []
            for row in sheet.iter_rows(values_only=True):
                table.append(_within(list(row), len(table) + 1))
        except XLSX_ERRORS as exc:
            raise Unreadable(unreadable_problem(exc)) from exc
        finally:
            book.close()
        return table
    try:
        reader = csv.reader(io.StringIO(_decode(data)))
        return [_within(row, number) for number, row in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise Unreadable(
            FileProblem(None, None, f"无法读取 CSV 文件 (malformed CSV): {exc}")
        ) from exc


def _within(row: list, line: int) -> list:  # type: ignore[type-arg]
    """A row under the width and row-count limits of every import file."""
    if line > MAX_ROWS:
        raise Unreadable(FileProblem(None, None, f"行数过多 (more than {MAX_ROWS} rows)"))
    while row and row[-1] in (None, ""):
        row.pop()
    if len(row) > MAX_COLUMNS:
        raise Unreadable(
            FileProblem(line, None, f"列数过多 ({len(row)} columns; at most {MAX_COLUMNS})")
        )
    return row


def read_catalogue(data: bytes) -> tuple[list[tuple[int, dict[str, object]]], list[Problem]]:
    """Rows of a CSV (UTF-8, UTF-8-BOM, GBK) or XLSX catalogue under canonical column names,
    each with its file line (the header is line 1)."""
    try:
        table = _read_table(data)
    except Unreadable as exc:
        return [], [Problem(exc.problem.line, None, exc.problem.reason)]
    except PolicyError as exc:
        return [], [Problem(None, None, str(exc))]
    if not table or not any(c not in (None, "") for c in table[0]):
        return [], [Problem(1, None, "空文件或缺少表头 (no header row)")]
    header = [_HEADER.get(re.sub(r"[\s_]", "", str(h or "").lower())) for h in table[0]]
    problems = [
        Problem(1, str(h), "无法识别的列 (unknown column)")
        for h, col in zip(table[0], header, strict=True)
        if h not in (None, "") and col is None
    ]
    problems += [
        Problem(1, col, "缺少必填列 (missing column)")
        for col in CATALOGUE_REQUIRED
        if col not in header
    ]
    rows = []
    for i, raw in enumerate(table[1:], start=2):
        if all(c in (None, "") for c in raw):
            continue
        rows.append(
            (i, {col: ("" if v is None else v) for col, v in zip(header, raw, strict=False) if col})
        )
    if not rows and not problems:
        problems.append(Problem(None, None, "没有数据行 (no rows)"))
    return rows, problems


def import_catalogue(
    session: Session, data: bytes, *, actor: str, file_name: str = "", dry_run: bool = False
) -> ImportReport:
    """Validate every row of a catalogue; insert all of them only if none has a problem.

    A 文号 already in the library or repeated in the file is a problem. One audit entry
    records an accepted import (with the new ids); a refused one changes nothing.
    """
    rows, problems = read_catalogue(data)
    if problems:
        return ImportReport(False, 0, (), tuple(problems))
    known = known_region_codes(session)
    existing = set(session.scalars(select(D.doc_no).where(D.doc_no.is_not(None))))
    seen: dict[str, int] = {}
    reports, cleaned = [], []
    for line, values in rows:
        clean, row_problems = clean_fields(values, known_regions=known, line=line)
        doc_no = clean.get("doc_no")
        if doc_no and doc_no in existing:
            row_problems.append(Problem(line, "doc_no", f"文号 {doc_no} 已在库中"))
        elif doc_no and doc_no in seen:
            row_problems.append(
                Problem(line, "doc_no", f"文号 {doc_no} 与第 {seen[doc_no]} 行重复")
            )
        if doc_no:
            seen.setdefault(str(doc_no), line)
        reports.append(RowReport(line, str(values.get("title", ""))[:80], tuple(row_problems)))
        cleaned.append(clean)
    if dry_run or not all(r.ok for r in reports):
        return ImportReport(False, 0, tuple(reports))
    ids = [insert_document(session, c, actor=actor, audit=False) for c in cleaned]
    policy_audit.record(
        session, actor, "import", None, {"file_name": file_name, "rows": len(ids), "ids": ids}
    )
    log.info("policy catalogue %s: %d documents imported by %s", file_name, len(ids), actor)
    return ImportReport(True, len(ids), tuple(reports))
