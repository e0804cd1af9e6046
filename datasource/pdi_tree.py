"""The PDI indicator tree and its weights: the stored tree (or the package's default while
``pdi_indicator`` is empty), storing the default, the Delphi rounds and applying one round's
weights to the tree.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.orm import Session

from datasource import pdi
from datasource.models import DataState
from datasource.models_pdi import PdiIndicator, PdiRating

log = logging.getLogger(__name__)


def tree(session: Session) -> list[pdi.Node]:
    """The stored tree, or the package's default while none is stored."""
    rows = session.scalars(select(PdiIndicator).order_by(PdiIndicator.sort_key)).all()
    if not rows:
        return pdi.default_tree()
    return [
        pdi.Node(
            r.code,
            r.parent_code,
            r.level,
            r.name_zh,
            r.name_en,
            r.weight,
            r.direction,
            r.method,
            r.worst,
            r.best,
            r.unit,
            r.measure_zh,
            r.source,
            r.sort_key,
        )
        for r in rows
    ]


def node_row(n: pdi.Node) -> dict:
    return {
        "code": n.code,
        "parent_code": n.parent_code,
        "level": n.level,
        "sort_key": n.sort_key,
        "name_zh": n.name_zh,
        "name_en": n.name_en,
        "weight": n.weight,
        "direction": n.direction,
        "method": n.method,
        "worst": n.worst,
        "best": n.best,
        "unit": n.unit,
        "measure_zh": n.measure_zh,
        "source": n.source,
    }


def write_default_tree(session: Session) -> int:
    """Store the package's default tree (replacing a stored one); returns the node count."""
    nodes = pdi.default_tree()
    session.execute(delete(PdiIndicator))
    session.execute(insert(PdiIndicator), [node_row(n) for n in nodes])
    return len(nodes)


def delphi_rounds(session: Session) -> list[pdi.DelphiRound]:
    """Weights and agreement of every stored Delphi round, oldest first."""
    parents = {n.code: n.parent_code for n in tree(session)}
    by_round: dict[int, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for rnd, expert, code, rating in session.execute(
        select(PdiRating.round, PdiRating.expert, PdiRating.indicator_code, PdiRating.rating)
    ):
        if code in parents:
            by_round[rnd][expert][code] = rating
    return [pdi.delphi_round(r, by_round[r], parents) for r in sorted(by_round)]


def apply_delphi(engine: Engine, round_no: int | None = None) -> pdi.DelphiRound:
    """Set the tree's weights from a Delphi round (default: the latest); bumps the data version."""
    with Session(engine) as session, session.begin():
        rounds = {r.round: r for r in delphi_rounds(session)}
        if not rounds:
            raise ValueError("no Delphi ratings stored; ingest a pdi_ratings file first")
        chosen = rounds[max(rounds)] if round_no is None else rounds.get(round_no)
        if chosen is None:
            raise ValueError(f"no Delphi round {round_no}; stored rounds: {sorted(rounds)}")
        if session.scalar(select(func.count()).select_from(PdiIndicator)) == 0:
            write_default_tree(session)
        for code, weight in chosen.weights().items():
            session.execute(
                update(PdiIndicator)
                .where(PdiIndicator.code == code)
                .values(weight=weight, source=f"Delphi round {chosen.round}")
            )
        session.execute(
            update(DataState)
            .where(DataState.id == 1)
            .values(version=DataState.version + 1, changed_at=datetime.now(UTC))
        )
    log.info("PDI weights set from Delphi round %d (W = %.3f)", chosen.round, chosen.kendall_w)
    return chosen
