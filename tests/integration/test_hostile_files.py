"""Hostile import files (tests/hostile_files.py) on SQLite and PostgreSQL: each is refused
before it is parsed whole, with a named reason, a recorded rejected batch and nothing changed,
on every path a file comes in by (the CLI, POST /api/v1/ingest, the /data page, the policy
catalogue import). The zip bomb and the wide header run in a child process under a 1 GB
address-space limit and a CPU-time limit (5 s and 2 s), so a regression fails by being killed."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import flask
import hostile_files as hostile
import pytest
from click.testing import CliRunner
from dash_calls import text
from policy_docs import ADMIN
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from test_data_pool import site, upload  # noqa: F401  (site is a fixture)
from test_ingest_rules import REGIONS

from dashboard import api
from dashboard.__main__ import cli
from dashboard.config import Settings
from datasource.engine import make_sessions
from datasource.ingest import ingest_bytes
from datasource.ingest_write import record_rejection
from datasource.models import DataState, Emission, IngestBatch, RejectedRow
from datasource.readers import Problem, read_bytes
from datasource.schema import load_regions
from layouts.pages import data_pool as page

TOKEN = "hostile-token"
TESTS = Path(__file__).resolve().parents[1]
CELL_80 = "'" + "t" * 80 + "'"
LONG_CSV = (
    f"第 2 行 [unit]: 单元格过长 (1000000 characters; at most 1000): {CELL_80}… "
    "(1000000 字符 characters)"
)
LONG_XLSX = (
    "文件: 单元格过长 (a cell in 'xl/worksheets/sheet1.xml' is over 8256 bytes of XML; "
    "at most 1000 characters)"
)
DTD = (
    "文件: 无法读取 XLSX 文件: 含有 DTD 或实体声明 (a DTD or entity declaration in "
    "'xl/sharedStrings.xml'; Excel never writes one)"
)


@pytest.fixture
def pool(engine):
    with Session(engine) as session, session.begin():
        load_regions(session, REGIONS)
    assert ingest_bytes(
        engine,
        b"region_code,period,sector_code,gas,value,unit\n340102,2023,1.1.1.1,CO2,5,t\n",
        "seed.csv",
    ).ok
    return engine


def state(engine) -> tuple[int, int, float]:
    with Session(engine) as session:
        return (
            session.scalar(select(func.count()).select_from(Emission)),
            session.get(DataState, 1).version,
            session.scalar(select(func.sum(Emission.value))),
        )


def stored_reasons(engine, batch_id: int) -> list[str]:
    with Session(engine) as session:
        return list(
            session.scalars(
                select(RejectedRow.reason)
                .where(RejectedRow.batch_id == batch_id)
                .order_by(RejectedRow.id)
            )
        )


def api_client(engine):
    server = flask.Flask(__name__)
    settings = Settings(admin_tokens=TOKEN, max_upload_mb=5)
    api.register(server, sessions=make_sessions(engine), engine=engine, settings=settings)
    return server.test_client()


def post_api(engine, data: bytes, name: str):
    return api_client(engine).post(
        f"/api/v1/ingest?file_name={name}",
        data=data,
        headers={"Authorization": f"Bearer {TOKEN}"},
    )


def run_cli(db_url: str, path: Path):
    env = {k: None for k in os.environ if k.startswith("CARBONWALL_")}
    env["CARBONWALL_DATABASE_URL"] = db_url
    return CliRunner().invoke(cli, ["ingest", str(path)], env=env)


def in_child(code: str, data: bytes, tmp_path: Path, cpu_seconds: int) -> str:
    """Run ``code`` (``data`` is the file's bytes) in a fresh Python under a 1 GB address
    space, with ``cpu_seconds`` of CPU after its imports; returns its stdout."""
    path = tmp_path / "hostile.bin"
    path.write_bytes(data)
    script = textwrap.dedent(
        f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from datasource.readers import read_bytes
        data = open(sys.argv[1], "rb").read()
        used = int(sum(resource.getrusage(resource.RUSAGE_SELF)[:2])) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (used + {cpu_seconds}, used + {cpu_seconds}))
        """
    ) + textwrap.dedent(code)
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=TESTS.parent,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


