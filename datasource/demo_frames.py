"""Pure demo-data builders: region table in, import-format DataFrames out (no database).

Every random draw of a province comes from ``numpy.random.default_rng([seed, province, stream])``,
so a province's data is the same whether it is generated alone or with the whole country.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from datasource import demo_profiles as P
from datasource import reference

EMISSION_COLUMNS = ("region_code", "period", "sector_code", "gas", "value", "unit")
INDICATOR_COLUMNS = ("region_code", "period", "indicator", "value", "unit", "base_year")
PARK_COLUMNS = ("code", "name_zh", "name_en", "county_code", "lon", "lat", "industry", "park_level")
TARGET_COLUMNS = ("region_code", "plan", "metric", "base_period", "target_period", "target_change")

PLAN_13TH, PLAN_14TH, PLAN_NDC = "13th-FYP", "14th-FYP", "NDC-2030"
COUNTRY = "100000"

# random streams of one province
_EMISSIONS, _PARKS = 1, 2


# --- the regions -------------------------------------------------------------------------


def leaf_table(regions: pd.DataFrame) -> pd.DataFrame:
    """Leaves of the administrative tree under the 31 mainland provinces, with their province,
    the name of their city (for park names) and whether they are urban districts.

    ``regions`` has columns code, parent_code, level, name_zh, name_en (parks are ignored).
    """
    admin = regions[regions["level"] != "park"]
    parent = dict(zip(admin["code"], admin["parent_code"], strict=True))
    name = dict(zip(admin["code"], admin["name_zh"], strict=True))
    level = dict(zip(admin["code"], admin["level"], strict=True))
    has_children = set(admin["parent_code"].dropna())

    def province_of(code: str) -> str | None:
        while code is not None and level.get(code) not in ("province", None):
            code = parent.get(code)
        return code

    rows = []
    for rec in admin.itertuples(index=False):
        if rec.code in has_children or rec.level in ("country", "province"):
            continue
        prov = province_of(rec.code)
        if prov is None or prov[:2] in P.MAINLAND_EXCLUDED:
            continue
        city = rec.parent_code if level.get(rec.parent_code) == "city" else rec.code
        urban = rec.level == "city" or (
            rec.name_zh.endswith("区") and not rec.name_zh.endswith("林区")
        )
        rows.append((rec.code, prov, rec.name_zh, rec.name_en, name.get(city, rec.name_zh), urban))
    out = pd.DataFrame(rows, columns=["code", "province", "name_zh", "name_en", "city_zh", "urban"])
    return out.sort_values("code", ignore_index=True)


def provinces_table() -> pd.DataFrame:
    """The provincial weights, each weight column normalised to shares summing to 1."""
    cols = ["code", "name", *P.PROVINCE_COLUMNS, "tilt_e", "tilt_g"]
    df = pd.DataFrame(P.PROVINCES, columns=cols).set_index("code")
    for col in P.PROVINCE_COLUMNS:
        df[col] = df[col] / df[col].sum()
    return df


def leaf_gas_pairs() -> pd.DataFrame:
    """Every (sector leaf, gas) pair of the tree, in tree order, with its unit and 2021 total."""
    rows = [
        (
            s.code,
            g,
            reference.GAS_UNITS[g],
            P.national_2021_tonnes(s.code, g),
            *P.LEAF_ALLOCATION[s.code],
            P.path_group(s.code),
        )
        for s in reference.leaves()
        for g in s.gases
    ]
    return pd.DataFrame(
        rows, columns=["sector", "gas", "unit", "national", "prov_col", "affinity", "path"]
    )


# --- one province ------------------------------------------------------------------------


@dataclass(frozen=True)
class ProvinceData:
    emissions: pd.DataFrame
    indicators: pd.DataFrame
    county_energy_co2_2021: pd.Series  # t, by county code: sizes the province's parks


def _walk(rng: np.random.Generator, shape: tuple[int, int], sigma: float, pin: int) -> np.ndarray:
    """A random walk over years (axis 1), zero at the year index ``pin``."""
    steps = rng.normal(0.0, sigma, shape)
    steps[:, 0] = 0.0
    walk = np.cumsum(steps, axis=1)
    return walk - walk[:, [pin]]


def _affinities(rng, leaves: pd.DataFrame, n_leaf: int) -> tuple[dict[str, np.ndarray], dict]:
    """County weights per affinity (n_county x n_leaf) and the county base shares."""
    n = len(leaves)
    urban = leaves["urban"].to_numpy()
    gdp = rng.lognormal(0.0, 0.7, n) * np.where(urban, 2.0, 1.0)
    pop = rng.lognormal(0.0, 0.5, n) * np.where(urban, 1.3, 1.0)
    rural = rng.lognormal(0.0, 0.4, n) * np.where(urban, 0.25, 1.0)
    gdp, pop = gdp / gdp.sum(), pop / pop.sum()

    def draw(sigma: float) -> np.ndarray:
        return rng.lognormal(0.0, sigma, (n, n_leaf))

    col = np.newaxis
    weights = {
        "industry": gdp[:, col] * draw(1.0),
        "extractive": rural[:, col] * draw(1.6),
        "urban": (gdp**0.6 * pop**0.4)[:, col] * draw(0.3),
        "people": pop[:, col] * draw(0.2),
        "rural": (pop * rural)[:, col] * draw(0.5),
        "forest": rural[:, col] * draw(0.8),
    }
    return weights, {"gdp": gdp, "pop": pop, "urban": urban}


def province_data(
    leaves: pd.DataFrame, province: str, *, seed: int, jump: bool = False
) -> ProvinceData:
    """Emissions (every county x year x leaf-gas) and indicators of one province's leaves.

    ``jump``: the province's emissions rise more than its GDP in the newest year.
    """
    leaves = leaves.reset_index(drop=True)
    rng = np.random.default_rng([seed, int(province), _EMISSIONS])
    provs = provinces_table()
    prov = provs.loc[province]
    pairs = leaf_gas_pairs()
    sector_codes = list(dict.fromkeys(pairs["sector"]))
    leaf_idx = pairs["sector"].map({s: i for i, s in enumerate(sector_codes)}).to_numpy()
    n, n_year, n_pair = len(leaves), len(P.YEARS), len(pairs)
    years = np.asarray(P.YEARS)
    ref = P.YEARS.index(P.REF_YEAR)

    # 2021: national pair total x province share x county share (per leaf, so gases co-move)
    weights, base = _affinities(rng, leaves, len(sector_codes))
    share = np.empty((n, n_pair))
    for affinity, w in weights.items():
        cols = np.flatnonzero(pairs["affinity"].to_numpy() == affinity)
        w_leaf = w[:, leaf_idx[cols]]
        share[:, cols] = w_leaf / w_leaf.sum(axis=0)
    prov_share = pairs["prov_col"].map(prov).to_numpy(dtype=float)
    level_2021 = share * (pairs["national"].to_numpy() * prov_share)  # (n, pair)

    # over the years: national path x province tilt and wobble x county trend and walk x noise
    paths = P.national_paths()
    path = np.stack([paths[g] for g in pairs["path"]], axis=1)  # (year, pair)
    prov_f = np.exp(prov["tilt_e"] * (years - P.REF_YEAR) + _walk(rng, (1, n_year), 0.012, ref)[0])
    if jump:
        prov_f[-1] *= P.LATEST_YEAR_JUMP / (prov_f[-1] / prov_f[-2])
    trend_e = rng.normal(0.0, 0.008, n)
    county_f = np.exp(trend_e[:, None] * (years - P.REF_YEAR) + _walk(rng, (n, n_year), 0.015, ref))
    noise = rng.lognormal(0.0, 0.02, (n, n_year, n_pair))
    is_lulucf = (pairs["sector"].str.split(".").str[0] == reference.LULUCF).to_numpy()
    # the forest sink follows the national path only: provincial tilts and jumps are emissions'
    factor = np.where(is_lulucf[None, :], 1.0, prov_f[:, None])  # (year, pair)
    values = level_2021[:, None, :] * (path * factor)[None] * county_f[:, :, None]
    values = np.round(values * noise, 3)

    codes = leaves["code"].to_numpy(dtype=object)
    period_text = np.asarray([str(y) for y in P.YEARS], dtype=object)
    emissions = pd.DataFrame(
        {
            "region_code": np.repeat(codes, n_year * n_pair),
            "period": np.tile(np.repeat(period_text, n_pair), n),
            "sector_code": np.tile(pairs["sector"].to_numpy(dtype=object), n * n_year),
            "gas": np.tile(pairs["gas"].to_numpy(dtype=object), n * n_year),
            "value": values.ravel(),
            "unit": np.tile(pairs["unit"].to_numpy(dtype=object), n * n_year),
        }
    )

    combustion = ((pairs["gas"] == "CO2") & pairs["sector"].str.startswith("1.1.")).to_numpy()
    energy_co2 = values[:, :, combustion].sum(axis=2)  # (n, year), t
    indicators = _indicators(rng, leaves, base, prov, energy_co2)
    return ProvinceData(
        emissions, indicators, pd.Series(energy_co2[:, ref], index=leaves["code"].to_numpy())
    )


def _indicators(rng, leaves, base, prov, energy_co2: np.ndarray) -> pd.DataFrame:
    """GDP (constant 2020 prices and current), population, energy per county and year."""
    n, years = len(leaves), np.asarray(P.YEARS)
    ref, price_base = P.YEARS.index(P.REF_YEAR), P.YEARS.index(P.PRICE_BASE_YEAR)
    gdp_const_nat, gdp_cur_nat = P.national_gdp()
    deflator = gdp_cur_nat / gdp_const_nat
    trend_g = rng.normal(0.0, 0.006, n)
    gdp_f = np.exp(
        (prov["tilt_g"] + trend_g[:, None]) * (years - P.REF_YEAR)
        + _walk(rng, (n, len(years)), 0.012, ref)
    )
    gdp_const = (
        (gdp_const_nat[ref] * prov["gdp"] * base["gdp"])[:, None]
        * (gdp_const_nat / gdp_const_nat[ref])
        * gdp_f
    )
    # provincial prices drift a little around the national deflator; equal at the base year
    price = deflator * np.exp(_walk(rng, (1, len(years)), 0.008, price_base)[0])
    gdp_cur = gdp_const * price[None, :]

    pop_nat = np.asarray(P.POPULATION, dtype=float)
    trend_p = np.where(base["urban"], 0.010, -0.005) + rng.normal(0.0, 0.004, n)
    population = (
        (pop_nat[ref] * prov["pop"] * base["pop"])[:, None]
        * (pop_nat / pop_nat[ref])
        * np.exp(trend_p[:, None] * (years - P.REF_YEAR))
    )

    co2_per_energy = P.CO2_PER_ENERGY_2021 * (1 + P.CO2_PER_ENERGY_DECLINE * (P.REF_YEAR - years))
    energy = energy_co2 / co2_per_energy[None, :] * rng.lognormal(0.0, 0.03, energy_co2.shape)

    stacked = np.stack(
        [
            np.round(gdp_cur, 4),
            np.round(gdp_const, 4),
            np.round(population, 4),
            np.round(energy, 3),
        ],
        axis=2,
    )  # (n, year, indicator)
    names = np.asarray(["gdp_current", "gdp_constant", "population", "energy"], dtype=object)
    units = np.asarray(["亿元", "亿元", "万人", "万吨标准煤"], dtype=object)
    base_years = np.asarray([None, P.PRICE_BASE_YEAR, None, None], dtype=object)
    n_year, k = len(years), len(names)
    return pd.DataFrame(
        {
            "region_code": np.repeat(leaves["code"].to_numpy(dtype=object), n_year * k),
            "period": np.tile(np.repeat(np.asarray([str(y) for y in years], dtype=object), k), n),
            "indicator": np.tile(names, n * n_year),
            "value": stacked.ravel(),
            "unit": np.tile(units, n * n_year),
            "base_year": np.tile(base_years, n * n_year),
        }
    )
