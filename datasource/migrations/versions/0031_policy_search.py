"""policy search on PostgreSQL: one trigram index on the concatenated searchable text

Revision ID: 0031_policy_search
Revises: 0030_policy

0030_policy gave title, doc_no, tags and body a pg_trgm GIN index each, but search matches a
term in any of the four, and the planner served that OR with a sequential scan over every
body (about 0.5 s on 20,000 documents). This replaces the four with one GIN index on the
expression that datasource.policy._search_text() builds, character for character the same
(the planner uses an expression index only for an identical expression). SQLite keeps its
FTS5 table from 0030_policy: nothing changes there.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031_policy_search"
down_revision = "0030_policy"
branch_labels = None
depends_on = None

INDEX = "ix_policy_document_search_trgm"
SEARCH_TEXT = "coalesce(title, '') || ' ' || coalesce(doc_no, '') || ' ' || tags || ' ' || body"
_COLUMNS = ("title", "body", "doc_no", "tags")


def _trgm_schema() -> str:
    """pg_trgm lives in one schema of the database (0030_policy creates it in ``public``);
    the tests' search_path holds only their own schema, so the operator class is qualified."""
    return (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT n.nspname FROM pg_extension e "
                "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
            )
        )
        .scalar_one()
    )


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    schema = _trgm_schema()
    op.execute(
        f"CREATE INDEX {INDEX} ON policy_document "
        f'USING gin (({SEARCH_TEXT}) "{schema}".gin_trgm_ops)'
    )
    for col in _COLUMNS:
        op.execute(f"DROP INDEX IF EXISTS ix_policy_document_{col}_trgm")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    schema = _trgm_schema()
    for col in _COLUMNS:
        op.execute(
            f"CREATE INDEX ix_policy_document_{col}_trgm ON policy_document "
            f'USING gin ({col} "{schema}".gin_trgm_ops)'
        )
    op.execute(f"DROP INDEX IF EXISTS {INDEX}")
