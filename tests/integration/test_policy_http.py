"""The policy endpoints over HTTP (Flask test client) on SQLite and PostgreSQL: who may do
what (401/403), uploads, catalogue import, view counting, login rate limit."""

from __future__ import annotations

import io

import flask
import pytest
from policy_docs import DOC, PDF

from dashboard import auth, policy_routes
from dashboard.config import Settings
from datasource import policy


@pytest.fixture
def server(engine, sessions):
    auth.create_user(engine, "admin", "correct horse battery", role="admin")
    auth.create_user(engine, "reader", "reader password", role="viewer")
    with sessions() as s, s.begin():
        doc_id = policy.create_document(s, DOC, actor="seed")
    app = flask.Flask(__name__)
    policy_routes.register(
        app, sessions=sessions, settings=Settings(secret_key="test-key", max_upload_mb=1)
    )
    app.config["doc_id"] = doc_id
    return app


def _login(client, user, password):
    return client.post("/api/policy/login", json={"username": user, "password": password})


def _admin_calls(doc_id):
    return [
        ("post", "/api/policy/documents", {"json": DOC}),
        ("patch", f"/api/policy/documents/{doc_id}", {"json": {"title": "x"}}),
        ("post", f"/api/policy/documents/{doc_id}/hide", {"json": {"hidden": True}}),
        ("delete", f"/api/policy/documents/{doc_id}", {}),
        (
            "post",
            f"/api/policy/documents/{doc_id}/pdf",
            {"data": {"file": (io.BytesIO(PDF), "a.pdf")}},
        ),
        ("post", "/api/policy/import", {"data": {"file": (io.BytesIO(b"title\n"), "a.csv")}}),
        ("get", "/api/policy/audit", {}),
    ]


def test_anonymous_gets_401_and_viewer_403_on_every_admin_endpoint(server):
    doc_id = server.config["doc_id"]
    anonymous, viewer = server.test_client(), server.test_client()
    assert _login(viewer, "reader", "reader password").status_code == 200
    statuses = []
    for client in (anonymous, viewer):
        for method, url, kw in _admin_calls(doc_id):
            statuses.append(getattr(client, method)(url, **kw).status_code)
    assert statuses == [401] * 7 + [403] * 7
    assert anonymous.get(f"/api/policy/documents/{doc_id}").json["title"] == DOC["title"]


def test_admin_changes_documents_and_each_change_is_audited(server):
    doc_id = server.config["doc_id"]
    client = server.test_client()
    assert _login(client, "admin", "correct horse battery").json == {
        "user": "admin",
        "role": "admin",
    }
    created = client.post(
        "/api/policy/documents", json={**DOC, "doc_no": "国发〔2021〕24号", "title": "新文件"}
    )
    assert created.status_code == 201
    assert client.patch(
        f"/api/policy/documents/{doc_id}", json={"agency": "国务院办公厅"}
    ).json == {"id": doc_id, "changed": ["agency"]}
    assert client.post(f"/api/policy/documents/{doc_id}/hide").status_code == 200
    assert client.get(f"/api/policy/documents/{doc_id}").status_code == 404
    assert client.delete(f"/api/policy/documents/{created.json['id']}").status_code == 200
    bad = client.post("/api/policy/documents", json={**DOC, "level": "部级"})
    assert bad.status_code == 400 and "level" in bad.json["error"]
    audit = client.get("/api/policy/audit").json["entries"]
    assert [(e["user"], e["action"]) for e in audit] == [
        ("admin", "delete"),
        ("admin", "hide"),
        ("admin", "edit"),
        ("admin", "create"),
        ("seed", "create"),
    ]


def test_a_demoted_admin_loses_rights_at_once(server, sessions):
    client = server.test_client()
    _login(client, "admin", "correct horse battery")
    with sessions() as s, s.begin():
        from sqlalchemy import update

        from datasource.models_policy import AppUser

        s.execute(update(AppUser).where(AppUser.username == "admin").values(role="viewer"))
    assert client.get("/api/policy/audit").status_code == 403


