"""Tables of the PDI park evaluation: the indicator tree with weights, Delphi expert ratings,
raw park indicator values and dimension scores given directly. Scores are computed on read."""

from __future__ import annotations

from sqlalchemy import Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from datasource.models import Base


class PdiIndicator(Base):
    """One node of the three-level indicator tree; ``weight`` is its share of its parent."""

    __tablename__ = "pdi_indicator"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(String(16))
    level: Mapped[int] = mapped_column(Integer)
    sort_key: Mapped[int] = mapped_column(Integer)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(128))
    weight: Mapped[float] = mapped_column(Float)
    direction: Mapped[str | None] = mapped_column(String(8))  # leaves: higher / lower
    method: Mapped[str | None] = mapped_column(String(16))  # leaves: scale / benchmark / minmax
    worst: Mapped[float | None] = mapped_column(Float)  # benchmark: the value worth 0 points
    best: Mapped[float | None] = mapped_column(Float)  # benchmark: the value worth 5 points
    unit: Mapped[str] = mapped_column(String(32), default="")
    measure_zh: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")  # where the weight/rule comes from


class PdiRating(Base):
    """One expert's importance rating of one indicator in one Delphi round."""

    __tablename__ = "pdi_rating"

    round: Mapped[int] = mapped_column(Integer, primary_key=True)
    expert: Mapped[str] = mapped_column(String(64), primary_key=True)
    indicator_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    rating: Mapped[float] = mapped_column(Float)
    scale: Mapped[int] = mapped_column(Integer)  # 5 or 9 (a 1–5 or 1–9 scale)
    batch_id: Mapped[int | None] = mapped_column(Integer)


class PdiValue(Base):
    """A park's raw measure for one leaf indicator and period (unit as in the tree)."""

    __tablename__ = "pdi_value"

    park_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    indicator_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    batch_id: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_pdi_value_indicator", "indicator_code"),)


class PdiScore(Base):
    """A park's dimension score (P, D or I, 0–5) given directly; replaces the computed one."""

    __tablename__ = "pdi_score"

    park_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(1), primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    batch_id: Mapped[int | None] = mapped_column(Integer)
