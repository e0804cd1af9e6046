"""The OpenAPI document against the server create_app() really builds: it validates, it is what
/api/v1/openapi.json serves, and every route under /api/v1 is documented with its methods (and
nothing else is), so the document cannot drift from the code again."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

from dashboard import openapi
from dashboard.app import create_app
from dashboard.config import Settings
from datasource.engine import make_engine
from datasource.schema import migrate

# Routes under /api/v1 that are deliberately not in the document, each with the reason.
UNDOCUMENTED = {
    ("/api/v1/", "*"): "catch-all of dashboard.api: answers any other path under /api/v1 with "
    "the JSON 404/405 (so Dash's page route never does); not an endpoint",
    ("/api/v1/{rest}", "*"): "the same catch-all, for deeper paths",
}
IMPLICIT = {"HEAD", "OPTIONS"}  # Flask adds them to every rule


def _openapi_path(rule: str) -> str:
    """Flask's /parks/<code> or /<path:rest> as OpenAPI's /parks/{code}, /{rest}."""
    return re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("openapi")
    url = f"sqlite:///{folder}/pool.sqlite"
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    settings = Settings(database_url=url, run_scheduler=False, geo_cache_dir=str(folder))
    return create_app(settings).server


def _routes(server) -> set[tuple[str, str]]:
    """(OpenAPI path, method) of every rule under /api/v1 and the health checks."""
    out = set()
    for rule in server.url_map.iter_rules():
        if rule.rule.startswith("/api/v1") or rule.rule in ("/healthz", "/readyz"):
            path = _openapi_path(rule.rule)
            out |= {(path, m.lower()) for m in rule.methods - IMPLICIT}
    return out


def _documented(doc) -> set[tuple[str, str]]:
    return {(path, method) for path, item in doc["paths"].items() for method in item}


def test_the_served_document_validates_and_is_the_built_one(server):
    response = server.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    validate(doc)
    assert doc == openapi.document(Settings())
    assert doc["openapi"] == "3.0.3"


def test_every_api_route_is_documented_and_nothing_else(server):
    routes = _routes(server)
    exempt = {(path, method) for path, method in routes if (path, "*") in UNDOCUMENTED}
    documented = _documented(openapi.document(Settings()))
    assert routes - exempt - documented == set(), "add these routes to dashboard/openapi.py"
    assert documented - routes == set(), "documented but not served"
    # the exemptions still name real routes (a stale one would hide nothing and mislead)
    assert {path for path, _ in exempt} == {path for path, _ in UNDOCUMENTED}


def test_the_document_lists_the_parks_and_forecast_paths():
    doc = openapi.document(Settings())
    assert sorted(doc["paths"]) == [
        "/api/v1/emissions",
        "/api/v1/forecast",
        "/api/v1/ingest",
        "/api/v1/inventory",
        "/api/v1/openapi.json",
        "/api/v1/parks",
        "/api/v1/parks/{code}",
        "/api/v1/rankings",
        "/api/v1/regions",
        "/api/v1/summary",
        "/api/v1/targets",
        "/api/v1/version",
        "/healthz",
        "/readyz",
    ]
    assert [t["name"] for t in doc["tags"]] == ["data", "parks", "forecast", "admin", "meta"]


def _params(doc, path):
    return {p["name"]: p for p in doc["paths"][path]["get"]["parameters"]}


def test_parks_parameters_match_the_views():
    doc = openapi.document(Settings())
    params = _params(doc, "/api/v1/parks")
    assert list(params) == ["province", "industry", "park_level", "format"]
    assert params["province"]["schema"] == {
        "type": "string",
        "pattern": "^[0-9]{2}0000$",
        "example": "440000",
    }
    assert params["park_level"]["schema"] == {"type": "string", "enum": ["national", "provincial"]}
    assert params["format"]["schema"] == {
        "type": "string",
        "enum": ["json", "csv", "xlsx"],
        "default": "json",
    }
    assert all(p["allowEmptyValue"] is True and p["required"] is False for p in params.values())
    code = _params(doc, "/api/v1/parks/{code}")
    assert code == {
        "code": {
            "name": "code",
            "in": "path",
            "required": True,
            "description": "the park's region code",
            "schema": {"type": "string", "pattern": "^[0-9A-Za-z_-]{1,32}$", "example": "P001"},
        }
    }


def test_forecast_parameters_match_the_view():
    params = _params(openapi.document(Settings()), "/api/v1/forecast")
    assert {n: (p["required"], p["schema"]) for n, p in params.items()} == {
        "region": (
            True,
            {"type": "string", "pattern": "^[0-9A-Za-z]{1,32}$", "example": "340000"},
        ),
        "metric": (
            False,
            {"type": "string", "enum": ["co2", "co2e", "intensity"], "default": "co2e"},
        ),
        "origin": (False, {"type": "string", "pattern": "^(19|20)[0-9]{2}$", "example": "2019"}),
        "format": (
            False,
            {"type": "string", "enum": ["json", "csv", "xlsx"], "default": "json"},
        ),
    }
    assert all("allowEmptyValue" not in p for p in params.values())


@pytest.mark.parametrize(
    ("path", "statuses", "types", "not_found"),
    [
        (
            "/api/v1/parks",
            ["200", "400", "404", "405", "500", "503"],
            ["application/json", "text/csv", openapi.XLSX],
            "ParksNotFound",
        ),
        (
            "/api/v1/parks/{code}",
            ["200", "400", "404", "405", "500", "503"],
            ["application/json"],
            "ParkNotFound",
        ),
        (
            "/api/v1/forecast",
            ["200", "400", "404", "405", "500", "503"],
            ["application/json", "text/csv", openapi.XLSX],
            "ForecastNotFound",
        ),
    ],
)
def test_parks_and_forecast_answers(path, statuses, types, not_found):
    doc = openapi.document(Settings())
    responses = doc["paths"][path]["get"]["responses"]
    assert sorted(responses) == statuses
    assert list(responses["200"]["content"]) == types
    assert responses["404"] == {"$ref": f"#/components/responses/{not_found}"}
    error = doc["components"]["responses"][not_found]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/Error"}


def test_park_and_forecast_schemas_name_every_field():
    schemas = openapi.document(Settings())["components"]["schemas"]
    assert schemas["Park"]["required"] == [
        "rank",
        "code",
        "name_zh",
        "name_en",
        "province_code",
        "province_zh",
        "county_code",
        "industry",
        "park_level",
        "lon",
        "lat",
        "P",
        "D",
        "I",
        "total",
        "rank_P",
        "rank_D",
        "rank_I",
        "stage",
        "weakest",
        "direct",
    ]
    assert schemas["ParkDetail"]["required"][-5:] == [
        "level2",
        "weights",
        "industry_median",
        "industry_size",
        "strategies",
    ]
    assert schemas["Parks"]["required"] == ["filters", "weights", "scale", "count", "items"]
    fc = schemas["Forecast"]
    assert fc["properties"]["model"]["enum"] == [
        "naive",
        "drift",
        "drift_recent",
        "drift_damped",
        "ets_pooled",
        "ets_drift",
        "theta",
        "ets_local",
        None,
    ]
    assert fc["properties"]["forecast"]["items"]["required"] == [
        "year",
        "point",
        "lo80",
        "hi80",
        "lo95",
        "hi95",
        "actual",
        "model",
    ]