# --------------------------------------------------------------------------- limits


@pytest.mark.parametrize(
    ("data", "expected"),
    [(hostile.long_cell_csv(), LONG_CSV), (hostile.long_cell_xlsx(), LONG_XLSX)],
    ids=["csv", "xlsx"],
)
def test_a_1mb_cell_is_refused_with_a_short_reason_and_a_small_record(
    pool, db_url, tmp_path, data, expected
):
    before = state(pool)
    report = ingest_bytes(pool, data, "cell.bin")
    assert (report.ok, [p.render() for p in report.problems]) == (False, [expected])
    assert state(pool) == before
    stored = stored_reasons(pool, report.batch_id)
    assert [len(r) for r in stored] == [len(expected.split(": ", 1)[1])]

    path = tmp_path / "cell.bin"
    path.write_bytes(data)
    result = run_cli(db_url, path)
    assert result.exit_code == 1
    assert expected in result.output and len(result.output) < 2000

    response = post_api(pool, data, "cell.bin")
    assert response.status_code == 422 and len(response.data) < 2000
    assert response.get_json()["problems"][0]["reason"] in expected
    assert state(pool) == before


def test_a_cell_of_1001_characters_in_xlsx_names_its_line_and_column(pool):
    data = hostile.xlsx([hostile.HEADER, [*hostile.ROW[:5], "吨" * 1001]])
    report = ingest_bytes(pool, data, "cell.xlsx")
    assert [p.render() for p in report.problems] == [
        "第 2 行 [unit]: 单元格过长 (1001 characters; at most 1000): '"
        + "吨" * 80
        + "'… (1001 字符 characters)"
    ]


def test_stored_reasons_of_one_batch_are_capped_in_bytes(pool):
    listed = [Problem(i, "unit", "x" * 2000) for i in range(2, 1002)]
    batch_id = record_rejection(
        pool, "emissions", "many.csv", "0" * 64, "utf-8", 1000, "api", listed, 1500
    )
    stored = stored_reasons(pool, batch_id)
    # each reason 500 characters and "…" = 503 UTF-8 bytes, + 4 for the column + 16 per row:
    # 523 bytes a row, 501 rows fit in 256 KB (262 023 bytes), the 502nd would not
    assert len(stored) == 502
    assert {len(r) for r in stored[:-1]} == {501}
    assert stored[-1] == "999 more problems not listed"


def test_a_zip_bomb_is_refused_before_decompression_under_1gb(pool, tmp_path):
    bomb = hostile.zip_bomb()
    assert len(bomb) < 4 * 1024 * 1024  # three million rows in about 3 MB
    out = in_child(
        "print([p.render() for p in read_bytes(data).problems])", bomb, tmp_path, cpu_seconds=5
    )
    assert out.strip() == str(
        [
            "文件: 无法读取 XLSX 文件: 解压后过大 (the XLSX declares 768016446 bytes "
            "uncompressed; at most 209715200)"
        ]
    )
    before = state(pool)
    report = ingest_bytes(pool, bomb, "bomb.xlsx")
    assert report.status == "rejected" and report.batch_id is not None
    assert stored_reasons(pool, report.batch_id)[0].startswith("无法读取 XLSX 文件: 解压后过大")
    assert state(pool) == before


def test_a_zip_entry_larger_than_it_declares_is_unreadable(pool):
    report = ingest_bytes(pool, hostile.lying_zip(), "lying.xlsx")
    assert [p.render() for p in report.problems] == [
        "文件: 无法读取 XLSX 文件 (unreadable XLSX): BadZipFile: "
        "Bad CRC-32 for file 'xl/worksheets/sheet1.xml'"
    ]


def test_100k_columns_are_refused_within_2_cpu_seconds(tmp_path):
    out = in_child(
        "print([p.render() for p in read_bytes(data).problems])",
        hostile.wide_csv(100_000),
        tmp_path,
        cpu_seconds=2,
    )
    assert out.strip() == str(["第 1 行: 表头过长 (header row of 199999 bytes; at most 16384)"])


