"""Pure builders of the policy administration page: no database, no browser."""

from __future__ import annotations

from datetime import UTC, date, datetime

from dash import html

from datasource.policy import AuditEntry, Hit, ImportReport, Problem, RowReport, SearchPage
from layouts.figures_policy import field_names, file_size
from layouts.pages import policy_admin as page


def _text(component) -> str:
    if isinstance(component, list | tuple):
        return "".join(_text(c) for c in component)
    if hasattr(component, "children"):
        return _text(component.children)
    return "" if component is None else str(component)


def test_file_sizes():
    assert [file_size(n) for n in (39, 1023, 1024, 12_600, 5 * 1024 * 1024)] == [
        "39 B",
        "1023 B",
        "1.0 KB",
        "12.3 KB",
        "5.0 MB",
    ]


def test_field_names_follow_the_form_order_in_both_languages():
    assert field_names(["body", "title", "issued_on"]) == "标题、发文日期、正文"
    assert field_names(["body", "title"], "en") == "title, text"


def test_audit_detail_of_an_edit_and_of_an_upload():
    at = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    edit = AuditEntry(at, "admin", "edit", 7, {"title": {"old": "甲", "new": "乙"}})
    upload = AuditEntry(at, "admin", "upload_pdf", 7, {"file_name": "a.pdf", "replaced": None})
    assert page.audit_detail(edit) == "标题：甲 → 乙"
    assert page.audit_detail(upload) == "file_name=a.pdf"
    table = page.audit_list([edit], "zh")
    cells = [_text(td) for td in table.children[1].children[0].children]
    assert cells == ["2026-11-24 16:00:00", "admin", "修改", "7", "标题：甲 → 乙"]


def test_import_result_lists_every_problem_with_its_row():
    bad = ImportReport(
        False,
        0,
        (
            RowReport(2, "甲", ()),
            RowReport(3, "乙", (Problem(3, "issued_on", "日期无法识别 'x'，应为 YYYY-MM-DD"),)),
        ),
    )
    shown = page.import_result(bad, "目录.csv", False, "zh")
    assert _text(shown) == (
        "未导入（全部或全不）：目录.csv 中有 1 处问题"
        "第 3 行 [issued_on]: 日期无法识别 'x'，应为 YYYY-MM-DD"
    )
    ok = ImportReport(True, 2, (RowReport(2, "甲", ()), RowReport(3, "乙", ())))
    assert _text(page.import_result(ok, "目录.csv", False, "zh")) == "已导入 2 份文件（目录.csv）"
    dry = ImportReport(False, 0, ok.rows)
    assert _text(page.import_result(dry, "x.csv", True, "en")) == (
        "All 2 rows are valid (nothing imported)"
    )


def test_document_list_marks_hidden_ones_and_gives_each_an_edit_button():
    hits = (
        Hit(
            5,
            "甲方案",
            None,
            "国务院",
            date(2021, 10, 24),
            "national",
            "政策法规",
            "100000",
            True,
            0.0,
            "",
        ),
    )
    table = page.document_list(SearchPage(1, hits, ()), "zh")
    row = table.children[1].children[0]
    assert [_text(td) for td in row.children][:5] == [
        "5",
        "甲方案",
        "国务院",
        "2021-10-24",
        "已隐藏",
    ]
    assert row.children[5].children.id == page.edit_id(5)
    assert isinstance(page.document_list(SearchPage(0, (), ()), "en"), html.P)


def test_the_page_carries_no_data_and_the_upload_limit():
    built = page.build(type("S", (), {"max_upload_mb": 3})(), {}, "zh")
    found = {}

    def walk(c):
        if getattr(c, "id", None) in (page.PDF, page.IMPORT, page.LIST, page.AUDIT, page.BODY):
            found[c.id] = c
        kids = getattr(c, "children", None)
        for k in kids if isinstance(kids, list | tuple) else [kids]:
            if k is not None and not isinstance(k, str):
                walk(k)

    walk(built)
    assert found[page.PDF].max_size == 3 * 1024 * 1024
    assert found[page.IMPORT].max_size == 3 * 1024 * 1024
    assert getattr(found[page.LIST], "children", None) is None
    assert getattr(found[page.AUDIT], "children", None) is None
    assert found[page.BODY].style == {"display": "none"}
