"""The policy library's SQL on SQLite and PostgreSQL: search, filters, view counting,
statistics, catalogue import, PDFs, audit, the wall's policy marks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, func, select, text

from datasource import policy
from datasource.models_policy import PolicyAudit, PolicyDocument, PolicyView

DOCS = [
    dict(
        title="2030年前碳达峰行动方案",
        doc_no="国发〔2021〕23号",
        agency="国务院",
        issued_on="2021-10-24",
        level="national",
        category="政策法规",
        region_code="100000",
        tags="碳达峰",
        body="重点实施能源绿色低碳转型行动、节能降碳增效行动。",
    ),
    dict(
        title="工业领域碳达峰实施方案",
        doc_no="工信部联节〔2022〕88号",
        agency="工业和信息化部",
        issued_on="2022-07-07",
        level="national",
        category="政策法规",
        region_code="100000",
        body="推动钢铁、建材、石化化工、有色金属等行业节能降碳。",
    ),
    dict(
        title="安徽省碳达峰实施方案",
        doc_no="皖政〔2022〕83号",
        agency="安徽省人民政府",
        issued_on="2022-12-29",
        level="provincial",
        category="政策法规",
        region_code="340000",
        body="推动煤电三改联动，大力发展光伏风电。",
    ),
    dict(
        title="合肥市碳达峰实施方案",
        doc_no="合政〔2023〕45号",
        agency="合肥市人民政府",
        issued_on="2023-05-19",
        level="municipal",
        category="政策法规",
        region_code="340100",
        body="打造零碳示范园区。",
    ),
    dict(
        title="全国碳市场履约工作顺利完成",
        agency="生态环境部",
        issued_on="2024-01-05",
        level="national",
        category="低碳资讯",
        region_code="100000",
        body="全国碳排放权交易市场第二个履约周期配额清缴完成。",
    ),
]


@pytest.fixture
def ids(sessions):
    with sessions() as s, s.begin():
        return [policy.create_document(s, d, actor="alice") for d in DOCS]


def _titles(sessions, **kw):
    with sessions() as s:
        return [h.title for h in policy.search(s, **kw).hits]


def test_search_finds_a_chinese_substring_of_a_title(sessions, ids):
    assert _titles(sessions, q="领域碳达峰") == ["工业领域碳达峰实施方案"]


def test_search_finds_a_chinese_substring_of_the_body(sessions, ids):
    assert _titles(sessions, q="石化化工") == ["工业领域碳达峰实施方案"]
    assert _titles(sessions, q="三改联动") == ["安徽省碳达峰实施方案"]


def test_one_and_two_character_queries_fall_back_to_like(sessions, ids):
    assert _titles(sessions, q="光伏") == ["安徽省碳达峰实施方案"]
    assert _titles(sessions, q="钢") == ["工业领域碳达峰实施方案"]


def test_ranking_weights_title_and_tags_then_newest(sessions, ids):
    # document 1 has 碳达峰 in its title and its tags; the others in the title only
    assert _titles(sessions, q="碳达峰") == [
        "2030年前碳达峰行动方案",
        "合肥市碳达峰实施方案",
        "安徽省碳达峰实施方案",
        "工业领域碳达峰实施方案",
    ]


def test_a_title_match_outranks_a_body_match(sessions, ids):
    with sessions() as s, s.begin():
        policy.create_document(
            s,
            {
                **DOCS[3],
                "doc_no": None,
                "title": "零碳园区建设指南",
                "body": "园区建设。",
                "issued_on": "2020-01-01",
            },
            actor="a",
        )
    assert _titles(sessions, q="零碳") == ["零碳园区建设指南", "合肥市碳达峰实施方案"]
    assert _titles(sessions, q="零碳示范") == ["合肥市碳达峰实施方案"]


def test_search_by_document_number_and_several_terms(sessions, ids):
    assert _titles(sessions, q="国发〔2021〕") == ["2030年前碳达峰行动方案"]
    assert _titles(sessions, q="碳达峰 光伏") == ["安徽省碳达峰实施方案"]


def test_filters_combine(sessions, ids):
    assert _titles(sessions, q="碳达峰", level="national") == [
        "2030年前碳达峰行动方案",
        "工业领域碳达峰实施方案",
    ]
    assert _titles(sessions, q="碳达峰", level="national", agency="国务院") == [
        "2030年前碳达峰行动方案"
    ]
    assert _titles(sessions, category="低碳资讯") == ["全国碳市场履约工作顺利完成"]
    assert _titles(sessions, region_code="340000", date_from=date(2022, 1, 1)) == [
        "安徽省碳达峰实施方案"
    ]
    assert _titles(
        sessions, q="碳达峰", date_from=date(2022, 1, 1), date_to=date(2022, 12, 31)
    ) == ["安徽省碳达峰实施方案", "工业领域碳达峰实施方案"]
    assert _titles(sessions, q="碳达峰", category="低碳资讯") == []


def test_hidden_documents_are_not_found(sessions, ids):
    with sessions() as s, s.begin():
        policy.set_hidden(s, ids[1], True, actor="alice")
    assert _titles(sessions, q="石化化工") == []
    with sessions() as s:
        assert policy.get_document(s, ids[1]) is None
        assert policy.get_document(s, ids[1], include_hidden=True).title == "工业领域碳达峰实施方案"


def test_search_escapes_like_wildcards(sessions, ids):
    assert _titles(sessions, q="%") == []
    assert _titles(sessions, q="_") == []


def _gin_indexes(engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(
            conn.execute(
                text(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = "
                    "'policy_document' AND schemaname = current_schema() AND indexdef LIKE "
                    "'%USING gin%' ORDER BY indexname"
                )
            ).all()
        )


def _migrate_to(engine, revision: str, *, down: bool) -> None:
    from alembic import command

    from datasource.schema import alembic_config

    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


def test_migration_gives_postgresql_one_trigram_index_on_the_search_text(engine, sessions, ids):
    if engine.dialect.name == "sqlite":  # SQLite keeps its FTS5 table (0030_policy)
        with engine.connect() as conn:
            kind = conn.scalar(text("SELECT type FROM sqlite_master WHERE name = 'policy_fts'"))
        assert kind == "table"
        return
    indexes = _gin_indexes(engine)
    assert list(indexes) == ["ix_policy_document_search_trgm"]
    assert indexes["ix_policy_document_search_trgm"].endswith(
        "USING gin (((((((((COALESCE(title, ''::character varying))::text || ' '::text) || "
        "(COALESCE(doc_no, ''::character varying))::text) || ' '::text) || (tags)::text) || "
        "' '::text) || body)) public.gin_trgm_ops)"
    )
    # down to 0030_policy brings back its four per-column indexes; up again replaces them
    _migrate_to(engine, "0030_policy", down=True)
    assert list(_gin_indexes(engine)) == [
        "ix_policy_document_body_trgm",
        "ix_policy_document_doc_no_trgm",
        "ix_policy_document_tags_trgm",
        "ix_policy_document_title_trgm",
    ]
    assert _titles(sessions, q="石化化工") == ["工业领域碳达峰实施方案"]
    _migrate_to(engine, "heads", down=False)
    assert list(_gin_indexes(engine)) == ["ix_policy_document_search_trgm"]
    assert _titles(sessions, q="石化化工") == ["工业领域碳达峰实施方案"]


def test_postgresql_search_is_served_by_the_trigram_index(engine, sessions, ids):
    """The WHERE must be the index's expression exactly, or the planner cannot use it. The
    table is tiny, so sequential scans are switched off to see what the index can serve."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite searches its FTS5 table")
    executed = []

    def keep(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        executed.append((statement, parameters))

    plans = {}
    for q in ("碳达峰", "领域碳达峰 行动", "CCUS"):
        executed.clear()
        event.listen(engine, "before_cursor_execute", keep)
        try:
            with sessions() as s:
                policy.search(s, q=q)
        finally:
            event.remove(engine, "before_cursor_execute", keep)
        statement, parameters = next((st, p) for st, p in executed if "ORDER BY" in st)
        with engine.connect() as conn:
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plans[q] = "\n".join(
                r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters)
            )
    for q, plan in plans.items():
        assert "Bitmap Index Scan on ix_policy_document_search_trgm" in plan, (q, plan)
    assert "~~*" not in plans["碳达峰"]  # no letters with case: LIKE, no lower() per row
    assert "~~*" in plans["CCUS"]


