"""The zero-carbon park yardstick (issue 21), pure arithmetic: the indicators and their units,
the thresholds file, the core indicator 单位能耗碳排放 (t CO2 per tce), the park's energy-use
tier, each indicator against its threshold, the overall status and the progress since the
2025 base year. No SQL and no I/O beyond reading the package's default thresholds file.

Statuses: ``below_tiers`` (the park's energy use is under the smallest tier: it gets its value,
never an invented threshold), ``not_met`` (an indicator with a threshold misses it), ``incomplete``
(no verdict can be reached: one of the six indicators or an input of the core one is missing),
``met`` (all six reported and every threshold in force met).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

BASE_PERIOD = "2025"  # the notice's base year
CORE = "co2_per_energy"
CORE_UNIT = "tCO2/tce"
ENERGY = "energy_consumption"
CO2 = "energy_co2"
# the five guiding indicators, in the notice's order
GUIDING = (
    "clean_energy_share",
    "product_energy_grade",
    "solid_waste_utilisation",
    "waste_heat_utilisation",
    "water_reuse",
)
INDICATORS = (ENERGY, CO2, *GUIDING)  # what a park_indicators file may carry
STATUSES = ("met", "not_met", "incomplete", "below_tiers")
COMPARISONS = ("le", "ge")

NAMES_ZH = {
    CORE: "单位能耗碳排放",
    ENERGY: "年综合能源消费量",
    CO2: "能源活动二氧化碳排放量",
    "clean_energy_share": "清洁能源消费占比",
    "product_energy_grade": "园区企业产出产品单位能耗（能耗限额等级）",
    "solid_waste_utilisation": "工业固体废物综合利用率",
    "waste_heat_utilisation": "余热/余冷/余压综合利用率",
    "water_reuse": "工业用水重复利用率",
}
STATUS_NAMES_ZH = {
    "met": "达标",
    "not_met": "未达标",
    "incomplete": "数据不全",
    "below_tiers": "低于分档下限",
}
# canonical unit of each indicator, and the accepted units -> factor to the canonical one
UNITS = {
    ENERGY: "tce",
    CO2: "t",
    "clean_energy_share": "%",
    "product_energy_grade": "级",
    "solid_waste_utilisation": "%",
    "waste_heat_utilisation": "%",
    "water_reuse": "%",
}
_SHARE = {"%": 1.0, "％": 1.0, "percent": 1.0, "fraction": 100.0, "比例": 100.0, "小数": 100.0}
CONVERSIONS: dict[str, dict[str, float]] = {
    ENERGY: {
        "万吨标准煤": 1e4,
        "万吨标煤": 1e4,
        "万tce": 1e4,
        "吨标准煤": 1.0,
        "吨标煤": 1.0,
        "tce": 1.0,
    },
    CO2: {"万吨": 1e4, "万吨co2": 1e4, "万tco2": 1e4, "t": 1.0, "吨": 1.0, "tco2": 1.0},
    "clean_energy_share": _SHARE,
    "product_energy_grade": {"": 1.0, "级": 1.0, "grade": 1.0},
    "solid_waste_utilisation": _SHARE,
    "waste_heat_utilisation": _SHARE,
    "water_reuse": _SHARE,
}


def unit_key(unit: str) -> str:
    """The spelling-insensitive form of a unit: no spaces, lower case, CO₂ as co2."""
    return "".join(unit.split()).lower().replace("₂", "2")


def convert(indicator: str, value: float, unit: str) -> float | None:
    """``value`` in ``unit`` -> the indicator's canonical unit; None for a unit not accepted."""
    factor = CONVERSIONS[indicator].get(unit_key(unit))
    return None if factor is None else round(value * factor, 6)  # 79.43 万吨 -> 794300.0


# --------------------------------------------------------------------------- thresholds


@dataclass(frozen=True)
class Threshold:
    """One row of the thresholds file; ``value`` None means no published threshold (未公布)."""

    indicator: str
    tier_min_tce: float | None
    tier_max_tce: float | None
    comparison: str  # le / ge
    value: float | None
    unit: str
    source: str

    def covers(self, energy_tce: float) -> bool:
        low = self.tier_min_tce if self.tier_min_tce is not None else -math.inf
        high = self.tier_max_tce if self.tier_max_tce is not None else math.inf
        return low <= energy_tce < high

    @property
    def tier(self) -> str | None:
        """The tier as text in tce: "200000-1000000", "1000000+"; None for every park."""
        if self.tier_min_tce is None and self.tier_max_tce is None:
            return None
        low = f"{self.tier_min_tce:.0f}" if self.tier_min_tce is not None else "0"
        return f"{low}-{self.tier_max_tce:.0f}" if self.tier_max_tce is not None else f"{low}+"


def read_thresholds(text: str) -> list[Threshold]:
    """The rows of a thresholds CSV text that is known to be valid (the package's file)."""

    def num(s: str) -> float | None:
        return float(s) if s.strip() else None

    return [
        Threshold(
            r["indicator"],
            num(r["tier_min_tce"]),
            num(r["tier_max_tce"]),
            r["comparison"],
            num(r["threshold"]),
            r["unit"],
            r["source"],
        )
        for r in csv.DictReader(io.StringIO(text))
    ]


