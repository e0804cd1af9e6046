"""The policy library's schema (双碳宣传子系统): documents, their PDFs, views, the audit log,
and the administrators who may change them.

Conventions:
- ``level``: national / provincial / municipal / park; ``region_code`` is ``100000`` for
  national documents, a 6-digit GB/T 2260 code or a park code otherwise.
- ``policy_view.month`` is ``YYYY-MM``, written with the view, so statistics never need
  dialect date functions.
- The search index (SQLite FTS5 ``policy_fts`` or PostgreSQL's one trigram GIN index over the
  concatenated text) is created by migrations ``0030_policy`` and ``0031_policy_search``, not
  here: it is not an ORM table.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from datasource.models import Base

CATEGORIES = ("政策法规", "低碳资讯", "低碳技术", "先进案例", "专家培训")
DOC_LEVELS = ("national", "provincial", "municipal", "park")
ROLES = ("admin", "viewer")


class PolicyDocument(Base):
    __tablename__ = "policy_document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(300))
    doc_no: Mapped[str | None] = mapped_column(String(100))  # 文号, e.g. 国发〔2021〕23号
    agency: Mapped[str] = mapped_column(String(100), index=True)  # 发文机关
    issued_on: Mapped[date] = mapped_column(Date, index=True)
    level: Mapped[str] = mapped_column(String(16), index=True)
    category: Mapped[str] = mapped_column(String(16), index=True)
    region_code: Mapped[str] = mapped_column(String(32), index=True)
    tags: Mapped[str] = mapped_column(String(300), default="")  # comma-separated
    body: Mapped[str] = mapped_column(Text, default="")
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(64))


class PolicyFile(Base):
    """The PDF attached to a document, stored in the database (BLOB / bytea), at most one."""

    __tablename__ = "policy_file"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("policy_document.id", ondelete="CASCADE"), primary_key=True
    )
    file_name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    uploaded_by: Mapped[str] = mapped_column(String(64))


class PolicyView(Base):
    """One counted view of a document (after the per-session dedup window)."""

    __tablename__ = "policy_view"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("policy_document.id", ondelete="CASCADE"))
    viewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM

    __table_args__ = (
        Index("ix_policy_view_month_doc", "month", "document_id"),
        Index("ix_policy_view_doc", "document_id"),
    )


class PolicyViewGuard(Base):
    """When a browser session's view of a document was last counted (the dedup window).

    ``session_hash`` is a SHA-256 of the cookie's session id, never the id itself.
    """

    __tablename__ = "policy_view_guard"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("policy_document.id", ondelete="CASCADE"), primary_key=True
    )
    session_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    counted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class PolicyAudit(Base):
    """Every administrative change: who, when, what (a JSON detail of old and new values)."""

    __tablename__ = "policy_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    document_id: Mapped[int | None] = mapped_column(Integer, index=True)  # no FK: survives delete
    detail: Mapped[str] = mapped_column(Text, default="")


class AppUser(Base):
    """A person who may log in: an administrator (changes documents) or a viewer."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))  # argon2id
    role: Mapped[str] = mapped_column(String(16))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # moved on by a logout: a session cookie issued under an older epoch is void (0070)
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class LoginFailure(Base):
    """A failed login, keyed by client address and user name (the rate limit counts these)."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_login_failure_key_at", "key", "at"),)
