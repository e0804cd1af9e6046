"""Sessions, cross-origin writes and the policy API under attack (issue 17): a sibling origin
and a text/plain body cannot write, a cookie replayed after logout or past its lifetime logs no
one in, anonymous readers never see who edited a document, ids past 64 bits and a database that
is down answer JSON, paging is bounded, views cannot be pushed by dropping the cookie, password
spraying from one address is throttled. Data-bearing cases on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import stat

import flask
import pytest
import wall_data
from click.testing import CliRunner
from policy_docs import ADMIN, DOC, VIEWER

from dashboard import auth, policy_routes, serve
from dashboard.__main__ import cli
from dashboard.app import create_app
from dashboard.config import Settings
from datasource import policy
from datasource.engine import make_engine, make_sessions
from datasource.schema import migrate


@pytest.fixture
def server(engine, sessions):
    auth.create_user(engine, *ADMIN, role="admin")
    auth.create_user(engine, *VIEWER, role="viewer")
    with sessions() as s, s.begin():
        doc_id = policy.create_document(s, DOC, actor="seed")
    app = flask.Flask(__name__)
    policy_routes.register(
        app, sessions=sessions, settings=Settings(secret_key="k" * 32, max_upload_mb=1)
    )
    app.config["doc_id"] = doc_id
    return app


def login(client, who=ADMIN):
    response = client.post("/api/policy/login", json={"username": who[0], "password": who[1]})
    assert response.status_code == 200, response.data
    return response


@pytest.fixture
def site(tmp_path):
    """The whole app (create_app) on a SQLite pool with the two users."""
    url = f"sqlite:///{tmp_path}/site.sqlite"
    engine = make_engine(url)
    migrate(engine)
    wall_data.pool(engine)
    auth.create_user(engine, *ADMIN, role="admin")
    engine.dispose()

    def make(**kw):
        settings = Settings(
            database_url=url,
            run_scheduler=False,
            geo_cache_dir=str(tmp_path / "geo"),
            secret_key="s" * 64,
            **kw,
        )
        return create_app(settings)

    return make


def client_at(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


# --------------------------------------------------------------------------- CSRF


def test_a_sibling_origin_and_a_text_plain_body_cannot_write(site):
    app = site()
    client = app.server.test_client()
    assert (
        client.post(
            "/api/policy/login", json={"username": ADMIN[0], "password": ADMIN[1]}
        ).status_code
        == 200
    )
    new = {**DOC, "doc_no": "国发〔2026〕1号", "title": "同源创建"}
    statuses = {}
    for origin in ("http://localhost:8080", "https://localhost", "http://evil.localhost"):
        response = client.post("/api/policy/documents", json=new, headers={"Origin": origin})
        statuses[origin] = (response.status_code, response.json)
    assert statuses == {
        o: (403, {"error": "cross-origin request refused"})
        for o in ("http://localhost:8080", "https://localhost", "http://evil.localhost")
    }
    plain = client.post(
        "/api/policy/documents",
        data=flask.json.dumps(new),
        headers={"Origin": "http://localhost", "Content-Type": "text/plain"},
    )
    assert plain.status_code == 415
    assert plain.json["error"]["code"] == "unsupported_media_type"
    hide = client.post(
        "/api/policy/documents/1/hide",
        data="hidden=1",
        headers={"Origin": "http://localhost", "Content-Type": "text/plain"},
    )
    assert hide.status_code == 415
    same = client.post("/api/policy/documents", json=new, headers={"Origin": "http://localhost"})
    assert same.status_code == 201
    also_default_port = client.post(
        "/api/policy/documents",
        json={**new, "doc_no": "国发〔2026〕2号"},
        headers={"Origin": "http://localhost:80"},
    )
    assert also_default_port.status_code == 201


def test_trusted_origins_name_a_proxy_front(site):
    client = site(trusted_origins="https://portal.example:8443").server.test_client()
    body = {"username": ADMIN[0], "password": ADMIN[1]}
    front = client.post(
        "/api/policy/login", json=body, headers={"Origin": "https://portal.example:8443"}
    )
    other = client.post(
        "/api/policy/login", json=body, headers={"Origin": "https://portal.example"}
    )
    assert (front.status_code, other.status_code) == (200, 403)


def test_a_path_out_of_the_component_suites_is_404(site):
    client = site().server.test_client()
    for path in ("/_dash-component-suites/dash/..%2F..", "/_dash-component-suites/dash/../app.py"):
        assert client.get(path).status_code == 404


# --------------------------------------------------------------------------- sessions


def test_a_cookie_replayed_after_logout_logs_no_one_in(server):
    client = server.test_client()
    login(client)
    kept = client.get_cookie("session").value
    assert client.get("/api/policy/me").json == {"user": "admin", "role": "admin"}
    assert client.post("/api/policy/logout").json == {"ok": True}

    replay = server.test_client()
    replay.set_cookie("session", kept)
    assert replay.get("/api/policy/me").json == {"user": None, "role": None}
    assert replay.get("/api/policy/audit").status_code == 401
    # a new login works and is not voided by the old logout
    login(client)
    assert client.get("/api/policy/me").json == {"user": "admin", "role": "admin"}


def test_a_login_ends_after_the_session_lifetime(server, monkeypatch):
    client = server.test_client()
    login(client)
    start = auth.time.time()
    monkeypatch.setattr(auth.time, "time", lambda: start + 11 * 3600)
    assert client.get("/api/policy/me").json["user"] == "admin"
    monkeypatch.setattr(auth.time, "time", lambda: start + 12 * 3600 + 60)
    assert client.get("/api/policy/me").json == {"user": None, "role": None}
    cookie = client.get_cookie("session")
    assert cookie is None or cookie.expires is not None  # a permanent cookie: it expires


def test_the_logout_form_ends_the_session_on_the_server(site):
    client = site().server.test_client()
    client.post("/login", data={"username": ADMIN[0], "password": ADMIN[1], "next": "/"})
    kept = client.get_cookie("carbonwall_session").value
    assert client.get("/api/policy/me").json["user"] == "admin"
    client.post("/logout")
    replay = site().server.test_client()
    replay.set_cookie("carbonwall_session", kept)
    assert replay.get("/api/policy/me").json == {"user": None, "role": None}


def test_password_spraying_from_one_address_is_throttled(server):
    spray = server.test_client()
    codes = [
        spray.post(
            "/api/policy/login", json={"username": f"user{i}", "password": "Winter2026!"}
        ).status_code
        for i in range(20)
    ]
    assert codes == [401] * 20
    right = spray.post("/api/policy/login", json={"username": ADMIN[0], "password": ADMIN[1]})
    assert right.status_code == 429
    elsewhere = client_at(server, "10.0.0.2")
    assert (
        elsewhere.post(
            "/api/policy/login", json={"username": ADMIN[0], "password": ADMIN[1]}
        ).status_code
        == 200
    )


# --------------------------------------------------------------------------- documents


def test_anonymous_readers_never_see_who_edited_a_document(server):
    url = f"/api/policy/documents/{server.config['doc_id']}"
    anonymous = server.test_client().get(url).json
    viewer = server.test_client()
    login(viewer, VIEWER)
    admin = server.test_client()
    login(admin)
    assert "updated_by" not in anonymous
    assert "updated_by" not in viewer.get(url).json
    assert admin.get(url).json["updated_by"] == "seed"


def test_ids_past_64_bits_are_404_json(server):
    admin = server.test_client()
    login(admin)
    for doc_id in (2**31, 2**63, 2**64, 10**30):
        got = server.test_client().get(f"/api/policy/documents/{doc_id}")
        assert (got.status_code, got.json["error"]["code"]) == (404, "not_found")
        patched = admin.patch(f"/api/policy/documents/{doc_id}", json={"title": "x"})
        assert (patched.status_code, patched.is_json) == (404, True)
    top = server.test_client().get(f"/api/policy/documents/{2**31 - 1}")
    assert (top.status_code, top.json) == (404, {"error": "not found"})


def test_the_policy_api_answers_json_503_while_the_database_is_down():
    down = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    app = flask.Flask(__name__)
    policy_routes.register(
        app, sessions=make_sessions(down), settings=Settings(secret_key="k" * 32)
    )
    client = app.test_client()
    for path in ("/api/policy/search?q=碳", "/api/policy/documents/1", "/api/policy/stats"):
        response = client.get(path)
        assert (response.status_code, response.json["error"]["code"]) == (
            503,
            "database_unavailable",
        ), path


@pytest.mark.parametrize(
    "query",
    ["limit=100000000", "limit=-5", "limit=0", "offset=-1", "offset=100000000", "limit=abc"],
)
def test_paging_is_bounded(server, query):
    response = server.test_client().get(f"/api/policy/search?q=碳&{query}")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_parameter"


def test_paging_within_bounds_answers(server):
    client = server.test_client()
    assert client.get("/api/policy/search?limit=100&offset=10000").status_code == 200
    admin = server.test_client()
    login(admin)
    assert admin.get("/api/policy/audit?limit=1000").status_code == 200
    assert admin.get("/api/policy/audit?limit=-1").status_code == 400


def test_views_without_a_cookie_count_at_most_10_per_address_per_day(server, sessions):
    url = f"/api/policy/documents/{server.config['doc_id']}"
    counted = [server.test_client().get(url).json["counted"] for _ in range(12)]
    assert counted == [True] * 10 + [False] * 2
    reader = client_at(server, "10.0.0.3")
    assert [reader.get(url).json["counted"] for _ in range(3)] == [True, False, False]
    with sessions() as s:
        assert policy.get_document(s, server.config["doc_id"]).views == 11


# --------------------------------------------------------------------------- operators


def test_production_refuses_a_short_secret_key():
    with pytest.raises(Exception, match="SECRET_KEY has 1 bytes"):
        serve.strong_secret(Settings(secret_key="x"))
    serve.strong_secret(Settings(secret_key="k" * 32))
    serve.strong_secret(Settings(secret_key=""))  # a random key per start
    result = CliRunner().invoke(
        cli,
        ["serve", "--workers", "2", "--port", "1"],
        env={"CARBONWALL_SECRET_KEY": "short-key", "CARBONWALL_DATABASE_URL": "sqlite://"},
    )
    assert result.exit_code == 1
    assert "CARBONWALL_SECRET_KEY has 9 bytes" in result.output


def test_create_user_reads_the_password_from_stdin_never_an_argument(tmp_path):
    url = f"sqlite:///{tmp_path}/users.sqlite"
    env = {k: None for k in os.environ if k.startswith("CARBONWALL_")}
    env["CARBONWALL_DATABASE_URL"] = url
    runner = CliRunner()
    assert runner.invoke(cli, ["init-db"], env=env).exit_code == 0
    made = runner.invoke(
        cli, ["create-user", "ops", "--password-stdin"], input="a long passphrase\n", env=env
    )
    assert made.exit_code == 0, made.output
    refused = runner.invoke(cli, ["create-user", "x", "--password", "in the ps list"], env=env)
    assert refused.exit_code == 2 and "No such option" in refused.output
    prompted = runner.invoke(
        cli, ["create-user", "ops2"], input="another passphrase\nanother passphrase\n", env=env
    )
    assert prompted.exit_code == 0, prompted.output
    sessions = make_sessions(make_engine(url))
    assert auth.authenticate(sessions, "ops", "a long passphrase", client="t").status == 200
    assert auth.authenticate(sessions, "ops2", "another passphrase", client="t").status == 200


def test_a_new_sqlite_pool_is_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "fresh" / "pool.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in path.parent.iterdir()}
    assert modes["pool.sqlite"] == 0o600
    assert all(mode & 0o077 == 0 for mode in modes.values()), modes
