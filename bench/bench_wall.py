"""Benchmark the wall on a filled data pool (national demo data): prints a table.

    CARBONWALL_DATABASE_URL=sqlite:///instance/carbon.sqlite \\
    CARBONWALL_GEO_CACHE_DIR=instance/geo python bench/bench_wall.py [--browser] [--shots DIR]

Server part (Flask test client, no network): the wall's one panels callback for a drill-down
into each province and a sample of cities, cold (first visit in this worker) and warm; the idle
refresh tick. Browser part (--browser; headless Chromium against `carbonwall serve --workers 2` on
localhost at 1920x1080): navigation to every panel drawn, map click to every panel updated,
bytes per load.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from callbacks.wall import OUTPUTS  # noqa: E402
from dashboard.app import create_app  # noqa: E402
from dashboard.config import Settings  # noqa: E402
from datasource import queries  # noqa: E402
from layouts import ids  # noqa: E402

PAGE = {"lang": "zh", "kiosk": False, "root": "100000", "views": ["100000"], "resume_ms": 60000}


def body(outputs, inputs, state):
    out = [{"id": i, "property": p} for i, p in outputs]
    return {
        "output": (".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..")
        if len(outputs) > 1
        else f"{outputs[0][0]}.{outputs[0][1]}",
        "outputs": out if len(outputs) > 1 else out[0],
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
        "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"],
    }


def pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def server_part(settings: Settings) -> list[tuple[str, str]]:
    app = create_app(settings)
    state = app.carbonwall_state
    version = state.poll().version
    state.scheduled = True  # as under a running poller: the tick reads memory only
    client = app.server.test_client()
    with state.sessions() as s:
        provinces = [r.code for r in queries.children(s, "100000")]
        cities = [c.code for p in provinces[:8] for c in queries.children(s, p)[:2]]
    codes = ["100000", *provinces, *cities]
    rows = []
    for label in ("cold", "warm"):
        times, sizes = [], []
        for code in codes:
            payload = body(
                OUTPUTS,
                [
                    (ids.FOCUS, "data", {"code": code, "s": 1}),
                    (ids.VERSION, "data", version),
                    (ids.PICK, "data", None),
                    (ids.MAP_MODE, "value", "intensity"),
                ],
                [(ids.PAGE, "data", PAGE)],
            )
            t0 = time.perf_counter()
            resp = client.post(
                "/_dash-update-component", json=payload, headers={"Accept-Encoding": "gzip"}
            )
            times.append((time.perf_counter() - t0) * 1000)
            sizes.append(len(resp.data))
            assert resp.status_code == 200, (code, resp.status_code)
        rows.append(
            (
                f"drill-down, the one panels callback ({label}, n={len(times)})",
                f"median {statistics.median(times):.1f} ms, p95 {pct(times, 0.95):.1f} ms, "
                f"max {max(times):.1f} ms; median {statistics.median(sizes) / 1024:.1f} KB, "
                f"max {max(sizes) / 1024:.1f} KB gzip",
            )
        )
    tick = body(
        [(ids.VERSION, "data"), (ids.FRESHNESS, "children"), (ids.ALERT, "children")],
        [(ids.REFRESH, "n_intervals", 5)],
        [(ids.VERSION, "data", version), (ids.ALERT, "children", None), (ids.PAGE, "data", PAGE)],
    )
    tt, tb = [], []
    for _ in range(200):
        t0 = time.perf_counter()
        resp = client.post("/_dash-update-component", json=tick)
        tt.append((time.perf_counter() - t0) * 1000)
        tb.append(len(resp.data) + sum(len(k) + len(v) + 4 for k, v in resp.headers.items()))
        assert resp.status_code == 204
    rows.append(
        (
            "idle refresh tick (n=200)",
            f"median {statistics.median(tt):.2f} ms, p95 {pct(tt, 0.95):.2f} ms, "
            f"{max(tb)} B response incl. headers",
        )
    )
    return rows


DRAWN_JS = """
window.cwCheck = function () {
  const q = (s) => document.querySelectorAll(s).length;
  const gd = document.querySelector('#map-graph .js-plotly-plot');
  const n = gd && gd.data && gd.data[0] && gd.data[0].locations ? gd.data[0].locations.length : -1;
  return q('#kpi-row .kpi-value') === 6 && q('#ranking-tables tr') > 0 &&
    n > 0 && q('#map-graph .choroplethlayer .trace:first-child .choroplethlocation') === n &&
    q('#trend-graph .scatterlayer .trace') > 0 && q('#gas-graph .slice') > 0 &&
    q('#forecast-graph .scatterlayer .trace') > 0 && q('#breadcrumb .crumb') > 0;
};
(function loop() {
  if (window.cwCheck && window.cwCheck()) { window.cwDrawn = performance.now(); return; }
  requestAnimationFrame(loop);
})();
"""

CLICK_JS = """
const [code, done] = [arguments[0], arguments[arguments.length - 1]];
const graphs = ['trend-graph', 'gas-graph', 'forecast-graph', 'map-graph'].map(
  (id) => document.querySelector('#' + id + ' .js-plotly-plot'));
