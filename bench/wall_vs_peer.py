"""The wall against its Streamlit peer, on the same data, timed by the same probe in one run.

    python bench/wall_vs_peer.py [--peers ../shared/peers] [--home $TMP/cw-peers] [--runs 5]
        [--warmup 1] [--sizes 1920x1080,3840x2160] [--drill 340000] [--json out.json]

The peer (--peers, default ../shared/peers beside the checkout; its README says how it is set
up) is a Streamlit build of the same wall. This script, in order:
1. generates the peer's national data once (gen_data.py --scale national: 2,844,422 emission
   rows of 2,848 counties, 2005-2024) under --home (default: cw-peers in the temp folder);
2. loads the same rows into a product pool once (SQLite under --home/pool: emissions split under
   the 1,048,576-line file limit, indicators renamed gdp -> gdp_current, gdp_constant_2020 ->
   gdp_constant with base year 2020), then rollup and forecasts: ~3 min;
3. serves the product (`carbonwall serve --workers 2`, the checkout's geo cache) and the peer
   (its venv under --home/venv if present, else this interpreter with `pip install -e
   ".[bench]"`), and measures both with the peer's measure.py at each size: one browser at a
   time, the two walls' runs alternating, same browser settings;
4. prints medians of --runs fresh-browser runs (cold HTTP cache, warm server after --warmup runs).

Ready = every plotly graph drawn and the page idle; drill = a real click on Anhui to its cities
drawn; bytes = HTTP bodies + WebSocket payloads to first ready (see measure.py's docstring).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import peer_setup as ps  # noqa: E402

KEYS = ("ready_ms", "drill_ms", "url_drill_ms", "bytes_total", "http_bytes", "ws_bytes")


def load_measure(peers: Path):  # type: ignore[no-untyped-def]
    """The peer's measure.py as a module (one probe for both walls)."""
    spec = importlib.util.spec_from_file_location("peer_measure", peers / "measure.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.dont_write_bytecode = True
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def sized(measure, width: int, height: int):  # type: ignore[no-untyped-def]
    """measure.make_driver at another viewport (it emulates 1920x1080 itself)."""
    original = measure.make_driver

    def make_driver():  # type: ignore[no-untyped-def]
        driver = original()
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        return driver

    return original, make_driver


def summary(warm: list[dict], each: list[dict]) -> dict:
    import statistics

    for r in warm + each:
        r["bytes_total"] = (r.get("http_bytes") or 0) + (r.get("ws_bytes") or 0)
    med = {}
    for k in KEYS:
        vals = [r[k] for r in each if isinstance(r.get(k), (int, float))]
        med[k] = statistics.median(vals) if vals else None
    return {
        "median": med,
        "spread": {
            k: [min(r[k] for r in each if r.get(k)), max(r[k] for r in each if r.get(k))]
            for k in ("ready_ms", "drill_ms")
            if any(r.get(k) for r in each)
        },
        "drill_ok": sum(r.get("drill") == "ok" for r in each),
        "plots": each[0].get("plots") if each else None,
        "external": sorted({u for r in warm + each for u in r.get("external", [])}),
        "console_errors": sorted({e for r in warm + each for e in r.get("console_errors", [])})[:5],
        "overflow": any(r.get("overflow") for r in each),
        "warmup": warm,
        "each": each,
    }


def measure_walls(measure, bases: dict[str, str], sizes, runs: int, warmup: int, drill: str):  # type: ignore[no-untyped-def]
    """Every wall at every size; the walls' runs alternate (A B A B ...), one browser at a
    time, so a noisy machine's slow minute falls on both."""
    out: dict[str, dict] = {name: {} for name in bases}
    for width, height in sizes:
        original, make = sized(measure, width, height)
        measure.make_driver = make
        warm: dict[str, list] = {name: [] for name in bases}
        each: dict[str, list] = {name: [] for name in bases}
        try:
            for i in range(warmup):
                for name, base in bases.items():
                    warm[name].append(measure.one_run(base, "/", drill, None, f"w{i}"))
            for i in range(runs):
                for name, base in bases.items():
                    each[name].append(measure.one_run(base, "/", drill, None, f"r{i}"))
        finally:
            measure.make_driver = original
        for name in bases:
            out[name][f"{width}x{height}"] = summary(warm[name], each[name])
    return out


def fmt_ms(v) -> str:  # type: ignore[no-untyped-def]
    return "—" if v is None else f"{v:,.0f} ms"


def fmt_mb(v) -> str:  # type: ignore[no-untyped-def]
    return "—" if v is None else f"{v / 1e6:.2f} MB"


def ratio(peer, mine) -> str:  # type: ignore[no-untyped-def]
    return "—" if not peer or not mine else f"{peer / mine:.1f}×"


def table(product: dict, peer: dict) -> str:
    lines = [
        "| size | measure | carbonwall | Streamlit peer | ratio (peer / carbonwall) |",
        "|---|---|---:|---:|---:|",
    ]
    for size in product:
        a, b = product[size]["median"], peer[size]["median"]
        rows = [
            ("ready (every graph drawn, page idle)", "ready_ms", fmt_ms),
            ("map click → the province's cities drawn", "drill_ms", fmt_ms),
            ("URL drill (?region=340000, warm cache)", "url_drill_ms", fmt_ms),
            ("bytes to first ready (HTTP + WebSocket)", "bytes_total", fmt_mb),
        ]
        for label, key, fmt in rows:
            cells = f"{fmt(a[key])} | {fmt(b[key])} | {ratio(b[key], a[key])}"
            lines.append(f"| {size} | {label} | {cells} |")
    return "\n".join(lines)


def notes(name: str, result: dict) -> list[str]:
    out = []
    for size, r in result.items():
        spread = ", ".join(f"{k} {lo:,.0f}–{hi:,.0f}" for k, (lo, hi) in r["spread"].items())
        out.append(
            f"{name} {size}: {r['plots']} graphs, drills ok {r['drill_ok']}/{len(r['each'])}, "
            f"spread {spread}; external requests {len(r['external'])}, "
            f"console errors {len(r['console_errors'])}, scrolls {r['overflow']}"
        )
        for e in r["console_errors"]:
            out.append(f"    console: {e}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peers", type=Path, default=ps.DEFAULT_PEERS)
    parser.add_argument("--home", type=Path, default=ps.DEFAULT_HOME)
    parser.add_argument("--geo-cache", type=Path, default=ps.ROOT / "instance" / "geo")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--sizes", default="1920x1080,3840x2160")
    parser.add_argument("--drill", default="340000")
    parser.add_argument("--only", choices=("product", "peer"), default=None)
    parser.add_argument("--json", type=Path, default=None, help="write every run here too")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on the way out
    peers = args.peers.resolve()
    if not (peers / "measure.py").is_file():
        parser.error(f"no measure.py in {peers}: pass --peers DIR")
    sizes = [tuple(int(n) for n in s.split("x")) for s in args.sizes.split(",")]
    data = ps.ensure_data(peers, args.home)
    ps.ensure_pool(data, args.home, args.geo_cache.resolve())
    measure = load_measure(peers)
    servers, bases = [], {}
    try:
        for name in ("product", "peer"):
            if args.only and name != args.only:
                continue
            port = ps.free_port()
            if name == "product":
                servers.append(ps.start_product(args.home, args.geo_cache.resolve(), port))
            else:
                servers.append(ps.start_peer(peers, args.home, data, port))
            bases[name] = f"http://127.0.0.1:{port}"
        for base in bases.values():
            ps.wait_http(base + "/")
        results = measure_walls(measure, bases, sizes, args.runs, args.warmup, args.drill)
    finally:
        for server in servers:
            ps.stop(server)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"national data: {data} (medians of {args.runs} runs after {args.warmup} warm-up)")
    if "product" in results and "peer" in results:
        print(table(results["product"], results["peer"]))
    for name, result in results.items():
        for line in notes(name, result):
            print(line)
        if len(results) == 1:
            for size, r in result.items():
                print(size, json.dumps(r["median"]))


if __name__ == "__main__":
    main()
