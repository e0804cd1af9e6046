"""The data service API over HTTP on the hand-worked pool of test_rollup_queries, on SQLite and
PostgreSQL: every endpoint with literal values, the formats, errors and ingest."""

from __future__ import annotations

import csv
import io

import flask
import openpyxl
import pytest
from openapi_spec_validator import validate
from sqlalchemy.orm import Session
from test_rollup_queries import fill

from dashboard import api
from dashboard.api_format import XLSX_MIME
from dashboard.config import Settings
from datasource import queries
from datasource.engine import make_sessions
from datasource.rollup import rebuild

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def make_client(engine, **overrides):
    settings = Settings(**{"admin_tokens": f"other, {TOKEN}", **overrides})
    server = flask.Flask(__name__)
    api.register(server, sessions=make_sessions(engine), engine=engine, settings=settings)
    return server.test_client()


@pytest.fixture
def pool(engine):
    fill(engine)
    assert rebuild(engine).built
    return engine


@pytest.fixture
def client(pool):
    return make_client(pool)


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


# --------------------------------------------------------------------------- reads


def test_regions_tree_filters(client):
    kids = get(client, "/api/v1/regions?parent=340100")
    assert kids["count"] == 2
    assert [(r["code"], r["name_zh"], r["level"]) for r in kids["items"]] == [
        ("340102", "瑶海区", "county"),
        ("340103", "庐阳区", "county"),
    ]
    provinces = get(client, "/api/v1/regions?level=province")
    assert [r["code"] for r in provinces["items"]] == ["320000", "340000"]
    park = get(client, "/api/v1/regions?parent=340102&level=park")["items"]
    assert park == [
        {
            "code": "P001",
            "parent_code": "340102",
            "level": "park",
            "name_zh": "园区",
            "name_en": "Park",
            "lon": 117.3,
            "lat": 31.9,
            "industry": "化工",
            "park_level": "national",
        }
    ]
    assert get(client, "/api/v1/regions")["count"] == 9


def test_summary_of_a_derived_city(client):
    body = get(client, "/api/v1/summary?region=340100&period=2024")
    assert body["region"] == {
        "code": "340100",
        "name_zh": "合肥市",
        "name_en": "合肥市",
        "level": "city",
        "parent_code": "340000",
    }
    assert body["period"] == "2024" and body["gwp_set"] == "AR5"
    assert body["derived"] is True
    assert body["co2"] == pytest.approx(160.0)
    assert body["co2e"] == pytest.approx(188.0)
    assert body["intensity"] == pytest.approx(160.0 / 16.5e4)
    assert body["intensity_basis"] == "constant"
    assert body["prev_period"] == "2023"
    assert body["co2_change"] == pytest.approx(160 / 150 - 1)
    assert body["co2e_change"] == pytest.approx(188 / 183 - 1)
    assert body["intensity_change"] == pytest.approx((160 / 16.5) / (150 / 15) - 1)
    assert body["flag"] == "fell"
    assert body["target"]["plan"] == "14th-FYP"
    assert body["target"]["target_change"] == pytest.approx(-0.18)
    assert body["target"]["status"] == "no_data"
    assert body["units"]["co2e"] == "t CO2e"


def test_summary_defaults_to_root_latest_period_and_gwp(client):
    body = get(client, "/api/v1/summary")
    assert body["region"]["code"] == "100000" and body["period"] == "2024"
    assert body["co2"] == pytest.approx(660.0)
    assert body["co2e"] == pytest.approx(660.0 + 3 * 28.0)
    sar = get(client, "/api/v1/summary?gwp=SAR")
    assert sar["co2e"] == pytest.approx(660.0 + 3 * 21.0) and sar["gwp_set"] == "SAR"
    lulucf = get(client, "/api/v1/summary?region=340100&period=2023")
    assert lulucf["lulucf_co2e"] == pytest.approx(-10.0)
    assert lulucf["co2e_net"] == pytest.approx(173.0)
    assert lulucf["prev_period"] is None and lulucf["flag"] == "none"
    assert lulucf["target"]["plan"] == "14th-FYP"


