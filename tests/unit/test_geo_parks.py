"""Parks as points: the county that holds a point, and the check of a park's declared county."""

from __future__ import annotations

import pytest

from geo import parks
from geo.regions import load_regions


def test_a_point_in_yaohai_resolves_to_yaohai():
    assert parks.containing_county(117.33, 31.86) == "340102"  # 合肥市瑶海区


@pytest.mark.parametrize(
    ("lon", "lat", "code"),
    [
        (114.17, 22.30, "810005"),  # 香港油尖旺区
        (121.50, 25.05, "710000"),  # Taiwan is one leaf
        (113.75, 23.02, "441900"),  # Dongguan, a city with no counties
        (106.55, 29.56, "500103"),  # 重庆渝中区, directly under the municipality
        (0.0, 0.0, None),  # outside China
    ],
)
def test_points_resolve_to_leaves_of_the_tree(lon, lat, code):
    assert parks.containing_county(lon, lat) == code


def test_check_park_accepts_the_right_county_and_its_ancestors():
    assert parks.check_park("340102", 117.33, 31.86) is None
    assert parks.check_park("340100", 117.33, 31.86) is None  # 合肥市 holds it too
    assert parks.check_park("340000", 117.33, 31.86) is None


def test_check_park_names_the_county_the_point_really_falls_in():
    assert parks.check_park("340104", 117.33, 31.86) == (
        "园区坐标 (117.330000, 31.860000) 位于 瑶海区（340102），不在申报的 蜀山区（340104） 内。"
        " The park's point (117.330000, 31.860000) lies in Yaohai District (340102),"
        " not in the declared Shushan District (340104)."
    )


def test_check_park_outside_china_and_unknown_code():
    assert parks.check_park("340102", 0.0, 0.0) == (
        "园区坐标 (0.000000, 0.000000) 不在任何区县内，而申报的区县是 瑶海区（340102）。"
        " The park's point (0.000000, 0.000000) lies in no county; declared:"
        " Yaohai District (340102)."
    )
    assert parks.check_park("999999", 117.33, 31.86) == (
        "未知的区县代码 '999999'。 Unknown county code '999999'."
    )


def test_representative_point_lies_inside_its_region():
    assert parks.representative_point("340102") == (117.360229, 31.937776)
    with pytest.raises(KeyError):
        parks.representative_point("999999")


def test_every_leafs_representative_point_resolves_back_to_it():
    parents = {r.parent_code for r in load_regions()}
    leaves = [r.code for r in load_regions() if r.code not in parents]
    assert len(leaves) == 2875
    wrong = [c for c in leaves if parks.containing_county(*parks.representative_point(c)) != c]
    assert wrong == []
