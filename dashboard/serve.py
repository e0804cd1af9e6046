"""`carbonwall serve`: Dash's own server for one user, gunicorn with N workers for a wall."""

from __future__ import annotations

import logging
from typing import Any

from gunicorn.app.base import BaseApplication

from dashboard.config import Settings

log = logging.getLogger(__name__)

# A wall's browser polls every few seconds and holds keep-alive connections; callbacks are short.
GUNICORN_TIMEOUT = 60
GUNICORN_GRACEFUL = 30
GUNICORN_KEEPALIVE = 75
THREADS_PER_WORKER = 4  # the panels' callbacks of one page load arrive together


def run(settings: Settings, *, workers: int | None, host: str | None, port: int | None) -> None:
    workers = settings.workers if workers is None else workers
    host = host or settings.host
    port = port or settings.port
    if workers <= 0:
        from dashboard.app import create_app

        log.info("serving on http://%s:%d with Dash's server", host, port)
        create_app(settings).run(host=host, port=port, debug=False)
        return
    log.info("serving on http://%s:%d with gunicorn, %d workers", host, port, workers)
    WallServer(settings, gunicorn_options(workers=workers, host=host, port=port)).run()


def gunicorn_options(*, workers: int, host: str, port: int) -> dict[str, Any]:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": THREADS_PER_WORKER,
        "preload_app": False,  # each worker builds its own app, engine and poller after the fork
        "timeout": GUNICORN_TIMEOUT,
        "graceful_timeout": GUNICORN_GRACEFUL,
        "keepalive": GUNICORN_KEEPALIVE,
        "accesslog": None,
        "errorlog": "-",
    }


class WallServer(BaseApplication):  # type: ignore[misc]
    """gunicorn's BaseApplication around create_app (the documented custom-application way)."""

    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self):  # type: ignore[no-untyped-def]
        from dashboard.app import create_app

        return create_app(self.settings).server
