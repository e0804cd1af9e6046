"""Faults against a PostgreSQL cluster this module starts itself (initdb + pg_ctl from
/usr/lib/postgresql/15/bin, as the postgres user, on a free loopback port, in a temporary folder):

- the database stops under a running wall: the refresh tick says the data is stale, the panels
  keep the last good figures, /readyz answers 503; after a restart the wall recovers by itself
  within two refresh intervals and shows new data;
- the scheduler's HeavyJob logs the failure and backs off, never raising, and recovers;
- `carbonwall ingest` killed (SIGKILL) in the middle of its transaction leaves the pool as it was;
- scale-out: two rebuilds at once build once (the advisory lock).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import wall_data
from sqlalchemy import create_engine, text

from callbacks import common
from dashboard.app import create_app
from dashboard.config import Settings
from dashboard.scheduler import HeavyJob
from datasource import reference, rollup
from datasource.engine import make_engine
from datasource.schema import load_regions, migrate
from layouts import ids

PG_BIN = Path("/usr/lib/postgresql/15/bin")
ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.slow]
REFRESH = 1  # seconds between the wall's data-version polls in these tests
PAGE = {"lang": "zh", "kiosk": False, "root": "100000", "views": ["100000"], "resume_ms": 60000}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A throw-away PostgreSQL 15 cluster: start, stop (fast shutdown), start again."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="cw-pg-"))
        self.port = free_port()
        self.data = self.dir / "data"
        as_pg = os.geteuid() == 0
        self.prefix = ["runuser", "-u", "postgres", "--"] if as_pg else []
        if as_pg:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(
            PG_BIN / "initdb",
            "-D",
            self.data,
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
        )

    def _run(self, *args) -> None:  # type: ignore[no-untyped-def]
        subprocess.run(
            [*self.prefix, *map(str, args)], check=True, capture_output=True, timeout=120
        )

    def start(self) -> None:
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            PG_BIN / "pg_ctl",
            "-D",
            self.data,
            "-o",
            opts,
            "-l",
            self.dir / "log",
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self) -> None:
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def url(self, db: str = "cw") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{db}"

    def create_db(self, name: str) -> str:
        admin = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
        admin.dispose()
        return self.url(name)

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster():
    if not (PG_BIN / "initdb").is_file():
        pytest.skip("PostgreSQL 15 server binaries are not installed")
    c = Cluster()
    c.start()
    yield c
    c.destroy()


@pytest.fixture
def pool(cluster, request):
    """A fresh database on the cluster with the wall's test data, rolled up."""
    name = "cw_" + request.node.name.split("[")[0][-20:].lower().replace("-", "_")
    url = cluster.create_db(name)
    engine = make_engine(url)
    migrate(engine)
    wall_data.pool(engine)
    yield url, engine
    engine.dispose()


# ------------------------------------------------------------------ Dash callbacks, by hand


def post(client, outputs, inputs, state=()):
    out = [{"id": i, "property": p} for i, p in outputs]
    body = {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + ".."
        if len(outputs) > 1
        else f"{outputs[0][0]}.{outputs[0][1]}",
        "outputs": out if len(outputs) > 1 else out[0],
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
        "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"],
    }
    return client.post("/_dash-update-component", json=body)


TICK_OUT = [(ids.VERSION, "data"), (ids.FRESHNESS, "children"), (ids.ALERT, "children")]


def tick(client, known, alert=None):
    return post(
        client,
        TICK_OUT,
        [(ids.REFRESH, "n_intervals", 7)],
        [(ids.VERSION, "data", known), (ids.ALERT, "children", alert), (ids.PAGE, "data", PAGE)],
    )


# the wall's one panels callback, its outputs in the order it registers them
WALL_OUT = [
    (ids.BREADCRUMB, "children"),
    (ids.DETAIL, "children"),
    (ids.NOTICE, "children"),
    (ids.KPIS, "children"),
    (ids.MAP, "figure"),
    (ids.MAP_LEGEND, "children"),
    (ids.TREND, "figure"),
    (ids.GAS, "figure"),
    (ids.RANKING_TITLE, "children"),
    (ids.RANKING, "children"),
    (ids.FORECAST, "figure"),
]


