"""Per-worker snapshot of "which data version is current", kept fresh by a light poller.

Each gunicorn worker holds its own copy (every worker needs one anyway, STYLE §8). The browser's
refresh tick only compares against it, so an idle tick touches no database. Query results are
memoised per rollup version: when the version moves, the cache is simply keyed anew.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from datasource import queries

log = logging.getLogger(__name__)

T = TypeVar("T")
MEMO_SIZE = 4096  # entries; a view is ~16 (6 panels, ~10 queries), figures are a few KB


@dataclass(frozen=True)
class Snapshot:
    version: int  # the rollup version the screens read (-1: nothing built yet)
    period: str | None  # latest yearly period with data
    updated_at: datetime | None  # when the rollups were rebuilt
    ok_at: float  # time.time() of the last successful poll
    error: bool  # the last poll failed: the database is unreachable


class WallState:
    """The current data version of this worker, and a small memo of query results."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self.scheduled = False  # True once a poller job keeps it fresh
        self.on_change: Callable[[], None] | None = None  # run by the poller when it moved
        self._warmed: int | None = None
        self._snapshot: Snapshot | None = None
        self._poll_lock = threading.Lock()
        self._memo: OrderedDict[Hashable, Any] = OrderedDict()
        self._memo_lock = threading.Lock()

    def poll(self, *, warm: bool = False) -> Snapshot:
        """Read the data version (cheap); re-read the latest period only when it moved.
        `warm` (the poller's own call) then runs on_change once per version, outside the lock
        and outside any request."""
        if not self._poll_lock.acquire(blocking=False):  # overlapping polls are skipped
            if self._snapshot is None:
                with self._poll_lock:  # the first poll is under way: wait for it
                    pass
            return self.snapshot()
        try:
            snap = self._read()
        finally:
            self._poll_lock.release()
        if warm and not snap.error and self.on_change is not None and self._warmed != snap.version:
            self._warmed = snap.version
            try:
                self.on_change()
            except SQLAlchemyError:
                log.warning("warming the panels failed; they are built on demand", exc_info=True)
        return snap

    def _read(self) -> Snapshot:
        old = self._snapshot
        try:
            with self.sessions() as session:
                dv = queries.data_version(session)
                if old is None or old.version != dv.rollup_version or old.period is None:
                    period = queries.latest_period(session)
                else:
                    period = old.period
        except SQLAlchemyError:
            log.warning("data version poll failed; keeping the last good snapshot", exc_info=True)
            base = old or Snapshot(-1, None, None, time.time(), False)
            self._snapshot = Snapshot(base.version, base.period, base.updated_at, base.ok_at, True)
            return self._snapshot
        if old is None or old.version != dv.rollup_version:
            log.info("data version now %d (rollup %d)", dv.version, dv.rollup_version)
        self._snapshot = Snapshot(dv.rollup_version, period, dv.rollup_at, time.time(), False)
        return self._snapshot

    def snapshot(self) -> Snapshot:
        """The last known snapshot; polls once if there is none yet."""
        snap = self._snapshot
        return snap if snap is not None else self.poll()

    def tick(self) -> Snapshot:
        """For the browser's refresh tick: memory only when a poller runs, else poll now."""
        return self.snapshot() if self.scheduled else self.poll()

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """compute() once per (rollup version, key) in this worker."""
        full = (self.snapshot().version, key)
        with self._memo_lock:
            if full in self._memo:
                self._memo.move_to_end(full)
                return self._memo[full]
        value = compute()
        with self._memo_lock:
            self._memo[full] = value
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
        return value


def start_poller(state: WallState, *, seconds: int):  # type: ignore[no-untyped-def]
    """A BackgroundScheduler in this worker polling the data version now and every `seconds`."""
    from apscheduler.schedulers.background import BackgroundScheduler

    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)  # a line per run is noise
    scheduler = BackgroundScheduler(daemon=True)
    scheduler.add_job(
        functools.partial(state.poll, warm=True),
        "interval",
        seconds=seconds,
        next_run_time=datetime.now(),
        id="data-version",
        max_instances=1,
        coalesce=True,
        replace_existing=True,
    )
    scheduler.start()
    state.scheduled = True
    return scheduler
