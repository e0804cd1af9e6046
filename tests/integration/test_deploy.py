"""Deployment: `carbonwall serve --workers 2` under gunicorn really runs, with exactly one
scheduler process (the master's child, restarted if it dies, gone with the master) and none
when the deployment runs the scheduler elsewhere; two servers on one PostgreSQL show the same
data version after an ingest, also through nginx with deploy/nginx.conf; the systemd units and
the env example name only known settings."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil
import pytest
import requests
import wall_data
from sqlalchemy import create_engine, text

from dashboard.config import PREFIX, Settings
from dashboard.serve import gunicorn_options
from datasource.engine import make_engine
from datasource.rollup import needs_rebuild
from datasource.schema import migrate

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
TOKEN = "deploy-test-token-42"
PG_URL = os.environ.get("CW_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CHANGE = b"region_code,period,sector_code,gas,value,unit\n340102,2024,1.1.1.1,CO2,777.5,t\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_options_suit_a_wall():
    options = gunicorn_options(workers=3, host="127.0.0.1", port=8050, settings=Settings())
    assert {k: options[k] for k in ("bind", "workers", "worker_class", "threads")} == {
        "bind": "127.0.0.1:8050",
        "workers": 3,
        "worker_class": "gthread",
        "threads": 4,
    }
    assert (options["timeout"], options["graceful_timeout"], options["keepalive"]) == (60, 30, 75)
    assert (options["max_requests"], options["max_requests_jitter"]) == (2000, 200)
    assert (options["accesslog"], options["errorlog"]) == ("-", "-")
    assert options["preload_app"] is False
    quiet = gunicorn_options(
        workers=1, host="h", port=1, settings=Settings(access_log="", max_requests=0)
    )
    assert (quiet["accesslog"], quiet["max_requests"], quiet["max_requests_jitter"]) == (
        None,
        0,
        0,
    )


class Server:
    """`python -m dashboard serve` in its own process group, with its log in a file."""

    def __init__(self, tmp: Path, url: str, *, workers: int = 2, **env: str) -> None:
        self.port = free_port()
        self.log = tmp / f"serve-{self.port}.log"
        full = {
            **os.environ,
            "CARBONWALL_DATABASE_URL": url,
            "CARBONWALL_SECRET_KEY": "x" * 64,
            "CARBONWALL_ADMIN_TOKENS": TOKEN,
            "CARBONWALL_GEO_CACHE_DIR": str(tmp / "geo"),
            "CARBONWALL_REFRESH_SECONDS": "1",
            "CARBONWALL_ACCESS_LOG": "-",
            **env,
        }
        self._out = self.log.open("wb")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dashboard",
                "serve",
                "--workers",
                str(workers),
                "--port",
                str(self.port),
            ],
            env=full,
            cwd=ROOT,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.base = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.text()
            try:
                if requests.get(self.base + "/readyz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.25)
        raise AssertionError("server did not become ready:\n" + self.text())

    def text(self) -> str:
        return self.log.read_text("utf-8", "replace")

    def children(self) -> list[psutil.Process]:
        return psutil.Process(self.proc.pid).children(recursive=False)

    def schedulers(self) -> list[psutil.Process]:
        out = []
        for p in psutil.Process(self.proc.pid).children(recursive=True):
            try:
                if p.cmdline()[-2:] == ["dashboard", "scheduler"] or p.cmdline()[-1:] == [
                    "scheduler"
                ]:
                    out.append(p)
            except psutil.NoSuchProcess:
                pass
        return out

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._out.close()


@pytest.fixture
def sqlite_pool(tmp_path):
    url = f"sqlite:///{tmp_path}/pool.sqlite"
    engine = make_engine(url)
    migrate(engine)
    wall_data.pool(engine)
    yield url, engine
    engine.dispose()


def ingest(base: str, body: bytes = CHANGE) -> dict:
    r = requests.post(
        base + "/api/v1/ingest?kind=emissions&file_name=change.csv",
        data=body,
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    return r.json()


def wait_for(predicate, timeout: float, step: float = 0.2):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


@pytest.mark.slow
def test_serve_runs_one_scheduler_beside_its_workers(tmp_path, sqlite_pool):
    url, engine = sqlite_pool
    server = Server(tmp_path, url, workers=2)
    try:
        server.wait_ready()
        wait_for(lambda: len(server.children()) == 3, 10)
        kids = server.children()
        schedulers = server.schedulers()
        assert len(kids) == 3  # two workers and one scheduler
        assert len(schedulers) == 1
        assert schedulers[0].ppid() == server.proc.pid
        # both workers answer, the wall's page and its scripts included
        page = requests.get(server.base + "/", timeout=10)
        assert page.status_code == 200
        for src in re.findall(r'src="(/_dash-component-suites/[^"]+)"', page.text)[:6]:
            assert requests.get(server.base + src, timeout=10).status_code == 200
        # new data: the one scheduler rebuilds the rollup, once
        v0 = requests.get(server.base + "/api/v1/version", timeout=5).json()["version"]
        ingest(server.base)
        assert wait_for(lambda: not needs_rebuild(engine), 15)
        time.sleep(2.5)  # two more poll rounds: nobody builds it again
        built = re.findall(r"datasource.rollup: rollup built for data version (\d+)", server.text())
        assert built.count(str(v0 + 1)) == 1
        # the scheduler dies: the master starts another within its restart delay
        schedulers[0].kill()
        replaced = wait_for(
            lambda: [p for p in server.schedulers() if p.pid != schedulers[0].pid], 15
        )
        assert len(replaced) == 1
        assert "scheduler process exited" in server.text()
    finally:
        pids = [p.pid for p in server.schedulers()]
        server.stop()
    assert server.proc.returncode == 0
    assert not [
        pid
        for pid in pids
        if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    ]


@pytest.mark.slow
def test_serve_without_the_scheduler_does_no_heavy_work(tmp_path, sqlite_pool):
    url, engine = sqlite_pool
    server = Server(tmp_path, url, workers=2, CARBONWALL_RUN_SCHEDULER="false")
    try:
        server.wait_ready()
        assert server.schedulers() == []
        v0 = requests.get(server.base + "/api/v1/version", timeout=5).json()["version"]
        ingest(server.base)
        time.sleep(3)  # three of the workers' poll intervals
        assert needs_rebuild(engine) is True  # the workers never roll up
        version = requests.get(server.base + "/api/v1/version", timeout=5).json()
        assert (version["version"], version["rollup_current"]) == (v0 + 1, False)
    finally:
        server.stop()


@pytest.fixture
def pg_pool():
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:  # noqa: BLE001
        admin.dispose()
        pytest.skip(f"PostgreSQL unreachable at {PG_URL}: {exc}")
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    migrate(engine)
    wall_data.pool(engine)
    yield url, engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


NGINX_WRAP = """
{user}
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    {site}
}}
"""


def nginx_conf(tmp: Path, port: int, upstreams: list[int]) -> Path:
    """deploy/nginx.conf with loopback ports and temporary paths, inside a minimal nginx.conf."""
    site = (DEPLOY / "nginx.conf").read_text("utf-8")
    site = site.replace("127.0.0.1:8050", f"127.0.0.1:{upstreams[0]}")
    site = site.replace("127.0.0.1:8051", f"127.0.0.1:{upstreams[1]}")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    site = site.replace("/var/cache/nginx/carbonwall", str(tmp / "cache"))
    conf = tmp / "nginx.conf"
    user = "user root root;" if os.geteuid() == 0 else ""  # the temporary folder is private
    conf.write_text(NGINX_WRAP.format(user=user, tmp=tmp, site=site), "utf-8")
    return conf


@pytest.mark.slow
@pytest.mark.postgres
def test_two_servers_on_one_postgres_behind_nginx(tmp_path, pg_pool):
    url, engine = pg_pool
    a = Server(tmp_path, url, workers=1)  # runs the one scheduler
    b = Server(tmp_path, url, workers=1, CARBONWALL_RUN_SCHEDULER="false")
    nginx = None
    try:
        a.wait_ready()
        b.wait_ready()
        before = [requests.get(s.base + "/api/v1/version", timeout=5).json() for s in (a, b)]
        v0 = before[0]["version"]
        assert [v["version"] for v in before] == [v0, v0]
        report = ingest(a.base)
        assert report["status"] == "accepted"
        both = wait_for(
            lambda: (
                [requests.get(s.base + "/api/v1/version", timeout=5).json() for s in (a, b)]
                if all(
                    requests.get(s.base + "/api/v1/version", timeout=5).json()["rollup_current"]
                    for s in (a, b)
                )
                else None
            ),
            15,
        )
        assert [(v["version"], v["rollup_version"]) for v in both] == [(v0 + 1, v0 + 1)] * 2
        if shutil.which("nginx") is None:
            pytest.skip("nginx is not installed: the servers were checked without it")
        port = free_port()
        conf = nginx_conf(tmp_path, port, [a.port, b.port])
        nginx = subprocess.Popen(
            ["nginx", "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        front = f"http://127.0.0.1:{port}"
        wait_for(lambda: _listening(port), 10, 0.1)
        versions = {
            requests.get(front + "/api/v1/version", timeout=5).json()["version"] for _ in range(6)
        }
        assert versions == {v0 + 1}
        hits = requests.get(front + "/api/v1/version", timeout=5)
        assert hits.headers["Content-Security-Policy"].startswith("default-src 'self'")
        page = requests.get(front + "/", headers={"Accept-Encoding": "gzip"}, timeout=10)
        assert page.status_code == 200
        script = re.findall(r'src="(/_dash-component-suites/[^"]+\.js)"', page.text)[0]
        first = requests.get(front + script, headers={"Accept-Encoding": "gzip"}, timeout=10)
        second = requests.get(front + script, headers={"Accept-Encoding": "gzip"}, timeout=10)
        assert first.headers.get("Content-Encoding") == "gzip", dict(first.headers)
        assert (first.headers["X-Cache-Status"], second.headers["X-Cache-Status"]) == (
            "MISS",
            "HIT",
        )
        # both upstreams served the walls' requests
        for _ in range(8):
            requests.get(front + "/api/v1/version", timeout=5)
        log = (tmp_path / "nginx-access.log").read_text()
        assert log.count("/api/v1/version") >= 15
        served = [s.text().count('"GET /api/v1/version') for s in (a, b)]
        assert min(served) > 0, served
    finally:
        if nginx is not None:
            nginx.send_signal(signal.SIGQUIT)
            nginx.wait(timeout=10)
            nginx.stderr.close()
        a.stop()
        b.stop()


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_deploy_files_name_only_known_settings():
    known = {PREFIX + f.upper() for f in Settings.__dataclass_fields__}
    env_names = set(
        re.findall(r"^(CARBONWALL_[A-Z_]+)=", (DEPLOY / "env.example").read_text(), re.M)
    )
    unit_names = set(
        re.findall(r"(CARBONWALL_[A-Z_]+)=", (DEPLOY / "carbonwall.service").read_text())
    )
    assert env_names - known == set()
    assert unit_names - known == set()
    assert {"CARBONWALL_SECRET_KEY", "CARBONWALL_DATABASE_URL"} <= env_names
    secrets = dict(
        re.findall(
            r"^(CARBONWALL_SECRET_KEY|CARBONWALL_ADMIN_TOKENS)=(.*)$",
            (DEPLOY / "env.example").read_text(),
            re.M,
        )
    )
    assert secrets == {"CARBONWALL_SECRET_KEY": "", "CARBONWALL_ADMIN_TOKENS": ""}  # no defaults
    Settings.from_env(
        {
            k: v
            for k, v in re.findall(
                r"^(CARBONWALL_[A-Z_]+)=(.*)$", (DEPLOY / "env.example").read_text(), re.M
            )
        }
    )
