"""All SQL of the policy library (双碳宣传子系统): documents, search, views, statistics, the
audit log, PDFs stored in the database, catalogue import, and the login tables.

Functions take a Session the caller owns (and commits); writes take the acting user's name
and record what they changed in ``policy_audit``.

Search (see ``search``): both backends index trigrams, so any Chinese substring of three or
more characters is found without word segmentation. SQLite matches such terms in the FTS5
``policy_fts`` table and ranks by bm25; terms of one or two characters cannot be trigram-matched
and fall back to ``LIKE`` on the document table (a scan, fine for a library of tens of
thousands). PostgreSQL matches every term with ``LIKE`` (``ILIKE`` for terms with letters
that have case) on one text joining the four fields, which a single pg_trgm GIN expression
index serves (migration 0031_policy_search; shorter terms scan, as on SQLite), and ranks
with the same field weights plus ``similarity(title, query)``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    Select,
    case,
    delete,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from datasource import policy_common
from datasource.models import Region
from datasource.models_policy import (
    CATEGORIES,
    DOC_LEVELS,
    PolicyAudit,
    PolicyDocument,
    PolicyFile,
    PolicyView,
    PolicyViewGuard,
)

# re-exported: callers import these from datasource.policy
from datasource.policy_common import CHINA_TZ, NotFound, PolicyError, Problem, month_of  # noqa: F401
from datasource.policy_common import as_json as _as_json
from datasource.policy_common import aware as _aware
from datasource.users import (  # noqa: F401 - re-exported for dashboard/auth.py and callbacks
    UserRow,
    add_user,
    clear_failures,
    get_user,
    recent_failures,
    record_failure,
    set_password_hash,
)

log = logging.getLogger(__name__)

NATIONAL_CODE = "100000"
VIEW_WINDOW = timedelta(minutes=30)
LEVEL_NAMES_ZH = {"national": "国家级", "provincial": "省级", "municipal": "市级", "park": "园区级"}
TABS = {"policy": ("政策法规",), "news": ("低碳资讯",)}  # the statistics screen's two tabs
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
_WEIGHTS = {"title": 10, "doc_no": 5, "tags": 3, "body": 1}
D = PolicyDocument


def utcnow() -> datetime:
    """The library's clock (``policy_common.utcnow``, looked up on each call)."""
    return policy_common.utcnow()


# --------------------------------------------------------------------------- documents


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
        return _as_json(self)


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


def _audit(
    session: Session, actor: str, action: str, document_id: int | None, detail: Mapping[str, object]
) -> None:
    session.add(
        PolicyAudit(
            at=utcnow(),
            username=actor,
            action=action,
            document_id=document_id,
            detail=json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True),
        )
    )


def create_document(
    session: Session, values: Mapping[str, object], *, actor: str, hidden: bool = False
) -> int:
    """Add a document; raises PolicyError listing every problem. Returns its id."""
    clean, problems = clean_fields(values, known_regions=known_region_codes(session))
    if problems:
        raise PolicyError("; ".join(p.render() for p in problems))
    return _insert(session, clean, actor=actor, hidden=hidden)


def _insert(
    session: Session,
    clean: Mapping[str, object],
    *,
    actor: str,
    hidden: bool = False,
    audit: bool = True,
) -> int:
    now = utcnow()
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
        _audit(session, actor, "create", doc.id, {"title": doc.title, "doc_no": doc.doc_no})
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
        doc.updated_at, doc.updated_by = utcnow(), actor
        shown = {k: {"old": _short(o), "new": _short(n)} for k, (o, n) in diff.items()}
        _audit(session, actor, "edit", document_id, shown)
    return diff


def _short(value: object) -> object:
    return value[:80] + "…" if isinstance(value, str) and len(value) > 80 else value


def set_hidden(session: Session, document_id: int, hidden: bool, *, actor: str) -> None:
    doc = _get(session, document_id)
    if doc.hidden != hidden:
        doc.hidden, doc.updated_at, doc.updated_by = hidden, utcnow(), actor
        _audit(session, actor, "hide" if hidden else "unhide", document_id, {"title": doc.title})


