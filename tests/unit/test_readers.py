"""Reading import files: encodings, header aliases, kind detection, text cells, line numbers."""

from __future__ import annotations

import io

import openpyxl

from datasource.readers import canonical_column, decode, detect_kind, read_bytes


def test_utf8_bom_and_gbk_are_told_apart_by_their_bytes():
    text = "地区代码,年份\n340100,2024\n"
    assert decode(text.encode("utf-8"))[:2] == (text, "utf-8")
    assert decode(text.encode("utf-8-sig"))[:2] == (text, "utf-8-bom")
    assert decode(text.encode("gbk"))[:2] == (text, "gbk")


def test_undecodable_bytes_name_the_line():
    _text, encoding, problem = decode(b"a,b\n1,2\n3,\xff\xff\n")
    assert encoding is None
    assert problem.line == 3
    assert problem.reason.startswith("文件编码错误 (wrong encoding)")


def test_chinese_headers_map_to_columns_and_the_kind():
    names = ["地区代码", "年份", "排放源代码", "气体", "数值", "单位"]
    columns = [canonical_column(n) for n in names]
    assert columns == ["region_code", "period", "sector_code", "gas", "value", "unit"]
    assert detect_kind(columns) == "emissions"
    assert detect_kind(["region_code", "period", "indicator", "value", "unit"]) == "indicators"
    assert detect_kind(["code", "name_zh", "county_code", "lon", "lat"]) == "parks"
    assert detect_kind(["region_code", "plan", "metric"]) == "targets"
    assert detect_kind(["code", "parent_code", "level", "name_zh"]) == "regions"
    assert detect_kind(["foo"]) is None


def test_csv_cells_stay_text_and_blank_lines_keep_line_numbers():
    table = read_bytes(b"sector_code,region_code\n2.10,0340100\n\n2.1,340100\n")
    assert table.frame.to_dict("list") == {
        "sector_code": ["2.10", "2.1"],
        "region_code": ["0340100", "340100"],
    }
    assert table.lines.tolist() == [2, 4]


def test_xlsx_numbers_and_dates_become_text():
    from datetime import datetime

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["region_code", "period", "value"])
    sheet.append([340100, 2024.0, 1.5])
    sheet.append([340100, datetime(2024, 7, 1), 2])
    buf = io.BytesIO()
    book.save(buf)
    table = read_bytes(buf.getvalue())
    assert table.encoding == "xlsx"
    assert table.frame.to_dict("list") == {
        "region_code": ["340100", "340100"],
        "period": ["2024", "2024-07"],
        "value": ["1.5", "2"],
    }
    assert table.lines.tolist() == [2, 3]


def test_semicolon_separated_files_are_read():
    table = read_bytes(b"region_code;period\n340100;2024\n")
    assert table.frame.to_dict("list") == {"region_code": ["340100"], "period": ["2024"]}
