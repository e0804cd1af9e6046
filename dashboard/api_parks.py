"""The parks' PDI evaluation over HTTP: ``GET /api/v1/parks`` (every evaluated park's dimension
scores, weighted total and ranks, filtered by province, industry and park level) and
``GET /api/v1/parks/<code>`` (one park with its industry medians and strategies).

JSON by default, ``format=csv|xlsx`` for a flat table (the list only); errors as
``{"error": {"code", "message", "field"}}`` with 400 (bad or unknown parameter), 404 (unknown
region, industry or park), 503 (database) or 500 (a bug, logged). An empty parameter of the list
is taken as absent. Ranks are within the filtered set; scores never depend on the filter.
Wire it with ``register(server, sessions=..., settings=...)``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Blueprint, Flask, Response, request
from sqlalchemy.orm import Session, sessionmaker

from dashboard.api_format import (
    FORMATS,
    ApiError,
    Table,
    attachment,
    json_errors,
    json_response,
    respond,
)
from dashboard.config import Settings
from datasource import pdi, pdi_store, queries, zero_carbon, zero_carbon_store

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
PROVINCE_RE = re.compile(r"[0-9]{2}0000")
PARK_RE = re.compile(r"[0-9A-Za-z_-]{1,32}")
PARK_LEVELS = ("national", "provincial")
PARAMS = ("province", "industry", "park_level", "format")
# not in a file name, nor (the first five) in an XLSX sheet name; ' may not end a sheet name
UNSAFE_IN_NAME = re.compile(r"[\[\]:*?/\\'\"\x00-\x1f\x7f]")
COLUMNS = [
    "rank",
    "code",
    "name_zh",
    "province_code",
    "province_zh",
    "industry",
    "park_level",
    "P",
    "D",
    "I",
    "total",
    "rank_P",
    "rank_D",
    "rank_I",
    "stage",
    "weakest",
]


def _arg(name: str) -> str | None:
    values = request.args.getlist(name)
    if len(values) > 1:
        raise ApiError(400, "bad_parameter", f"{name} is given more than once", name)
    return values[0] if values and values[0] != "" else None


def _fmt() -> str:
    fmt = _arg("format") or "json"
    if fmt not in FORMATS:
        raise ApiError(
            400, "bad_parameter", f"format must be one of {', '.join(FORMATS)}", "format"
        )
    return fmt


def _unknown_params() -> None:
    for name in request.args:
        if name not in PARAMS:
            raise ApiError(
                400, "bad_parameter", f"unknown parameter {name}; known: {', '.join(PARAMS)}", name
            )


def park_json(p: pdi_store.ParkScore) -> dict[str, Any]:
    return {
        "rank": p.rank,
        "code": p.code,
        "name_zh": p.name_zh,
        "name_en": p.name_en,
        "province_code": p.province_code,
        "province_zh": p.province_zh,
        "county_code": p.county_code,
        "industry": p.industry,
        "park_level": p.park_level,
        "lon": p.lon,
        "lat": p.lat,
        "P": round(p.P, 4),
        "D": round(p.D, 4),
        "I": round(p.I, 4),
        "total": round(p.total, 4),
        "rank_P": p.rank_P,
        "rank_D": p.rank_D,
        "rank_I": p.rank_I,
        "stage": p.stage,
        "weakest": p.weakest,
        "direct": list(p.direct),
    }


def _list(sessions: sessionmaker[Session]) -> Response:
    _unknown_params()
    fmt = _fmt()
    province, industry = _arg("province"), _arg("industry")
    level = _arg("park_level")
    if province is not None and not PROVINCE_RE.fullmatch(province):
        raise ApiError(
            400, "bad_parameter", "province must be a 6-digit code ending 0000", "province"
        )
    if level is not None and level not in PARK_LEVELS:
        raise ApiError(
            400, "bad_parameter", "park_level must be national or provincial", "park_level"
        )
    with sessions() as session:
        if province is not None:
            info = queries.region(session, province)
            if info is None or info.level != "province":
                raise ApiError(
                    404, "unknown_region", f"no province with code {province}", "province"
                )
        if industry is not None and industry not in pdi_store.filter_options(session).industries:
            raise ApiError(
                404, "unknown_industry", f"no evaluated park in industry {industry}", "industry"
            )
        parks = pdi_store.evaluations(
            session, province=province, industry=industry, park_level=level
        )
        weights = pdi.first_level_weights(pdi_store.tree(session))
    items = [park_json(p) for p in parks]
    payload = {
        "filters": {"province": province, "industry": industry, "park_level": level},
        "weights": weights,
        "scale": [0, pdi.SCORE_MAX],
        "count": len(items),
        "items": items,
    }
    stem = "-".join(["parks", *(x for x in (province, industry, level) if x)])
    stem = UNSAFE_IN_NAME.sub("_", stem)
    response = respond(fmt, payload, Table(stem, COLUMNS, items))
    return response if fmt == "json" else attachment(response, f"{stem}.{fmt}")


def _one(sessions: sessionmaker[Session], code: str) -> Response:
    if request.args:
        name = next(iter(request.args))
        raise ApiError(
            400, "bad_parameter", f"unknown parameter {name}; parks/<code> takes none", name
        )
    if not PARK_RE.fullmatch(code):
        raise ApiError(
            400, "bad_parameter", "park code must be 1 to 32 letters, digits, _ or -", "code"
        )
    with sessions() as session:
        detail = pdi_store.park_detail(session, code)
        record = zero_carbon_store.park_record(session, code)
    if detail is None:
        raise ApiError(404, "unknown_park", f"no evaluated park with code {code}", "code")
    body = park_json(detail.park) | {
        "level2": {k: (None if v is None else round(v, 4)) for k, v in detail.park.level2.items()},
        "weights": detail.weights,
        "industry_median": {k: round(v, 4) for k, v in detail.industry_median.items()},
        "industry_size": detail.industry_size,
        "strategies": [
            {"dimension": s.dimension, "stage": s.stage, "text_zh": s.text_zh, "source": s.source}
            for s in detail.strategies
        ],
        # issue 21: the newest reported year against the zero-carbon park thresholds, or null
        "zero_carbon": None if record is None else zero_carbon.api_json(record.latest),
    }
    return json_response(body)


def make_blueprint(*, sessions: sessionmaker[Session]) -> Blueprint:
    bp = Blueprint("api_parks", __name__, url_prefix=PREFIX)

    json_errors(bp)

    @bp.get("/parks")
    def parks() -> Response:
        return _list(sessions)

    @bp.get("/parks/<code>")
    def park(code: str) -> Response:
        return _one(sessions, code)

    return bp


def register(
    server: Flask, *, sessions: sessionmaker[Session], settings: Settings | None = None
) -> None:
    """Register the parks API on ``server`` (Dash's app.server)."""
    server.register_blueprint(make_blueprint(sessions=sessions))