def test_emissions_by_sector_gas_and_both(client):
    sectors = get(client, "/api/v1/emissions?region=340100&period=2023")
    assert sectors["by"] == "sector" and sectors["periods"] == ["2023"]
    assert [
        (r["sector_code"], r["sector_name_zh"], round(r["co2e"], 6)) for r in sectors["items"]
    ] == [
        ("1", "能源活动", 178.0),
        ("2", "工业生产过程", 5.0),
        ("4", "土地利用、土地利用变化和林业（LULUCF，净）", -10.0),
    ]
    gases = get(client, "/api/v1/emissions?region=340100&period=2023&by=gas")["items"]
    assert [(g["gas"], g["value"], g["unit"], g["co2e"], round(g["share"], 6)) for g in gases] == [
        ("CO2", 150.0, "t", 150.0, round(150 / 183, 6)),
        ("CH4", 1.0, "t", 28.0, round(28 / 183, 6)),
        ("PFCs", 5.0, "t CO2e", 5.0, round(5 / 183, 6)),
    ]
    both = get(client, "/api/v1/emissions?region=340100&period=2023&by=sector,gas")["items"]
    assert [(r["sector_code"], r["gas"], r["value"], r["co2e"]) for r in both] == [
        ("1", "CO2", 150.0, 150.0),
        ("1", "CH4", 1.0, 28.0),
        ("2", "PFCs", 5.0, 5.0),
        ("4", "CO2", -10.0, -10.0),
    ]
    energy = get(client, "/api/v1/emissions?region=340100&period=2023&sector=1.1")["items"]
    assert [(r["sector_code"], r["co2e"]) for r in energy] == [("1.1.1", 178.0)]
    energy_gases = get(client, "/api/v1/emissions?region=340100&period=2023&by=gas&sector=1.1.1")
    assert [(g["gas"], g["co2e"]) for g in energy_gases["items"]] == [("CO2", 150.0), ("CH4", 28.0)]


def test_emissions_over_a_range(client):
    body = get(client, "/api/v1/emissions?region=340100&period=2023&to=2024&gwp=SAR")
    assert body["periods"] == ["2023", "2024"] and body["to"] == "2024"
    assert [(r["period"], r["sector_code"], r["co2e"]) for r in body["items"]] == [
        ("2023", "1", 150.0 + 21.0),
        ("2023", "2", 5.0),
        ("2023", "4", -10.0),
        ("2024", "1", 160.0 + 21.0),
    ]
    outside = get(client, "/api/v1/emissions?region=340100&period=2010&to=2012")
    assert outside["periods"] == [] and outside["items"] == []


def test_inventory_table(client):
    body = get(client, "/api/v1/inventory?region=340100&period=2023")
    assert body["derived"] is True
    assert [g["gas"] for g in body["gases"]] == ["CO2", "CH4", "N2O", "HFCs", "PFCs", "SF6"]
    rows = {r["sector_code"]: r for r in body["items"]}
    assert rows["1"]["label_zh"] == "能源活动"
    assert (rows["1"]["CO2"], rows["1"]["CH4"], rows["1"]["N2O"]) == (150.0, 1.0, None)
    assert rows["1.1.1.1"]["label_zh"] == "1.1.1电力生产" and rows["1.1.1.1"]["is_leaf"] is True
    assert rows["4.1"]["CO2"] == -10.0
    assert rows["2.8"]["PFCs"] == 5.0
    tab = get(client, "/api/v1/inventory?region=340100&period=2023&sector=2")
    assert {r["sector_code"].split(".")[0] for r in tab["items"]} == {"2"}
    assert tab["items"][0] == {
        "sector_code": "2",
        "label_zh": "工业生产过程",
        "label_en": tab["items"][0]["label_en"],
        "depth": 0,
        "is_leaf": False,
        "CO2": None,
        "CH4": None,
        "N2O": None,
        "HFCs": None,
        "PFCs": 5.0,
        "SF6": None,
    }


