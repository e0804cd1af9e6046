"""Users of the platform and failed logins (the ``app_user`` and ``login_failure`` tables):
the SQL behind dashboard/auth.py's login, lock-out and user creation.

Refusals raise ``PolicyError`` (a taken name is 409), the error the policy library uses, so
callers catch one class.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.orm import Session

from datasource import policy_common as common  # common.utcnow(): the one clock, see there
from datasource.models_policy import ROLES, AppUser, LoginFailure
from datasource.policy_common import PolicyError


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    password_hash: str
    role: str
    disabled: bool
    session_epoch: int = 0


def add_user(session: Session, username: str, password_hash: str, role: str) -> int:
    if role not in ROLES:
        raise PolicyError(f"role must be one of {ROLES}, got {role!r}")
    if session.scalar(select(AppUser.id).where(AppUser.username == username)) is not None:
        raise PolicyError(f"user {username!r} already exists", status=409)
    user = AppUser(
        username=username,
        password_hash=password_hash,
        role=role,
        disabled=False,
        created_at=common.utcnow(),
    )
    session.add(user)
    session.flush()
    return user.id


def get_user(session: Session, username: str) -> UserRow | None:
    u = session.scalar(select(AppUser).where(AppUser.username == username))
    if u is None:
        return None
    return UserRow(u.id, u.username, u.password_hash, u.role, u.disabled, u.session_epoch or 0)


def active_role(session: Session, username: str) -> str | None:
    """The user's role (admin / viewer), or None for an unknown or disabled user."""
    user = get_user(session, username)
    return None if user is None or user.disabled else user.role


def session_role(session: Session, username: str, epoch: object) -> str | None:
    """The role of a session's user if the session was issued under the user's current epoch
    (a logout moves it on), else None; None also for an unknown or disabled user."""
    user = get_user(session, username)
    if user is None or user.disabled or epoch != user.session_epoch:
        return None
    return user.role


def end_sessions(session: Session, username: str) -> None:
    """Void every session cookie of the user issued so far (logout)."""
    session.execute(
        update(AppUser)
        .where(AppUser.username == username)
        .values(session_epoch=AppUser.session_epoch + 1)
    )


def set_password_hash(session: Session, user_id: int, password_hash: str) -> None:
    session.execute(
        update(AppUser).where(AppUser.id == user_id).values(password_hash=password_hash)
    )


def recent_failures(session: Session, key: str, *, since: datetime) -> int:
    return (
        session.scalar(
            select(func.count()).where(and_(LoginFailure.key == key, LoginFailure.at >= since))
        )
        or 0
    )


def recent_failures_like(session: Session, prefix: str, *, since: datetime) -> int:
    """Failed logins since ``since`` whose key starts with ``prefix`` (one address, every
    user name: password spraying)."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return (
        session.scalar(
            select(func.count()).where(
                and_(LoginFailure.key.like(escaped + "%", escape="\\"), LoginFailure.at >= since)
            )
        )
        or 0
    )


def record_failure(session: Session, key: str, *, now: datetime | None = None) -> None:
    now = now or common.utcnow()
    session.add(LoginFailure(key=key, at=now))
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - timedelta(days=1)))


def clear_failures(session: Session, key: str) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.key == key))
