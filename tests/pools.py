"""Row builders for hand-worked test pools (ORM rows written as the ingest would write them)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from datasource import periods
from datasource.models import DataState, Emission, Indicator


def emission(region: str, period: str, sector: str, gas: str, value: float) -> Emission:
    """An Emission row with the columns ingest derives (sector_top, period_kind) filled in."""
    return Emission(
        region_code=region,
        period=period,
        sector_code=sector,
        gas=gas,
        sector_top=sector.split(".")[0],
        period_kind=periods.kind(period),
        value=value,
    )


def gdp_constant(region: str, period: str, value: float, base_year: int = 2020) -> Indicator:
    return Indicator(
        region_code=region, period=period, name="gdp_constant", value=value, base_year=base_year
    )


def mark_changed(session: Session, version: int | None = None) -> None:
    """Bump the data version (or set it) as an accepted ingest does."""
    new = DataState.version + 1 if version is None else version
    session.execute(
        update(DataState).where(DataState.id == 1).values(version=new, changed_at=datetime.now(UTC))
    )
