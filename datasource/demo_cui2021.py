"""`carbonwall demo --dataset cui2021`: the real daily CO2 of China's 31 provinces in 2019 and
2020 (Cui et al. 2021, CC BY 4.0), loaded from the copy shipped in ``data/cui2021.csv.gz``
through the normal ingest, with its credit recorded for the API and the screens.

The sector mapping (docs/periods.md "The cui2021 dataset"):
- power -> 1.1.1.1 电力生产 (public electricity and heat, under energy activities);
- industry -> 1.1.3.5 其他工业: the dataset gives one industry figure per province and day
  (fuel combustion and process CO2 together, no branches); splitting it over the steel,
  cement, ... leaves or into combustion and process would invent ratios, so it goes whole to
  one industrial-energy leaf;
- ground transport (road vehicles) -> 1.1.4 交通运输 (the tree has no road-only leaf).
The dataset's national column is not loaded: the country is the sum of the 31 provinces.
"""

from __future__ import annotations

import gzip
import io
import logging
import time
from dataclasses import dataclass
from importlib import resources

import pandas as pd
from sqlalchemy import Engine

from datasource import datasets
from datasource.ingest import ingest_frame

log = logging.getLogger(__name__)

CODE = "cui2021"
DATASET = datasets.Dataset(
    code=CODE,
    name_zh="中国31省逐日二氧化碳排放（2019—2020）",
    name_en="Daily CO2 emission for China's provinces in 2019 and 2020 (Cui et al. 2021)",
    licence="CC BY 4.0",
    url="https://doi.org/10.5281/zenodo.4730175",
    citation=(
        "Cui, D. et al. (2021). Daily CO2 emission for China's provinces in 2019 and 2020 "
        "[data set]. Earth System Science Data. Zenodo. https://doi.org/10.5281/zenodo.4730175"
    ),
)
SECTORS = {"power": "1.1.1.1", "industry": "1.1.3.5", "ground_transport": "1.1.4"}
PROVINCES = {  # the dataset's column headers -> GB/T 2260 codes
    "BJ": "110000",
    "TJ": "120000",
    "HEB": "130000",
    "SX": "140000",
    "IM": "150000",
    "LN": "210000",
    "JL": "220000",
    "HLJ": "230000",
    "SH": "310000",
    "JS": "320000",
    "ZJ": "330000",
    "AH": "340000",
    "FJ": "350000",
    "JX": "360000",
    "SD": "370000",
    "HEN": "410000",
    "HUB": "420000",
    "HUN": "430000",
    "GD": "440000",
    "GX": "450000",
    "HAN": "460000",
    "CQ": "500000",
    "SC": "510000",
    "GZ": "520000",
    "YN": "530000",
    "Tibet": "540000",
    "SAX": "610000",
    "GS": "620000",
    "QH": "630000",
    "NX": "640000",
    "XJ": "650000",
}


class DatasetError(RuntimeError):
    """The dataset could not be loaded (its rows were rejected)."""


@dataclass(frozen=True)
class LoadSummary:
    rows: int
    status: str
    batch_id: int | None
    seconds: float

    def render(self) -> str:
        return (
            f"dataset {CODE}: {DATASET.name_en}, {DATASET.licence}, {DATASET.url}\n"
            f"{self.rows} rows (31 provinces x 731 days x 3 sectors, Mt CO2/d), {self.status}, "
            f"{self.seconds:.1f} s"
        )


def read_wide() -> pd.DataFrame:
    """The shipped file as published: date, sector, one column per province (Mt CO2 per day)."""
    raw = (resources.files("datasource") / "data" / "cui2021.csv.gz").read_bytes()
    return pd.read_csv(io.BytesIO(gzip.decompress(raw)), dtype={"date": str, "sector": str})


def emissions_frame(wide: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ingest's emission columns: one row per province, day and sector, in Mt CO2."""
    wide = read_wide() if wide is None else wide
    long = wide.melt(id_vars=["date", "sector"], var_name="abbr", value_name="value")
    return pd.DataFrame(
        {
            "region_code": long.abbr.map(PROVINCES),
            "period": long.date,
            "sector_code": long.sector.map(SECTORS),
            "gas": "CO2",
            "value": long.value,
            "unit": "Mt",
        }
    )


def load(engine: Engine) -> LoadSummary:
    """Ingest the dataset (one batch) and record its credit; running it again changes nothing."""
    start = time.perf_counter()
    frame = emissions_frame()
    report = ingest_frame(
        engine, frame, kind="emissions", file_name="cui2021-daily-co2.csv", source="demo"
    )
    if not report.ok:
        raise DatasetError(f"the {CODE} dataset was rejected:\n{report.render()}")
    if report.status == "accepted" and report.batch_id is not None:
        datasets.register(engine, DATASET, [report.batch_id])
    log.info("dataset %s: %d rows, %s", CODE, len(frame), report.status)
    return LoadSummary(len(frame), report.status, report.batch_id, time.perf_counter() - start)
