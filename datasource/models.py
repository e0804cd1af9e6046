"""The data pool's schema: regions, the sector tree, gases, emissions, indicators, targets,
ingest batches, the data version, and the rollup tables the rollup job derives from them.

Conventions (normalised at ingest, so queries never need dialect functions):
- region_code: text, 6-digit GB/T 2260 for administrative regions, a user-chosen code for parks;
  the country is ``100000``.
- period: text, ``YYYY`` year, ``YYYY-Qn`` quarter, ``YYYY-MM`` month or ``YYYY-MM-DD`` day
  (datasource.periods, docs/periods.md); each sorts correctly as text within its grain.
  ``period_kind`` is ``Y``, ``Q``, ``M`` or ``D`` (widened to 10 characters by migration 0050).
- emission values are in the unit of their gas: t CO2, t CH4, t N2O; t CO2e for HFCs, PFCs, SF6.
- GDP in 亿元 (10^8 yuan), population in 万人, energy in 万吨标准煤.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

LEVELS = ("country", "province", "city", "county", "park")
GASES = ("CO2", "CH4", "N2O", "HFCs", "PFCs", "SF6")
INDICATORS = ("gdp_current", "gdp_constant", "gdp_index", "population", "energy")


class Base(DeclarativeBase):
    pass


class Region(Base):
    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(String(32), index=True)
    level: Mapped[str] = mapped_column(String(16), index=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(128))
    # parks only
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    industry: Mapped[str | None] = mapped_column(String(64))
    park_level: Mapped[str | None] = mapped_column(String(16))  # national / provincial


class Sector(Base):
    __tablename__ = "sector"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(String(16))
    top: Mapped[str] = mapped_column(String(4))  # '1'..'5'
    depth: Mapped[int] = mapped_column(Integer)
    sort_key: Mapped[int] = mapped_column(Integer)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(128))
    gases: Mapped[str] = mapped_column(String(64))  # ';'-separated; empty on inner nodes
    is_leaf: Mapped[bool] = mapped_column(Boolean)
    may_be_negative: Mapped[bool] = mapped_column(Boolean, default=False)


class Gas(Base):
    __tablename__ = "gas"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(32))
    unit: Mapped[str] = mapped_column(String(16))  # 't' or 't CO2e'
    sort_key: Mapped[int] = mapped_column(Integer)


class GwpValue(Base):
    __tablename__ = "gwp_value"

    gas: Mapped[str] = mapped_column(String(8), ForeignKey("gas.code"), primary_key=True)
    gwp_set: Mapped[str] = mapped_column(String(8), primary_key=True)
    value: Mapped[float] = mapped_column(Float)


class Emission(Base):
    """A region's own reported emission for one period, sector leaf and gas."""

    __tablename__ = "emission"

    region_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    sector_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    gas: Mapped[str] = mapped_column(String(8), primary_key=True)
    sector_top: Mapped[str] = mapped_column(String(4))
    period_kind: Mapped[str] = mapped_column(String(1))
    value: Mapped[float] = mapped_column(Float)
    batch_id: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_emission_period", "period"),)


class Indicator(Base):
    """An economic or social indicator of a region for one period."""

    __tablename__ = "indicator"

    region_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    base_year: Mapped[int | None] = mapped_column(Integer)  # gdp_constant: price base year
    batch_id: Mapped[int | None] = mapped_column(Integer)


class Target(Base):
    """A region's plan target, e.g. CO2 intensity -18 % in 2025 against 2020, or a cap."""

    __tablename__ = "target"

    region_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    plan: Mapped[str] = mapped_column(String(32), primary_key=True)
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    base_period: Mapped[str] = mapped_column(String(7))
    target_period: Mapped[str] = mapped_column(String(7))
    target_change: Mapped[float | None] = mapped_column(Float)  # -0.18 means 18 % lower
    batch_id: Mapped[int | None] = mapped_column(Integer)
    # absolute targets (migration 0040): a value in the metric's base unit (t; energy in
    # 万吨标准煤), the unit it was given in, and whether it caps one year or the plan's sum
    target_value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(16))
    cap_kind: Mapped[str | None] = mapped_column(String(12))  # annual / cumulative
    # the indicator definition (empty: the plan's default, datasource/data/definitions.csv)
    numerator: Mapped[str | None] = mapped_column(String(24))
    gdp_basis: Mapped[str | None] = mapped_column(String(8))  # constant / current
    gdp_base_year: Mapped[int | None] = mapped_column(Integer)
    gwp_set: Mapped[str | None] = mapped_column(String(8))
    source: Mapped[str | None] = mapped_column(String(200))  # the document the number is from


