"""The demo generator's frames, without a database: national 2021 totals and shares against
the BTR1 reference, provincial differences, intensity paths, determinism, parks, targets."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from datasource import demo_frames, demo_parks, reference
from geo.regions import load_regions

AR5 = {"CO2": 1.0, "CH4": 28.0, "N2O": 265.0, "HFCs": 1.0, "PFCs": 1.0, "SF6": 1.0}


@pytest.fixture(scope="module")
def leaves() -> pd.DataFrame:
    regions = pd.DataFrame(
        [(r.code, r.parent_code, r.level, r.name_zh, r.name_en) for r in load_regions()],
        columns=["code", "parent_code", "level", "name_zh", "name_en"],
    )
    return demo_frames.leaf_table(regions)


@pytest.fixture(scope="module")
def national(leaves):
    """Every province's frames for seed 2060, as the national demo generates them."""
    risers = demo_parks.latest_year_risers(2060)
    emissions, indicators, parks = [], [], []
    for code, mine in leaves.groupby("province"):
        data = demo_frames.province_data(mine, code, seed=2060, jump=code in risers)
        p, _ = demo_parks.province_parks(mine, code, data.county_energy_co2_2021, seed=2060)
        emissions.append(data.emissions)
        indicators.append(data.indicators)
        parks.append(p)
    em = pd.concat(emissions, ignore_index=True)
    em["top"] = em["sector_code"].str[0]  # top-level codes are one digit
    em["co2e"] = em["value"] * em["gas"].map(AR5)
    return em, pd.concat(indicators, ignore_index=True), pd.concat(parks, ignore_index=True)


def test_leaves_are_every_mainland_county_and_city_without_counties(leaves):
    assert len(leaves) == 2848
    assert leaves["province"].nunique() == 31
    codes = set(leaves["code"])
    assert {"441900", "460400", "469025", "419001", "110105", "340102"} <= codes
    assert "110100" not in codes and "340100" not in codes  # cities with counties
    assert not leaves["code"].str[:2].isin(["71", "81", "82"]).any()
    assert leaves.set_index("code").loc["110105", "urban"]
    assert not leaves.set_index("code").loc["340122", "urban"]  # 肥东县


def test_national_2021_totals_and_shares_match_the_reference(national):
    em, _, _ = national
    y = em[em["period"] == "2021"]
    gross = y.loc[y["top"] != "4", "co2e"].sum()
    assert gross / 1e9 == pytest.approx(14.314, rel=0.02)
    assert y.loc[y["top"] == "4", "co2e"].sum() / 1e9 == pytest.approx(-1.315, rel=0.03)
    co2 = y.loc[(y["top"] != "4") & (y["gas"] == "CO2"), "value"].sum()
    assert co2 / 1e9 == pytest.approx(11.628, rel=0.02)
    shares = y[y["top"] != "4"].groupby("top")["co2e"].sum() / gross * 100
    assert shares["1"] == pytest.approx(76.9, abs=0.5)
    assert shares["2"] == pytest.approx(14.9, abs=0.5)
    assert shares["3"] == pytest.approx(6.5, abs=0.3)
    assert shares["5"] == pytest.approx(1.7, abs=0.2)


def test_national_rows_cover_every_leaf_gas_pair(national):
    em, indicators, _ = national
    pairs = sum(len(s.gases) for s in reference.leaves())
    assert pairs == 70
    assert len(em) == 2848 * 20 * 70
    assert len(indicators) == 2848 * 20 * 4
    assert em.groupby(["sector_code", "gas"]).ngroups == 70
    assert (em.loc[em["sector_code"] == "4.1", "value"] < 0).all()
    assert (em.loc[em["sector_code"] != "4.1", "value"] >= 0).all()
    assert set(em.loc[em["gas"].isin(["HFCs", "PFCs", "SF6"]), "unit"]) == {"t CO2e"}
    fgas = em[(em["period"] == "2021") & em["gas"].isin(["HFCs", "PFCs", "SF6"])]["co2e"].sum()
    assert fgas / 1e9 == pytest.approx(0.303, rel=0.03)  # small next to 14.3 Gt


