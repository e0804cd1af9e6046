"""policy library: documents, PDFs, views, audit, users, login failures, search index

Revision ID: 0030_policy
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030_policy"
down_revision = "0001"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "policy_document",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("doc_no", sa.String(length=100), nullable=True),
        sa.Column("agency", sa.String(length=100), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("region_code", sa.String(length=32), nullable=False),
        sa.Column("tags", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", _TZ, nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    for col in ("agency", "issued_on", "level", "category", "region_code"):
        op.create_index(f"ix_policy_document_{col}", "policy_document", [col])

    op.create_table(
        "policy_file",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", _TZ, nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["policy_document.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id"),
    )
    op.create_table(
        "policy_view",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("viewed_at", _TZ, nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["policy_document.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_policy_view_month_doc", "policy_view", ["month", "document_id"])
    op.create_index("ix_policy_view_doc", "policy_view", ["document_id"])
    op.create_table(
        "policy_view_guard",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("session_hash", sa.String(length=64), nullable=False),
        sa.Column("counted_at", _TZ, nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["policy_document.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id", "session_hash"),
    )
    op.create_index("ix_policy_view_guard_counted_at", "policy_view_guard", ["counted_at"])
    op.create_table(
        "policy_audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", _TZ, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_policy_audit_at", "policy_audit", ["at"])
    op.create_index("ix_policy_audit_document_id", "policy_audit", ["document_id"])
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_login_failure_key_at", "login_failure", ["key", "at"])
    create_search_index()


def create_search_index() -> None:
    """The one dialect split of the policy library: how Chinese full-text search is indexed.

    Chinese has no spaces between words, so word tokenizers find nothing; both backends index
    overlapping three-character pieces (trigrams) instead, which finds any substring of three
    or more characters. datasource.policy.search falls back to LIKE for 1-2 character queries.

    - SQLite: an FTS5 table with the trigram tokenizer (SQLite >= 3.34), kept in step with
      policy_document by triggers (external content: the text is stored once). A later
      batch-mode migration that recreates policy_document must recreate these triggers.
    - PostgreSQL: the pg_trgm extension and GIN trigram indexes, which serve ILIKE '%…%'
      (and similarity() ranks). The extension is database-wide: it is created in schema
      ``public`` under an advisory lock (parallel migrations race otherwise), and the
      operator class is qualified with the schema it actually lives in.
    """
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE policy_fts USING fts5(title, doc_no, tags, body, "
            "content='policy_document', content_rowid='id', tokenize='trigram')"
        )
        cols, new, old = "title, doc_no, tags, body", _vals("new"), _vals("old")
        op.execute(
            "CREATE TRIGGER policy_fts_ai AFTER INSERT ON policy_document BEGIN "
            f"INSERT INTO policy_fts(rowid, {cols}) VALUES ({new}); END"
        )
        op.execute(
            "CREATE TRIGGER policy_fts_ad AFTER DELETE ON policy_document BEGIN "
            f"INSERT INTO policy_fts(policy_fts, rowid, {cols}) VALUES ('delete', {old}); END"
        )
        op.execute(
            "CREATE TRIGGER policy_fts_au AFTER UPDATE OF title, doc_no, tags, body "
            "ON policy_document BEGIN "
            f"INSERT INTO policy_fts(policy_fts, rowid, {cols}) VALUES ('delete', {old}); "
            f"INSERT INTO policy_fts(rowid, {cols}) VALUES ({new}); END"
        )
        op.execute("INSERT INTO policy_fts(policy_fts) VALUES ('rebuild')")
    elif bind.dialect.name == "postgresql":
        op.execute("SELECT pg_advisory_xact_lock(hashtext('carbonwall.pg_trgm'))")
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
        schema = bind.execute(
            sa.text(
                "SELECT n.nspname FROM pg_extension e "
                "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
            )
        ).scalar_one()
        for col in ("title", "body", "doc_no", "tags"):
            op.execute(
                f"CREATE INDEX ix_policy_document_{col}_trgm ON policy_document "
                f'USING gin ({col} "{schema}".gin_trgm_ops)'
            )


def _vals(row: str) -> str:
    return f"{row}.id, {row}.title, {row}.doc_no, {row}.tags, {row}.body"


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trig in ("policy_fts_ai", "policy_fts_ad", "policy_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trig}")
        op.execute("DROP TABLE IF EXISTS policy_fts")
    # the pg_trgm extension stays: other schemas in the database may use it
    for table in (
        "login_failure",
        "app_user",
        "policy_audit",
        "policy_view_guard",
        "policy_view",
        "policy_file",
        "policy_document",
    ):
        op.drop_table(table)