def test_uploads_only_pdf_within_the_size_limit_with_a_safe_name(server):
    doc_id = server.config["doc_id"]
    client = server.test_client()
    _login(client, "admin", "correct horse battery")
    url = f"/api/policy/documents/{doc_id}/pdf"

    def send(data, name):
        return client.post(url, data={"file": (io.BytesIO(data), name)})

    not_pdf = send(b"<html>not a pdf</html>", "fake.pdf")
    assert (not_pdf.status_code, not_pdf.json["error"].startswith("只接受 PDF")) == (415, True)
    assert send(PDF + b"0" * (1024 * 1024), "big.pdf").status_code == 413
    assert send(PDF + b"0" * (2 * 1024 * 1024), "huge.pdf").status_code == 413  # body refused
    ok = send(PDF, "../../etc/passwd.pdf")
    assert (ok.status_code, ok.json["file_name"], ok.json["size"]) == (201, "passwd.pdf", len(PDF))
    download = client.get(url)
    assert download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"] == (
        "attachment; filename=\"passwd.pdf\"; filename*=UTF-8''passwd.pdf"
    )
    # a Chinese name travels as RFC 6266's filename*: the header stays Latin-1, which a WSGI
    # server such as gunicorn demands (a raw Chinese header was a 500 there)
    send(PDF, "碳达峰 方案.pdf")
    header = client.get(url).headers["Content-Disposition"]
    assert header == (
        'attachment; filename="______.pdf"; '
        "filename*=UTF-8''%E7%A2%B3%E8%BE%BE%E5%B3%B0_%E6%96%B9%E6%A1%88.pdf"
    )
    header.encode("latin-1")


def test_catalogue_import_over_http_reports_rows_and_is_all_or_nothing(server):
    client = server.test_client()
    _login(client, "admin", "correct horse battery")
    csv_text = (
        "标题,发文机关,发文日期,级别,类别,地区代码\n"
        "安徽省碳达峰实施方案,安徽省人民政府,2022-12-29,省级,政策法规,340000\n"
        "坏行,某机关,不是日期,省级,政策法规,340000\n"
    )
    bad = client.post("/api/policy/import", data={"file": (io.BytesIO(csv_text.encode()), "c.csv")})
    assert bad.status_code == 422
    assert [(r["line"], r["ok"]) for r in bad.json["rows"]] == [(2, True), (3, False)]
    assert client.get("/api/policy/search?q=安徽省").json["total"] == 0
    good = client.post(
        "/api/policy/import",
        data={
            "file": (
                io.BytesIO(
                    csv_text.splitlines(keepends=True)[0].encode()
                    + csv_text.splitlines(keepends=True)[1].encode()
                ),
                "c.csv",
            )
        },
    )
    assert (good.status_code, good.json["created"]) == (200, 1)
    assert client.get("/api/policy/search?q=安徽省").json["total"] == 1


def test_reading_counts_one_view_per_browser_session(server):
    doc_id = server.config["doc_id"]
    first, second = server.test_client(), server.test_client()
    url = f"/api/policy/documents/{doc_id}"
    counted = [c.get(url).json["counted"] for c in (first, first, second, first)]
    assert counted == [True, False, True, False]
    assert first.get(url).json["views"] == 2
    cookie = first.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_search_and_stats_endpoints(server):
    client = server.test_client()
    found = client.get("/api/policy/search?q=碳达峰行动&level=national").json
    assert (found["total"], found["hits"][0]["doc_no"]) == (1, "国发〔2021〕23号")
    assert client.get("/api/policy/search?q=碳达峰行动&level=provincial").json["total"] == 0
    client.get(f"/api/policy/documents/{server.config['doc_id']}")
    stats = client.get("/api/policy/stats?tab=policy&kind=month").json
    assert (stats["views"], stats["top_documents"][0]["title"]) == (1, DOC["title"])
    assert stats["top_agencies"] == [{"rank": 1, "agency": "国务院", "documents": 1}]
    csv_export = client.get("/api/policy/stats/export?format=csv")
    assert csv_export.data.startswith("\ufeff政策文件统计".encode())
    xlsx = client.get("/api/policy/stats/export?format=xlsx")
    assert xlsx.data[:4] == b"PK\x03\x04"
    assert client.get("/api/policy/stats?kind=week").status_code == 400


