"""Forecast tables: stored forecasts per region, metric, origin and year; the per-origin model
parameters and interval calibration the API reuses for on-demand origins; and which rollup
version the stored forecasts were computed from. Written only by ``datasource.forecast``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from datasource.models import Base


class Forecast(Base):
    """One forecast year of one region and metric, made from data up to ``origin``."""

    __tablename__ = "forecast"

    region_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    metric: Mapped[str] = mapped_column(String(16), primary_key=True)  # co2 / co2e / intensity
    origin: Mapped[int] = mapped_column(Integer, primary_key=True)  # last year of data used
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    point: Mapped[float] = mapped_column(Float)
    lo80: Mapped[float] = mapped_column(Float)
    hi80: Mapped[float] = mapped_column(Float)
    lo95: Mapped[float] = mapped_column(Float)
    hi95: Mapped[float] = mapped_column(Float)
    model: Mapped[str] = mapped_column(String(32))
    data_version: Mapped[int] = mapped_column(Integer)


class ForecastModel(Base):
    """Per metric, origin and horizon: the pooled model parameters estimated from data up to
    the origin, and the conformal interval multipliers (k80, k95) from earlier origins."""

    __tablename__ = "forecast_model"

    metric: Mapped[str] = mapped_column(String(16), primary_key=True)
    origin: Mapped[int] = mapped_column(Integer, primary_key=True)
    model: Mapped[str] = mapped_column(String(32), primary_key=True)
    horizon: Mapped[int] = mapped_column(Integer, primary_key=True)
    alpha: Mapped[float | None] = mapped_column(Float)
    beta: Mapped[float | None] = mapped_column(Float)
    phi: Mapped[float | None] = mapped_column(Float)
    k80: Mapped[float] = mapped_column(Float)
    k95: Mapped[float] = mapped_column(Float)
    n_scores: Mapped[int] = mapped_column(Integer)
    data_version: Mapped[int] = mapped_column(Integer)


class ForecastState(Base):
    """A single row: the rollup version the stored forecasts were computed from."""

    __tablename__ = "forecast_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=-1)
    computed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    seconds: Mapped[float | None] = mapped_column(Float)
    series: Mapped[int] = mapped_column(Integer, default=0)


class ForecastChoice(Base):
    """Per metric, level, origin and horizon: the model the rolling-origin backtest on data up
    to the origin chose (``datasource.forecast_select``) and its track record there."""

    __tablename__ = "forecast_choice"

    metric: Mapped[str] = mapped_column(String(16), primary_key=True)
    level: Mapped[str] = mapped_column(String(16), primary_key=True)  # region level or "*"
    origin: Mapped[int] = mapped_column(Integer, primary_key=True)
    horizon: Mapped[int] = mapped_column(Integer, primary_key=True)
    model: Mapped[str] = mapped_column(String(32))
    fallback: Mapped[str] = mapped_column(String(32))  # baseline for too-short series
    grp: Mapped[str] = mapped_column(String(16))  # the level whose backtest decided, or "*"
    reason: Mapped[str] = mapped_column(String(16))  # backtest / short
    smape: Mapped[float | None] = mapped_column(Float)
    naive_smape: Mapped[float | None] = mapped_column(Float)
    drift_smape: Mapped[float | None] = mapped_column(Float)
    cover80: Mapped[float | None] = mapped_column(Float)
    cover95: Mapped[float | None] = mapped_column(Float)
    n_scores: Mapped[int] = mapped_column(Integer)
    n_series: Mapped[int] = mapped_column(Integer)
    n_origins: Mapped[int] = mapped_column(Integer)
    data_version: Mapped[int] = mapped_column(Integer)


class ForecastScore(Base):
    """The backtest as of the latest origin, per metric, level (or "*"), model and horizon:
    what the analysis page and ``carbonwall backtest`` show."""

    __tablename__ = "forecast_score"

    metric: Mapped[str] = mapped_column(String(16), primary_key=True)
    level: Mapped[str] = mapped_column(String(16), primary_key=True)
    model: Mapped[str] = mapped_column(String(32), primary_key=True)
    horizon: Mapped[int] = mapped_column(Integer, primary_key=True)
    smape: Mapped[float] = mapped_column(Float)
    cover80: Mapped[float | None] = mapped_column(Float)  # None: no calibrated interval scored
    cover95: Mapped[float | None] = mapped_column(Float)
    n_scores: Mapped[int] = mapped_column(Integer)
    chosen: Mapped[bool] = mapped_column(Boolean)
    data_version: Mapped[int] = mapped_column(Integer)
