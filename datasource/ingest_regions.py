"""Region and park files: administrative levels, park levels, China's bounding box, and the
checks of each row (6-digit codes, a parent one level up, a park under a county and inside it)
before the rows are staged for the ``region`` table.
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
    cell,
    cell_texts,
    check_duplicates,
    check_numbers,
    lookup,
    numbers,
)
from datasource.readers import Problem, Table, quote

# --------------------------------------------------------------------------- levels and bounds

REGION_LEVELS = {
    "province": "province",
    "省": "province",
    "省级": "province",
    "city": "city",
    "市": "city",
    "地级": "city",
    "地市": "city",
    "county": "county",
    "县": "county",
    "区县": "county",
    "县级": "county",
}
LEVEL_RANK = {"country": 0, "province": 1, "city": 2, "county": 3, "park": 4}
PARK_LEVELS = {
    "national": "national",
    "国家级": "national",
    "provincial": "provincial",
    "省级": "provincial",
}
CHINA_LON = (73.0, 136.0)
CHINA_LAT = (3.0, 54.0)


# --------------------------------------------------------------------------- validation


def _names(f: pd.DataFrame, probs: Problems) -> tuple[np.ndarray, np.ndarray]:
    name_zh = cell_texts(f["name_zh"])
    probs.mask(name_zh == "", "name_zh", "中文名称为空 (empty name_zh)")
    probs.mask(
        pd.Series(name_zh).str.len().to_numpy() > 64, "name_zh", "名称过长 (name_zh longer than 64)"
    )
    name_en = (
        cell_texts(f["name_en"]) if "name_en" in f.columns else np.full(len(f), "", dtype=object)
    )
    name_en = np.where(name_en == "", name_zh, name_en)
    probs.mask(
        pd.Series(name_en).str.len().to_numpy() > 128,
        "name_en",
        "名称过长 (name_en longer than 128)",
    )
    return name_zh, name_en


def validate_regions(t: Table, ctx: Context, probs: Problems) -> Staged:
    f = t.frame
    code = lookup(f["code"], as_code)
    code_ok = np.array([bool(re.fullmatch(r"\d{6}", c)) for c in code], dtype=bool)
    probs.mask(
        ~code_ok,
        "code",
        lambda i: f"区划代码须为 6 位数字 (code must be 6 digits): {quote(code[i])}",
    )
    park = np.array([ctx.regions.get(c) == "park" for c in code], dtype=bool)
    probs.mask(
        code_ok & park,
        "code",
        lambda i: f"代码 {code[i]} 已是园区 (code is a park; use a parks file)",
    )
    level = lookup(f["level"], lambda s: REGION_LEVELS.get(s.lower()))
    level_ok = pd.notna(level)
    probs.mask(
        ~level_ok,
        "level",
        lambda i: (
            f"未知级别 (unknown level) {quote(cell(f['level'].iat[i]))}; 可用 (use): province, city, county"  # noqa: E501
        ),
    )
    parent = lookup(f["parent_code"], as_code)
    levels = dict(ctx.regions)
    levels.update({c: lv for c, lv, ok in zip(code, level, code_ok & level_ok, strict=True) if ok})
    parent_level = np.array([levels.get(p) for p in parent], dtype=object)
    probs.mask(
        pd.isna(parent_level),
        "parent_code",
        lambda i: f"未知上级代码 (unknown parent region) {quote(parent[i])}",
    )
    rank_bad = np.array(
        [
            pl is not None and lv is not None and LEVEL_RANK[pl] >= LEVEL_RANK[lv]
            for pl, lv in zip(parent_level, level, strict=True)
        ],
        dtype=bool,
    )
    probs.mask(
        rank_bad,
        "parent_code",
        lambda i: (
            f"上级 {parent[i]} ({parent_level[i]}) 不能高于或等于本级 (a {level[i]} cannot sit under a {parent_level[i]})"  # noqa: E501
        ),
    )
    name_zh, name_en = _names(f, probs)
    check_duplicates(probs, [code], code_ok)
    frame = pd.DataFrame(
        {
            "code": code,
            "parent_code": parent,
            "level": level,
            "name_zh": name_zh,
            "name_en": name_en,
        }
    )
    return Staged("region", ("code",), ("parent_code", "level", "name_zh", "name_en"), frame)


def validate_parks(t: Table, ctx: Context, probs: Problems) -> Staged:
    f = t.frame
    code = cell_texts(f["code"])
    probs.mask(code == "", "code", "园区代码为空 (empty park code)")
    probs.mask(
        pd.Series(code).str.len().to_numpy() > 32, "code", "园区代码过长 (code longer than 32)"
    )
    admin = np.array([ctx.regions.get(c) not in (None, "park") for c in code], dtype=bool)
    probs.mask(
        admin, "code", lambda i: f"代码 {code[i]} 已是行政区划 (code is an administrative region)"
    )
    county = lookup(f["county_code"], as_code)
    county_level = np.array([ctx.regions.get(c) for c in county], dtype=object)
    county_ok = np.isin(county_level, ["county", "city"])
    probs.mask(
        pd.isna(county_level),
        "county_code",
        lambda i: f"未知区县代码 (unknown county) {quote(county[i])}",
    )
    probs.mask(
        pd.notna(county_level) & ~county_ok,
        "county_code",
        lambda i: (
            f"{county[i]} 是 {county_level[i]}, 园区须挂在区县下 (a park's parent must be a county)"
        ),
    )
    name_zh, name_en = _names(f, probs)
    lon, lon_empty = numbers(f["lon"])
    lat, lat_empty = numbers(f["lat"])
    lon_ok = check_numbers(probs, lon, lon_empty, f["lon"], "lon")
    lat_ok = check_numbers(probs, lat, lat_empty, f["lat"], "lat")
    lon_in = lon_ok & (lon >= CHINA_LON[0]) & (lon <= CHINA_LON[1])
    lat_in = lat_ok & (lat >= CHINA_LAT[0]) & (lat <= CHINA_LAT[1])
    probs.mask(
        lon_ok & ~lon_in,
        "lon",
        lambda i: f"经度超出中国范围 (longitude {lon[i]:g} outside 73-136 E)",
    )
    probs.mask(
        lat_ok & ~lat_in, "lat", lambda i: f"纬度超出中国范围 (latitude {lat[i]:g} outside 3-54 N)"
    )
    park_level = lookup(f["park_level"], lambda s: PARK_LEVELS.get(s.lower()))
    probs.mask(
        pd.isna(park_level),
        "park_level",
        lambda i: (
            f"未知园区级别 (unknown park_level) {quote(cell(f['park_level'].iat[i]))}; 可用 (use): national, provincial"  # noqa: E501
        ),
    )
    industry = (
        cell_texts(f["industry"]) if "industry" in f.columns else np.full(len(f), "", dtype=object)
    )
    if ctx.park_checker is not None:
        for i in np.flatnonzero(county_ok & lon_in & lat_in):
            why = ctx.park_checker(str(county[i]), float(lon[i]), float(lat[i]))
            if why:
                probs.add(
                    Problem(
                        int(t.lines[i]), "lon", f"园区位置与所在区县不符 (location check): {why}"
                    )
                )
    check_duplicates(probs, [code], code != "")
    frame = pd.DataFrame(
        {
            "code": code,
            "parent_code": county,
            "level": "park",
            "name_zh": name_zh,
            "name_en": name_en,
            "lon": lon,
            "lat": lat,
            "industry": np.where(industry == "", None, industry),
            "park_level": park_level,
        }
    )
    return Staged(
        "region",
        ("code",),
        ("parent_code", "level", "name_zh", "name_en", "lon", "lat", "industry", "park_level"),
        frame,
        {"lon": "float", "lat": "float"},
    )
