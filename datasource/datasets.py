"""Published datasets in the pool: how to credit each (name, licence, link, citation), and
which ingest batches came from it. The rollup carries the credit to every figure built from
those batches (``stat_region.sources``), and the API returns it (docs/periods.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, text


@dataclass(frozen=True)
class Dataset:
    code: str
    name_zh: str
    name_en: str
    licence: str
    url: str
    citation: str


def register(engine: Engine, dataset: Dataset, batch_ids: list[int]) -> None:
    """Record (or update) the dataset's credit and tag its batches with it; bumps the data
    version so the next rollup carries the credit."""
    values = {
        "code": dataset.code,
        "name_zh": dataset.name_zh,
        "name_en": dataset.name_en,
        "licence": dataset.licence,
        "url": dataset.url,
        "citation": dataset.citation,
    }
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM dataset_source WHERE code = :code"), {"code": dataset.code})
        conn.execute(
            text(
                "INSERT INTO dataset_source (code, name_zh, name_en, licence, url, citation) "
                "VALUES (:code, :name_zh, :name_en, :licence, :url, :citation)"
            ),
            values,
        )
        for batch_id in batch_ids:
            conn.execute(
                text("UPDATE ingest_batch SET dataset = :code WHERE id = :id"),
                {"code": dataset.code, "id": batch_id},
            )
        conn.execute(
            text("UPDATE data_state SET version = version + 1, changed_at = :now WHERE id = 1"),
            {"now": datetime.now(UTC)},
        )
