"""The app factory: settings, logging, engine, layout and callbacks, in that order (STYLE §2)."""

from __future__ import annotations

import functools
import gc
import json
import logging
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import flask
from dash import Dash

import callbacks
from callbacks.common import Deps
from callbacks.errors import handler
from callbacks.refresh import freshness_of
from dashboard import security, static_cache
from dashboard.config import Settings
from dashboard.logs import configure_logging
from dashboard.wall_state import WallState, start_poller
from datasource.engine import make_engine, make_sessions
from layouts import figures, router, shell, theme
from layouts.i18n import t

log = logging.getLogger(__name__)


def _assets_folder() -> Path:
    """The checkout's assets/ (development, editable installs), else the installed copy under
    the environment's share/carbonwall/assets (a wheel from the offline kit)."""
    checkout = Path(__file__).resolve().parents[1] / "assets"
    if checkout.is_dir():
        return checkout
    return Path(sys.prefix) / "share" / "carbonwall" / "assets"


ASSETS = _assets_folder()
NO_DEV_TOOLS = {
    "debug": False,
    "dev_tools_ui": False,
    "dev_tools_props_check": False,
    "dev_tools_serve_dev_bundles": False,
    "dev_tools_hot_reload": False,
    "dev_tools_silence_routes_logging": False,
    "dev_tools_prune_errors": True,
    "dev_tools_validate_callbacks": False,
    "dev_tools_disable_version_check": True,
}

INDEX = """<!DOCTYPE html>
<html lang="zh-CN" data-bs-theme="dark">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""


def page_address() -> tuple[str, dict[str, str]]:
    """(path, query) of the page being laid out, from the layout request's Referer."""
    referrer = flask.request.referrer if flask.has_request_context() else None
    if not referrer:
        return "/", {}
    parsed = urlparse(referrer)
    query = {k: v[0] for k, v in parse_qs(parsed.query).items() if v}
    return parsed.path or "/", query


def page_args(settings: Settings) -> tuple[str, bool]:
    """(lang, kiosk) of the page being laid out.

    Dash fetches the layout with a separate request (/_dash-layout) that has no query string of
    its own; the page's address comes as that request's Referer (same origin, so the browser
    sends it whole). Without one, the settings decide.
    """
    lang, kiosk = settings.lang, False
    referrer = flask.request.referrer if flask.has_request_context() else None
    if referrer:
        query = parse_qs(urlparse(referrer).query)
        if query.get("lang", [""])[0] in ("zh", "en"):
            lang = query["lang"][0]
        kiosk = query.get("kiosk", [""])[0] in ("1", "true", "yes")
    return lang, kiosk


def _dashes_loader(cache_dir: Path):  # type: ignore[no-untyped-def]
    """A cached reader of the South China Sea dashes (a few hundred points, read once)."""

    @functools.cache
    def load() -> list[list[tuple[float, float]]]:
        try:
            from geo import layers

            path = Path(layers.dashes_file(cache_dir))
            return figures.dashes_lines(json.loads(path.read_text("utf-8")))
        except (ImportError, AttributeError, OSError, ValueError, KeyError):
            log.warning("no South China Sea dashes in %s; run `carbonwall build-geo`", cache_dir)
            return []

    return load


def _layer_checker(cache_dir: Path):  # type: ignore[no-untyped-def]
    """code -> whether the geo cache has a layer of its children (cached per process)."""

    @functools.lru_cache(maxsize=8192)
    def has_layer(code: str) -> bool:
        try:
            from geo import layers
        except ImportError:
            return False
        return Path(layers.layer_file(cache_dir, code)).is_file()

    return has_layer


def _register_geo(app: Dash, settings: Settings) -> None:
    try:
        from dashboard import geo_routes
    except ImportError:
        log.warning("dashboard.geo_routes is missing: the map has no boundaries")
        return
    geo_routes.register(app.server, Path(settings.geo_cache_dir))


