"""`carbonwall serve`: gunicorn options for a wall."""

from __future__ import annotations

from dashboard.serve import WallServer, gunicorn_options


def test_gunicorn_options_for_a_wall():
    assert gunicorn_options(workers=3, host="0.0.0.0", port=8050) == {
        "bind": "0.0.0.0:8050",
        "workers": 3,
        "worker_class": "gthread",
        "threads": 4,
        "preload_app": False,
        "timeout": 60,
        "graceful_timeout": 30,
        "keepalive": 75,
        "accesslog": None,
        "errorlog": "-",
    }


def test_wall_server_loads_the_options_into_gunicorn():
    from dashboard.config import Settings

    server = WallServer(Settings(), gunicorn_options(workers=2, host="127.0.0.1", port=9))
    assert server.cfg.workers == 2
    assert server.cfg.threads == 4
    assert server.cfg.preload_app is False
    assert server.cfg.bind == ["127.0.0.1:9"]