def test_login_rate_limit_is_kept_in_the_database(server):
    a, b = server.test_client(), server.test_client()  # two clients, like two workers
    codes = [_login(c, "admin", "wrong password").status_code for c in (a, b, a, b, a)]
    assert codes == [401] * 5
    assert _login(b, "admin", "correct horse battery").status_code == 429
    assert _login(a, "reader", "reader password").status_code == 200  # another user name
    assert a.get("/api/policy/me").json == {"user": "reader", "role": "viewer"}
    a.post("/api/policy/logout")
    assert a.get("/api/policy/me").json == {"user": None, "role": None}


def test_create_user_refuses_duplicates_and_short_passwords(engine, sessions):
    assert auth.create_user(engine, "ops", "long enough pw") > 0
    with pytest.raises(ValueError, match="already exists"):
        auth.create_user(engine, "ops", "long enough pw")
    with pytest.raises(ValueError, match="at least 8"):
        auth.create_user(engine, "ops2", "short")
    with sessions() as s:
        assert policy.get_user(s, "ops").password_hash.startswith("$argon2id$")


def _dash_app(sessions):
    import dash
    from dash import dcc, html

    from callbacks import policy as policy_callbacks
    from layouts.pages import policy as page

    settings = Settings(secret_key="test-key")
    app = dash.Dash(__name__, suppress_callback_exceptions=True)
    app.layout = html.Div([dcc.Location(id="url"), page.build(settings, {}, "zh")])
    policy_callbacks.register(app, sessions=sessions, settings=settings)
    policy_routes.register(app.server, sessions=sessions, settings=settings)
    return app


@pytest.mark.parametrize(
    ("user", "password", "message", "hidden"),
    [
        (None, None, "无权限：仅管理员可隐藏文件", False),
        ("reader", "reader password", "无权限：仅管理员可隐藏文件", False),
        ("admin", "correct horse battery", "文件已隐藏", True),
    ],
)
def test_the_page_hide_button_checks_the_role_on_the_server(
    engine, sessions, user, password, message, hidden
):
    auth.create_user(engine, "admin", "correct horse battery", role="admin")
    auth.create_user(engine, "reader", "reader password", role="viewer")
    with sessions() as s, s.begin():
        doc_id = policy.create_document(s, DOC, actor="seed")
    app = _dash_app(sessions)
    client = app.server.test_client()
    if user:
        assert _login(client, user, password).status_code == 200
    hide = next(
        c
        for c in client.get("/_dash-dependencies").json
        if c["inputs"] == [{"id": "policy-hide", "property": "n_clicks"}]
    )
    # "..policy-message.children...policy-doc-store.data@<hash>..": allow_duplicate's suffix
    store_prop = hide["output"].strip(".").split("...")[1].split(".", 1)[1]
    response = client.post(
        "/_dash-update-component",
        json={
            "output": hide["output"],
            "outputs": [
                {"id": "policy-message", "property": "children"},
                {"id": "policy-doc-store", "property": store_prop},
            ],
            "inputs": [{"id": "policy-hide", "property": "n_clicks", "value": 1}],
            "changedPropIds": ["policy-hide.n_clicks"],
            "state": [{"id": "policy-doc-store", "property": "data", "value": doc_id}],
        },
    )
    assert response.status_code == 200
    assert response.json["response"]["policy-message"]["children"] == message
    with sessions() as s:
        assert (policy.get_document(s, doc_id) is None) is hidden
