"""Bad input gets a clear error and loses nothing: each rule on SQLite and PostgreSQL, via the API
and the CLI (message, exit status 1, emission/indicator counts and data version unchanged)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import hostile_files
import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.__main__ import cli
from datasource.ingest import ingest_file
from datasource.models import DataState, Emission, Indicator, IngestBatch, RejectedRow
from datasource.schema import load_regions
from geo.regions import RegionRecord

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HEADER = "region_code,period,sector_code,gas,value,unit\n"
GOOD = "340102,2024,1.1.1.1,CO2,10,t\n"

REGIONS = [
    RegionRecord("100000", None, "country", "全国", "China"),
    RegionRecord("340000", "100000", "province", "安徽省", "Anhui"),
    RegionRecord("340100", "340000", "city", "合肥市", "Hefei"),
    RegionRecord("340102", "340100", "county", "瑶海区", "Yaohai"),
    RegionRecord("340103", "340100", "county", "庐阳区", "Luyang"),
    RegionRecord("340104", "340100", "county", "蜀山区", "Shushan"),
    RegionRecord("340111", "340100", "county", "包河区", "Baohe"),
    RegionRecord("320000", "100000", "province", "江苏省", "Jiangsu"),
    RegionRecord("320100", "320000", "city", "南京市", "Nanjing"),
    RegionRecord("320102", "320100", "county", "玄武区", "Xuanwu"),
]


@pytest.fixture
def pool(engine):
    """A pool with regions and the example emissions and indicators already loaded."""
    with Session(engine) as session, session.begin():
        load_regions(session, REGIONS)
    for name in ("emissions.csv", "indicators.csv"):
        assert ingest_file(engine, EXAMPLES / name).ok
    return engine


def pool_state(engine) -> tuple[int, int, int, float]:
    with Session(engine) as session:
        return (
            session.scalar(select(func.count()).select_from(Emission)),
            session.scalar(select(func.count()).select_from(Indicator)),
            session.get(DataState, 1).version,
            session.scalar(select(func.sum(Emission.value))),
        )


def run_cli(db_url: str, path: Path, *args: str):
    env = {k: None for k in os.environ if k.startswith("CARBONWALL_")}
    env["CARBONWALL_DATABASE_URL"] = db_url
    return CliRunner().invoke(cli, ["ingest", str(path), *args], env=env)


def xlsx_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def csv(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(rows)).encode("utf-8")


# name, file name, bytes, expected rendered problem lines
CASES = [
    (
        "unknown_region",
        "a.csv",
        csv(GOOD, "999999,2024,1.1.1.1,CO2,10,t\n"),
        ["第 3 行 [region_code]: 未知地区代码 (unknown region): '999999'"],
    ),
    (
        "unknown_sector",
        "a.csv",
        csv("340102,2024,9.9,CO2,10,t\n"),
        ["第 2 行 [sector_code]: 未知排放源代码 (unknown sector): '9.9'"],
    ),
    (
        "unknown_gas",
        "a.csv",
        csv("340102,2024,1.1.1.1,CO,10,t\n"),
        ["第 2 行 [gas]: 未知气体 (unknown gas): 'CO'"],
    ),
    (
        "gas_not_emitted",
        "a.csv",
        csv("340102,2024,2.1,CH4,10,t\n"),
        ["第 2 行 [gas]: 排放源 2.1 不排放 CH4 (sector 2.1 Cement production reports only CO2)"],
    ),
    (
        "non_leaf_sector",
        "a.csv",
        csv("340102,2024,1.1.3,CO2,10,t\n"),
        [
            "第 2 行 [sector_code]: 排放源 1.1.3 不是末级 (not a leaf sector): 请填其下级 (use one of) "  # noqa: E501
            "1.1.3.1, 1.1.3.2, 1.1.3.3, 1.1.3.4, 1.1.3.5, 1.1.3.6"
        ],
    ),
    (
        "negative_outside_lulucf",
        "a.csv",
        csv("340102,2024,1.1.1.1,CO2,-5,t\n"),
        [
            "第 2 行 [value]: 负值仅允许用于土地利用变化与林业 (negative value -5 is only allowed in "  # noqa: E501
            "sector 4, LULUCF; sector 1.1.1.1 is not)"
        ],
    ),
    (
        "non_numeric_value",
        "a.csv",
        csv("340102,2024,1.1.1.1,CO2,12a,t\n"),
        ["第 2 行 [value]: 不是数字 (not a number): '12a'"],
    ),
    (
        "empty_value",
        "a.csv",
        csv("340102,2024,1.1.1.1,CO2,,t\n"),
        ["第 2 行 [value]: 数值为空 (empty value)"],
    ),
    (
        "malformed_period",
        "a.csv",
        csv("340102,2024-13,1.1.1.1,CO2,1,t\n"),
        [
            "第 2 行 [period]: 期间格式错误 (malformed period) '2024-13': 应为年份 2024 或月份 2024-07"  # noqa: E501
        ],
    ),
    (
        "duplicate_keys",
        "a.csv",
        csv(GOOD, "340102,2023,1.1.1.1,CO2,1,t\n", "340102,2024,1.1.1.1,co2,2,kt\n"),
        ["第 4 行: 与第 2 行重复 (duplicate key 340102, 2024, 1.1.1.1, CO2: also on line 2)"],
    ),
    (
        "missing_column",
        "a.csv",
        b"region_code,period,sector_code,gas,value\n340102,2024,1.1.1.1,CO2,1\n",
        ["第 1 行 [unit]: 缺少列 (missing column) unit"],
    ),
    ("empty_file", "a.csv", b"", ["文件: 空文件 (empty file: no header, no rows)"]),
    (
        "header_only",
        "a.csv",
        csv(),
        ["文件: 空文件: 只有表头, 没有数据行 (empty file: no data rows)"],
    ),
    (
        "wrong_encoding",
        "a.csv",
        HEADER.encode() + "340102,2024,1.1.1.1,CO2,1,t \xe9\n".encode("latin-1"),
        [
            "第 2 行: 文件编码错误 (wrong encoding): 既不是 UTF-8、UTF-8 BOM 也不是 GBK "
            "(undecodable byte 0xE9 at offset 74); 请另存为 UTF-8 编码的 CSV"
        ],
    ),
    (
        "unknown_unit",
        "a.csv",
        csv("340102,2024,1.1.1.1,CO2,1,lb\n"),
        [
            "第 2 行 [unit]: 未知单位 (unknown unit) 'lb'; 可用 (use): t, kt, 万吨, Mt, 亿吨 "
            "(HFCs/PFCs/SF6: t CO2e, kt CO2e, 万吨CO2e, Mt CO2e, 亿吨CO2e)"
        ],
    ),
    (
        "fgas_not_in_co2e",
        "a.csv",
        csv("340102,2024,2.10,SF6,1,t\n"),
        [
            "第 2 行 [unit]: 单位与气体不符 (unit 't' does not fit SF6): HFCs/PFCs/SF6 须以 CO2 当量填报 "  # noqa: E501
            "(must be given in CO2e, e.g. t CO2e, 万吨CO2e)"
        ],
    ),
    (
        "ch4_in_co2e",
        "a.csv",
        csv("340102,2024,3.1,CH4,1,万吨CO2e\n"),
        [
            "第 2 行 [unit]: 单位与气体不符 (unit '万吨CO2e' does not fit CH4): CH4 以其自身质量填报 "  # noqa: E501
            "(give tonnes of CH4: t, kt, 万吨, Mt, 亿吨)"
        ],
    ),
    (
        "xlsx_no_data_sheet",
        "a.xlsx",
        xlsx_bytes({"说明": [], "Sheet2": []}),
        ["文件: XLSX 文件没有数据表 (no data sheet: every sheet is empty)"],
    ),
    (
        "xlsx_bad_row",
        "a.xlsx",
        xlsx_bytes(
            {
                "排放": [
                    ["地区代码", "年份", "排放源代码", "气体", "数值", "单位"],
                    [340102, 2024, "1.1.1.1", "CO2", 3.5, "t"],
                    [340102, 2024.0, "1.1.1.2", "CO2", "n/a", "t"],
                ]
            }
        ),
        ["第 3 行 [value]: 不是数字 (not a number): 'n/a'"],
    ),
    (
        "xlsx_sector_code_as_number",
        "a.xlsx",
        xlsx_bytes(
            {
                "排放": [
                    ["region_code", "period", "sector_code", "gas", "value", "unit"],
                    [340102, 2024, 2.1, "CO2", 1, "t"],
                    [340102, 2024, 1.2, "CH4", 1, "t"],
                ]
            }
        ),
        [
            "第 2 行 [sector_code]: 排放源代码 2.1 在 Excel 中存成了数字, 无法区分 2.1 与 2.10 "
            "(sector code stored as a number); 请把该列设为文本格式 (format the column as text)"
        ],
    ),
    (
        "gdp_constant_without_base_year",
        "i.csv",
        csv(
            "340102,2024,gdp_constant,10,亿元,\n",
            header="region_code,period,indicator,value,unit,base_year\n",
        ),
        ["第 2 行 [base_year]: 可比价 GDP 须填价格基年 (gdp_constant requires base_year)"],
    ),
    (
        "indicator_unit",
        "i.csv",
        csv(
            "340102,2024,population,10,亿元,\n",
            header="region_code,period,indicator,value,unit,base_year\n",
        ),
        [
            "第 2 行 [unit]: 单位不适用于 population (unit '亿元' does not fit population); 可用 (use): 万人, 人"  # noqa: E501
        ],
    ),
]


# hostile files (tests/hostile_files.py): refused before they are parsed whole
CASES += [
    (
        "hostile_dtd_in_shared_strings",
        "dtd.xlsx",
        hostile_files.dtd_shared_strings(),
        [
            "文件: 无法读取 XLSX 文件: 含有 DTD 或实体声明 (a DTD or entity declaration in "
            "'xl/sharedStrings.xml'; Excel never writes one)"
        ],
    ),
    (
        "hostile_lying_zip_entry",
        "lying.xlsx",
        hostile_files.lying_zip(),
        [
            "文件: 无法读取 XLSX 文件 (unreadable XLSX): BadZipFile: "
            "Bad CRC-32 for file 'xl/worksheets/sheet1.xml'"
        ],
    ),
    (
        "hostile_long_cell",
        "a.csv",
        hostile_files.long_cell_csv(5000),
        [
            "第 2 行 [unit]: 单元格过长 (5000 characters; at most 1000): '"
            + "t" * 80
            + "'… (5000 字符 characters)"
        ],
    ),
    (
        "hostile_wide_header",
        "a.csv",
        hostile_files.wide_csv(201),
        ["第 1 行: 列数过多 (the header has 201 columns; at most 200)"],
    ),
]


@pytest.mark.parametrize(
    ("name", "file_name", "data", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_file_is_rejected_and_changes_nothing(
    pool, db_url, tmp_path, name, file_name, data, expected
):
    path = tmp_path / file_name
    path.write_bytes(data)
    before = pool_state(pool)

    report = ingest_file(pool, path)
    assert report.ok is False
    assert report.status == "rejected"
    assert [p.render() for p in report.problems] == expected
    assert report.data_version == before[2]

    result = run_cli(db_url, path)
    assert result.exit_code == 1, result.output
    assert "导入被拒绝 (rejected)" in result.output
    for line in expected:
        assert line in result.output
    assert pool_state(pool) == before

    with Session(pool) as session:
        batches = session.scalars(select(IngestBatch).where(IngestBatch.status == "rejected")).all()
        assert len(batches) == 2  # the API call and the CLI call, both in the audit log
        reasons = session.scalars(
            select(RejectedRow.reason).where(RejectedRow.batch_id == batches[-1].id)
        ).all()
        assert len(reasons) == len(expected)


def test_every_problem_is_listed_with_line_and_column(pool, db_url, tmp_path):
    path = tmp_path / "many.csv"
    path.write_bytes(
        csv(
            "999999,2024,1.1.1.1,CO2,1,t\n",
            "340102,2024-13,1.1.1.1,CO2,1,t\n",
            "340102,2024,9.9,CO2,1,t\n",
            "340102,2024,1.1.1.1,CO2,abc,t\n",
            "340102,2024,1.1.1.2,CO2,-1,t\n",
        )
    )
    before = pool_state(pool)
    report = ingest_file(pool, path)
    assert report.ok is False
    assert [(p.line, p.column) for p in report.problems] == [
        (2, "region_code"),
        (3, "period"),
        (4, "sector_code"),
        (5, "value"),
        (6, "value"),
    ]
    assert report.problem_count == 5
    result = run_cli(db_url, path)
    assert result.exit_code == 1
    assert "共 5 个问题 (problems)" in result.output
    assert pool_state(pool) == before


def test_listing_is_capped_with_a_count_of_the_rest(pool, tmp_path):
    path = tmp_path / "huge.csv"
    path.write_bytes(
        csv(*[f"340102,{1900 + i // 12}-{i % 12 + 1:02d},1.1.1.1,CO2,x,t\n" for i in range(1500)])
    )
    report = ingest_file(pool, path)
    assert report.ok is False
    assert report.problem_count == 1500
    assert len(report.problems) == 1000
    assert (
        report.render().splitlines()[-1]
        == "…… 另有 500 个问题未列出 (500 more problems not listed)"
    )
    with Session(pool) as session:
        assert session.scalar(select(func.count()).select_from(RejectedRow)) == 1001


def test_dry_run_of_a_bad_file_records_nothing(pool, db_url, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv("999999,2024,1.1.1.1,CO2,1,t\n"))
    result = run_cli(db_url, path, "--dry-run")
    assert result.exit_code == 1
    assert "未知地区代码 (unknown region): '999999'" in result.output
    with Session(pool) as session:
        assert session.scalar(select(func.count()).select_from(IngestBatch)) == 2  # the fixture's
