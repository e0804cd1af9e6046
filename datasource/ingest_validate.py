"""Validation of a read file: its kind, its columns, then the row checks of that kind."""

from __future__ import annotations

from datasource.ingest_checks import Context, Problems, Staged
from datasource.ingest_emissions import validate_emissions
from datasource.ingest_indicators import validate_indicators, validate_targets
from datasource.ingest_regions import validate_parks, validate_regions
from datasource.readers import COLUMNS, KINDS, Problem, Table, detect_kind

_VALIDATORS = {
    "emissions": validate_emissions,
    "indicators": validate_indicators,
    "regions": validate_regions,
    "parks": validate_parks,
    "targets": validate_targets,
}


def validate(
    table: Table, kind: str | None, ctx: Context
) -> tuple[str | None, Staged | None, Problems]:
    """(kind, staged rows or None, problems) of a read table; the kind is detected from the
    header when not given. Staged rows are None when a structural problem stops the checks."""
    probs = Problems(table.lines)
    for p in table.problems:
        probs.add(p)
    if table.stop or (table.problems and table.frame.empty and not len(table.frame.columns)):
        return kind, None, probs
    if kind is None:
        kind = detect_kind(list(table.frame.columns))
        if kind is None:
            probs.add(
                Problem(
                    1,
                    None,
                    (
                        "无法从表头识别文件类型 (cannot tell the kind from the header); 请用 --kind 指定, "  # noqa: E501
                        f"或按 docs/data-formats.md 的导入格式写表头 (kinds: {', '.join(KINDS)})"
                    ),
                )
            )
            return None, None, probs
    elif kind not in KINDS:
        probs.add(
            Problem(None, None, f"未知类型 (unknown kind) {kind!r}; kinds: {', '.join(KINDS)}")
        )
        return None, None, probs
    required, _optional = COLUMNS[kind]
    missing = [c for c in required if c not in table.frame.columns]
    for col in missing:
        probs.add(Problem(1, col, f"缺少列 (missing column) {col}"))
    structural = any(p.line in (None, 1) for p in table.problems)
    if missing or structural:
        return kind, None, probs
    if table.frame.empty:
        probs.add(Problem(None, None, "空文件: 只有表头, 没有数据行 (empty file: no data rows)"))
        return kind, None, probs
    staged = _VALIDATORS[kind](table, ctx, probs)
    return kind, staged, probs


def ignored_columns(table: Table, kind: str | None) -> list[str]:
    """Headers of the file that nothing reads (as written in the file): columns no alias
    matches, and known columns this kind does not use (a 人口 column in an emissions file)."""
    if kind not in COLUMNS:
        return list(table.unknown_headers)
    required, optional = COLUMNS[kind]
    used = set(required) | set(optional)
    unused = [table.original_headers.get(c, c) for c in table.frame.columns if c not in used]
    return [*table.unknown_headers, *unused]
