"""The policy library's audit log (``policy_audit``): every change to a document, a PDF or the
catalogue is recorded here by the module that makes it, and the admin page reads it back."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from datasource import policy_common as common
from datasource.models_policy import PolicyAudit


def record(
    session: Session, actor: str, action: str, document_id: int | None, detail: Mapping[str, object]
) -> None:
    """Add one audit entry (the caller commits with the change it records)."""
    session.add(
        PolicyAudit(
            at=common.utcnow(),
            username=actor,
            action=action,
            document_id=document_id,
            detail=json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True),
        )
    )


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    username: str
    action: str
    document_id: int | None
    detail: dict[str, object]


def audit_entries(
    session: Session, *, document_id: int | None = None, limit: int = 100
) -> list[AuditEntry]:
    stmt = select(PolicyAudit).order_by(PolicyAudit.id.desc()).limit(limit)
    if document_id is not None:
        stmt = stmt.where(PolicyAudit.document_id == document_id)
    return [
        AuditEntry(
            common.aware(a.at), a.username, a.action, a.document_id, json.loads(a.detail or "{}")
        )
        for a in session.scalars(stmt)
    ]
