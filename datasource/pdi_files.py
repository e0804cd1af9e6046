"""Reading a PDI upload (CSV in UTF-8/GBK, or XLSX) into text cells under canonical column
names, with file line numbers, and the Problem a file is rejected for. No SQL here.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from dataclasses import dataclass

from datasource.readers import (  # one shape of problem for every file the pool reads
    XLSX_ERRORS,
    Problem,
    Unreadable,
    check_zip,
    unreadable_problem,
)

# canonical column -> accepted header spellings (lower-cased, spaces/underscores removed)
_ALIASES = {
    "code": ("code", "代码", "指标代码", "编码"),
    "parent_code": ("parentcode", "parent", "上级代码", "上级指标"),
    "level": ("level", "层级", "级别"),
    "name_zh": ("namezh", "name", "名称", "中文名称", "指标名称"),
    "name_en": ("nameen", "英文名称"),
    "weight": ("weight", "权重"),
    "direction": ("direction", "方向"),
    "method": ("method", "归一化方法", "方法"),
    "worst": ("worst", "最差值", "最差基准"),
    "best": ("best", "最优值", "最优基准"),
    "unit": ("unit", "单位"),
    "measure_zh": ("measurezh", "measure", "度量", "计量说明"),
    "source": ("source", "来源"),
    "round": ("round", "轮次", "轮"),
    "expert": ("expert", "专家", "专家编号"),
    "indicator_code": ("indicatorcode", "indicator", "指标", "指标代码"),
    "rating": ("rating", "评分", "重要性"),
    "scale": ("scale", "量表"),
    "park_code": ("parkcode", "park", "园区代码", "园区"),
    "value": ("value", "数值", "值", "指标值"),
    "period": ("period", "year", "年份", "时期"),
    "dimension": ("dimension", "维度", "一级指标"),
    "score": ("score", "得分", "分数"),
}
REQUIRED = {
    "pdi_tree": ("code", "weight"),  # a full tree also needs parent_code, level, name_zh
    "pdi_ratings": ("round", "expert", "indicator_code", "rating"),
    "pdi_values": ("park_code", "indicator_code", "value", "period"),
    "pdi_scores": ("park_code", "dimension", "score"),
}


def _key(header: str) -> str:
    return re.sub(r"[\s_]", "", header.strip().lstrip("\ufeff").lower())


def _columns_for(kind: str) -> dict[str, str]:
    """Header key -> canonical column, for the kind (so 'code' means indicator code in a tree)."""
    out: dict[str, str] = {}
    for col, names in _ALIASES.items():
        for name in names:
            out.setdefault(_key(name), col)
    if kind != "pdi_tree":
        out[_key("code")] = "indicator_code"
        out[_key("指标代码")] = "indicator_code"
    return out


@dataclass
class Rows:
    columns: set[str]
    rows: list[tuple[int, dict[str, str]]]
    problems: list[Problem]
    encoding: str | None = None


def _decode(data: bytes) -> tuple[str | None, str | None]:
    for enc, name in (("utf-8-sig", "utf-8"), ("gbk", "gbk"), ("gb18030", "gb18030")):
        try:
            return data.decode(enc), name
        except UnicodeDecodeError:
            continue
    return None, None


def read_rows(data: bytes, kind: str) -> Rows:
    """Cells as text under canonical names, with file line numbers; CSV (UTF-8/GBK) or XLSX."""
    if not data.strip():
        return Rows(set(), [], [Problem(None, None, "空文件 (empty file)")])
    if data[:4] == b"PK\x03\x04":
        try:  # the import limits of every file the pool reads (zip bomb, DTD, long cells)
            check_zip(data)
            raw, encoding = _xlsx_rows(data)
        except Unreadable as exc:
            return Rows(set(), [], [exc.problem])
        except XLSX_ERRORS as exc:
            return Rows(set(), [], [unreadable_problem(exc)])
        if raw is None:
            return Rows(set(), [], [Problem(None, None, "无法读取 XLSX 文件 (unreadable XLSX)")])
    else:
        text_, encoding = _decode(data)
        if text_ is None:
            return Rows(set(), [], [Problem(None, None, "文件编码错误: 请另存为 UTF-8 或 GBK")])
        raw = list(enumerate(csv.reader(io.StringIO(text_)), start=1))
    raw = [(n, r) for n, r in raw if any(c.strip() for c in r)]
    if not raw:
        return Rows(set(), [], [Problem(None, None, "空文件 (empty file)")])
    (head_line, header), body = raw[0], raw[1:]
    known = _columns_for(kind)
    cols: dict[int, str] = {}
    problems = []
    for i, h in enumerate(header):
        col = known.get(_key(h))
        if col is None:
            continue
        if col in cols.values():
            problems.append(Problem(head_line, col, f"列重复 (column appears twice: {h!r})"))
        cols[i] = col
    rows = [
        (n, {c: (r[i].strip() if i < len(r) else "") for i, c in cols.items()}) for n, r in body
    ]
    return Rows(set(cols.values()), rows, problems, encoding)


def _xlsx_rows(data: bytes) -> tuple[list[tuple[int, list[str]]] | None, str]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None, "xlsx"
    try:
        sheet = book.worksheets[0]
        out = []
        for n, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = []
            for v in row:
                if v is None:
                    cells.append("")
                elif isinstance(v, float) and v.is_integer():
                    cells.append(str(int(v)))
                else:
                    cells.append(str(v))
            out.append((n, cells))
        return out, "xlsx"
    finally:
        book.close()


def number(text_: str) -> float | None:
    try:
        v = float(text_.replace(",", ""))
    except ValueError:
        return None
    return v if math.isfinite(v) else None
