"""Where the wall's time goes: a Chromium performance trace of the first load and of a map drill.

    python bench/trace_wall.py [--peers ../shared/peers] [--home $TMP/cw-peers] [--url URL]
        [--size 1920x1080] [--drill 340000] [--trace-out trace.json]

Serves the product on the pool bench/wall_vs_peer.py fills (or traces --url), warms it with one
load, then opens a fresh headless Chromium (cold HTTP cache) with DevTools tracing on
(chromedriver's perfLoggingPrefs.traceCategories) and prints:
- per script: bytes on the wire and decoded, V8 compile and top-level evaluation on the main thread;
- per graph: each Plotly.newPlot/react call, from the call until its promise resolved (draw);
- each callback round-trip (/_dash-update-component): its outputs, start, server+network time,
  response size; /_dash-layout and /_dash-dependencies sizes;
- main-thread time by kind (script, style/layout, paint, GC, parse HTML) until ready, and for the
  drill (a real CDP click on the region, as measure.py does) until the cities are drawn.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

import peer_setup as ps  # noqa: E402
from wall_vs_peer import load_measure  # noqa: E402

CATEGORIES = (
    "devtools.timeline,disabled-by-default-devtools.timeline,v8,v8.execute,"
    "blink.user_timing,loading"
)

# Wrap window.Plotly as soon as any script defines it: time each draw per graph.
WRAP_JS = """
window.cwDraws = [];
(function () {
  let P;
  function wrap(p) {
    for (const name of ['newPlot', 'react']) {
      const f = p[name];
      if (!f || f.cwWrapped) continue;
      const g = function (gd) {
        const el = typeof gd === 'string' ? document.getElementById(gd) : gd;
        const id = (el && (el.id || (el.parentElement && el.parentElement.id))) || '?';
        const t0 = performance.now();
        const out = f.apply(this, arguments);
        const t1 = performance.now();
        const rec = {graph: id, fn: name, start: t0, sync: t1 - t0};
        window.cwDraws.push(rec);
        Promise.resolve(out).then(() => { rec.done = performance.now() - t0; });
        return out;
      };
      g.cwWrapped = true;
      p[name] = g;
    }
  }
  Object.defineProperty(window, 'Plotly', {
    configurable: true,
    get() { return P; },
    set(v) { P = v; if (v) wrap(v); },
  });
})();
"""


def make_driver(size: tuple[int, int]):  # type: ignore[no-untyped-def]
    import shutil

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--window-size=1920,1080",
    ):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    opts.add_experimental_option(
        "perfLoggingPrefs", {"traceCategories": CATEGORIES, "enableNetwork": True}
    )
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    d = webdriver.Chrome(service=service, options=opts)
    d.execute_cdp_cmd("Network.enable", {})
    w, h = size
    d.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": False},
    )
    d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WRAP_JS})
    return d


def drain(d) -> tuple[list[dict], list[dict]]:  # type: ignore[no-untyped-def]
    """(network messages, trace events) from the performance log so far."""
    net, trace = [], []
    for entry in d.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method", "").startswith("Network."):
            net.append(msg)
        elif msg.get("method") == "Tracing.dataCollected":
            trace.append(msg["params"])
    return net, trace


KIND = {
    "v8.compile": "script: parse and compile",
    "v8.compileModule": "script: parse and compile",
    "V8.ParseProgram": "script: parse and compile",
    "V8.ParseFunction": "script: parse and compile",
    "V8.PreParse": "script: parse and compile",
    "V8.CompileCode": "script: parse and compile",
    "V8.CompileIgnition": "script: parse and compile",
    "V8.CollectSourcePositions": "script: parse and compile",
    "EvaluateScript": "script: top-level run of the bundles",
    "v8.run": "script: top-level run of the bundles",
    "FunctionCall": "script: functions (React, plotly, callbacks)",
    "v8.callFunction": "script: functions (React, plotly, callbacks)",
    "TimerFire": "script: functions (React, plotly, callbacks)",
    "FireAnimationFrame": "script: functions (React, plotly, callbacks)",
    "EventDispatch": "script: functions (React, plotly, callbacks)",
    "RunMicrotasks": "script: functions (React, plotly, callbacks)",
    "MinorGC": "garbage collection",
    "MajorGC": "garbage collection",
    "UpdateLayoutTree": "style and layout",
    "Layout": "style and layout",
    "ParseAuthorStyleSheet": "style and layout",
    "Paint": "paint and composite",
    "PaintImage": "paint and composite",
    "Layerize": "paint and composite",
    "Commit": "paint and composite",
    "ParseHTML": "parse HTML",
    "RunTask": "other (tasks' own time)",
}


def kind_of(name: str) -> str | None:
    if name.startswith("V8.GC"):
        return "garbage collection"
    return KIND.get(name)


def main_thread(events: list[dict], base: str) -> tuple[int, int] | None:
    """(pid, tid) of the renderer main thread that loaded the wall (site isolation gives the
    first blank page a renderer of its own)."""
    for e in events:
        data = e.get("args", {}).get("data", {})
        if e.get("name") == "navigationStart" and str(data.get("documentLoaderURL", "")).startswith(
            base
        ):
            return e.get("pid"), e.get("tid")
    return None


def breakdown(events: list[dict], t0: float, t1: float, thread) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Main-thread time (ms) by kind between trace timestamps t0 and t1 (µs), outermost events
    only (a compile inside an evaluation counts as compile, the rest as evaluation)."""
    spans = []
    for e in events:
        if e.get("ph") != "X" or (e.get("pid"), e.get("tid")) != thread or "dur" not in e:
            continue
        kind = kind_of(e["name"])
        if kind is None or not (t0 <= e["ts"] < t1):
            continue
        spans.append((e["ts"], e["ts"] + e["dur"], kind))
    spans.sort()
    out: dict[str, float] = collections.defaultdict(float)
    # self time: each span minus its children
    stack: list[list] = []
    for start, end, kind in spans:
        while stack and stack[-1][1] <= start:
            s = stack.pop()
            out[s[2]] += s[3]
        if stack:
            stack[-1][3] -= end - start
        stack.append([start, end, kind, end - start])
    for s in stack:
        out[s[2]] += s[3]
    return {k: v / 1000 for k, v in sorted(out.items(), key=lambda kv: -kv[1])}


