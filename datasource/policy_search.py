"""Search of the policy library: full-text terms over title, 文号, tags and body, the filters,
the result page with snippets, and the values the filters offer (facets).

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

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, case, func, literal, literal_column, or_, select, text
from sqlalchemy.orm import Session

from datasource import policy_common as common
from datasource.models_policy import PolicyDocument

_WEIGHTS = {"title": 10, "doc_no": 5, "tags": 3, "body": 1}
D = PolicyDocument


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
        return common.as_json(self)


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
