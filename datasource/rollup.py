"""Rollups: derive every region's figures from its own records or its children's, once per
data version, so each screen query reads a handful of indexed rows.

What it builds (all in one transaction; readers see the old rollup until it commits):
- ``derived_emission``: leaf-level emissions of region-periods with no own records: first
  over time (a region's own days -> months -> quarters -> years, ``datasource.rollup_periods``),
  then summed bottom-up over administrative children (parks are a separate lens and never
  summed in);
- ``stat_sector_gas``: per region, period, top-level sector and gas;
- ``stat_region``: per region and period: CO2 and CO2e (per GWP set), GDP, intensity on
  constant-price GDP, what part of the period is covered (year-to-date, a month still filling),
  the 同比/环比 comparison bases and the datasets to credit (docs/periods.md).

Only one rebuild runs at a time across every process and host: PostgreSQL takes a transaction
advisory lock, SQLite's BEGIN IMMEDIATE write lock serialises it. A rebuild that finds the
rollup already at the current data version does nothing.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, text

from datasource import periods, reference, rollup_periods
from datasource.models import DerivedEmission, StatRegion

log = logging.getLogger(__name__)

ADVISORY_KEY = 0x0CA7B0  # pg_advisory_xact_lock key for the rollup
# parents are filled bottom-up: a city from its counties, a province from cities and counties
# directly under it, the country from provinces.
_PARENT_LEVELS = ("city", "province", "country")
_STATE = text("SELECT version, rollup_version FROM data_state WHERE id = 1")


@dataclass(frozen=True)
class RollupReport:
    built: bool
    version: int
    seconds: float
    regions: int = 0
    rows: int = 0

    def render(self) -> str:
        if not self.built:
            return f"rollup already current at data version {self.version}"
        return (
            f"rollup built for data version {self.version}: {self.regions} region-periods, "
            f"{self.rows} derived leaf rows, {self.seconds:.1f} s"
        )


def needs_rebuild(engine: Engine) -> bool:
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT version, rollup_version FROM data_state WHERE id = 1")
        ).one()
    return row.version != row.rollup_version


def rebuild(engine: Engine, *, force: bool = False) -> RollupReport:
    """Rebuild the rollups if the data version moved (or ``force``); safe to call concurrently."""
    start = time.perf_counter()
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock, before anything is read
            return _build(conn, force, start)
        # PostgreSQL: take the session lock in autocommit BEFORE the snapshot begins. Waiting
        # for a transaction-level lock inside REPEATABLE READ would leave the waiter with a
        # snapshot from before the other rebuild committed (it would rebuild again and fail
        # with a serialization error).
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": ADVISORY_KEY})
        conn.commit()  # ends SQLAlchemy's autobegun (autocommit) transaction object
        try:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            conn.begin()
            return _build(conn, force, start)
        finally:
            if conn.in_transaction():
                conn.rollback()
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
            conn.commit()


def _build(conn: Connection, force: bool, start: float) -> RollupReport:
    """The rebuild inside its transaction (the caller holds the lock)."""
    state = conn.execute(_STATE).one()
    if state.version == state.rollup_version and not force:
        conn.rollback()
        return RollupReport(False, state.version, time.perf_counter() - start)
    t0 = time.perf_counter()
    conn.execute(text("DELETE FROM derived_emission"))
    own_keys = {
        (r, p) for r, p in conn.execute(text("SELECT DISTINCT region_code, period FROM emission"))
    }
    rows, over_time = _time_rollup(conn, own_keys)
    rows += _derive_emissions(conn, own_sums=bool(over_time))
    t1 = time.perf_counter()
    _sector_gas(conn)
    t2 = time.perf_counter()
    regions = _stat_region(conn, own_keys, over_time)
    log.info(
        "rollup stages: derived %.1f s, sector-gas %.1f s, region stats %.1f s",
        t1 - t0,
        t2 - t1,
        time.perf_counter() - t2,
    )
    conn.execute(
        text("UPDATE data_state SET rollup_version = :v, rollup_at = :t WHERE id = 1"),
        {"v": state.version, "t": datetime.now(UTC)},
    )
    conn.commit()
    seconds = time.perf_counter() - start
    log.info("rollup built for data version %d in %.1f s", state.version, seconds)
    return RollupReport(True, state.version, seconds, regions, rows)


def _time_rollup(
    conn: Connection, own_keys: set[tuple[str, str]]
) -> tuple[int, set[tuple[str, str]]]:
    """Each region's own days, months and quarters summed into the coarser periods it did not
    report (rollup_periods.time_rollup); returns the rows written and the region-periods."""
    if all(len(p) == 4 for _, p in own_keys):  # years only: nothing to sum over time
        return 0, set()
    own = pd.DataFrame(
        conn.execute(
            text(
                "SELECT region_code, period, sector_code, gas, sector_top, value FROM emission "
                "WHERE period_kind IN ('D', 'M', 'Q')"
            )
        ).all(),
        columns=rollup_periods.LEAF_COLUMNS,
    )
    derived = rollup_periods.time_rollup(own, own_keys)
    if not derived.empty:
        derived["value"] = derived["value"].astype(float)
        conn.execute(DerivedEmission.__table__.insert(), derived.to_dict("records"))
    return len(derived), set(zip(derived.region_code, derived.period, strict=True))


def _derive_emissions(conn: Connection, *, own_sums: bool = True) -> int:
    """Parents' leaf rows summed from their children, level by level. ``own_sums``: the time
    rollup wrote rows, which win over the children's sums like own records do (the extra
    check is left out otherwise: it costs a lookup per group)."""
    own_sum_check = (
        """AND NOT EXISTS (
                    SELECT 1 FROM derived_emission o
                    WHERE o.region_code = g.region_code AND o.period = g.period
                )"""
        if own_sums
        else ""
    )
    total = 0
    for parent_level in _PARENT_LEVELS:
        result = conn.execute(
            text(
                f"""
                INSERT INTO derived_emission
                    (region_code, period, sector_code, gas, sector_top, value)
                SELECT g.region_code, g.period, g.sector_code, g.gas, g.sector_top, g.value
                FROM (
                    SELECT r.parent_code AS region_code, e.period, e.sector_code, e.gas,
                           e.sector_top, SUM(e.value) AS value
                    FROM (
                        SELECT region_code, period, sector_code, gas, sector_top, value
                        FROM emission
                        UNION ALL
                        SELECT region_code, period, sector_code, gas, sector_top, value
                        FROM derived_emission
                    ) e
                    JOIN region r ON r.code = e.region_code
                    JOIN region p ON p.code = r.parent_code
                    WHERE p.level = :parent_level AND r.level <> 'park'
                    GROUP BY r.parent_code, e.period, e.sector_code, e.gas, e.sector_top
                ) g
                -- a parent's own records win: filter whole groups, not every child row;
                -- so do the parent's own finer records summed over time (docs/periods.md)
                WHERE NOT EXISTS (
                    SELECT 1 FROM emission o
                    WHERE o.region_code = g.region_code AND o.period = g.period
                ) {own_sum_check}
                """
            ),
            {"parent_level": parent_level},
        )
        total += max(result.rowcount or 0, 0)
    return total


def _sector_gas(conn: Connection) -> None:
    conn.execute(text("DELETE FROM stat_sector_gas"))
    conn.execute(
        text(
            """
            INSERT INTO stat_sector_gas (region_code, period, sector_top, gas, value)
            SELECT region_code, period, sector_top, gas, SUM(value)
            FROM (
                SELECT region_code, period, sector_top, gas, value FROM emission
                UNION ALL
                SELECT region_code, period, sector_top, gas, value FROM derived_emission
            ) e
            GROUP BY region_code, period, sector_top, gas
            """
        )
    )


def _stat_region(
    conn: Connection, own_keys: set[tuple[str, str]], over_time: set[tuple[str, str]]
) -> int:
    gas = pd.DataFrame(
        conn.execute(
            text(
                "SELECT region_code, period, gas, "
                "CASE WHEN sector_top = :lulucf THEN 1 ELSE 0 END AS lulucf, SUM(value) AS value "
                "FROM stat_sector_gas GROUP BY region_code, period, gas, "
                "CASE WHEN sector_top = :lulucf THEN 1 ELSE 0 END"
            ),
            {"lulucf": reference.LULUCF},
        ).all(),
        columns=["region_code", "period", "gas", "lulucf", "value"],
    )
    regions = pd.DataFrame(
        conn.execute(text("SELECT code, parent_code, level FROM region")).all(),
        columns=["region_code", "parent_code", "level"],
    )
    # derived = the region-period's figures came from its children (far fewer rows to scan
    # than the region-periods with own records); a sum of its own finer records is not
    derived = {
        (r.region_code, r.period)
        for r in conn.execute(text("SELECT DISTINCT region_code, period FROM derived_emission"))
    } - over_time
    stats = emission_stats(gas)
    indicators = pd.DataFrame(
        conn.execute(
            text("SELECT region_code, period, name, value, base_year FROM indicator")
        ).all(),
        columns=["region_code", "period", "name", "value", "base_year"],
    )
    econ = economic_stats(indicators, regions)
    frame = stats.merge(econ, on=["region_code", "period"], how="left")
    frame = frame.merge(regions[["region_code", "parent_code"]], on="region_code", how="left")
    pairs = zip(frame.region_code, frame.period, strict=True)
    frame["derived"] = [(c, p) in derived for c, p in pairs]
    frame = frame.merge(
        rollup_periods.coverage(frame[["region_code", "period"]], own_keys),
        on=["region_code", "period"],
    )
    frame = rollup_periods.gdp_for_coverage(frame)
    frame = rollup_periods.comparisons(with_intensity_and_changes(frame))
    credit = rollup_periods.sources(
        _dataset_rows(conn), dict(zip(regions.region_code, regions.parent_code, strict=True))
    )
    frame["sources"] = [credit.get(k) for k in zip(frame.region_code, frame.period, strict=True)]
    conn.execute(text("DELETE FROM stat_region"))
    columns = [c.name for c in StatRegion.__table__.columns]
    records = frame.reindex(columns=columns).replace({np.nan: None}).to_dict("records")
    if records:
        conn.execute(StatRegion.__table__.insert(), records)
    return len(records)


def _dataset_rows(conn: Connection) -> pd.DataFrame:
    """(region_code, period, dataset) of the own records loaded from a published dataset."""
    columns = ["region_code", "period", "dataset"]
    if conn.execute(text("SELECT 1 FROM ingest_batch WHERE dataset IS NOT NULL")).first() is None:
        return pd.DataFrame(columns=columns)  # nothing to credit: skip the scan of emission
    rows = conn.execute(
        text(
            "SELECT DISTINCT e.region_code, e.period, b.dataset FROM emission e "
            "JOIN ingest_batch b ON b.id = e.batch_id WHERE b.dataset IS NOT NULL"
        )
    ).all()
    return pd.DataFrame(rows, columns=columns)


def emission_stats(gas: pd.DataFrame) -> pd.DataFrame:
    """Per region-period: CO2 excl. LULUCF, CO2e per GWP set excl. LULUCF, LULUCF CO2e (AR5)."""
    if gas.empty:
        return pd.DataFrame(columns=["region_code", "period"])
    gas = gas.copy()
    gas["value"] = gas["value"].astype(float)
    keys = ["region_code", "period"]
    gross = gas[gas.lulucf == 0]
    out = gross[gross.gas == "CO2"].groupby(keys)["value"].sum().rename("co2").to_frame()
    for gwp_set in reference.GWP_SETS:
        factors = gross.gas.map(reference.gwp(gwp_set)).fillna(0.0)
        col = (gross.value * factors).groupby([gross.region_code, gross.period]).sum()
        out = out.join(col.rename(f"co2e_{gwp_set.lower()}"), how="outer")
    land = gas[gas.lulucf == 1]
    ar5 = land.gas.map(reference.gwp("AR5")).fillna(0.0)
    out = out.join(
        (land.value * ar5).groupby([land.region_code, land.period]).sum().rename("lulucf_co2e_ar5"),
        how="outer",
    )
    return out.reset_index()


def economic_stats(indicators: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Per region-period GDP (current and constant prices), population, energy: a region's own
    values, else the sum of its administrative children's (bottom-up)."""
    cols = ["gdp_current", "gdp_constant", "gdp_base_year", "population", "energy"]
    if indicators.empty:
        return pd.DataFrame(columns=["region_code", "period", *cols])
    wide = indicators.pivot_table(
        index=["region_code", "period"], columns="name", values="value", aggfunc="first"
    )
    base = indicators[indicators.name == "gdp_constant"].set_index(["region_code", "period"])[
        "base_year"
    ]
    wide = wide.reindex(
        columns=["gdp_current", "gdp_constant", "gdp_index", "population", "energy"]
    )
    wide["gdp_base_year"] = base.reindex(wide.index)
    wide = _chain_gdp_index(wide)
    wide = wide[cols].reset_index()
    level_of = regions.set_index("region_code").level
    parent_of = regions.set_index("region_code").parent_code
    sum_cols = ["gdp_current", "gdp_constant", "population", "energy"]
    for parent_level in _PARENT_LEVELS:
        parents = wide.region_code.map(parent_of)
        kids = wide[
            (parents.map(level_of) == parent_level) & (wide.region_code.map(level_of) != "park")
        ]
        if kids.empty:
            continue
        grouped = kids.assign(parent=parents[kids.index]).groupby(["parent", "period"])
        sums = grouped[sum_cols].sum(min_count=1)
        sums["gdp_base_year"] = grouped["gdp_base_year"].max()
        sums.index.names = ["region_code", "period"]
        have = pd.MultiIndex.from_frame(wide[["region_code", "period"]])
        missing = sums.index.difference(have)
        if len(missing):
            wide = pd.concat([wide, sums.loc[missing].reset_index()], ignore_index=True)
    return wide


