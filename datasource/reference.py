"""The domain reference shipped with the package: the inventory sector tree, gases, GWP sets."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

GWP_SETS = ("SAR", "AR4", "AR5", "AR6")
DEFAULT_GWP = "AR5"
LULUCF = "4"
TOP_SECTORS = ("1", "2", "3", "4", "5")

GAS_NAMES_ZH = {
    "CO2": "二氧化碳",
    "CH4": "甲烷",
    "N2O": "氧化亚氮",
    "HFCs": "氢氟碳化物",
    "PFCs": "全氟化碳",
    "SF6": "六氟化硫",
}
# HFCs, PFCs and SF6 are reported as mixtures in t CO2e: their GWP is 1 in every set.
GAS_UNITS = {
    "CO2": "t",
    "CH4": "t",
    "N2O": "t",
    "HFCs": "t CO2e",
    "PFCs": "t CO2e",
    "SF6": "t CO2e",
}
GASES = tuple(GAS_NAMES_ZH)


@dataclass(frozen=True)
class SectorDef:
    code: str
    parent: str | None
    name_zh: str
    name_en: str
    gases: tuple[str, ...]
    is_leaf: bool
    depth: int
    sort_key: int

    @property
    def top(self) -> str:
        return self.code.split(".")[0]

    @property
    def may_be_negative(self) -> bool:
        return self.top == LULUCF


def _sort_key(code: str) -> tuple[int, ...]:
    return tuple(int(p) for p in code.split("."))


@cache
def sectors() -> tuple[SectorDef, ...]:
    """The sector tree in display order (1, 1.1, 1.1.1, 1.1.1.1, …, 2, 2.1, …, 2.10)."""
    text = resources.files("datasource").joinpath("data/sectors.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    parents = {r["parent"] for r in rows if r["parent"]}
    ordered = sorted(rows, key=lambda r: _sort_key(r["code"]))
    return tuple(
        SectorDef(
            code=r["code"],
            parent=r["parent"] or None,
            name_zh=r["name_zh"],
            name_en=r["name_en"],
            gases=_normalise_gases(r["gases"]),
            is_leaf=r["code"] not in parents,
            depth=r["code"].count("."),
            sort_key=i,
        )
        for i, r in enumerate(ordered)
    )


def _normalise_gases(text: str) -> tuple[str, ...]:
    return tuple(g.strip() for g in text.split(";") if g.strip())


@cache
def sector_map() -> dict[str, SectorDef]:
    return {s.code: s for s in sectors()}


@cache
def leaves() -> tuple[SectorDef, ...]:
    return tuple(s for s in sectors() if s.is_leaf)


@cache
def gwp_table() -> dict[str, dict[str, float]]:
    """``{gwp_set: {gas: value}}`` for the six reported gases."""
    text = resources.files("datasource").joinpath("data/gwp100.csv").read_text("utf-8")
    rows = {r["gas"]: r for r in csv.DictReader(text.splitlines())}
    table: dict[str, dict[str, float]] = {}
    for gwp_set in GWP_SETS:
        table[gwp_set] = {
            "CO2": 1.0,
            "CH4": float(rows["CH4"][gwp_set]),
            "N2O": float(rows["N2O"][gwp_set]),
            "HFCs": 1.0,
            "PFCs": 1.0,
            "SF6": 1.0,
        }
    return table


def gwp(gwp_set: str) -> dict[str, float]:
    try:
        return gwp_table()[gwp_set]
    except KeyError:
        raise ValueError(f"unknown GWP set {gwp_set!r}; known: {', '.join(GWP_SETS)}") from None
