"""Production hardening on the one Flask server: security headers and a Content-Security-Policy
the wall works under, the viewing login gate, the cross-origin write guard, request size limits,
no debug or dev-tool route, and the signed-session cookie flags.

``install(app, settings, sessions=...)`` wires all of it; ``create_app`` calls it after every
callback is registered (the CSP lists the hashes of Dash's inline scripts).
"""

from __future__ import annotations

import html
import logging
import secrets
from collections.abc import Iterable
from urllib.parse import urlparse

import flask
from dash import Dash
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from dashboard import auth
from dashboard.config import Settings

log = logging.getLogger(__name__)

LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"
# reachable without a login when viewing needs one: probes, the login itself, its stylesheet
OPEN_PATHS = frozenset(
    {
        "/healthz",
        "/readyz",
        LOGIN_PATH,
        LOGOUT_PATH,
        "/api/policy/login",
        "/api/policy/logout",
        "/api/policy/me",
        "/assets/00-bootstrap.min.css",
        "/_favicon.ico",
    }
)
# the only "/_..." paths a production Dash app needs; any other (/_reload-hash, /_alive_…,
# /_dash-dev-tools) is refused, whatever DASH_* environment variables say
DASH_PATHS = (
    "/_dash-layout",
    "/_dash-dependencies",
    "/_dash-update-component",
    "/_dash-component-suites/",
    "/_favicon.ico",
)
INTERNAL = "carbonwall.internal"  # a WSGI environ key no HTTP request can set (start-up render)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_SLACK = 64 * 1024  # multipart boundaries and headers around an upload


def frame_sources(setting: str) -> str:
    """The CSP frame-ancestors value from CARBONWALL_FRAME_ANCESTORS ('self', 'none' or origins)."""
    words = setting.split() or ["self"]
    out = []
    for word in words:
        bare = word.strip("'\"").lower()
        out.append(f"'{bare}'" if bare in {"self", "none"} else word)
    if "'none'" in out and len(out) > 1:
        raise ValueError("frame ancestors: 'none' cannot be combined with other sources")
    return " ".join(out)


def x_frame_options(ancestors: str) -> str | None:
    """The legacy header for browsers without frame-ancestors (it cannot list origins)."""
    return {"'self'": "SAMEORIGIN", "'none'": "DENY"}.get(ancestors)


def content_security_policy(script_hashes: Iterable[str], ancestors: str) -> str:
    """No origin but this server. Dash's one inline script (the renderer) goes by its hash;
    plotly adds <style> elements and React sets style attributes, hence 'unsafe-inline' for
    styles only; map data URIs and blob workers for the images and MapLibre."""
    directives = {
        "default-src": "'self'",
        "script-src": " ".join(["'self'", *script_hashes]),
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data: blob:",
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "worker-src": "'self' blob:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": ancestors,
    }
    return "; ".join(f"{k} {v}" for k, v in directives.items())


def install(app: Dash, settings: Settings, *, sessions: sessionmaker[Session]) -> None:
    """Harden ``app.server``; call after every callback and route is registered."""
    server = app.server
    server.debug = False  # FLASK_DEBUG in the environment must not turn it on
    server.config.update(
        DEBUG=False,
        PROPAGATE_EXCEPTIONS=False,
        MAX_CONTENT_LENGTH=settings.max_upload_mb * 1024 * 1024 + FORM_SLACK,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.https,
        SESSION_COOKIE_NAME="carbonwall_session",
    )
    if settings.secret_key:
        server.secret_key = settings.secret_key
    else:
        server.secret_key = server.secret_key or secrets.token_hex(32)
        log.warning(
            "CARBONWALL_SECRET_KEY is empty: sessions are signed with a random key of this "
            "process and end when it restarts; set it in production"
        )
    if settings.proxy_hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        server.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            server.wsgi_app, x_for=settings.proxy_hops, x_proto=settings.proxy_hops
        )
    ancestors = frame_sources(settings.frame_ancestors)
    headers = {
        "Content-Security-Policy": content_security_policy(app.csp_hashes(), ancestors),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",  # NOT no-referrer: pages are routed by the Referer
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    }
    if xfo := x_frame_options(ancestors):
        headers["X-Frame-Options"] = xfo
    if settings.https:
        headers["Strict-Transport-Security"] = "max-age=31536000"

    @server.after_request
    def _headers(response: flask.Response) -> flask.Response:
        for key, value in headers.items():
            response.headers.setdefault(key, value)
        return response

    trusted = frozenset(_origin_key(o) for o in settings.trusted_origin_list)
    # a file dropped on a dcc.Upload reaches its callback base64-encoded, 4/3 of its size
    callback_limit = (settings.max_upload_mb * 1024 * 1024 * 4) // 3 + FORM_SLACK

    @server.before_request
    def _guard() -> flask.Response | tuple | None:
        path = flask.request.path
        if path == "/_dash-update-component":
            flask.request.max_content_length = callback_limit
        if path.startswith("/_") and not path.startswith(DASH_PATHS):
            return flask.jsonify(error="not found"), 404
        if path.startswith("/_dash-component-suites/") and not _plain_path(path):
            return flask.jsonify(error="not found"), 404
        if flask.request.method in UNSAFE_METHODS and not _same_origin(trusted):
            log.warning("cross-origin %s %s refused", flask.request.method, path)
            return flask.jsonify(error="cross-origin request refused"), 403
        if settings.view_login and not _viewing_allowed(sessions):
            return _login_required()
        return None

    _register_login(server, settings, sessions)


