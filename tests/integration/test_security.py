"""Hardening of the one server (Flask test client on SQLite): headers and CSP on every response,
the frame policy setting, the viewing login gate and /login, cookie flags, the login rate limit,
no dev-tool route whatever the environment says, size limits, secrets, and an audit of every
route that changes data (anonymous -> 401)."""

from __future__ import annotations

import base64
import hashlib
import logging
import re

import pytest
import wall_data
from click.testing import CliRunner
from sqlalchemy import update

from dashboard import auth
from dashboard.app import create_app
from dashboard.config import ConfigError, Settings
from datasource import policy
from datasource.engine import make_engine, make_sessions
from datasource.models_policy import AppUser
from datasource.schema import migrate

ADMIN = ("admin", "correct horse battery")
VIEWER = ("reader", "reader password")
TOKEN = "machine-token-0123456789"


@pytest.fixture
def url(tmp_path):
    db = f"sqlite:///{tmp_path}/sec.sqlite"
    eng = make_engine(db)
    migrate(eng)
    wall_data.pool(eng)
    auth.create_user(eng, *ADMIN, role="admin")
    auth.create_user(eng, *VIEWER, role="viewer")
    eng.dispose()
    return db


def make(url, tmp_path, **kw):
    settings = Settings(
        database_url=url,
        run_scheduler=False,
        geo_cache_dir=str(tmp_path / "geo"),
        secret_key=kw.pop("secret_key", "s" * 64),
        admin_tokens=TOKEN,
        **kw,
    )
    return create_app(settings)


@pytest.fixture
def app(url, tmp_path):
    return make(url, tmp_path)


def login(client, user, password, next_path="/"):
    return client.post("/login", data={"username": user, "password": password, "next": next_path})


# ------------------------------------------------------------------ headers and CSP