def test_search_results_ranking_and_paging_on_the_search_text(sessions, ids):
    with sessions() as s, s.begin():
        policy.create_document(
            s,
            {
                **DOCS[4],
                "title": "CCUS技术发展路线图",
                "category": "低碳技术",
                "tags": "碳捕集,示范",
                "body": "二氧化碳捕集利用与封存。",
            },
            actor="a",
        )
    # a title match (10) outranks tags (3) and body (1) matches; then newest
    assert _titles(sessions, q="示范") == ["CCUS技术发展路线图", "合肥市碳达峰实施方案"]
    # letters match in either case; a term never spans two fields (title end + 文号 start)
    assert _titles(sessions, q="ccus") == ["CCUS技术发展路线图"]
    assert _titles(sessions, q="方案国发") == []
    assert _titles(sessions, q="号 合肥") == ["合肥市碳达峰实施方案"]
    assert _titles(sessions, q="捕集", category="低碳技术", date_from=date(2024, 1, 1)) == [
        "CCUS技术发展路线图"
    ]
    assert _titles(sessions, q="碳", level="municipal") == ["合肥市碳达峰实施方案"]
    with sessions() as s:
        pages = [policy.search(s, q="碳达峰", limit=3, offset=o) for o in (0, 3, 9)]
        assert [(p.total, [h.title for h in p.hits]) for p in pages] == [
            (4, ["2030年前碳达峰行动方案", "合肥市碳达峰实施方案", "安徽省碳达峰实施方案"]),
            (4, ["工业领域碳达峰实施方案"]),
            (4, []),
        ]
        assert policy.search(s, q="量子纠缠").total == 0


