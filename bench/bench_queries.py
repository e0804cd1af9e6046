"""Latency of the queries every screen needs, and the rollup time, at national scale.

Usage: python bench/bench_queries.py [DATABASE_URL]   (default: the embedded instance pool,
filled by `carbonwall init-db && carbonwall demo`). Prints median and p95 over 200 calls, each
in a fresh session (no identity-map caching), plus one forced rollup rebuild.
"""

from __future__ import annotations

import statistics
import sys
import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datasource import queries as q
from datasource.engine import make_engine
from datasource.models import StatRegion
from datasource.rollup import rebuild

CALLS = 200


def timed(engine, fn) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(CALLS):
        start = time.perf_counter()
        with Session(engine) as session:
            fn(session)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * CALLS) - 1]


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else "sqlite:///instance/carbon.sqlite"
    engine = make_engine(url)
    with Session(engine) as session:
        period = q.latest_period(session)
        count = session.scalar(select(func.count()).select_from(StatRegion))
    print(f"database: {engine.url.render_as_string(hide_password=True)}")
    print(f"latest period {period}; {count} region-periods in the rollup\n")
    cases = {
        "region totals (country)": lambda s: q.summary(s, region_code="100000", period=period),
        "region totals (county)": lambda s: q.summary(s, region_code="340102", period=period),
        "sector breakdown (country)": lambda s: q.by_sector(s, region_code="100000", period=period),
        "sector breakdown 1.1 (province)": lambda s: q.by_sector(
            s, region_code="370000", period=period, parent="1.1"
        ),
        "gas breakdown (country)": lambda s: q.by_gas(s, region_code="100000", period=period),
        "inventory table (country)": lambda s: q.inventory(s, region_code="100000", period=period),
        "inventory table (province)": lambda s: q.inventory(s, region_code="340000", period=period),
        "ranking 31 provinces by intensity": lambda s: q.ranking(
            s, parent_code="100000", period=period, metric="intensity"
        ),
        "ranking Hebei's cities by co2e": lambda s: q.ranking(
            s, parent_code="130000", period=period
        ),
        "20-year series (province)": lambda s: q.series(s, region_code="340000"),
        "five-sector trend (country)": lambda s: q.sector_series(s, region_code="100000"),
    }
    print(f"{'query':40s} {'median ms':>10s} {'p95 ms':>8s}")
    for name, fn in cases.items():
        median, p95 = timed(engine, fn)
        print(f"{name:40s} {median:10.2f} {p95:8.2f}")
    report = rebuild(engine, force=True)
    print(
        f"\nrollup rebuild (forced): {report.seconds:.1f} s, {report.regions} region-periods, "
        f"{report.rows} derived leaf rows"
    )


if __name__ == "__main__":
    main()