def kpis(client, code="340000", version=1):
    """The KPI tiles of the wall's panels callback for `code` (every panel answered)."""
    r = post(
        client,
        WALL_OUT,
        [
            (ids.FOCUS, "data", {"code": code, "s": 1}),
            (ids.VERSION, "data", version),
            (ids.PICK, "data", None),
            (ids.MAP_MODE, "value", "intensity"),
        ],
        [(ids.PAGE, "data", PAGE)],
    )
    assert r.status_code == 200
    body = r.get_json()
    assert "sideUpdate" not in body and sorted(body["response"]) == sorted(i for i, _ in WALL_OUT)
    return json.dumps(body["response"][ids.KPIS]["children"], ensure_ascii=False)


# ------------------------------------------------------------------ the database goes away


def test_wall_keeps_last_good_data_says_stale_and_recovers(cluster, pool, caplog, monkeypatch):
    url, engine = pool
    # one policy window for the whole test: a new window would re-read the region's view
    monkeypatch.setattr(common, "POLICY_SECONDS", 10**9)
    app = create_app(
        Settings(
            database_url=url,
            refresh_seconds=REFRESH,
            geo_cache_dir="/nonexistent",
            secret_key="k" * 64,
            run_scheduler=False,
        ),
        poller=True,
        heavy=False,
    )
    client = app.server.test_client()
    try:
        v0 = app.carbonwall_state.snapshot().version
        assert tick(client, v0).status_code == 204  # idle: the wall holds the current version
        good = kpis(client, version=v0)
        assert "253.8" in good and "万吨" in good  # Anhui's total in the test pool
        engine.dispose()
        cluster.stop()
        stopped = time.monotonic()
        deadline = stopped + 3 * REFRESH
        while not app.carbonwall_state.snapshot().error and time.monotonic() < deadline:
            time.sleep(0.1)
        down = tick(client, v0).get_json()["response"]
        assert list(down) == [ids.ALERT]  # the version and freshness line stay as they were
        assert down[ids.ALERT]["children"].startswith("数据暂时无法加载，系统将自动重试")
        assert kpis(client, version=v0) == good  # the last good figures, from this worker's memo
        assert client.get("/readyz").status_code == 503
        assert client.get("/healthz").status_code == 200

        cluster.start()
        back = time.monotonic()
        recovered = None
        while time.monotonic() - back < 4 * REFRESH:
            r = tick(client, v0, alert="数据暂时无法加载")
            if r.status_code == 200 and r.get_json()["response"][ids.ALERT]["children"] == "":
                recovered = time.monotonic() - back
                break
            time.sleep(0.05)
        assert recovered is not None and recovered <= 2 * REFRESH
        assert client.get("/readyz").status_code == 200

        wall_data.set_energy(engine, "340102", "2024", 5_000_000.0)  # new data after recovery
        deadline = time.monotonic() + 2 * REFRESH + 1
        moved = tick(client, v0)
        while moved.status_code == 204 and time.monotonic() < deadline:
            time.sleep(0.1)
            moved = tick(client, v0)
        assert moved.get_json()["response"][ids.VERSION]["data"] == v0 + 1
        assert kpis(client, version=v0 + 1) != good
    finally:
        app.carbonwall_scheduler.shutdown(wait=False)
        if not _up(cluster):
            cluster.start()


def _up(cluster) -> bool:  # type: ignore[no-untyped-def]
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", cluster.port)) == 0