def per_script(events: list[dict], net: list[dict], tid) -> list[tuple]:  # type: ignore[no-untyped-def]
    size: dict[str, list[int]] = {}
    ids: dict[str, str] = {}
    for m in net:
        p = m["params"]
        if m["method"] == "Network.requestWillBeSent":
            ids[p["requestId"]] = p["request"]["url"]
        elif m["method"] == "Network.dataReceived" and p["requestId"] in ids:
            size.setdefault(ids[p["requestId"]], [0, 0])[1] += p.get("dataLength", 0)
        elif m["method"] == "Network.loadingFinished" and p["requestId"] in ids:
            size.setdefault(ids[p["requestId"]], [0, 0])[0] += int(p.get("encodedDataLength", 0))
    compile_ms: dict[str, float] = collections.defaultdict(float)
    eval_ms: dict[str, float] = collections.defaultdict(float)
    for e in events:
        if e.get("ph") != "X" or "dur" not in e:
            continue
        data = e.get("args", {}).get("data", {}) or e.get("args", {})
        url = data.get("url") or data.get("fileName") or ""
        if not url:
            continue
        if e["name"] in ("v8.compile", "v8.parseOnBackground", "v8.compileModule"):
            compile_ms[url] += e["dur"] / 1000
        elif e["name"] == "EvaluateScript" and (e.get("pid"), e.get("tid")) == tid:
            eval_ms[url] += e["dur"] / 1000
    rows = []
    for url, (wire, decoded) in size.items():
        path = urlparse(url).path
        if path.endswith(".js"):
            rows.append((path, wire, decoded, compile_ms.get(url, 0.0), eval_ms.get(url, 0.0)))
    rows.sort(key=lambda r: -r[2])
    return rows