def test_rankings(client):
    body = get(client, "/api/v1/rankings?parent=340100&period=2024&metric=intensity")
    assert [(r["rank"], r["code"], r["flag"]) for r in body["items"]] == [
        (1, "340102", "rose"),
        (2, "340103", "fell"),
    ]
    assert body["items"][0]["intensity_change"] == pytest.approx((120 / 11) / (100 / 10) - 1)
    asc = get(client, "/api/v1/rankings?parent=340000&metric=co2e&order=asc")
    assert [(r["code"], r["co2e"]) for r in asc["items"]] == [("340200", 56.0), ("340100", 188.0)]
    assert asc["items"][0]["intensity"] is None and asc["period"] == "2024"
    top = get(client, "/api/v1/rankings?limit=1")
    assert top["parent"]["code"] == "100000" and top["metric"] == "co2e"
    assert [(r["code"], r["co2e"]) for r in top["items"]] == [("320000", 500.0)]


def test_version_and_health(client):
    body = get(client, "/api/v1/version")
    assert (body["version"], body["rollup_version"], body["rollup_current"]) == (1, 1, True)
    assert body["latest_period"] == "2024"
    assert body["changed_at"][:2] == "20"
    assert get(client, "/healthz") == {"status": "ok"}
    assert get(client, "/readyz") == {"status": "ready", "data_version": 1}


def test_readyz_is_503_when_the_database_is_gone(tmp_path):
    from datasource.engine import make_engine

    engine = make_engine(f"sqlite:///{tmp_path}/never-migrated.sqlite")  # no data_state table
    client = make_client(engine)
    assert get(client, "/healthz") == {"status": "ok"}
    body = get(client, "/readyz", 503)
    assert body["error"]["code"] == "database_unavailable"
    engine.dispose()


# --------------------------------------------------------------------------- formats


def test_csv_has_bom_header_and_chinese(client):
    response = client.get("/api/v1/regions?parent=340000&format=csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows == [
        [
            "code",
            "parent_code",
            "level",
            "name_zh",
            "name_en",
            "lon",
            "lat",
            "industry",
            "park_level",
        ],
        ["340100", "340000", "city", "合肥市", "合肥市", "", "", "", ""],
        ["340200", "340000", "city", "芜湖市", "芜湖市", "", "", "", ""],
    ]
    ranking = client.get("/api/v1/rankings?parent=340000&order=asc&format=csv").get_data()
    lines = ranking.decode("utf-8-sig").splitlines()
    assert lines[0].split(",")[:4] == ["rank", "code", "name_zh", "name_en"]
    assert lines[1].split(",")[:4] == ["1", "340200", "芜湖市", "芜湖市"]


def test_xlsx_opens_with_chinese_headers_and_numbers(client):
    response = client.get("/api/v1/summary?region=340100&period=2024&format=xlsx")
    assert response.status_code == 200
    assert response.mimetype == XLSX_MIME
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    header, row = rows
    record = dict(zip(header, row, strict=True))
    assert record["地区代码"] == "340100"
    assert record["地区名称"] == "合肥市"
    assert record["二氧化碳(吨)"] == 160.0
    assert record["温室气体(吨CO2当量)"] == 188.0
    assert record["下级汇总"] is True
    assert record["目标进展"] == "no_data"
    inventory = client.get("/api/v1/inventory?region=340100&period=2023&sector=1&format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(inventory.get_data()), read_only=True)
    first, second = list(book.active.iter_rows(values_only=True))[:2]
    assert first[:2] == ("部门代码", "部门") and first[5] == "二氧化碳(吨)"
    assert second[:2] == ("1", "能源活动") and second[5] == 150.0


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("url", "status", "code", "field"),
    [
        ("/api/v1/summary?period=2024-13", 400, "bad_parameter", "period"),
        ("/api/v1/summary?period=24", 400, "bad_parameter", "period"),
        ("/api/v1/summary?gwp=AR9", 400, "bad_parameter", "gwp"),
        ("/api/v1/summary?format=pdf", 400, "bad_parameter", "format"),
        ("/api/v1/summary?region=34-00", 400, "bad_parameter", "region"),
        ("/api/v1/summary?region=", 400, "bad_parameter", "region"),
        ("/api/v1/summary?region=1&region=2", 400, "bad_parameter", "region"),
        ("/api/v1/summary?region=999999", 404, "unknown_region", "region"),
        ("/api/v1/summary?region=340200&period=2023", 404, "no_data", "period"),
        ("/api/v1/regions?parent=999999", 404, "unknown_region", "parent"),
        ("/api/v1/regions?level=town", 400, "bad_parameter", "level"),
        ("/api/v1/emissions?by=county", 400, "bad_parameter", "by"),
        ("/api/v1/emissions?sector=1.9.9", 400, "bad_parameter", "sector"),
        ("/api/v1/emissions?period=2024&to=2023", 400, "bad_parameter", "to"),
        ("/api/v1/emissions?period=2024&to=2024-01", 400, "bad_parameter", "to"),
        ("/api/v1/inventory?sector=6", 400, "bad_parameter", "sector"),
        ("/api/v1/rankings?metric=gdp", 400, "bad_parameter", "metric"),
        ("/api/v1/rankings?order=up", 400, "bad_parameter", "order"),
        ("/api/v1/rankings?limit=0", 400, "bad_parameter", "limit"),
        ("/api/v1/rankings?limit=-1", 400, "bad_parameter", "limit"),
        ("/api/v1/rankings?parent=X1", 404, "unknown_region", "parent"),
        ("/api/v1/nothing-here", 404, "not_found", None),
        ("/api/v1", 404, "not_found", None),
    ],
)
def test_errors_have_one_shape(client, url, status, code, field):
    body = get(client, url, status)
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["field"] == field
    assert body["error"]["message"]