PATHS = [
    "/",
    "/analysis/regions",
    "/_dash-layout",
    "/_dash-dependencies",
    "/api/v1/version",
    "/api/v1/nothing-here",
    "/healthz",
    "/readyz",
    "/assets/10-wall.css",
    "/login",
    "/no/such/page",
]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(app, path):
    response = app.server.test_client().get(path)
    h = response.headers
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "same-origin"
    assert h["X-Frame-Options"] == "SAMEORIGIN"
    csp = dict(d.split(" ", 1) for d in h["Content-Security-Policy"].split("; "))
    assert csp["default-src"] == "'self'"
    assert csp["frame-ancestors"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert csp["connect-src"] == "'self'"
    assert csp["style-src"] == "'self' 'unsafe-inline'"
    assert "unsafe-eval" not in h["Content-Security-Policy"]
    assert "http" not in h["Content-Security-Policy"]  # no origin besides this server
    assert "Strict-Transport-Security" not in h


def test_csp_allows_exactly_the_inline_scripts_the_index_runs(app):
    page = app.server.test_client().get("/")
    html = page.get_data(as_text=True)
    csp = page.headers["Content-Security-Policy"]
    scripts = csp.split("script-src ", 1)[1].split(";")[0].split()
    inline = [
        body
        for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
        if "src=" not in attrs and "application/json" not in attrs
    ]
    assert len(inline) == 1 and "DashRenderer" in inline[0]
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in scripts
    assert scripts[0] == "'self'"
    assert "'unsafe-inline'" not in scripts


@pytest.mark.parametrize(
    ("setting", "ancestors", "xfo"),
    [
        ("none", "'none'", "DENY"),
        ("'self'", "'self'", "SAMEORIGIN"),
        ("self https://portal.intranet", "'self' https://portal.intranet", None),
    ],
)
def test_frame_policy_follows_the_setting(url, tmp_path, setting, ancestors, xfo):
    app = make(url, tmp_path, frame_ancestors=setting)
    h = app.server.test_client().get("/healthz").headers
    assert f"frame-ancestors {ancestors}" in h["Content-Security-Policy"]
    assert h.get("X-Frame-Options") == xfo


def test_frame_none_with_origins_is_a_config_error():
    with pytest.raises(ConfigError, match="FRAME_ANCESTORS"):
        Settings.from_env({"CARBONWALL_FRAME_ANCESTORS": "none https://portal.intranet"})


def test_https_setting_marks_the_cookie_secure_and_sends_hsts(url, tmp_path):
    plain = make(url, tmp_path).server.test_client()
    secure = make(url, tmp_path, https=True).server.test_client()
    plain_cookie = login(plain, *ADMIN).headers["Set-Cookie"]
    secure_response = login(secure, *ADMIN)
    secure_cookie = secure_response.headers["Set-Cookie"]
    for cookie in (plain_cookie, secure_cookie):
        assert cookie.startswith("carbonwall_session=")
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
    assert "Secure" not in plain_cookie
    assert "Secure" in secure_cookie
    assert secure_response.headers["Strict-Transport-Security"] == "max-age=31536000"


# ------------------------------------------------------------------ the viewing gate


def test_open_wall_needs_no_login(app):
    client = app.server.test_client()
    assert client.get("/").status_code == 200
    assert client.get("/_dash-layout").status_code == 200
    assert client.get("/api/v1/version").status_code == 200


def test_view_login_gates_every_page_and_api_but_probes_and_login(url, tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="dashboard.app"):
        client = make(url, tmp_path, view_login=True).server.test_client()
    assert [r.message for r in caplog.records if r.name == "dashboard.app"] == []  # index rendered
    page = client.get("/analysis/regions?lang=en", headers={"Accept": "text/html"})
    assert page.status_code == 302
    assert page.headers["Location"] == "/login?next=/analysis/regions%3Flang%3Den"
    for path in (
        "/_dash-layout",
        "/_dash-dependencies",
        "/api/v1/version",
        "/geo/dashes.json",
        "/assets/20-wall.js",
        "/api/policy/search",
    ):
        response = client.get(path)
        assert (path, response.status_code) == (path, 401)
        assert response.json == {"error": "login required"}
    dash_post = client.post("/_dash-update-component", json={"output": "x.y", "inputs": []})
    assert dash_post.status_code == 401
    for path in ("/healthz", "/readyz", "/login", "/assets/00-bootstrap.min.css"):
        assert (path, client.get(path).status_code) == (path, 200)
    assert client.get("/api/policy/me").json == {"user": None, "role": None}


def test_view_login_form_logs_in_and_out(url, tmp_path):
    client = make(url, tmp_path, view_login=True).server.test_client()
    form = client.get("/login?next=/inventory")
    assert 'name="next" value="/inventory"' in form.get_data(as_text=True)
    wrong = login(client, "reader", "not the password", "/inventory")
    assert wrong.status_code == 401
    assert "用户名或密码错误" in wrong.get_data(as_text=True)
    ok = login(client, *VIEWER, "/inventory")
    assert (ok.status_code, ok.headers["Location"]) == (303, "/inventory")
    assert client.get("/inventory").status_code == 200
    assert client.get("/_dash-layout").status_code == 200
    assert client.get("/api/v1/version").status_code == 200
    out = client.post("/logout")
    assert (out.status_code, out.headers["Location"]) == (303, "/login")
    assert client.get("/_dash-layout").status_code == 401


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"]
)
def test_login_never_redirects_off_the_server(app, target):
    response = login(app.server.test_client(), *VIEWER, target)
    assert (response.status_code, response.headers["Location"]) == (303, "/")


def test_a_disabled_user_loses_viewing_at_once(url, tmp_path):
    client = make(url, tmp_path, view_login=True).server.test_client()
    login(client, *VIEWER)
    assert client.get("/api/v1/version").status_code == 200
    engine = make_engine(url)
    with make_sessions(engine)() as s, s.begin():
        s.execute(update(AppUser).where(AppUser.username == "reader").values(disabled=True))
    engine.dispose()
    assert client.get("/api/v1/version").status_code == 401