def test_documents_and_hits_as_json():
    when = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    doc = policy.Document(
        7, "标题", None, "国务院", date(2021, 10, 24), "national", "政策法规", "100000",
        ("碳达峰", "行动方案"), "正文", False, "a.pdf", 123, 4, when, "alice",
    )  # fmt: skip
    hit = policy.Hit(
        7, "标题", "国发〔2021〕23号", "国务院", date(2021, 10, 24), "national", "政策法规",
        "100000", True, 13.123456, "…正文…",
    )  # fmt: skip
    assert list(doc.as_json().items()) == [
        ("id", 7),
        ("title", "标题"),
        ("doc_no", None),
        ("agency", "国务院"),
        ("issued_on", "2021-10-24"),
        ("level", "national"),
        ("category", "政策法规"),
        ("region_code", "100000"),
        ("tags", ["碳达峰", "行动方案"]),
        ("body", "正文"),
        ("hidden", False),
        ("pdf_name", "a.pdf"),
        ("pdf_size", 123),
        ("views", 4),
        ("updated_at", "2026-03-10T08:00:00+00:00"),
        ("updated_by", "alice"),
    ]
    assert list(hit.as_json().items()) == [
        ("id", 7),
        ("title", "标题"),
        ("doc_no", "国发〔2021〕23号"),
        ("agency", "国务院"),
        ("issued_on", "2021-10-24"),
        ("level", "national"),
        ("category", "政策法规"),
        ("region_code", "100000"),
        ("hidden", True),
        ("score", 13.1235),
        ("snippet", "…正文…"),
    ]


