"""The data service API (数据服务接口): a Flask blueprint under /api/v1, thin over datasource.

Reads go through ``datasource.queries`` (docs/QUERIES.md), writes through
``datasource.ingest.ingest_bytes``. Every answer is JSON unless ``format=csv|xlsx``; every error
has one shape, ``{"error": {"code", "message", "field"}}``. ``dashboard/openapi.py`` describes
all of it and is served at /api/v1/openapi.json.

Wire it with ``register(server, sessions=..., engine=..., settings=...)``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import threading
from collections import OrderedDict
from dataclasses import asdict
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from dashboard import openapi
from dashboard.api_format import (
    FORMATS,
    ApiError,
    Table,
    error_response,
    http_json,
    json_errors,
    json_response,
    respond,
)
from dashboard.config import Settings
from datasource import dual_control, periods, queries, reference

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
REGION_RE = re.compile(r"[0-9A-Za-z]{1,32}")
YEAR_RE = re.compile(r"(19|20)[0-9]{2}")
PERIOD_RE = re.compile(periods.PATTERN)  # year, quarter, month or day (docs/periods.md)
SECTOR_RE = re.compile(r"[1-5](\.[0-9]{1,2}){0,3}")
FILE_NAME_RE = re.compile(r"[^/\\\x00-\x1f]{1,200}")
LEVELS = ("country", "province", "city", "county", "park")
BY = ("sector", "gas", "sector,gas")
ORDERS = ("asc", "desc")
KINDS = ("emissions", "indicators", "regions", "parks", "targets")
MAX_LIMIT = 10_000
CACHED = {"regions", "summary", "emissions", "inventory", "rankings"}  # answers fixed per version
CACHE_SIZE = 512
ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"]
ROUTES = (  # the paths this blueprint serves; a test checks the OpenAPI document has each
    "/openapi.json",
    "/regions",
    "/summary",
    "/targets",
    "/emissions",
    "/inventory",
    "/rankings",
    "/version",
    "/ingest",
)
UNITS = {
    "co2": "t CO2",
    "co2e": "t CO2e",
    "value": "t of the gas (HFCs, PFCs, SF6: t CO2e)",
    "intensity": "t CO2 per 10^4 CNY (万元) of GDP",
    "gdp": "10^8 CNY (亿元)",
    "population": "10^4 persons (万人)",
    "change": "fraction (-0.05 = 5 % lower than the previous period)",
}


# --------------------------------------------------------------------------- parameters


def _arg(name: str) -> str | None:
    values = request.args.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise ApiError(400, "bad_parameter", f"{name} is given more than once", name)
    return values[0]


def _pattern(name: str, rx: re.Pattern[str], what: str) -> str | None:
    value = _arg(name)
    if value is not None and not rx.fullmatch(value):
        raise ApiError(400, "bad_parameter", f"{name} must be {what}", name)
    return value


def _choice(name: str, choices: tuple[str, ...], default: str | None) -> str | None:
    value = _arg(name)
    if value is None:
        return default
    if value not in choices:
        raise ApiError(400, "bad_parameter", f"{name} must be one of {', '.join(choices)}", name)
    return value


def _fmt() -> str:
    return _choice("format", FORMATS, "json") or "json"


def _region_code(name: str) -> str | None:
    return _pattern(name, REGION_RE, "1 to 32 letters or digits")


def _period_arg(name: str) -> str | None:
    what = "a year (2024), quarter (2024-Q3), month (2024-07) or day (2024-07-15)"
    value = _pattern(name, PERIOD_RE, what)
    if value is not None and not periods.is_valid(value):
        raise ApiError(400, "bad_parameter", f"{name} is not a calendar day", name)
    return value


def _region(session: Session, code: str, name: str) -> queries.RegionInfo:
    info = queries.region(session, code)
    if info is None:
        raise ApiError(404, "unknown_region", f"no region with code {code}", name)
    return info


def _region_json(info: queries.RegionInfo) -> dict[str, Any]:
    return {
        "code": info.code,
        "name_zh": info.name_zh,
        "name_en": info.name_en,
        "level": info.level,
        "parent_code": info.parent_code,
    }


# --------------------------------------------------------------------------- the blueprint


def make_blueprint(
    *, sessions: sessionmaker[Session], engine: Engine, settings: Settings
) -> Blueprint:
    """The /api/v1 blueprint bound to one data pool and one Settings."""
    bp = Blueprint("api_v1", __name__, url_prefix=PREFIX)
    default_gwp = settings.gwp_set
    root = settings.root_region
    document = openapi.document(settings)
    cache = AnswerCache(CACHE_SIZE)
    latest: dict[tuple[int, int], str | None] = {}  # the latest period, per data version

    def period_or_latest(session: Session, value: str | None) -> str:
        if value is not None:
            return value
        versions = g.get("api_versions")
        if versions is None or versions not in latest:
            found = queries.latest_period(session)
            if versions is not None:
                latest.clear()
                latest[versions] = found
        else:
            found = latest[versions]
        if found is None:
            raise ApiError(404, "no_data", "the data pool holds no data yet", "period")
        return found

    @bp.before_request
    def _from_cache() -> Response | None:
        """Reads answer the same until the data or its rollup moves: serve them from this
        worker's cache, or 304 when the client already holds this version."""
        endpoint = (request.endpoint or "").rpartition(".")[2]
        if request.method not in ("GET", "HEAD") or endpoint not in CACHED:
            return None
        with sessions() as session:
            v = queries.data_version(session)
        g.api_versions = (v.version, v.rollup_version)
        g.api_cache_key = (v.version, v.rollup_version, request.full_path)
        etag = _etag(g.api_cache_key)
        if request.if_none_match.contains(etag):
            return Response(status=304, headers={"ETag": f'"{etag}"'})
        hit = cache.get(g.api_cache_key)
        if hit is not None:
            g.pop("api_cache_key")  # already stored
        return hit

    @bp.after_request
    def _to_cache(response: Response) -> Response:
        key = g.pop("api_cache_key", None)
        if key is not None and response.status_code == 200:
            response.headers["ETag"] = f'"{_etag(key)}"'
            response.headers["Cache-Control"] = "no-cache"
            if not response.is_streamed and response.direct_passthrough is False:
                cache.put(key, response)
        return response

    def gwp() -> str:
        return _choice("gwp", reference.GWP_SETS, default_gwp) or default_gwp

    json_errors(bp)

    @bp.get("/openapi.json")
    def openapi_json() -> Response:
        return json_response(document)

    @bp.get("/regions")
    def regions() -> Response:
        fmt = _fmt()
        parent = _region_code("parent")
        level = _choice("level", LEVELS, None)
        with sessions() as session:
            if parent is not None:
                _region(session, parent, "parent")
            found = queries.regions(session, parent=parent, level=level)
        items = [asdict(r) for r in found]
        payload = {"parent": parent, "level": level, "count": len(items), "items": items}
        columns = [
            "code",
            "parent_code",
            "level",
            "name_zh",
            "name_en",
            "lon",
            "lat",
            "industry",
            "park_level",
        ]
        return respond(fmt, payload, Table("regions", columns, items))

    @bp.get("/summary")
    def summary() -> Response:
        fmt = _fmt()
        code = _region_code("region") or root
        period = _period_arg("period")
        gwp_set = gwp()
        with sessions() as session:
            info = _region(session, code, "region")
            period = period_or_latest(session, period)
            found = queries.summary(session, region_code=code, period=period, gwp_set=gwp_set)
            if found is None:
                raise ApiError(404, "no_data", f"no data for {code} in {period}", "period")
            progress = queries.target_progress(session, region_code=code)
        figures = asdict(found)
        figures.pop("region_code")
        target = asdict(progress) if progress is not None else None
        if target is not None:
            target.pop("region_code")
        payload = {"region": _region_json(info), **figures, "target": target, "units": UNITS}
        row = {"region_code": code, "region_name_zh": info.name_zh, **figures}
        row["sources"] = "; ".join(f"{s.name_en} ({s.licence}, {s.url})" for s in found.sources)
        if target is not None:
            row.update(
                target_plan=target["plan"],
                target_period=target["target_period"],
                target_change=target["target_change"],
                target_change_so_far=target["change_so_far"],
                target_status=target["status"],
            )
        columns = list(row) + [
            c
            for c in (
                "target_plan",
                "target_period",
                "target_change",
                "target_change_so_far",
                "target_status",
            )
            if c not in row
        ]
        return respond(fmt, payload, Table(f"summary-{code}-{period}", columns, [row]))

    @bp.get("/targets")
    def plan_targets() -> Response:
        """Dual control: every plan's controlled metrics for a region (datasource.dual_control)."""
        code = _region_code("region") or root
        year = _pattern("year", YEAR_RE, "a year such as 2026")
        with sessions() as session:
            _region(session, code, "region")
            plans = dual_control.standing(session, region_code=code, year=int(year or 0) or None)
        return json_response(dual_control.as_dict(code, plans or []))

    @bp.get("/emissions")
    def emissions() -> Response:
        fmt = _fmt()
        code = _region_code("region") or root
        first = _period_arg("period")
        last = _period_arg("to")
        by = _choice("by", BY, "sector") or "sector"
        sector = _pattern("sector", SECTOR_RE, "a sector code such as 1 or 1.1.2")
        if sector is not None and sector not in reference.sector_map():
            raise ApiError(400, "bad_parameter", f"unknown sector {sector}", "sector")
        gwp_set = gwp()
        with sessions() as session:
            info = _region(session, code, "region")
            first = period_or_latest(session, first)
            span = _periods(session, first, last)
            items = _breakdown(session, code, span, by, sector, gwp_set)
        payload = {
            "region": _region_json(info),
            "period": first,
            "to": last or first,
            "periods": span,
            "by": by,
            "sector": sector,
            "gwp_set": gwp_set,
            "units": UNITS,
            "items": items,
        }
        columns = {
            "sector": ["period", "sector_code", "sector_name_zh", "sector_name_en", "co2e"],
            "gas": ["period", "gas", "gas_name_zh", "value", "unit", "co2e", "share"],
            "sector,gas": [
                "period",
                "sector_code",
                "sector_name_zh",
                "gas",
                "gas_name_zh",
                "value",
                "unit",
                "co2e",
            ],
        }[by]
        return respond(fmt, payload, Table(f"emissions-{code}-{first}", columns, items))

    @bp.get("/inventory")
    def inventory() -> Response:
        fmt = _fmt()
        code = _region_code("region") or root
        period = _period_arg("period")
        top = _choice("sector", reference.TOP_SECTORS, None)
        with sessions() as session:
            info = _region(session, code, "region")
            period = period_or_latest(session, period)
            inv = queries.inventory(session, region_code=code, period=period, top=top)
        if inv is None:
            raise ApiError(404, "no_data", f"no data for {code} in {period}", "period")
        items = [
            {
                "sector_code": r.sector_code,
                "label_zh": r.label_zh,
                "label_en": r.label_en,
                "depth": r.depth,
                "is_leaf": r.is_leaf,
                **{gas: r.values.get(gas) for gas in reference.GASES},
            }
            for r in inv.rows
        ]
        payload = {
            "region": _region_json(info),
            "period": period,
            "derived": inv.derived,
            "sector": top,
            "gases": [
                {"gas": g, "name_zh": reference.GAS_NAMES_ZH[g], "unit": reference.GAS_UNITS[g]}
                for g in reference.GASES
            ],
            "items": items,
        }
        columns = ["sector_code", "label_zh", "label_en", "depth", "is_leaf", *reference.GASES]
        return respond(fmt, payload, Table(f"inventory-{code}-{period}", columns, items))

    @bp.get("/rankings")
    def rankings() -> Response:
        fmt = _fmt()
        parent = _region_code("parent") or root
        period = _period_arg("period")
        metric = _choice("metric", queries.METRICS, "co2e") or "co2e"
        order = _choice("order", ORDERS, "desc") or "desc"
        limit = _limit()
        gwp_set = gwp()
        with sessions() as session:
            info = _region(session, parent, "parent")
            period = period_or_latest(session, period)
            rows = queries.ranking(
                session,
                parent_code=parent,
                period=period,
                metric=metric,
                gwp_set=gwp_set,
                order=order,
                limit=limit,
            )
        items = [asdict(r) for r in rows]
        payload = {
            "parent": _region_json(info),
            "period": period,
            "metric": metric,
            "order": order,
            "gwp_set": gwp_set,
            "count": len(items),
            "units": UNITS,
            "items": items,
        }
        columns = list(queries.RankRow.__dataclass_fields__)
        return respond(fmt, payload, Table(f"rankings-{parent}-{period}", columns, items))

    @bp.get("/version")
    def version() -> Response:
        fmt = _fmt()
        with sessions() as session:
            v = queries.data_version(session)
            latest = queries.latest_period(session)
            by_grain = {g: queries.latest_period(session, kind=g) for g in periods.GRAINS}
        payload = {
            "version": v.version,
            "changed_at": v.changed_at,
            "rollup_version": v.rollup_version,
            "rollup_at": v.rollup_at,
            "rollup_current": v.version == v.rollup_version,
            "latest_period": latest,
            "latest_periods": by_grain,
        }
        row = {k: v for k, v in payload.items() if k != "latest_periods"}
        row.update({f"latest_{periods.GRAIN_NAMES[g]}": p for g, p in by_grain.items()})
        return respond(fmt, payload, Table("version", list(row), [row]))

    @bp.post("/ingest")
    def ingest() -> Response:
        _require_token(settings.tokens)
        limit = settings.max_upload_mb * 1024 * 1024
        # refuse before reading: by the declared length, and by counting a chunked body
        request.max_content_length = limit + 1  # one byte over tells "too large" from "full"
        if request.content_length is not None and request.content_length > limit:
            raise RequestEntityTooLarge(f"the upload is larger than {settings.max_upload_mb} MB")
        kind = _choice("kind", KINDS, None)
        dry_run = _bool("dry_run")
        name = _pattern("file_name", FILE_NAME_RE, "a file name (no slashes), 1-200 characters")
        if request.mimetype == "multipart/form-data":
            upload = request.files.get("file")
            if upload is None:
                raise ApiError(
                    400, "missing_file", "send the file in the form field 'file'", "file"
                )
            name = name or _safe_name(upload.filename)
            data = upload.read()
        else:
            data = _read_body(limit)
        from datasource.ingest import ingest_bytes  # the write path, loaded only when used

        report = ingest_bytes(
            engine,
            data,
            name or "upload",
            kind=kind,
            dry_run=dry_run,
            source="api",
            park_checker=park_checker(),
        )
        log.info(
            "api ingest of %s (%d bytes): %s", name, len(data), "ok" if report.ok else "rejected"
        )
        return json_response(report.to_dict(), 200 if report.ok else 422)

    @bp.route("/", defaults={"rest": ""}, methods=ANY_METHOD, strict_slashes=False)
    @bp.route("/<path:rest>", methods=ANY_METHOD)
    def _elsewhere(rest: str) -> Response:
        # claims the rest of /api/v1 so Dash's catch-all page route never answers here; a path
        # another view serves with other methods (ours or a sibling blueprint's) is a 405
        allowed = _other_methods()
        if allowed:
            response = error_response(
                405, "method_not_allowed", f"use {' or '.join(allowed)} on {request.path}"
            )
            response.headers["Allow"] = ", ".join(allowed)
            return response
        return error_response(
            404, "not_found", f"no endpoint {request.path}; see {PREFIX}/openapi.json"
        )

    return bp