def test_provinces_differ_like_real_ones(national):
    em, _, _ = national
    y = em[(em["period"] == "2021") & (em["top"] != "4")]
    by_prov = y.groupby(y["region_code"].str[:2] + "0000")["co2e"].sum().sort_values()
    assert set(by_prov.index[:3]) == {"540000", "460000", "630000"}  # Tibet, Hainan, Qinghai
    assert {"370000", "130000", "320000", "150000", "440000"} <= set(by_prov.index[-8:])
    assert by_prov["370000"] / by_prov["540000"] > 30  # Tibet: mostly livestock methane


def test_national_path_grows_to_2013_then_plateaus_and_intensity_falls(national):
    em, indicators, _ = national
    co2 = em[(em["top"] != "4") & (em["gas"] == "CO2")].groupby("period")["value"].sum() / 1e9
    assert co2["2005"] == pytest.approx(6.1, abs=0.3)
    assert co2["2013"] / co2["2005"] > 1.6
    assert abs(co2["2016"] / co2["2013"] - 1) < 0.05
    assert 1.0 < co2["2024"] / co2["2021"] < 1.1
    gdp = indicators[indicators["indicator"] == "gdp_constant"].groupby("period")["value"].sum()
    intensity = co2 * 1e9 / (gdp * 1e4)  # t CO2 per 万元
    assert intensity["2021"] == pytest.approx(1.06, abs=0.05)
    assert intensity["2024"] < intensity["2015"] < intensity["2005"]


def test_some_county_years_and_provinces_show_rising_intensity(national):
    em, indicators, _ = national
    co2 = (
        em[(em["top"] != "4") & (em["gas"] == "CO2")]
        .groupby(["region_code", "period"])["value"]
        .sum()
        .unstack()
    )
    gdp = (
        indicators[indicators["indicator"] == "gdp_constant"]
        .set_index(["region_code", "period"])["value"]
        .unstack()
    )
    rose = (co2 / gdp).diff(axis=1).iloc[:, 1:] > 0
    assert 0.10 <= rose.to_numpy().mean() <= 0.20
    prov_intensity = co2.groupby(co2.index.str[:2]).sum() / gdp.groupby(gdp.index.str[:2]).sum()
    risen = prov_intensity.index[prov_intensity["2024"] > prov_intensity["2023"]]
    assert {c + "0000" for c in risen} >= demo_parks.latest_year_risers(2060)


def test_indicators_sum_to_national_figures(national):
    _, indicators, _ = national
    nat = indicators.groupby(["indicator", "period"])["value"].sum()
    assert nat["gdp_constant", "2020"] == pytest.approx(nat["gdp_current", "2020"], rel=1e-6)
    assert nat["gdp_current", "2021"] == pytest.approx(1_149_237, rel=0.02)  # 亿元
    assert nat["population", "2021"] == pytest.approx(141_260, rel=0.01)  # 万人
    assert nat["energy", "2021"] == pytest.approx(524_000, rel=0.03)  # 万吨标准煤
    const = indicators[indicators["indicator"] == "gdp_constant"]
    assert set(const["base_year"]) == {2020}
    assert set(indicators.loc[indicators["indicator"] != "gdp_constant", "base_year"]) == {None}
    growth = nat["gdp_constant"].pct_change().dropna()
    assert growth["2007"] == pytest.approx(0.142, abs=0.01)
    assert growth["2019"] == pytest.approx(0.060, abs=0.01)


def test_three_hundred_parks_in_eight_industries(national):
    _, _, parks = national
    assert len(parks) == 300
    assert parks["code"].is_unique
    assert all(re.fullmatch(r"P\d{6}001", c) for c in parks["code"])
    assert (parks["code"].str[1:7] == parks["county_code"]).all()
    assert set(parks["industry"]) == set(demo_parks.P.PARK_INDUSTRIES)
    assert set(parks["park_level"]) == {"national", "provincial"}
    assert (
        not parks.groupby(parks["county_code"].str[:2])["name_zh"]
        .apply(lambda s: s.duplicated().any())
        .any()
    )
    assert parks["lon"].isna().all() and parks["lat"].isna().all()  # no park_point given


