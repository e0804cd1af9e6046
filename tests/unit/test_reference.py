"""The sector tree, GWP sets and periods shipped with the package."""

from __future__ import annotations

import pytest

from datasource import periods, reference


def test_sector_tree_is_in_numbered_order_and_codes_stay_text():
    codes = [s.code for s in reference.sectors()]
    assert codes[:4] == ["1", "1.1", "1.1.1", "1.1.1.1"]
    assert codes.index("2.9") < codes.index("2.10") < codes.index("2.11")
    assert reference.sector_map()["2.10"].gases == ("SF6",)
    assert len(reference.leaves()) == 36
    assert reference.sector_map()["4.1"].may_be_negative is True
    assert reference.sector_map()["1.1.4"].may_be_negative is False


@pytest.mark.parametrize(
    ("gwp_set", "ch4", "n2o"),
    [("SAR", 21, 310), ("AR4", 25, 298), ("AR5", 28, 265), ("AR6", 27.9, 273)],
)
def test_gwp_sets(gwp_set, ch4, n2o):
    table = reference.gwp(gwp_set)
    assert (table["CH4"], table["N2O"], table["CO2"], table["SF6"]) == (ch4, n2o, 1.0, 1.0)


def test_unknown_gwp_set():
    with pytest.raises(ValueError, match="unknown GWP set 'AR9'"):
        reference.gwp("AR9")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024", "2024"),
        ("2024.0", "2024"),
        ("2024-7", "2024-07"),
        ("2024/07", "2024-07"),
        ("2024年", "2024"),
        ("2024年7月", "2024-07"),
        (" 2024-12 ", "2024-12"),
    ],
)
def test_period_normalise(raw, expected):
    assert periods.normalise(raw) == expected


@pytest.mark.parametrize("raw", ["24", "2024-13", "2024-00", "abcd", "", "1850"])
def test_period_rejects(raw):
    with pytest.raises(periods.PeriodError):
        periods.normalise(raw)


def test_previous_period():
    assert periods.previous("2024") == "2023"
    assert periods.previous("2024-07") == "2023-07"
    assert periods.kind("2024-07") == "M" and periods.kind("2024") == "Y"
