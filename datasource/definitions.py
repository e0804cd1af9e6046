"""Indicator definitions as data: what a target's number is a change of (numerator scope, GDP
price basis and base year, GWP set), the label that names it, and each region's yearly values
on a definition with a mark where a figure fell back (docs/indicators.md).

Numerator scopes (all exclude LULUCF):
- ``energy_co2``: CO2 of sector 1 (energy activities), the numerator China's intensity targets
  are assessed on (单位地区生产总值二氧化碳排放降低, 能源活动二氧化碳排放);
- ``energy_process_co2``: CO2 of sectors 1 and 2 (energy and industrial processes);
- ``co2``: all CO2 (energy, processes, waste);
- ``co2e``: every gas in CO2e with a named GWP set;
- ``energy``: energy consumption (万吨标准煤), for energy targets.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datasource import reference
from datasource.models import StatRegion, StatSectorGas

NUMERATORS = ("energy_co2", "energy_process_co2", "co2", "co2e", "energy")
GDP_BASES = ("constant", "current")
INTENSITY_METRICS = ("co2_intensity", "co2e_intensity", "energy_intensity")
TOTAL_METRICS = ("co2", "co2e", "energy")
METRICS = INTENSITY_METRICS + TOTAL_METRICS
# the fallback marks a value can carry
CURRENT_PRICES = "current_prices"  # constant-price GDP missing: divided by current-price GDP
OTHER_PRICE_BASE = "other_price_base"  # constant prices of another base year (not rebased)
DERIVED = "derived"  # the region's emissions are the sum of its sub-regions'

_SCOPE_TOPS = {
    "energy_co2": ("1",),
    "energy_process_co2": ("1", "2"),
    "co2": tuple(t for t in reference.TOP_SECTORS if t != reference.LULUCF),
    "co2e": tuple(t for t in reference.TOP_SECTORS if t != reference.LULUCF),
}
_NUMERATOR_NAMES = {
    "energy_co2": ("能源活动CO₂", "energy-activity CO₂"),
    "energy_process_co2": ("能源活动和工业过程CO₂", "energy and industrial-process CO₂"),
    "co2": ("全部CO₂", "all CO₂"),
    "co2e": ("温室气体（CO₂当量，{gwp}）", "GHG (CO₂e, {gwp})"),
    "energy": ("能源消费量", "energy use"),
}


@dataclass(frozen=True)
class Definition:
    """What a figure is: ``numerator`` over GDP of ``gdp_basis`` (intensities) or the
    numerator alone (totals). ``gdp_base_year`` None: the base year the data carry."""

    metric: str
    numerator: str
    gdp_basis: str | None = None
    gdp_base_year: int | None = None
    gwp_set: str | None = None

    @property
    def is_intensity(self) -> bool:
        return self.metric in INTENSITY_METRICS

    def numerator_label(self, lang: str = "zh") -> str:
        zh, en = _NUMERATOR_NAMES[self.numerator]
        return (en if lang == "en" else zh).format(gwp=self.gwp_set or reference.DEFAULT_GWP)

    def gdp_label(self, lang: str = "zh", base_year: int | None = None) -> str:
        year = base_year or self.gdp_base_year
        if self.gdp_basis == "current":
            return "current-price GDP" if lang == "en" else "现价GDP"
        if lang == "en":
            return f"constant-{year} GDP" if year else "constant-price GDP"
        return f"{year}年可比价GDP" if year else "可比价GDP"

    def label(self, lang: str = "zh", base_year: int | None = None) -> str:
        """能源活动CO₂/2020年可比价GDP (intensities), 能源活动CO₂ (totals). ``base_year``:
        the price base year actually used when it differs from the definition's."""
        if not self.is_intensity:
            return self.numerator_label(lang)
        sep = " / " if lang == "en" else "/"  # a half-width slash: fits a KPI tile at 1080p
        return f"{self.numerator_label(lang)}{sep}{self.gdp_label(lang, base_year)}"

    def as_dict(self) -> dict[str, object]:
        return {
            "metric": self.metric,
            "numerator": self.numerator,
            "gdp_basis": self.gdp_basis,
            "gdp_base_year": self.gdp_base_year,
            "gwp_set": self.gwp_set,
            "label_zh": self.label("zh"),
            "label_en": self.label("en"),
        }


