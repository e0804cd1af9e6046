"""Create or migrate the schema (Alembic) and load the reference tables."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from importlib import resources

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from datasource import reference
from datasource.models import DataState, Gas, GwpValue, Region, Sector

log = logging.getLogger(__name__)


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("datasource") / "migrations"))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it on an empty database)."""
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        # every feature adds its own branch off 0001 (pdi, forecast, policy): upgrade them all
        command.upgrade(cfg, "heads")
    with Session(engine) as session, session.begin():
        load_reference(session)


def load_reference(session: Session) -> None:
    """Sector tree, gases and GWP values from the package's data files; the data-state row."""
    session.execute(delete(GwpValue))
    session.execute(delete(Sector))
    session.execute(delete(Gas))
    session.flush()
    for i, (code, name) in enumerate(reference.GAS_NAMES_ZH.items()):
        session.add(Gas(code=code, name_zh=name, unit=reference.GAS_UNITS[code], sort_key=i))
    session.flush()
    for s in reference.sectors():
        session.add(
            Sector(
                code=s.code,
                parent_code=s.parent,
                top=s.top,
                depth=s.depth,
                sort_key=s.sort_key,
                name_zh=s.name_zh,
                name_en=s.name_en,
                gases=";".join(s.gases),
                is_leaf=s.is_leaf,
                may_be_negative=s.may_be_negative,
            )
        )
    for gwp_set, values in reference.gwp_table().items():
        for gas, value in values.items():
            session.add(GwpValue(gas=gas, gwp_set=gwp_set, value=value))
    if session.get(DataState, 1) is None:
        session.add(DataState(id=1, version=0, changed_at=datetime.now(UTC), rollup_version=-1))


def load_regions(session: Session, records) -> int:  # records: iterable of geo RegionRecord
    """Insert or update administrative regions (parks are ingested separately)."""
    existing = {r.code: r for r in session.scalars(select(Region).where(Region.level != "park"))}
    n = 0
    for rec in records:
        row = existing.get(rec.code)
        if row is None:
            session.add(
                Region(
                    code=rec.code,
                    parent_code=rec.parent_code,
                    level=rec.level,
                    name_zh=rec.name_zh,
                    name_en=rec.name_en,
                )
            )
            n += 1
        else:
            row.parent_code, row.level = rec.parent_code, rec.level
            row.name_zh, row.name_en = rec.name_zh, rec.name_en
    log.info("region registry: %d new regions", n)
    return n
