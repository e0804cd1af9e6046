"""Pure parts of the policy library: file-name sanitising, query terms, dates, snippets,
field validation, the views chart and the statistics export."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from datasource import policy
from datasource.policy import PolicyStats, TopAgency, TopDocument
from layouts import figures_policy


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\x.PDF", "x.pdf"),
        ("2030年前碳达峰行动方案（全文）.pdf", "2030年前碳达峰行动方案（全文）.pdf"),
        ("a b;rm -rf $HOME.pdf", "a_b_rm_-rf_HOME.pdf"),
        (".hidden", "hidden.pdf"),
        ("../..", "document.pdf"),
        ("evil\x00name.pdf.exe", "evilname.pdf.exe.pdf"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
    ],
)
def test_file_names_are_sanitised(name, safe):
    assert policy.sanitize_file_name(name) == safe


def test_query_terms():
    assert policy.split_terms("  碳达峰　行动方案 碳达峰 ") == ("碳达峰", "行动方案")
    assert policy.split_terms(None) == ()
    assert policy._fts_phrase(['say "hi"', "碳达峰"]) == '"say ""hi""" "碳达峰"'
    assert policy._like_pattern("50%_\\") == "%50\\%\\_\\\\%"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-10-24", date(2021, 10, 24)),
        ("2021/1/5", date(2021, 1, 5)),
        ("2021年10月24日", date(2021, 10, 24)),
        ("2021-13-01", None),
        ("昨天", None),
    ],
)
def test_dates(text, expected):
    assert policy.parse_date(text) == expected


def test_snippet_centres_on_the_first_term():
    body = "甲" * 100 + "碳达峰" + "乙" * 100
    assert (
        policy.snippet(body, ["碳达峰"], width=30) == "…" + "甲" * 10 + "碳达峰" + "乙" * 17 + "…"
    )
    assert policy.snippet("短文", ["无"]) == "短文"


def test_field_validation_lists_every_problem():
    clean, problems = policy.clean_fields(
        {
            "title": "",
            "agency": "国务院",
            "issued_on": "2021-02-30",
            "level": "省级",
            "category": "通知",
            "region_code": "12",
            "colour": "red",
        },
        known_regions={"P001"},
    )
    assert sorted(p.column for p in problems) == [
        "category",
        "colour",
        "issued_on",
        "region_code",
        "title",
    ]
    assert clean["level"] == "provincial"
    _, ok = policy.clean_fields({"region_code": "P001"}, known_regions={"P001"}, partial=True)
    assert ok == []


STATS = PolicyStats(
    "policy",
    "month",
    "2026-03",
    32,
    (("2026-02", 4), ("2026-03", 32)),
    (TopDocument(1, 7, "安徽省碳达峰实施方案", 9),),
    (TopAgency(1, "国家发展改革委", 3),),
)


def test_views_chart_highlights_the_month():
    fig = figures_policy.views_chart(STATS.series, highlight="2026-03")
    bar = fig.data[0]
    assert list(bar.x) == ["2026-02", "2026-03"] and list(bar.y) == [4, 32]
    assert bar.marker.color[1] == "#38bdf8"
    empty = figures_policy.views_chart((("2026-03", 0),))
    assert len(empty.data) == 0 and empty.layout.annotations[0].text == "暂无浏览数据"


def test_export_csv_and_xlsx():
    rows = list(csv.reader(io.StringIO(figures_policy.export_csv(STATS).decode("utf-8-sig"))))
    assert rows[0] == ["政策文件统计", "2026-03", "浏览量", "32"]
    assert ["", "1", "安徽省碳达峰实施方案", "9"] in rows
    assert ["", "1", "国家发展改革委", "3"] in rows
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(figures_policy.export_xlsx(STATS))).active
    assert [c.value for c in sheet[1]] == ["政策文件统计", "2026-03", "浏览量", 32]
    assert figures_policy.export_name(STATS, "csv") == "policy-stats-policy-2026-03.csv"
