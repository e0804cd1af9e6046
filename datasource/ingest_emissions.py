"""Emission files: units of mass (and of CO2e for HFCs/PFCs/SF6), gas names, and the checks of
each row (known region, period, leaf sector, a gas the sector reports, a unit fit for the gas,
negative values only in LULUCF) before the rows are staged for the ``emission`` table.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from datasource import periods, reference
from datasource.ingest_checks import (
    Col,
    Context,
    Problems,
    Staged,
    as_code,
    as_period,
    check_duplicates,
    check_known,
    check_numbers,
    check_scaled,
    numbers,
    pairs_ok,
    period_reason,
)
from datasource.readers import Table, quote

# --------------------------------------------------------------------------- units and names

_MASS = {
    "t": 1.0,
    "吨": 1.0,
    "kt": 1e3,
    "千吨": 1e3,
    "万t": 1e4,
    "万吨": 1e4,
    "mt": 1e6,
    "百万吨": 1e6,
    "亿t": 1e8,
    "亿吨": 1e8,
}
_SUFFIXES = ("co2e", "co2eq", "co2-eq", "co2当量", "二氧化碳当量", "co2", "ch4", "n2o")
EMISSION_UNITS = (
    "t, kt, 万吨, Mt, 亿吨 (HFCs/PFCs/SF6: t CO2e, kt CO2e, 万吨CO2e, Mt CO2e, 亿吨CO2e)"
)
F_GASES = ("HFCs", "PFCs", "SF6")


def _emission_unit(text: str) -> tuple[float, str] | None:
    """``'万吨CO2e'`` -> (1e4, 'co2e'); ``'kt'`` -> (1e3, ''); unknown -> None."""
    s = re.sub(r"\s", "", text.lower()).replace("₂", "2").replace("₄", "4")
    if s in _MASS:
        return _MASS[s], ""
    for sfx in _SUFFIXES:
        if s.endswith(sfx) and s[: -len(sfx)] in _MASS:
            return _MASS[s[: -len(sfx)]], "co2e" if sfx.startswith(
                ("co2e", "co2-", "co2当", "二")
            ) else sfx
    return None


def _unit_fits_gas(gas: str, suffix: str) -> bool:
    if gas in F_GASES:
        return suffix == "co2e"
    if gas == "CO2":
        return suffix in ("", "co2", "co2e")
    return suffix in ("", gas.lower())


_GAS_ALIASES = {
    **{g.lower(): g for g in reference.GASES},
    **{zh: g for g, zh in reference.GAS_NAMES_ZH.items()},
    "hfc": "HFCs",
    "pfc": "PFCs",
    "co₂": "CO2",
    "ch₄": "CH4",
    "n₂o": "N2O",
    "sf₆": "SF6",
}


def _gas(text: str) -> str | None:
    return _GAS_ALIASES.get(text.strip().lower())


# --------------------------------------------------------------------------- validation


def validate_emissions(t: Table, ctx: Context, probs: Problems) -> Staged:
    f = t.frame
    known = set(ctx.regions)
    region_col = Col(f["region_code"])
    region, region_k = region_col.map(as_code)
    region_ok = region_col.map(lambda c: as_code(c) in known)[0].astype(bool)
    check_known(probs, region, region_ok, "region_code", "地区代码", "region")

    period_col = Col(f["period"])
    period, period_k = period_col.map(as_period)
    period_ok = pd.notna(period)
    period_raw = period_col.rows()
    probs.mask(~period_ok, "period", lambda i: period_reason(period_raw[i]))

    smap = reference.sector_map()
    sector_col = Col(f["sector_code"])
    sector, sector_k = sector_col.map(lambda s: s)
    sector_known = sector_col.map(lambda s: s in smap)[0].astype(bool)
    check_known(probs, sector, sector_known, "sector_code", "排放源代码", "sector")
    leaf = sector_col.map(lambda s: s in smap and smap[s].is_leaf)[0].astype(bool)
    probs.mask(sector_known & ~leaf, "sector_code", lambda i: _not_leaf(sector[i]))
    sector_ok = sector_known & leaf
    top = sector_col.map(lambda s: s.split(".")[0])[0]

    gas_col = Col(f["gas"])
    gas, gas_k = gas_col.map(_gas)
    gas_ok = pd.notna(gas)
    check_known(probs, gas_col.rows(), gas_ok, "gas", "气体", "gas")
    allowed = {(s.code, g) for s in reference.leaves() for g in s.gases}
    pair_ok = pairs_ok(sector, sector_k, gas, gas_k, lambda s, g: (s, g) in allowed)
    probs.mask(
        sector_ok & gas_ok & ~pair_ok,
        "gas",
        lambda i: (
            f"排放源 {sector[i]} 不排放 {gas[i]} (sector {sector[i]} {smap[sector[i]].name_en} "
            f"reports only {', '.join(smap[sector[i]].gases)})"
        ),
    )

    values, empty = numbers(f["value"])
    value_ok = check_numbers(probs, values, empty, f["value"], "value")

    unit_col = Col(f["unit"])
    unit, unit_k = unit_col.map(_emission_unit)
    unit_known = pd.notna(unit)
    unit_text = unit_col.rows()
    probs.mask(
        ~unit_known,
        "unit",
        lambda i: f"未知单位 (unknown unit) {quote(unit_text[i])}; 可用 (use): {EMISSION_UNITS}",
    )
    factor = unit_col.map(lambda s: (_emission_unit(s) or (np.nan,))[0])[0].astype(float)
    fits = pairs_ok(gas, gas_k, unit_text, unit_col.codes, _fits)
    probs.mask(unit_known & gas_ok & ~fits, "unit", lambda i: _unit_reason(gas[i], unit_text[i]))

    with np.errstate(over="ignore", invalid="ignore"):
        scaled = values * factor
    check_scaled(probs, value_ok & unit_known, scaled, values, unit_text)

    negative = value_ok & (values < 0) & sector_ok & (top != reference.LULUCF)
    probs.mask(
        negative,
        "value",
        lambda i: (
            f"负值仅允许用于土地利用变化与林业 (negative value {values[i]:g} is only allowed in "
            f"sector 4, LULUCF; sector {sector[i]} is not)"
        ),
    )

    valid = region_ok & period_ok & sector_ok & gas_ok & pair_ok
    check_duplicates(
        probs, [region, period, sector, gas], valid, codes=[region_k, period_k, sector_k, gas_k]
    )
    kind = period_col.map(lambda s: periods.kind(as_period(s) or "0000"))[0]  # Y/Q/M/D
    frame = pd.DataFrame(
        {
            "region_code": region,
            "period": period,
            "sector_code": sector,
            "gas": gas,
            "sector_top": top,
            "period_kind": kind,
            "value": scaled,
        }
    )
    return Staged(
        "emission",
        ("region_code", "period", "sector_code", "gas"),
        ("value",),
        frame,
        {"value": "float"},
        "value",
    )


def _fits(gas: object, unit: object) -> bool:
    parsed = _emission_unit(str(unit))
    return bool(isinstance(gas, str) and parsed and _unit_fits_gas(gas, parsed[1]))


def _unit_reason(gas: str, unit: str) -> str:
    if gas in F_GASES:
        return (
            f"单位与气体不符 (unit {quote(unit)} does not fit {gas}): HFCs/PFCs/SF6 须以 CO2 当量填报 "  # noqa: E501
            f"(must be given in CO2e, e.g. t CO2e, 万吨CO2e)"
        )
    return (
        f"单位与气体不符 (unit {quote(unit)} does not fit {gas}): {gas} 以其自身质量填报 "
        f"(give tonnes of {gas}: t, kt, 万吨, Mt, 亿吨)"
    )


def _not_leaf(code: str) -> str:
    kids = [s.code for s in reference.sectors() if s.parent == code]
    return f"排放源 {code} 不是末级 (not a leaf sector): 请填其下级 (use one of) {', '.join(kids)}"