def delete_document(session: Session, document_id: int, *, actor: str) -> None:
    """Delete a document with its PDF and view history; the audit entries stay."""
    doc = _get(session, document_id)
    detail = {"title": doc.title, "doc_no": doc.doc_no, "agency": doc.agency}
    for model in (PolicyFile, PolicyView, PolicyViewGuard):
        session.execute(delete(model).where(model.document_id == document_id))
    session.delete(doc)
    _audit(session, actor, "delete", document_id, detail)


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
        _aware(doc.updated_at),
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
    row.uploaded_at, row.uploaded_by = utcnow(), actor
    _audit(
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


# --------------------------------------------------------------------------- search


@dataclass(frozen=True)
class Hit:
    id: int
    title: str
    doc_no: str | None
    agency: str
    issued_on: date
    level: str
    category: str
    region_code: str
    hidden: bool
    score: float
    snippet: str

    def as_json(self) -> dict[str, object]:
        return _as_json(self)


@dataclass(frozen=True)
class SearchPage:
    total: int
    hits: tuple[Hit, ...]
    terms: tuple[str, ...]


def split_terms(query: str | None) -> tuple[str, ...]:
    """Whitespace-separated terms (a Chinese query is usually one), at most 8 of 50 chars."""
    terms = [t[:50] for t in re.split(r"\s+", unicodedata.normalize("NFKC", query or "")) if t]
    return tuple(dict.fromkeys(terms))[:8]


def _like_pattern(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _contains(column: ColumnElement, term: str, pg: bool) -> ColumnElement[bool]:
    pattern = _like_pattern(term)
    # SQLite's LIKE is already case-insensitive for ASCII; ilike would wrap lower() around it.
    # PostgreSQL's ILIKE lowercases the whole text of every row it tests, which doubled the
    # cost of a match; a term without letters that have case (most Chinese queries) finds the
    # same rows with LIKE, which the trigram index serves as well.
    if pg and not term.lower() == term == term.upper():
        return column.ilike(pattern, escape="\\")
    return column.like(pattern, escape="\\")


def _search_text() -> ColumnElement[str]:
    """PostgreSQL: the one text every term is matched against, title, 文号, tags and body
    joined by spaces. Migration 0031_policy_search indexes exactly this expression with
    pg_trgm; the planner uses an expression index only for an identical expression, so the two
    change together. A term never holds a space (split_terms), so the text contains a term
    exactly when one of the fields does."""
    space, empty = literal_column("' '"), literal_column("''")
    return (
        func.coalesce(D.title, empty)
        + space
        + func.coalesce(D.doc_no, empty)
        + space
        + D.tags
        + space
        + D.body
    )


def _like_match(terms: Iterable[str], pg: bool) -> tuple[list[ColumnElement[bool]], ColumnElement]:
    """One condition per term (some field contains it) and the field-weighted score.

    On PostgreSQL the condition is on ``_search_text()``, which one trigram index serves (an OR
    over per-column indexes was planned as a sequential scan). The score still tests each
    field; it is in the SELECT list, so only matched rows compute it.
    """
    conds, score = [], literal(0.0)
    for term in terms:
        # bare columns (no coalesce) in the score; a NULL 文号 makes its branch NULL, which
        # neither matches nor scores
        hits = {name: _contains(getattr(D, name), term, pg) for name in _WEIGHTS}
        conds.append(_contains(_search_text(), term, pg) if pg else or_(*hits.values()))
        for name, hit in hits.items():
            score = score + case((hit, float(_WEIGHTS[name])), else_=0.0)
    return conds, score


def _fts_phrase(terms: Iterable[str]) -> str:
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


def _trgm_schema(session: Session) -> str:
    """The schema holding pg_trgm's functions (cached on the pooled connection)."""
    info = session.connection().info
    if "pg_trgm_schema" not in info:
        info["pg_trgm_schema"] = session.scalar(
            text(
                "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
            )
        )
    return info["pg_trgm_schema"]


def _apply_text_search(
    session: Session, stmt: Select, terms: tuple[str, ...]
) -> tuple[Select, ColumnElement]:
    """Restrict ``stmt`` to documents matching every term and return it with a score.

    The dialect split of search (see the module docstring and migration 0030_policy).
    """
    if not terms:
        return stmt, literal(0.0)
    pg = session.get_bind().dialect.name == "postgresql"
    if pg:
        conds, score = _like_match(terms, pg=True)
        schema = _trgm_schema(session)
        similarity = getattr(func, schema).similarity if schema else func.similarity
        return stmt.where(*conds), score + similarity(D.title, " ".join(terms))
    long_terms = tuple(t for t in terms if len(t) >= 3)
    short_terms = tuple(t for t in terms if len(t) < 3)
    conds, _ = _like_match(short_terms, pg=False)
    stmt = stmt.where(*conds)
    # the same field weights as PostgreSQL, computed only on the rows the index matched;
    # bm25 (tiny on a small library, where every term is common) breaks ties
    _, score = _like_match(terms, pg=False)
    if long_terms:
        weights = ", ".join(f"{w:.1f}" for w in _WEIGHTS.values())  # title, doc_no, tags, body
        fts = (
            select(
                literal_column("rowid").label("doc_id"),
                literal_column(f"bm25(policy_fts, {weights})").label("rank"),
            )
            .select_from(text("policy_fts"))
            .where(text("policy_fts MATCH :fts_q").bindparams(fts_q=_fts_phrase(long_terms)))
            .subquery("fts")
        )
        stmt = stmt.join(fts, fts.c.doc_id == D.id)
        score = score - fts.c.rank  # bm25 is lower for better matches
    return stmt, score


def _filters(
    *,
    category: str | Iterable[str] | None,
    agency: str | None,
    level: str | None,
    region_code: str | None,
    date_from: date | None,
    date_to: date | None,
    include_hidden: bool,
) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if not include_hidden:
        conds.append(D.hidden.is_(False))
    if category:
        cats = [category] if isinstance(category, str) else list(category)
        conds.append(D.category.in_(cats))
    if agency:
        conds.append(D.agency == agency)
    if level:
        conds.append(D.level == level)
    if region_code:
        conds.append(D.region_code == region_code)
    if date_from:
        conds.append(D.issued_on >= date_from)
    if date_to:
        conds.append(D.issued_on <= date_to)
    return conds


def search(
    session: Session,
    *,
    q: str | None = None,
    category: str | Iterable[str] | None = None,
    agency: str | None = None,
    level: str | None = None,
    region_code: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    include_hidden: bool = False,
    limit: int = 20,
    offset: int = 0,
) -> SearchPage:
    """Documents matching every term of ``q`` (title, 文号, tags, full text) and every filter,
    best first (title matches outweigh body matches; then newest). No ``q``: newest first."""
    terms = split_terms(q)
    conds = _filters(
        category=category,
        agency=agency,
        level=level,
        region_code=region_code,
        date_from=date_from,
        date_to=date_to,
        include_hidden=include_hidden,
    )
    base = select(D.id).where(*conds)
    base, score = _apply_text_search(session, base, terms)
    offset = max(0, offset)
    columns = [
        D.title,
        D.doc_no,
        D.agency,
        D.issued_on,
        D.level,
        D.category,
        D.region_code,
        D.hidden,
        D.body,
        score.label("score"),
    ]
    # PostgreSQL re-reads (and decompresses) every matched body for the score, so the total
    # rides along as a window count instead of a second pass. SQLite's FTS5 match is cheap
    # and a window there holds every matched row with its body: twice as slow for indexed
    # terms on 20,000 documents, so SQLite keeps its separate COUNT (bench/bench_policy.py).
    windowed = session.get_bind().dialect.name == "postgresql"
    if windowed:
        columns.append(func.count().over().label("total"))
    stmt = (
        base.add_columns(*columns)
        .order_by(literal_column("score").desc(), D.issued_on.desc(), D.id.desc())
        .limit(max(1, min(limit, 200)))
        .offset(offset)
    )
    rows = session.execute(stmt).all()
    if windowed and rows:
        total = rows[0].total
    elif windowed and not offset:
        total = 0
    else:  # SQLite, or a page past the last one, which carries no window count
        total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    hits = tuple(
        Hit(
            r.id,
            r.title,
            r.doc_no,
            r.agency,
            r.issued_on,
            r.level,
            r.category,
            r.region_code,
            r.hidden,
            float(r.score or 0.0),
            snippet(r.body, terms),
        )
        for r in rows
    )
    return SearchPage(int(total), hits, terms)


def snippet(body: str, terms: Iterable[str], *, width: int = 60) -> str:
    """About ``width`` characters of the body around the first term found (or its start)."""
    flat = re.sub(r"\s+", " ", body or "").strip()
    low = flat.lower()
    pos = min((i for i in (low.find(t.lower()) for t in terms) if i >= 0), default=-1)
    if pos < 0:
        return flat[:width] + ("…" if len(flat) > width else "")
    start = max(0, pos - width // 3)
    part = flat[start : start + width]
    return ("…" if start else "") + part + ("…" if start + width < len(flat) else "")


@dataclass(frozen=True)
class Facets:
    agencies: tuple[str, ...]
    region_codes: tuple[str, ...]


def facets(session: Session) -> Facets:
    """The values the filters offer, from visible documents."""
    visible = D.hidden.is_(False)
    agencies = session.scalars(select(D.agency).where(visible).distinct().order_by(D.agency))
    regions = session.scalars(
        select(D.region_code).where(visible).distinct().order_by(D.region_code)
    )
    return Facets(tuple(agencies), tuple(regions))


# --------------------------------------------------------------------------- views


def _insert_ignore(session: Session, model: type, values: Mapping[str, object]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when the row was inserted.

    Dialect split: the two backends spell the statement through their own insert().
    """
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(model).values(**values).on_conflict_do_nothing()
    # rowcount is -1 here on psycopg 3; RETURNING says reliably whether a row went in
    returned = session.execute(stmt.returning(literal_column("1"))).first()
    return returned is not None


def count_view(
    session: Session, document_id: int, session_id: str, *, now: datetime | None = None
) -> bool:
    """Count a reading of a document: once per browser session per document per 30 minutes.

    The guard row is claimed with one conditional UPDATE (or an INSERT that ignores a
    conflict), so two workers serving the same session cannot both count. Returns whether
    this reading was counted. Hidden or missing documents are never counted.
    """
    now = now or utcnow()
    if (
        not session_id
        or session.scalar(select(D.id).where(D.id == document_id, D.hidden.is_(False))) is None
    ):
        return False
    digest = hashlib.sha256(session_id.encode()).hexdigest()
    G = PolicyViewGuard
    claimed = session.execute(
        update(G)
        .where(
            G.document_id == document_id,
            G.session_hash == digest,
            G.counted_at <= now - VIEW_WINDOW,
        )
        .values(counted_at=now)
    ).rowcount
    if not claimed and not _insert_ignore(
        session, G, {"document_id": document_id, "session_hash": digest, "counted_at": now}
    ):
        return False
    session.add(PolicyView(document_id=document_id, viewed_at=now, month=month_of(now)))
    # guards older than the window decide nothing any more
    session.execute(delete(G).where(G.counted_at < now - timedelta(days=1)))
    return True


# --------------------------------------------------------------------------- statistics


@dataclass(frozen=True)
class TopDocument:
    rank: int
    document_id: int
    title: str
    views: int


@dataclass(frozen=True)
class TopAgency:
    rank: int
    agency: str
    documents: int


@dataclass(frozen=True)
class PolicyStats:
    tab: str  # policy / news
    period_kind: str  # month / year
    period: str  # YYYY-MM or YYYY
    views: int
    series: tuple[tuple[str, int], ...]  # (YYYY-MM, views), oldest first
    top_documents: tuple[TopDocument, ...]
    top_agencies: tuple[TopAgency, ...]


def _months_back(month: str, n: int) -> list[str]:
    y, m = int(month[:4]), int(month[5:7])
    out = []
    for _ in range(n):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


def stats(
    session: Session,
    *,
    tab: str = "policy",
    period_kind: str = "month",
    period: str | None = None,
    now: datetime | None = None,
    top: int = 5,
) -> PolicyStats:
    """The statistics screen: views in the month (or year), the monthly series (the 12 months
    up to the month, or the year's months so far), the most-read documents of the period and
    the agencies that issued the most visible documents of the tab's categories."""
    if tab not in TABS or period_kind not in ("month", "year"):
        raise PolicyError(f"unknown tab {tab!r} or period kind {period_kind!r}")
    this_month = month_of(now or utcnow())
    cats = TABS[tab]
    if period_kind == "month":
        period = period or this_month
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
            raise PolicyError(f"month must be YYYY-MM, got {period!r}")
        months = _months_back(period, 12)
        in_period = PolicyView.month == period
    else:
        period = period or this_month[:4]
        if not re.fullmatch(r"\d{4}", period):
            raise PolicyError(f"year must be YYYY, got {period!r}")
        last = this_month if this_month[:4] == period else f"{period}-12"
        months = [m for m in _months_back(last, 12) if m.startswith(period)]
        in_period = PolicyView.month.between(f"{period}-01", f"{period}-12")
    joined = (
        select(func.count(PolicyView.id))
        .join(D, D.id == PolicyView.document_id)
        .where(D.category.in_(cats), D.hidden.is_(False))
    )
    views = session.scalar(joined.where(in_period)) or 0
    by_month = {
        m: n
        for n, m in session.execute(
            joined.add_columns(PolicyView.month)
            .where(PolicyView.month.between(months[0], months[-1]))
            .group_by(PolicyView.month)
        )
    }
    n_views = func.count(PolicyView.id).label("n")
    top_docs = session.execute(
        select(D.id, D.title, n_views)
        .join(PolicyView, PolicyView.document_id == D.id)
        .where(D.category.in_(cats), D.hidden.is_(False), in_period)
        .group_by(D.id, D.title)
        .order_by(n_views.desc(), D.id)
        .limit(top)
    ).all()
    n_docs = func.count(D.id).label("n")
    top_agencies = session.execute(
        select(D.agency, n_docs)
        .where(D.category.in_(cats), D.hidden.is_(False))
        .group_by(D.agency)
        .order_by(n_docs.desc(), D.agency)
        .limit(top)
    ).all()
    return PolicyStats(
        tab,
        period_kind,
        period,
        int(views),
        tuple((m, int(by_month.get(m, 0))) for m in months),
        tuple(TopDocument(i, r.id, r.title, int(r.n)) for i, r in enumerate(top_docs, 1)),
        tuple(TopAgency(i, r.agency, int(r.n)) for i, r in enumerate(top_agencies, 1)),
    )


def view_months(session: Session) -> list[str]:
    """Months that have views, newest first (the statistics screen's month picker)."""
    return list(
        session.scalars(select(PolicyView.month).distinct().order_by(PolicyView.month.desc()))
    )


# --------------------------------------------------------------------------- the wall


@dataclass(frozen=True)
class PolicyMark:
    """A policy in force for a region, to annotate its trend chart at ``issued_on``."""

    issued_on: date
    title: str
    doc_no: str | None
    agency: str
    document_id: int
    level: str


def _ancestors(session: Session, region_code: str) -> list[str]:
    codes, code = [], region_code
    for _ in range(8):  # the region tree is at most country > province > city > county > park
        if code is None or code in codes:
            break
        codes.append(code)
        code = session.scalar(select(Region.parent_code).where(Region.code == code))
    if re.fullmatch(r"\d{6}", region_code):  # GB/T 2260 prefixes, for regions not yet loaded
        codes += [region_code[:4] + "00", region_code[:2] + "0000"]
    return list(dict.fromkeys([*codes, NATIONAL_CODE]))


def policies_for_region(
    session: Session, region_code: str, *, until: date | None = None, limit: int = 20
) -> list[PolicyMark]:
    """Visible 政策法规 documents that apply to a region: its own, its ancestors' (province,
    city) and every national-level one; issued on or before ``until``; newest first."""
    conds = [
        D.hidden.is_(False),
        D.category == "政策法规",
        or_(D.level == "national", D.region_code.in_(_ancestors(session, region_code))),
    ]
    if until is not None:
        conds.append(D.issued_on <= until)
    rows = session.execute(
        select(D.issued_on, D.title, D.doc_no, D.agency, D.id, D.level)
        .where(*conds)
        .order_by(D.issued_on.desc(), D.id.desc())
        .limit(limit)
    )
    return [PolicyMark(*r) for r in rows]


# --------------------------------------------------------------------------- audit


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
        AuditEntry(_aware(a.at), a.username, a.action, a.document_id, json.loads(a.detail or "{}"))
        for a in session.scalars(stmt)
    ]


# --------------------------------------------------------------------------- catalogue import


CATALOGUE_REQUIRED = ("title", "agency", "issued_on", "level", "category", "region_code")
_CATALOGUE_ALIASES = {
    "title": ("title", "标题", "文件标题", "政策标题", "名称"),
    "doc_no": ("docno", "doc_no", "文号", "发文字号"),
    "agency": ("agency", "发文机关", "发布机关", "发文单位"),
    "issued_on": ("issuedon", "date", "发文日期", "发布日期", "成文日期", "日期"),
    "level": ("level", "级别", "层级"),
    "category": ("category", "类别", "分类"),
    "region_code": ("regioncode", "region", "地区代码", "行政区划代码", "区划代码"),
    "tags": ("tags", "标签", "关键词"),
    "body": ("body", "正文", "全文", "内容"),
}
_HEADER = {
    re.sub(r"[\s_]", "", a.lower()): col for col, names in _CATALOGUE_ALIASES.items() for a in names
}


@dataclass(frozen=True)
class RowReport:
    line: int
    title: str
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ImportReport:
    """All or nothing: ``accepted`` means every row was inserted, otherwise none was."""

    accepted: bool
    created: int
    rows: tuple[RowReport, ...]
    problems: tuple[Problem, ...] = field(default=())  # file-level (header, encoding)

    def as_json(self) -> dict[str, object]:
        return {
            "accepted": self.accepted,
            "created": self.created,
            "problems": [p.render() for p in self.problems],
            "rows": [
                {
                    "line": r.line,
                    "title": r.title,
                    "ok": r.ok,
                    "problems": [p.render() for p in r.problems],
                }
                for r in self.rows
            ],
        }


def _decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise PolicyError("文件编码无法识别：请保存为 UTF-8 或 GBK 编码的 CSV")


def read_catalogue(data: bytes) -> tuple[list[tuple[int, dict[str, object]]], list[Problem]]:
    """Rows of a CSV (UTF-8, UTF-8-BOM, GBK) or XLSX catalogue under canonical column names,
    each with its file line (the header is line 1)."""
    if data[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        table = [list(r) for r in sheet.iter_rows(values_only=True)]
    else:
        try:
            table = list(csv.reader(io.StringIO(_decode(data))))
        except PolicyError as exc:
            return [], [Problem(None, None, str(exc))]
    if not table or not any(c not in (None, "") for c in table[0]):
        return [], [Problem(1, None, "空文件或缺少表头 (no header row)")]
    header = [_HEADER.get(re.sub(r"[\s_]", "", str(h or "").lower())) for h in table[0]]
    problems = [
        Problem(1, str(h), "无法识别的列 (unknown column)")
        for h, col in zip(table[0], header, strict=True)
        if h not in (None, "") and col is None
    ]
    problems += [
        Problem(1, col, "缺少必填列 (missing column)")
        for col in CATALOGUE_REQUIRED
        if col not in header
    ]
    rows = []
    for i, raw in enumerate(table[1:], start=2):
        if all(c in (None, "") for c in raw):
            continue
        rows.append(
            (i, {col: ("" if v is None else v) for col, v in zip(header, raw, strict=False) if col})
        )
    if not rows and not problems:
        problems.append(Problem(None, None, "没有数据行 (no rows)"))
    return rows, problems


def import_catalogue(
    session: Session, data: bytes, *, actor: str, file_name: str = "", dry_run: bool = False
) -> ImportReport:
    """Validate every row of a catalogue; insert all of them only if none has a problem.

    A 文号 already in the library or repeated in the file is a problem. One audit entry
    records an accepted import (with the new ids); a refused one changes nothing.
    """
    rows, problems = read_catalogue(data)
    if problems:
        return ImportReport(False, 0, (), tuple(problems))
    known = known_region_codes(session)
    existing = set(session.scalars(select(D.doc_no).where(D.doc_no.is_not(None))))
    seen: dict[str, int] = {}
    reports, cleaned = [], []
    for line, values in rows:
        clean, row_problems = clean_fields(values, known_regions=known, line=line)
        doc_no = clean.get("doc_no")
        if doc_no and doc_no in existing:
            row_problems.append(Problem(line, "doc_no", f"文号 {doc_no} 已在库中"))
        elif doc_no and doc_no in seen:
            row_problems.append(
                Problem(line, "doc_no", f"文号 {doc_no} 与第 {seen[doc_no]} 行重复")
            )
        if doc_no:
            seen.setdefault(str(doc_no), line)
        reports.append(RowReport(line, str(values.get("title", ""))[:80], tuple(row_problems)))
        cleaned.append(clean)
    if dry_run or not all(r.ok for r in reports):
        return ImportReport(False, 0, tuple(reports))
    ids = [_insert(session, c, actor=actor, audit=False) for c in cleaned]
    _audit(session, actor, "import", None, {"file_name": file_name, "rows": len(ids), "ids": ids})
    log.info("policy catalogue %s: %d documents imported by %s", file_name, len(ids), actor)
    return ImportReport(True, len(ids), tuple(reports))
