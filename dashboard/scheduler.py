"""Scheduled work. Heavy (rollups) runs once across every process and host: each run takes the
rollup's database lock (datasource.rollup). Light (which data version?) runs in every worker."""

from __future__ import annotations

import logging
import threading
import time

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.exc import SQLAlchemyError

from dashboard.config import Settings
from datasource import forecast, rollup
from datasource.engine import make_engine

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 300


class HeavyJob:
    """Rebuild the rollups when the data version moved; failures back off exponentially."""

    def __init__(self, engine) -> None:  # type: ignore[no-untyped-def]
        self.engine = engine
        self.failures = 0
        self.not_before = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> None:
        if time.monotonic() < self.not_before or not self._lock.acquire(blocking=False):
            return  # backing off, or the previous run in this process is still going
        try:
            if rollup.needs_rebuild(self.engine):
                log.info("%s", rollup.rebuild(self.engine).render())
            if forecast.needs_compute(self.engine):
                log.info("%s", forecast.compute_all(self.engine).render())
            self.failures = 0
        except SQLAlchemyError:
            self.failures += 1
            delay = min(2**self.failures, MAX_BACKOFF_SECONDS)
            self.not_before = time.monotonic() + delay
            log.exception("rollup failed (%d in a row); next try in %d s", self.failures, delay)
        except Exception:  # noqa: BLE001 - the scheduler loop must never die
            self.failures += 1
            self.not_before = time.monotonic() + min(2**self.failures, MAX_BACKOFF_SECONDS)
            log.exception("rollup crashed")
        finally:
            self._lock.release()


def add_heavy_job(scheduler, settings: Settings, engine) -> HeavyJob:  # type: ignore[no-untyped-def]
    job = HeavyJob(engine)
    scheduler.add_job(
        job,
        "interval",
        seconds=settings.refresh_seconds,
        id="rollup",
        max_instances=1,
        coalesce=True,
        replace_existing=True,
    )
    return job


def start_background(settings: Settings, engine) -> BackgroundScheduler:  # type: ignore[no-untyped-def]
    """Heavy work inside a web process (single-process deployments and `serve` without gunicorn)."""
    scheduler = BackgroundScheduler(daemon=True)
    add_heavy_job(scheduler, settings, engine)
    scheduler.start()
    return scheduler


def run_heavy_forever(settings: Settings) -> None:
    """`carbonwall scheduler`: the dedicated process for heavy work."""
    engine = make_engine(settings.database_url)
    scheduler = BlockingScheduler()
    job = add_heavy_job(scheduler, settings, engine)
    job()  # catch up at start
    log.info("scheduler running every %d s", settings.refresh_seconds)
    scheduler.start()