def round_trips(net: list[dict], origin_ts: float) -> list[tuple]:
    """(outputs, start ms, duration ms, bytes) of each callback request, from the network log."""
    req: dict[str, dict] = {}
    for m in net:
        p = m["params"]
        if (
            m["method"] == "Network.requestWillBeSent"
            and "_dash-update-component" in p["request"]["url"]
        ):
            try:
                body = json.loads(p["request"].get("postData") or "{}")
            except ValueError:
                body = {}
            out = body.get("output", "?")
            req[p["requestId"]] = {"out": out[:70], "t0": p["timestamp"]}
        elif m["method"] == "Network.loadingFinished" and p["requestId"] in req:
            r = req[p["requestId"]]
            r["t1"] = p["timestamp"]
            r["bytes"] = int(p.get("encodedDataLength", 0))
    rows = []
    for r in req.values():
        if "t1" in r:
            rows.append(
                (r["out"], (r["t0"] - origin_ts) * 1000, (r["t1"] - r["t0"]) * 1000, r["bytes"])
            )
    rows.sort(key=lambda r: r[1])
    return rows


def sizes_of(net: list[dict], needle: str) -> tuple[int, int]:
    ids = {
        m["params"]["requestId"]
        for m in net
        if m["method"] == "Network.requestWillBeSent" and needle in m["params"]["request"]["url"]
    }
    wire = decoded = 0
    for m in net:
        p = m["params"]
        if p.get("requestId") in ids:
            if m["method"] == "Network.loadingFinished":
                wire += int(p.get("encodedDataLength", 0))
            elif m["method"] == "Network.dataReceived":
                decoded += p.get("dataLength", 0)
    return wire, decoded


def nav_start(net: list[dict]) -> float:
    for m in net:
        if m["method"] == "Network.requestWillBeSent" and m["params"].get("type") == "Document":
            return m["params"]["timestamp"]
    return 0.0


def trace_bounds(events: list[dict], mark: str) -> float | None:
    for e in events:
        if e.get("name") == mark:
            return e["ts"]
    return None


def report(label: str, events: list[dict], t_from: float, t_to: float, thread) -> None:  # type: ignore[no-untyped-def]
    print(f"\n## {label}")
    print(f"main thread, {(t_to - t_from) / 1000:,.0f} ms window (ms of self time):")
    for kind, ms in breakdown(events, t_from, t_to, thread).items():
        print(f"  {kind:<48} {ms:8.0f}")