def test_machine_ingest_passes_the_gate_with_its_token_only(url, tmp_path):
    client = make(url, tmp_path, view_login=True).server.test_client()
    csv = b"region_code,period,sector_code,gas,value,unit\n"
    no_token = client.post("/api/v1/ingest?kind=emissions", data=csv)
    assert no_token.json == {"error": "login required"}
    bad = client.post(
        "/api/v1/ingest?kind=emissions", data=csv, headers={"Authorization": "Bearer nope"}
    )
    assert bad.status_code == 401
    assert bad.json["error"]["message"] == "the admin token is not valid"
    good = client.post(
        "/api/v1/ingest?kind=emissions&dry_run=true",
        data=csv,
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert good.status_code in (200, 422)  # the token was accepted: the file was judged
    assert "error" not in good.json or good.json["error"] != "login required"


def test_login_rate_limit_holds_on_the_form(app):
    client = app.server.test_client()
    codes = [login(client, "admin", f"wrong {i}").status_code for i in range(5)]
    assert codes == [401] * 5
    blocked = login(client, *ADMIN)
    assert blocked.status_code == 429
    assert "登录失败次数过多" in blocked.get_data(as_text=True)


def test_cross_origin_writes_are_refused(app):
    client = app.server.test_client()
    foreign = client.post(
        "/api/policy/login",
        json={"username": ADMIN[0], "password": ADMIN[1]},
        headers={"Origin": "http://evil.example"},
    )
    assert foreign.status_code == 403
    assert foreign.json == {"error": "cross-origin request refused"}
    same = client.post(
        "/api/policy/login",
        json={"username": ADMIN[0], "password": ADMIN[1]},
        headers={"Origin": "http://localhost"},
    )
    assert same.status_code == 200


# ------------------------------------------------------------------ route audit

WRITES = {  # every route that accepts a data-changing method, and who may use it
    ("/api/v1/ingest", "POST"): "token",
    ("/api/policy/documents", "POST"): "admin",
    ("/api/policy/documents/<int:doc_id>", "PATCH"): "admin",
    ("/api/policy/documents/<int:doc_id>", "PUT"): "admin",
    ("/api/policy/documents/<int:doc_id>", "DELETE"): "admin",
    ("/api/policy/documents/<int:doc_id>/hide", "POST"): "admin",
    ("/api/policy/documents/<int:doc_id>/pdf", "POST"): "admin",
    ("/api/policy/import", "POST"): "admin",
    ("/api/policy/login", "POST"): "anyone",
    ("/api/policy/logout", "POST"): "anyone",
    ("/login", "POST"): "anyone",
    ("/logout", "POST"): "anyone",
    ("/_dash-update-component", "POST"): "callbacks",  # writing callbacks check roles
}
CATCH_ALL = {"/api/v1/", "/api/v1/<path:rest>"}  # answers 404/405 JSON, changes nothing


def test_every_data_changing_route_is_listed(app):
    found = {
        (rule.rule, method)
        for rule in app.server.url_map.iter_rules()
        for method in rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
        if rule.rule not in CATCH_ALL
    }
    assert found == set(WRITES)


def test_anonymous_and_viewer_cannot_change_data(app, url):
    engine = make_engine(url)
    with make_sessions(engine)() as s, s.begin():
        doc_id = policy.create_document(
            s,
            {
                "title": "碳达峰行动方案",
                "agency": "国务院",
                "issued_on": "2021-10-24",
                "level": "national",
                "category": "政策法规",
                "body": "推进。",
                "region_code": "100000",
            },
            actor="seed",
        )
    anonymous, viewer = app.server.test_client(), app.server.test_client()
    login(viewer, *VIEWER)
    results = []
    for client in (anonymous, viewer):
        for (rule, method), who in sorted(WRITES.items()):
            if who != "admin" and who != "token":
                continue
            path = rule.replace("<int:doc_id>", str(doc_id))
            response = client.open(path, method=method, json={"title": "changed"})
            results.append((path, method, response.status_code))
    expected = []
    for code in (401, 403):
        for (rule, method), who in sorted(WRITES.items()):
            if who in ("admin", "token"):
                path = rule.replace("<int:doc_id>", str(doc_id))
                expected.append((path, method, 401 if who == "token" else code))
    assert results == expected
    with make_sessions(engine)() as s:
        doc = policy.get_document(s, doc_id)
        assert doc is not None and doc.title == "碳达峰行动方案"
    engine.dispose()


# ------------------------------------------------------------------ dev tools, limits, secrets


def test_no_debug_or_dev_tools_whatever_the_environment_says(url, tmp_path, monkeypatch):
    for key in (
        "DASH_DEBUG",
        "DASH_HOT_RELOAD",
        "DASH_UI",
        "DASH_SERVE_DEV_BUNDLES",
        "DASH_PROPS_CHECK",
    ):
        monkeypatch.setenv(key, "true")
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = make(url, tmp_path)
    assert app.server.debug is False
    tools = app._dev_tools
    assert (tools.ui, tools.hot_reload, tools.serve_dev_bundles, tools.props_check) == (
        False,
        False,
        False,
        False,
    )
    assert app.config.suppress_callback_exceptions is True  # breadcrumbs appear later
    client = app.server.test_client()
    for path in ("/_reload-hash", "/_dash-dev-tools", "/_alive_x", "/_debugger"):
        assert (path, client.get(path).status_code) == (path, 404)
    assert '"hot_reload"' not in client.get("/").get_data(as_text=True)


def test_request_size_is_limited(url, tmp_path):
    app = make(url, tmp_path, max_upload_mb=1)
    assert app.server.config["MAX_CONTENT_LENGTH"] == 1024 * 1024 + 64 * 1024
    big = b"x" * (2 * 1024 * 1024)
    client = app.server.test_client()
    response = client.post(
        "/_dash-update-component", data=big, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    ingest = client.post("/api/v1/ingest", data=big, headers={"Authorization": f"Bearer {TOKEN}"})
    assert ingest.status_code == 413


def test_a_callback_may_carry_a_base64_upload_of_the_limit(url, tmp_path):
    """A 1 MB PDF dropped on the admin page's dcc.Upload arrives as ~1.33 MB of base64 in a
    callback body: read (the JSON is bad, so 400), not refused unread; beyond that, 413."""
    client = make(url, tmp_path, max_upload_mb=1).server.test_client()
    json_type = {"Content-Type": "application/json"}
    fits = client.post("/_dash-update-component", data=b"x" * 1_390_000, headers=json_type)
    assert fits.status_code == 400
    over = client.post("/_dash-update-component", data=b"x" * 1_500_000, headers=json_type)
    assert over.status_code == 413
    form = client.post("/login", data={"username": "x" * 1_390_000, "password": "y"})
    assert form.status_code == 413  # every other path keeps the raw limit


def test_empty_secret_gets_a_random_key_and_a_warning(url, tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="dashboard.security"):
        a = make(url, tmp_path, secret_key="")
        b = make(url, tmp_path, secret_key="")
    assert re.fullmatch(r"[0-9a-f]{64}", a.server.secret_key)
    assert a.server.secret_key != b.server.secret_key
    assert sum("CARBONWALL_SECRET_KEY is empty" in r.message for r in caplog.records) == 2
    assert make(url, tmp_path, secret_key="k" * 40).server.secret_key == "k" * 40


def test_serve_refuses_several_workers_without_a_secret(url):
    from dashboard.__main__ import cli

    result = CliRunner().invoke(
        cli,
        ["serve", "--workers", "2", "--port", "1"],
        env={"CARBONWALL_DATABASE_URL": url, "CARBONWALL_SECRET_KEY": ""},
    )
    assert result.exit_code == 1
    assert "CARBONWALL_SECRET_KEY is empty: with 2 workers" in result.output


def test_one_worker_without_a_secret_gets_one_key_from_the_master():
    from dashboard.serve import shared_secret

    settings = shared_secret(Settings(), 1)
    assert re.fullmatch(r"[0-9a-f]{64}", settings.secret_key)
    assert shared_secret(Settings(secret_key="given"), 4).secret_key == "given"


def test_default_bind_is_loopback():
    assert Settings.from_env({}).host == "127.0.0.1"


@pytest.mark.parametrize(("hops", "other_client"), [(0, 429), (1, 303)])
def test_behind_a_proxy_the_rate_limit_is_per_client(url, tmp_path, hops, other_client):
    """With CARBONWALL_PROXY_HOPS=1 the client address comes from X-Forwarded-For, so one
    client's failures do not lock the user out for everyone behind the proxy."""
    client = make(url, tmp_path, proxy_hops=hops).server.test_client()

    def attempt(address, password):
        return client.post(
            "/login",
            data={"username": "admin", "password": password, "next": "/"},
            headers={"X-Forwarded-For": address},
        ).status_code

    assert [attempt("10.0.0.1", "wrong") for _ in range(5)] == [401] * 5
    assert attempt("10.0.0.1", ADMIN[1]) == 429
    assert attempt("10.0.0.2", ADMIN[1]) == other_client
