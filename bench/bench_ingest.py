"""Ingest throughput and peak memory: national-demo-sized emission frames, one per province.

    python bench/bench_ingest.py                 # both backends, each in its own process
    python bench/bench_ingest.py --backend sqlite --years 20

Builds a temporary SQLite file and a temporary PostgreSQL schema (CW_TEST_PG_URL or
postgresql+psycopg://postgres@127.0.0.1:5432/test), loads the real region registry, then
ingests one synthetic frame per province (every region of the province x every year x every
sector leaf and gas) through ``ingest_frame``; prints rows/s, CPU seconds (this process plus its
PostgreSQL backends: a figure that does not depend on how busy the machine is), peak RSS, and
the 1-minute load average during the run.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from datasource import reference  # noqa: E402
from datasource.engine import make_engine  # noqa: E402
from datasource.ingest import ingest_frame  # noqa: E402
from datasource.schema import load_regions, migrate  # noqa: E402
from geo.regions import load_regions as geo_regions  # noqa: E402

PG_URL = os.environ.get("CW_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


NO_DATA = {"710000", "810000", "820000"}  # Taiwan, Hong Kong, Macau: on the map, no data


def province_frames(years: range, seed: int = 1):
    """Yield (province code, frame) for the 31 mainland provinces: regions x years x leaf gases."""
    records = geo_regions()
    parent = {r.code: r.parent_code for r in records}

    def province_of(code: str) -> str | None:
        while code and parent.get(code) not in (None, "100000"):
            code = parent[code]
        return code if parent.get(code) == "100000" else None

    by_province: dict[str, list[str]] = {}
    for r in records:
        if r.level == "country":
            continue
        p = province_of(r.code)
        if p:
            by_province.setdefault(p, []).append(r.code)
    pairs = [(s.code, g) for s in reference.leaves() for g in s.gases]
    rng = np.random.default_rng(seed)
    for prov in sorted(set(by_province) - NO_DATA):
        codes = by_province[prov]
        n = len(codes) * len(years) * len(pairs)
        region = np.repeat(np.array(codes, dtype=object), len(years) * len(pairs))
        period = np.tile(
            np.repeat(np.array([str(y) for y in years], dtype=object), len(pairs)), len(codes)
        )
        sector = np.tile(np.array([p[0] for p in pairs], dtype=object), len(codes) * len(years))
        gas = np.tile(np.array([p[1] for p in pairs], dtype=object), len(codes) * len(years))
        value = rng.gamma(2.0, 5000.0, n)
        value[sector == "4.1"] *= -1
        unit = np.where(np.isin(gas, ["HFCs", "PFCs", "SF6"]), "t CO2e", "t")
        yield (
            prov,
            pd.DataFrame(
                {
                    "region_code": region,
                    "period": period,
                    "sector_code": sector,
                    "gas": gas,
                    "value": value,
                    "unit": unit,
                }
            ),
        )


def _cpu_seconds(backends: list[int]) -> float:
    """CPU seconds of this process plus its PostgreSQL backends (read from /proc; local server)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    total = usage.ru_utime + usage.ru_stime
    tick = os.sysconf("SC_CLK_TCK")
    for pid in backends:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def run(backend: str, years: range) -> None:
    schema = None
    tmp = None
    if backend == "sqlite":
        tmp = tempfile.TemporaryDirectory()
        url = f"sqlite:///{tmp.name}/bench.sqlite"
    else:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        sep = "&" if "?" in PG_URL else "?"
        url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    backends: list[int] = []
    if backend == "postgresql":

        @event.listens_for(engine, "connect")
        def _remember_backend(dbapi_conn, _record) -> None:  # noqa: ANN001
            with dbapi_conn.cursor() as cur:
                cur.execute("SELECT pg_backend_pid()")
                backends.append(cur.fetchone()[0])

    try:
        migrate(engine)
        with Session(engine) as session, session.begin():
            load_regions(session, geo_regions())
        rows = 0
        busy = 0.0
        cpu0 = _cpu_seconds(backends)
        files = 0
        for prov, frame in province_frames(years):
            t0 = time.perf_counter()
            report = ingest_frame(engine, frame, kind="emissions", file_name=f"{prov}.csv")
            busy += time.perf_counter() - t0
            if not report.ok:
                raise SystemExit(report.render()[:2000])
            rows += report.rows
            files += 1
        cpu = _cpu_seconds(backends) - cpu0
        t0 = time.perf_counter()
        again = ingest_frame(engine, frame, kind="emissions", file_name=f"{prov}.csv")
        reingest = time.perf_counter() - t0
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"| {backend:10} | {files:5d} | {rows:10,d} | {busy:8.1f} | {rows / busy:10,.0f} | "
            f"{cpu:7.1f} | {peak_mb:7.0f} | {reingest:6.2f} ({again.status}) | "
            f"{os.getloadavg()[0]:4.1f} |"
        )
    finally:
        engine.dispose()
        if schema:
            with admin.connect() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()
        if tmp:
            tmp.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"])
    parser.add_argument("--first-year", type=int, default=2005)
    parser.add_argument("--last-year", type=int, default=2024)
    args = parser.parse_args()
    years = range(args.first_year, args.last_year + 1)
    if args.backend:
        run(args.backend, years)
        return
    print(
        "| backend    | files |       rows |  seconds |     rows/s |   cpu s | peak MB "
        "| re-ingest 1 file s | load |"
    )
    print(
        "|------------|-------|------------|----------|------------|---------|---------"
        "|--------------------|------|"
    )
    for backend in ("sqlite", "postgresql"):
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--backend",
                backend,
                "--first-year",
                str(args.first_year),
                "--last-year",
                str(args.last_year),
            ],
            check=True,
        )


if __name__ == "__main__":
    main()
