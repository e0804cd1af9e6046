"""The demo generator's fixed tables: national 2021 inventory, national paths 2005-2024,
real-ish provincial weights, park industries and name patterns (docs/data-formats.md, Demo data).

Figures are rounded public orders of magnitude (China's BTR1 for 2021, NBS yearbooks), not
official statistics: they make the demo plausible, nothing more.
"""

from __future__ import annotations

import numpy as np

YEARS = tuple(range(2005, 2025))
PARK_YEARS = tuple(range(2015, 2025))
REF_YEAR = 2021  # the year the national totals are calibrated to
PRICE_BASE_YEAR = 2020  # constant-price GDP is at 2020 prices
MAINLAND_EXCLUDED = ("71", "81", "82")  # Taiwan, Hong Kong, Macao: regions without data

GT = 1e9
# AR5 GWP-100, used only to turn the CO2e calibration below into gas units
_AR5 = {"CO2": 1.0, "CH4": 28.0, "N2O": 265.0, "HFCs": 1.0, "PFCs": 1.0, "SF6": 1.0}

# fmt: off
# National 2021 inventory per (sector leaf, gas) in Gt CO2e (AR5). Sums: energy 11.007,
# industrial processes 2.133, agriculture 0.930, waste 0.244 (gross 14.314); LULUCF -1.315;
# CO2 excluding LULUCF 11.628.
NATIONAL_2021_GT_CO2E: dict[tuple[str, str], float] = {
    # fossil fuel combustion: CO2, CH4, N2O
    ("1.1.1.1", "CO2"): 4.400, ("1.1.1.1", "CH4"): 0.010, ("1.1.1.1", "N2O"): 0.070,
    ("1.1.1.2", "CO2"): 0.250, ("1.1.1.2", "CH4"): 0.003, ("1.1.1.2", "N2O"): 0.003,
    ("1.1.1.3", "CO2"): 0.300, ("1.1.1.3", "CH4"): 0.006, ("1.1.1.3", "N2O"): 0.004,
    ("1.1.2", "CO2"): 0.100, ("1.1.2", "CH4"): 0.004, ("1.1.2", "N2O"): 0.004,
    ("1.1.3.1", "CO2"): 1.550, ("1.1.3.1", "CH4"): 0.008, ("1.1.3.1", "N2O"): 0.020,
    ("1.1.3.2", "CO2"): 0.250, ("1.1.3.2", "CH4"): 0.002, ("1.1.3.2", "N2O"): 0.004,
    ("1.1.3.3", "CO2"): 0.600, ("1.1.3.3", "CH4"): 0.004, ("1.1.3.3", "N2O"): 0.010,
    ("1.1.3.4", "CO2"): 0.550, ("1.1.3.4", "CH4"): 0.004, ("1.1.3.4", "N2O"): 0.012,
    ("1.1.3.5", "CO2"): 0.450, ("1.1.3.5", "CH4"): 0.004, ("1.1.3.5", "N2O"): 0.008,
    ("1.1.3.6", "CO2"): 0.070, ("1.1.3.6", "CH4"): 0.001, ("1.1.3.6", "N2O"): 0.002,
    ("1.1.4", "CO2"): 0.900, ("1.1.4", "CH4"): 0.018, ("1.1.4", "N2O"): 0.045,
    ("1.1.5", "CO2"): 0.200, ("1.1.5", "CH4"): 0.010, ("1.1.5", "N2O"): 0.006,
    ("1.1.6", "CO2"): 0.248, ("1.1.6", "CH4"): 0.045, ("1.1.6", "N2O"): 0.012,
    ("1.2", "CH4"): 0.040, ("1.2", "N2O"): 0.020,
    ("1.3", "CH4"): 0.700,
    ("1.4", "CH4"): 0.060,
    # industrial processes
    ("2.1", "CO2"): 1.200, ("2.2", "CO2"): 0.260, ("2.3", "CO2"): 0.200, ("2.4", "CO2"): 0.070,
    ("2.5", "N2O"): 0.055, ("2.6", "N2O"): 0.045,
    ("2.7", "HFCs"): 0.090, ("2.8", "PFCs"): 0.040, ("2.9", "SF6"): 0.010,
    ("2.10", "SF6"): 0.070,
    ("2.11", "HFCs"): 0.008, ("2.11", "PFCs"): 0.015, ("2.11", "SF6"): 0.010,
    ("2.12", "HFCs"): 0.060,
    # agriculture
    ("3.1", "CH4"): 0.230, ("3.2", "N2O"): 0.290, ("3.3", "CH4"): 0.260,
    ("3.4", "CH4"): 0.070, ("3.4", "N2O"): 0.080,
    # land-use change and forestry (4.1 is the sink)
    ("4.1", "CO2"): -1.400, ("4.2", "CO2"): 0.070, ("4.2", "CH4"): 0.010, ("4.2", "N2O"): 0.005,
    # waste
    ("5.1", "CO2"): 0.030, ("5.1", "CH4"): 0.120, ("5.2", "CH4"): 0.060, ("5.2", "N2O"): 0.034,
}
# fmt: on


