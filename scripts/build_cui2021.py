"""Build datasource/data/cui2021.csv.gz from the published workbook of Cui et al. (2021).

Usage: python scripts/build_cui2021.py PATH/TO/Dataset_Daily_CO2_31Provincial_...xlsx

The workbook (Zenodo record 4730175, CC BY 4.0) has one sheet per sector and year, one row per
day, one column per province (Mt CO2 per day; cells are formulas, read here as their cached
values). Every sheet has 366 day slots (2019's 29 February slot is blank); the "Ground
Transport2020" sheet labels its rows with 2019's dates (29 February unlabelled), but they are
2020's days in order, as the workbook's own Total sheet adds them up. So days are taken by
position, and every province-day is checked against that Total sheet.

Writes one gzipped CSV: date, sector (power / industry / ground_transport) and one column per
province abbreviation, values exactly as in the workbook (Mt/d).
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl

SHEETS = {"power": "Power", "industry": "Industry", "ground_transport": "Ground Transport"}
OUT = Path(__file__).resolve().parents[1] / "datasource" / "data" / "cui2021.csv.gz"


def _sheet(wb, name: str, year: int) -> tuple[list[str], dict[date, list[float]]]:
    rows = list(wb[f"{name}{year}"].iter_rows(values_only=True))
    header = [str(h) if h is not None else "" for h in rows[0]]
    provinces = header[3 : header.index("Week")]
    out: dict[date, list[float]] = {}
    for i in range(366):  # every sheet has 366 day slots; 2019's 29 February slot is blank
        row = rows[1 + i]
        slot = date(2020, 1, 1) + timedelta(days=i)
        if year != 2020 and (slot.month, slot.day) == (2, 29):
            continue
        day = slot.replace(year=year)
        label = row[0]
        if isinstance(label, datetime) and (label.month, label.day) != (day.month, day.day):
            raise SystemExit(f"{name}{year} row {i + 2}: labelled {label:%Y-%m-%d}, expected {day}")
        values = row[3 : 3 + len(provinces)]
        if not all(isinstance(v, int | float) for v in values):
            raise SystemExit(f"{name}{year} row {i + 2}: a cell is not a number")
        out[day] = [float(v) for v in values]
    return provinces, out


def main(path: str) -> None:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    data: dict[str, dict[date, list[float]]] = {s: {} for s in SHEETS}
    provinces: list[str] = []
    for sector, name in SHEETS.items():
        for year in (2019, 2020):
            cols, values = _sheet(wb, name, year)
            if provinces and cols != provinces:
                raise SystemExit(f"{name}{year}: province columns differ")
            provinces = cols
            data[sector].update(values)
    total = list(wb["Total2019-2020"].iter_rows(values_only=True))
    assert [str(h) for h in total[0][1 : 1 + len(provinces)]] == provinces
    for row in total[1:]:
        if not isinstance(row[0], datetime):
            continue
        day = row[0].date()
        for j in range(len(provinces)):
            summed = sum(data[s][day][j] for s in SHEETS)
            if abs(summed - row[1 + j]) > 1e-9:
                raise SystemExit(
                    f"{day} {provinces[j]}: sectors add to {summed}, Total {row[1 + j]}"
                )
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["date", "sector", *provinces])
    for day in sorted(data["power"]):
        for sector in SHEETS:
            writer.writerow([day.isoformat(), sector, *(repr(v) for v in data[sector][day])])
    OUT.write_bytes(gzip.compress(buf.getvalue().encode("utf-8"), compresslevel=9, mtime=0))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(data['power'])} days)")  # noqa: T201


if __name__ == "__main__":
    main(sys.argv[1])
