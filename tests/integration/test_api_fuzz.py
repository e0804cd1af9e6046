"""Property-based fuzzing of the data service API from its own OpenAPI document (schemathesis):
no generated request, valid or not, gets a 5xx; answers match the documented statuses, content
types and schemas. Runs on SQLite and PostgreSQL over the hand-worked pool."""

from __future__ import annotations

import flask
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from test_rollup_queries import fill

from dashboard import api
from dashboard.config import Settings
from datasource.engine import make_sessions
from datasource.rollup import rebuild

TOKEN = "fuzz-token"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def server(engine):
    fill(engine)
    rebuild(engine)
    app = flask.Flask(__name__)
    api.register(
        app,
        sessions=make_sessions(engine),
        engine=engine,
        settings=Settings(admin_tokens=TOKEN, max_upload_mb=1),
    )
    return app


@pytest.mark.parametrize(
    ("mode", "examples"), [(GenerationMode.POSITIVE, 300), (GenerationMode.NEGATIVE, 200)]
)
def test_no_request_gets_a_server_error(server, mode, examples):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", server)
    reads = schema.exclude(method="POST")

    @given(case=reads.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call()
        case.validate_response(response, checks=CHECKS)

    run()


@pytest.mark.parametrize("auth", [False, True])
def test_ingest_never_fails_with_a_server_error(server, auth):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", server)
    ingest = schema.include(method="POST", path="/api/v1/ingest")
    headers = {"Authorization": f"Bearer {TOKEN}"} if auth else {}

    @given(case=ingest.as_strategy(generation_mode=GenerationMode.POSITIVE))
    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)
        if not auth:
            assert response.status_code == 401

    run()