def national_2021_tonnes(sector: str, gas: str) -> float:
    """The national 2021 figure of one leaf and gas in the gas's own unit (t or t CO2e)."""
    return NATIONAL_2021_GT_CO2E[(sector, gas)] * GT / _AR5[gas]


# Which provincial weight column and which county affinity each leaf follows.
# province columns: co2 gdp pop rice livestock crops forest coal oilgas steel (see PROVINCES)
# county affinities: industry extractive urban people rural forest
LEAF_ALLOCATION: dict[str, tuple[str, str]] = {
    "1.1.1.1": ("co2", "industry"),
    "1.1.1.2": ("oilgas", "extractive"),
    "1.1.1.3": ("coal", "extractive"),
    "1.1.2": ("crops", "rural"),
    "1.1.3.1": ("steel", "industry"),
    "1.1.3.2": ("co2", "industry"),
    "1.1.3.3": ("co2", "industry"),
    "1.1.3.4": ("co2", "industry"),
    "1.1.3.5": ("co2", "industry"),
    "1.1.3.6": ("gdp", "urban"),
    "1.1.4": ("gdp", "urban"),
    "1.1.5": ("gdp", "urban"),
    "1.1.6": ("pop", "people"),
    "1.2": ("crops", "rural"),
    "1.3": ("coal", "extractive"),
    "1.4": ("oilgas", "extractive"),
    "2.1": ("co2", "industry"),
    "2.2": ("co2", "industry"),
    "2.3": ("steel", "industry"),
    "2.4": ("coal", "industry"),
    "2.5": ("co2", "industry"),
    "2.6": ("co2", "industry"),
    "2.7": ("co2", "industry"),
    "2.8": ("co2", "industry"),
    "2.9": ("co2", "industry"),
    "2.10": ("gdp", "industry"),
    "2.11": ("gdp", "industry"),
    "2.12": ("co2", "industry"),
    "3.1": ("rice", "rural"),
    "3.2": ("crops", "rural"),
    "3.3": ("livestock", "rural"),
    "3.4": ("livestock", "rural"),
    "4.1": ("forest", "forest"),
    "4.2": ("forest", "forest"),
    "5.1": ("pop", "people"),
    "5.2": ("pop", "people"),
}


def path_group(sector: str) -> str:
    """Which national path (index, 2021 = 1) a leaf follows over the years."""
    top = sector.split(".")[0]
    if top == "2":
        return "fgas" if int(sector.split(".")[1]) >= 7 else "process"
    return {"1": "energy", "3": "agriculture", "4": "lulucf", "5": "waste"}[top]