def _chain_gdp_index(wide: pd.DataFrame) -> pd.DataFrame:
    """Where a region has a GDP index (previous year = 100) but no constant-price GDP, chain it
    from the latest year with current-price GDP, which becomes the price base year."""
    need = wide.gdp_constant.isna() & wide.gdp_index.notna()
    if not need.any():
        return wide
    wide = wide.copy()
    for code in wide[need].index.get_level_values(0).unique():
        block = wide.loc[code].sort_index()
        yearly = block[[periods.kind(p) == "Y" for p in block.index]]
        anchors = yearly.gdp_current.dropna()
        if anchors.empty:
            continue
        base_period = anchors.index[-1]
        level = {base_period: anchors.iloc[-1]}
        years = list(yearly.index)
        i0 = years.index(base_period)
        for i in range(i0 + 1, len(years)):
            idx = yearly.gdp_index.iloc[i]
            if pd.isna(idx):
                break
            level[years[i]] = level[years[i - 1]] * idx / 100.0
        for i in range(i0 - 1, -1, -1):
            idx = yearly.gdp_index.iloc[i + 1]
            if pd.isna(idx):
                break
            level[years[i]] = level[years[i + 1]] / (idx / 100.0)
        for period, value in level.items():
            if pd.isna(wide.at[(code, period), "gdp_constant"]):
                wide.at[(code, period), "gdp_constant"] = value
                wide.at[(code, period), "gdp_base_year"] = int(base_period[:4])
    return wide


