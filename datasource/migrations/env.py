"""Alembic environment: runs on the connection that datasource.schema hands it."""

from __future__ import annotations

from alembic import context

from datasource.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only for `alembic` on the command line
    from datasource.engine import make_engine

    connection = make_engine(config.get_main_option("sqlalchemy.url")).connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
