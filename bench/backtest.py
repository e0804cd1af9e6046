"""The forecast selection's backtest and its time, on a pool and on a real annual series.

Usage: python bench/backtest.py [DATABASE_URL] [--csv FILE ...] [--as-of YEAR ...] [--research]
(default pool: the embedded instance, filled by `carbonwall init-db && carbonwall demo`;
--csv: a year,value file such as bench/data/owid_china_co2.csv, run as one country's CO2).

Prints, for the pool: the selection backtest table (per metric, level and model, sMAPE and
80 % interval coverage at horizons 1-5, the chosen cells starred, then what was chosen per
level; the same table as `carbonwall backtest`), the time of the whole selection, one forced
``compute_all`` (the scheduler's background job: selection, fits, forecasts, write) with its
time, and the read time of one region's stored forecast and of an on-demand past origin.
For each --csv file the same selection table, and with --as-of the forecast made as of that
year (chosen and fitted on data up to it) against what happened. --research adds the wider backtest
(``forecast.backtest_models``: raw and calibrated intervals, statsmodels' per-series ETS on a
sample). See docs/forecasts.md.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from pathlib import Path

import numpy as np
from sqlalchemy.orm import Session

from datasource import forecast, queries
from datasource.engine import make_engine


def series_panel(path: Path) -> forecast.Panel:
    """A one-country panel from a year,value CSV ('#' lines are comments); values in million
    tonnes become tonnes; the other metrics are empty."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    rows = [(int(r[0]), float(r[1]) * 1e6) for r in list(csv.reader(lines))[1:] if r[1]]
    years = np.arange(rows[0][0], rows[-1][0] + 1)
    values = {m: np.full((1, len(years)), np.nan) for m in forecast.METRICS}
    for year, value in rows:
        values["co2"][0, year - years[0]] = value
    return forecast.Panel([path.stem], years, values, ["country"])


def as_of(panel: forecast.Panel, origin: int) -> None:
    """The forecast made as of ``origin`` (chosen and fitted on data up to it) for the next five
    years against what happened, beside naive's and drift's: one honest past-origin check."""
    o = int(origin - panel.years[0])
    cut = forecast.Panel(
        panel.codes, panel.years[: o + 1], {m: v[:, : o + 1] for m, v in panel.values.items()}
    )
    rows = forecast.forecast_metric(cut, "co2", -1, stored_origins=1).forecasts
    y = np.log(cut.values["co2"])
    actual = panel.values["co2"][0]
    years = [y_ for y_ in range(origin + 1, origin + 6) if y_ <= panel.years[-1]]
    print(f"as of {origin}: year, actual, chosen (model), naive, drift (Mt); sMAPE over the years")
    lines = {"chosen": [], "naive": [], "drift": []}
    base = {m: np.exp(forecast.predict(m, y, o, 5)[0][0]) for m in ("naive", "drift")}
    for r in (r for r in rows if r["year"] in years):
        j = r["year"] - origin - 1
        a = actual[r["year"] - int(panel.years[0])]
        got = {"chosen": r["point"], "naive": base["naive"][j], "drift": base["drift"][j]}
        for k, v in got.items():
            lines[k].append(200 * abs(v - a) / (v + a))
        print(
            f"  {r['year']} {a / 1e6:9.0f} {r['point'] / 1e6:9.0f} ({r['model']})"
            f" {got['naive'] / 1e6:9.0f} {got['drift'] / 1e6:9.0f}"
        )
    print("  sMAPE " + ", ".join(f"{k} {np.mean(v):.2f} %" for k, v in lines.items()))


def bench_pool(url: str, research: bool, local_sample: int) -> None:
    engine = make_engine(url)
    report = forecast.backtest(engine)
    print(report.render())
    print(f"\nwhole selection (read the pool, backtest every candidate): {report.seconds:.1f} s")
    if research:
        print()
        print(forecast.backtest_models(engine, local_sample=local_sample).render())
    print()
    print(forecast.compute_all(engine, force=True).render())
    with Session(engine) as session:
        latest = queries.latest_period(session)
        codes = [r.code for r in queries.regions(session, level="province")][:20]
    reads, past = [], []
    for code in codes:
        with Session(engine) as session:
            t0 = time.perf_counter()
            forecast.stored(session, region_code=code, metric="co2e")
            reads.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            forecast.forecast_for_origin(
                session, region_code=code, metric="co2e", origin=int(latest) - 5
            )
            past.append((time.perf_counter() - t0) * 1000)
    print(f"stored forecast read:        median {statistics.median(reads):6.1f} ms")
    print(f"on-demand origin {int(latest) - 5}:     median {statistics.median(past):6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?", default="sqlite:///instance/carbon.sqlite")
    parser.add_argument("--csv", type=Path, action="append", default=[])
    parser.add_argument("--no-pool", action="store_true", help="only the --csv series")
    parser.add_argument("--research", action="store_true")
    parser.add_argument("--as-of", type=int, action="append", default=[], help="--csv origin")
    parser.add_argument("--local-sample", type=int, default=100)
    args = parser.parse_args()
    if not args.no_pool:
        bench_pool(args.url, args.research, args.local_sample)
    for path in args.csv:
        panel = series_panel(path)
        report = forecast.selection_report(panel)
        print(f"\n{path.name}: {int(panel.years[0])}-{int(panel.years[-1])}, one series")
        print(report.render())
        for origin in args.as_of:
            as_of(panel, origin)


if __name__ == "__main__":
    main()
