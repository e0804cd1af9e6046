"""Pure builders of the data pool page (/data): no database, no browser."""

from __future__ import annotations

from datetime import UTC, datetime

from callbacks.data_pool import _file_name
from datasource.ingest import IngestReport
from datasource.pdi_ingest import PdiReport
from datasource.pool_admin import (
    Batch,
    BatchDetail,
    BatchPage,
    PoolState,
    RejectedLine,
    ReplacedValue,
)
from datasource.readers import Problem
from layouts import data_pool_text as words
from layouts import router
from layouts.pages import data_pool as page

AT = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def _text(component) -> str:
    if isinstance(component, list | tuple):
        return "".join(_text(c) for c in component)
    if hasattr(component, "children"):
        return _text(component.children)
    return "" if component is None else str(component)


def _ids(node, found):
    if isinstance(node, list | tuple):
        for n in node:
            _ids(n, found)
    elif hasattr(node, "to_plotly_json"):
        if getattr(node, "id", None) is not None:
            found.append(node.id)
        _ids(getattr(node, "children", None), found)
    return found


def _components(node, found):
    """id -> component of every component with an id under ``node``."""
    if isinstance(node, list | tuple):
        for n in node:
            _components(n, found)
    elif hasattr(node, "to_plotly_json"):
        if isinstance(getattr(node, "id", None), str):
            found[node.id] = node
        _components(getattr(node, "children", None), found)


def _report(**kw) -> IngestReport:
    base = {
        "ok": True,
        "kind": "emissions",
        "batch_id": 7,
        "rows": 3,
        "inserted": 2,
        "replaced": 1,
        "unchanged": 0,
        "problems": [],
        "data_version": 12,
        "file_name": "排放.csv",
        "status": "accepted",
    }
    return IngestReport(**{**base, **kw})


def test_page_holds_no_data_and_is_routed_with_a_nav_link():
    built = page.build(None, {"lang": "en"}, "zh")
    ids = _ids(built, [])
    assert len(ids) == len(set(ids))
    found = {}
    _components(built, found)
    # no batches, no versions, no report: those arrive through the role-checked callbacks
    for id_ in (page.HISTORY, page.STATE, page.REPORT, page.GATE, page.USER):
        assert found[id_].children is None
    assert _text(found[page.DETAIL]) == "点击文件名查看该批次的拒绝原因或被替换的值"
    assert found[page.BODY].style == page.BODY_HIDDEN
    assert found[page.PARAMS].data == {"lang": "zh"}
    assert _text(found[page.UPLOAD]) == "拖放或点击选择 CSV / XLSX 文件（不超过 50 MB）"
    routed = router.build_page("/data", None, {}, "en")
    links = [i["path"] for i in _ids(routed, []) if isinstance(i, dict) and i["type"] == "an-nav"]
    assert links[-1] == "/data"
    assert "Data pool" in _text(routed) and "Data pool · ingest and storage" in _text(routed)


def test_kind_names_and_options_in_both_languages():
    assert words.kind_name("emissions") == "排放数据"
    assert words.kind_name("pdi_ratings") == "德尔菲专家评分"
    assert words.kind_name("unknown") == "未识别类型"
    assert words.kind_name("targets", "en") == "Targets"
    assert words.kind_name("bogus") == "bogus"
    options = words.kind_options()
    assert options[0] == {"label": "自动识别（按表头）", "value": "auto"}
    assert [o["value"] for o in options[1:]] == [
        "emissions",
        "indicators",
        "regions",
        "parks",
        "targets",
        "pdi_tree",
        "pdi_ratings",
        "pdi_values",
        "pdi_scores",
    ]
    assert options[1]["label"] == "排放数据（emissions）"
    assert words.kind_options("en")[4]["label"] == "Parks (parks)"


def test_numbers_times_and_problem_lines():
    assert [words.number(v) for v in (None, 28_564_000.0, 0.123456, 10.0, -0.00001)] == [
        "—",
        "28,564,000",
        "0.1235",
        "10",
        "0",
    ]
    assert words.beijing(AT) == "2026-11-24 16:00:00"
    assert words.beijing(None) == "—"
    assert words.problem_line(3, "value", "不是数字") == "第 3 行 [value]: 不是数字"
    assert words.problem_line(None, None, "空文件", "en") == "File: 空文件"
    assert _file_name("C:\\Users\\a\\排放.csv") == "排放.csv"
    assert _file_name("../../etc/passwd") == "passwd"
    assert _file_name(None) == "upload"
    assert _file_name("x" * 300) == "x" * 200


def test_accepted_unchanged_and_dry_run_reports():
    accepted = page.ingest_result(_report(ignored_columns=["备注", "note"]))
    assert [_text(x) for x in accepted.children] == [
        "已导入：排放.csv（排放数据）",
        "3 行：新增 2，替换 1，未变 0",
        "批次 #7，数据版本现为 12",
        "大屏汇总数据将由调度程序在后台重建。",
        "已忽略的列（未导入）：备注, note",
    ]
    same = page.ingest_result(_report(status="unchanged", inserted=0, replaced=0, unchanged=3))
    assert _text(same) == (
        "数据无变化：排放.csv（排放数据）与库中数据相同3 行：新增 0，替换 0，未变 3"
        "批次 #7，数据版本仍为 12"
    )
    dry = page.ingest_result(_report(status="dry-run", batch_id=None, dry_run=True), "en")
    assert _text(dry) == (
        "Valid (check only, nothing written): 排放.csv (Emissions)"
        "3 rows: 2 new, 1 replaced, 0 unchanged"
        "The data version is still 12"
    )
    pdi = PdiReport(True, "pdi_scores", "得分.xlsx", 4, 4, 0, [], 3, 13, "accepted")
    assert _text(page.ingest_result(pdi)).startswith(
        "已导入：得分.xlsx（园区维度得分）4 行：新增 4，替换 0批次 #3，数据版本现为 13"
    )