@cache
def _defaults() -> dict[tuple[str, str], Definition]:
    text = resources.files("datasource").joinpath("data/definitions.csv").read_text("utf-8")
    out = {}
    for r in csv.DictReader(text.splitlines()):
        out[(r["plan"], r["metric"])] = Definition(
            r["metric"],
            r["numerator"],
            r["gdp_basis"] or None,
            int(r["gdp_base_year"]) if r["gdp_base_year"] else None,
            r["gwp_set"] or None,
        )
    return out


def default(metric: str, plan: str | None = None) -> Definition:
    """The plan's definition of ``metric`` (datasource/data/definitions.csv), else the general
    one (plan ``*``)."""
    table = _defaults()
    return table.get((plan or "*", metric)) or table[("*", metric)]


def general_intensity(gdp_base_year: int | None = None) -> Definition:
    """The wall's general intensity: all CO2 per constant-price GDP (the rollup's column)."""
    return Definition("co2_intensity", "co2", "constant", gdp_base_year)


def resolve(
    metric: str,
    plan: str | None,
    *,
    numerator: str | None = None,
    gdp_basis: str | None = None,
    gdp_base_year: int | None = None,
    gwp_set: str | None = None,
) -> Definition:
    """A target's definition: what its row names, the plan's default for the rest."""
    base = default(metric, plan)
    numerator = numerator or base.numerator
    intensity = metric in INTENSITY_METRICS
    gwp = gwp_set or base.gwp_set or (reference.DEFAULT_GWP if numerator == "co2e" else None)
    return Definition(
        metric,
        numerator,
        (gdp_basis or base.gdp_basis or "constant") if intensity else None,
        (gdp_base_year or base.gdp_base_year) if intensity else None,
        gwp if numerator == "co2e" else None,
    )


# --------------------------------------------------------------------------- arithmetic


def numerator_value(
    by_top_gas: Mapping[tuple[str, str], float], definition: Definition
) -> float | None:
    """The numerator in t (CO2 or CO2e) from one region-year's sums per top-level sector and
    gas; None when no sector of the scope has a value."""
    tops = _SCOPE_TOPS[definition.numerator]
    if definition.numerator == "co2e":
        factors = reference.gwp(definition.gwp_set or reference.DEFAULT_GWP)
        parts = [v * factors[g] for (top, g), v in by_top_gas.items() if top in tops]
    else:
        parts = [v for (top, g), v in by_top_gas.items() if top in tops and g == "CO2"]
    return float(sum(parts)) if parts else None


@dataclass(frozen=True)
class Point:
    """One region-year on a definition: the value (t/万元 or tce/万元 for intensities, t for
    CO2 totals, 万吨标准煤 for energy), the price basis it is on, and its fallback marks."""

    value: float | None
    basis: str | None = None  # "constant:2020", "current", None for totals
    flags: frozenset[str] = frozenset()


def gdp_for(
    definition: Definition,
    *,
    constant: float | None,
    stored_base_year: int | None,
    current: float | None,
    rebase: float | None = None,
) -> tuple[float | None, str | None, frozenset[str]]:
    """(GDP in 亿元, its basis key, fallback marks) for one region-year.

    Constant basis: the constant-price GDP, times ``rebase`` (current / constant GDP of the
    definition's base year) when its stored base year differs; without that factor it stays
    on its own base year (marked ``other_price_base``); without constant-price GDP the
    current-price one (marked ``current_prices``). Current basis: current-price GDP only."""
    if definition.gdp_basis == "current":
        ok = current is not None and current > 0
        return (current, "current", frozenset()) if ok else (None, None, frozenset())
    if constant is not None and constant > 0:
        want = definition.gdp_base_year
        if want is None or stored_base_year == want:
            return constant, f"constant:{stored_base_year}", frozenset()
        if rebase is not None and rebase > 0:
            return constant * rebase, f"constant:{want}", frozenset()
        return constant, f"constant:{stored_base_year}", frozenset({OTHER_PRICE_BASE})
    if current is not None and current > 0:
        return current, "current", frozenset({CURRENT_PRICES})
    return None, None, frozenset()


