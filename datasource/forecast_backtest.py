"""The rolling-origin backtests: the table of the automatic selection (``SelectionReport``,
what ``carbonwall backtest`` prints and the analysis page shows: per metric, level, model and
horizon, sMAPE and calibrated coverage, which model was chosen) and the wider research
backtest of ``bench/backtest.py`` (``backtest_panel``: every origin at which a region has
enough history, raw and calibrated intervals, the per-series statsmodels ETS on a sample).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from datasource import forecast_select as select
from datasource.forecast_calibration import (
    CAL_WINDOW,
    OriginRun,
    calibration,
    interval_multipliers,
    rolling_runs,
)
from datasource.forecast_models import (
    BASELINES,
    CANDIDATES,
    METRICS,
    MIN_FIT,
    PARAMETRIC,
    Z80,
    Z95,
    Panel,
    windows,
)
from datasource.forecast_store import load_panel

MIN_HISTORY = 10


@dataclass(frozen=True)
class BacktestRow:
    metric: str
    model: str
    horizon: int
    n: int
    smape: float
    cover80: float
    cover95: float


@dataclass(frozen=True)
class BacktestReport:
    rows: list[BacktestRow]
    series: dict[str, int]  # metric -> regions evaluated
    origins: list[int]
    seconds: float
    chosen: dict[str, str] = field(default_factory=dict)  # metric -> h3-5 pick, raw sMAPE
    notes: list[str] = field(default_factory=list)

    COLUMNS = ("metric", "model", "horizon", "n", "smape", "cover80", "cover95")

    def table(self) -> list[dict]:
        return [{c: getattr(r, c) for c in self.COLUMNS} for r in self.rows]

    def get(self, metric: str, model: str, horizon: int) -> BacktestRow | None:
        return next(
            (r for r in self.rows if (r.metric, r.model, r.horizon) == (metric, model, horizon)),
            None,
        )

    def render(self) -> str:
        lines = [
            f"rolling-origin backtest: origins {self.origins[0] if self.origins else '-'}"
            f"..{self.origins[-1] if self.origins else '-'}, regions "
            + ", ".join(f"{m} {n}" for m, n in self.series.items())
            + f", {self.seconds:.1f} s",
            "sMAPE in %, coverage = share of actuals inside the 80 % / 95 % interval",
            f"{'metric':<10}{'model':<16}{'h':>2}{'n':>8}{'sMAPE':>8}{'cov80':>7}{'cov95':>7}",
        ]
        for r in self.rows:
            lines.append(
                f"{r.metric:<10}{r.model:<16}{r.horizon:>2}{r.n:>8}{r.smape:>8.2f}"
                f"{r.cover80 * 100:>6.1f}%{r.cover95 * 100:>6.1f}%"
            )
        lines.extend(self.notes)
        return "\n".join(lines)


def backtest_panel(
    panel: Panel,
    *,
    horizons: Sequence[int] = (1, 2, 3, 4, 5),
    min_history: int = MIN_HISTORY,
    models: Sequence[str] = (*CANDIDATES, "ets_local"),
    local_sample: int = 100,
    metrics: Sequence[str] = METRICS,
) -> BacktestReport:
    """Rolling-origin evaluation: every origin at which a region has at least ``min_history``
    consecutive years, every horizon with a known actual. Models are scored with their raw
    intervals and, for drift and the pooled ETS models, also calibrated (``<model>+cal``: the
    stored forecasts' intervals, multipliers from earlier origins only). ``ets_local`` runs
    on ``local_sample`` evenly spaced regions per metric (a statsmodels fit costs ~50 ms)."""
    t0 = time.perf_counter()
    hmax = max(horizons)
    rows: list[BacktestRow] = []
    series: dict[str, int] = {}
    all_origins: set[int] = set()
    for metric in metrics:
        y = np.log(panel.values[metric])
        last = y.shape[1] - 1
        origins = list(range(min_history - 1, last))
        eligible = np.zeros(y.shape[0], dtype=bool)
        for o in origins:
            eligible |= windows(y, o)[1] >= min_history
        series[metric] = int(eligible.sum())
        all_origins.update(int(panel.years[o]) for o in origins)
        results: dict[str, dict[int, OriginRun]] = {}
        for model in models:
            yy = y
            if model == "ets_local":
                idx = np.flatnonzero(eligible)
                if len(idx) > local_sample:
                    idx = idx[np.linspace(0, len(idx) - 1, local_sample).astype(int)]
                yy = np.full_like(y, np.nan)
                yy[idx] = y[idx]
            # every origin from the start (calibration needs them); ets_local only where scored
            first = min_history - 1 if model == "ets_local" else MIN_FIT - 1
            runs = rolling_runs(yy, model, list(range(first, last)), hmax)
            results[model] = runs
            if model == "ets_local":  # drift on the same sample, for a like-for-like look
                results["drift@local"] = rolling_runs(yy, "drift", list(range(first, last)), hmax)
            if model in ("drift", "drift_recent", "drift_damped", *PARAMETRIC):
                results[model + "+cal"] = {o: _calibrated(y, runs, o, hmax) for o in runs}
        for name, runs in results.items():
            for h in horizons:
                err, cov80, cov95 = [], [], []
                for o in origins:
                    if o + h > last or o not in runs:
                        continue
                    r = runs[o]
                    actual = y[:, o + h]
                    keep = r.ok & (windows(y, o)[1] >= min_history) & np.isfinite(actual)
                    a, p, se = np.exp(actual[keep]), r.point[keep, h - 1], r.se[keep, h - 1]
                    f = np.exp(p)
                    err.append(200 * np.abs(f - a) / (np.abs(f) + np.abs(a)))
                    z = np.abs(np.log(a) - p) / np.where(se > 0, se, np.inf)
                    z = np.where((se == 0) & (np.log(a) == p), 0.0, z)
                    if name.endswith("+cal"):
                        k80, k95 = r.params[0][h - 1], r.params[1][h - 1]  # type: ignore[index]
                    else:
                        k80, k95 = Z80, Z95
                    cov80.append(z <= k80)
                    cov95.append(z <= k95)
                e = np.concatenate(err) if err else np.array([])
                if not len(e):
                    continue
                rows.append(
                    BacktestRow(
                        metric,
                        name,
                        h,
                        len(e),
                        float(e.mean()),
                        float(np.concatenate(cov80).mean()),
                        float(np.concatenate(cov95).mean()),
                    )
                )
    chosen = {}
    band = [h for h in (3, 4, 5) if h in horizons] or list(horizons)
    for metric in metrics:
        means = {
            m: [r.smape if (r := _row(rows, metric, m, h)) else float("inf") for h in range(1, 6)]
            for m in models
            if m in CANDIDATES and all(_row(rows, metric, m, h) for h in band)
        }
        if all(b in means for b in BASELINES):
            chosen[metric] = "/".join(sorted(set(select.pick(means, band).values())))
    notes = [
        "<model>+cal: conformal interval multipliers from the latest "
        f"{CAL_WINDOW} earlier origins (the stored forecasts' intervals)",
        f"h{band[0]}-{band[-1]} pick by the selection rule on these sMAPEs: "
        + ", ".join(f"{m} {c}" for m, c in chosen.items()),
    ]
    if "ets_local" in models:
        notes.append(
            f"ets_local: statsmodels ETSModel per series on <= {local_sample} regions "
            "(drift@local: drift on the same regions)"
        )
    return BacktestReport(
        rows, series, sorted(all_origins), time.perf_counter() - t0, chosen, notes
    )


def _row(rows: Sequence[BacktestRow], metric: str, model: str, h: int) -> BacktestRow | None:
    return next((r for r in rows if (r.metric, r.model, r.horizon) == (metric, model, h)), None)


def _calibrated(y: np.ndarray, runs: dict[int, OriginRun], o: int, horizon: int) -> OriginRun:
    """The run from origin o with its conformal multipliers in ``params`` (k80s, k95s)."""
    cal = calibration(y, {k: v for k, v in runs.items() if k < o}, o, horizon)
    k80, k95 = interval_multipliers(cal, horizon)
    r = runs[o]
    return OriginRun(o, r.point, r.se, r.ok, (k80, k95, 0))  # type: ignore[arg-type]


def backtest_models(
    engine: Engine,
    *,
    horizons: Sequence[int] = (1, 2, 3, 4, 5),
    min_history: int = MIN_HISTORY,
    local_sample: int = 100,
) -> BacktestReport:
    """The research backtest over every region in the pool (``bench/backtest.py``)."""
    with Session(engine) as session:
        panel = load_panel(session)
    return backtest_panel(
        panel, horizons=horizons, min_history=min_history, local_sample=local_sample
    )


@dataclass(frozen=True)
class SelectionReport:
    """The automatic selection's backtest as of the latest origin: ``scores`` are the
    forecast_score rows (metric, level, model, horizon, smape, cover80, cover95, n_scores,
    chosen), ``choices`` the model per horizon per (metric, level)."""

    scores: list[dict]
    choices: dict[tuple[str, str], list[select.Choice]]
    origin: int | None
    seconds: float

    def render(self) -> str:
        lines = [
            f"model selection by rolling-origin backtest on this pool, as of {self.origin} "
            f"({self.seconds:.1f} s): mean sMAPE % per horizon, 80 % interval coverage; "
            "* = chosen; level * = every level pooled",
            f"{'metric':<10}{'level':<9}{'model':<14}"
            + "".join(f"{'h' + str(h):>8}" for h in range(1, 6))
            + "".join(f"{'c80 h' + str(h):>8}" for h in range(1, 6)),
        ]
        keys = sorted({(r["metric"], r["level"], r["model"]) for r in self.scores})
        by = {(r["metric"], r["level"], r["model"], r["horizon"]): r for r in self.scores}
        for metric, level, model in keys:
            cells, covers = [], []
            for h in range(1, 6):
                r = by.get((metric, level, model, h))
                cells.append(f"{r['smape']:.2f}{'*' if r['chosen'] else ' '}" if r else "-")
                covers.append(
                    f"{r['cover80'] * 100:.0f}%" if r and r["cover80"] is not None else "-"
                )
            lines.append(
                f"{metric:<10}{level:<9}{model:<14}"
                + "".join(f"{c:>8}" for c in cells)
                + "".join(f"{c:>8}" for c in covers)
            )
        lines.append("")
        lines.extend(
            describe(metric, level, plan) for (metric, level), plan in self.choices.items()
        )
        return "\n".join(lines)


def describe(metric: str, level: str, plan: Sequence[select.Choice]) -> str:
    """One line: the models chosen per horizon for a metric and level, and their record."""
    models = " ".join(f"h{c.horizon} {c.model}" for c in plan)
    h3 = next((c for c in plan if c.horizon == 3), None)
    if h3 is None or h3.reason == "short":
        return f"{metric} {level}: {models}; too few backtest scores: the naive forecast and band"
    beaten = [c.horizon for c in plan if c.reason == "backtest" and c.model == "naive"]
    cover = "-" if h3.cover80 is None else f"{h3.cover80 * 100:.0f} %"
    note = f"; naive unbeaten at h{','.join(map(str, beaten))}" if beaten else ""
    return (
        f"{metric} {level}: {models} (decided by level {h3.group}: {h3.series} series, "
        f"{h3.origins} origins); h3 sMAPE {h3.smape:.2f} % (naive {h3.naive:.2f}, drift "
        f"{h3.drift:.2f}), 80 % coverage {cover}{note}"
    )