T0 = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


def test_a_session_counts_once_per_document_per_day(sessions, ids):
    # issue 17: once per visitor per document per day (it was per 30 minutes)
    doc = ids[0]
    day = 24 * 60
    steps = [("a", 0), ("a", 10), ("a", 30), ("b", 31), ("a", 61), ("a", day - 1), ("a", day)]
    counted = []
    for sid, minutes in steps:
        with sessions() as s, s.begin():
            counted.append(policy.count_view(s, doc, sid, now=T0 + timedelta(minutes=minutes)))
    assert counted == [True, False, False, True, False, False, True]
    with sessions() as s, s.begin():
        assert policy.count_view(s, ids[1], "a", now=T0 + timedelta(minutes=61)) is True
        assert policy.get_document(s, doc).views == 3


def test_requests_without_a_session_count_at_most_10_per_address_per_day(sessions, ids):
    doc = ids[0]
    counted = []
    for i in range(12):  # a client that never keeps its cookie: a new session id each time
        with sessions() as s, s.begin():
            counted.append(policy.count_view(s, doc, f"new-{i}", now=T0, address="10.0.0.9"))
    assert counted == [True] * 10 + [False] * 2
    with sessions() as s, s.begin():
        assert policy.count_view(s, doc, "new-x", now=T0, address="10.0.0.7") is True
        assert policy.count_view(s, doc, "kept", now=T0) is True  # a cookie it brought
        later = T0 + timedelta(days=1)
        assert policy.count_view(s, doc, "new-y", now=later, address="10.0.0.9") is True
        assert policy.get_document(s, doc).views == 13


def test_hidden_or_missing_documents_are_not_counted(sessions, ids):
    with sessions() as s, s.begin():
        policy.set_hidden(s, ids[2], True, actor="alice")
        assert policy.count_view(s, ids[2], "a", now=T0) is False
        assert policy.count_view(s, 9999, "a", now=T0) is False
        assert s.scalar(select(func.count(PolicyView.id))) == 0


def _views(s, doc_id, month, n):
    for i in range(n):
        at = datetime.fromisoformat(f"{month}-10T04:00:00+00:00") + timedelta(minutes=i)
        s.add(PolicyView(document_id=doc_id, viewed_at=at, month=policy.month_of(at)))


def test_statistics_on_a_hand_made_history(sessions, ids):
    with sessions() as s, s.begin():
        extra = [
            policy.create_document(
                s,
                {**DOCS[0], "doc_no": None, "title": f"政策{i}", "agency": "国家发展改革委"},
                actor="a",
            )
            for i in range(3)
        ]
        for doc_id, n in zip([*ids[:4], *extra], [7, 3, 9, 1, 5, 5, 2], strict=True):
            _views(s, doc_id, "2026-03", n)
        _views(s, ids[0], "2026-02", 4)
        _views(s, ids[1], "2025-12", 6)
        _views(s, ids[4], "2026-03", 50)  # news: not in the policy tab
    now = datetime(2026, 3, 20, tzinfo=UTC)
    with sessions() as s:
        month = policy.stats(s, tab="policy", period_kind="month", now=now)
        year = policy.stats(s, tab="policy", period_kind="year", now=now)
        news = policy.stats(s, tab="news", period_kind="month", period="2026-03", now=now)
    assert (month.period, month.views) == ("2026-03", 32)
    assert [(d.rank, d.title, d.views) for d in month.top_documents] == [
        (1, "安徽省碳达峰实施方案", 9),
        (2, "2030年前碳达峰行动方案", 7),
        (3, "政策0", 5),
        (4, "政策1", 5),
        (5, "工业领域碳达峰实施方案", 3),
    ]
    assert month.series[-4:] == (("2025-12", 6), ("2026-01", 0), ("2026-02", 4), ("2026-03", 32))
    assert len(month.series) == 12 and month.series[0] == ("2025-04", 0)
    assert (year.period, year.views) == ("2026", 36)
    assert year.series == (("2026-01", 0), ("2026-02", 4), ("2026-03", 32))
    assert [(d.title, d.views) for d in year.top_documents][:2] == [
        ("2030年前碳达峰行动方案", 11),
        ("安徽省碳达峰实施方案", 9),
    ]
    assert [(a.rank, a.agency, a.documents) for a in month.top_agencies] == [
        (1, "国家发展改革委", 3),
        (2, "合肥市人民政府", 1),
        (3, "国务院", 1),
        (4, "安徽省人民政府", 1),
        (5, "工业和信息化部", 1),
    ]
    assert (news.views, [d.views for d in news.top_documents]) == (50, [50])
    assert [(a.agency, a.documents) for a in news.top_agencies] == [("生态环境部", 1)]