def test_columns_past_200_are_refused_and_200_repeated_names_are_reported_once_each():
    wide = read_bytes(("," * 200 + "\n" + "1," * 200 + "\n").encode())
    assert [p.render() for p in wide.problems] == [
        "第 1 行: 列数过多 (the header has 201 columns; at most 200)"
    ]
    wide_xlsx = read_bytes(hostile.xlsx([[f"c{i}" for i in range(201)]]))
    assert [p.render() for p in wide_xlsx.problems] == [
        "第 1 行: 列数过多 (the header has 201 columns; at most 200)"
    ]
    repeated = read_bytes(hostile.wide_csv(200))
    assert [p.render() for p in repeated.problems] == []
    gases = read_bytes(("gas," * 199 + "gas\n" + "CO2," * 199 + "CO2\n").encode())
    assert len(gases.problems) == 199
    assert gases.problems[0].render() == (
        "第 1 行 [gas]: 列重复 (column appears twice: 'gas' and 'gas')"
    )
    assert list(gases.frame.columns) == ["gas"]


def test_a_long_header_is_refused_before_pandas_reads_it():
    header = ",".join(f"{'备注' * 30}{i}" for i in range(100)).encode()
    table = read_bytes(header + b"\n")
    assert [p.render() for p in table.problems] == [
        f"第 1 行: 表头过长 (header row of {len(header)} bytes; at most 16384)"
    ]


def test_a_lone_carriage_return_in_the_header_is_a_problem_not_a_crash():
    # found by the API fuzzer: csv.reader raised on the header before pandas ever read it
    table = read_bytes(b"region_code\r,period\n340000,2024\n")
    assert [p.render() for p in table.problems] == [
        "第 2 行: 列数与表头不符 (row has 2 fields, the header has fewer)"
    ]


# --------------------------------------------------------------------------- malformed XLSX


def test_a_dtd_in_shared_strings_is_a_rejected_batch_on_every_path(
    db_url,
    tmp_path,
    engine,
    site,  # noqa: F811  (site loads the regions)
):
    pool = engine
    data = hostile.dtd_shared_strings()
    before = state(pool)
    path = tmp_path / "dtd.xlsx"
    path.write_bytes(data)
    result = run_cli(db_url, path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert DTD in result.output

    response = post_api(pool, data, "dtd.xlsx")
    assert response.status_code == 422
    assert response.get_json()["problems"][0]["reason"] == DTD.split(": ", 1)[1]

    client = site.server.test_client()
    assert (
        client.post(
            "/api/policy/login", json={"username": ADMIN[0], "password": ADMIN[1]}
        ).status_code
        == 200
    )
    out = upload(client, site, data, name="dtd.xlsx")
    shown = text(out[page.REPORT]["children"])
    assert DTD.split(": ", 1)[1] in shown and "数据暂时无法加载" not in shown

    with Session(pool) as session:
        batches = session.scalars(
            select(IngestBatch).where(IngestBatch.file_name == "dtd.xlsx").order_by(IngestBatch.id)
        ).all()
    assert [(b.status, b.source) for b in batches] == [
        ("rejected", "cli"),
        ("rejected", "api"),
        ("rejected", "web"),
    ]
    assert state(pool) == before

    catalogue = client.post("/api/policy/import", data={"file": (io.BytesIO(data), "c.xlsx")})
    assert catalogue.status_code == 422
    # the policy library renders a problem without a line as the form's (表单)
    assert catalogue.get_json()["problems"] == ["表单: " + DTD.split(": ", 1)[1]]


def test_an_external_entity_is_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    table = read_bytes(hostile.dtd_shared_strings(secret.as_uri()))
    assert table.frame.empty
    assert "TOP-SECRET-VALUE" not in repr(table.problems)


def test_the_pdi_kinds_read_xlsx_under_the_same_limits(engine, db_url, tmp_path):
    path = tmp_path / "scores.xlsx"
    for data, reason in ((hostile.dtd_shared_strings(), DTD), (hostile.zip_bomb(), "解压后过大")):
        path.write_bytes(data)
        env = {k: None for k in os.environ if k.startswith("CARBONWALL_")}
        env["CARBONWALL_DATABASE_URL"] = db_url
        result = CliRunner().invoke(cli, ["ingest", str(path), "--kind", "pdi_scores"], env=env)
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert reason.split(": ", 1)[-1] in result.output
