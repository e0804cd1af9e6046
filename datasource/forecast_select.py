"""The automatic choice of forecast model, per metric, level and origin, by a rolling-origin
backtest on the pool's own history (issue 18).

Every candidate model (``forecast_models.CANDIDATES``, naive and drift among them) forecasts
every series from every origin; each forecast whose actual is known is scored by sMAPE and by
whether the actual fell inside its calibrated 80 % / 95 % interval. The choice *as of* an
origin O uses only the forecasts whose actual year is <= O, so a past-origin forecast is
chosen, like it is fitted, on data up to its origin.

The rule: among the models whose mean sMAPE is at or below both naive's and drift's at every
horizon 1-5, the one with the lowest mean over h1-5, for every horizon (one model, one smooth
path). If no model is, the same per horizon band (h1-2, h3-5; longer horizons keep the h5
choice); if no model is within a band (naive wins one horizon, drift another), the best model
at each horizon on its own. Either way the chosen model is never worse than
naive or drift in that backtest. A level with fewer than MIN_SCORES scores at some horizon
borrows the choice of the whole metric (every level pooled); where even that is too short the
horizon gets the naive forecast and band, flagged ``short``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from datasource.forecast_models import BASELINES, CANDIDATES, MIN_FIT, windows

SELECT_HORIZON = 5
BANDS = ((1, 2), (3, 4, 5))
MIN_SCORES = 30  # scores per horizon a group needs before its backtest decides
ALL = "*"  # the group of every series of a metric


@dataclass(frozen=True)
class Choice:
    """The model for one horizon, and its track record in the backtest that chose it."""

    horizon: int
    model: str
    fallback: str  # the better baseline over the band, for series too short for ``model``
    group: str  # the level whose backtest decided, or ALL
    reason: str  # "backtest", or "short" (too few scores: the naive forecast)
    smape: float | None = None  # mean sMAPE (%) of ``model`` at this horizon
    naive: float | None = None  # the baselines' mean sMAPE at this horizon
    drift: float | None = None
    # share of actuals inside ``model``'s intervals: over the forecasts whose intervals were
    # calibrated, or over all (normal multipliers) where none was (too few earlier scores)
    cover80: float | None = None
    cover95: float | None = None
    scores: int = 0
    series: int = 0
    origins: int = 0


@dataclass
class Scores:
    """Backtest sums of one metric. Axes: group (levels, then ALL), model (``models``),
    origin column, horizon - 1."""

    groups: list[str]
    models: tuple[str, ...]
    smape: np.ndarray  # (G, M, T, H) sums of sMAPE
    cover80: np.ndarray  # (G, M, T, H) counts of actuals inside the 80 % interval
    cover95: np.ndarray
    cal80: np.ndarray  # (G, M, T, H) the same counts over calibrated intervals only
    cal95: np.ndarray
    calibrated: np.ndarray  # (G, M, T, H) scores whose intervals were calibrated
    n: np.ndarray  # (G, T, H) scores
    group_of_row: np.ndarray  # each series' group index (ALL's for a series without level)
    first: np.ndarray  # each series' first scored origin column (T when never)

    def window(self, o: int) -> dict[str, np.ndarray]:
        """Sums over the forecasts whose actual year is column o or before: the data a choice
        as of origin o may use."""
        t, h = self.n.shape[1], self.n.shape[2]
        known = (np.arange(t)[:, None] + np.arange(1, h + 1)[None, :]) <= o  # (T, H)
        return {
            "smape": (self.smape * known).sum(axis=2),
            "cover80": (self.cover80 * known).sum(axis=2),
            "cover95": (self.cover95 * known).sum(axis=2),
            "cal80": (self.cal80 * known).sum(axis=2),
            "cal95": (self.cal95 * known).sum(axis=2),
            "calibrated": (self.calibrated * known).sum(axis=2),
            "n": (self.n * known).sum(axis=1),
            "origins": ((self.n > 0) & known).sum(axis=1),
        }

    def series(self, o: int) -> np.ndarray:
        """Per group: how many series have a scored one-year-ahead forecast by column o."""
        seen = self.first + 1 <= o
        counts = np.bincount(self.group_of_row[seen], minlength=len(self.groups))
        counts[-1] = int(seen.sum())
        return counts


def group_index(levels: Sequence[str | None] | None, rows: int) -> tuple[list[str], np.ndarray]:
    """The groups (the levels present, sorted, then ALL) and each row's group index."""
    if levels is None:
        return [ALL], np.zeros(rows, dtype=int)
    names = sorted({lv for lv in levels if lv})
    groups = [*names, ALL]
    index = {name: i for i, name in enumerate(names)}
    return groups, np.array([index.get(lv, len(names)) for lv in levels], dtype=int)