def test_rejected_report_lists_rows_counts_the_rest_and_says_nothing_changed():
    problems = [Problem(i + 2, "value", f"不是数字 'x{i}'") for i in range(250)]
    report = _report(
        ok=False,
        status="rejected",
        inserted=0,
        replaced=0,
        problems=problems[:240],
        problem_count=1300,
        batch_id=9,
    )
    shown = page.ingest_result(report)
    title, listing, *tail = shown.children
    assert _text(title) == "已拒绝，未导入：排放.csv（排放数据）有 1300 个问题"
    items = [_text(li) for li in listing.children]
    assert len(items) == page.MAX_SHOWN_PROBLEMS + 1
    assert items[0] == "第 2 行 [value]: 不是数字 'x0'"
    assert items[-1] == "另有 1100 个问题未列出"
    assert [_text(x) for x in tail] == [
        "数据资源池没有任何改变（全部导入或全部不导入），数据版本仍为 12。",
        "此次尝试已记为批次 #9，可在导入历史中查看。",
    ]
    unknown = _report(
        ok=False, kind=None, status="rejected", batch_id=None, problem_count=1,
        problems=[Problem(None, None, "无法识别文件类型")],
    )  # fmt: skip
    assert _text(page.ingest_result(unknown, "en")) == (
        "Rejected, nothing loaded: 1 problems in 排放.csv (unknown kind)"
        "File: 无法识别文件类型"
        "Nothing in the data pool changed (all or nothing); the data version is still 12."
    )


def _batch(i, status="accepted", source="web") -> Batch:
    return Batch(i, "emissions", f"f{i}.csv", status, 3, 2, 1, AT, source)


def test_history_table_rows_and_more_button():
    listing = BatchPage([_batch(2, "rejected", "api"), _batch(1)], total=60)
    table, foot = page.batch_table(listing).children
    rows = [[_text(td) for td in tr.children] for tr in table.children[1].children]
    assert rows == [
        ["2026-11-24 16:00:00", "f2.csv", "排放数据", "已拒绝", "3", "2", "1", "接口"],
        ["2026-11-24 16:00:00", "f1.csv", "排放数据", "已导入", "3", "2", "1", "网页"],
    ]
    assert table.children[1].children[0].children[1].children.id == page.batch_id(2)
    assert _text(foot) == "显示最新 2 批，共 60 批"
    assert page.more_style(listing) == {}
    assert page.more_style(BatchPage([_batch(1)], total=1)) == {"display": "none"}
    assert _text(page.batch_table(BatchPage([], 0), "en")) == "No batches yet"


def test_batch_detail_rejected_changes_none_and_gone():
    rejected = BatchDetail(
        _batch(4, "rejected"),
        [RejectedLine(3, "period", "期间格式错误"), RejectedLine(None, None, "3 more")],
        [],
        rejected_total=205,
        changes_total=0,
    )
    assert _text(page.batch_detail(rejected)) == (
        "批次 #4：f4.csv（排放数据，已拒绝）拒绝原因（共 205 条）"
        "第 3 行 [period]: 期间格式错误文件: 3 more另有 203 条未列出"
    )
    changes = BatchDetail(
        _batch(5),
        [],
        [ReplacedValue("emission", "340102|2024|1.1.1.1|CO2", 28_564_000.0, 28_600_000.5)],
        rejected_total=0,
        changes_total=1,
    )
    assert _text(page.batch_detail(changes, "en")) == (
        "Batch #5: f5.csv (Emissions, accepted)Replaced values (1 in all)"
        "TableKeyOld → newemissions340102|2024|1.1.1.1|CO228,564,000 → 28,600,000.5"
        "Values in the stored unit (emissions: t or t CO₂e)"
    )
    none = BatchDetail(_batch(6, "unchanged"), [], [], 0, 0)
    assert _text(page.batch_detail(none)).endswith("此批次没有替换库中已有的值")
    assert _text(page.batch_detail(None, "zh", 99)) == "批次 #99 不存在"


def test_state_lines_current_behind_and_never_built():
    current = page.state_lines(PoolState(5, AT, 5, AT), 60)
    assert _text(current).startswith(
        "当前数据版本：5（2026-11-24 16:00:00 更新）"
        "大屏汇总：基于版本 5（2026-11-24 16:00:00 重建）已是最新"
        "导入成功后，大屏的汇总数据"
    )
    behind = page.state_lines(PoolState(6, AT, 5, AT), 30, "en")
    assert "Wall aggregates: built from version 5 (rebuilt 2026-11-24 16:00:00)waiting" in (
        _text(behind)
    )
    assert "about every 30 s" in _text(behind)
    never = page.state_lines(PoolState(0, None, -1, None), 60)
    assert _text(never).startswith("当前数据版本：0大屏汇总：尚未构建待重建")


def test_source_names_the_loader_when_known():
    assert page.source_text("web", "admin") == "网页 · admin"
    assert page.source_text("cli", None) == "命令行"
    assert page.source_text("api", None, "en") == "API"