const before = graphs.map((g) => g.data);
const kpi = document.querySelector('#kpi-row').innerText;
const rank = document.querySelector('#ranking-tables').innerText;
const crumbs = document.querySelector('#breadcrumb').innerText;
const map = graphs[3];
const t0 = performance.now();
map.emit('plotly_click', {points: [{location: code, curveNumber: 0, pointNumber: 0}]});
(function loop() {
  const n = map.data[0] && map.data[0].locations ? map.data[0].locations.length : -1;
  const ok = graphs.every((g, i) => g.data !== before[i]) &&
    document.querySelectorAll(
      '#map-graph .choroplethlayer .trace:first-child .choroplethlocation').length === n &&
    document.querySelector('#kpi-row').innerText !== kpi &&
    document.querySelector('#ranking-tables').innerText !== rank &&
    document.querySelector('#breadcrumb .crumb.current') &&
    document.querySelector('#breadcrumb').innerText !== crumbs;
  if (ok) {
    const t1 = performance.now();
    // the network's own times (Resource Timing), not when the busy page got round to them
    const mine = performance.getEntriesByType('resource').filter(
      (e) => e.name.includes('_dash-update-component') && e.startTime >= t0);
    const sent = Math.min(...mine.map((e) => e.startTime)) - t0;
    const back = Math.max(...mine.map((e) => e.responseEnd)) - t0;
    done([t1 - t0, sent, back, mine.length]);
    return;
  }
  requestAnimationFrame(loop);
})();
"""


PROVINCES = ("440000", "340000", "510000", "320000", "650000")


def click_rows(label: str, clicks: list[list[float]]) -> list[tuple[str, str]]:
    """The click's total, and where it went: until the first callback request left the browser,
    until the last response was back (network and server), the rest (the browser's renderer
    and plotly drawing the responses)."""
    total = [c[0] for c in clicks]
    sent = statistics.median(c[1] for c in clicks)
    back = statistics.median(c[2] for c in clicks)
    return [
        (
            f"{label} (n={len(clicks)})",
            f"median {statistics.median(total):.0f} ms, max {max(total):.0f} ms",
        ),
        (
            "  of which (medians)",
            f"first request sent +{sent:.0f} ms, last of {clicks[0][3]} responses back "
            f"+{back:.0f} ms, drawing after that {statistics.median(total) - back:.0f} ms",
        ),
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def browser_part(shots: Path | None, cities: list[tuple[str, str]]) -> list[tuple[str, str]]:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options

    port = free_port()
    # several workers must share one session secret (serve refuses to start without one)
    env = {
        "CARBONWALL_SECRET_KEY": secrets.token_hex(32),
        **os.environ,
        "CARBONWALL_LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "serve", "--workers", "2", "--port", str(port)],
        env=env,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}/"
    options = Options()
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--window-size=1920,1080",
    ):
        options.add_argument(arg)
    options.binary_location = os.environ.get("DASH_TEST_CHROMEPATH", "/usr/bin/chromium")
    driver = webdriver.Chrome(options=options)
    rows = []
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False},
        )
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": DRAWN_JS})
        driver.execute_cdp_cmd("Network.enable", {})
        driver.get(url)  # warm the server (first requests compile nothing, but fill caches)
        _wait(driver, "return window.cwDrawn")
        loads, sizes, cold = [], [], None
        for i in range(6):
            driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": i == 0})
            driver.get(url + ("?region=100000" if i % 2 else ""))
            drawn = _wait(driver, "return window.cwDrawn")
            size = driver.execute_script(
                "return performance.getEntriesByType('navigation')[0].transferSize + "
                "performance.getEntriesByType('resource').reduce((a, e) => a + e.transferSize, 0);"
            )
            if i == 0:
                cold = (drawn, size)
            else:
                loads.append(drawn)
                sizes.append(size)
        rows.append(
            (
                "navigation to every panel drawn, empty cache",
                f"{cold[0]:.0f} ms, {cold[1] / 1024 / 1024:.2f} MB transferred",
            )
        )
        rows.append(
            (
                f"navigation to every panel drawn, warm (n={len(loads)})",
                f"median {statistics.median(loads):.0f} ms, max {max(loads):.0f} ms, "
                f"{statistics.median(sizes) / 1024:.0f} KB transferred",
            )
        )
        if shots:
            shots.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(shots / "wall-national-1920x1080.png"))
        for settle in (0.0, 4.0):
            clicks = []
            for code in PROVINCES:
                driver.get(url)
                _wait(driver, "return window.cwDrawn")
                time.sleep(settle)  # a viewer looks before clicking; the idle prefetch runs
                clicks.append(driver.execute_async_script(CLICK_JS, code))
            rows.extend(
                click_rows(f"map click to every panel updated, {settle:.0f} s after drawn", clicks)
            )
        # a city seen by no worker yet: every panel built and its data read on the click
        clicks = []
        for province, city in cities:
            driver.get(f"{url}?region={province}")
            _wait(driver, "return window.cwDrawn")
            time.sleep(4.0)
            clicks.append(driver.execute_async_script(CLICK_JS, city))
        rows.extend(click_rows("map click into a city never shown before, 4 s after drawn", clicks))
        if shots:
            time.sleep(0.3)
            driver.save_screenshot(str(shots / "wall-national-drill-1920x1080.png"))
        outside = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)"
            ".filter(n => !n.startsWith(location.origin));"
        )
        rows.append(("requests outside the server", str(len(outside))))
    finally:
        driver.quit()
        server.terminate()
        server.wait(10)
    return rows


def first_cities(settings: Settings) -> list[tuple[str, str]]:
    """(province, its second city that has counties) for each clicked province."""
    app = create_app(settings)
    out = []
    with app.carbonwall_state.sessions() as s:
        for p in PROVINCES:
            parents = [c.code for c in queries.children(s, p) if queries.children(s, c.code)]
            out.append((p, parents[1]))
    return out


def _wait(driver, script, timeout=30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.05)
    logs = driver.get_log("browser")
    raise TimeoutError(f"{script}: {driver.current_url} {logs[-5:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--browser", action="store_true")
    parser.add_argument("--shots", type=Path, default=None)
    args = parser.parse_args()
    settings = Settings.from_env()
    settings = Settings(**{**settings.__dict__, "run_scheduler": False, "log_level": "WARNING"})
    rows = []
    from sqlalchemy import create_engine, text

    with create_engine(settings.database_url).connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM emission")).scalar()
        r = conn.execute(text("SELECT count(*) FROM region")).scalar()
    rows.append(("data", f"{n:,} emission rows, {r:,} regions ({settings.database_url})"))
    rows.extend(server_part(settings))
    if args.browser:
        rows.extend(browser_part(args.shots, first_cities(settings)))
    width = max(len(k) for k, _ in rows)
    print(f"{'measure':<{width}}  result")
    print(f"{'-' * width}  {'-' * 40}")
    for k, v in rows:
        print(f"{k:<{width}}  {v}")


if __name__ == "__main__":
    main()
