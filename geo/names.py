"""English names: official ones for provinces, pinyin (pypinyin) below that."""

from __future__ import annotations

PROVINCES_EN = {
    "100000": "China",
    "110000": "Beijing",
    "120000": "Tianjin",
    "130000": "Hebei",
    "140000": "Shanxi",
    "150000": "Inner Mongolia",
    "210000": "Liaoning",
    "220000": "Jilin",
    "230000": "Heilongjiang",
    "310000": "Shanghai",
    "320000": "Jiangsu",
    "330000": "Zhejiang",
    "340000": "Anhui",
    "350000": "Fujian",
    "360000": "Jiangxi",
    "370000": "Shandong",
    "410000": "Henan",
    "420000": "Hubei",
    "430000": "Hunan",
    "440000": "Guangdong",
    "450000": "Guangxi",
    "460000": "Hainan",
    "500000": "Chongqing",
    "510000": "Sichuan",
    "520000": "Guizhou",
    "530000": "Yunnan",
    "540000": "Tibet",
    "610000": "Shaanxi",
    "620000": "Gansu",
    "630000": "Qinghai",
    "640000": "Ningxia",
    "650000": "Xinjiang",
    "710000": "Taiwan",
    "810000": "Hong Kong",
    "820000": "Macao",
}
_SUFFIXES = [
    ("自治县", " Autonomous County"),
    ("自治州", " Autonomous Prefecture"),
    ("自治旗", " Autonomous Banner"),
    ("林区", " Forestry District"),
    ("地区", " Prefecture"),
    ("新区", " New Area"),
    ("区", " District"),
    ("县", " County"),
    ("市", ""),
    ("盟", " League"),
    ("旗", " Banner"),
]


def english_name(code: str, name_zh: str, level: str) -> str:
    if code in PROVINCES_EN:
        return PROVINCES_EN[code]
    from pypinyin import lazy_pinyin

    stem, suffix_en = name_zh, ""
    for zh, en in _SUFFIXES:
        if name_zh.endswith(zh) and len(name_zh) > len(zh) + 1:
            stem, suffix_en = name_zh[: -len(zh)], en
            break
    return "".join(lazy_pinyin(stem)).capitalize() + suffix_en
