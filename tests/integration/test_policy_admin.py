"""The administration page's callbacks over HTTP (/_dash-update-component, as the browser sends
them) on SQLite and PostgreSQL: an administrator adds, edits, hides, deletes, uploads a PDF and
imports a catalogue, each recorded in the audit log; a viewer or an anonymous visitor who forges
the same requests reads nothing and changes nothing."""

from __future__ import annotations

import base64

import dash
import pytest
from dash import html
from dash_calls import call
from dash_calls import text as _text
from policy_docs import ADMIN, DOC, PDF, VIEWER

from callbacks import policy_admin as admin_callbacks
from dashboard import auth, policy_routes
from dashboard.config import Settings
from datasource import policy
from layouts.pages import policy_admin as page

NEW = {
    "title": "安徽省工业领域碳达峰实施方案",
    "doc_no": "皖经信节能〔2022〕188号",
    "agency": "安徽省经济和信息化厅",
    "issued_on": "2022-11-30",
    "level": "provincial",
    "category": "政策法规",
    "region_code": "340000",
    "tags": "工业，碳达峰",
    "body": "到2025年，规模以上工业单位增加值能耗较2020年下降16%。",
}


@pytest.fixture
def site(engine, sessions):
    auth.create_user(engine, *ADMIN, role="admin")
    auth.create_user(engine, *VIEWER, role="viewer")
    with sessions() as s, s.begin():
        seed_id = policy.create_document(s, DOC, actor="seed")
    settings = Settings(secret_key="test-key", max_upload_mb=1)
    app = dash.Dash(__name__, suppress_callback_exceptions=True)
    app.layout = html.Div()
    admin_callbacks.register(app, sessions=sessions, settings=settings)
    policy_routes.register(app.server, sessions=sessions, settings=settings)
    return app, seed_id


def _client(app, who):
    client = app.server.test_client()
    if who is not None:
        r = client.post("/api/policy/login", json={"username": who[0], "password": who[1]})
        assert r.status_code == 200
    return client


def _form(values):
    return {page.FIELDS[k]: v for k, v in values.items()}


def _save(client, app, values, doc_id=None):
    return call(
        client,
        app,
        (page.SAVE, "n_clicks"),
        [1, None, None],
        state={**_form(values), page.CURRENT: {"id": doc_id, "rev": 1}, page.CHANGED: 0},
    )


def _count(sessions):
    with sessions() as s:
        return policy.search(s, include_hidden=True).total, len(policy.audit_entries(s))


@pytest.mark.parametrize("who", [None, VIEWER], ids=["anonymous", "viewer"])
def test_pad001_forged_callbacks_change_and_read_nothing(site, sessions, who):
    app, seed_id = site
    client = _client(app, who)
    before = _count(sessions)

    gate = call(client, app, (page.PARAMS, "data"), [{"lang": "zh"}])
    assert gate[page.BODY]["style"] == {"display": "none"}
    expected = "文件管理仅限管理员：请先登录" if who is None else "无权限：用户 reader 不是管理员"
    assert expected in _text(gate[page.GATE]["children"])

    out = _save(client, app, NEW)
    assert _text(out[page.FORM_MSG]["children"]) == "无权限：仅管理员可以修改文件"
    for trigger in ((page.HIDE, "n_clicks"), (page.DELETE, "submit_n_clicks")):
        call(
            client,
            app,
            trigger,
            [None, 1, None] if trigger[0] == page.HIDE else [None, None, 1],
            state={page.CURRENT: {"id": seed_id, "rev": 1}},
        )
    pdf = call(
        client,
        app,
        (page.PDF, "contents"),
        ["data:application/pdf;base64," + base64.b64encode(PDF).decode()],
        state={page.PDF: "a.pdf", page.CURRENT: {"id": seed_id, "rev": 1}},
    )
    assert _text(pdf[page.PDF_MSG]["children"]) == "无权限：仅管理员可以修改文件"
    catalogue = (
        "标题,发文机关,发文日期,级别,类别,地区代码\n伪造,某机关,2024-01-01,国家级,政策法规,100000\n"
    )
    imported = call(
        client,
        app,
        (page.IMPORT, "contents"),
        ["data:text/csv;base64," + base64.b64encode(catalogue.encode()).decode()],
        state={page.IMPORT: "x.csv", page.DRY_RUN: []},
    )
    assert _text(imported[page.IMPORT_MSG]["children"]) == "无权限：仅管理员可以修改文件"
    assert _count(sessions) == before
    with sessions() as s:
        assert policy.get_document(s, seed_id).title == DOC["title"]
        assert policy.get_pdf(s, seed_id) is None

    # reading is refused too: the list, the audit log and a document's fields stay empty
    listing = call(client, app, (page.FILTER, "value"), ["", 0], state={page.PARAMS: {}})
    assert listing[page.LIST]["children"] is None
    audit = call(client, app, (page.CHANGED, "data"), [0], state={page.PARAMS: {}})
    assert audit[page.AUDIT]["children"] is None
    form = call(client, app, (page.CURRENT, "data"), [{"id": seed_id, "rev": 1}])
    assert form[page.FIELDS["title"]]["value"] is None
    assert form[page.FIELDS["body"]]["value"] is None


