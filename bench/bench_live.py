"""From a small ingest returning to the open wall showing it: prints a table.

    python bench/bench_live.py [--pool sqlite:///...] [--refresh 2] [--n 5] [--region 110000]

National data (by default a copy of the pool bench/wall_vs_peer.py fills from the peer's
national CSVs, 2.84 M emission rows; --pool names another, e.g. the national demo's, which is
then changed). The product runs as in production (`carbonwall serve --workers 2`, the scheduler
child rebuilding the rollups, CARBONWALL_REFRESH_SECONDS=--refresh); a headless Chromium shows
the wall focused on --region. Each round ingests 20 rows for one of the region's counties
(datasource.ingest.ingest_file, in this process, as the CLI does) with new values, then times:
- ingest returned -> the rollup version moved (the scheduler's poll and the rebuild),
- ingest returned -> the wall's CO2 tile shows the new total (the workers' poll, the browser's
  refresh tick, the callbacks and the drawing).
Goal (issue 19): on screen within 2 refresh intervals of the commit, better one.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import signal
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import peer_setup as ps  # noqa: E402
from bench_wall import _wait  # noqa: E402
from sqlalchemy.exc import SQLAlchemyError  # noqa: E402

from datasource import queries  # noqa: E402
from datasource.engine import make_engine, make_sessions  # noqa: E402
from datasource.ingest import ingest_file  # noqa: E402

WATCH_JS = """
window.cwValue = function () {  // the CO2 tile's value (万吨, 4 digits): other tiles rotate
  for (const tile of document.querySelectorAll('#kpi-row .kpi-tile')) {
    try {
      if (JSON.parse(tile.id).metric === 'co2') return tile.querySelector('.kpi-value').innerText;
    } catch (e) { /* a tile without a dict id */ }
  }
  return null;
};
(function loop() {
  const w = window.cwWatch, now = window.cwValue();
  if (w && !w.changed && now && now !== w.text) {
    w.changed = Date.now() / 1000;
    w.now = now;
  }
  requestAnimationFrame(loop);
})();
"""


def rows_for(csv_dir: Path, county: str, period: str, n: int = 20) -> list[list[str]]:
    """The first n emission rows of one county and period in the peer's files."""
    out: list[list[str]] = []
    for path in sorted(csv_dir.glob("emissions-*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            for row in reader:
                if row[0] == county and row[1] == period:
                    out.append(row)
                    if len(out) == n:
                        return [header, *out]
    raise SystemExit(f"fewer than {n} rows for {county} {period} in {csv_dir}")


def version_watcher(sessions, stop: threading.Event, moves: list[tuple[float, int]]):  # type: ignore[no-untyped-def]
    """Record (time, rollup version) whenever the rollup version moves (polled every 50 ms)."""
    last = None
    while not stop.is_set():
        try:
            with sessions() as s:
                v = queries.data_version(s).rollup_version
        except SQLAlchemyError:  # SQLite busy under a rebuild: try again
            time.sleep(0.05)
            continue
        if v != last:
            moves.append((time.time(), v))
            last = v
        time.sleep(0.05)


def main() -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peers", type=Path, default=ps.DEFAULT_PEERS)
    parser.add_argument("--home", type=Path, default=ps.DEFAULT_HOME)
    parser.add_argument("--geo-cache", type=Path, default=ps.ROOT / "instance" / "geo")
    parser.add_argument("--pool", default=None, help="database URL (changed by the bench)")
    parser.add_argument("--refresh", type=int, default=2)
    parser.add_argument("--n", type=int, default=5)
    parser.add_argument("--region", default="110000")
    parser.add_argument("--county", default="110101")
    parser.add_argument("--period", default="2024")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on the way out
    data = ps.ensure_data(args.peers.resolve(), args.home)
    pool = ps.ensure_pool(data, args.home, args.geo_cache.resolve())
    url = args.pool
    if url is None:
        live = args.home / "live"
        live.mkdir(parents=True, exist_ok=True)
        for stale in live.glob("carbon.sqlite*"):
            stale.unlink()
        shutil.copyfile(pool / "carbon.sqlite", live / "carbon.sqlite")
        url = f"sqlite:///{live / 'carbon.sqlite'}"
    base_rows = rows_for(pool / "csv", args.county, args.period)
    engine = make_engine(url)
    sessions = make_sessions(engine)
    port = ps.free_port()
    server = ps.start_product(
        args.home,
        args.geo_cache.resolve(),
        port,
        CARBONWALL_DATABASE_URL=url,
        CARBONWALL_REFRESH_SECONDS=str(args.refresh),
    )
    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.add_argument("--window-size=1920,1080")
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    driver = None
    stop = threading.Event()
    moves: list[tuple[float, int]] = []
    rounds = []
    work = args.home / "live-ingest"
    work.mkdir(parents=True, exist_ok=True)
    try:
        ps.wait_http(f"http://127.0.0.1:{port}/")
        driver = webdriver.Chrome(options=options)
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False},
        )
        driver.get(f"http://127.0.0.1:{port}/?region={args.region}")
        driver.execute_script(WATCH_JS)
        _wait(driver, "return window.cwValue()", 60)
        watcher = threading.Thread(target=version_watcher, args=(sessions, stop, moves))
        watcher.start()
        for i in range(args.n):
            time.sleep(args.refresh * 1.5)  # settle: the previous round's refresh is over
            factor = 1.5 + i  # every round a new total
            path = work / f"round-{i}.csv"
            with path.open("w", encoding="utf-8", newline="") as f:
                w = csv.writer(f)
                w.writerow(base_rows[0])
                for row in base_rows[1:]:
                    w.writerow([*row[:4], f"{float(row[4]) * factor:.4f}", *row[5:]])
            text = driver.execute_script("return window.cwValue()")
            driver.execute_script("window.cwWatch = {text: arguments[0]};", text)
            for _attempt in range(300):  # SQLite: the scheduler's rollup may hold the lock
                started = time.time()
                report = ingest_file(engine, path, kind="emissions", source="bench")
                if report.ok or "locked" not in report.render():
                    break
                time.sleep(1.0)
            returned = time.time()
            if not report.ok:
                raise SystemExit(report.render())
            changed = _wait(
                driver,
                "return window.cwWatch && window.cwWatch.changed",
                timeout=600,
            )
            rolled = next((t for t, _ in list(moves) if t >= started), None)
            rounds.append((rolled - returned if rolled else None, changed - returned))
            now = driver.execute_script("return window.cwWatch.now")
            print(f"round {i}: rollup moved +{rounds[-1][0]} s, on the wall +{rounds[-1][1]:.1f} s")
            print(f"   CO2 tile {text} -> {now} 万吨")
    finally:
        stop.set()
        if driver:
            driver.quit()
        ps.stop(server)
    rollup = [r[0] for r in rounds if r[0] is not None]
    shown = [r[1] for r in rounds]
    print(f"pool: {url}; refresh {args.refresh} s; {args.n} ingests of 20 rows ({args.county})")
    print(f"{'measure':<48}  result")
    print(f"{'-' * 48}  {'-' * 40}")
    if rollup:
        print(
            f"{'ingest returned -> rollup version moved':<48}  "
            f"median {statistics.median(rollup):.1f} s, max {max(rollup):.1f} s"
        )
    print(
        f"{'ingest returned -> on the open wall':<48}  "
        f"median {statistics.median(shown):.1f} s, max {max(shown):.1f} s "
        f"(each: {', '.join(f'{s:.1f}' for s in shown)})"
    )


if __name__ == "__main__":
    main()
