"""Throughput and latency of the data service API under gunicorn (2 workers), on loopback.

Usage: python bench/bench_api.py [DATABASE_URL] [--seconds 10] [--connections 8]
(default: the embedded instance pool, filled by `carbonwall init-db && carbonwall demo`).

Starts gunicorn on 127.0.0.1 on a free port serving a bare Flask app with only the API
blueprint, then loads /api/v1/summary and /api/v1/rankings (the root region's children at the
latest period) for a fixed time with `wrk` (Debian package) if present, else with a Python
thread pool capped by request count and time: once on the same URL (the per-worker answer cache
hits) and once with a throw-away parameter on every request (every answer is computed).
Prints requests/s and p50/p95/p99 latency.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
URL_ENV = "BENCH_API_DATABASE_URL"  # not CARBONWALL_*: Settings refuses unknown names
WRK_BUST = """
counter = 0
request = function()
  counter = counter + 1
  local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. sep .. "bust=" .. counter .. "-" .. math.random(1000000000))
end
"""
WRK_LUA = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %d %d %d %.3f %.3f %.3f\\n", summary.requests, summary.duration,
    errors, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def app():  # type: ignore[no-untyped-def]
    """gunicorn's factory (`bench_api:app()`): a bare Flask app with the API over the URL."""
    import flask

    from dashboard import api
    from dashboard.config import Settings
    from datasource.engine import make_engine, make_sessions

    url = os.environ[URL_ENV]
    engine = make_engine(url)
    server = flask.Flask("bench_api")
    api.register(
        server, sessions=make_sessions(engine), engine=engine, settings=Settings(database_url=url)
    )
    return server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(base: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not become ready in time")


def with_wrk(url: str, seconds: int, connections: int, bust: bool) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write((WRK_BUST if bust else "") + WRK_LUA)
        script = f.name
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "5s",
                "-s",
                script,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 30,
            check=True,
        ).stdout
    finally:
        os.unlink(script)
    m = re.search(r"RESULT (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)", out)
    if m is None:
        raise SystemExit(f"could not read wrk's output:\n{out}")
    requests, micros, errors = int(m[1]), int(m[2]), int(m[3])
    return {
        "requests": requests,
        "rps": requests / (micros / 1e6),
        "errors": errors,
        "p50": float(m[4]),
        "p95": float(m[5]),
        "p99": float(m[6]),
    }


def with_threads(
    url: str, seconds: int, connections: int, bust: bool, cap: int = 20_000
) -> dict[str, float]:
    parsed = urllib.request.urlparse(url)
    path = parsed.path + ("?" + parsed.query if parsed.query else "")
    sep = "&" if parsed.query else "?"
    stop = time.monotonic() + seconds

    def worker(n: int) -> tuple[list[float], int]:
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=5)
        samples, errors = [], 0
        for _ in range(n):
            if time.monotonic() > stop:
                break
            start = time.perf_counter()
            try:
                conn.request(
                    "GET", path + (f"{sep}bust={n}-{time.perf_counter_ns()}" if bust else "")
                )
                response = conn.getresponse()
                response.read()
                errors += response.status != 200
            except OSError:
                errors += 1
                conn.close()
                conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=5)
            samples.append((time.perf_counter() - start) * 1000)
        conn.close()
        return samples, errors

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(connections) as pool:
        results = list(pool.map(worker, [cap // connections] * connections))
    elapsed = time.perf_counter() - started
    samples = sorted(s for r in results for s in r[0])
    q = statistics.quantiles(samples, n=100)
    return {
        "requests": len(samples),
        "rps": len(samples) / elapsed,
        "errors": sum(r[1] for r in results),
        "p50": q[49],
        "p95": q[94],
        "p99": q[98],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url", nargs="?", default="sqlite:///instance/carbon.sqlite")
    parser.add_argument("--seconds", type=int, default=10, help="load time per endpoint")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, URL_ENV: args.database_url}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "bench"), env.get("PYTHONPATH", "")])
    gunicorn = [sys.executable, "-m", "gunicorn", f"--workers={args.workers}"]
    gunicorn += [f"--bind=127.0.0.1:{port}", "--log-level=warning", "bench_api:app()"]
    proc = subprocess.Popen(gunicorn, cwd=ROOT, env=env)
    try:
        wait_ready(base, proc)
        with urllib.request.urlopen(base + "/api/v1/version", timeout=5) as r:
            version = r.read().decode()
        tool = "wrk" if shutil.which("wrk") else "python threads"
        run = with_wrk if tool == "wrk" else with_threads
        targets = {
            "/api/v1/summary": "/api/v1/summary",
            "/api/v1/rankings": "/api/v1/rankings",
            "/api/v1/rankings?metric=intensity&format=csv": (
                "/api/v1/rankings?metric=intensity&format=csv"
            ),
        }
        print(f"database: {args.database_url}")
        print(f"data: {version}")
        print(
            f"gunicorn {args.workers} workers on {base}; load: {tool}, {args.connections} "
            f"connections, {args.seconds} s per endpoint\n"
        )
        print(
            f"{'endpoint':48} {'cache':>6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'p99 ms':>8} {'errors':>7}"
        )
        for label, path in targets.items():
            with urllib.request.urlopen(base + path, timeout=10) as r:  # warm up, check 200
                r.read()
            for bust in (False, True):
                res = run(base + path, args.seconds, args.connections, bust)
                print(
                    f"{label:48} {'miss' if bust else 'hit':>6} {res['rps']:8.0f} "
                    f"{res['p50']:8.1f} {res['p95']:8.1f} {res['p99']:8.1f} {res['errors']:7d}"
                )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
