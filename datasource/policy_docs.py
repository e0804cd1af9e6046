"""Policy documents: their fields and validation, create / edit / hide / delete (each recorded in
the audit log), reading one document, and the PDF stored with it in the database.

Functions take a Session the caller owns (and commits); writes take the acting user's name.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from datasource import policy_audit
from datasource import policy_common as common  # common.utcnow(): the one clock, see there
from datasource.models import Region
from datasource.models_policy import (
    CATEGORIES,
    DOC_LEVELS,
    PolicyDocument,
    PolicyFile,
    PolicyView,
    PolicyViewGuard,
)
from datasource.policy_common import NotFound, PolicyError, Problem, aware

LEVEL_NAMES_ZH = {"national": "国家级", "provincial": "省级", "municipal": "市级", "park": "园区级"}
PDF_MAGIC = b"%PDF-"
EDITABLE = (
    "title",
    "doc_no",
    "agency",
    "issued_on",
    "level",
    "category",
    "region_code",
    "tags",
    "body",
)
D = PolicyDocument


@dataclass(frozen=True)
class Document:
    id: int
    title: str
    doc_no: str | None
    agency: str
    issued_on: date
    level: str
    category: str
    region_code: str
    tags: tuple[str, ...]
    body: str
    hidden: bool
    pdf_name: str | None
    pdf_size: int | None
    views: int
    updated_at: datetime
    updated_by: str

    def as_json(self) -> dict[str, object]:
        return common.as_json(self)


def _tags(value: object) -> str:
    if isinstance(value, list | tuple):
        parts = [str(v) for v in value]
    else:
        parts = re.split(r"[,，;；、]", str(value or ""))
    return ",".join(dict.fromkeys(p.strip() for p in parts if p.strip()))


def parse_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    m = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*", str(value))
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


_LEVEL_ALIASES = {
    **{v: k for k, v in LEVEL_NAMES_ZH.items()},
    "国家": "national",
    "省": "provincial",
    "市": "municipal",
    "园区": "park",
}


def clean_fields(
    values: Mapping[str, object],
    *,
    known_regions: set[str],
    partial: bool = False,
    line: int | None = None,
) -> tuple[dict[str, object], list[Problem]]:
    """Validate document fields; returns the normalised values and the problems found.

    ``partial`` (an edit) checks only the fields given. A region code is a 6-digit
    administrative code or a code in the region table (parks).
    """
    out: dict[str, object] = {}
    problems: list[Problem] = []

    def bad(col: str, reason: str) -> None:
        problems.append(Problem(line, col, reason))

    for key in values:
        if key not in EDITABLE:
            bad(key, "未知字段 (unknown field)")
    required = (
        () if partial else ("title", "agency", "issued_on", "level", "category", "region_code")
    )
    for col in EDITABLE:
        if col not in values:
            if col in required:
                bad(col, "必填 (required)")
            continue
        raw = values[col]
        text_value = "" if raw is None else str(raw).strip()
        if col in required and not text_value:
            bad(col, "必填 (required)")
        elif col in ("title", "agency"):
            limit = 300 if col == "title" else 100
            if len(text_value) > limit:
                bad(col, f"超过 {limit} 个字符 (too long)")
            out[col] = text_value
        elif col == "doc_no":
            if len(text_value) > 100:
                bad(col, "超过 100 个字符 (too long)")
            out[col] = text_value or None
        elif col == "issued_on":
            parsed = parse_date(raw)
            if parsed is None:
                bad(col, f"日期无法识别 {text_value!r}，应为 YYYY-MM-DD")
            out[col] = parsed
        elif col == "level":
            level = _LEVEL_ALIASES.get(text_value, text_value)
            if level not in DOC_LEVELS:
                bad(col, f"级别应为 {'/'.join(DOC_LEVELS)} 或 国家级/省级/市级/园区级")
            out[col] = level
        elif col == "category":
            if text_value not in CATEGORIES:
                bad(col, f"类别应为 {'、'.join(CATEGORIES)} 之一")
            out[col] = text_value
        elif col == "region_code":
            if not (re.fullmatch(r"\d{6}", text_value) or text_value in known_regions):
                bad(col, f"地区代码 {text_value!r} 不是 6 位行政区划代码，也不是已登记的园区")
            out[col] = text_value
        elif col == "tags":
            out[col] = _tags(raw)[:300]
        else:
            out[col] = "" if raw is None else str(raw)
    return out, problems


def known_region_codes(session: Session) -> set[str]:
    return set(session.scalars(select(Region.code)))


def create_document(
    session: Session, values: Mapping[str, object], *, actor: str, hidden: bool = False
) -> int:
    """Add a document; raises PolicyError listing every problem. Returns its id."""
    clean, problems = clean_fields(values, known_regions=known_region_codes(session))
    if problems:
        raise PolicyError("; ".join(p.render() for p in problems))
    return insert_document(session, clean, actor=actor, hidden=hidden)


def insert_document(
    session: Session,
    clean: Mapping[str, object],
    *,
    actor: str,
    hidden: bool = False,
    audit: bool = True,
) -> int:
    """Insert fields ``clean_fields`` has already accepted (create_document, the catalogue
    import and the demo); ``audit=False`` when the caller records one entry for many."""
    now = common.utcnow()
    doc = PolicyDocument(
        **{"tags": "", "body": "", "doc_no": None, **clean},
        hidden=hidden,
        created_at=now,
        created_by=actor,
        updated_at=now,
        updated_by=actor,
    )
    session.add(doc)
    session.flush()
    if audit:
        policy_audit.record(
            session, actor, "create", doc.id, {"title": doc.title, "doc_no": doc.doc_no}
        )
    return doc.id


def _get(session: Session, document_id: int) -> PolicyDocument:
    doc = session.get(PolicyDocument, document_id)
    if doc is None:
        raise NotFound(f"document {document_id} not found")
    return doc


def update_document(
    session: Session, document_id: int, changes: Mapping[str, object], *, actor: str
) -> dict[str, tuple[object, object]]:
    """Change some fields; records old and new values. Returns {field: (old, new)}."""
    doc = _get(session, document_id)
    clean, problems = clean_fields(changes, known_regions=known_region_codes(session), partial=True)
    if problems:
        raise PolicyError("; ".join(p.render() for p in problems))
    diff = {k: (getattr(doc, k), v) for k, v in clean.items() if getattr(doc, k) != v}
    for key, (_old, new) in diff.items():
        setattr(doc, key, new)
    if diff:
        doc.updated_at, doc.updated_by = common.utcnow(), actor
        shown = {k: {"old": _short(o), "new": _short(n)} for k, (o, n) in diff.items()}
        policy_audit.record(session, actor, "edit", document_id, shown)
    return diff


def _short(value: object) -> object:
    return value[:80] + "…" if isinstance(value, str) and len(value) > 80 else value


def set_hidden(session: Session, document_id: int, hidden: bool, *, actor: str) -> None:
    doc = _get(session, document_id)
    if doc.hidden != hidden:
        doc.hidden, doc.updated_at, doc.updated_by = hidden, common.utcnow(), actor
        policy_audit.record(
            session, actor, "hide" if hidden else "unhide", document_id, {"title": doc.title}
        )


def delete_document(session: Session, document_id: int, *, actor: str) -> None:
    """Delete a document with its PDF and view history; the audit entries stay."""
    doc = _get(session, document_id)
    detail = {"title": doc.title, "doc_no": doc.doc_no, "agency": doc.agency}
    for model in (PolicyFile, PolicyView, PolicyViewGuard):
        session.execute(delete(model).where(model.document_id == document_id))
    session.delete(doc)
    policy_audit.record(session, actor, "delete", document_id, detail)


def get_document(
    session: Session, document_id: int, *, include_hidden: bool = False
) -> Document | None:
    row = session.execute(
        select(D, PolicyFile.file_name, PolicyFile.size)
        .outerjoin(PolicyFile, PolicyFile.document_id == D.id)
        .where(D.id == document_id)
    ).one_or_none()
    if row is None or (row[0].hidden and not include_hidden):
        return None
    doc, pdf_name, pdf_size = row
    views = session.scalar(select(func.count()).where(PolicyView.document_id == document_id))
    return Document(
        doc.id,
        doc.title,
        doc.doc_no,
        doc.agency,
        doc.issued_on,
        doc.level,
        doc.category,
        doc.region_code,
        tuple(t for t in doc.tags.split(",") if t),
        doc.body,
        doc.hidden,
        pdf_name,
        pdf_size,
        int(views or 0),
        aware(doc.updated_at),
        doc.updated_by,
    )


# --------------------------------------------------------------------------- PDFs


_UNSAFE = re.compile(r"[^\w\u4e00-\u9fff（）()\-.·]+")


def sanitize_file_name(name: str) -> str:
    """A safe download/storage name: the last path component, no control or shell characters,
    no leading dots, at most 120 characters, ending in .pdf.

    ``../../etc/passwd.pdf`` -> ``passwd.pdf``; an empty result becomes ``document.pdf``.
    """
    base = unicodedata.normalize("NFC", str(name)).replace("\\", "/").split("/")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = _UNSAFE.sub("_", base).strip("._ ")
    stem = base[:-4] if base.lower().endswith(".pdf") else base
    stem = stem.rstrip("._ ")[:116] or "document"
    return stem + ".pdf"


@dataclass(frozen=True)
class StoredFile:
    document_id: int
    file_name: str
    size: int
    sha256: str


def attach_pdf(
    session: Session, document_id: int, *, file_name: str, data: bytes, max_bytes: int, actor: str
) -> StoredFile:
    """Store (or replace) a document's PDF in the database.

    Refuses (PolicyError with an HTTP status) a file over ``max_bytes`` (413) and anything that
    does not start with the ``%PDF-`` magic bytes, whatever its name says (415).
    """
    _get(session, document_id)
    if len(data) > max_bytes:
        raise PolicyError(f"文件超过 {max_bytes // (1024 * 1024)} MB 上限", status=413)
    if not data.startswith(PDF_MAGIC):
        raise PolicyError("只接受 PDF 文件 (the file does not start with %PDF-)", status=415)
    safe = sanitize_file_name(file_name)
    digest = hashlib.sha256(data).hexdigest()
    row = session.get(PolicyFile, document_id)
    old = row.file_name if row else None
    if row is None:
        row = PolicyFile(document_id=document_id)
        session.add(row)
    row.file_name, row.size, row.sha256, row.content = safe, len(data), digest, data
    row.uploaded_at, row.uploaded_by = common.utcnow(), actor
    policy_audit.record(
        session,
        actor,
        "upload_pdf",
        document_id,
        {"file_name": safe, "size": len(data), "sha256": digest, "replaced": old},
    )
    return StoredFile(document_id, safe, len(data), digest)


def get_pdf(
    session: Session, document_id: int, *, include_hidden: bool = False
) -> tuple[str, bytes] | None:
    row = session.execute(
        select(PolicyFile.file_name, PolicyFile.content, D.hidden)
        .join(D, D.id == PolicyFile.document_id)
        .where(PolicyFile.document_id == document_id)
    ).one_or_none()
    if row is None or (row.hidden and not include_hidden):
        return None
    return row.file_name, bytes(row.content)