def default_thresholds() -> list[Threshold]:
    """The package's datasource/data/zero_carbon_thresholds.csv (in force while the
    ``zero_carbon_threshold`` table is empty)."""
    path = resources.files("datasource") / "data" / "zero_carbon_thresholds.csv"
    return read_thresholds(path.read_text(encoding="utf-8"))


def core_tiers(thresholds: Iterable[Threshold]) -> list[Threshold]:
    """The core indicator's tiers, smallest first."""
    rows = [t for t in thresholds if t.indicator == CORE]
    return sorted(rows, key=lambda t: t.tier_min_tce if t.tier_min_tce is not None else -math.inf)


def tier_of(energy_tce: float | None, thresholds: Iterable[Threshold]) -> Threshold | None:
    """The core threshold row whose tier holds the park's energy use, or None."""
    if energy_tce is None:
        return None
    return next((t for t in core_tiers(thresholds) if t.covers(energy_tce)), None)


def meets(value: float | None, threshold: Threshold | None) -> bool | None:
    """True / False against a published threshold; None without a value or a threshold."""
    if value is None or threshold is None or threshold.value is None:
        return None
    if threshold.comparison == "le":
        return value <= threshold.value + 1e-12
    return value >= threshold.value - 1e-12


# --------------------------------------------------------------------------- assessment


def core_value(energy_tce: float | None, co2_t: float | None) -> float | None:
    """单位能耗碳排放 = energy CO2 (t) / comprehensive energy consumption (tce)."""
    if energy_tce is None or co2_t is None or energy_tce <= 0:
        return None
    return co2_t / energy_tce


@dataclass(frozen=True)
class Core:
    value: float | None
    threshold: float | None
    tier: str | None
    met: bool | None
    source: str | None


@dataclass(frozen=True)
class Guiding:
    indicator: str
    value: float | None
    threshold: float | None
    comparison: str | None
    met: bool | None
    unit: str
    source: str | None


@dataclass(frozen=True)
class Assessment:
    """One park in one year against the thresholds in force."""

    period: str
    energy_tce: float | None
    co2_t: float | None
    core: Core
    guiding: tuple[Guiding, ...]
    status: str


def _guiding_threshold(indicator: str, energy: float | None, rows: Sequence[Threshold]):  # noqa: ANN202
    mine = [t for t in rows if t.indicator == indicator]
    tiered = [t for t in mine if t.tier is not None]
    if energy is not None:
        for t in tiered:
            if t.covers(energy):
                return t
    return next((t for t in mine if t.tier is None), None)


def assess(period: str, values: Mapping[str, float], thresholds: Sequence[Threshold]) -> Assessment:
    """A park's year: ``values`` holds the year's indicators in canonical units (missing keys are
    indicators not reported)."""
    energy, co2 = values.get(ENERGY), values.get(CO2)
    value = core_value(energy, co2)
    tiers = core_tiers(thresholds)
    row = tier_of(energy, thresholds)
    below = (
        energy is not None
        and bool(tiers)
        and tiers[0].tier_min_tce is not None
        and energy < tiers[0].tier_min_tce
    )
    core = Core(
        value=value,
        threshold=row.value if row else None,
        tier=row.tier if row else None,
        met=meets(value, row),
        source=row.source if row else None,
    )
    guiding = []
    for ind in GUIDING:
        t = _guiding_threshold(ind, energy, thresholds)
        v = values.get(ind)
        guiding.append(
            Guiding(
                ind,
                v,
                t.value if t else None,
                t.comparison if t else None,
                meets(v, t),
                UNITS[ind],
                t.source if t else None,
            )
        )
    verdicts = [core.met, *(g.met for g in guiding)]
    if below:
        status = "below_tiers"
    elif False in verdicts:
        status = "not_met"
    elif value is None or any(g.value is None for g in guiding) or core.met is None:
        status = "incomplete"
    else:
        status = "met"
    return Assessment(period, energy, co2, core, tuple(guiding), status)


@dataclass(frozen=True)
class Progress:
    """One indicator's change from the base year to the year assessed."""

    indicator: str
    base: float | None
    value: float | None
    change: float | None  # value - base, in the indicator's unit
    change_pct: float | None  # (value - base) / base * 100; None when base is 0 or missing


def progress(base: Assessment | None, current: Assessment) -> list[Progress]:
    """The core indicator and the five guiding ones, base year -> the year assessed."""
    pairs = [(CORE, base.core.value if base else None, current.core.value)]
    base_guiding = {g.indicator: g.value for g in base.guiding} if base else {}
    pairs += [(g.indicator, base_guiding.get(g.indicator), g.value) for g in current.guiding]
    out = []
    for ind, b, v in pairs:
        change = None if b is None or v is None else v - b
        pct = None if change is None or not b else change / b * 100
        out.append(Progress(ind, b, v, change, pct))
    return out


def api_json(a: Assessment) -> dict[str, object]:
    """The ``zero_carbon`` object of GET /api/v1/parks/{code} (issue 21's shape)."""

    def r(v: float | None, n: int = 4) -> float | None:
        return None if v is None else round(v, n)

    return {
        "period": a.period,
        "energy_tce": r(a.energy_tce, 1),
        "core": {
            "value": r(a.core.value),
            "unit": CORE_UNIT,
            "threshold": a.core.threshold,
            "tier": a.core.tier,
            "met": a.core.met,
        },
        "guiding": [
            {"indicator": g.indicator, "value": r(g.value), "threshold": g.threshold, "met": g.met}
            for g in a.guiding
        ],
        "status": a.status,
    }
