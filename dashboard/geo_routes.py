"""HTTP routes serving the prebuilt map layers (geo.layers) as cacheable static files.

- `GET /geo/layer/<parent_code>.json`: the children of one region (see geo.layers)
- `GET /geo/counties/<parent_code>.json`: every county of a province, or of 100000
- `GET /geo/dashes.json`: the South China Sea dashes
- `GET /geo/topojson/<name>.json`: an empty base-map topojson. plotly's geo subplot always
  fetches `<topojsonURL><scope>_<resolution>m.json` (from plotly's own web server by default)
  and draws no map at all if that fails; the wall hides the base map, so an empty topology
  is all it needs. Pass `config={"topojsonURL": TOPOJSON_URL}` to `dcc.Graph`.

Responses carry a strong ETag (sha256 of the content; a different one for the gzip body),
`Cache-Control: public, max-age=86400` and `Vary: Accept-Encoding`; a matching If-None-Match
gets 304. The `.json.gz` twin written at build time is sent to clients that accept gzip.
Codes are checked against `^\\d{6}$` before any file is touched, so no path can escape.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import flask

from geo import layers

log = logging.getLogger(__name__)

TOPOJSON_URL = "/geo/topojson/"
MAX_AGE = 86400
_CODE = re.compile(r"^(\d{6})\.json$")
_TOPOJSON_NAME = re.compile(r"^[a-z-]+_\d+m\.json$")
# The layer names plotly's geo subplot may look up; all empty.
_BASE_LAYERS = ("coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits")
EMPTY_TOPOJSON = json.dumps(
    {
        "type": "Topology",
        "arcs": [],
        "objects": {n: {"type": "GeometryCollection", "geometries": []} for n in _BASE_LAYERS},
    },
    separators=(",", ":"),
).encode()


@dataclass(frozen=True)
class _Cached:
    key: tuple[int, int]  # (mtime_ns, size) of the raw file when read
    raw: bytes
    packed: bytes | None
    etag: str


class _Files:
    """Reads each file once (again only when it changes on disk) and keeps it in memory."""

    def __init__(self) -> None:
        self._cache: dict[Path, _Cached] = {}

    def get(self, path: Path) -> _Cached | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        key = (stat.st_mtime_ns, stat.st_size)
        cached = self._cache.get(path)
        if cached is None or cached.key != key:
            raw = path.read_bytes()
            gz = path.with_name(path.name + ".gz")
            packed = gz.read_bytes() if gz.is_file() else None
            etag = hashlib.sha256(raw).hexdigest()[:32]
            cached = self._cache[path] = _Cached(key, raw, packed, etag)
        return cached


def _not_found(message: str) -> flask.Response:
    body = {"error": {"code": "not_found", "message": message, "field": "parent_code"}}
    return flask.Response(json.dumps(body), status=404, mimetype="application/json")


def _send(raw: bytes, packed: bytes | None, etag: str) -> flask.Response:
    request = flask.request
    use_gzip = packed is not None and "gzip" in request.accept_encodings
    tag = f"{etag}-gz" if use_gzip else etag
    response = flask.Response(mimetype="application/json")
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response.headers["Vary"] = "Accept-Encoding"
    response.set_etag(tag)
    # If-None-Match compares weakly (RFC 9110 13.1.2): either body's tag means "you have it".
    if request.if_none_match.contains_weak(tag) or request.if_none_match.contains_weak(etag):
        response.status_code = 304
        return response
    response.set_data(packed if use_gzip else raw)
    if use_gzip:
        response.headers["Content-Encoding"] = "gzip"
    return response


def register(server: flask.Flask, cache_dir: Path) -> None:
    """Add the /geo/ routes to `server` (a Dash app's `app.server`), serving `cache_dir`."""
    files = _Files()
    root = Path(cache_dir)

    def serve_file(path: Path, missing: str) -> flask.Response:
        cached = files.get(path)
        if cached is None:
            return _not_found(missing)
        return _send(cached.raw, cached.packed, cached.etag)

    def serve_code(name: str, locate, kind: str) -> flask.Response:
        match = _CODE.match(name)
        if match is None:
            return _not_found(f"not a 6-digit region code: {name!r}")
        code = match.group(1)
        return serve_file(locate(root, code), f"no {kind} map layer for region {code}")

    def geo_layer(name: str) -> flask.Response:
        return serve_code(name, layers.layer_file, "children")

    def geo_counties(name: str) -> flask.Response:
        return serve_code(name, layers.counties_file, "counties")

    def geo_dashes() -> flask.Response:
        return serve_file(layers.dashes_file(root), "the map layers are not built")

    topojson_etag = hashlib.sha256(EMPTY_TOPOJSON).hexdigest()[:32]

    def geo_topojson(name: str) -> flask.Response:
        if not _TOPOJSON_NAME.match(name):
            return _not_found(f"no topojson {name!r}")
        return _send(EMPTY_TOPOJSON, None, topojson_etag)

    # <path:...> so that odd names (../etc, a/b) reach the check and get the JSON 404.
    server.add_url_rule("/geo/layer/<path:name>", "geo_layer", geo_layer)
    server.add_url_rule("/geo/counties/<path:name>", "geo_counties", geo_counties)
    server.add_url_rule("/geo/dashes.json", "geo_dashes", geo_dashes)
    server.add_url_rule(TOPOJSON_URL + "<path:name>", "geo_topojson", geo_topojson)
    log.info("serving map layers from %s", root)