def test_wrong_methods_are_405_json(client):
    response = client.post("/api/v1/summary")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]
    response = client.get("/api/v1/ingest")
    assert response.status_code == 405 and response.headers["Allow"] == "POST"
    response = client.delete("/healthz")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_a_bug_is_a_500_json_without_traceback(pool, monkeypatch):
    client = make_client(pool)

    def broken(*args, **kwargs):
        raise RuntimeError("boom in a query")

    monkeypatch.setattr(queries, "ranking", broken)
    response = client.get("/api/v1/rankings")
    assert response.status_code == 500
    assert response.get_json() == {
        "error": {
            "code": "internal_error",
            "message": "internal error; it has been logged",
            "field": None,
        }
    }
    assert b"Traceback" not in response.get_data() and b"boom" not in response.get_data()


def test_no_data_yet(engine):
    client = make_client(engine)
    body = get(client, "/api/v1/summary?region=100000", 404)
    assert body["error"]["code"] in {"unknown_region", "no_data"}
    version = get(client, "/api/v1/version")
    assert version["latest_period"] is None and version["version"] == 0


# --------------------------------------------------------------------------- OpenAPI


def test_openapi_document_validates_and_covers_every_route(client):
    doc = get(client, "/api/v1/openapi.json")
    validate(doc)
    assert doc["openapi"] == "3.0.3"
    assert set(doc["paths"]) == {
        "/api/v1/regions",
        "/api/v1/summary",
        "/api/v1/emissions",
        "/api/v1/inventory",
        "/api/v1/rankings",
        "/api/v1/version",
        "/api/v1/ingest",
        "/api/v1/openapi.json",
        "/api/v1/parks",  # dashboard.api_parks
        "/api/v1/parks/{code}",
        "/api/v1/forecast",  # dashboard.api_forecast
        "/api/v1/targets",  # dual control (datasource.dual_control)
        "/healthz",
        "/readyz",
    }
    # test_openapi.py checks every route of create_app() against the document
    assert {"/api/v1" + route for route in api.ROUTES} <= set(doc["paths"])
    params = {p["name"]: p["schema"] for p in doc["paths"]["/api/v1/rankings"]["get"]["parameters"]}
    assert params["metric"]["enum"] == ["co2e", "co2", "intensity", "intensity_change"]
    assert params["gwp"]["enum"] == ["SAR", "AR4", "AR5", "AR6"]
    assert params["parent"]["pattern"] == "^[0-9A-Za-z]{1,32}$"
    assert set(doc["paths"]["/api/v1/ingest"]["post"]["responses"]) >= {
        "200",
        "400",
        "401",
        "413",
        "422",
    }


# --------------------------------------------------------------------------- ingest