def test_pad002_admin_adds_edits_hides_deletes_with_audit(site, sessions):
    app, seed_id = site
    client = _client(app, ADMIN)
    assert call(client, app, (page.PARAMS, "data"), [{"lang": "zh"}])[page.BODY]["style"] == {}

    out = _save(client, app, NEW)
    new_id = out[page.CURRENT]["data"]["id"]
    assert _text(out[page.FORM_MSG]["children"]) == f"已新增文件 #{new_id}"
    assert out[page.CHANGED]["data"] == 1
    with sessions() as s:
        hits = policy.search(s, q="工业领域碳达峰").hits
        assert [h.id for h in hits] == [new_id]
        doc = policy.get_document(s, new_id)
        assert (doc.level, doc.region_code, doc.tags) == (
            "provincial",
            "340000",
            ("工业", "碳达峰"),
        )

    form = call(client, app, (page.CURRENT, "data"), [{"id": new_id, "rev": 2}])
    assert form[page.FIELDS["issued_on"]]["value"] == "2022-11-30"
    assert form[page.FIELDS["tags"]]["value"] == "工业，碳达峰"
    assert form[page.FORM_TITLE]["children"] == f"编辑文件 #{new_id}"
    assert form[page.DELETE]["message"].startswith("确定删除《安徽省工业领域碳达峰实施方案》")

    edited = _save(client, app, {**NEW, "title": "安徽省工业领域碳达峰实施方案（修订）"}, new_id)
    assert _text(edited[page.FORM_MSG]["children"]) == f"已保存 #{new_id}：修改了 标题"
    again = _save(client, app, {**NEW, "title": "安徽省工业领域碳达峰实施方案（修订）"}, new_id)
    assert _text(again[page.FORM_MSG]["children"]) == "没有改动"

    hide = call(
        client,
        app,
        (page.HIDE, "n_clicks"),
        [None, 1, None],
        state={page.CURRENT: {"id": new_id, "rev": 3}, page.CHANGED: 1},
    )
    assert _text(hide[page.FORM_MSG]["children"]) == f"#{new_id} 已隐藏"
    with sessions() as s:
        assert policy.search(s, q="工业领域碳达峰").total == 0
        assert policy.search(s, q="工业领域碳达峰", include_hidden=True).total == 1
    listing = call(client, app, (page.FILTER, "value"), ["工业领域", 2], state={page.PARAMS: {}})
    assert "已隐藏" in _text(listing[page.LIST]["children"])

    gone = call(
        client,
        app,
        (page.DELETE, "submit_n_clicks"),
        [None, None, 1],
        state={page.CURRENT: {"id": new_id, "rev": 4}, page.CHANGED: 2},
    )
    assert _text(gone[page.FORM_MSG]["children"]) == f"已删除 #{new_id}"
    assert gone[page.CURRENT]["data"]["id"] is None
    with sessions() as s:
        assert policy.get_document(s, new_id, include_hidden=True) is None
        actions = [(e.action, e.username, e.document_id) for e in policy.audit_entries(s)]
    assert actions[:4] == [
        ("delete", "admin", new_id),
        ("hide", "admin", new_id),
        ("edit", "admin", new_id),
        ("create", "admin", new_id),
    ]
    audit = call(client, app, (page.CHANGED, "data"), [3], state={page.PARAMS: {}})
    text = _text(audit[page.AUDIT]["children"])
    assert "标题：安徽省工业领域碳达峰实施方案 → 安徽省工业领域碳达峰实施方案（修订）" in text
    assert seed_id != new_id


