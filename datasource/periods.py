"""Periods of any grain: a year ``2024``, a quarter ``2024-Q3``, a month ``2024-07`` or a day
``2024-07-15``; what "the same period last year" (同比) and "the period before" (环比) mean;
how a period is made of finer ones; and its Chinese label ("2025年1—11月" for year-to-date).

The canonical texts sort correctly as text within one grain; ``sort_key`` orders any mix.
docs/periods.md describes the rules.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta

GRAINS = ("Y", "Q", "M", "D")  # coarse to fine
GRAIN_NAMES = {"Y": "year", "Q": "quarter", "M": "month", "D": "day"}
_YEAR = re.compile(r"^(19|20)\d\d$")
_QUARTER = re.compile(r"^((19|20)\d\d)-Q([1-4])$")
_MONTH = re.compile(r"^((19|20)\d\d)-(0[1-9]|1[0-2])$")
_DAY = re.compile(r"^((19|20)\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
# the API's pattern for a period of any grain (the day is checked against the calendar later)
PATTERN = r"(19|20)[0-9]{2}(-Q[1-4]|-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?"


class PeriodError(ValueError):
    pass


def normalise(text: object) -> str:
    """Any accepted spelling -> canonical text.

    Years ``2024``, ``2024.0`` (from Excel), ``2024年``; quarters ``2024-Q3``, ``2024Q3``,
    ``2024年第3季度``; months ``2024-7``, ``2024-07``, ``2024/07``, ``2024年7月``; days
    ``2024-07-15``, ``2024/7/15``, ``2024年7月15日``, ``2024-07-15 00:00:00`` and date objects.
    """
    if isinstance(text, datetime):
        return _day_text(text.date())
    if isinstance(text, date):
        return _day_text(text)
    raw = str(text).strip()
    if re.fullmatch(r"\d{4}\.0", raw):
        raw = raw[:4]
    m = re.fullmatch(r"(\d{4})\s*-?\s*[Qq]([1-4])", raw) or re.fullmatch(
        r"(\d{4})年第?([1-4一二三四])季度?", raw
    )
    if m:
        q = m.group(2)
        raw = f"{m.group(1)}-Q{'一二三四'.index(q) + 1 if q in '一二三四' else q}"
    if m := re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]00:00(?::00)?)?", raw):
        raw = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
        if not _valid_day(raw):
            raise PeriodError(f"period {text!r} is not a calendar day")
    if m := re.fullmatch(r"(\d{4})[-/.年](\d{1,2})月?", raw):
        raw = f"{m.group(1)}-{int(m.group(2)):02d}"
    if raw.endswith("年") and len(raw) == 5:
        raw = raw[:4]
    if _YEAR.match(raw) or _QUARTER.match(raw) or _MONTH.match(raw):
        return raw
    if _DAY.match(raw) and _valid_day(raw):
        return raw
    raise PeriodError(
        f"period {text!r} is not a year (2024), quarter (2024-Q3), month (2024-07) "
        "or day (2024-07-15)"
    )


def is_valid(text: str) -> bool:
    """True when ``text`` is already a canonical period (the API's check)."""
    try:
        return normalise(text) == text
    except PeriodError:
        return False


def _valid_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _day_text(d: date) -> str:
    text = d.isoformat()
    if not _DAY.match(text):
        raise PeriodError(f"day {text} is outside 1900-2099")
    return text


def kind(period: str) -> str:
    """The grain: ``Y`` year, ``Q`` quarter, ``M`` month, ``D`` day."""
    n = len(period)
    if n == 4:
        return "Y"
    if n == 10:
        return "D"
    return "Q" if period[5] == "Q" else "M"


grain = kind


def year_of(period: str) -> int:
    return int(period[:4])


def month_of(period: str) -> str:
    """The month a day falls in."""
    return period[:7]


def quarter_of(period: str) -> str:
    """The quarter a month (or day) falls in."""
    return f"{period[:4]}-Q{(int(period[5:7]) - 1) // 3 + 1}"


def parent(period: str) -> str | None:
    """The next coarser period: day -> month -> quarter -> year; None for a year."""
    g = kind(period)
    if g == "D":
        return month_of(period)
    if g == "M":
        return quarter_of(period)
    if g == "Q":
        return period[:4]
    return None


def start(period: str) -> date:
    g = kind(period)
    y = year_of(period)
    if g == "Y":
        return date(y, 1, 1)
    if g == "Q":
        return date(y, 3 * int(period[6]) - 2, 1)
    if g == "M":
        return date(y, int(period[5:7]), 1)
    return date.fromisoformat(period)


def months(period: str) -> list[int]:
    """The calendar months (1-12) a year or quarter spans; a month's own number."""
    g = kind(period)
    if g == "Y":
        return list(range(1, 13))
    if g == "Q":
        q = int(period[6])
        return [3 * q - 2, 3 * q - 1, 3 * q]
    return [int(period[5:7])]


def days_in(period: str) -> int:
    """Days in a month (or the month of a day)."""
    return calendar.monthrange(year_of(period), int(period[5:7]))[1]


def sort_key(period: str) -> tuple[date, int]:
    """Chronological, coarser first when two periods start together (2024, 2024-Q1, 2024-01)."""
    return (start(period), GRAINS.index(kind(period)))


def ordered(found: Iterable[str]) -> list[str]:
    return sorted(found, key=sort_key)


def previous(period: str) -> str:
    """The same period a year earlier (同比). 29 February compares with 28 February."""
    y = year_of(period) - 1
    if kind(period) == "Y":
        return str(y)
    if period.endswith("-02-29"):
        return f"{y}-02-28"
    return f"{y}{period[4:]}"


def prior(period: str) -> str:
    """The period just before, of the same grain (环比): the previous month, quarter or day;
    for a year, the previous year."""
    g = kind(period)
    y = year_of(period)
    if g == "Y":
        return str(y - 1)
    if g == "Q":
        q = int(period[6])
        return f"{y - 1}-Q4" if q == 1 else f"{y}-Q{q - 1}"
    if g == "M":
        m = int(period[5:7])
        return f"{y - 1}-12" if m == 1 else f"{y}-{m - 1:02d}"
    return _day_text(date.fromisoformat(period) - timedelta(days=1))


def ranges(units: Iterable[int]) -> str:
    """``[1, 2, 3, 5]`` -> ``"1-3,5"``: the compact text of which months (or days) are covered."""
    out: list[str] = []
    items = sorted(set(units))
    i = 0
    while i < len(items):
        j = i
        while j + 1 < len(items) and items[j + 1] == items[j] + 1:
            j += 1
        out.append(str(items[i]) if i == j else f"{items[i]}-{items[j]}")
        i = j + 1
    return ",".join(out)


def parse_ranges(text: str) -> list[int]:
    out: list[int] = []
    for part in filter(None, text.split(",")):
        a, _, b = part.partition("-")
        out.extend(range(int(a), int(b or a) + 1))
    return out


def label_zh(period: str, coverage: str | None = None) -> str:
    """The period on screen: 2025年, 2025年第3季度, 2025年7月, 2025年7月15日; a period covered
    only in part names what it covers: 2025年1—11月, 2025年7—8月, 2025年7月1—15日."""
    g = kind(period)
    y = year_of(period)
    if coverage:
        spans = "、".join(p.replace("-", "—") for p in coverage.split(","))
        if g == "M":
            return f"{y}年{int(period[5:7])}月{spans}日"
        return f"{y}年{spans}月"
    if g == "Y":
        return f"{y}年"
    if g == "Q":
        return f"{y}年第{period[6]}季度"
    if g == "M":
        return f"{y}年{int(period[5:7])}月"
    return f"{y}年{int(period[5:7])}月{int(period[8:10])}日"
