"""The PDI test pool: two provinces with a county each (and Xinjiang, with no parks), the seed's
three electronics parks and one automotive park (section 4.1 and 4.2), and their scores."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from datasource.models import Region

# the seed's electronics parks A, B, C (section 4.1) and automotive park A (4.2)
SCORES = """park_code,dimension,score
E1,P,2.94
E1,D,1.84
E1,I,3.65
E2,P,3.08
E2,D,2.89
E2,I,1.70
E3,P,3.21
E3,D,1.44
E3,I,1.90
A1,P,3.55
A1,D,2.36
A1,I,2.45
"""
REGIONS = [
    ("320000", None, "province", "江苏省"),
    ("440000", None, "province", "广东省"),
    ("650000", None, "province", "新疆维吾尔自治区"),
    ("320102", "320000", "county", "玄武区"),
    ("440103", "440000", "county", "荔湾区"),
]
PARKS = [
    ("E1", "320102", "电子信息", "national"),
    ("E2", "440103", "电子信息", "provincial"),
    ("E3", "320102", "电子信息", "provincial"),
    ("A1", "440103", "汽车制造", "national"),
]


def add_parks(engine: Engine) -> None:
    """Write REGIONS and PARKS (every park at 118.8 E, 32.0 N) in one transaction."""
    with Session(engine) as s, s.begin():
        for code, parent, level, name in REGIONS:
            s.add(Region(code=code, parent_code=parent, level=level, name_zh=name, name_en=name))
        for code, county, industry, level in PARKS:
            s.add(
                Region(
                    code=code,
                    parent_code=county,
                    level="park",
                    name_zh=f"园区{code}",
                    name_en=f"Park {code}",
                    industry=industry,
                    park_level=level,
                    lon=118.8,
                    lat=32.0,
                )
            )
