"""Shared fixtures: a fresh data pool on SQLite and on PostgreSQL (its own schema per test)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pgschema import PG_URL, pg_schema_url
from sqlalchemy import Engine, create_engine, text

from datasource.engine import make_engine, make_sessions
from datasource.schema import migrate


def pytest_report_header(config):  # noqa: ARG001
    import dash
    import plotly
    import sqlalchemy

    lines = [
        f"dash {dash.__version__}, plotly {plotly.__version__}, sqlalchemy {sqlalchemy.__version__}"
    ]
    try:
        with create_engine(PG_URL).connect() as conn:
            lines.append(
                "postgresql: " + conn.execute(text("select version()")).scalar().split(",")[0]
            )
    except Exception as exc:  # noqa: BLE001 - only a report header
        lines.append(f"postgresql: unreachable ({type(exc).__name__})")
    return lines


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> Iterator[str]:
    """An empty database URL (schema not created) on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/test.sqlite"
    else:
        yield from pg_schema_url()


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
