"""Reads the analysis pages need beyond datasource.queries: one query for all of a region's
children at once (by gas, optionally within one top-level sector), and several regions' series.

Same contract as queries: a Session first, keyword arguments, frozen dataclasses out; values
in the gas's unit (t; t CO2e for HFCs, PFCs, SF6) plus CO2e for the named GWP set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from datasource import queries, reference
from datasource.models import Region, StatSectorGas


@dataclass(frozen=True)
class ChildGas:
    code: str
    name_zh: str
    name_en: str
    gas: str
    value: float  # in the gas's unit
    co2e: float  # t CO2e with the GWP set asked for


def children_by_gas(
    session: Session,
    *,
    parent_code: str,
    period: str,
    gwp_set: str = "AR5",
    sector: str | None = None,
) -> list[ChildGas]:
    """Each administrative child's total per gas in ``period`` (children in code order, gases in
    reporting order). ``sector`` None: gross emissions (LULUCF excluded, as queries.by_gas);
    "1".."5": that top-level sector only. Children without data are left out."""
    factors = reference.gwp(gwp_set)
    if sector is not None and sector not in reference.TOP_SECTORS:
        raise ValueError(f"sector must be one of {', '.join(reference.TOP_SECTORS)}")
    stmt = (
        select(
            Region.code,
            Region.name_zh,
            Region.name_en,
            StatSectorGas.gas,
            StatSectorGas.value,
        )
        .join(StatSectorGas, StatSectorGas.region_code == Region.code)
        .where(
            Region.parent_code == parent_code,
            Region.level != "park",
            StatSectorGas.period == period,
        )
    )
    if sector is None:
        stmt = stmt.where(StatSectorGas.sector_top != reference.LULUCF)
    else:
        stmt = stmt.where(StatSectorGas.sector_top == sector)
    totals: dict[tuple[str, str], float] = {}
    names: dict[str, tuple[str, str]] = {}
    for code, zh, en, gas, value in session.execute(stmt):
        totals[(code, gas)] = totals.get((code, gas), 0.0) + value
        names[code] = (zh, en)
    order = {g: i for i, g in enumerate(reference.GASES)}
    return [
        ChildGas(code, *names[code], gas, value, value * factors[gas])
        for (code, gas), value in sorted(totals.items(), key=lambda kv: (kv[0][0], order[kv[0][1]]))
    ]


def series_of(
    session: Session, *, codes: Sequence[str], gwp_set: str = "AR5", kind: str = "Y"
) -> dict[str, list[queries.Summary]]:
    """queries.series for several regions (unknown codes and regions without data left out)."""
    found = {}
    for code in codes:
        rows = queries.series(session, region_code=code, gwp_set=gwp_set, kind=kind)
        if rows:
            found[code] = rows
    return found


def periods_between(found: dict[str, list[queries.Summary]]) -> list[str]:
    """Every period any of the series has, ascending (a shared x axis)."""
    return sorted({s.period for rows in found.values() for s in rows})