# fmt: off
# National paths 2005..2024, 2021 = 1 after normalisation. Energy follows China's CO2:
# fast growth to 2013, a plateau to 2016, mild growth after.
_PATHS_RAW: dict[str, tuple[float, ...]] = {
    "energy": (6.0, 6.55, 7.2, 7.5, 7.95, 8.6, 9.25, 9.7, 9.9, 9.9,
               9.8, 9.7, 9.9, 10.3, 10.65, 10.9, 11.5, 11.4, 11.95, 12.1),
    "process": (0.55, 0.62, 0.68, 0.71, 0.79, 0.87, 0.96, 0.98, 1.04, 1.05,
                0.99, 0.97, 0.95, 0.96, 1.00, 1.02, 1.00, 0.92, 0.90, 0.87),
    "fgas": (0.35, 0.40, 0.45, 0.49, 0.53, 0.57, 0.61, 0.65, 0.69, 0.73,
             0.77, 0.80, 0.84, 0.88, 0.92, 0.96, 1.00, 1.03, 1.06, 1.08),
    "agriculture": (0.96, 0.97, 0.96, 0.98, 0.99, 1.00, 1.01, 1.02, 1.02, 1.03,
                    1.03, 1.02, 1.01, 1.00, 0.99, 0.99, 1.00, 1.00, 1.00, 0.99),
    "lulucf": (0.55, 0.58, 0.61, 0.64, 0.67, 0.70, 0.73, 0.76, 0.79, 0.82,
               0.85, 0.87, 0.89, 0.91, 0.94, 0.97, 1.00, 1.02, 1.04, 1.06),
    "waste": (0.45, 0.48, 0.51, 0.54, 0.57, 0.60, 0.64, 0.68, 0.72, 0.76,
              0.79, 0.82, 0.86, 0.89, 0.93, 0.96, 1.00, 1.02, 1.04, 1.06),
}
# fmt: on


def national_paths() -> dict[str, np.ndarray]:
    """Index per path group and year (2021 = 1)."""
    i = YEARS.index(REF_YEAR)
    return {k: np.asarray(v) / v[i] for k, v in _PATHS_RAW.items()}


# fmt: off
# Real GDP growth and GDP deflator change, % (NBS, rounded), for 2006..2024.
_REAL_GROWTH = (12.7, 14.2, 9.7, 9.4, 10.6, 9.6, 7.9, 7.8, 7.4, 7.0,
                6.8, 6.9, 6.7, 6.0, 2.2, 8.4, 3.0, 5.2, 5.0)
_DEFLATOR = (3.9, 7.7, 7.8, -0.2, 6.9, 8.1, 2.3, 2.2, 0.8, 0.1,
             1.4, 4.2, 3.5, 1.3, 0.5, 4.6, 2.2, -0.5, -0.7)
GDP_2020 = 1_015_986.0  # 亿元, current = constant (2020 prices) in 2020
POPULATION = (130756, 131448, 132129, 132802, 133450, 134091, 134916, 135922, 136726, 137646,
              138326, 139232, 140011, 140541, 141008, 141212, 141260, 141175, 140967, 140828)
# fmt: on
ENERGY_2021 = 524_000.0  # 万吨标准煤
# t CO2 from fossil combustion per 万吨标准煤 falls slowly as the energy mix cleans up
CO2_PER_ENERGY_2021 = 18_832.0
CO2_PER_ENERGY_DECLINE = 0.007  # per year


def _index(growth_pct: tuple[float, ...]) -> np.ndarray:
    idx = np.concatenate([[1.0], np.cumprod(1 + np.asarray(growth_pct) / 100)])
    return idx / idx[YEARS.index(PRICE_BASE_YEAR)]


def national_gdp() -> tuple[np.ndarray, np.ndarray]:
    """(constant 2020-price GDP, current-price GDP) per year, 亿元."""
    constant = GDP_2020 * _index(_REAL_GROWTH)
    return constant, constant * _index(_DEFLATOR)


