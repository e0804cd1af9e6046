"""Regressions of GET /api/v1/forecast on SQLite and PostgreSQL, over test_forecast_pool's
twenty years with no stored forecast (every origin is computed for the request)."""

from __future__ import annotations

import pytest
from flask import Flask
from test_forecast_pool import fill

from dashboard import api_forecast
from dashboard.config import Settings
from datasource import forecast
from datasource.engine import make_sessions
from datasource.rollup import rebuild


@pytest.fixture
def client(engine):
    fill(engine)
    assert rebuild(engine).built
    server = Flask(__name__)
    api_forecast.register(server, sessions=make_sessions(engine), settings=Settings())
    return server.test_client()


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("region=340102&metric=", "metric", "metric must be one of co2, co2e, intensity"),
        ("region=340102&format=", "format", "format must be one of json, csv, xlsx"),
        ("region=340102&origin=", "origin", "origin must be a year such as 2023"),
        ("region=", "region", "region must be a region code"),
    ],
)
def test_an_empty_parameter_is_refused_like_any_bad_value(client, query, field, message):
    # metric= and format= used to fall back to co2e and JSON while origin= was a 400; the
    # schemathesis fuzz (negative mode) caught the accepted format=
    r = client.get(f"/api/v1/forecast?{query}")
    assert r.status_code == 400
    assert r.get_json() == {"error": {"code": "bad_parameter", "message": message, "field": field}}


def test_a_computed_origin_without_stored_parameters(client):
    r = client.get("/api/v1/forecast?region=100000&metric=co2e&origin=2007")
    assert r.status_code == 200
    body = r.get_json()
    assert {k: body[k] for k in ("origin", "source", "model", "data_version", "intervals")} == {
        "origin": 2007,
        "source": "computed",
        "model": "naive",  # 3 years: no backtest before 2010, so the naive forecast and band
        "data_version": None,
        "intervals": [80, 95],
    }
    assert [h["year"] for h in body["history"]] == [2005, 2006, 2007]
    assert body["history"][0] == {"year": 2005, "value": 1520.0}
    assert [row["year"] for row in body["forecast"]] == list(range(2008, 2031))
    assert body["forecast"][0]["actual"] == pytest.approx(1000 * 1.04**3 * 0.98 + 500)


def test_a_bug_is_a_json_500_without_a_traceback(client, monkeypatch):
    def boom(*_args, **_kwargs):
        raise RuntimeError("boom in the model")

    monkeypatch.setattr(forecast, "forecast_for_origin", boom)
    r = client.get("/api/v1/forecast?region=340102")
    assert r.status_code == 500
    assert r.get_json() == {
        "error": {
            "code": "internal_error",
            "message": "internal error; it has been logged",
            "field": None,
        }
    }
    assert b"boom" not in r.data and b"Traceback" not in r.data