def test_pad003_admin_form_errors_name_each_field(site, sessions):
    app, _ = site
    client = _client(app, ADMIN)
    before = _count(sessions)
    out = _save(client, app, {**NEW, "issued_on": "2022-13-45", "region_code": "abc", "title": ""})
    text = _text(out[page.FORM_MSG]["children"])
    assert text.startswith("未保存，请修改以下内容：")
    assert "表单 [title]: 必填 (required)" in text
    assert "表单 [issued_on]: 日期无法识别 '2022-13-45'，应为 YYYY-MM-DD" in text
    assert "表单 [region_code]: 地区代码 'abc' 不是 6 位行政区划代码，也不是已登记的园区" in text
    assert page.CURRENT not in out
    assert _count(sessions) == before


def test_pad004_pdf_upload_checks_and_stores(site, sessions):
    app, seed_id = site
    client = _client(app, ADMIN)
    state = {page.PDF: "../../etc/方案 原文.pdf", page.CURRENT: {"id": seed_id, "rev": 1}}
    fake = "data:application/pdf;base64," + base64.b64encode(b"MZ\x90\x00 not a pdf").decode()
    refused = call(client, app, (page.PDF, "contents"), [fake], state=state)
    assert _text(refused[page.PDF_MSG]["children"]) == (
        "只接受 PDF 文件 (the file does not start with %PDF-)"
    )
    big = "data:application/pdf;base64," + base64.b64encode(PDF + b"0" * (1024 * 1024)).decode()
    too_big = call(client, app, (page.PDF, "contents"), [big], state=state)
    assert _text(too_big[page.PDF_MSG]["children"]) == "文件超过 1 MB 上限"
    with sessions() as s:
        assert policy.get_pdf(s, seed_id) is None

    good = "data:application/pdf;base64," + base64.b64encode(PDF).decode()
    stored = call(client, app, (page.PDF, "contents"), [good], state=state)
    assert _text(stored[page.PDF_MSG]["children"]) == "已上传 方案_原文.pdf（39 B）"
    assert stored[page.PDF]["contents"] is None  # emptied: the same file can be sent again
    assert stored[page.PDF_NOW]["children"] == "PDF：方案_原文.pdf（39 B）"
    with sessions() as s:
        assert policy.get_pdf(s, seed_id) == ("方案_原文.pdf", PDF)
    pdf = client.get(f"/api/policy/documents/{seed_id}/pdf")
    assert pdf.status_code == 200 and pdf.data == PDF


def test_pad005_catalogue_import_all_or_nothing(site, sessions):
    app, _ = site
    client = _client(app, ADMIN)
    before = _count(sessions)
    bad = (
        "标题,文号,发文机关,发文日期,级别,类别,地区代码,正文\n"
        "合肥市碳达峰实施方案,合政〔2023〕1号,合肥市人民政府,2023-03-01,市级,政策法规,340100,正文\n"
        "芜湖市碳达峰实施方案,国发〔2021〕23号,芜湖市人民政府,2023-04-31,市级,政策法规,340200,正文\n"
    )

    def send(text, dry=()):
        data = "data:text/csv;base64," + base64.b64encode(text.encode()).decode()
        state = {page.IMPORT: "目录.csv", page.DRY_RUN: list(dry), page.CHANGED: 0}
        return call(client, app, (page.IMPORT, "contents"), [data], state=state)

    out = send(bad)
    text = _text(out[page.IMPORT_MSG]["children"])
    assert text.startswith("未导入（全部或全不）：目录.csv 中有 2 处问题")
    assert "第 3 行 [issued_on]: 日期无法识别 '2023-04-31'，应为 YYYY-MM-DD" in text
    assert "第 3 行 [doc_no]: 文号 国发〔2021〕23号 已在库中" in text
    assert _count(sessions) == before

    good = bad.replace("国发〔2021〕23号", "芜政〔2023〕2号").replace("04-31", "04-30")
    assert _text(send(good, ["dry"])[page.IMPORT_MSG]["children"]) == (
        "校验通过：2 行均可导入（未导入）"
    )
    assert _count(sessions) == before
    done = send(good)
    assert _text(done[page.IMPORT_MSG]["children"]) == "已导入 2 份文件（目录.csv）"
    assert done[page.CHANGED]["data"] == 1
    with sessions() as s:
        assert policy.search(s, q="芜湖市碳达峰").total == 1
        assert policy.audit_entries(s)[0].action == "import"
