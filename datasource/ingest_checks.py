"""What every ingest validator shares: the problem list, the column helpers and the staged rows.

Checks are vectorised: a check is a row mask and a reason, and a column is factorised once so a
check runs once per distinct value. The validators of each kind of file live in
``ingest_emissions``, ``ingest_indicators`` and ``ingest_regions``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from datasource import periods
from datasource.readers import Problem, quote

MAX_LISTED_PROBLEMS = 1000
ParkChecker = Callable[[str, float, float], "str | None"]


# --------------------------------------------------------------------------- problems


class Problems:
    """Collects problems per check (a row mask and a reason), listing at most a cap."""

    def __init__(self, lines: np.ndarray) -> None:
        self.lines = lines
        self.items: list[Problem] = []
        self.count = 0

    def add(self, problem: Problem) -> None:
        self.count += 1
        self.items.append(problem)

    def mask(
        self, mask: np.ndarray, column: str | None, reason: str | Callable[[int], str]
    ) -> None:
        idx = np.flatnonzero(mask)
        if not len(idx):
            return
        self.count += len(idx)
        for i in idx[:MAX_LISTED_PROBLEMS]:
            why = reason(int(i)) if callable(reason) else reason
            self.items.append(Problem(int(self.lines[i]), column, why))

    def listed(self) -> list[Problem]:
        ordered = sorted(self.items, key=lambda p: (p.line or 0, p.column or ""))
        return ordered[:MAX_LISTED_PROBLEMS]


# --------------------------------------------------------------------------- cell helpers


def lookup(series: pd.Series, func: Callable[[str], object]) -> np.ndarray:
    """Apply ``func`` to each distinct stripped text of a column (fast for repeated codes)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    mapped = np.empty(len(uniques), dtype=object)
    for i, u in enumerate(uniques):
        mapped[i] = func(cell(u))
    return mapped[codes]


def cell(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def cell_texts(series: pd.Series) -> np.ndarray:
    return lookup(series, lambda s: s)


def as_code(text: str) -> str:
    return text[:-2] if re.fullmatch(r"\d+\.0", text) else text


def numbers(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(float values, is-empty mask); non-numbers are NaN."""
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan, copy=True)
        empty = np.isnan(values)
        values[~np.isfinite(values)] = np.nan  # inf is not a number either
        return values, empty
    raw = series.astype(str).str.strip()
    empty = (raw == "").to_numpy() | series.isna().to_numpy()
    values = pd.to_numeric(raw.where(~empty, "nan"), errors="coerce").to_numpy(
        dtype=float, copy=True
    )
    values[~np.isfinite(values)] = np.nan
    return values, empty


def check_scaled(
    probs: Problems, usable: np.ndarray, scaled: np.ndarray, values: np.ndarray, units: np.ndarray
) -> None:
    """A value that overflows when converted to the stored unit (1e305 万吨) is an error too."""
    probs.mask(
        usable & ~np.isfinite(scaled),
        "value",
        lambda i: f"数值过大 (value {values[i]:g} {units[i]} is too large to store)",
    )


def as_period(text: str) -> str | None:
    try:
        return periods.normalise(text)
    except periods.PeriodError:
        return None


def period_reason(raw: object) -> str:
    return f"期间格式错误 (malformed period) {quote(cell(raw))}: 应为年份 2024 或月份 2024-07"


def check_numbers(
    probs: Problems, values: np.ndarray, empty: np.ndarray, raw: pd.Series, column: str
) -> np.ndarray:
    """Report empty and non-numeric cells; return the mask of usable numbers."""
    probs.mask(empty, column, "数值为空 (empty value)")
    bad = np.isnan(values) & ~empty
    probs.mask(bad, column, lambda i: f"不是数字 (not a number): {quote(cell(raw.iat[i]))}")
    return ~np.isnan(values)


def check_known(
    probs: Problems, texts: np.ndarray, ok: np.ndarray, column: str, what_zh: str, what: str
) -> None:
    empty = texts == ""
    probs.mask(empty, column, f"{what_zh}为空 (empty {what})")
    probs.mask(~ok & ~empty, column, lambda i: f"未知{what_zh} (unknown {what}): {quote(texts[i])}")


def check_duplicates(
    probs: Problems,
    key_cols: Sequence[np.ndarray],
    valid: np.ndarray,
    codes: Sequence[np.ndarray] | None = None,
) -> None:
    """Name both lines of every key that appears more than once among valid rows."""
    key = np.zeros(len(valid), dtype=np.int64)
    for i, col in enumerate(key_cols):
        col_codes = codes[i] if codes is not None else pd.factorize(col)[0]
        key = key * (int(col_codes.max(initial=0)) + 2) + col_codes
    key = np.where(valid, key, -1 - np.arange(len(valid)))
    dup = pd.Series(key).duplicated(keep="first").to_numpy() & valid
    if not dup.any():
        return
    first_line: dict[int, int] = {}
    for i in np.flatnonzero(valid):
        first_line.setdefault(int(key[i]), int(probs.lines[i]))
    names = [c for c in key_cols]

    def reason(i: int) -> str:
        shown = ", ".join(str(c[i]) for c in names)
        line = first_line[int(key[i])]
        return f"与第 {line} 行重复 (duplicate key {shown}: also on line {line})"

    probs.mask(dup, None, reason)


# --------------------------------------------------------------------------- context and columns


@dataclass
class Context:
    regions: dict[str, str]  # code -> level, from the data pool
    park_checker: ParkChecker | None

    @property
    def known(self) -> list[str]:
        return list(self.regions)


@dataclass
class Staged:
    """Validated rows ready to write, and how to write them."""

    table: str
    keys: tuple[str, ...]
    compare: tuple[str, ...]  # a change in any of these replaces the row
    frame: pd.DataFrame
    types: dict[str, str] = field(default_factory=dict)  # column -> text / float / int
    value_col: str | None = None  # recorded in value_change


class Col:
    """A column factorised once: per-row codes into its distinct stripped texts, so every check
    runs once per distinct value (a province file has ~100 regions, 20 periods, 60 sectors)."""

    def __init__(self, series: pd.Series) -> None:
        self.codes, raw = pd.factorize(series, use_na_sentinel=False)
        self.texts = np.array([cell(u) for u in raw], dtype=object)

    def map(self, func: Callable[[str], object]) -> tuple[np.ndarray, np.ndarray]:
        """(per-row results, per-row int code of the result) of ``func`` on each distinct text."""
        distinct = np.empty(len(self.texts), dtype=object)
        for i, text_ in enumerate(self.texts):
            distinct[i] = func(text_)
        result_codes, _ = pd.factorize(distinct, use_na_sentinel=False)
        return distinct[self.codes], result_codes[self.codes]

    def rows(self) -> np.ndarray:
        return self.texts[self.codes]


def pairs_ok(
    a: np.ndarray, a_codes: np.ndarray, b: np.ndarray, b_codes: np.ndarray, func
) -> np.ndarray:
    """``func(a, b)`` per row, evaluated once per distinct (a, b) pair."""
    width = int(b_codes.max(initial=0)) + 1
    combined = a_codes.astype(np.int64) * width + b_codes
    codes, _ = pd.factorize(combined)
    first = pd.Series(np.arange(len(combined))).groupby(codes).first().to_numpy()
    distinct = np.array([bool(func(a[i], b[i])) for i in first], dtype=bool)
    return distinct[codes]
