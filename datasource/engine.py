"""Engines and session factories for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

PG_STATEMENT_TIMEOUT_MS = 30_000


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    """An engine with pre-ping; SQLite gets WAL and foreign keys, PostgreSQL a statement timeout.

    A relative SQLite path's folder is created, so the embedded default works on a fresh checkout.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _private_file(Path(parsed.database))
        # a writer waits for the rollup's write lock (a national rebuild takes ~20-40 s) rather
        # than failing with "database is locked"
        engine = create_engine(url, pool_pre_ping=True, connect_args={"timeout": 120})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # keep any libpq options the URL carries (tests put a search_path there)
    options = f"-c statement_timeout={PG_STATEMENT_TIMEOUT_MS}"
    if extra := parsed.query.get("options"):
        options = f"{extra} {options}"
        parsed = parsed.difference_update_query(["options"])
    return create_engine(
        parsed,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=pool_size,
        connect_args={"options": options, "connect_timeout": 5},
    )


def _private_file(path: Path) -> None:
    """Create a new SQLite pool file readable by its owner only (0600: it holds the password
    hashes); SQLite gives its -wal and -shm files the same mode. An existing file is left."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        return


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def is_postgres(engine_or_session: Engine | Session) -> bool:
    bind = (
        engine_or_session.get_bind()
        if isinstance(engine_or_session, Session)
        else engine_or_session
    )
    return bind.dialect.name == "postgresql"
