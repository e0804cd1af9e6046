"""Periods: a year ``YYYY`` or a month ``YYYY-MM``, and what "the previous period" means."""

from __future__ import annotations

import re

_YEAR = re.compile(r"^(19|20)\d\d$")
_MONTH = re.compile(r"^((19|20)\d\d)-(0[1-9]|1[0-2])$")


class PeriodError(ValueError):
    pass


def normalise(text: object) -> str:
    """``2024``, ``2024.0`` (from Excel), ``2024-7``, ``2024-07``, ``2024/07`` -> canonical text."""
    raw = str(text).strip()
    if re.fullmatch(r"\d{4}\.0", raw):
        raw = raw[:4]
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})月?", raw)
    if m:
        raw = f"{m.group(1)}-{int(m.group(2)):02d}"
    if raw.endswith("年") and len(raw) == 5:
        raw = raw[:4]
    if _YEAR.match(raw) or _MONTH.match(raw):
        return raw
    raise PeriodError(f"period {text!r} is neither a year (2024) nor a month (2024-07)")


def kind(period: str) -> str:
    """``Y`` for a year, ``M`` for a month."""
    return "M" if len(period) == 7 else "Y"


def previous(period: str) -> str:
    """The previous year for a year; the same month a year earlier for a month."""
    if kind(period) == "Y":
        return str(int(period) - 1)
    return f"{int(period[:4]) - 1}{period[4:]}"


def year_of(period: str) -> int:
    return int(period[:4])
