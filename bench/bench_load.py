"""Load on loopback: simulated walls refreshing plus analysts clicking, against
`carbonwall serve --workers 2` (gunicorn) on a copy of the national demo pool. Prints a table.

    python bench/bench_load.py                       # 50 walls, 5 analysts, 60 s
    python bench/bench_load.py --walls 50 --analysts 5 --seconds 120 \\
        --pool instance/carbon.sqlite --geo instance/geo

A wall loads the page once (index, layout, every panel for the root) and then sends the refresh
tick every 5 s (the data-version check; an idle tick answers 204). An analyst repeatedly drills
into a random province or city (the wall's server-side callbacks on the focus, as the browser
sends them after a click: one, which answers with every panel) and reads an API ranking, with
1 s of thinking between clicks. Bounded: the run ends after --seconds; everything stays on
127.0.0.1. The pool is copied (never modified) into a temporary folder; the geo cache is used
read-only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
POOL = ROOT / "instance" / "carbon.sqlite"  # the pool `make serve` fills
GEO = ROOT / "instance" / "geo"
PAGE = {"lang": "zh", "kiosk": False, "root": "100000", "views": ["100000"], "resume_ms": 60000}
FOCUS, VERSION, REFRESH, PAGE_ID = "focus-store", "version-store", "refresh-interval", "page-store"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_pool(src: Path, dest_dir: Path) -> str:
    """The pool and its write-ahead log, copied; the source is never opened for writing."""
    dest = dest_dir / "carbon.sqlite"
    shutil.copyfile(src, dest)
    wal = src.with_name(src.name + "-wal")
    if wal.exists():
        shutil.copyfile(wal, dest.with_name(dest.name + "-wal"))
    return f"sqlite:///{dest}"


class Server:
    def __init__(self, url: str, workers: int, tmp: Path, **env: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = (tmp / "serve.log").open("wb")
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
            env={
                **os.environ,
                "CARBONWALL_DATABASE_URL": url,
                "CARBONWALL_GEO_CACHE_DIR": str(GEO),
                "CARBONWALL_SECRET_KEY": "b" * 64,
                "CARBONWALL_RUN_SCHEDULER": "false",
                "CARBONWALL_REFRESH_SECONDS": "5",
                "CARBONWALL_ACCESS_LOG": "",
                "CARBONWALL_LOG_LEVEL": "WARNING",
                **env,
            },
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited with {self.proc.returncode}")
            try:
                if requests.get(self.base + "/readyz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise SystemExit("server not ready")

    def workers(self):  # type: ignore[no-untyped-def]
        import psutil

        kids = psutil.Process(self.proc.pid).children()
        return [p for p in kids if "scheduler" not in p.cmdline()]  # not the heavy-work child

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


# ------------------------------------------------------------------ Dash requests, generic


def walk(node, found):  # type: ignore[no-untyped-def]
    if isinstance(node, list):
        for n in node:
            walk(n, found)
    elif isinstance(node, dict) and "props" in node:
        props = node["props"]
        if "id" in props and not isinstance(props["id"], dict):
            found[props["id"]] = props
        walk(props.get("children"), found)


def split_outputs(output: str) -> list[dict]:
    parts = output.strip(".").split("...") if output.startswith("..") else [output]
    out = []
    for part in parts:
        cid, prop = part.rsplit(".", 1)
        out.append({"id": json.loads(cid) if cid.startswith("{") else cid, "property": prop})
    return out


class Wall:
    """What a browser sends: the server-side callbacks whose inputs include the focus (the
    wall's one panels callback) and the tick; read from /_dash-dependencies."""

    def __init__(self, base: str) -> None:
        session = requests.Session()
        deps = session.get(base + "/_dash-dependencies", timeout=30).json()
        layout = session.get(base + "/_dash-layout", timeout=30).json()
        self.values: dict[str, dict] = {}
        walk(layout, self.values)
        self.version = self.values.get(VERSION, {}).get("data")
        self.panels = []
        self.tick = None
        for dep in deps:
            if dep.get("clientside_function"):
                continue
            inputs = [(i["id"], i["property"]) for i in dep["inputs"]]
            if any(cid == FOCUS and p == "data" for cid, p in inputs):
                self.panels.append(dep)
            elif (REFRESH, "n_intervals") in inputs:
                self.tick = dep

    def value(self, cid, prop, focus):  # type: ignore[no-untyped-def]
        if cid == FOCUS:
            return focus
        if cid == VERSION:
            return self.version
        if cid == PAGE_ID:
            return PAGE
        if cid == REFRESH and prop == "n_intervals":
            return 1
        return self.values.get(cid, {}).get(prop) if isinstance(cid, str) else None

    def body(self, dep, focus):  # type: ignore[no-untyped-def]
        outputs = split_outputs(dep["output"])
        return {
            "output": dep["output"],
            "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": [
                {**i, "value": self.value(i["id"], i["property"], focus)} for i in dep["inputs"]
            ],
            "state": [
                {**s, "value": self.value(s["id"], s["property"], focus)} for s in dep["state"]
            ],
            "changedPropIds": [f"{FOCUS}.data"],
        }


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))

    def timed(self, kind: str, call) -> requests.Response | None:  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        try:
            response = call()
        except requests.RequestException:
            with self.lock:
                self.errors[kind] += 1
            return None
        ms = (time.perf_counter() - t0) * 1000
        with self.lock:
            self.times[kind].append(ms)
            self.statuses[kind][response.status_code] += 1
            if response.status_code >= 400:
                self.errors[kind] += 1
        return response


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else values[0]
    )