# fmt: off
# code, name, CO2 2021 (Mt), GDP 2021 (亿元), population 2021 (万人), then relative weights for
# rice, livestock, crops, forest sink, coal mining, oil and gas, steel; then the province's
# emission and GDP growth tilt per year against the national path.
PROVINCES: tuple[tuple, ...] = (
    ("110000", "北京", 90, 40270, 2189, 0, 1, 1, 2, 0, 1, 0.5, -0.040, -0.010),
    ("120000", "天津", 170, 15695, 1373, 1, 2, 2, 0.5, 0, 8, 15, -0.010, -0.015),
    ("130000", "河北", 900, 40391, 7448, 2, 25, 35, 6, 8, 8, 230, -0.005, -0.005),
    ("140000", "山西", 600, 22590, 3480, 0.2, 8, 12, 5, 90, 3, 60, 0.010, -0.005),
    ("150000", "内蒙古", 780, 20514, 2400, 1, 60, 18, 25, 80, 4, 25, 0.030, -0.008),
    ("210000", "辽宁", 550, 27584, 4229, 8, 15, 15, 6, 5, 12, 70, -0.005, -0.020),
    ("220000", "吉林", 210, 13236, 2375, 8, 15, 20, 12, 3, 6, 15, -0.015, -0.020),
    ("230000", "黑龙江", 280, 14879, 3125, 30, 20, 40, 30, 12, 25, 6, -0.010, -0.020),
    ("310000", "上海", 200, 43215, 2489, 1, 0.5, 1, 0.3, 0, 2, 15, -0.020, -0.010),
    ("320000", "江苏", 800, 116364, 8505, 40, 10, 35, 3, 3, 5, 120, 0.000, 0.000),
    ("330000", "浙江", 420, 73516, 6540, 12, 4, 10, 10, 0, 3, 15, 0.000, 0.000),
    ("340000", "安徽", 420, 42959, 6113, 40, 10, 30, 8, 25, 1, 35, 0.010, 0.010),
    ("350000", "福建", 300, 48810, 4187, 10, 5, 8, 18, 2, 1, 25, 0.010, 0.010),
    ("360000", "江西", 250, 29620, 4517, 55, 8, 12, 18, 3, 0.3, 25, 0.010, 0.010),
    ("370000", "山东", 940, 83096, 10170, 2, 30, 45, 5, 25, 25, 80, -0.005, -0.005),
    ("410000", "河南", 480, 58887, 9883, 8, 35, 60, 6, 30, 10, 35, -0.005, 0.005),
    ("420000", "湖北", 360, 50013, 5830, 35, 12, 25, 12, 2, 5, 35, 0.000, 0.005),
    ("430000", "湖南", 310, 46063, 6622, 65, 20, 20, 18, 8, 1, 25, 0.000, 0.005),
    ("440000", "广东", 620, 124370, 12684, 25, 8, 10, 18, 0, 12, 35, 0.005, 0.000),
    ("450000", "广西", 260, 24741, 5037, 35, 15, 20, 25, 1, 1, 35, 0.015, 0.005),
    ("460000", "海南", 50, 6475, 1020, 5, 3, 3, 4, 0, 2, 0.5, 0.010, 0.010),
    ("500000", "重庆", 160, 27894, 3212, 10, 8, 8, 7, 3, 6, 10, -0.010, 0.015),
    ("510000", "四川", 330, 53851, 8372, 35, 40, 35, 30, 8, 30, 25, 0.000, 0.010),
    ("520000", "贵州", 270, 19586, 3852, 10, 15, 12, 15, 40, 1, 8, 0.000, 0.025),
    ("530000", "云南", 230, 27147, 4690, 15, 30, 20, 40, 8, 1, 15, 0.005, 0.015),
    ("540000", "西藏", 10, 2080, 366, 0.2, 25, 2, 20, 0, 0.2, 0.1, 0.040, 0.020),
    ("610000", "陕西", 370, 29801, 3954, 3, 10, 12, 10, 45, 35, 10, 0.020, 0.005),
    ("620000", "甘肃", 190, 10243, 2490, 0.5, 20, 12, 8, 5, 8, 10, 0.005, 0.000),
    ("630000", "青海", 55, 3347, 594, 0.1, 20, 2, 5, 2, 4, 1, 0.010, 0.005),
    ("640000", "宁夏", 230, 4522, 725, 2, 6, 4, 1, 12, 2, 3, 0.030, 0.005),
    ("650000", "新疆", 520, 15984, 2589, 2, 45, 25, 12, 30, 40, 15, 0.035, 0.005),
)
PROVINCE_COLUMNS = ("co2", "gdp", "pop", "rice", "livestock", "crops", "forest", "coal",
                    "oilgas", "steel")

# Provinces whose emissions jump in the newest year (a seed picks some), so the map has red.
LATEST_YEAR_RISE_CANDIDATES = ("150000", "650000", "640000", "610000", "140000", "630000",
                               "520000", "460000", "450000", "620000")
LATEST_YEAR_RISERS = 4
LATEST_YEAR_JUMP = 1.075
# fmt: on