def test_province_frames_are_deterministic_per_seed(leaves):
    mine = leaves[leaves["province"] == "640000"]

    def digest(seed: int) -> int:
        data = demo_frames.province_data(mine, "640000", seed=seed)
        both = pd.concat([data.emissions, data.indicators.drop(columns="base_year")])
        return int(pd.util.hash_pandas_object(both, index=False).sum())

    assert digest(2060) == digest(2060)
    assert digest(2060) != digest(2061)
    a = demo_frames.province_data(mine, "640000", seed=2060).emissions
    b = demo_frames.province_data(mine, "640000", seed=2061).emissions
    assert a[["region_code", "period", "sector_code", "gas"]].equals(
        b[["region_code", "period", "sector_code", "gas"]]
    )
    assert (a["value"] != b["value"]).mean() > 0.99


def test_park_emissions_are_energy_leaves_2015_to_2024(leaves):
    mine = leaves[leaves["province"] == "640000"]
    data = demo_frames.province_data(mine, "640000", seed=2060)
    parks, rows = demo_parks.province_parks(
        mine, "640000", data.county_energy_co2_2021, seed=2060, park_point=lambda c: (106.2, 38.5)
    )
    assert len(parks) == 4
    assert (parks["lon"] == 106.2).all() and (parks["lat"] == 38.5).all()
    assert len(rows) == 4 * 10 * 43
    assert sorted(set(rows["period"])) == [str(y) for y in range(2015, 2025)]
    assert set(rows["sector_code"].str[0]) == {"1"}
    assert (rows["value"] >= 0).all()
    park_co2 = rows[(rows["gas"] == "CO2") & (rows["period"] == "2021")].groupby("region_code")
    county = data.county_energy_co2_2021
    for code, group in park_co2:
        assert group["value"].sum() < 0.7 * county[code[1:7]]


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("合肥市", "合肥"),
        ("蜀山区", "蜀山"),
        ("白沙黎族自治县", "白沙"),
        ("保亭黎族苗族自治县", "保亭"),
        ("延边朝鲜族自治州", "延边"),
        ("沙县", "沙县"),
        ("神农架林区", "神农架"),
    ],
)
def test_place_stem(name, stem):
    assert demo_parks.place_stem(name) == stem


def test_park_counts_sum_to_three_hundred():
    counts = demo_parks.park_counts()
    assert sum(counts.values()) == 300
    assert counts["440000"] == 23 and counts["540000"] == 3
    assert min(counts.values()) >= 2


def test_targets():
    frame = demo_parks.targets_frame(["340000", "440000", "540000"], country=True)
    got = {(r.region_code, r.plan): r.target_change for r in frame.itertuples()}
    assert got == {
        ("340000", "13th-FYP"): -0.18,
        ("340000", "14th-FYP"): -0.18,
        ("440000", "13th-FYP"): -0.18,
        ("440000", "14th-FYP"): -0.195,
        ("540000", "13th-FYP"): -0.18,
        ("540000", "14th-FYP"): -0.17,
        ("100000", "13th-FYP"): -0.18,
        ("100000", "14th-FYP"): -0.18,
        ("100000", "NDC-2030"): -0.65,
    }
    ndc = frame[frame["plan"] == "NDC-2030"].iloc[0]
    assert (ndc["metric"], ndc["base_period"], ndc["target_period"]) == (
        "co2_intensity",
        "2005",
        "2030",
    )
    assert np.array_equal(
        demo_parks.targets_frame(["340000"], country=False)["region_code"].unique(), ["340000"]
    )


def test_park_catalogue_is_the_same_for_every_seed(leaves):
    mine = leaves[leaves["province"] == "460000"]

    def parks_and_values(seed: int):
        data = demo_frames.province_data(mine, "460000", seed=seed)
        return demo_parks.province_parks(mine, "460000", data.county_energy_co2_2021, seed=seed)

    parks_a, rows_a = parks_and_values(1)
    parks_b, rows_b = parks_and_values(2)
    assert parks_a.equals(parks_b)
    assert len(parks_a) == 4
    assert rows_a["region_code"].equals(rows_b["region_code"])
    assert not rows_a["value"].equals(rows_b["value"])
