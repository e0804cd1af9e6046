"""Content-hashed asset URLs and long-lived cache headers, so a second visit downloads nothing.

Dash names each file of assets/ as ``/assets/<name>?m=<mtime>`` and Flask serves it with
``Cache-Control: no-cache`` (a revalidation per file per page load). ``install(app, folder)``:

- rewrites those URLs in the index page to ``/assets/<name>?v=<sha256 of the content, 16 hex>``;
- answers a request whose ``v`` is the file's current hash with ``Cache-Control: public,
  max-age=31536000, immutable`` (a changed file has another URL, so the old one may live
  forever); any other ``/assets/`` request keeps Flask's revalidation (ETag, ``no-cache``);
- leaves out of the wall's page the component libraries only the other pages use (AG Grid,
  dash-bootstrap-components, Dash's DataTable: 1.5 MB of script to parse on the wall). Every page
  is its own document (the layout is chosen by the page's path when it loads), so a page that
  needs them loads them; a test keeps the wall free of their components;
- leaves Dash's own component bundles alone: the fingerprinted ones already carry
  ``max-age=31536000``; its async chunks (``async-graph.js``...) have fixed names and are
  revalidated by ETag (a 304 without a body).
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

import flask
from dash import Dash

log = logging.getLogger(__name__)

YEAR = 31536000
IMMUTABLE = f"public, max-age={YEAR}, immutable"
_ASSET_URL = re.compile(r"(/assets/)([^\"'?\s]+)\?m=[0-9.]+")
# component libraries no part of the wall renders (layouts/pages/* use them)
NOT_ON_THE_WALL = ("dash_ag_grid", "dash_bootstrap_components", "dash/dash_table")
_UNUSED_SCRIPT = re.compile(
    r'<script[^>]*src="[^"]*/_dash-component-suites/(?:'
    + "|".join(re.escape(n) for n in NOT_ON_THE_WALL)
    + r')/[^"]*"[^>]*></script>\s*'
)


def is_wall(path: str) -> bool:
    """The wall answers every path that is not one of the other pages (layouts.router)."""
    from layouts import router

    return (path.rstrip("/") or "/") not in router.pages()


class AssetHashes:
    """name (as under /assets/) -> content hash; re-read when a file's mtime or size moves."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._cache: dict[str, tuple[tuple[int, int], str]] = {}

    def get(self, name: str) -> str | None:
        path = (self.folder / name).resolve()
        if self.folder.resolve() not in path.parents:
            return None
        try:
            stat = path.stat()
        except OSError:
            return None
        key = (stat.st_mtime_ns, stat.st_size)
        cached = self._cache.get(name)
        if cached is None or cached[0] != key:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
            cached = self._cache[name] = (key, digest)
        return cached[1]

    def rewrite(self, page: str) -> str:
        def swap(match: re.Match[str]) -> str:
            digest = self.get(match.group(2))
            if digest is None:
                return match.group(0)
            return f"{match.group(1)}{match.group(2)}?v={digest}"

        return _ASSET_URL.sub(swap, page)


def install(app: Dash, folder: Path) -> AssetHashes:
    """Hash-named asset URLs on ``app``'s index page and immutable caching for them."""
    hashes = AssetHashes(folder)
    interpolate = app.interpolate_index

    def interpolate_index(**kwargs):  # type: ignore[no-untyped-def]
        if flask.has_request_context() and is_wall(flask.request.path):
            kwargs["scripts"] = _UNUSED_SCRIPT.sub("", kwargs.get("scripts", ""))
        return hashes.rewrite(interpolate(**kwargs))

    app.interpolate_index = interpolate_index  # type: ignore[method-assign]

    @app.server.after_request
    def _cache_assets(response: flask.Response) -> flask.Response:
        request = flask.request
        if not request.path.startswith("/assets/") or response.status_code not in (200, 304):
            return response
        version = request.args.get("v")
        if version and version == hashes.get(request.path[len("/assets/") :]):
            response.headers["Cache-Control"] = IMMUTABLE
        return response

    return hashes
