"""Demo industrial parks (about 300 over the country), their energy emissions 2015-2024, and
the plan targets of the provinces and the country. Pure: frames in, frames out."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from datasource import demo_profiles as P
from datasource.demo_frames import (
    COUNTRY,
    EMISSION_COLUMNS,
    PARK_COLUMNS,
    PLAN_13TH,
    PLAN_14TH,
    PLAN_NDC,
    TARGET_COLUMNS,
    leaf_gas_pairs,
    provinces_table,
)

PointFn = Callable[[str], "tuple[float, float] | None"]
_PARKS = 2  # the parks' random stream of a province (emissions use 1)
_SUFFIXES = ("自治县", "自治旗", "自治州", "林区", "新区", "地区", "区", "县", "市", "旗", "盟")


def park_counts(total: int = P.PARK_TOTAL) -> dict[str, int]:
    """Parks per province, in proportion to GDP^0.8 (at least 2), summing to ``total``."""
    provs = provinces_table()
    weight = provs["gdp"] ** 0.8
    raw = weight / weight.sum() * (total - 2 * len(provs))
    counts = np.floor(raw).astype(int) + 2
    rest = total - counts.sum()
    order = np.argsort(-(raw - np.floor(raw)).to_numpy(), kind="stable")[:rest]
    counts.iloc[order] += 1
    return {code: int(n) for code, n in counts.items()}


def place_stem(name: str) -> str:
    """合肥市 -> 合肥, 白沙黎族自治县 -> 白沙, 沙县 -> 沙县 (a stem needs two characters)."""
    stem = name
    for suffix in _SUFFIXES:
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    changed = True
    while changed and stem.endswith("族"):
        changed = False
        for group in P.ETHNIC_GROUPS:
            if stem.endswith(group + "族") and len(stem) > len(group) + 1:
                stem, changed = stem[: -len(group) - 1], True
                break
    return stem if len(stem) >= 2 else name


def _pinyin(stem: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(stem)).capitalize()


def _park_name(rng, leaf, industry: str, national: bool, taken: set[str]) -> tuple[str, str]:
    county_stem, city_stem = place_stem(leaf.name_zh), place_stem(leaf.city_zh)
    if national:
        suffixes = [P.PARK_NATIONAL_NAMES[industry in P.PARK_NATIONAL_HIGH_TECH]]
        stems = [city_stem, county_stem] if leaf.urban else [county_stem]
    else:
        options = P.PARK_PROVINCIAL_NAMES[industry]
        first = int(rng.integers(len(options)))
        suffixes = [options[first], options[1 - first]]
        stems = [county_stem]
    for stem in stems:
        for zh, en in suffixes:
            if stem + zh not in taken:
                return stem + zh, f"{_pinyin(stem)} {en}"
    zh, en = suffixes[0]
    n = 2
    while f"{stems[-1]}{zh}{n}区" in taken:
        n += 1
    return f"{stems[-1]}{zh}{n}区", f"{_pinyin(stems[-1])} {en} {n}"


def province_parks(
    leaves: pd.DataFrame,
    province: str,
    county_energy_co2_2021: pd.Series,
    *,
    seed: int,
    park_point: PointFn | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(parks frame, park emissions frame) of one province.

    The park catalogue (counties, industries, levels, names) is the same for every seed, like
    a real catalogue, so a demo with another seed replaces the parks' values instead of adding
    parks; their emissions follow the seed.
    """
    rng = np.random.default_rng([int(province), _PARKS])
    leaves = leaves.reset_index(drop=True)
    n_parks = min(park_counts()[province], len(leaves))
    weight = np.where(leaves["urban"].to_numpy(), 2.0, 1.0)
    chosen = np.sort(rng.choice(len(leaves), n_parks, replace=False, p=weight / weight.sum()))
    industries = list(P.PARK_INDUSTRIES)
    prob = np.asarray([P.PARK_INDUSTRIES[i][0] for i in industries])
    picks = rng.choice(len(industries), n_parks, p=prob / prob.sum())
    national = rng.random(n_parks) < P.PARK_NATIONAL_SHARE
    rows, taken = [], set()
    for j, i in enumerate(chosen):
        leaf = leaves.iloc[i]
        industry = industries[picks[j]]
        name_zh, name_en = _park_name(rng, leaf, industry, bool(national[j]), taken)
        taken.add(name_zh)
        point = park_point(leaf.code) if park_point is not None else None
        lon, lat = point if point is not None else (None, None)
        level = "national" if national[j] else "provincial"
        rows.append((f"P{leaf.code}001", name_zh, name_en, leaf.code, lon, lat, industry, level))
    parks = pd.DataFrame(rows, columns=list(PARK_COLUMNS))
    sizes = county_energy_co2_2021.reindex(parks["county_code"]).to_numpy()
    values_rng = np.random.default_rng([seed, int(province), _PARKS])
    return parks, _park_emissions(values_rng, parks, sizes)


