"""``GET /api/v1/forecast``: a region's forecast of co2, co2e (AR5) or intensity made only from
data up to ``origin`` (default: the latest year), with 80 % and 95 % intervals per year and,
where the year has passed, what actually happened; and the track record of the model chosen
for it (``track_record``: per horizon the model the backtest on data up to ``origin`` chose,
its sMAPE beside naive's and drift's, and its interval coverage).

Stored origins (the latest year and the one before) are read from the ``forecast`` table; any
other origin is computed for the one region with the parameters the background job stored for
that origin (``datasource.forecast.forecast_for_origin``), in milliseconds.

Wire it with ``register(server, sessions=..., settings=...)``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Blueprint, Flask, Response, request
from sqlalchemy.orm import Session, sessionmaker

from dashboard.api_format import FORMATS, ApiError, Table, json_errors, respond
from dashboard.config import Settings
from datasource import forecast, queries

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
REGION_RE = re.compile(r"[0-9A-Za-z]{1,32}")
YEAR_RE = re.compile(r"(19|20)[0-9]{2}")
UNITS = {
    "co2": "t CO2",
    "co2e": "t CO2e (AR5 GWP-100)",
    "intensity": "t CO2 per 10^4 CNY (万元) of constant-price GDP",
}
COLUMNS = ("year", "point", "lo80", "hi80", "lo95", "hi95", "actual", "model")


def _arg(name: str) -> str | None:
    values = request.args.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise ApiError(400, "bad_parameter", f"{name} is given more than once", name)
    return values[0]


def _actuals(session: Session, region_code: str, metric: str) -> dict[int, float | None]:
    rows = queries.series(session, region_code=region_code, gwp_set="AR5")
    return {int(r.period): getattr(r, metric) for r in rows}


def forecast_payload(
    session: Session, *, region_code: str, metric: str, origin: int | None
) -> tuple[dict[str, Any], Table]:
    """The answer for one region, metric and origin; raises ApiError for what cannot be."""
    info = queries.region(session, region_code)
    if info is None:
        raise ApiError(404, "not_found", f"no region {region_code}", "region")
    actual = _actuals(session, region_code, metric)
    latest = queries.latest_period(session)
    if latest is None:
        raise ApiError(404, "no_data", "the data pool holds no yearly data yet", None)
    if origin is None:
        origin = int(latest)
    elif origin > int(latest):
        raise ApiError(
            400, "bad_parameter", f"origin must not be after the latest year, {latest}", "origin"
        )
    found = forecast.stored(session, region_code=region_code, metric=metric, origin=origin)
    source = "stored"
    if not found:
        source = "computed"
        try:
            found = forecast.forecast_for_origin(
                session, region_code=region_code, metric=metric, origin=origin
            )
        except forecast.NotEnoughHistory as exc:
            raise ApiError(404, "no_forecast", str(exc), "origin") from exc
    rows = [
        {
            "year": p.year,
            "point": p.point,
            "lo80": p.lo80,
            "hi80": p.hi80,
            "lo95": p.lo95,
            "hi95": p.hi95,
            "actual": actual.get(p.year),
            "model": p.model,
        }
        for p in found
    ]
    plan = forecast.track_record(session, region_code=region_code, metric=metric, origin=origin)
    payload = {
        "region_code": info.code,
        "region_name_zh": info.name_zh,
        "region_name_en": info.name_en,
        "metric": metric,
        "unit": UNITS[metric],
        "origin": origin,
        "source": source,
        "model": found[0].model if found else None,
        "data_version": found[0].data_version if found else None,
        "intervals": [80, 95],
        "history": [{"year": y, "value": v} for y, v in sorted(actual.items()) if y <= origin],
        "forecast": rows,
        "track_record": track_record_payload(plan),
    }
    return payload, Table(f"forecast-{info.code}-{metric}-{origin}", COLUMNS, rows)


def track_record_payload(plan: list[forecast.Choice]) -> dict[str, Any]:
    """Which model was chosen per horizon as of the origin, on how many series and origins,
    and its backtest sMAPE and calibrated interval coverage there (beside the baselines')."""
    h3 = next(c for c in plan if c.horizon == 3)
    return {
        "decided_by": h3.group,
        "series": h3.series,
        "origins": h3.origins,
        "naive_unbeaten": [
            c.horizon for c in plan if c.reason == "backtest" and c.model == "naive"
        ],
        "too_short": [c.horizon for c in plan if c.reason == "short"],
        "horizons": [
            {
                "horizon": c.horizon,
                "model": c.model,
                "smape": c.smape,
                "naive_smape": c.naive,
                "drift_smape": c.drift,
                "cover80": c.cover80,
                "cover95": c.cover95,
                "scores": c.scores,
            }
            for c in plan
        ],
    }


def make_blueprint(*, sessions: sessionmaker[Session], settings: Settings) -> Blueprint:
    bp = Blueprint("api_v1_forecast", __name__, url_prefix=PREFIX)
    del settings  # nothing tunable yet; kept for the common register() signature

    json_errors(bp)

    @bp.get("/forecast")
    def forecast_view() -> Response:
        region = _arg("region")
        if region is None:
            raise ApiError(400, "missing_parameter", "region is required", "region")
        if not REGION_RE.fullmatch(region):
            raise ApiError(400, "bad_parameter", "region must be a region code", "region")
        metric = _arg("metric")
        metric = "co2e" if metric is None else metric
        if metric not in forecast.METRICS:
            raise ApiError(
                400,
                "bad_parameter",
                f"metric must be one of {', '.join(forecast.METRICS)}",
                "metric",
            )
        origin_text = _arg("origin")
        if origin_text is not None and not YEAR_RE.fullmatch(origin_text):
            raise ApiError(400, "bad_parameter", "origin must be a year such as 2023", "origin")
        fmt = _arg("format")
        fmt = "json" if fmt is None else fmt
        if fmt not in FORMATS:
            raise ApiError(
                400, "bad_parameter", f"format must be one of {', '.join(FORMATS)}", "format"
            )
        with sessions() as session:
            payload, table = forecast_payload(
                session,
                region_code=region,
                metric=metric,
                origin=int(origin_text) if origin_text is not None else None,
            )
        return respond(fmt, payload, table)

    return bp


def register(server: Flask, *, sessions: sessionmaker[Session], settings: Settings) -> None:
    """Register ``GET /api/v1/forecast`` on ``server`` (Dash's app.server)."""
    server.register_blueprint(make_blueprint(sessions=sessions, settings=settings))