def run(base: str, size: tuple[int, int], drill: str, measure, trace_out: Path | None) -> None:  # type: ignore[no-untyped-def]
    d = make_driver(size)
    try:
        d.get(base + "/")
        st = measure.wait_ready(d, lambda s: True, 60)
        ready_ms = st.get("now")
        d.execute_script("performance.mark('cw-ready')")
        draws_load = d.execute_script("return window.cwDraws.slice()")
        time.sleep(0.3)
        net, chunks = drain(d)
        events = list(chunks)  # chromedriver: one trace event per message
        # the drill: a real click, as measure.py does
        pt = d.execute_script(measure.POINT_JS, drill)
        d.execute_script("performance.mark('cw-click'); window.cwDraws = [];")
        x, y, t1 = pt
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            args = {"type": kind, "x": x, "y": y}
            if kind != "mouseMoved":
                args.update(button="left", clickCount=1)
            d.execute_cdp_cmd("Input.dispatchMouseEvent", args)
        st2 = measure.wait_ready(d, measure.children_shown(drill), 30)
        drill_ms = st2["now"] - t1 if not st2.get("timeout") else None
        d.execute_script("performance.mark('cw-drilled')")
        draws_drill = d.execute_script("return window.cwDraws.slice()")
        time.sleep(0.3)
        net2, chunks2 = drain(d)
        events += chunks2
    finally:
        d.quit()
    if trace_out:
        trace_out.write_text(json.dumps({"traceEvents": events}), encoding="utf-8")
    tid = main_thread(events, base)
    origin = nav_start(net)
    ts_nav = next(
        (
            e["ts"]
            for e in events
            if e.get("name") == "navigationStart" and (e.get("pid"), e.get("tid")) == tid
        ),
        None,
    )
    ts_ready = trace_bounds(events, "cw-ready")
    ts_click = trace_bounds(events, "cw-click")
    ts_drilled = trace_bounds(events, "cw-drilled")
    print(f"# trace of {base} at {size[0]}x{size[1]}")
    print(f"ready {ready_ms:,.0f} ms (measure.py's definition); drill {drill_ms or 0:,.0f} ms")
    print("\n## scripts (first load)")
    print(f"  {'path':<64} {'wire KB':>8} {'decoded KB':>10} {'compile ms':>10} {'eval ms':>8}")
    for path, wire, decoded, comp, ev in per_script(events, net, tid):
        print(
            f"  {path[-64:]:<64} {wire / 1024:8.0f} {decoded / 1024:10.0f} {comp:10.1f} {ev:8.1f}"
        )
    lw, ld = sizes_of(net, "/_dash-layout")
    dw, dd = sizes_of(net, "/_dash-dependencies")
    print(f"\n/_dash-layout {lw / 1024:.1f} KB on the wire, {ld / 1024:.1f} KB JSON")
    print(f"/_dash-dependencies {dw / 1024:.1f} KB on the wire, {dd / 1024:.1f} KB JSON")
    for label, rows in (
        ("first load", round_trips(net, origin)),
        ("drill", round_trips(net2, origin)),
    ):
        print(f"\n## callback round-trips, {label} (ms from navigation)")
        for out, start, dur, size_b in rows:
            print(f"  start {start:7.0f}  took {dur:6.0f}  {size_b / 1024:7.1f} KB  {out}")
    for label, draws in (("first load", draws_load), ("drill", draws_drill)):
        print(f"\n## plotly draws, {label} (ms)")
        for r in draws:
            done = r.get("done")
            print(
                f"  {r['graph']:<24} {r['fn']:<8} at {r['start']:7.0f}  sync {r['sync']:6.0f}  "
                f"until drawn {done if done is None else round(done)}"
            )
    if ts_nav and ts_ready:
        report("first load: navigation -> ready", events, ts_nav, ts_ready, tid)
    if ts_click and ts_drilled:
        report("drill: click -> cities drawn", events, ts_click, ts_drilled, tid)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peers", type=Path, default=ps.DEFAULT_PEERS)
    parser.add_argument("--home", type=Path, default=ps.DEFAULT_HOME)
    parser.add_argument("--geo-cache", type=Path, default=ps.ROOT / "instance" / "geo")
    parser.add_argument("--url", default=None, help="trace this running wall instead")
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--drill", default="340000")
    parser.add_argument("--trace-out", type=Path, default=None, help="Chrome trace JSON")
    args = parser.parse_args()
    measure = load_measure(args.peers.resolve())
    size = tuple(int(n) for n in args.size.split("x"))
    server = None
    base = args.url
    if base is None:
        data = ps.ensure_data(args.peers.resolve(), args.home)
        ps.ensure_pool(data, args.home, args.geo_cache.resolve())
        port = ps.free_port()
        server = ps.start_product(args.home, args.geo_cache.resolve(), port)
        base = f"http://127.0.0.1:{port}"
    try:
        ps.wait_http(base + "/")
        measure.one_run(base, "/", args.drill, None, "warm")  # warm the server's caches
        run(base.rstrip("/"), size, args.drill, measure, args.trace_out)  # type: ignore[arg-type]
    finally:
        if server:
            ps.stop(server)


if __name__ == "__main__":
    main()
