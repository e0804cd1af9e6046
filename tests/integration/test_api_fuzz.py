"""Property-based fuzzing of the HTTP APIs under /api/v1 (the data service, the parks' PDI
evaluation and the forecasts) from their own OpenAPI document (schemathesis): no generated
request, valid or not, gets a 5xx; answers match the documented statuses, content types and
schemas; a forged parks or forecast parameter gets a 4xx. Runs on SQLite and PostgreSQL over
the hand-worked pools of test_rollup_queries (two years) and test_forecast_pool (twenty)."""

from __future__ import annotations

import collections

import flask
import hypothesis.strategies as st
import pytest
import schemathesis
import test_forecast_pool
import test_rollup_queries
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.orm import Session

from dashboard import api, api_forecast, api_parks
from dashboard.config import Settings
from datasource import forecast, pdi_store
from datasource.engine import make_sessions
from datasource.models import Region
from datasource.rollup import rebuild

TOKEN = "fuzz-token"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZ = settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))
PARKS_AND_FORECAST = "^/api/v1/(parks|forecast)"
# parks under two counties of the long pool: two industries, both levels, one given directly
PARKS = [
    ("P01", "340102", "化工", "national"),
    ("P02", "340103", "化工", "provincial"),
    ("P03", "340202", "电子信息/新材料", None),  # '/' may not be in an XLSX sheet name
]
PDI_SCORES = """park_code,dimension,score
P01,P,2.9
P01,D,1.8
P01,I,3.6
P02,P,4.1
P02,D,2.2
P02,I,0.5
P03,P,1.0
P03,D,5.0
P03,I,2.5
"""


def make_server(engine) -> flask.Flask:
    """The three /api/v1 blueprints on one Flask server, as create_app wires them."""
    app = flask.Flask(__name__)
    sessions = make_sessions(engine)
    conf = Settings(admin_tokens=TOKEN, max_upload_mb=1)
    api.register(app, sessions=sessions, engine=engine, settings=conf)
    api_parks.register(app, sessions=sessions, settings=conf)
    api_forecast.register(app, sessions=sessions, settings=conf)
    return app


def add_parks(engine, parks, scores: str) -> None:
    with Session(engine) as s, s.begin():
        for code, county, industry, level in parks:
            s.add(
                Region(
                    code=code,
                    parent_code=county,
                    level="park",
                    name_zh=f"园区{code}",
                    name_en=f"Park {code}",
                    industry=industry,
                    park_level=level,
                )
            )
    report = pdi_store.ingest_pdi_bytes(engine, scores.encode(), "pdi_scores")
    assert report.ok, report.render()


@pytest.fixture
def server(engine):
    """Two years of data (no forecast can be made), one evaluated park."""
    test_rollup_queries.fill(engine)
    add_parks(engine, [], "park_code,dimension,score\nP001,P,2.9\nP001,D,1.8\nP001,I,3.6\n")
    rebuild(engine)
    forecast.compute_all(engine)
    return make_server(engine)


@pytest.fixture
def long_server(engine):
    """Twenty years of data with stored forecasts for 2023 and 2024, three evaluated parks."""
    test_forecast_pool.fill(engine)
    add_parks(engine, PARKS, PDI_SCORES)
    assert rebuild(engine).built
    assert forecast.compute_all(engine).origins == (2023, 2024)
    return make_server(engine)


def _schema(app: flask.Flask):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.mark.parametrize(
    ("mode", "examples"), [(GenerationMode.POSITIVE, 300), (GenerationMode.NEGATIVE, 200)]
)
def test_no_request_gets_a_server_error(server, mode, examples):
    reads = _schema(server).exclude(method="POST")

    @given(case=reads.as_strategy(generation_mode=mode))
    @settings(FUZZ, max_examples=examples)
    def run(case):
        response = case.call()
        case.validate_response(response, checks=CHECKS)

    run()


