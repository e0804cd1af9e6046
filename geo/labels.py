"""Where a region's name goes on the map: a point well inside its largest part (the pole of
inaccessibility, not the centroid, which falls outside a crescent), with the size of the box
around that part, so that the map can tell whether a name fits. Pure: GeoJSON in, tuples out."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.ops import polylabel


@dataclass(frozen=True)
class LabelPoint:
    """A region's label: its code, where (lon, lat), and the room there in degrees: the width
    and height of the largest part's bounding box (height in degrees of latitude) and the
    radius of the largest circle inside it around the point."""

    code: str
    lon: float
    lat: float
    width: float
    height: float
    radius: float


def _largest(geom: shapely.Geometry) -> shapely.Geometry:
    parts = getattr(geom, "geoms", None)
    return max(parts, key=lambda g: g.area) if parts else geom


def label_point(code: str, geometry: Mapping[str, Any]) -> LabelPoint | None:
    """The label of one (Multi)Polygon GeoJSON geometry; None for an empty or other one."""
    if geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    geom = shapely.make_valid(shape(geometry))
    polys = [
        g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")
    ]
    if not polys:
        return None
    part = _largest(_largest(max(polys, key=lambda g: g.area)))
    if part.is_empty or part.area <= 0:
        return None
    x0, y0, x1, y1 = part.bounds
    spot = polylabel(part, tolerance=max(x1 - x0, y1 - y0) / 50)
    radius = part.exterior.distance(spot)
    return LabelPoint(code, round(spot.x, 4), round(spot.y, 4), x1 - x0, y1 - y0, radius)


def label_points(doc: Mapping[str, Any]) -> list[LabelPoint]:
    """The labels of every feature of a layer (a FeatureCollection keyed by feature id or
    properties.code), in the layer's order."""
    out = []
    for f in doc.get("features", []):
        code = str(f.get("id") or (f.get("properties") or {}).get("code") or "")
        point = label_point(code, f.get("geometry") or {}) if code else None
        if point is not None:
            out.append(point)
    return out


def mercator_y(lat: float) -> float:
    """Web-Mercator y of a latitude, in degrees-equivalent units (as lon is)."""
    phi = math.radians(max(-85.0, min(85.0, lat)))
    return math.degrees(math.log(math.tan(math.pi / 4 + phi / 2)))


def fitting(
    points: Sequence[LabelPoint],
    widths_px: Mapping[str, float],
    *,
    box_px: tuple[float, float],
    font_px: float,
    keep: str | None = None,
) -> list[LabelPoint]:
    """The labels whose text (`widths_px`: code -> text width in pixels) fits inside its
    region on a map of `box_px` (width, height) that shows all `points` (Mercator, the whole
    extent fitted as plotly's fitbounds does): the text within 80 % of the region's width,
    one line within the circle around the label point, and no two labels touching (the
    bigger regions' first; the `keep` region's label always, before any other)."""
    if not points:
        return []
    xs = [c for p in points for c in (p.lon - p.width / 2, p.lon + p.width / 2)]
    ys = [mercator_y(p.lat + s * p.height / 2) for p in points for s in (-1, 1)]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    if span_x <= 0 or span_y <= 0:
        return []
    px = min(box_px[0] / span_x, box_px[1] / span_y)  # pixels per degree (Mercator units)
    taken: list[tuple[float, float, float, float]] = []
    out = []
    order = sorted(points, key=lambda p: (p.code != keep, -p.width * p.height, p.code))
    for p in order:
        width = widths_px.get(p.code, math.inf)
        stretch = (mercator_y(p.lat + 0.5) - mercator_y(p.lat - 0.5)) or 1.0  # y per lat degree
        fits = 0.8 * p.width * px >= width and 2 * p.radius * stretch * px >= 1.2 * font_px
        if p.code != keep and not fits:
            continue
        x, y = p.lon * px, mercator_y(p.lat) * px
        box = (x - width / 2, y - 0.6 * font_px, x + width / 2, y + 0.6 * font_px)
        if any(_overlap(box, other) for other in taken):
            continue
        taken.append(box)
        out.append(p)
    return sorted(out, key=lambda p: points.index(p))


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
