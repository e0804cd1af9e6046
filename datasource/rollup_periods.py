"""The rollup over time: days -> months -> quarters -> years, what part of a period its figures
cover, and the 同比 / 环比 comparison bases. Pure pandas, called by ``datasource.rollup``.

The rules (docs/periods.md):
- A period's own records win: a reported month over the sum of its days, a reported quarter
  over its months, a reported year over its quarters (a reported annual inventory wins over the
  sum of the months of the same year).
- A month is built from the days present; it is complete when every calendar day is there.
  A quarter sums only complete months, a year sums its quarters: nothing missing is invented,
  a partial period says what it covers (``months``, ``days``, ``coverage``, ``complete``).
- A partial period is compared with the same months (or days) of the previous year, summed from
  that year's finer rows; without all of them there is no 同比. 环比 compares complete periods.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
import pandas as pd

from datasource import periods

LEAF_COLUMNS = ["region_code", "period", "sector_code", "gas", "sector_top", "value"]
VALUES = ["co2", "co2e_sar", "co2e_ar4", "co2e_ar5", "co2e_ar6", "lulucf_co2e_ar5"]


def grains(period: pd.Series) -> pd.Series:
    """Y / Q / M / D of each period text (vectorised ``periods.kind``)."""
    n = period.str.len()
    out = np.where(n == 4, "Y", np.where(n == 10, "D", "M"))
    out = np.where((n == 7) & (period.str[5] == "Q"), "Q", out)
    return pd.Series(out, index=period.index)


def _quarter(period: pd.Series) -> pd.Series:
    month = period.str[5:7].astype(int)
    return period.str[:4] + "-Q" + ((month - 1) // 3 + 1).astype(str)


def _sum_up(rows: pd.DataFrame, up: pd.Series, own_keys: set[tuple[str, str]]) -> pd.DataFrame:
    """Leaf rows summed into the coarser period ``up``, except where that period is reported."""
    keys = ["region_code", "period", "sector_code", "gas", "sector_top"]
    out = rows.assign(period=up.to_numpy()).groupby(keys, as_index=False)["value"].sum()
    reported = [(r, p) in own_keys for r, p in zip(out.region_code, out.period, strict=True)]
    return out[~np.array(reported, dtype=bool)][LEAF_COLUMNS]


def time_rollup(own: pd.DataFrame, own_keys: set[tuple[str, str]]) -> pd.DataFrame:
    """Derived leaf rows: months from days, quarters from complete months, years from quarters,
    for the region-periods in ``own`` (own records, grains D/M/Q) that have no own records."""
    if own.empty:
        return pd.DataFrame(columns=LEAF_COLUMNS)
    own = own[LEAF_COLUMNS]
    grain = grains(own.period)
    days = own[grain == "D"]
    month_rows = _sum_up(days, days.period.str[:7], own_keys)
    counts = days.groupby([days.region_code, days.period.str[:7]]).period.nunique()
    partial = {key for key, n in counts.items() if n < periods.days_in(key[1])}
    whole = [
        (r, p) not in partial
        for r, p in zip(month_rows.region_code, month_rows.period, strict=True)
    ]
    months = pd.concat([own[grain == "M"], month_rows[np.array(whole, dtype=bool)]])
    quarter_rows = _sum_up(months, _quarter(months.period), own_keys)
    quarters = pd.concat([own[grain == "Q"], quarter_rows])
    year_rows = _sum_up(quarters, quarters.period.str[:4], own_keys)
    return pd.concat([month_rows, quarter_rows, year_rows], ignore_index=True)


# --------------------------------------------------------------------------- coverage


def coverage(keys: pd.DataFrame, own_keys: set[tuple[str, str]]) -> pd.DataFrame:
    """Per region-period: grain, months, days, complete, coverage (the months of a partial
    year or quarter, the days of a partial month) and ``units`` (the covered months / days as a
    frozenset, for comparisons; None when complete)."""
    rows = list(zip(keys.region_code, keys.period, strict=True))
    by_grain: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in rows:
        by_grain[periods.kind(key[1])].append(key)
    day_sets: dict[tuple[str, str], set[int]] = defaultdict(set)
    for r, p in by_grain["D"]:
        day_sets[(r, p[:7])].add(int(p[8:]))
    out: dict[tuple[str, str], tuple] = {}
    month_sets: dict[tuple[str, str], set[int]] = defaultdict(set)  # (region, year) -> months
    present_months: set[tuple[str, str]] = set()
    for r, p in by_grain["D"]:
        out[(r, p)] = ("D", None, 1, True, None, None)
    for r, p in by_grain["M"]:
        n_days, found = periods.days_in(p), day_sets.get((r, p))
        present_months.add((r, p[:4]))
        if (r, p) in own_keys or not found or len(found) == n_days:
            out[(r, p)] = ("M", 1, n_days, True, None, None)
            month_sets[(r, p[:4])].add(int(p[5:7]))
        else:
            units = frozenset(found)
            out[(r, p)] = ("M", 0, len(found), False, periods.ranges(units), units)
    quarter_sets: dict[tuple[str, str], set[int]] = defaultdict(set)
    have_quarters: set[tuple[str, str]] = set()
    for r, p in by_grain["Q"]:
        span = set(periods.months(p))
        mine = span if (r, p) in own_keys else span & month_sets.get((r, p[:4]), set())
        if (r, p) not in own_keys and (r, p[:4]) not in present_months:
            mine = span  # summed from the children's reported quarters
        have_quarters.add((r, p[:4]))
        quarter_sets[(r, p[:4])] |= mine
        out[(r, p)] = _partial("Q", mine, span)
    for r, p in by_grain["Y"]:
        span = set(range(1, 13))
        if (r, p) in own_keys:
            mine = span
        elif (r, p) in have_quarters:
            mine = quarter_sets[(r, p)]
        elif (r, p) in present_months:
            mine = month_sets.get((r, p), set())
        else:
            mine = span
        out[(r, p)] = _partial("Y", mine, span)
    columns = ["grain", "months", "days", "complete", "coverage", "units"]
    frame = pd.DataFrame([out[k] for k in rows], columns=columns, index=keys.index)
    return pd.concat([keys[["region_code", "period"]], frame], axis=1)


def _partial(grain: str, mine: set[int], span: set[int]) -> tuple:
    if mine >= span:
        return (grain, len(span), None, True, None, None)
    units = frozenset(mine)
    return (grain, len(units), None, False, periods.ranges(units), units)


# --------------------------------------------------------------------------- GDP for partials


def gdp_for_coverage(frame: pd.DataFrame) -> pd.DataFrame:
    """Intensity needs GDP over the same span as the emissions. A complete year uses its annual
    GDP, else the sum of its four quarters'; a year-to-date uses the sum of the quarters'
    GDP when it covers whole quarters from Q1 (1—3月, 1—6月, 1—9月), else it has no GDP (no
    monthly GDP is invented); a partial quarter or month has none. ``gdp_grain`` says which."""
    frame = frame.copy()
    cols = ["gdp_current", "gdp_constant"]
    for col in [*cols, "gdp_base_year"]:
        if col not in frame:
            frame[col] = np.nan
    quarter_rows = frame[grains(frame.period) == "Q"]
    quarterly = {
        (r, p): (c, k, b)
        for r, p, c, k, b in zip(
            quarter_rows.region_code,
            quarter_rows.period,
            quarter_rows.gdp_current,
            quarter_rows.gdp_constant,
            quarter_rows.gdp_base_year,
            strict=True,
        )
    }
    complete = frame.complete.astype(bool)
    has_gdp = frame.gdp_current.notna() | frame.gdp_constant.notna()
    frame["gdp_grain"] = frame.grain.where(has_gdp, None)
    # rows whose GDP does not span their emissions: partial periods, years without annual GDP
    need = ~complete | ((frame.grain == "Y") & ~has_gdp)
    by_quarters = need & (frame.grain == "Y") & frame.region_code.isin({r for r, _ in quarterly})
    frame.loc[need & ~by_quarters, cols] = np.nan
    frame.loc[need & ~by_quarters, "gdp_grain"] = None
    for i in frame.index[by_quarters]:  # rare: only regions with quarterly GDP
        units = set(range(1, 13)) if complete[i] else (frame.at[i, "units"] or set())
        found = _quarters_gdp(quarterly, frame.at[i, "region_code"], frame.at[i, "period"], units)
        if found is None:
            frame.loc[i, cols] = np.nan
            frame.at[i, "gdp_grain"] = None
        else:
            frame.at[i, "gdp_current"], frame.at[i, "gdp_constant"] = found[0], found[1]
            frame.at[i, "gdp_base_year"] = found[2]
            frame.at[i, "gdp_grain"] = "Q"
    return frame


def _quarters_gdp(quarterly: dict, region: str, year: str, units: Iterable[int]) -> tuple | None:
    months = sorted(units)
    n = len(months)
    if n == 0 or n % 3 or months != list(range(1, n + 1)):
        return None
    got = [quarterly.get((region, f"{year}-Q{q}")) for q in range(1, n // 3 + 1)]
    if any(g is None for g in got):
        return None
    current = sum(g[0] for g in got) if all(pd.notna(g[0]) for g in got) else np.nan
    constant = sum(g[1] for g in got) if all(pd.notna(g[1]) for g in got) else np.nan
    if pd.isna(current) and pd.isna(constant):
        return None
    return current, constant, max((g[2] for g in got if pd.notna(g[2])), default=np.nan)


# --------------------------------------------------------------------------- comparisons


def comparisons(frame: pd.DataFrame) -> pd.DataFrame:
    """同比 (yoy) and 环比 (mom) bases per row, as JSON in ``comparisons``; ``prev_period``,
    ``co2e_change`` and ``intensity_change`` follow the 同比 base (None without one)."""
    frame = frame.copy()
    for col in [*VALUES, "intensity", "intensity_basis", "gdp_current", "gdp_constant"]:
        if col not in frame:
            frame[col] = np.nan
    look = {(r, p): i for i, (r, p) in enumerate(zip(frame.region_code, frame.period, strict=True))}
    recs = frame.to_dict("records")
    out, prev_period, co2e_change, intensity_change = [], [], [], []
    for rec in recs:
        yoy = _yoy(rec, recs, look)
        mom = _mom(rec, recs, look)
        out.append(json.dumps({"yoy": yoy, "mom": mom}, ensure_ascii=False))
        prev_period.append(yoy["period"] if yoy else None)
        co2e_change.append(_change(rec["co2e_ar5"], yoy["co2e_ar5"]) if yoy else None)
        intensity_change.append(_change(rec["intensity"], yoy["intensity"]) if yoy else None)
    frame["comparisons"] = out
    frame["prev_period"] = prev_period
    frame["co2e_change"] = co2e_change
    frame["intensity_change"] = intensity_change
    return frame


def _num(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _change(now: object, before: object) -> float | None:
    now, before = _num(now), _num(before)
    if now is None or before is None or before == 0:
        return None
    return now / before - 1


def _base(rec: dict, period: str, coverage: str | None) -> dict:
    base = {"period": period, "coverage": coverage, "label_zh": periods.label_zh(period, coverage)}
    base.update({v: _num(rec[v]) for v in VALUES})
    base["intensity"] = _num(rec["intensity"])
    base["intensity_basis"] = rec["intensity_basis"] if base["intensity"] is not None else None
    return base


def _yoy(rec: dict, recs: list[dict], look: dict) -> dict | None:
    region, period = rec["region_code"], rec["period"]
    prev = periods.previous(period)
    if rec["complete"]:
        i = look.get((region, prev))
        if i is None or not recs[i]["complete"]:
            return None
        base = _base(recs[i], prev, None)
        if base["intensity_basis"] != (rec["intensity_basis"] if _num(rec["intensity"]) else None):
            base["intensity"] = None
        return base
    parts = _same_units(region, prev, rec["grain"], rec["units"], recs, look)
    if parts is None:
        return None
    summed = {v: _sum(recs[i][v] for i in parts) for v in VALUES}
    base = {"period": prev, "coverage": rec["coverage"], "intensity_basis": None}
    base["label_zh"] = periods.label_zh(prev, rec["coverage"])
    base.update(summed)
    base["intensity"] = None
    if _num(rec["intensity"]) is not None and rec["gdp_grain"] == "Q":
        base["intensity"], base["intensity_basis"] = _quarters_intensity(
            region, prev, rec["units"], rec["intensity_basis"], summed["co2"], recs, look
        )
    return base


def _same_units(
    region: str, prev: str, grain: str, units: frozenset[int] | None, recs: list[dict], look: dict
) -> list[int] | None:
    """Row indexes of the previous year's rows covering exactly ``units`` (months of a year or
    quarter, days of a month): whole quarters where they fit, else months; None if any lacks."""
    if not units:
        return None
    found: list[int] = []
    if grain == "M":
        for d in sorted(units):
            i = look.get((region, f"{prev}-{d:02d}"))
            if i is None:
                return None
            found.append(i)
        return found
    year = prev[:4]
    left = set(units)
    for q in range(1, 5):
        span = {3 * q - 2, 3 * q - 1, 3 * q}
        i = look.get((region, f"{year}-Q{q}"))
        if span <= left and i is not None and recs[i]["complete"]:
            found.append(i)
            left -= span
    for m in sorted(left):
        i = look.get((region, f"{year}-{m:02d}"))
        if i is None or not recs[i]["complete"]:
            return None
        found.append(i)
    return found


def _sum(values: Iterable[object]) -> float | None:
    got = [_num(v) for v in values]
    return None if any(v is None for v in got) else float(sum(got))  # type: ignore[arg-type]


def _quarters_intensity(
    region: str,
    prev: str,
    units: frozenset[int],
    basis: str | None,
    co2: float | None,
    recs: list[dict],
    look: dict,
) -> tuple[float | None, str | None]:
    col = "gdp_constant" if basis == "constant" else "gdp_current"
    gdp = _sum(
        recs[look[(region, f"{prev}-Q{q}")]][col] if (region, f"{prev}-Q{q}") in look else None
        for q in range(1, len(units) // 3 + 1)
    )
    if co2 is None or not gdp:
        return None, None
    return co2 / (gdp * 1e4), basis


def _mom(rec: dict, recs: list[dict], look: dict) -> dict | None:
    if rec["grain"] == "Y" or not rec["complete"]:
        return None
    before = periods.prior(rec["period"])
    i = look.get((rec["region_code"], before))
    if i is None or not recs[i]["complete"]:
        return None
    base = _base(recs[i], before, None)
    if base["intensity_basis"] != (rec["intensity_basis"] if _num(rec["intensity"]) else None):
        base["intensity"] = None
    return base


# --------------------------------------------------------------------------- sources


def sources(found: pd.DataFrame, parent_of: dict[str, str | None]) -> dict[tuple[str, str], str]:
    """Datasets to credit per region-period: those of the own records (``found``: region_code,
    period, dataset), carried to the coarser periods and to every ancestor region."""
    credit: dict[tuple[str, str], set[str]] = defaultdict(set)
    seen: set[tuple[str, str, str]] = set()
    for r, p, ds in zip(found.region_code, found.period, found.dataset, strict=True):
        chain_p: list[str] = []
        q: str | None = p
        while q is not None:
            chain_p.append(q)
            q = periods.parent(q)
        region: str | None = r
        guard = 0
        while region is not None and guard < 16:
            for per in chain_p:
                if (region, per, ds) not in seen:
                    seen.add((region, per, ds))
                    credit[(region, per)].add(ds)
            region = parent_of.get(region)
            guard += 1
    return {k: ";".join(sorted(v)) for k, v in credit.items()}