def with_intensity_and_changes(frame: pd.DataFrame) -> pd.DataFrame:
    """Intensity (t CO2 per 万元; constant-price GDP preferred) and change vs previous period."""
    frame = frame.copy()
    for col in ("co2", "gdp_constant", "gdp_current", "co2e_ar5"):
        if col not in frame:
            frame[col] = np.nan
        frame[col] = frame[col].astype(float)
    gdp = frame.gdp_constant.where(frame.gdp_constant > 0)
    basis = pd.Series(np.where(gdp.notna(), "constant", None), index=frame.index, dtype=object)
    current = frame.gdp_current.where(frame.gdp_current > 0)
    use_current = gdp.isna() & current.notna()
    gdp = gdp.where(~use_current, current)
    basis[use_current] = "current"
    frame["intensity"] = frame.co2 / (gdp * 1e4)  # GDP in 亿元 = 1e4 万元
    frame["intensity_basis"] = basis.where(frame.intensity.notna(), None)
    frame["prev_period"] = frame.period.map(periods.previous)
    prev = frame[["region_code", "period", "intensity", "co2e_ar5", "intensity_basis"]].rename(
        columns={
            "period": "prev_period",
            "intensity": "prev_intensity",
            "co2e_ar5": "prev_co2e",
            "intensity_basis": "prev_basis",
        }
    )
    frame = frame.merge(prev, on=["region_code", "prev_period"], how="left")
    comparable = frame.intensity_basis == frame.prev_basis
    frame["intensity_change"] = (frame.intensity / frame.prev_intensity - 1).where(comparable)
    frame["co2e_change"] = frame.co2e_ar5 / frame.prev_co2e - 1
    has_prev = frame.prev_co2e.notna() | frame.prev_intensity.notna()
    frame["prev_period"] = frame.prev_period.where(has_prev, None)
    return frame.drop(columns=["prev_intensity", "prev_co2e", "prev_basis"])