def test_every_change_is_audited(sessions, ids):
    with sessions() as s, s.begin():
        policy.update_document(s, ids[0], {"title": "新标题", "tags": "甲，乙"}, actor="bob")
        policy.set_hidden(s, ids[0], True, actor="bob")
        policy.delete_document(s, ids[0], actor="carol")
    with sessions() as s:
        entries = policy.audit_entries(s, document_id=ids[0])
    assert [(e.username, e.action) for e in entries] == [
        ("carol", "delete"),
        ("bob", "hide"),
        ("bob", "edit"),
        ("alice", "create"),
    ]
    assert entries[2].detail == {
        "tags": {"old": "碳达峰", "new": "甲,乙"},
        "title": {"old": "2030年前碳达峰行动方案", "new": "新标题"},
    }


CATALOGUE_OK = (
    "标题,文号,发文机关,发文日期,级别,类别,地区代码,标签,正文\n"
    "上海市能源领域碳达峰实施方案,沪发改能源〔2022〕66号,上海市发展改革委,2022/8/1,省级,政策法规,"
    "310000,能源,推进能源绿色低碳转型\n"
    "深圳市碳达峰实施方案,深府〔2023〕22号,深圳市人民政府,2023年4月11日,市级,政策法规,440300,,发挥先行示范区作用\n"
)
CATALOGUE_BAD = CATALOGUE_OK + ("坏行,国发〔2021〕23号,国务院,2021-13-40,部级,通知,12345,,正文\n")


def test_catalogue_import_all_rows(sessions, ids):
    with sessions() as s, s.begin():
        report = policy.import_catalogue(
            s, CATALOGUE_OK.encode("gbk"), actor="alice", file_name="目录.csv"
        )
    assert (report.accepted, report.created) == (True, 2)
    assert _titles(sessions, q="先行示范区") == ["深圳市碳达峰实施方案"]
    with sessions() as s:
        doc = policy.get_document(s, policy.search(s, q="能源领域").hits[0].id)
        assert (doc.issued_on, doc.level, doc.tags) == (date(2022, 8, 1), "provincial", ("能源",))
        assert policy.audit_entries(s, limit=1)[0].action == "import"


def test_catalogue_with_a_bad_row_changes_nothing_and_reports_each_row(sessions, ids):
    with sessions() as s:
        before = (
            s.scalar(select(func.count(PolicyDocument.id))),
            s.scalar(select(func.count(PolicyAudit.id))),
        )
    with sessions() as s, s.begin():
        report = policy.import_catalogue(s, CATALOGUE_BAD.encode("utf-8-sig"), actor="alice")
    assert (report.accepted, report.created) == (False, 0)
    assert [(r.line, r.ok) for r in report.rows] == [(2, True), (3, True), (4, False)]
    assert sorted(p.column for p in report.rows[2].problems) == [
        "category",
        "doc_no",
        "issued_on",
        "level",
        "region_code",
    ]
    with sessions() as s:
        after = (
            s.scalar(select(func.count(PolicyDocument.id))),
            s.scalar(select(func.count(PolicyAudit.id))),
        )
    assert after == before
    assert _titles(sessions, q="先行示范区") == []


