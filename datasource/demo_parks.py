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


# zero-carbon yardstick (issue 21): each province's parks, in code order, cycle through these
# profiles, so every status shows on the map even in a one-province demo of ten parks
_ZC_PROFILES = (
    "met_small",
    "not_met_small",
    "not_met_large",
    "below",
    "not_met_small",
    "incomplete_co2",
    "met_large",
    "not_met_small",
    "incomplete_guiding",
    "not_met_small",
)
_ZC_STREAM = 21
ZC_PERIODS = ("2025", "2026")


def _zc_profile_values(rng, profile: str) -> tuple[float, float, dict[str, float]]:
    """(energy 2026 in 万吨标准煤, core 2026 in t CO2/tce, guiding 2026) of one profile. Pilot
    parks that meet the core indicator run on mostly clean power; the rest are ordinary
    industrial parks (the national average is about 2.1 t CO2/tce)."""
    large = profile.endswith("large")
    energy = (
        rng.uniform(5, 18)
        if profile == "below"
        else rng.uniform(105, 380)
        if large
        else rng.uniform(22, 95)
    )
    if profile.startswith("met") or profile == "incomplete_guiding":
        core = rng.uniform(0.20, 0.29) if large else rng.uniform(0.11, 0.19)
        clean, grade = rng.uniform(86, 97), 1.0
    else:
        core = rng.uniform(0.55, 1.9)
        clean, grade = rng.uniform(18, 65), float(rng.choice([2, 3]))
    guiding = {
        "clean_energy_share": clean,
        "product_energy_grade": grade,
        "solid_waste_utilisation": rng.uniform(62, 97),
        "waste_heat_utilisation": rng.uniform(25, 72),
        "water_reuse": rng.uniform(72, 96),
    }
    return energy, core, guiding


def zero_carbon_frame(parks: pd.DataFrame, *, seed: int) -> pd.DataFrame:
    """A park_indicators file for the parks, 2025 (the base year) and 2026: energy in 万吨标准煤,
    energy CO2 in 万吨, the shares in %, the product energy grade as 1-3. 2025 is a little worse
    than 2026 (the core indicator 5-25 % higher, shares a few points lower)."""
    rows = []
    parks = parks.sort_values("code")
    for province, group in parks.groupby(parks["county_code"].str[:2], sort=True):
        rng = np.random.default_rng([seed, int(province), _ZC_STREAM])
        for i, code in enumerate(group["code"]):
            profile = _ZC_PROFILES[i % len(_ZC_PROFILES)]
            energy, core, guiding = _zc_profile_values(rng, profile)
            worse = rng.uniform(1.05, 1.25)
            years = {
                "2025": (energy / rng.uniform(1.01, 1.06), core * worse, -rng.uniform(1, 6)),
                "2026": (energy, core, 0.0),
            }
            for period, (e, c, shift) in years.items():
                rows.append((code, period, "energy_consumption", round(e, 2), "万吨标准煤"))
                if not (profile == "incomplete_co2" and period == "2026"):
                    rows.append((code, period, "energy_co2", round(e * c, 3), "万吨"))
                for ind, v in guiding.items():
                    if profile == "incomplete_guiding" and ind == "waste_heat_utilisation":
                        continue
                    if ind == "product_energy_grade":
                        value, unit = (min(v + 1, 3.0) if period == "2025" else v), "级"
                    else:
                        value, unit = round(min(max(v + shift, 0.0), 100.0), 1), "%"
                    rows.append((code, period, ind, value, unit))
    return pd.DataFrame(rows, columns=["park_code", "period", "indicator", "value", "unit"])