def test_heavy_job_backs_off_without_raising_and_recovers(cluster, pool, caplog):
    url, engine = pool
    job = HeavyJob(make_engine(url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE data_state SET version = version + 1 WHERE id = 1"))
    engine.dispose()
    cluster.stop()
    try:
        with caplog.at_level(logging.ERROR, logger="dashboard.scheduler"):
            job()  # must not raise
            assert job.failures == 1
            job()  # inside the back-off window: skipped, not retried
            assert job.failures == 1
            job.not_before = 0.0
            job()
            assert job.failures == 2
        messages = [r.getMessage() for r in caplog.records if r.name == "dashboard.scheduler"]
        assert messages == [
            "rollup failed (1 in a row); next try in 2 s",
            "rollup failed (2 in a row); next try in 4 s",
        ]
        assert job.not_before > time.monotonic() + 3
    finally:
        cluster.start()
    job.not_before = 0.0
    job()
    assert job.failures == 0
    assert rollup.needs_rebuild(engine) is False
    job.engine.dispose()


# ------------------------------------------------------------------ interrupted ingest


def big_emissions_csv(path: Path, codes: list[str], years=(2016, 2017, 2018)) -> int:
    pairs = [(s.code, g) for s in reference.leaves() for g in s.gases]
    n = len(codes) * len(years) * len(pairs)
    frame = pd.DataFrame(
        {
            "region_code": np.repeat(codes, len(years) * len(pairs)),
            "period": np.tile(np.repeat([str(y) for y in years], len(pairs)), len(codes)),
            "sector_code": np.tile([p[0] for p in pairs], len(codes) * len(years)),
            "gas": np.tile([p[1] for p in pairs], len(codes) * len(years)),
            "value": np.round(np.random.default_rng(1).gamma(2.0, 500.0, n), 3),
        }
    )
    frame["unit"] = np.where(frame["gas"].isin(["HFCs", "PFCs", "SF6"]), "t CO2e", "t")
    frame.loc[frame["sector_code"] == "4.1", "value"] *= -1
    frame.to_csv(path, index=False)
    return n


def pool_state(engine) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT count(*) FROM emission")).scalar_one()
        version = conn.execute(text("SELECT version FROM data_state WHERE id = 1")).scalar_one()
        batches = conn.execute(text("SELECT count(*) FROM ingest_batch")).scalar_one()
    return rows, version, batches


def test_ingest_killed_mid_transaction_leaves_the_pool_as_it_was(cluster, pool, tmp_path):
    url, engine = pool
    from sqlalchemy.orm import Session

    from geo.regions import load_regions as geo_regions

    records = geo_regions()
    with Session(engine) as s, s.begin():
        load_regions(s, records)
    counties = sorted(r.code for r in records if r.level == "county")[:1500]
    big = tmp_path / "big.csv"
    n = big_emissions_csv(big, counties)
    assert n > 300_000
    before = pool_state(engine)
    env = {**os.environ, "CARBONWALL_DATABASE_URL": url, "CARBONWALL_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "ingest", str(big), "--kind", "emissions"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    watch = create_engine(url, isolation_level="AUTOCOMMIT")
    killed_with = None
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            with watch.connect() as conn:
                # a backend of the ingest that holds a write transaction (an xid) right now
                row = conn.execute(
                    text(
                        "SELECT backend_xid::text, left(query, 60) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                        "AND backend_xid IS NOT NULL AND xact_start < now() - interval '0.3 s'"
                    )
                ).first()
            if row is not None:
                killed_with = row
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.05)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()
    assert killed_with is not None, "the ingest finished before it could be killed"
    assert proc.returncode == -signal.SIGKILL
    # the server notices the dead client and rolls its transaction back
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with watch.connect() as conn:
            open_tx = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
                )
            ).scalar_one()
        if open_tx == 0:
            break
        time.sleep(0.1)
    watch.dispose()
    assert pool_state(engine) == before
    # and the pool takes the same file afterwards (no lock or half-state left behind)
    small = tmp_path / "small.csv"
    big_emissions_csv(small, counties[:3], years=(2016,))
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "ingest", str(small), "--kind", "emissions"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rows, version, batches = pool_state(engine)
    assert (rows - before[0], version - before[1], batches - before[2]) == (3 * 70, 1, 1)


# ------------------------------------------------------------------ scale-out


def test_two_rebuilds_at_once_build_once(cluster, pool):
    url, engine = pool
    with engine.begin() as conn:
        conn.execute(text("UPDATE data_state SET version = version + 1 WHERE id = 1"))
        bumped = conn.execute(text("SELECT version FROM data_state WHERE id = 1")).scalar_one()
    engines = [make_engine(url), make_engine(url)]  # two hosts' engines
    barrier = threading.Barrier(2)
    reports: list[rollup.RollupReport] = []
    errors: list[str] = []

    def run(e) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        try:
            reports.append(rollup.rebuild(e))
        except Exception as exc:  # noqa: BLE001 - recorded and asserted below
            errors.append(type(exc).__name__)

    threads = [threading.Thread(target=run, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for e in engines:
        e.dispose()
    assert errors == []
    assert sorted(r.built for r in reports) == [False, True]
    assert {r.version for r in reports} == {bumped}
