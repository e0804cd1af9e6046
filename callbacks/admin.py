"""What the pages with administration share: the session user's role (read from the database
on every call, so a demoted or disabled user loses rights at once, whatever the cookie says),
the gate of an administrators' page, and the bytes of a file dropped on a dcc.Upload."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import flask
from sqlalchemy.orm import Session, sessionmaker

from callbacks.common import lang_of
from datasource import users
from layouts.pages import policy as library_page


def session_role(sessions: sessionmaker[Session]) -> str | None:
    """The role of the session's user, or None without a valid login."""
    user = flask.session.get("user")
    if not user:
        return None
    with sessions() as session:
        return users.active_role(session, user)


def admin_user(sessions: sessionmaker[Session]) -> str | None:
    """The administrator's user name, or None when the session's user is not one."""
    return flask.session.get("user") if session_role(sessions) == "admin" else None


def role_gate(
    sessions: sessionmaker[Session],
    params: dict | None,
    here: str,
    gate: Any,
    shown: dict | None = None,
) -> tuple[Any, dict, Any]:
    """(refusal or None, the body's style, the header's login corner) of an administrators'
    page for this session; ``gate(user or None, lang)`` builds the refusal."""
    lang, user, role = lang_of(params), flask.session.get("user"), session_role(sessions)
    badge = library_page.user_badge(user, role, lang, here)
    if role == "admin":
        return None, shown if shown is not None else {}, badge
    return gate(user if role else None, lang), {"display": "none"}, badge


def upload_bytes(contents: str | None) -> bytes | None:
    """The bytes of a dcc.Upload's ``data:...;base64,...`` value (None if it is not one)."""
    if not isinstance(contents, str) or "," not in contents:
        return None
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        return None