def score(
    y: np.ndarray,
    runs: Mapping[str, Mapping[int, tuple[np.ndarray, np.ndarray, np.ndarray]]],
    multipliers: Mapping[str, Mapping[int, tuple[np.ndarray, np.ndarray, np.ndarray]]],
    levels: Sequence[str | None] | None = None,
    models: Sequence[str] = CANDIDATES,
) -> Scores:
    """Score every model's forecasts (``runs[model][o]`` = (point, se, ok), log scale, horizons
    1..SELECT_HORIZON) against the actuals, with the calibrated multipliers
    ``multipliers[model][o]`` = (k80s, k95s, calibrated?s): coverage is kept over all
    forecasts and over those whose intervals were calibrated (the others had normal
    multipliers). A series counts at an origin when it has at least MIN_FIT consecutive years
    ending there and every model could forecast it, so the models are compared on the same
    forecasts."""
    rows, t = y.shape
    hmax = SELECT_HORIZON
    groups, gidx = group_index(levels, rows)
    g, m = len(groups), len(models)
    out = Scores(
        groups,
        tuple(models),
        np.zeros((g, m, t, hmax)),
        np.zeros((g, m, t, hmax)),
        np.zeros((g, m, t, hmax)),
        np.zeros((g, m, t, hmax)),
        np.zeros((g, m, t, hmax)),
        np.zeros((g, m, t, hmax)),
        np.zeros((g, t, hmax), dtype=int),
        gidx,
        np.full(rows, t),
    )
    origins = sorted(set.intersection(*(set(runs[name]) for name in models)))
    for o in origins:
        long_enough = windows(y, o)[1] >= MIN_FIT
        for h in range(1, hmax + 1):
            if o + h >= t:
                break
            actual = y[:, o + h]
            mask = long_enough & np.isfinite(actual)
            for name in models:
                point, se, ok = runs[name][o]
                mask &= ok & np.isfinite(point[:, h - 1]) & np.isfinite(se[:, h - 1])
            if not mask.any():
                continue
            if h == 1:
                out.first[mask & (out.first == t)] = o
            sel = gidx[mask]
            out.n[:, o, h - 1] = _by_group(sel, np.ones(len(sel)), g)
            a = actual[mask]
            for j, name in enumerate(models):
                point, se, _ = runs[name][o]
                p, s = point[mask, h - 1], se[mask, h - 1]
                f, x = np.exp(p), np.exp(a)
                err = 200 * np.abs(f - x) / (f + x)
                z = np.abs(a - p) / np.where(s > 0, s, np.inf)
                z = np.where((s == 0) & (a == p), 0.0, z)
                k80, k95, calibrated = multipliers[name][o]
                out.smape[:, j, o, h - 1] = _by_group(sel, err, g)
                out.cover80[:, j, o, h - 1] = _by_group(sel, z <= k80[h - 1], g)
                out.cover95[:, j, o, h - 1] = _by_group(sel, z <= k95[h - 1], g)
                if calibrated[h - 1]:
                    out.cal80[:, j, o, h - 1] = out.cover80[:, j, o, h - 1]
                    out.cal95[:, j, o, h - 1] = out.cover95[:, j, o, h - 1]
                    out.calibrated[:, j, o, h - 1] = out.n[:, o, h - 1]
    return out


def _coverage(w: dict[str, np.ndarray], gi: int, j: int, h: int, level: str) -> float:
    """The share of actuals inside the intervals as the wall showed them: over the calibrated
    ones where there are any, else over all (normal multipliers)."""
    calibrated = w["calibrated"][gi, j, h - 1]
    if calibrated:
        return float(w["cal" + level][gi, j, h - 1] / calibrated)
    return float(w["cover" + level][gi, j, h - 1] / w["n"][gi, h - 1])


def _by_group(sel: np.ndarray, values: np.ndarray, groups: int) -> np.ndarray:
    """Sums per group of ``values`` (the last group, ALL, gets the total)."""
    sums = np.bincount(sel, weights=values.astype(float), minlength=groups)
    sums[-1] = float(values.sum())
    return sums


