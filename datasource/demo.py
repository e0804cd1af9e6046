"""`carbonwall demo`: fill the data pool with deterministic, plausible demo data through the
real ingest (one emissions batch per province, then indicators, parks, park emissions, targets).

The method is described in README "Demo data"; the numbers live in ``demo_profiles``, the
pure frame builders in ``demo_frames`` and ``demo_parks``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine, select

from datasource import demo_frames, demo_parks
from datasource.ingest import IngestReport, ingest_frame
from datasource.models import Region

log = logging.getLogger(__name__)
SCALES = ("national", "province")


class DemoError(RuntimeError):
    """The demo could not be loaded (empty region registry, unknown province, rejected frame)."""


@dataclass
class DemoSummary:
    scale: str
    seed: int
    provinces: int = 0
    counties: int = 0
    emission_rows: int = 0
    indicator_rows: int = 0
    parks: int = 0
    park_emission_rows: int = 0
    target_rows: int = 0
    park_indicator_rows: int = 0  # zero-carbon yardstick, 2025 and 2026 (issue 21)
    batches: dict[str, int] = field(default_factory=dict)  # status -> count
    seconds_generate: float = 0.0
    seconds_ingest: float = 0.0

    @property
    def seconds(self) -> float:
        return self.seconds_generate + self.seconds_ingest

    def render(self) -> str:
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(self.batches.items()))
        return (
            f"demo data ({self.scale}, seed {self.seed}): {self.provinces} provinces, "
            f"{self.counties} counties, {self.parks} parks\n"
            f"rows: emissions {self.emission_rows}, indicators {self.indicator_rows}, "
            f"park emissions {self.park_emission_rows}, targets {self.target_rows}, "
            f"zero-carbon park indicators {self.park_indicator_rows}\n"
            f"batches: {statuses}\n"
            f"generate {self.seconds_generate:.1f} s + ingest {self.seconds_ingest:.1f} s "
            f"= {self.seconds:.1f} s"
        )


def read_regions(engine: Engine) -> pd.DataFrame:
    """The administrative region registry (columns code, parent_code, level, name_zh, name_en)."""
    stmt = select(
        Region.code, Region.parent_code, Region.level, Region.name_zh, Region.name_en
    ).where(Region.level != "park")
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame(rows, columns=["code", "parent_code", "level", "name_zh", "name_en"])


def generate(
    engine: Engine,
    *,
    scale: str = "national",
    seed: int = 2060,
    province: str = "340000",
    park_point: demo_parks.PointFn | None = None,
) -> DemoSummary:
    """Generate and ingest the demo; running it again with the same seed changes nothing.

    ``park_point(county_code) -> (lon, lat)`` places the parks; without it they have no
    location. Raises DemoError when a frame is rejected or the region registry is empty.
    """
    if scale not in SCALES:
        raise DemoError(f"unknown scale {scale!r}; use one of {', '.join(SCALES)}")
    leaves = demo_frames.leaf_table(read_regions(engine))
    if leaves.empty:
        raise DemoError("the region registry is empty: run `carbonwall init-db` first")
    provinces = sorted(leaves["province"].unique())
    if scale == "province":
        if province not in provinces:
            raise DemoError(
                f"province {province!r} is not one of the 31 mainland provinces in the registry"
            )
        provinces = [province]
    summary = DemoSummary(scale=scale, seed=seed, provinces=len(provinces))
    risers = demo_parks.latest_year_risers(seed)
    indicators, parks, park_emissions = [], [], []
    for code in provinces:
        start = time.perf_counter()
        mine = leaves[leaves["province"] == code]
        data = demo_frames.province_data(mine, code, seed=seed, jump=code in risers)
        p, pe = demo_parks.province_parks(
            mine, code, data.county_energy_co2_2021, seed=seed, park_point=park_point
        )
        summary.seconds_generate += time.perf_counter() - start
        _ingest(engine, summary, data.emissions, "emissions", f"demo-emissions-{code}.csv")
        summary.counties += len(mine)
        summary.emission_rows += len(data.emissions)
        indicators.append(data.indicators)
        parks.append(p)
        park_emissions.append(pe)
        log.info("demo: province %s, %d emission rows", code, len(data.emissions))
    start = time.perf_counter()
    frames = {
        "indicators": pd.concat(indicators, ignore_index=True),
        "parks": pd.concat(parks, ignore_index=True),
        "park-emissions": pd.concat(park_emissions, ignore_index=True),
        "targets": demo_parks.targets_frame(provinces, country=scale == "national"),
    }
    summary.seconds_generate += time.perf_counter() - start
    suffix = "national" if scale == "national" else provinces[0]
    for name, frame in frames.items():
        kind = "emissions" if name == "park-emissions" else name
        _ingest(engine, summary, frame, kind, f"demo-{name}-{suffix}.csv")
    summary.indicator_rows = len(frames["indicators"])
    summary.parks = len(frames["parks"])
    summary.park_emission_rows = len(frames["park-emissions"])
    summary.target_rows = len(frames["targets"])
    summary.park_indicator_rows = _ingest_zero_carbon(engine, frames["parks"], seed, suffix)
    log.info("demo loaded in %.1f s", summary.seconds)
    return summary


def _ingest(
    engine: Engine, summary: DemoSummary, frame: pd.DataFrame, kind: str, file_name: str
) -> IngestReport:
    start = time.perf_counter()
    report = ingest_frame(engine, frame, kind=kind, file_name=file_name, source="demo")
    summary.seconds_ingest += time.perf_counter() - start
    if not report.ok:
        raise DemoError(f"the demo's {file_name} was rejected:\n{report.render()}")
    summary.batches[report.status] = summary.batches.get(report.status, 0) + 1
    return report


def _ingest_zero_carbon(engine: Engine, parks: pd.DataFrame, seed: int, suffix: str) -> int:
    """The parks' zero-carbon indicators through the park_indicators kind (its own batch, not
    counted in ``batches``: that tallies the data pool's own kinds)."""
    from datasource import zero_carbon_ingest

    frame = demo_parks.zero_carbon_frame(parks, seed=seed)
    name = f"demo-park-indicators-{suffix}.csv"
    data = frame.to_csv(index=False).encode("utf-8")
    report = zero_carbon_ingest.ingest_bytes(
        engine, data, name, kind="park_indicators", source="demo"
    )
    if not report.ok:
        raise DemoError(f"the demo's {name} was rejected:\n{report.render()}")
    return len(frame)