GOOD = "region_code,period,sector_code,gas,value,unit\n340103,2024,1.1.1.1,CO2,45,t\n"
BAD = GOOD + "340103,2024,9.9,XX,abc,t\n"


def _pool_state(engine):
    with Session(engine) as s:
        v = queries.data_version(s)
        rows = queries.inventory(s, region_code="340103", period="2024")
    return v.version, {r.sector_code: r.values["CO2"] for r in rows.rows if r.values["CO2"]}


def test_ingest_needs_a_token(client):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        response = client.post("/api/v1/ingest?file_name=a.csv", data=GOOD, headers=headers)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"


def test_ingest_is_off_without_tokens(pool):
    client = make_client(pool, admin_tokens="")
    response = client.post("/api/v1/ingest", data=GOOD, headers={"Authorization": "Bearer "})
    assert response.status_code == 401
    assert "off" in response.get_json()["error"]["message"]


def test_rejected_upload_changes_nothing(client, pool):
    before = _pool_state(pool)
    response = client.post("/api/v1/ingest?file_name=bad.csv", data=BAD, headers=AUTH)
    assert response.status_code == 422
    report = response.get_json()
    assert report["ok"] is False
    assert report["problems"] and all(p["line"] == 3 for p in report["problems"])
    assert report["data_version"] == 1
    assert (
        _pool_state(pool) == before == (1, {"1": 40.0, "1.1": 40.0, "1.1.1": 40.0, "1.1.1.1": 40.0})
    )


def test_accepted_upload_moves_the_version(client, pool):
    dry = client.post("/api/v1/ingest?file_name=good.csv&dry_run=true", data=GOOD, headers=AUTH)
    assert dry.status_code == 200 and dry.get_json()["ok"] is True
    assert _pool_state(pool)[0] == 1
    response = client.post(
        "/api/v1/ingest?kind=emissions",
        data={"file": (io.BytesIO(GOOD.encode("utf-8")), "good.csv")},
        headers=AUTH,
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    report = response.get_json()
    assert (report["ok"], report["kind"], report["rows"], report["replaced"]) == (
        True,
        "emissions",
        1,
        1,
    )
    assert report["file_name"] == "good.csv"
    assert report["data_version"] == 2
    rebuild(pool)
    assert _pool_state(pool) == (2, {"1": 45.0, "1.1": 45.0, "1.1.1": 45.0, "1.1.1.1": 45.0})
    assert get(client, "/api/v1/version")["version"] == 2


class CountingStream(io.RawIOBase):
    """A body of ``size`` bytes made on demand; counts what the server reads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.size - self.read_bytes)
        buffer[:n] = b"a" * n
        self.read_bytes += n
        return n


def _post_stream(client, stream, environ):
    # the test client wants a seekable body; hand the WSGI app the stream itself
    return client.post(
        "/api/v1/ingest?file_name=big.csv",
        data=b"",
        headers={**AUTH, "Content-Type": "text/csv"},
        environ_overrides={"wsgi.input": stream, **environ},
    )


def test_oversized_upload_is_refused_before_it_is_read(pool):
    client = make_client(pool, max_upload_mb=1)
    size = 100 * 1024 * 1024
    stream = CountingStream(size)
    response = _post_stream(client, stream, {"CONTENT_LENGTH": str(size)})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"
    assert stream.read_bytes == 0


def test_chunked_upload_is_cut_at_the_limit(pool):
    client = make_client(pool, max_upload_mb=1)
    stream = CountingStream(100 * 1024 * 1024)
    response = _post_stream(
        client,
        stream,
        {"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"
    assert 0 < stream.read_bytes <= 2 * 1024 * 1024
    assert _pool_state(pool)[0] == 1


def test_answers_are_cached_per_data_version(client, pool):
    url = "/api/v1/summary?region=340103&period=2024"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert first.get_json()["co2"] == 40.0
    assert first.headers["Cache-Control"] == "no-cache"
    assert client.get(url).get_data() == first.get_data()
    unchanged = client.get(url, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.get_data() == b""
    assert client.post("/api/v1/ingest", data=GOOD, headers=AUTH).status_code == 200
    rebuild(pool)
    after = client.get(url, headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.get_json()["co2"] == 45.0
    assert after.headers["ETag"] != etag