def test_catalogue_without_required_columns_is_refused(sessions):
    with sessions() as s, s.begin():
        report = policy.import_catalogue(s, "标题,文号\n甲,乙\n".encode(), actor="a")
    assert report.accepted is False
    assert sorted(p.column for p in report.problems) == [
        "agency",
        "category",
        "issued_on",
        "level",
        "region_code",
    ]


def test_catalogue_as_xlsx(sessions):
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["title", "agency", "issued_on", "level", "category", "region_code"])
    sheet.append(
        [
            "江苏省碳达峰实施方案",
            "江苏省人民政府",
            datetime(2022, 10, 12),
            "provincial",
            "政策法规",
            "320000",
        ]
    )
    buf = io.BytesIO()
    book.save(buf)
    with sessions() as s, s.begin():
        report = policy.import_catalogue(s, buf.getvalue(), actor="a")
    assert (report.accepted, report.created) == (True, 1)
    assert _titles(sessions, q="江苏省") == ["江苏省碳达峰实施方案"]


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_pdfs_are_stored_in_the_database_and_checked(sessions, ids):
    with sessions() as s, s.begin():
        with pytest.raises(policy.PolicyError) as not_pdf:
            policy.attach_pdf(
                s, ids[0], file_name="a.pdf", data=b"MZ\x90\x00", max_bytes=1000, actor="a"
            )
        with pytest.raises(policy.PolicyError) as too_big:
            policy.attach_pdf(
                s, ids[0], file_name="a.pdf", data=PDF + b"x" * 1000, max_bytes=1000, actor="a"
            )
        stored = policy.attach_pdf(
            s, ids[0], file_name="../../etc/passwd.pdf", data=PDF, max_bytes=1000, actor="a"
        )
    assert (not_pdf.value.status, too_big.value.status) == (415, 413)
    assert (stored.file_name, stored.size) == ("passwd.pdf", len(PDF))
    with sessions() as s:
        assert policy.get_pdf(s, ids[0]) == ("passwd.pdf", PDF)
        assert policy.get_document(s, ids[0]).pdf_name == "passwd.pdf"
        assert [e.action for e in policy.audit_entries(s, document_id=ids[0])][0] == "upload_pdf"


def test_policies_for_region_include_national_and_ancestors(sessions, ids):
    with sessions() as s:
        marks = policy.policies_for_region(s, "340104")
        until = policy.policies_for_region(s, "340104", until=date(2022, 12, 31), limit=1)
        other = policy.policies_for_region(s, "440300")
    assert [(m.issued_on, m.title, m.doc_no, m.agency) for m in marks] == [
        (date(2023, 5, 19), "合肥市碳达峰实施方案", "合政〔2023〕45号", "合肥市人民政府"),
        (date(2022, 12, 29), "安徽省碳达峰实施方案", "皖政〔2022〕83号", "安徽省人民政府"),
        (date(2022, 7, 7), "工业领域碳达峰实施方案", "工信部联节〔2022〕88号", "工业和信息化部"),
        (date(2021, 10, 24), "2030年前碳达峰行动方案", "国发〔2021〕23号", "国务院"),
    ]
    assert [m.title for m in until] == ["安徽省碳达峰实施方案"]
    assert [m.title for m in other] == ["工业领域碳达峰实施方案", "2030年前碳达峰行动方案"]


def test_demo_loads_documents_and_views(sessions):
    from datasource import demo_policy

    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    with sessions() as s, s.begin():
        assert demo_policy.load_demo(s, now=now) == len(demo_policy.DOCUMENTS)
        assert demo_policy.load_demo(s, now=now) == 0
    with sessions() as s:
        st = policy.stats(s, now=now)
        assert len(st.top_documents) == 5 and st.views > 0
        assert _titles(sessions, q="碳达峰行动方案")[0] == "2030年前碳达峰行动方案"