def point(
    definition: Definition,
    by_top_gas: Mapping[tuple[str, str], float],
    stat: Mapping[str, object],
    rebase: float | None = None,
) -> Point:
    """A region-year's value on ``definition`` from its sector-gas sums and its stat_region
    row (``gdp_constant``, ``gdp_base_year``, ``gdp_current``, ``energy``, ``derived``)."""
    flags = frozenset({DERIVED}) if stat.get("derived") else frozenset()
    if definition.numerator == "energy":
        top = stat.get("energy")
        flags = frozenset()  # energy is an indicator, never derived from emissions
    else:
        top = numerator_value(by_top_gas, definition)
    if not definition.is_intensity:
        return Point(top, None, flags)
    gdp, basis, marks = gdp_for(
        definition,
        constant=stat.get("gdp_constant"),
        stored_base_year=stat.get("gdp_base_year"),
        current=stat.get("gdp_current"),
        rebase=rebase,
    )
    if top is None or gdp is None:
        return Point(None, None, flags | marks)
    per_wan = gdp * 1e4  # GDP in 亿元 = 1e4 万元
    value = top / per_wan if definition.numerator != "energy" else top * 1e4 / per_wan
    return Point(value, basis, flags | marks)


# --------------------------------------------------------------------------- reads


_STAT_COLUMNS = ("gdp_constant", "gdp_base_year", "gdp_current", "energy", "derived")


def yearly(
    session: Session, codes: Iterable[str], definition: Definition
) -> dict[str, dict[int, Point]]:
    """Every region's yearly values on ``definition`` (region -> year -> Point), read from the
    rollup (stat_region, stat_sector_gas) in a few queries."""
    codes = list(dict.fromkeys(codes))
    stats: dict[str, dict[int, dict[str, object]]] = {}
    sums: dict[str, dict[int, dict[tuple[str, str], float]]] = {}
    for i in range(0, len(codes), 900):
        chunk = codes[i : i + 900]
        cols = [getattr(StatRegion, c) for c in _STAT_COLUMNS]
        rows = session.execute(
            select(StatRegion.region_code, StatRegion.period, *cols).where(
                StatRegion.region_code.in_(chunk), func.length(StatRegion.period) == 4
            )
        )
        for code, period, *values in rows:
            stats.setdefault(code, {})[int(period)] = dict(zip(_STAT_COLUMNS, values, strict=True))
        if definition.numerator == "energy":
            continue
        rows = session.execute(
            select(
                StatSectorGas.region_code,
                StatSectorGas.period,
                StatSectorGas.sector_top,
                StatSectorGas.gas,
                StatSectorGas.value,
            ).where(
                StatSectorGas.region_code.in_(chunk),
                StatSectorGas.sector_top.in_(_SCOPE_TOPS[definition.numerator]),
                func.length(StatSectorGas.period) == 4,
            )
        )
        for code, period, top, gas, value in rows:
            sums.setdefault(code, {}).setdefault(int(period), {})[(top, gas)] = value
    out: dict[str, dict[int, Point]] = {}
    for code in codes:
        years = stats.get(code, {})
        factor = _rebase_factor(definition, years)
        out[code] = {
            y: point(definition, sums.get(code, {}).get(y, {}), row, factor)
            for y, row in sorted(years.items())
        }
    return out


def _rebase_factor(definition: Definition, years: Mapping[int, Mapping[str, object]]):
    """current / constant GDP in the definition's base year: turns a constant-price series of
    another base year into one at the definition's prices (None when it cannot)."""
    want = definition.gdp_base_year
    row = years.get(want) if want is not None else None
    if row is None or definition.gdp_basis != "constant":
        return None
    constant, current = row.get("gdp_constant"), row.get("gdp_current")
    if row.get("gdp_base_year") == want or not constant or not current:
        return None
    return current / constant
