"""Hash-named asset URLs, their year-long cache headers, the plotly.js partial bundle on every page
and the component libraries left off the wall's page (Flask test client on SQLite)."""

from __future__ import annotations

import hashlib
import re

import pytest
import wall_data

from dashboard import static_cache
from dashboard.app import ASSETS, create_app
from dashboard.config import Settings
from datasource.engine import make_engine
from datasource.schema import migrate

BUNDLE = "01-plotly-4.1.1-carbonwall.min.js"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("static")
    url = f"sqlite:///{tmp}/static.sqlite"
    eng = make_engine(url)
    migrate(eng)
    wall_data.pool(eng)
    eng.dispose()
    settings = Settings(
        database_url=url, run_scheduler=False, geo_cache_dir=str(tmp / "geo"), secret_key="s" * 64
    )
    return create_app(settings).server.test_client()


def scripts(page: str) -> list[str]:
    return re.findall(r'<script[^>]*src="([^"]+)"', page)


def test_asset_hash_is_the_content_hash(tmp_path):
    (tmp_path / "a.js").write_bytes(b"x")
    hashes = static_cache.AssetHashes(tmp_path)
    page = '<script src="/assets/a.js?m=1796405531.66"></script><link href="/assets/b.css?m=1">'
    # sha256(b"x") = 2d711642b726b044 01627ca9fbac32f5 ...; b.css does not exist: left alone
    assert hashes.rewrite(page) == (
        '<script src="/assets/a.js?v=2d711642b726b044"></script><link href="/assets/b.css?m=1">'
    )
    (tmp_path / "a.js").write_bytes(b"xy")  # a changed file gets a new name
    assert hashes.get("a.js") == hashlib.sha256(b"xy").hexdigest()[:16]
    assert hashes.get("../a.js") is None


def test_wall_paths():
    assert static_cache.is_wall("/") is True
    assert static_cache.is_wall("/nowhere") is True  # unknown paths show the wall
    assert static_cache.is_wall("/parks") is False
    assert static_cache.is_wall("/analysis/regions/") is False


def test_wall_page_loads_the_partial_bundle_and_no_unused_library(client):
    page = client.get("/").get_data(as_text=True)
    srcs = scripts(page)
    digest = hashlib.sha256((ASSETS / BUNDLE).read_bytes()).hexdigest()[:16]
    assert f"/assets/{BUNDLE}?v={digest}" in srcs
    assert not [s for s in srcs if "?m=" in s]  # every asset by content hash
    assert not [s for s in srcs if "dash_ag_grid" in s or "dash_bootstrap" in s]
    assert not [s for s in srcs if "/dash_table/" in s]
    # the partial bundle comes before the locale and before Dash's renderer runs
    assert srcs.index(f"/assets/{BUNDLE}?v={digest}") < next(
        i for i, s in enumerate(srcs) if "05-plotly-locale" in s
    )
    assert not [s for s in srcs if "plotly.min.js" in s]


def test_other_pages_keep_their_libraries(client):
    srcs = scripts(client.get("/parks").get_data(as_text=True))
    assert [s for s in srcs if "/dash_ag_grid/" in s]
    assert [s for s in srcs if "/dash_bootstrap_components/" in s]
    assert [s for s in srcs if BUNDLE in s]


def test_hashed_asset_is_cached_for_a_year(client):
    page = client.get("/").get_data(as_text=True)
    src = next(s for s in scripts(page) if BUNDLE in s)
    response = client.get(src)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.data.startswith(b"/*! plotly.js v4.1.1, partial bundle for carbonwall")
    stale = client.get(f"/assets/{BUNDLE}?v=0000000000000000")
    assert "immutable" not in stale.headers.get("Cache-Control", "")
    assert "immutable" not in client.get(f"/assets/{BUNDLE}").headers.get("Cache-Control", "")
