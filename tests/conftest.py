"""Shared fixtures: a fresh data pool on SQLite and on PostgreSQL (its own schema per test)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text

from datasource.engine import make_engine, make_sessions
from datasource.schema import migrate

PG_URL = os.environ.get(
    "CARBONWALL_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_PG = os.environ.get("CARBONWALL_TEST_REQUIRE_PG", "") == "1"


def pytest_report_header(config):  # noqa: ARG001
    import dash
    import plotly
    import sqlalchemy

    lines = [f"dash {dash.__version__}, plotly {plotly.__version__}, sqlalchemy {sqlalchemy.__version__}"]
    try:
        with create_engine(PG_URL).connect() as conn:
            lines.append("postgresql: " + conn.execute(text("select version()")).scalar().split(",")[0])
    except Exception as exc:  # noqa: BLE001 - only a report header
        lines.append(f"postgresql: unreachable ({type(exc).__name__})")
    return lines


def _pg_schema_url() -> Iterator[str]:
    """A throw-away schema in the test database, so parallel runs never see each other."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:  # noqa: BLE001
        admin.dispose()
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL is required here but unreachable at {PG_URL}: {exc}")
        pytest.skip(f"PostgreSQL unreachable at {PG_URL}")
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> Iterator[str]:
    """An empty database URL (schema not created) on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/test.sqlite"
    else:
        yield from _pg_schema_url()


@pytest.fixture
def engine(db_url) -> Iterator[Engine]:
    """A migrated data pool with the reference tables, on SQLite and PostgreSQL."""
    eng = make_engine(db_url)
    migrate(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine):
    return make_sessions(engine)
