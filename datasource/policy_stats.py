"""Readings and what is counted from them: the view counter (once per visitor per document
per day), the statistics screen (views by month or year, the most-read
documents, the most active agencies) and the policies in force for a region, which the wall
and the region page mark on their trend charts.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, literal_column, or_, select, update
from sqlalchemy.orm import Session

from datasource import policy_common as common  # common.utcnow(): the one clock, see there
from datasource.models import Region
from datasource.models_policy import PolicyDocument, PolicyView, PolicyViewGuard
from datasource.policy_common import PolicyError

NATIONAL_CODE = "100000"
VIEW_WINDOW = timedelta(days=1)
# a request without a reading-session cookie (a first visit, or a client that keeps none) is
# also counted against its address: at most this many such views per address, document and day
NEW_VISITORS_PER_ADDRESS = 10
TABS = {"policy": ("政策法规",), "news": ("低碳资讯",)}  # the statistics screen's two tabs
D = PolicyDocument


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
    session: Session,
    document_id: int,
    session_id: str,
    *,
    now: datetime | None = None,
    address: str | None = None,
) -> bool:
    """Count a reading of a document: once per visitor per document per day (VIEW_WINDOW).

    A visitor is a browser session. ``address`` is given for a request that brought no
    session cookie: then the view also needs one of NEW_VISITORS_PER_ADDRESS slots of that
    address for the day, so a client that drops its cookie cannot push a document up the
    most-read list. Each guard row is claimed with one conditional UPDATE (or an INSERT that
    ignores a conflict), so two workers serving the same session cannot both count. Returns
    whether this reading was counted. Hidden or missing documents are never counted.
    """
    now = now or common.utcnow()
    if (
        not session_id
        or session.scalar(select(D.id).where(D.id == document_id, D.hidden.is_(False))) is None
    ):
        return False
    if address is not None and not any(
        _claim(session, document_id, f"address|{address}|{slot}", now)
        for slot in range(NEW_VISITORS_PER_ADDRESS)
    ):
        return False
    if not _claim(session, document_id, session_id, now):
        return False
    session.add(PolicyView(document_id=document_id, viewed_at=now, month=common.month_of(now)))
    # guards older than the window decide nothing any more
    G = PolicyViewGuard
    session.execute(delete(G).where(G.counted_at < now - VIEW_WINDOW))
    return True


def _claim(session: Session, document_id: int, visitor: str, now: datetime) -> bool:
    """Take the visitor's guard of a document for the window; False if it is taken."""
    digest = hashlib.sha256(visitor.encode()).hexdigest()
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
    return bool(claimed) or _insert_ignore(
        session, G, {"document_id": document_id, "session_hash": digest, "counted_at": now}
    )


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
    this_month = common.month_of(now or common.utcnow())
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