def _park_emissions(rng, parks: pd.DataFrame, county_co2: np.ndarray) -> pd.DataFrame:
    """Energy-sector leaves and gases of each park, 2015-2024, a modest part of its county."""
    pairs = leaf_gas_pairs()
    pairs = pairs[pairs["sector"].str.split(".").str[0] == "1"].reset_index(drop=True)
    m, n_year, n_pair = len(parks), len(P.PARK_YEARS), len(pairs)
    if m == 0:
        return pd.DataFrame(columns=list(EMISSION_COLUMNS))
    emphasis = np.ones((m, n_pair))
    minor = pairs["sector"].isin(P.PARK_MINOR_LEAVES).to_numpy()
    emphasis[:, minor] = 0.05
    size_factor = np.empty(m)
    for j, industry in enumerate(parks["industry"]):
        _, size_factor[j], boosts = P.PARK_INDUSTRIES[industry]
        for sector, boost in boosts.items():
            emphasis[j, (pairs["sector"] == sector).to_numpy()] = boost
    national = pairs["national"].to_numpy()
    profile = emphasis * national[None, :]
    co2 = (pairs["gas"] == "CO2").to_numpy()
    profile /= profile[:, co2].sum(axis=1, keepdims=True)  # CO2 of the profile sums to 1
    share = np.minimum(size_factor * rng.uniform(0.05, 0.2, m), 0.6)
    level_2021 = (county_co2 * share)[:, None] * profile  # t, (park, pair)
    years = np.asarray(P.PARK_YEARS)
    growth = rng.normal(0.04, 0.03, m)
    steps = rng.normal(0.0, 0.04, (m, n_year))
    walk = np.cumsum(steps, axis=1)
    walk -= walk[:, [P.PARK_YEARS.index(P.REF_YEAR)]]
    path = np.exp(growth[:, None] * (years - P.REF_YEAR) + walk)
    noise = rng.lognormal(0.0, 0.03, (m, n_year, n_pair))
    values = np.round(level_2021[:, None, :] * path[:, :, None] * noise, 3)
    period_text = np.asarray([str(y) for y in years], dtype=object)
    return pd.DataFrame(
        {
            "region_code": np.repeat(parks["code"].to_numpy(dtype=object), n_year * n_pair),
            "period": np.tile(np.repeat(period_text, n_pair), m),
            "sector_code": np.tile(pairs["sector"].to_numpy(dtype=object), m * n_year),
            "gas": np.tile(pairs["gas"].to_numpy(dtype=object), m * n_year),
            "value": values.ravel(),
            "unit": np.tile(pairs["unit"].to_numpy(dtype=object), m * n_year),
        }
    )


def targets_frame(provinces: list[str], *, country: bool) -> pd.DataFrame:
    """CO2-intensity targets: 13th FYP (2015->2020, -18 %) and 14th FYP (2020->2025, mostly
    -18 %, some -19.5 % or -17 %) per province; the country's 14th FYP and 2030 NDC (-65 % vs
    2005)."""
    rows = []
    for code in provinces:
        change_14 = (
            -0.195
            if code in P.TARGET_14TH_STRICT
            else -0.17
            if code in P.TARGET_14TH_LOOSE
            else -0.18
        )
        rows.append((code, PLAN_13TH, "co2_intensity", "2015", "2020", -0.18))
        rows.append((code, PLAN_14TH, "co2_intensity", "2020", "2025", change_14))
    if country:
        rows.append((COUNTRY, PLAN_13TH, "co2_intensity", "2015", "2020", -0.18))
        rows.append((COUNTRY, PLAN_14TH, "co2_intensity", "2020", "2025", -0.18))
        rows.append((COUNTRY, PLAN_NDC, "co2_intensity", "2005", "2030", -0.65))
    return pd.DataFrame(rows, columns=list(TARGET_COLUMNS))


def latest_year_risers(seed: int) -> frozenset[str]:
    """The provinces whose emissions jump in the newest year (so the map shows red)."""
    rng = np.random.default_rng([seed, 0, 3])
    picks = rng.choice(len(P.LATEST_YEAR_RISE_CANDIDATES), P.LATEST_YEAR_RISERS, replace=False)
    return frozenset(P.LATEST_YEAR_RISE_CANDIDATES[i] for i in picks)