class IngestBatch(Base):
    """One file offered to the data pool: accepted (all rows landed) or rejected (none did)."""

    __tablename__ = "ingest_batch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    encoding: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))  # accepted / rejected / unchanged
    rows: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    replaced: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(16), default="cli")  # cli / api / demo / web
    actor: Mapped[str | None] = mapped_column(String(64))  # who: a login (web), an OS user (cli)
    dataset: Mapped[str | None] = mapped_column(String(32))  # a published dataset (migration 0050)


class DatasetSource(Base):
    """A published dataset batches were loaded from, and how to credit it (migration 0050)."""

    __tablename__ = "dataset_source"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    licence: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(String(200))
    citation: Mapped[str] = mapped_column(Text)


class RejectedRow(Base):
    """Why a rejected batch was rejected: one row per problem, with line and column."""

    __tablename__ = "rejected_row"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"), index=True)
    line: Mapped[int | None] = mapped_column(Integer)
    column: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)


class ValueChange(Base):
    """An existing value that an accepted batch replaced."""

    __tablename__ = "value_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"), index=True)
    table_name: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(128))
    old_value: Mapped[float | None] = mapped_column(Float)
    new_value: Mapped[float | None] = mapped_column(Float)


class DataState(Base):
    """A single row: the data version every committed change bumps, and the rollups' version."""

    __tablename__ = "data_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rollup_version: Mapped[int] = mapped_column(Integer, default=-1)
    rollup_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# --- rollups: derived by datasource.rollup from the tables above; never edited by hand ---


class DerivedEmission(Base):
    """Leaf emissions of a region-period with no own records: the sum of its children."""

    __tablename__ = "derived_emission"

    region_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    sector_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    gas: Mapped[str] = mapped_column(String(8), primary_key=True)
    sector_top: Mapped[str] = mapped_column(String(4))
    value: Mapped[float] = mapped_column(Float)


class StatSectorGas(Base):
    """Per region, period, top-level sector and gas: the total in the gas's unit."""

    __tablename__ = "stat_sector_gas"

    region_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    sector_top: Mapped[str] = mapped_column(String(4), primary_key=True)
    gas: Mapped[str] = mapped_column(String(8), primary_key=True)
    value: Mapped[float] = mapped_column(Float)


class StatRegion(Base):
    """Per region and period: whether derived, CO2 (excluding LULUCF), CO2e per GWP set
    (excluding and including LULUCF), and the indicators intensity needs."""

    __tablename__ = "stat_region"

    region_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(String(32))
    derived: Mapped[bool] = mapped_column(Boolean)
    co2: Mapped[float | None] = mapped_column(Float)
    co2e_sar: Mapped[float | None] = mapped_column(Float)
    co2e_ar4: Mapped[float | None] = mapped_column(Float)
    co2e_ar5: Mapped[float | None] = mapped_column(Float)
    co2e_ar6: Mapped[float | None] = mapped_column(Float)
    lulucf_co2e_ar5: Mapped[float | None] = mapped_column(Float)
    gdp_current: Mapped[float | None] = mapped_column(Float)
    gdp_constant: Mapped[float | None] = mapped_column(Float)  # 亿元 at gdp_base_year prices
    gdp_base_year: Mapped[int | None] = mapped_column(Integer)
    population: Mapped[float | None] = mapped_column(Float)
    energy: Mapped[float | None] = mapped_column(Float)
    intensity: Mapped[float | None] = mapped_column(Float)  # t CO2 per 万元
    intensity_basis: Mapped[str | None] = mapped_column(String(8))  # constant / current
    prev_period: Mapped[str | None] = mapped_column(String(10))
    intensity_change: Mapped[float | None] = mapped_column(Float)  # fraction vs prev period
    co2e_change: Mapped[float | None] = mapped_column(Float)
    # periods of any grain (migration 0050, docs/periods.md): what part of the period the
    # figures cover, which GDP the intensity used, the 同比/环比 bases, the credited datasets
    grain: Mapped[str | None] = mapped_column(String(1))  # Y / Q / M / D
    months: Mapped[int | None] = mapped_column(Integer)  # whole months covered (Y, Q, M)
    days: Mapped[int | None] = mapped_column(Integer)  # days covered (a month built from days)
    complete: Mapped[bool | None] = mapped_column(Boolean)  # covers the whole period
    coverage: Mapped[str | None] = mapped_column(String(40))  # "1-11": months (Y, Q) / days (M)
    gdp_grain: Mapped[str | None] = mapped_column(String(1))  # GDP used: Y annual / Q quarters
    comparisons: Mapped[str | None] = mapped_column(Text)  # JSON: yoy / mom period and bases
    sources: Mapped[str | None] = mapped_column(String(200))  # ';'-joined dataset codes

    __table_args__ = (Index("ix_stat_region_parent_period", "parent_code", "period"),)


# the feature modules put their tables on Base.metadata (Alembic and create_all see them)
from datasource import models_forecast, models_pdi, models_policy, models_zero_carbon  # noqa: E402,F401