class AnswerCache:
    """A small per-worker LRU of finished responses keyed by (data version, rollup version,
    URL); a new version simply misses, and old entries age out."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple[int, int, str], tuple[bytes, list[tuple[str, str]]]] = (
            OrderedDict()
        )
        self._lock = threading.Lock()

    def get(self, key: tuple[int, int, str]) -> Response | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
        body, headers = found
        return Response(body, status=200, headers=headers)

    def put(self, key: tuple[int, int, str], response: Response) -> None:
        entry = (response.get_data(), list(response.headers.items()))
        with self._lock:
            self._items[key] = entry
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def _etag(key: tuple[int, int, str]) -> str:
    version, rollup, url = key
    return (
        f"v{version}.{rollup}-"
        + hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    )


def _periods(session: Session, first: str, last: str | None) -> list[str]:
    if last is None:
        return [first]
    if periods.kind(last) != periods.kind(first):
        raise ApiError(400, "bad_parameter", "period and to must be of the same grain", "to")
    if last < first:
        raise ApiError(400, "bad_parameter", "to must not be before period", "to")
    if last == first:
        return [first]
    found = queries.periods_with_data(session, kind=periods.kind(first))
    return [p for p in found if first <= p <= last]


def _breakdown(
    session: Session,
    code: str,
    span: list[str],
    by: str,
    sector: str | None,
    gwp_set: str,
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for period in span:
        if by == "sector":
            for v in queries.by_sector(
                session, region_code=code, period=period, gwp_set=gwp_set, parent=sector
            ):
                items.append(
                    {
                        "period": period,
                        "sector_code": v.sector_code,
                        "sector_name_zh": v.name_zh,
                        "sector_name_en": v.name_en,
                        "co2e": v.co2e,
                    }
                )
        elif by == "gas":
            for g in queries.by_gas(
                session, region_code=code, period=period, gwp_set=gwp_set, sector=sector
            ):
                items.append({"period": period, **_gas(g), "share": g.share})
        else:
            names = reference.sector_map()
            kids = (
                [s.code for s in reference.sectors() if s.parent == sector]
                if sector is not None
                else list(reference.TOP_SECTORS)
            )
            for kid in kids or [sector]:
                for g in queries.by_gas(
                    session, region_code=code, period=period, gwp_set=gwp_set, sector=kid
                ):
                    items.append(
                        {
                            "period": period,
                            "sector_code": kid,
                            "sector_name_zh": names[kid].name_zh,
                            **_gas(g),
                        }
                    )
    return items


def _gas(g: queries.GasValue) -> dict[str, Any]:
    return {
        "gas": g.gas,
        "gas_name_zh": g.name_zh,
        "value": g.value,
        "unit": g.unit,
        "co2e": g.co2e,
    }


def _limit() -> int | None:
    raw = _arg("limit")
    if raw is None:
        return None
    if not re.fullmatch(r"[0-9]{1,6}", raw) or not 1 <= int(raw) <= MAX_LIMIT:
        raise ApiError(
            400, "bad_parameter", f"limit must be an integer from 1 to {MAX_LIMIT}", "limit"
        )
    return int(raw)


def _other_methods() -> list[str]:
    adapter = current_app.url_map.bind("localhost")
    allowed = []
    for method in ANY_METHOD:
        try:
            endpoint, _ = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        if endpoint != request.endpoint:
            allowed.append(method)
    return allowed


def _read_body(limit: int) -> bytes:
    """The raw body, read in chunks and refused (413) as soon as it passes ``limit`` bytes."""
    chunks: list[bytes] = []
    total = 0
    while chunk := request.stream.read(min(64 * 1024, limit + 1 - total)):
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise RequestEntityTooLarge()
    return b"".join(chunks)


def _safe_name(name: str | None) -> str | None:
    if not name:
        return None
    base = re.split(r"[/\\]", name)[-1]
    return base if FILE_NAME_RE.fullmatch(base) else None


def park_checker() -> Any:
    """geo's check of a park's point against its county, when geo provides it (the HTTP
    ingest here, the /data page's upload through dashboard.app)."""
    try:
        from geo.parks import check_park
    except ImportError:
        return None
    return check_park


def _bool(name: str) -> bool:
    raw = _arg(name)
    if raw is None:
        return False
    if raw not in ("true", "false"):
        raise ApiError(400, "bad_parameter", f"{name} must be true or false", name)
    return raw == "true"


def _require_token(tokens: tuple[str, ...]) -> None:
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if not tokens:
        raise ApiError(401, "unauthorized", "ingest over HTTP is off: no admin tokens are set")
    if scheme.lower() != "bearer" or not given.strip():
        raise ApiError(401, "unauthorized", "send Authorization: Bearer <admin token>")
    offered = given.strip().encode("utf-8", "surrogateescape")
    matched = False
    for token in tokens:  # compare with every token, in constant time
        matched |= hmac.compare_digest(offered, token.encode("utf-8"))
    if not matched:
        raise ApiError(401, "unauthorized", "the admin token is not valid")


def _api_path() -> bool:
    return request.path.startswith(PREFIX + "/") or request.path in (PREFIX, "/healthz", "/readyz")


def register(
    server: Flask, *, sessions: sessionmaker[Session], engine: Engine, settings: Settings
) -> None:
    """Register the /api/v1 blueprint, /healthz and /readyz on ``server`` (Dash's app.server)."""
    server.register_blueprint(make_blueprint(sessions=sessions, engine=engine, settings=settings))

    @server.get("/healthz")
    def healthz() -> Response:
        return json_response({"status": "ok"})

    @server.get("/readyz")
    def readyz() -> Response:
        try:
            with sessions() as session:
                v = queries.data_version(session)
        except SQLAlchemyError as exc:
            log.warning("readiness check failed: %s", exc)
            return error_response(503, "database_unavailable", "the data pool is not reachable")
        return json_response({"status": "ready", "data_version": v.version})

    def _routing_error(exc: HTTPException) -> Any:
        # routing fails before a blueprint is chosen, so 404/405 under /api/v1 land here;
        # any other path keeps Flask's (or Dash's) own answer
        return http_json(exc) if _api_path() else exc

    server.register_error_handler(404, _routing_error)
    server.register_error_handler(405, _routing_error)
