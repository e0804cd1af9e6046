"""`carbonwall serve`: gunicorn options for a wall."""

from __future__ import annotations

from dashboard.serve import WallServer, gunicorn_options


def test_wall_server_loads_the_options_into_gunicorn():
    from dashboard.config import Settings

    server = WallServer(Settings(), gunicorn_options(workers=2, host="127.0.0.1", port=9))
    assert server.cfg.workers == 2
    assert server.cfg.threads == 4
    assert server.cfg.preload_app is False
    assert server.cfg.bind == ["127.0.0.1:9"]
