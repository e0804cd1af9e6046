"""The forecast tables' SQL: the yearly panel the models read from ``stat_region``, the one
transaction that replaces every stored forecast, and the reads of stored forecasts, per-origin
parameters and the forecast state. ``datasource.forecast`` decides what to compute.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, delete, func, insert, select, text
from sqlalchemy.orm import Session

from datasource.forecast_models import COLUMNS, METRICS, Panel, check_metric, panel_from_rows
from datasource.models import DataState, Region, StatRegion
from datasource.models_forecast import (
    Forecast,
    ForecastChoice,
    ForecastModel,
    ForecastScore,
    ForecastState,
)

ADVISORY_KEY = 0x0CA7B1  # pg_advisory_xact_lock key for compute_all
STATE_ID = 1


@dataclass(frozen=True)
class ForecastPoint:
    year: int
    point: float
    lo80: float
    hi80: float
    lo95: float
    hi95: float
    model: str
    origin: int
    data_version: int | None = None

    # the names the wall's figure builders read (period, value, lo, hi)
    @property
    def period(self) -> str:
        return str(self.year)

    @property
    def value(self) -> float:
        return self.point

    @property
    def lo(self) -> float:
        return self.lo80

    @property
    def hi(self) -> float:
        return self.hi80


def load_panel(session: Session, *, region_code: str | None = None) -> Panel:
    """Yearly co2, co2e (AR5) and intensity of every region (or one) from stat_region."""
    stmt = select(
        StatRegion.region_code,
        StatRegion.period,
        *(getattr(StatRegion, COLUMNS[m]) for m in METRICS),
    ).where(
        func.length(StatRegion.period) == 4,
        # a year-to-date (2025年1—11月) is not a year: forecasting it as one would show a fall
        StatRegion.complete.isnot(False),
    )
    if region_code is not None:
        stmt = stmt.where(StatRegion.region_code == region_code)
    panel = panel_from_rows([tuple(r) for r in session.execute(stmt)])
    level_stmt = select(Region.code, Region.level)
    if region_code is not None:
        level_stmt = level_stmt.where(Region.code == region_code)
    levels = dict(session.execute(level_stmt).all())
    panel.levels = [levels.get(c) for c in panel.codes]
    return panel


def region_level(session: Session, region_code: str) -> str | None:
    return session.scalar(select(Region.level).where(Region.code == region_code))


def rollup_version(conn: Connection) -> int:
    return conn.execute(text("SELECT rollup_version FROM data_state WHERE id = 1")).scalar_one()


def forecast_version(conn: Connection) -> int | None:
    return conn.execute(
        select(ForecastState.version).where(ForecastState.id == STATE_ID)
    ).scalar_one_or_none()


def needs_compute(engine: Engine) -> bool:
    with engine.connect() as conn:
        rollup = rollup_version(conn)
        return rollup >= 0 and forecast_version(conn) != rollup


def replace_all(
    engine: Engine,
    version: int,
    models: list[dict],
    forecasts: list[dict],
    *,
    choices: list[dict] = (),  # type: ignore[assignment]
    scores: list[dict] = (),  # type: ignore[assignment]
    series: int,
    force: bool,
    start: float,
) -> bool:
    """Replace every stored forecast and per-origin parameter row and set the forecast state,
    in one transaction (PostgreSQL advisory lock, SQLite write lock). False, with nothing
    written, when the rollup moved past ``version`` or another process stored it meanwhile
    (and not ``force``). ``start`` is the run's perf_counter start, for the stored seconds."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.begin()
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_KEY})
        if rollup_version(conn) != version or (forecast_version(conn) == version and not force):
            conn.rollback()  # the data moved on, or another process did this meanwhile
            return False
        for table in (Forecast, ForecastModel, ForecastChoice, ForecastScore):
            conn.execute(delete(table))
        for table, rows in (
            (Forecast, forecasts),
            (ForecastModel, models),
            (ForecastChoice, choices),
            (ForecastScore, scores),
        ):
            if rows:
                conn.execute(insert(table), list(rows))
        seconds = time.perf_counter() - start
        state = dict(
            version=version,
            computed_at=datetime.now(UTC),
            seconds=seconds,
            series=series,
        )
        if forecast_version(conn) is None:
            conn.execute(insert(ForecastState), [dict(id=STATE_ID, **state)])
        else:
            conn.execute(
                ForecastState.__table__.update().where(ForecastState.id == STATE_ID), state
            )
        conn.commit()
    return True


def _point(r: Forecast) -> ForecastPoint:
    return ForecastPoint(
        r.year, r.point, r.lo80, r.hi80, r.lo95, r.hi95, r.model, r.origin, r.data_version
    )


def stored(
    session: Session, *, region_code: str, metric: str, origin: int | None = None
) -> list[ForecastPoint]:
    """Stored forecasts of one region and metric (``origin`` None: the newest stored origin),
    ascending years; [] when there are none. Never fits anything."""
    check_metric(metric)
    if origin is None:
        origin = session.scalar(
            select(func.max(Forecast.origin)).where(
                Forecast.region_code == region_code, Forecast.metric == metric
            )
        )
        if origin is None:
            return []
    rows = session.scalars(
        select(Forecast)
        .where(
            Forecast.region_code == region_code,
            Forecast.metric == metric,
            Forecast.origin == origin,
        )
        .order_by(Forecast.year)
    )
    return [_point(r) for r in rows]


def stored_origins(session: Session) -> list[int]:
    return list(session.scalars(select(Forecast.origin).distinct().order_by(Forecast.origin)))


def stored_models(session: Session, *, metric: str, origin: int) -> list[ForecastModel]:
    """The per-origin parameter and multiplier rows compute_all stored for ``origin``."""
    return list(
        session.scalars(
            select(ForecastModel).where(
                ForecastModel.metric == metric, ForecastModel.origin == origin
            )
        ).all()
    )


def stored_choices(
    session: Session, *, metric: str, level: str | None, origin: int
) -> list[ForecastChoice]:
    """The model chosen per horizon for ``metric`` at ``level`` as of ``origin`` (the metric's
    choice over every level, "*", for a region without a level), ascending horizons."""
    return list(
        session.scalars(
            select(ForecastChoice)
            .where(
                ForecastChoice.metric == metric,
                ForecastChoice.level == (level or "*"),
                ForecastChoice.origin == origin,
            )
            .order_by(ForecastChoice.horizon)
        ).all()
    )


def latest_choice_rows(session: Session, *, metric: str) -> list[ForecastChoice]:
    """Every level's choice rows as of the newest stored origin of ``metric``."""
    origin = session.scalar(
        select(func.max(ForecastChoice.origin)).where(ForecastChoice.metric == metric)
    )
    if origin is None:
        return []
    return list(
        session.scalars(
            select(ForecastChoice)
            .where(ForecastChoice.metric == metric, ForecastChoice.origin == origin)
            .order_by(ForecastChoice.level, ForecastChoice.horizon)
        ).all()
    )


def stored_scores(session: Session, *, metric: str | None = None) -> list[ForecastScore]:
    """The stored backtest table (as of the latest origin), by metric, level, model, horizon."""
    stmt = select(ForecastScore).order_by(
        ForecastScore.metric, ForecastScore.level, ForecastScore.model, ForecastScore.horizon
    )
    if metric is not None:
        stmt = stmt.where(ForecastScore.metric == metric)
    return list(session.scalars(stmt).all())


def forecast_state(session: Session) -> ForecastState | None:
    return session.get(ForecastState, STATE_ID)


def latest_rollup_version(session: Session) -> int:
    row = session.get(DataState, 1)
    return row.rollup_version if row is not None else -1
