"""Property-based fuzzing of emission files (hypothesis) through datasource.ingest.ingest_bytes,
the path the CLI and POST /api/v1/ingest share. Files are built from cells that are good, bad or
odd (region codes, periods, sector leaves, gases and their aliases, units, numbers), then
mangled as files are in real life (a column dropped or renamed, a key repeated, another encoding,
stray bytes, no rows). Invariants:

- rejected means unchanged: every emission row and the data version are as before;
- accepted means every row reads back exactly (value times its unit's factor, in t);
- a file of only good rows with distinct keys is accepted.

SQLite with the bigger budget; PostgreSQL with a smaller one.
"""

from __future__ import annotations

import math

import pytest
import wall_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from datasource import reference
from datasource.engine import make_engine
from datasource.ingest import ingest_bytes
from datasource.models import Region
from datasource.readers import canonical_column
from datasource.schema import migrate

COLUMNS = ("region_code", "period", "sector_code", "gas", "value", "unit")
PERIODS = {
    "2024": "2024",
    "2019": "2019",
    "2024-07": "2024-07",
    "2024-7": "2024-07",
    "2024年": "2024",
}
BAD_PERIODS = ("2024-13", "24", "abc", "", "2024-00", "1899", "20240", "2024/13/01")
GASES = {
    "CO2": "CO2",
    "co2": "CO2",
    "二氧化碳": "CO2",
    "CH4": "CH4",
    "甲烷": "CH4",
    "N2O": "N2O",
    "HFCs": "HFCs",
    "hfc": "HFCs",
    "PFCs": "PFCs",
    "SF6": "SF6",
}
BAD_GASES = ("CO3", "", "H2O", "co2e", "NF3")
MASS_UNITS = {"t": 1.0, "吨": 1.0, "kt": 1e3, "万吨": 1e4, "Mt": 1e6}
F_UNITS = {"t CO2e": 1.0, "万吨CO2e": 1e4}
BAD_UNITS = ("kg", "", "tonnes", "万吨标准煤", "m3")
BAD_CODES = ("999999", "34010", "abc", "", "3401020", "３４０１０２", "340102;DROP TABLE emission")
BAD_SECTORS = ("1.1", "9.9", "x", "", "1.1.1.1.1", "2")
PAIRS = [(s.code, g) for s in reference.leaves() for g in s.gases]


@st.composite
def good_rows(draw, codes: list[str], n: int | None = None):  # type: ignore[no-untyped-def]
    """Rows every check should pass, with distinct keys."""
    count = n if n is not None else draw(st.integers(1, 6))
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(codes), st.sampled_from(sorted(PERIODS)), st.sampled_from(PAIRS)
            ),
            min_size=count,
            max_size=count,
            unique_by=lambda k: (k[0], PERIODS[k[1]], k[2]),
        )
    )
    rows = []
    for code, period, (sector, gas) in keys:
        alias = draw(st.sampled_from([a for a, g in GASES.items() if g == gas]))
        units = F_UNITS if gas in ("HFCs", "PFCs", "SF6") else MASS_UNITS
        unit = draw(st.sampled_from(sorted(units)))
        value = draw(st.floats(0, 1e7, allow_nan=False, allow_infinity=False))
        if sector == "4.1":
            value = -value
        rows.append([code, period, sector, alias, repr(value), unit])
    return rows


@st.composite
def odd_rows(draw, codes: list[str]):  # type: ignore[no-untyped-def]
    """Good rows with some cells replaced by bad or odd ones."""
    rows = draw(good_rows(codes))
    bad = {
        0: st.sampled_from(BAD_CODES),
        1: st.sampled_from(BAD_PERIODS),
        2: st.sampled_from(BAD_SECTORS),
        3: st.sampled_from(BAD_GASES),
        4: st.one_of(
            st.sampled_from(("abc", "", "1,234.5", "1e400", "--5", "nan", "inf", "-inf", "1.2.3")),
            # finite values that overflow their unit factor have their own test,
            # test_a_value_that_overflows_its_unit_is_rejected; kept out of the random draw
            st.floats(min_value=-1e300, max_value=1e300).map(repr),
            st.sampled_from(("nan", "inf", "-inf")),
            st.text(max_size=6),
        ),
        5: st.sampled_from(BAD_UNITS + tuple(MASS_UNITS) + tuple(F_UNITS)),
    }
    for row in rows:
        for col in draw(st.sets(st.integers(0, 5), max_size=2)):
            row[col] = draw(bad[col])
    return rows


