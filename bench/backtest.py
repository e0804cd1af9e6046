"""The forecast backtest and the background forecast time, on the pool you point it at.

Usage: python bench/backtest.py [DATABASE_URL] [--local-sample N]
(default: the embedded instance pool, filled by `carbonwall init-db && carbonwall demo`).

Prints the rolling-origin backtest table (sMAPE and 80 % / 95 % interval coverage per metric,
model and horizon; docs/user-guide.md "Forecasts and targets"), then one forced ``compute_all`` (the
scheduler's background job) with its time, and the read time of one region's stored forecast
and of an on-demand past origin.
"""

from __future__ import annotations

import argparse
import statistics
import time

from sqlalchemy.orm import Session

from datasource import forecast, queries, targets
from datasource.engine import make_engine


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?", default="sqlite:///instance/carbon.sqlite")
    parser.add_argument("--local-sample", type=int, default=100)
    parser.add_argument("--skip-backtest", action="store_true")
    args = parser.parse_args()
    engine = make_engine(args.url)
    if not args.skip_backtest:
        print(forecast.backtest(engine, local_sample=args.local_sample).render())
        print()
    report = forecast.compute_all(engine, force=True)
    print(report.render())
    with Session(engine) as session:
        latest = queries.latest_period(session)
        codes = [r.code for r in queries.regions(session, level="province")][:20]
    reads, past, tracks = [], [], []
    for code in codes:
        with Session(engine) as session:
            t0 = time.perf_counter()
            forecast.stored(session, region_code=code, metric="co2e")
            reads.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            forecast.forecast_for_origin(
                session, region_code=code, metric="co2e", origin=int(latest) - 5
            )
            past.append((time.perf_counter() - t0) * 1000)
    with Session(engine) as session:
        counties = [r.code for r in queries.regions(session, level="county")]
        t0 = time.perf_counter()
        tracked = targets.progress_many(session, region_codes=counties)
        tracks.append((time.perf_counter() - t0) * 1000)
    print(f"stored forecast read:        median {statistics.median(reads):6.1f} ms")
    print(f"on-demand origin {int(latest) - 5}:     median {statistics.median(past):6.1f} ms")
    print(f"target status of {len(tracked)} counties: {tracks[0]:6.0f} ms")
    counts: dict[str, int] = {}
    for t in tracked.values():
        counts[t.status] = counts.get(t.status, 0) + 1
    print("  " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
