"""A small hand-made data pool for the wall's tests: a country, three provinces, two cities,
three counties and two parks, 2015-2024, with known flags (340102 rose in 2024, 340103 fell);
stored forecasts (origins 2023 and 2024), PDI scores of one park, and four policies."""

from __future__ import annotations

from datetime import UTC, datetime

from pools import emission
from sqlalchemy import update
from sqlalchemy.orm import Session

from datasource import forecast, pdi_store, policy
from datasource.models import DataState, Emission, Indicator, Region, Target
from datasource.rollup import rebuild

REGIONS = [
    ("100000", None, "country", "全国", "China"),
    ("340000", "100000", "province", "安徽省", "Anhui"),
    ("320000", "100000", "province", "江苏省", "Jiangsu"),
    ("460000", "100000", "province", "海南省", "Hainan"),
    ("340100", "340000", "city", "合肥市", "Hefei"),
    ("340200", "340000", "city", "芜湖市", "Wuhu"),
    ("340102", "340100", "county", "瑶海区", "Yaohai"),
    ("340103", "340100", "county", "庐阳区", "Luyang"),
    ("340202", "340200", "county", "镜湖区", "Jinghu"),
]
YEARS = list(range(2015, 2025))
# leaf -> (energy CO2 in 2015 t, yearly growth, GDP 2015 in 亿元, GDP growth)
LEAVES = {
    "340102": (1_000_000.0, 0.02, 500.0, 0.06),
    "340103": (600_000.0, -0.01, 400.0, 0.05),
    "340202": (300_000.0, 0.00, 200.0, 0.04),
    "320000": (80_000_000.0, 0.01, 60_000.0, 0.06),
    "460000": (4_000_000.0, 0.03, 3_000.0, 0.07),
}


def energy_co2(code: str, year: int) -> float:
    base, growth, _gdp, _g = LEAVES[code]
    value = base * (1 + growth) ** (year - YEARS[0])
    if code == "340102" and year == 2024:
        value *= 1.2  # intensity rose in 2024
    return round(value, 1)


def fill(engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as s, s.begin():
        for code, parent, level, zh, en in REGIONS:
            s.add(Region(code=code, parent_code=parent, level=level, name_zh=zh, name_en=en))
        s.add(
            Region(
                code="P34010201",
                parent_code="340102",
                level="park",
                name_zh="瑶海化工园",
                name_en="Yaohai Chemical Park",
                lon=117.33,
                lat=31.87,
                industry="化工",
                park_level="provincial",
            )
        )
        s.add(
            Region(
                code="P34010301",
                parent_code="340103",
                level="park",
                name_zh="庐阳电子园",
                name_en="Luyang Electronics Park",
                lon=117.22,
                lat=31.95,
                industry="电子信息",
                park_level="national",
            )
        )
        for park, tonnes in PARK_CO2.items():
            for year in YEARS:
                s.add(emission(park, str(year), "1.1.1.1", "CO2", tonnes))
        for code, (_base, _growth, gdp, gdp_growth) in LEAVES.items():
            for year in YEARS:
                period = str(year)
                for sector, gas, value in (
                    ("1.1.1.1", "CO2", energy_co2(code, year)),
                    ("1.1.1.1", "CH4", 10.0),
                    ("2.1", "CO2", energy_co2(code, year) * 0.1),
                    ("3.1", "CH4", 200.0),
                    ("4.1", "CO2", -energy_co2(code, year) * 0.05),
                    ("5.1", "CH4", 100.0),
                    ("2.8", "PFCs", 500.0),
                ):
                    s.add(emission(code, period, sector, gas, value))
                s.add(
                    Indicator(
                        region_code=code,
                        period=period,
                        name="gdp_constant",
                        value=round(gdp * (1 + gdp_growth) ** (year - YEARS[0]), 2),
                        base_year=2015,
                    )
                )
        s.add(
            Target(
                region_code="340000",
                plan="十四五",
                metric="co2_intensity",
                base_period="2020",
                target_period="2025",
                target_change=-0.18,
            )
        )
        bump(s)


PARK_CO2 = {"P34010201": 400_000.0, "P34010301": 100_000.0}  # t a year (not summed upwards)
PDI_SCORES = "park_code,dimension,score\nP34010201,P,3.5\nP34010201,D,2.0\nP34010201,I,1.5\n"
POLICIES = [  # (title, 文号, date, level, region)
    ("2030年前碳达峰行动方案", "国发〔2021〕23号", "2021-10-24", "national", "100000"),
    ("安徽省碳达峰实施方案", "皖政〔2022〕83号", "2022-12-29", "provincial", "340000"),
    ("合肥市碳达峰实施方案", "合政〔2023〕45号", "2023-05-19", "municipal", "340100"),
    ("江苏省碳达峰实施方案", "苏政发〔2022〕88号", "2022-10-12", "provincial", "320000"),
]


def add_policies(engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as s, s.begin():
        for title, doc_no, day, level, region in POLICIES:
            policy.create_document(
                s,
                {
                    "title": title,
                    "doc_no": doc_no,
                    "agency": "人民政府",
                    "issued_on": day,
                    "level": level,
                    "category": "政策法规",
                    "region_code": region,
                },
                actor="test",
            )


def bump(session: Session) -> None:
    session.execute(
        update(DataState)
        .where(DataState.id == 1)
        .values(version=DataState.version + 1, changed_at=datetime.now(UTC))
    )


def set_energy(engine, code: str, period: str, value: float) -> None:  # type: ignore[no-untyped-def]
    """Change one leaf value as an ingest would (the data version moves), then roll up."""
    with Session(engine) as s, s.begin():
        row = s.get(Emission, (code, period, "1.1.1.1", "CO2"))
        row.value = value
        bump(s)
    rebuild(engine)


def pool(engine):  # type: ignore[no-untyped-def]
    fill(engine)
    report = pdi_store.ingest_pdi_bytes(engine, PDI_SCORES.encode(), "pdi_scores")
    assert report.ok, report.problems
    rebuild(engine)
    forecast.compute_all(engine)
    add_policies(engine)
    return engine