def regions(base: str) -> list[str]:
    provinces = requests.get(base + "/api/v1/regions?parent=100000", timeout=30).json()["items"]
    codes = [p["code"] for p in provinces]
    cities = []
    for code in random.Random(1).sample(codes, min(6, len(codes))):
        cities += [
            c["code"]
            for c in requests.get(f"{base}/api/v1/regions?parent={code}", timeout=30).json()[
                "items"
            ]
        ]
    return codes + cities


def run_load(base: str, walls: int, analysts: int, seconds: float, interval: float) -> Stats:
    stats = Stats()
    wall = Wall(base)
    codes = regions(base)
    stop = time.monotonic() + seconds
    root = {"code": "100000", "s": 0}

    def a_wall(n: int) -> None:
        s = requests.Session()
        time.sleep(interval * n / max(walls, 1))  # walls were not all switched on at once
        stats.timed("wall: page load /", lambda: s.get(base + "/", timeout=60))
        stats.timed("wall: layout", lambda: s.get(base + "/_dash-layout", timeout=60))
        for dep in wall.panels:
            stats.timed(
                "wall: first panels",
                lambda dep=dep: s.post(
                    base + "/_dash-update-component", json=wall.body(dep, root), timeout=60
                ),
            )
        nxt = time.monotonic()
        while True:
            nxt += interval
            pause = nxt - time.monotonic()
            if nxt > stop:
                return
            if pause > 0:
                time.sleep(pause)
            stats.timed(
                "wall: refresh tick",
                lambda: s.post(
                    base + "/_dash-update-component", json=wall.body(wall.tick, root), timeout=60
                ),
            )

    def an_analyst(n: int) -> None:
        s = requests.Session()
        rng = random.Random(n)
        clicks = 0
        while time.monotonic() < stop:
            focus = {"code": rng.choice(codes), "s": clicks}
            clicks += 1
            t0 = time.perf_counter()
            ok = True
            for dep in wall.panels:  # what the browser sends after a click (one callback)
                r = stats.timed(
                    "analyst: panels callback",
                    lambda dep=dep, focus=focus: s.post(
                        base + "/_dash-update-component", json=wall.body(dep, focus), timeout=60
                    ),
                )
                ok = ok and r is not None and r.status_code < 400
            if ok:
                with stats.lock:
                    stats.times["analyst: whole drill-down"].append(
                        (time.perf_counter() - t0) * 1000
                    )
            metric = rng.choice(["co2e", "co2", "intensity", "intensity_change"])
            parent = rng.choice(["100000", focus["code"]])
            stats.timed(
                "analyst: API rankings",
                lambda parent=parent, metric=metric: s.get(
                    f"{base}/api/v1/rankings?parent={parent}&metric={metric}", timeout=60
                ),
            )
            time.sleep(1.0)

    threads = [threading.Thread(target=a_wall, args=(i,)) for i in range(walls)]
    threads += [threading.Thread(target=an_analyst, args=(i,)) for i in range(analysts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return stats


def print_table(stats: Stats, title: str) -> None:
    print(f"\n{title}")
    print("| request | n | p50 ms | p95 ms | max ms | errors | statuses |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for kind in sorted(stats.times):
        v = stats.times[kind]
        codes = ", ".join(f"{c}: {n}" for c, n in sorted(stats.statuses.get(kind, {}).items()))
        print(
            f"| {kind} | {len(v)} | {pct(v, 50):.0f} | {pct(v, 95):.0f} | {max(v):.0f} | "
            f"{stats.errors.get(kind, 0)} | {codes} |"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--walls", type=int, default=50)
    ap.add_argument("--analysts", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--interval", type=float, default=5)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--pool", type=Path, default=POOL)
    ap.add_argument("--geo", type=Path, default=GEO, help="the pool's map layers (read-only)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="cw-load-"))
    try:
        url = copy_pool(args.pool, tmp)
        server = Server(url, args.workers, tmp, CARBONWALL_GEO_CACHE_DIR=str(args.geo))
        try:
            server.wait_ready()
            t0 = time.monotonic()
            stats = run_load(server.base, args.walls, args.analysts, args.seconds, args.interval)
            took = time.monotonic() - t0
            total = sum(len(v) for k, v in stats.times.items() if "whole" not in k)
            print_table(
                stats,
                f"{args.walls} walls every {args.interval:g} s + {args.analysts} analysts, "
                f"{args.seconds:g} s, gunicorn {args.workers} workers x 4 threads, "
                f"{total} requests in {took:.0f} s ({total / took:.1f} req/s), "
                f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
            )
        finally:
            server.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
