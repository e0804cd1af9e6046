"""Soak on loopback: N refresh cycles of a wall against `carbonwall serve --workers 2`
(gunicorn, worker recycling off so the same two workers are measured) on a copy of the national
demo pool; the workers' RSS after a warm-up and at the end. Prints a table.

    python bench/bench_soak.py                     # 10,000 cycles, 4 walls in parallel
    python bench/bench_soak.py --cycles 2000 --clients 4

One cycle is what a kiosk wall does per refresh: the refresh tick, and every tenth cycle a
rotation to the next region (the wall's panels callback for it), so the per-worker memo,
the figure building and the database sessions are all exercised. Before measuring, two ingests
over the API move the data version (each rolled up by the scheduler child) and a warm-up
rotates through every region twice, so the caches hold what a running wall holds; "flat" means
the RSS after the measured cycles is within 10 % of the RSS after the warm-up. RSS is printed
at every quarter, so a cache still filling and a leak look different.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_load import POOL, Server, Stats, Wall, copy_pool, pct, regions  # noqa: E402

TOKEN = "soak-token-0123456789"


def rss_mb(server: Server) -> list[float]:
    return [round(p.memory_info().rss / 2**20, 1) for p in server.workers()]


def ingest(base: str, value: float) -> str:
    csv = f"region_code,period,sector_code,gas,value,unit\n110101,2024,1.1.1.1,CO2,{value},t\n"
    r = requests.post(
        f"{base}/api/v1/ingest?kind=emissions&file_name=soak-{value}.csv",
        data=csv.encode(),
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=120,
    )
    body = r.json()
    problems = [p.get("message") for p in body.get("problems", [])][:2]
    return f"{r.status_code} {body.get('status')} {problems or ''}".strip()


def wait_rollup(base: str, timeout: float = 300) -> float:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if requests.get(base + "/api/v1/version", timeout=30).json()["rollup_current"]:
            break
        time.sleep(1)
    return time.monotonic() - t0


def soak(base: str, cycles: int, clients: int, stats: Stats, start: int) -> None:
    wall = Wall(base)
    codes = regions(base)
    counter = iter(range(start, start + cycles))
    lock = threading.Lock()

    def client(n: int) -> None:
        s = requests.Session()
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            stats.timed(
                "refresh tick",
                lambda: s.post(
                    base + "/_dash-update-component",
                    json=wall.body(wall.tick, {"code": "100000", "s": 0}),
                    timeout=60,
                ),
            )
            if i % 10 == 0:
                focus = {"code": codes[(i // 10) % len(codes)], "s": i}
                for dep in wall.panels:
                    stats.timed(
                        "rotation panels",
                        lambda dep=dep, focus=focus: s.post(
                            base + "/_dash-update-component", json=wall.body(dep, focus), timeout=60
                        ),
                    )

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cycles", type=int, default=10_000)
    ap.add_argument("--rotations", type=int, default=2, help="full warm-up rotations")
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--pool", type=Path, default=POOL)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="cw-soak-"))
    try:
        url = copy_pool(args.pool, tmp)
        server = Server(
            url,
            2,
            tmp,
            CARBONWALL_MAX_REQUESTS="0",
            CARBONWALL_ADMIN_TOKENS=TOKEN,
            CARBONWALL_RUN_SCHEDULER="true",
            CARBONWALL_REFRESH_SECONDS="2",
        )
        try:
            server.wait_ready()
            rss = [("started", rss_mb(server))]
            for value in (1000.0, 1001.0):  # two new data versions, each rolled up
                print(
                    f"  ingest: {ingest(server.base, value)}; "
                    f"rollup current after {wait_rollup(server.base):.0f} s"
                )
            rss.append(("after 2 ingests", rss_mb(server)))
            n_regions = len(regions(server.base))
            warmup = args.rotations * 10 * n_regions  # every region's panels built
            soak(server.base, warmup, args.clients, Stats(), 0)
            rss.append((f"after warm-up ({warmup} cycles)", rss_mb(server)))
            stats = Stats()
            t0 = time.monotonic()
            quarter = args.cycles // 4
            for part in range(4):
                soak(server.base, quarter, args.clients, stats, warmup + part * quarter)
                rss.append((f"after {(part + 1) * quarter} measured cycles", rss_mb(server)))
            took = time.monotonic() - t0
            print(
                f"\nsoak: {4 * quarter} refresh cycles after a warm-up of {warmup} "
                f"({args.rotations} rotations through {n_regions} regions), "
                f"{args.clients} walls in parallel, {took:.0f} s, gunicorn 2 workers, "
                "recycling off"
            )
            print("| request | n | p50 ms | p95 ms | errors |")
            print("|---|---:|---:|---:|---:|")
            for kind in sorted(stats.times):
                v = stats.times[kind]
                print(
                    f"| {kind} | {len(v)} | {pct(v, 50):.0f} | {pct(v, 95):.0f} | "
                    f"{stats.errors.get(kind, 0)} |"
                )
            print("\n| when | worker 1 RSS MB | worker 2 RSS MB |")
            print("|---|---:|---:|")
            for label, values in rss:
                print(f"| {label} | " + " | ".join(str(v) for v in values) + " |")
            base, end = rss[2][1], rss[-1][1]
            change = [100 * (e - b) / b for b, e in zip(base, end, strict=False)]
            print(
                f"\nmeasured cycles: RSS change {', '.join(f'{c:+.1f} %' for c in change)}; "
                f"flat within 10 %: {'yes' if all(abs(c) <= 10 for c in change) else 'NO'}"
            )
        finally:
            server.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
