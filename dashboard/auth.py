"""Administrator login: argon2id password hashes, Flask's signed session cookie, a login rate
limit kept in the database (so it holds across gunicorn workers), and role checks.

The session cookie is signed with ``settings.secret_key`` (a random key per start when it is
empty, which logs everyone out on restart and does not work across several workers), and is
HttpOnly and SameSite=Lax: a cross-site form cannot post to the admin endpoints with it.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any

import flask
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from dashboard.config import Settings
from datasource import policy, users

log = logging.getLogger(__name__)

FAIL_LIMIT = 5  # failed logins per FAIL_WINDOW per client address and user name
ADDRESS_FAIL_LIMIT = 20  # failed logins per FAIL_WINDOW per client address, any user name
FAIL_WINDOW = timedelta(minutes=5)
MIN_PASSWORD = 8
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("carbonwall-timing-equaliser")


def create_user(engine: Engine, username: str, password: str, role: str = "admin") -> int:
    """Create a user with an argon2id password hash; returns the new id.

    Raises ValueError (policy.PolicyError) for an existing name, an unknown role
    (admin / viewer) or a password shorter than 8 characters.
    """
    username = username.strip()
    if not username or len(username) > 64:
        raise policy.PolicyError("user name must be 1-64 characters")
    if len(password) < MIN_PASSWORD:
        raise policy.PolicyError(f"password must have at least {MIN_PASSWORD} characters")
    with Session(engine) as session, session.begin():
        user_id = policy.add_user(session, username, _hasher.hash(password), role)
    log.info("user %s created with role %s", username, role)
    return user_id


def configure(
    server: flask.Flask, settings: Settings, sessions: sessionmaker[Session] | None = None
) -> None:
    """Sign the session cookie and set its flags (leaves a key someone already set). With
    ``sessions``, every request first drops a login that has ended: issued more than
    ``settings.session_hours`` ago, or before the user last logged out (the user's session
    epoch moved on), so a replayed cookie logs no one in."""
    if not server.secret_key:
        server.secret_key = settings.secret_key or secrets.token_hex(32)
    lifetime = timedelta(hours=settings.session_hours)
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=lifetime,
    )
    if sessions is None or server.config.get("carbonwall.session_check"):
        return
    server.config["carbonwall.session_check"] = True

    @server.before_request
    def _end_stale_login() -> None:
        if flask.session.get("user") and not session_valid(sessions, lifetime):
            logout_here()


@dataclass(frozen=True)
class LoginResult:
    status: int  # 200 logged in, 401 wrong name or password, 429 too many failures
    username: str | None = None
    role: str | None = None
    epoch: int = 0  # the user's session epoch when they logged in


def authenticate(
    sessions: sessionmaker[Session], username: str, password: str, *, client: str
) -> LoginResult:
    """Check a name and password against the users table, under the rate limit."""
    key = f"{client}|{username}"[:200]
    with sessions() as session, session.begin():
        since = policy.utcnow() - FAIL_WINDOW
        if users.recent_failures(session, key, since=since) >= FAIL_LIMIT:
            log.warning("login of %r from %s refused: too many failures", username, client)
            return LoginResult(429)
        if users.recent_failures_like(session, f"{client}|", since=since) >= ADDRESS_FAIL_LIMIT:
            log.warning("login from %s refused: too many failures for any user name", client)
            return LoginResult(429)
        user = policy.get_user(session, username)
        if user is None or user.disabled:
            _verify(_DUMMY_HASH, password)  # same time as a real check: names do not leak
            ok = False
        else:
            ok = _verify(user.password_hash, password)
        if not ok or user is None:
            policy.record_failure(session, key)
            log.warning("failed login of %r from %s", username, client)
            return LoginResult(401)
        policy.clear_failures(session, key)
        if _hasher.check_needs_rehash(user.password_hash):
            policy.set_password_hash(session, user.id, _hasher.hash(password))
    log.info("user %s logged in from %s", user.username, client)
    return LoginResult(200, user.username, user.role, user.session_epoch)


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def login(result: LoginResult) -> None:
    """Start a fresh signed session for the user (keeps the reading-session id): it names
    the user's session epoch and the time it began."""
    sid = flask.session.get("sid")
    flask.session.clear()
    if sid:
        flask.session["sid"] = sid
    flask.session["user"], flask.session["role"] = result.username, result.role
    flask.session["epoch"] = result.epoch
    flask.session["since"] = int(time.time())
    flask.session.permanent = True  # the cookie expires too (PERMANENT_SESSION_LIFETIME)


def logout(sessions: sessionmaker[Session] | None = None) -> None:
    """End the login: on the server (the user's session epoch moves on, voiding every copy
    of the cookie) when ``sessions`` is given, then in this cookie."""
    who = current_user()
    if sessions is not None and who is not None:
        with sessions() as session, session.begin():
            users.end_sessions(session, who[0])
        log.info("user %s logged out", who[0])
    logout_here()


def logout_here() -> None:
    """Forget the login in this cookie only (the reading-session id stays)."""
    for key in ("user", "role", "epoch", "since"):
        flask.session.pop(key, None)


def session_valid(sessions: sessionmaker[Session], lifetime: timedelta) -> bool:
    """Whether the session's login is still on: younger than ``lifetime`` and issued under
    the user's current epoch. Without the database the signed cookie is trusted (logged)."""
    since = flask.session.get("since")
    if not isinstance(since, int) or time.time() - since > lifetime.total_seconds():
        return False
    try:
        with sessions() as session:
            role = users.session_role(session, flask.session["user"], flask.session.get("epoch"))
    except SQLAlchemyError:
        log.warning("session check without the database: trusting the signed session")
        return True
    return role is not None


def current_user() -> tuple[str, str] | None:
    """(user name, role) of the request's session, or None."""
    user, role = flask.session.get("user"), flask.session.get("role")
    return (user, role) if user and role else None


def role_of(sessions: sessionmaker[Session]) -> str | None:
    """The logged-in user's role, read from the database on every call (a demoted or disabled
    user loses rights at once, whatever their cookie says); None without a valid login (none,
    older than the session lifetime, or issued before the user logged out)."""
    who = current_user()
    if who is None:
        return None
    since = flask.session.get("since")
    lifetime = flask.current_app.permanent_session_lifetime.total_seconds()
    if not isinstance(since, int) or time.time() - since > lifetime:
        return None
    with sessions() as session:
        return users.session_role(session, who[0], flask.session.get("epoch"))


def admin_required(sessions: sessionmaker[Session]) -> Callable[[Callable[..., Any]], Any]:
    """A view decorator: 401 without a login, 403 for a user who is not an administrator."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            role = role_of(sessions)
            if role is None:
                return flask.jsonify(error="login required"), 401
            if role != "admin":
                return flask.jsonify(error="administrators only"), 403
            return view(*args, **kwargs)

        return wrapper

    return decorate
