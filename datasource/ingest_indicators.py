"""Indicator and target files: indicator names and units (GDP at current and constant prices,
population, energy) with their conversions, target metrics, and the checks of each row before
the rows are staged for the ``indicator`` and ``target`` tables.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from datasource.ingest_checks import (
    Context,
    Problems,
    Staged,
    as_code,
    as_period,
    cell_texts,
    check_duplicates,
    check_known,
    check_numbers,
    check_scaled,
    lookup,
    numbers,
    period_reason,
)
from datasource.readers import Table, quote

# --------------------------------------------------------------------------- names and units

_INDICATOR_ALIASES = {
    "gdp_current": ("gdp_current", "地区生产总值", "地区生产总值(现价)", "gdp现价", "现价gdp"),
    "gdp_constant": ("gdp_constant", "地区生产总值(可比价)", "gdp可比价", "可比价gdp", "不变价gdp"),
    "gdp_index": ("gdp_index", "地区生产总值指数", "gdp指数"),
    "population": ("population", "常住人口", "人口", "年末常住人口"),
    "energy": ("energy", "能源消费总量", "能耗", "综合能源消费量"),
}
_INDICATOR = {
    re.sub(r"[\s（）()]", "", a.lower()): name
    for name, aliases in _INDICATOR_ALIASES.items()
    for a in aliases
}
_GDP_UNITS = {"亿元": 1.0, "万元": 1e-4, "元": 1e-8}
INDICATOR_UNITS: dict[str, dict[str, float]] = {
    "gdp_current": _GDP_UNITS,
    "gdp_constant": _GDP_UNITS,
    "gdp_index": {"": 1.0, "%": 1.0, "上年=100": 1.0, "index": 1.0, "指数": 1.0},
    "population": {"万人": 1.0, "人": 1e-4},
    "energy": {
        "万吨标准煤": 1.0,
        "万吨标煤": 1.0,
        "万tce": 1.0,
        "吨标准煤": 1e-4,
        "吨标煤": 1e-4,
        "tce": 1e-4,
    },
}


def _indicator(text: str) -> str | None:
    return _INDICATOR.get(re.sub(r"[\s（）()]", "", text.lower()))


TARGET_METRICS = ("co2_intensity", "co2e_intensity", "energy_intensity", "co2", "co2e", "energy")


# --------------------------------------------------------------------------- validation


def validate_indicators(t: Table, ctx: Context, probs: Problems) -> Staged:
    f = t.frame
    region = lookup(f["region_code"], as_code)
    region_ok = pd.Series(region).isin(ctx.known).to_numpy()
    check_known(probs, region, region_ok, "region_code", "地区代码", "region")
    period = lookup(f["period"], as_period)
    period_ok = pd.notna(period)
    probs.mask(~period_ok, "period", lambda i: period_reason(f["period"].iat[i]))
    name = lookup(f["indicator"], _indicator)
    name_ok = pd.notna(name)
    check_known(probs, cell_texts(f["indicator"]), name_ok, "indicator", "指标", "indicator")

    values, empty = numbers(f["value"])
    value_ok = check_numbers(probs, values, empty, f["value"], "value")
    unit_text = cell_texts(f["unit"])
    keyed = pd.Series(name).fillna("").str.cat(unit_text, sep="|")
    factor = lookup(keyed, _indicator_factor).astype(float)
    probs.mask(
        name_ok & np.isnan(factor),
        "unit",
        lambda i: (
            f"单位不适用于 {name[i]} (unit {quote(unit_text[i])} does not fit {name[i]}); 可用 (use): "  # noqa: E501
            f"{', '.join(u for u in INDICATOR_UNITS[name[i]] if u)}"
        ),
    )
    probs.mask(
        value_ok & (values < 0), "value", lambda i: f"指标不能为负 (negative value {values[i]:g})"
    )
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = values * factor
    check_scaled(probs, value_ok & ~np.isnan(factor), scaled, values, unit_text)

    base = np.full(len(f), np.nan)
    is_const = name == "gdp_constant"
    if "base_year" in f.columns:
        base_raw = cell_texts(f["base_year"])
        years = lookup(
            f["base_year"],
            lambda s: int(as_code(s)) if re.fullmatch(r"(19|20)\d\d", as_code(s)) else None,
        )
        base = np.array([np.nan if y is None else float(y) for y in years])
        probs.mask(
            is_const & (base_raw == ""),
            "base_year",
            "可比价 GDP 须填价格基年 (gdp_constant requires base_year)",
        )
        probs.mask(
            is_const & (base_raw != "") & np.isnan(base),
            "base_year",
            lambda i: f"基年格式错误 (base_year must be a year such as 2020): {quote(base_raw[i])}",
        )
    else:
        probs.mask(
            is_const, "base_year", "可比价 GDP 须填价格基年 (gdp_constant requires base_year)"
        )
    base = np.where(is_const, base, np.nan)

    valid = region_ok & period_ok & name_ok
    check_duplicates(probs, [region, period, name], valid)
    frame = pd.DataFrame(
        {
            "region_code": region,
            "period": period,
            "name": name,
            "value": scaled,
            "base_year": pd.array(base, dtype="Int64"),
        }
    )
    return Staged(
        "indicator",
        ("region_code", "period", "name"),
        ("value", "base_year"),
        frame,
        {"value": "float", "base_year": "int"},
        "value",
    )


def _indicator_factor(name_and_unit: str) -> float:
    name, _, unit = name_and_unit.partition("|")
    units = INDICATOR_UNITS.get(name, {})
    return units.get(unit, units.get(unit.lower().replace(" ", ""), np.nan))


def validate_targets(t: Table, ctx: Context, probs: Problems) -> Staged:
    f = t.frame
    region = lookup(f["region_code"], as_code)
    region_ok = pd.Series(region).isin(ctx.known).to_numpy()
    check_known(probs, region, region_ok, "region_code", "地区代码", "region")
    plan = cell_texts(f["plan"])
    probs.mask(plan == "", "plan", "规划为空 (empty plan), e.g. 14th-FYP")
    probs.mask(
        pd.Series(plan).str.len().to_numpy() > 32, "plan", "规划名称过长 (plan longer than 32)"
    )
    metric = cell_texts(f["metric"])
    metric_ok = pd.Series(metric).isin(TARGET_METRICS).to_numpy()
    probs.mask(
        ~metric_ok,
        "metric",
        lambda i: (
            f"未知目标指标 (unknown metric) {quote(metric[i])}; 可用 (use): {', '.join(TARGET_METRICS)}"  # noqa: E501
        ),
    )
    base = lookup(f["base_period"], as_period)
    target = lookup(f["target_period"], as_period)
    probs.mask(pd.isna(base), "base_period", lambda i: period_reason(f["base_period"].iat[i]))
    probs.mask(pd.isna(target), "target_period", lambda i: period_reason(f["target_period"].iat[i]))
    both = pd.notna(base) & pd.notna(target)
    order_bad = np.array(
        [ok and (len(b) != len(g) or g <= b) for ok, b, g in zip(both, base, target, strict=True)],
        dtype=bool,
    )
    probs.mask(
        order_bad,
        "target_period",
        lambda i: (
            f"目标期须晚于基期且同为年或月 (target_period {target[i]} must come after base_period {base[i]})"  # noqa: E501
        ),
    )
    change, change_given = _target_changes(f, probs)
    value, unit, cap_kind, value_given = _target_values(f, metric, metric_ok, probs)
    probs.mask(
        change_given & value_given,
        "target_value",
        "目标变化与目标值只能填一项 (give target_change or target_value, not both)",
    )
    probs.mask(
        ~change_given & ~value_given,
        "target_change",
        "须填目标变化或目标值 (give target_change, e.g. -0.18, or target_value with unit)",
    )
    definition = _target_definition(f, metric, metric_ok, probs)
    source = _optional_texts(f, "source")
    probs.mask(
        pd.Series(source).fillna("").str.len().to_numpy() > 200,
        "source",
        "来源过长 (source longer than 200 characters)",
    )
    valid = region_ok & (plan != "") & metric_ok
    check_duplicates(probs, [region, plan, metric], valid)
    frame = pd.DataFrame(
        {
            "region_code": region,
            "plan": plan,
            "metric": metric,
            "base_period": base,
            "target_period": target,
            "target_change": change,
            "target_value": value,
            "unit": unit,
            "cap_kind": cap_kind,
            **definition,
            "source": source,
        }
    )
    for col in ("unit", "cap_kind", "numerator", "gdp_basis", "gwp_set", "source"):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)  # NULL, not NaN
    compare = tuple(c for c in frame.columns if c not in ("region_code", "plan", "metric"))
    return Staged(
        "target",
        ("region_code", "plan", "metric"),
        compare,
        frame,
        {"target_change": "float", "target_value": "float", "gdp_base_year": "int"},
        "target_change",
    )


# units of absolute targets -> factor to the stored unit (t CO2 / t CO2e; energy 万吨标准煤)
TARGET_VALUE_UNITS: dict[str, dict[str, float]] = {
    "co2": {"t": 1.0, "吨": 1.0, "万吨": 1e4, "亿吨": 1e8, "mt": 1e6, "kt": 1e3},
    "co2e": {"t": 1.0, "吨": 1.0, "万吨": 1e4, "亿吨": 1e8, "mt": 1e6, "kt": 1e3},
    "energy": {k: v for k, v in INDICATOR_UNITS["energy"].items()} | {"亿吨标准煤": 1e4},
}
CAP_KINDS = {"annual": "annual", "年度": "annual", "cumulative": "cumulative", "累计": "cumulative"}
NUMERATORS_BY_METRIC = {
    "co2_intensity": ("energy_co2", "energy_process_co2", "co2"),
    "co2": ("energy_co2", "energy_process_co2", "co2"),
    "co2e_intensity": ("co2e",),
    "co2e": ("co2e",),
    "energy_intensity": ("energy",),
    "energy": ("energy",),
}
GDP_BASES = {"constant": "constant", "可比价": "constant", "不变价": "constant"} | {
    "current": "current",
    "现价": "current",
}
GWP_SETS = ("SAR", "AR4", "AR5", "AR6")


def _optional_texts(f: pd.DataFrame, column: str) -> np.ndarray:
    """The stripped texts of an optional column, None where empty or absent."""
    if column not in f.columns:
        return np.full(len(f), None, dtype=object)
    texts = cell_texts(f[column])
    return np.where(texts == "", None, texts).astype(object)


def _target_changes(f: pd.DataFrame, probs: Problems) -> tuple[np.ndarray, np.ndarray]:
    """Relative targets: -0.18 or -18%; (values, given-mask). Old files have only these."""
    if "target_change" not in f.columns:
        return np.full(len(f), np.nan), np.zeros(len(f), dtype=bool)
    raw_change = cell_texts(f["target_change"])
    pct = pd.Series(raw_change).str.endswith("%").to_numpy()
    change, empty = numbers(pd.Series(raw_change).str.rstrip("%"))
    change = np.where(pct, change / 100.0, change)
    bad = np.isnan(change) & ~empty
    probs.mask(bad, "target_change", lambda i: f"不是数字 (not a number): {quote(raw_change[i])}")
    ok = ~np.isnan(change)
    probs.mask(
        ok & (change <= -1),
        "target_change",
        lambda i: (
            f"目标变化须大于 -100% (target_change {change[i]:g} must be above -1; -0.18 means 18 % lower)"  # noqa: E501
        ),
    )
    return change, ~empty


def _target_values(
    f: pd.DataFrame, metric: np.ndarray, metric_ok: np.ndarray, probs: Problems
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Absolute targets: (value in the stored unit, unit as given, cap kind, given-mask)."""
    n = len(f)
    if "target_value" not in f.columns:
        none = np.full(n, None, dtype=object)
        return np.full(n, np.nan), none, none.copy(), np.zeros(n, dtype=bool)
    raw, empty = numbers(f["target_value"])
    given = ~empty
    probs.mask(
        given & np.isnan(raw),
        "target_value",
        lambda i: f"不是数字 (not a number): {cell_texts(f['target_value'])[i]!r}",
    )
    probs.mask(given & (raw <= 0), "target_value", "目标值须为正 (target_value must be positive)")
    absolute_ok = np.array([m in TARGET_VALUE_UNITS for m in metric], dtype=bool)
    probs.mask(
        given & metric_ok & ~absolute_ok,
        "target_value",
        lambda i: (
            f"强度目标只能是相对变化 ({metric[i]} takes target_change only; "
            f"target_value is for {', '.join(TARGET_VALUE_UNITS)})"
        ),
    )
    unit = _optional_texts(f, "unit")
    factor = np.array(
        [
            TARGET_VALUE_UNITS.get(m, {}).get(str(u).replace(" ", "").lower(), np.nan)
            if u is not None
            else np.nan
            for m, u in zip(metric, unit, strict=True)
        ]
    )
    probs.mask(
        given & absolute_ok & np.isnan(factor),
        "unit",
        lambda i: (
            f"单位不适用于 {metric[i]} (unit {quote(unit[i])}); 可用 (use): "
            f"{', '.join(TARGET_VALUE_UNITS[metric[i]])}"
        ),
    )
    kind_text = _optional_texts(f, "cap_kind")
    kind = np.array(
        [CAP_KINDS.get(str(k).lower()) if k is not None else "annual" for k in kind_text],
        dtype=object,
    )
    probs.mask(
        given & pd.isna(kind),
        "cap_kind",
        lambda i: (
            f"未知目标类型 (unknown cap_kind) {quote(kind_text[i])}; 可用 (use): annual, cumulative"
        ),  # noqa: E501
    )
    kind = np.where(given, kind, None).astype(object)
    with np.errstate(invalid="ignore", over="ignore"):
        value = np.where(given, raw * factor, np.nan)
    return value, np.where(given, unit, None).astype(object), kind, given


