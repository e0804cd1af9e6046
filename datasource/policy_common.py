"""What every module of the policy library shares: its errors, its clock, the time helpers
(北京时间 months, SQLite's naive datetimes), the refusal record ``Problem`` and the JSON form
of documents and search hits.

``utcnow`` here is the one clock of the library: the other policy modules (and
``datasource.policy.utcnow``) look it up on this module when they run, so patching
``datasource.policy_common.utcnow`` moves every one of them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8))  # months and years of views are counted in 北京时间


class PolicyError(ValueError):
    """A request the library refuses; ``status`` is the HTTP status that fits."""

    status = 400

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status


class NotFound(PolicyError):
    status = 404


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def month_of(moment: datetime) -> str:
    return aware(moment).astimezone(CHINA_TZ).strftime("%Y-%m")


@dataclass(frozen=True)
class Problem:
    """Why a value (or a catalogue row) is refused: line (None for a form), column, reason."""

    line: int | None
    column: str | None
    reason: str

    def render(self) -> str:
        where = f"第 {self.line} 行" if self.line is not None else "表单"
        return (
            f"{where} [{self.column}]: {self.reason}" if self.column else f"{where}: {self.reason}"
        )


def as_json(row: object) -> dict[str, object]:
    """A document or a search hit as JSON, its fields in declaration order: dates and times as
    ISO strings, tags as a list, the score rounded to 4 places."""
    out: dict[str, object] = {}
    for f in fields(row):
        value = getattr(row, f.name)
        if isinstance(value, date):  # a datetime is a date too
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, float):
            value = round(value, 4)
        out[f.name] = value
    return out