@pytest.mark.parametrize(
    ("mode", "examples"), [(GenerationMode.POSITIVE, 150), (GenerationMode.NEGATIVE, 150)]
)
def test_parks_and_forecast_on_a_long_history(long_server, mode, examples):
    """The real regions and parks with fuzzed metric, origin, filters and format; in negative
    mode every forged parameter must be refused with a 4xx."""
    schema = _schema(long_server).include(path_regex=PARKS_AND_FORECAST)
    regions = [code for code, *_ in test_forecast_pool.REGIONS] + [p[0] for p in PARKS]
    forecasts = schema["/api/v1/forecast"]["GET"]
    strategy = st.one_of(
        schema.as_strategy(generation_mode=mode),
        st.fixed_dictionaries(
            {"region": st.sampled_from(regions)},
            optional={"origin": st.integers(2003, 2025).map(str)},
        ).flatmap(lambda query: forecasts.as_strategy(generation_mode=mode, query=query)),
        st.sampled_from([p[0] for p in PARKS]).flatmap(
            lambda code: schema["/api/v1/parks/{code}"]["GET"].as_strategy(
                generation_mode=mode, path_parameters={"code": code}
            )
        ),
    )
    checks = CHECKS + ([negative_data_rejection] if mode is GenerationMode.NEGATIVE else [])

    @given(case=strategy)
    @settings(FUZZ, max_examples=examples)
    def run(case):
        response = case.call()
        case.validate_response(response, checks=checks)

    run()


def test_every_real_forecast_and_park_matches_the_schema(long_server):
    """Not sampled: every region and park of the long pool x metric x origin x format, the
    parks list under each filter and format, each park in detail. Literal statuses for the
    cases whose answer is known from the pool."""
    schema = _schema(long_server)
    forecasts = schema["/api/v1/forecast"]["GET"]
    statuses = collections.Counter()
    for code in [c for c, *_ in test_forecast_pool.REGIONS] + [p[0] for p in PARKS]:
        for metric in forecast.METRICS:
            for origin in (None, "2004", "2007", "2016", "2023", "2024", "2025"):
                for fmt in ("json", "csv", "xlsx"):
                    query = {"region": code, "metric": metric, "format": fmt}
                    query |= {} if origin is None else {"origin": origin}
                    case = forecasts.Case(query=query)
                    response = case.call()
                    case.validate_response(response, checks=CHECKS)
                    statuses[code, response.status_code] += 1
    # 3 metrics x 7 origins x 3 formats = 63 per region; 2025 is after the latest year (400),
    # 2004 before the first (404); 340202 has four years (2021-2024) of co2 and intensity
    assert statuses["340102", 200] == 3 * 5 * 3
    assert statuses["340102", 400] == 3 * 3
    assert statuses["340202", 200] == 3 * 3 * 3  # origin 2023, 2024 and none (= 2024)
    assert statuses["P01", 404] == 3 * 6 * 3
    parks = schema["/api/v1/parks"]["GET"]
    for query in [
        {},
        {"province": "340000"},
        {"province": "990000"},
        {"industry": "化工", "park_level": "provincial"},
        {"industry": "电子信息/新材料"},
        {"industry": "造船"},
        {"park_level": ""},
    ]:
        for fmt in ("json", "csv", "xlsx"):
            case = parks.Case(query=query | {"format": fmt})
            response = case.call()
            case.validate_response(response, checks=CHECKS)
            statuses["parks", response.status_code] += 1
    assert (statuses["parks", 200], statuses["parks", 404]) == (5 * 3, 2 * 3)
    detail = schema["/api/v1/parks/{code}"]["GET"]
    for code in ["P01", "P02", "P03", "340102", "NOPE", "a.b"]:
        case = detail.Case(path_parameters={"code": code})
        response = case.call()
        case.validate_response(response, checks=CHECKS)
        statuses["detail", response.status_code] += 1
    assert (statuses["detail", 200], statuses["detail", 404], statuses["detail", 400]) == (3, 2, 1)


@pytest.mark.parametrize("auth", [False, True])
def test_ingest_never_fails_with_a_server_error(server, auth):
    ingest = _schema(server).include(method="POST", path="/api/v1/ingest")
    headers = {"Authorization": f"Bearer {TOKEN}"} if auth else {}

    @given(case=ingest.as_strategy(generation_mode=GenerationMode.POSITIVE))
    @settings(FUZZ, max_examples=40)
    def run(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)
        if not auth:
            assert response.status_code == 401

    run()