def _same_origin(trusted: frozenset[tuple[str, str, int]] = frozenset()) -> bool:
    """A browser names the page's origin on every cross-origin write (and most same-origin
    ones); without the header (curl, machine ingest with a token) there is nothing to compare.
    The origin must be this server's own (scheme, host and port, as the request reached it,
    behind CARBONWALL_PROXY_HOPS proxies as the client used it) or one of
    CARBONWALL_TRUSTED_ORIGINS: a page on the same host at another port or scheme is another
    origin."""
    origin = flask.request.headers.get("Origin")
    if origin is None or origin == "null":
        return origin is None
    try:
        key = _origin_key(origin)
        own = _origin_key(flask.request.host_url)
    except ValueError:
        return False
    return key == own or key in trusted


DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin_key(origin: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an origin or URL, the default port filled in; ValueError for
    one without a scheme or host."""
    parts = urlparse(origin.strip())
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in DEFAULT_PORTS or not host:
        raise ValueError(f"not an http(s) origin: {origin!r}")
    return scheme, host, parts.port or DEFAULT_PORTS[scheme]


def _plain_path(path: str) -> bool:
    """No '..' segment, backslash or NUL: Dash's component-suite route answers 500, not 404,
    to a path that climbs out of its package."""
    return "\\" not in path and "\x00" not in path and ".." not in path.split("/")


def _viewing_allowed(sessions: sessionmaker[Session]) -> bool:
    request = flask.request
    if request.path in OPEN_PATHS or request.environ.get(INTERNAL) is True:
        return True
    if request.path == "/api/v1/ingest" and request.headers.get("Authorization"):
        return True  # machine ingest: the endpoint itself checks the bearer token
    if auth.current_user() is None:
        return False
    try:
        return auth.role_of(sessions) is not None
    except SQLAlchemyError:
        # the cookie is signed, so it is authentic; only a revocation waits for the database
        log.warning("login check without the database: trusting the signed session")
        return True


def _login_required() -> flask.Response | tuple:
    request = flask.request
    wants_page = request.method == "GET" and request.accept_mimetypes.accept_html
    if wants_page and not request.path.startswith(("/api/", "/_dash", "/geo/", "/assets/")):
        target = request.full_path if request.query_string else request.path
        return flask.redirect(_login_url(target))
    return flask.jsonify(error="login required"), 401


def _login_url(target: str) -> str:
    from urllib.parse import quote

    return f"{LOGIN_PATH}?next={quote(target, safe='/')}"


def safe_next(target: str | None) -> str:
    """Only a path on this server (no scheme, no //host): an open redirect is refused."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc:
        return "/"
    return target


LOGIN_PAGE = """<!DOCTYPE html>
<html lang="zh-CN" data-bs-theme="dark"><head><meta charset="utf-8">
<title>登录 · carbonwall</title>
<link rel="stylesheet" href="/assets/00-bootstrap.min.css"></head>
<body class="d-flex align-items-center justify-content-center" style="min-height:100vh">
<form method="post" action="/login" class="card p-4" style="width:22rem">
<h1 class="h5 mb-3">双碳监测平台 · 登录 (Log in)</h1>
{message}
<input type="hidden" name="next" value="{next}">
<label class="form-label" for="u">用户名 (user name)</label>
<input class="form-control mb-2" id="u" name="username" autocomplete="username" required>
<label class="form-label" for="p">密码 (password)</label>
<input class="form-control mb-3" id="p" name="password" type="password"
 autocomplete="current-password" required>
<button class="btn btn-primary" type="submit">登录</button>
</form></body></html>"""


def _login_page(next_path: str, message: str = "", status: int = 200) -> flask.Response:
    note = f'<div class="alert alert-danger py-2">{html.escape(message)}</div>' if message else ""
    body = LOGIN_PAGE.format(message=note, next=html.escape(safe_next(next_path), quote=True))
    response = flask.Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _register_login(server: flask.Flask, settings: Settings, sessions) -> None:  # type: ignore[no-untyped-def]
    """GET/POST /login (a plain form, no script) and POST /logout."""

    @server.get(LOGIN_PATH)
    def login_form():  # type: ignore[no-untyped-def]
        return _login_page(flask.request.args.get("next", "/"))

    @server.post(LOGIN_PATH)
    def login_submit():  # type: ignore[no-untyped-def]
        form = flask.request.form
        username, password = form.get("username", ""), form.get("password", "")
        target = safe_next(form.get("next"))
        result = auth.authenticate(
            sessions, username, password, client=flask.request.remote_addr or "?"
        )
        if result.status == 429:
            return _login_page(target, "登录失败次数过多，请 5 分钟后再试 (too many failures)", 429)
        if result.status != 200:
            return _login_page(target, "用户名或密码错误 (wrong user name or password)", 401)
        auth.login(result)
        return flask.redirect(target, code=303)

    @server.post(LOGOUT_PATH)
    def logout_submit():  # type: ignore[no-untyped-def]
        auth.logout(sessions)  # ends the session on the server, not only in this cookie
        flask.session.clear()
        return flask.redirect(LOGIN_PATH, code=303)
