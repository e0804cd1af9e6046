"""Reads of the zero-carbon park yardstick (issue 21): the thresholds in force (the imported
``zc_thresholds`` rows, or the package's file while none were imported), a park's years
assessed against them with the progress since 2025, and every reporting park's status for the
wall's map. The arithmetic is in ``datasource.zero_carbon``; the file ingest in
``datasource.zero_carbon_ingest``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from datasource import zero_carbon as zc
from datasource.models import Region
from datasource.models_zero_carbon import ParkIndicator, ZeroCarbonThreshold


def thresholds(session: Session) -> list[zc.Threshold]:
    """The thresholds in force: the last imported set, else the package's default file."""
    rows = session.scalars(select(ZeroCarbonThreshold).order_by(ZeroCarbonThreshold.id)).all()
    if not rows:
        return zc.default_thresholds()
    return [
        zc.Threshold(
            r.indicator, r.tier_min_tce, r.tier_max_tce, r.comparison, r.threshold, r.unit, r.source
        )
        for r in rows
    ]


def _values(session: Session, codes: Sequence[str] | None = None) -> dict[str, dict[str, dict]]:
    """park -> period -> indicator -> value (canonical units)."""
    stmt = select(ParkIndicator.park_code, ParkIndicator.period, ParkIndicator.indicator,
                  ParkIndicator.value)  # fmt: skip
    if codes is not None:
        stmt = stmt.where(ParkIndicator.park_code.in_(list(codes)))
    out: dict[str, dict[str, dict]] = defaultdict(lambda: defaultdict(dict))
    for park, period, ind, value in session.execute(stmt):
        out[park][period][ind] = value
    return out


@dataclass(frozen=True)
class ParkZeroCarbon:
    """A park's zero-carbon record: every reported year assessed, the newest first in use."""

    code: str
    name_zh: str
    years: tuple[zc.Assessment, ...]  # oldest first
    thresholds: tuple[zc.Threshold, ...]

    @property
    def latest(self) -> zc.Assessment:
        return self.years[-1]

    @property
    def base(self) -> zc.Assessment | None:
        return next((a for a in self.years if a.period == zc.BASE_PERIOD), None)

    def progress(self) -> list[zc.Progress]:
        return zc.progress(self.base, self.latest)


def park_record(session: Session, code: str) -> ParkZeroCarbon | None:
    """A park's years against the thresholds in force, or None without any reported value."""
    by_period = _values(session, [code]).get(code)
    if not by_period:
        return None
    rules = thresholds(session)
    name = session.scalar(select(Region.name_zh).where(Region.code == code)) or code
    years = tuple(zc.assess(p, by_period[p], rules) for p in sorted(by_period))
    return ParkZeroCarbon(code, name, years, tuple(rules))


@dataclass(frozen=True)
class ParkStatus:
    """One reporting park's newest year, for the map layer and lists."""

    code: str
    name_zh: str
    county_code: str | None
    lon: float | None
    lat: float | None
    industry: str | None
    park_level: str | None
    period: str
    status: str
    core_value: float | None
    threshold: float | None
    tier: str | None
    energy_tce: float | None


def park_statuses(session: Session, *, under: str | None = None) -> list[ParkStatus]:
    """Every park with zero-carbon values (its newest year), by code; ``under`` keeps the parks
    whose county code starts with that prefix (a province "34", a city "3401")."""
    rules = thresholds(session)
    values = _values(session)
    parks = session.execute(
        select(
            Region.code,
            Region.name_zh,
            Region.parent_code,
            Region.lon,
            Region.lat,
            Region.industry,
            Region.park_level,
        ).where(Region.level == "park", Region.code.in_(list(values)))
    ).all()
    out = []
    for code, name, county, lon, lat, industry, level in sorted(parks):
        if under and not (county or "").startswith(under):
            continue
        period = max(values[code])
        a = zc.assess(period, values[code][period], rules)
        out.append(
            ParkStatus(
                code,
                name,
                county,
                lon,
                lat,
                industry,
                level,
                period,
                a.status,
                a.core.value,
                a.core.threshold,
                a.core.tier,
                a.energy_tce,
            )
        )
    return out