# 14th FYP CO2-intensity targets: most provinces -18 %, some -19.5 % or -17 %.
TARGET_14TH_STRICT = ("110000", "120000", "310000", "320000", "330000", "370000", "440000")
TARGET_14TH_LOOSE = ("460000", "540000", "630000", "650000")

PARK_TOTAL = 300
# industry: (probability, size factor, {energy leaf: emphasis})
PARK_INDUSTRIES: dict[str, tuple[float, float, dict[str, float]]] = {
    "电子信息": (0.16, 0.5, {"1.1.3.5": 6, "1.1.5": 3}),
    "汽车制造": (0.11, 0.7, {"1.1.3.5": 5, "1.1.4": 2}),
    "新能源": (0.13, 0.9, {"1.1.3.5": 4, "1.1.3.2": 3}),
    "化工": (0.15, 1.8, {"1.1.3.3": 10, "1.1.1.3": 2, "1.1.1.2": 1}),
    "钢铁": (0.08, 2.6, {"1.1.3.1": 12, "1.1.1.3": 2}),
    "装备制造": (0.17, 0.7, {"1.1.3.5": 5, "1.1.3.1": 1}),
    "生物医药": (0.11, 0.4, {"1.1.3.3": 3, "1.1.5": 2}),
    "纺织": (0.09, 0.5, {"1.1.3.5": 5}),
}
# energy leaves a park barely has (fugitive, extraction, biomass) unless its industry says so
PARK_MINOR_LEAVES = ("1.1.1.2", "1.1.1.3", "1.2", "1.3", "1.4", "1.1.2")
PARK_NATIONAL_SHARE = 0.3
# national zones: high-tech zones for these industries, economic-technological zones otherwise
PARK_NATIONAL_HIGH_TECH = ("电子信息", "生物医药", "新能源")
PARK_NATIONAL_NAMES = {
    True: ("高新技术产业开发区", "High-tech Industrial Development Zone"),
    False: ("经济技术开发区", "Economic and Technological Development Zone"),
}
PARK_PROVINCIAL_NAMES: dict[str, tuple[tuple[str, str], ...]] = {
    "电子信息": (
        ("电子信息产业园", "Electronic Information Industrial Park"),
        ("高新技术产业园区", "High-tech Industrial Park"),
    ),
    "汽车制造": (
        ("汽车产业园", "Automotive Industrial Park"),
        ("经济开发区", "Economic Development Zone"),
    ),
    "新能源": (
        ("新能源产业园", "New Energy Industrial Park"),
        ("循环经济产业园", "Circular Economy Industrial Park"),
    ),
    "化工": (
        ("化工园区", "Chemical Industrial Park"),
        ("精细化工园区", "Fine Chemical Industrial Park"),
    ),
    "钢铁": (
        ("钢铁产业园", "Iron and Steel Industrial Park"),
        ("冶金工业园区", "Metallurgical Industrial Park"),
    ),
    "装备制造": (
        ("装备制造产业园", "Equipment Manufacturing Industrial Park"),
        ("经济开发区", "Economic Development Zone"),
    ),
    "生物医药": (
        ("生物医药产业园", "Biomedical Industrial Park"),
        ("医药健康产业园", "Pharmaceutical and Health Industrial Park"),
    ),
    "纺织": (
        ("纺织服装产业园", "Textile and Garment Industrial Park"),
        ("轻纺工业园区", "Light Textile Industrial Park"),
    ),
}
# ethnic-group names stripped from autonomous county names for a place stem (白沙黎族 -> 白沙)
# fmt: off
ETHNIC_GROUPS = (
    "哈萨克", "达斡尔", "鄂温克", "鄂伦春", "塔吉克", "柯尔克孜", "蒙古", "土家", "布依", "哈尼",
    "纳西", "傈僳", "拉祜", "仡佬", "毛南", "仫佬", "锡伯", "朝鲜", "撒拉", "东乡", "保安", "裕固",
    "景颇", "独龙", "普米", "各", "黎", "苗", "彝", "藏", "回", "壮", "瑶", "侗", "满", "白", "傣",
    "佤", "羌", "水", "畲", "土", "怒",
)
# fmt: on
