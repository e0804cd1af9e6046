"""Tables of the zero-carbon park yardstick (issue 21): the parks' reported indicator values
per year and the thresholds in force (reference data an administrator re-imports)."""

from __future__ import annotations

from sqlalchemy import Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from datasource.models import Base


class ParkIndicator(Base):
    """A park's value of one zero-carbon indicator in one year, in the canonical unit
    (energy in tce, CO2 in t, shares in %, the product energy grade as 1, 2 or 3)."""

    __tablename__ = "park_indicator"

    park_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    indicator: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))
    batch_id: Mapped[int | None] = mapped_column(Integer)


class ZeroCarbonThreshold(Base):
    """One threshold row: an indicator, the energy-use tier it applies to (tce, lower bound
    inclusive, upper exclusive; both empty = every park), the comparison and the threshold,
    or no threshold (未公布) when none is published; ``source`` names where it comes from."""

    __tablename__ = "zero_carbon_threshold"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    indicator: Mapped[str] = mapped_column(String(32))
    tier_min_tce: Mapped[float | None] = mapped_column(Float)
    tier_max_tce: Mapped[float | None] = mapped_column(Float)
    comparison: Mapped[str] = mapped_column(String(2))  # le (at most) / ge (at least)
    threshold: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(Text)
    batch_id: Mapped[int | None] = mapped_column(Integer)