def create_app(
    settings: Settings | None = None, *, poller: bool | None = None, heavy: bool | None = None
) -> Dash:
    """Build a fully wired app. Safe to call many times (tests do).

    ``poller``: this process polls the data version in the background (default:
    settings.run_scheduler); ``heavy``: it also runs the rollups and forecasts (default:
    settings.run_scheduler). gunicorn workers get poller=True, heavy=False (dashboard.serve).
    """
    settings = settings or Settings.from_env()
    poller = settings.run_scheduler if poller is None else poller
    heavy = settings.run_scheduler if heavy is None else heavy
    configure_logging(settings.log_level)
    theme.install()
    engine = make_engine(settings.database_url)
    sessions = make_sessions(engine)
    state = WallState(sessions)
    app = Dash(
        __name__,
        assets_folder=str(ASSETS),
        title=t("title", settings.lang),
        update_title=None,
        compress=True,
        serve_locally=True,
        suppress_callback_exceptions=True,  # breadcrumb buttons appear after the first render
        on_error=handler(settings.lang),
    )
    app.index_string = INDEX
    app.enable_dev_tools(**NO_DEV_TOOLS)  # every flag explicit: DASH_* variables cannot enable one
    if settings.secret_key:
        app.server.secret_key = settings.secret_key
    _register_geo(app, settings)

    def layout() -> Any:
        lang, kiosk = page_args(settings)
        path, params = page_address()
        page = router.build_page(path, settings, params, lang)
        if page is not None:
            return page
        snap = state.snapshot()  # memory, or one cheap poll (a failed poll is a snapshot too)
        return shell.build(
            settings,
            lang=lang,
            kiosk=kiosk,
            version=snap.version,
            freshness=freshness_of(snap, lang, settings.time_zone),
        )

    app.layout = layout
    deps = Deps(
        has_layer=_layer_checker(Path(settings.geo_cache_dir)),
        sessions=sessions,
        state=state,
        settings=settings,
        dashes=_dashes_loader(Path(settings.geo_cache_dir)),
    )
    callbacks.register_all(app, deps)
    _register_pages_and_apis(app, settings, sessions=sessions, engine=engine)
    state.on_change = functools.partial(_warm, deps)
    if poller or heavy:
        app.carbonwall_scheduler = _start_scheduler(state, settings, engine, heavy=heavy)  # type: ignore[attr-defined]
    app.carbonwall_state = state  # type: ignore[attr-defined]
    security.install(app, settings, sessions=sessions)
    static_cache.install(app, ASSETS)  # hash-named asset URLs, cached for a year
    _register_resources(app)
    return app


def freeze_heap() -> None:
    """Move everything built so far (layouts, templates, plotly's validators) out of the
    collector's reach, once per serving process: full collections over that heap stalled
    first-visit callbacks by ~150 ms (bench/bench_wall.py: map p95 145 ms -> 18 ms)."""
    gc.freeze()


def _register_pages_and_apis(app: Dash, settings: Settings, *, sessions, engine) -> None:  # type: ignore[no-untyped-def]
    """The pages beside the wall (analysis, parks, policy, data pool) and the HTTP APIs on one
    server."""
    from callbacks import analysis, data_pool, parks, policy, policy_admin
    from dashboard import api, api_forecast, api_parks, policy_routes

    for module in (analysis, parks, policy, policy_admin):
        module.register(app, sessions=sessions, settings=settings)
    data_pool.register(
        app, sessions=sessions, settings=settings, engine=engine, park_checker=api.park_checker()
    )
    api.register(app.server, sessions=sessions, engine=engine, settings=settings)
    api_parks.register(app.server, sessions=sessions, settings=settings)
    api_forecast.register(app.server, sessions=sessions, settings=settings)
    policy_routes.register(app.server, sessions=sessions, settings=settings)


def _register_resources(app: Dash) -> None:
    """Render the index once so this process knows every script path it may be asked for.

    Dash registers the component bundles' paths while it renders the index page; under gunicorn
    the index and the scripts it names may be served by different workers, and a worker that
    never rendered the index answers those scripts with a 500 (a blank wall).
    """
    with app.server.test_client() as client:  # past the login gate: nobody's request
        response = client.get("/", environ_base={security.INTERNAL: True})
    if response.status_code != 200:
        log.warning("index page answered %d at start-up", response.status_code)


def _warm(deps: Deps) -> None:
    """The root and each of its children, built ahead: the likely first clicks."""
    from callbacks.common import memo_query

    root = deps.settings.root_region
    kids = [r.code for r in memo_query(deps, "children", code=root)]
    callbacks.warm(deps, [root, *kids], lang=deps.settings.lang)


def _start_scheduler(state: WallState, settings: Settings, engine, *, heavy: bool):  # type: ignore[no-untyped-def]
    from dashboard.scheduler import add_heavy_job

    scheduler = start_poller(state, seconds=settings.refresh_seconds)
    if heavy:
        add_heavy_job(scheduler, settings, engine)
    return scheduler