def pick(means: Mapping[str, Sequence[float]], horizons: Sequence[int]) -> dict[int, str]:
    """The band rule on mean sMAPEs (``means[model][h - 1]``): the model at or below both
    baselines at every horizon with the lowest mean over the band, else the best model at each
    horizon. Ties go to the earlier (simpler) model in ``means``' order."""
    names = list(means)
    base = {h: min(means[b][h - 1] for b in BASELINES) for h in horizons}
    safe = [n for n in names if all(means[n][h - 1] <= base[h] for h in horizons)]
    if safe:
        best = min(safe, key=lambda n: float(np.mean([means[n][h - 1] for h in horizons])))
        return {h: best for h in horizons}
    return {h: min(names, key=lambda n: means[n][h - 1]) for h in horizons}


def choose(scores: Scores, o: int, level: str | None) -> list[Choice]:
    """The choice for horizons 1..SELECT_HORIZON as of origin column o for a series of
    ``level`` (None: the metric's choice over every level)."""
    w = scores.window(o)
    series = scores.series(o)
    hs = range(1, SELECT_HORIZON + 1)
    gi = scores.groups.index(level) if level in scores.groups else len(scores.groups) - 1
    if (w["n"][gi] < MIN_SCORES).any():
        gi = len(scores.groups) - 1  # too few scores at this level: every level's backtest
    n = w["n"][gi]
    means = {
        name: [w["smape"][gi, j, h - 1] / n[h - 1] if n[h - 1] else np.inf for h in hs]
        for j, name in enumerate(scores.models)
    }
    picked: dict[int, str] = {}
    every = [h for h in hs if n[h - 1] >= MIN_SCORES]
    single = pick(means, every) if len(every) == len(hs) else {}
    if len(set(single.values())) == 1:
        picked = single  # one model at every horizon: one smooth path on the wall
    else:
        for band in BANDS:
            usable = [h for h in band if n[h - 1] >= MIN_SCORES]
            if usable:
                picked |= pick(means, usable)
    out = []
    for h in hs:
        if h not in picked:
            group = scores.groups[gi]
            out.append(Choice(h, "naive", "naive", group, "short", scores=int(n[h - 1])))
            continue
        model = picked[h]
        j = scores.models.index(model)
        band = next(b for b in BANDS if h in b)
        usable = [k for k in band if n[k - 1] >= MIN_SCORES]
        # one baseline over the band, so a short series' path does not jump between them
        fallback = min(BASELINES, key=lambda b: float(np.mean([means[b][k - 1] for k in usable])))
        out.append(
            Choice(
                h,
                model,
                fallback,
                scores.groups[gi],
                "backtest",
                smape=float(means[model][h - 1]),
                naive=float(means["naive"][h - 1]),
                drift=float(means["drift"][h - 1]),
                cover80=_coverage(w, gi, j, h, "80"),
                cover95=_coverage(w, gi, j, h, "95"),
                scores=int(n[h - 1]),
                series=int(series[gi]),
                origins=int(w["origins"][gi, h - 1]),
            )
        )
    return out


def short_choices(group: str = ALL) -> list[Choice]:
    """The choice where no backtest could be run: the naive forecast at every horizon."""
    return [Choice(h, "naive", "naive", group, "short") for h in range(1, SELECT_HORIZON + 1)]


def table(scores: Scores, o: int) -> list[dict]:
    """The backtest as of origin column o, per group, model and horizon: mean sMAPE, coverage
    and scores, with whether the model is the one chosen there."""
    w = scores.window(o)
    out = []
    for gi, group in enumerate(scores.groups):
        chosen = {c.horizon: c.model for c in choose(scores, o, group) if c.group == group}
        for j, name in enumerate(scores.models):
            for h in range(1, SELECT_HORIZON + 1):
                n = int(w["n"][gi, h - 1])
                if not n:
                    continue
                out.append(
                    dict(
                        level=group,
                        model=name,
                        horizon=h,
                        smape=float(w["smape"][gi, j, h - 1] / n),
                        cover80=_coverage(w, gi, j, h, "80"),
                        cover95=_coverage(w, gi, j, h, "95"),
                        n_scores=n,
                        chosen=chosen.get(h) == name,
                    )
                )
    return out