def _target_definition(
    f: pd.DataFrame, metric: np.ndarray, metric_ok: np.ndarray, probs: Problems
) -> dict[str, np.ndarray]:
    """The optional definition columns, checked against the metric (empty: plan default)."""
    numerator = _optional_texts(f, "numerator")
    fits = np.array(
        [
            n is None or n in NUMERATORS_BY_METRIC.get(m, ())
            for n, m in zip(numerator, metric, strict=True)
        ],
        dtype=bool,
    )
    probs.mask(
        metric_ok & ~fits,
        "numerator",
        lambda i: (
            f"分子口径不适用于 {metric[i]} (numerator {quote(numerator[i])}); 可用 (use): "
            f"{', '.join(NUMERATORS_BY_METRIC[metric[i]])}"
        ),
    )
    basis_text = _optional_texts(f, "gdp_basis")
    basis = np.array(
        [None if b is None else GDP_BASES.get(str(b).lower()) for b in basis_text], dtype=object
    )
    probs.mask(
        pd.notna(basis_text) & pd.isna(basis),
        "gdp_basis",
        lambda i: (
            f"未知 GDP 口径 (unknown gdp_basis) {quote(basis_text[i])}; 可用 (use): constant, current"  # noqa: E501
        ),  # noqa: E501
    )
    year_text = _optional_texts(f, "gdp_base_year")
    years = np.array(
        [
            np.nan if y is None or not re.fullmatch(r"(19|20)\d\d", as_code(y)) else float(y)
            for y in year_text
        ]
    )
    probs.mask(
        pd.notna(year_text) & np.isnan(years),
        "gdp_base_year",
        lambda i: (
            f"基年格式错误 (gdp_base_year must be a year such as 2020): {quote(year_text[i])}"
        ),
    )
    gwp = _optional_texts(f, "gwp_set")
    gwp = np.array([None if g is None else str(g).upper() for g in gwp], dtype=object)
    probs.mask(
        pd.notna(gwp) & ~pd.Series(gwp).isin(GWP_SETS).to_numpy(),
        "gwp_set",
        lambda i: (
            f"未知 GWP 版本 (unknown gwp_set) {quote(gwp[i])}; 可用 (use): {', '.join(GWP_SETS)}"
        ),
    )
    return {
        "numerator": numerator,
        "gdp_basis": basis,
        "gdp_base_year": pd.array(years, dtype="Float64").astype("Int64"),
        "gwp_set": gwp,
    }
