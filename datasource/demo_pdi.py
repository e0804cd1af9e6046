"""Plausible PDI inputs for the demo parks: raw indicator values for 2023 and two Delphi rounds.

Reads the parks already in the ``region`` table (the demo generator makes ~300 across 8
industries). Values follow each industry's profile (an energy-intensive chemical or steel park
has a high carbon intensity and a low output per unit of energy; electronics parks lead on
digital platforms, as the seed's section 4.1 says), national parks get more innovation
platforms, planning and finance, and every park draws its own noise from ``(seed, park code)``,
so a park's values do not depend on which other parks exist.
"""

from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.orm import Session

from datasource import pdi
from datasource.models import DataState, Region
from datasource.models_pdi import PdiRating, PdiScore, PdiValue
from datasource.pdi_store import write_default_tree

log = logging.getLogger(__name__)

PERIOD = "2023"
EXPERTS = 12

# industry -> (output per tce, t CO2 per 万元, clean share %, recycling %, waste t CO2e/万元,
#              digital platform 0–5, patents per year, green certifications)
_PROFILES: dict[str, tuple[float, float, float, float, float, float, float, float]] = {
    "电子信息": (3.6, 0.55, 28, 86, 0.02, 3.4, 40, 5),
    "汽车制造": (2.6, 0.85, 22, 84, 0.03, 2.8, 25, 8),
    "新能源": (2.1, 1.05, 31, 80, 0.03, 2.3, 22, 4),
    "化工": (0.9, 2.30, 12, 78, 0.08, 2.4, 15, 3),
    "钢铁": (0.6, 2.70, 8, 90, 0.10, 2.2, 10, 2),
    "装备制造": (2.5, 0.90, 18, 82, 0.03, 2.3, 20, 4),
    "生物医药": (3.0, 0.70, 20, 75, 0.04, 2.5, 30, 3),
    "纺织": (1.8, 1.30, 15, 70, 0.05, 1.8, 8, 3),
}
_DEFAULT_PROFILE = (2.0, 1.2, 18, 80, 0.04, 2.2, 15, 3)


@dataclass(frozen=True)
class DemoPdiSummary:
    parks: int
    values: int
    ratings: int
    rounds: int

    def render(self) -> str:
        return (
            f"PDI demo: {self.values} indicator values for {self.parks} parks ({PERIOD}), "
            f"{self.ratings} Delphi ratings in {self.rounds} rounds by {EXPERTS} experts"
        )


def _rng(seed: int, key: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(key.encode("utf-8"))])


def park_values(code: str, industry: str | None, national: bool, seed: int) -> dict[str, float]:
    """One park's raw measures, keyed by leaf code of the default tree."""
    r = _rng(seed, code)
    out_tce, co2, clean, recyc, waste, digital, patents, certs = _PROFILES.get(
        industry or "", _DEFAULT_PROFILE
    )
    quality = r.normal(0.0, 1.0)  # a park's general management quality, shared by its rows
    boost = 1.0 if national else 0.0

    def score(mean: float, sd: float = 0.8) -> float:
        return float(np.clip(mean + 0.5 * quality + r.normal(0, sd), 0.0, 5.0))

    finance = 0.0
    if r.random() < (0.55 if national else 0.2):
        finance = float(min(r.lognormal(np.log(4.0), 0.8), 40.0))
    return {
        "P11": max(0.1, out_tce * np.exp(0.15 * quality + r.normal(0, 0.25))),
        "P21": max(0.05, co2 * np.exp(-0.15 * quality + r.normal(0, 0.25))),
        "P22": float(np.clip(clean + 4 * quality + r.normal(0, 6), 0, 95)),
        "P23": float(np.clip(15 + 3 * quality + r.normal(0, 5), 0, 40)),
        "P31": score(2.9),
        "P32": float(np.clip(recyc + 4 * quality + r.normal(0, 7), 20, 100)),
        "P33": max(0.0, waste * np.exp(r.normal(0, 0.35))),
        "P41": score(digital + 0.5 * boost),
        "D11": float(r.poisson(2.0 + 4.0 * boost + max(quality, 0))),
        "D12": float(r.poisson(patents * (1.6 if national else 0.8))),
        "D21": score(1.8 + 0.8 * boost, 1.0),
        "D22": score(1.4 + 0.4 * boost + (0.5 if industry in ("化工", "钢铁") else 0.0), 1.0),
        "I11": float(r.poisson(certs * (1.5 if national else 0.7))),
        "I21": round(finance, 2),
        "I31": float(r.poisson(1.0 + 2.0 * boost)),
        "I32": float(r.poisson(0.5 + 1.0 * boost)),
        "I33": float(r.poisson(0.8) if national and r.random() < 0.4 else 0),
    }


def delphi_ratings(nodes: list[pdi.Node], seed: int) -> list[dict]:
    """Two rounds on a 1–9 scale around the tree's weights; round 2 agrees more (feedback)."""
    kids = pdi.children_of(nodes)
    rows = []
    for rnd, sd in ((1, 1.6), (2, 0.6)):
        for e in range(1, EXPERTS + 1):
            r = _rng(seed, f"delphi-{rnd}-{e}")
            for siblings in kids.values():
                top = max(n.weight for n in siblings)
                for n in siblings:
                    centre = 2.0 + 6.0 * n.weight / top
                    rating = int(np.clip(round(centre + r.normal(0, sd)), 1, 9))
                    rows.append(
                        {
                            "round": rnd,
                            "expert": f"E{e:02d}",
                            "indicator_code": n.code,
                            "rating": float(rating),
                            "scale": 9,
                        }
                    )
    return rows


def generate(engine: Engine, seed: int = 2060) -> DemoPdiSummary:
    """Replace all PDI inputs with demo ones for every park in the region table."""
    nodes = pdi.default_tree()
    with Session(engine) as session, session.begin():
        parks = session.execute(
            select(Region.code, Region.industry, Region.park_level).where(Region.level == "park")
        ).all()
        values = [
            {"park_code": code, "indicator_code": leaf, "period": PERIOD, "value": float(v)}
            for code, industry, level in parks
            for leaf, v in park_values(code, industry, level == "national", seed).items()
        ]
        ratings = delphi_ratings(nodes, seed)
        write_default_tree(session)
        for model in (PdiValue, PdiScore, PdiRating):
            session.execute(delete(model))
        for i in range(0, len(values), 2000):
            session.execute(insert(PdiValue), values[i : i + 2000])
        session.execute(insert(PdiRating), ratings)
        session.execute(
            update(DataState)
            .where(DataState.id == 1)
            .values(version=DataState.version + 1, changed_at=datetime.now(UTC))
        )
    summary = DemoPdiSummary(len(parks), len(values), len(ratings), 2)
    log.info("%s", summary.render())
    return summary