def to_csv(header: list[str], rows: list[list[str]]) -> str:
    def cell(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if any(c in v for c in ',"\n\r') else v

    return "\n".join(",".join(cell(v) for v in r) for r in [header, *rows]) + "\n"


@st.composite
def files(draw, codes: list[str]):  # type: ignore[no-untyped-def]
    """(bytes, rows as written or None when the file is mangled beyond a row reading)."""
    rows = draw(st.one_of(good_rows(codes), odd_rows(codes)))
    header = list(COLUMNS)
    mangle = draw(
        st.sampled_from(
            [
                "none",
                "none",
                "drop_column",
                "rename_column",
                "duplicate_key",
                "no_rows",
                "stray_bytes",
                "extra_column",
            ]
        )
    )
    if mangle == "drop_column":
        col = draw(st.integers(0, 5))
        header.pop(col)
        rows = [r[:col] + r[col + 1 :] for r in rows]
    elif mangle == "rename_column":
        header[draw(st.integers(0, 5))] = draw(st.sampled_from(["区域", "x", "", "value2"]))
    elif mangle == "duplicate_key":
        first = list(rows[0])
        first[4] = repr(draw(st.floats(0, 1e6, allow_nan=False)))
        rows = [*rows, first]
    elif mangle == "no_rows":
        rows = []
    elif mangle == "extra_column":
        header.append("note")
        rows = [[*r, "备注"] for r in rows]
    body = to_csv(header, rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk", "utf-16"]))
    try:
        data = body.encode(encoding)
    except UnicodeEncodeError:
        data = body.encode("utf-8")
    if mangle == "stray_bytes":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    return data, header, rows


def snapshot(engine):  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        rows = {
            tuple(r[:4]): r[4]
            for r in conn.execute(
                text("SELECT region_code, period, sector_code, gas, value FROM emission")
            )
        }
        version = conn.execute(text("SELECT version FROM data_state WHERE id = 1")).scalar_one()
    return rows, version


def expected_value(row: list[str]) -> tuple[tuple[str, str, str, str], float]:
    code, period, sector, alias, value, unit = row
    gas = GASES[alias]
    factor = {**MASS_UNITS, **F_UNITS}[unit]
    return (code, PERIODS[period], sector, gas), float(value) * factor


def check_one(engine, data: bytes, header: list[str], rows: list[list[str]]) -> str:  # type: ignore[no-untyped-def]
    before_rows, before_version = snapshot(engine)
    report = ingest_bytes(engine, data, "fuzz.csv", kind="emissions", source="fuzz")
    after_rows, after_version = snapshot(engine)
    if not report.ok:
        assert report.status == "rejected"
        assert (after_rows, after_version) == (before_rows, before_version)
        return "rejected"
    # an extra column is ignored and a header may be a known alias: every required column
    # must be there, and the rows are read through the canonical names
    canonical = [canonical_column(h) or h for h in header]
    assert set(COLUMNS) <= set(canonical), f"accepted a file with columns {header}"
    rows = [[r[canonical.index(c)] for c in COLUMNS] for r in rows]
    assert report.rows == len(rows)
    for row in rows:
        key, value = expected_value(row)  # KeyError: an odd cell was accepted
        assert key in after_rows, f"{row} accepted but not stored"
        assert math.isclose(after_rows[key], value, rel_tol=1e-12, abs_tol=1e-9), (row, key)
    untouched = {
        k: v for k, v in before_rows.items() if k not in {expected_value(r)[0] for r in rows}
    }
    assert {k: after_rows[k] for k in untouched} == untouched
    assert after_version == before_version + (1 if report.status == "accepted" else 0)
    return report.status


def pool_codes(engine) -> list[str]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return sorted(
            conn.execute(
                select(Region.code).where(Region.level.in_(["province", "city", "county"]))
            ).scalars()
        )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fuzz_pool(request, tmp_path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path}/fuzz.sqlite")
        migrate(engine)
        wall_data.pool(engine)
        yield engine, 300
        engine.dispose()
        return
    from pgschema import pg_schema_url

    gen = pg_schema_url()
    url = next(gen)
    engine = make_engine(url)
    migrate(engine)
    wall_data.pool(engine)
    yield engine, 60
    engine.dispose()
    gen.close()


def test_rejected_means_unchanged_and_accepted_reads_back(fuzz_pool):
    engine, budget = fuzz_pool
    codes = pool_codes(engine)
    seen: dict[str, int] = {}

    @settings(
        max_examples=budget,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(files(codes))
    def run(case):  # type: ignore[no-untyped-def]
        outcome = check_one(engine, *case)
        seen[outcome] = seen.get(outcome, 0) + 1

    run()
    assert seen.get("rejected", 0) > 0  # the generator does reach the checks
    assert seen.get("accepted", 0) + seen.get("unchanged", 0) > 0


def test_good_rows_are_always_accepted(fuzz_pool):
    engine, budget = fuzz_pool
    codes = pool_codes(engine)

    @settings(
        max_examples=max(10, budget // 4),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(good_rows(codes), st.sampled_from(["utf-8", "utf-8-sig", "gbk"]))
    def run(rows, encoding):  # type: ignore[no-untyped-def]
        data = to_csv(list(COLUMNS), rows).encode(encoding)
        assert check_one(engine, data, list(COLUMNS), rows) in ("accepted", "unchanged")

    run()


def test_a_value_that_overflows_its_unit_is_rejected(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/overflow.sqlite")
    migrate(engine)
    wall_data.pool(engine)
    row = ["340102", "2019", "1.1.1.1", "CO2", "1e305", "万吨"]
    data = to_csv(list(COLUMNS), [row]).encode()
    before = snapshot(engine)
    report = ingest_bytes(engine, data, "overflow.csv", kind="emissions", source="fuzz")
    assert report.status == "rejected"
    assert snapshot(engine) == before
    engine.dispose()
