"""`carbonwall serve`: Dash's own server for one user, gunicorn with N workers for a wall.

Under gunicorn the web workers never run the heavy scheduled work (rollups, forecasts): each
only polls the data version. When ``CARBONWALL_RUN_SCHEDULER`` is true (the default) the
gunicorn master starts one ``carbonwall scheduler`` child process and restarts it if it dies;
a deployment that runs ``carbonwall scheduler`` as its own service sets it false. Either way the
rollup's database lock makes a second scheduler (another host) harmless: it finds the rollup
current and does nothing.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import secrets
import signal
import sys
import threading
import time
from typing import Any

import click
from gunicorn.app.base import BaseApplication

from dashboard.config import PREFIX, Settings

log = logging.getLogger(__name__)

# A wall's browser polls every few seconds and holds keep-alive connections; callbacks are short.
GUNICORN_TIMEOUT = 60
GUNICORN_GRACEFUL = 30
GUNICORN_KEEPALIVE = 75
THREADS_PER_WORKER = 4  # the panels' callbacks of one page load arrive together
MAX_REQUESTS_JITTER = 0.10  # workers recycle at max_requests + up to 10 %, not all at once
SCHEDULER_RESTART_SECONDS = 5
ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'


def run(settings: Settings, *, workers: int | None, host: str | None, port: int | None) -> None:
    workers = settings.workers if workers is None else workers
    host = host or settings.host
    port = port or settings.port
    if workers <= 0:
        from dashboard.app import NO_DEV_TOOLS, create_app, freeze_heap

        log.info("serving on http://%s:%d with Dash's server (one user)", host, port)
        app = create_app(settings)
        freeze_heap()
        app.run(host=host, port=port, **NO_DEV_TOOLS)
        return
    strong_secret(settings)
    settings = shared_secret(settings, workers)
    log.info("serving on http://%s:%d with gunicorn, %d workers", host, port, workers)
    options = gunicorn_options(workers=workers, host=host, port=port, settings=settings)
    if settings.run_scheduler:
        options.update(scheduler_hooks(settings))
    WallServer(settings, options).run()


MIN_SECRET_BYTES = 32


def strong_secret(settings: Settings) -> None:
    """Production (gunicorn) refuses a guessable session key: one shorter than 32 bytes.
    Empty is allowed (a random 32-byte key per start, see shared_secret); Dash's own
    single-user server (workers 0, for development) takes any key."""
    size = len(settings.secret_key.encode("utf-8"))
    if 0 < size < MIN_SECRET_BYTES:
        raise click.ClickException(
            f"{PREFIX}SECRET_KEY has {size} bytes: anyone who guesses it can sign a session "
            f"cookie as any user. Use at least {MIN_SECRET_BYTES} random bytes, e.g. "
            f"{PREFIX}SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
        )


def shared_secret(settings: Settings, workers: int) -> Settings:
    """Every worker must sign sessions with the same key: refuse several workers without one;
    a single worker gets a random key from the master (it survives that worker's recycling)."""
    if settings.secret_key:
        return settings
    if workers > 1:
        raise click.ClickException(
            f"{PREFIX}SECRET_KEY is empty: with {workers} workers each would sign sessions with "
            "its own random key and logins would break between requests. Set it, e.g. "
            f"{PREFIX}SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
        )
    log.warning("%sSECRET_KEY is empty: a random key for this start only", PREFIX)
    return dataclasses.replace(settings, secret_key=secrets.token_hex(32))


def gunicorn_options(
    *, workers: int, host: str, port: int, settings: Settings | None = None
) -> dict[str, Any]:
    settings = settings or Settings()
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": THREADS_PER_WORKER,
        "preload_app": False,  # each worker builds its own app, engine and poller after the fork
        "timeout": GUNICORN_TIMEOUT,
        "graceful_timeout": GUNICORN_GRACEFUL,
        "keepalive": GUNICORN_KEEPALIVE,
        "max_requests": settings.max_requests,
        "max_requests_jitter": int(settings.max_requests * MAX_REQUESTS_JITTER),
        "accesslog": settings.access_log or None,
        "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-",
        "limit_request_line": 8190,
        "limit_request_fields": 100,
        "limit_request_field_size": 8190,
        "proc_name": "carbonwall",
    }


def scheduler_command() -> list[str]:
    return [sys.executable, "-m", "dashboard", "scheduler"]


def scheduler_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env[f"{PREFIX}DATABASE_URL"] = settings.database_url
    env[f"{PREFIX}REFRESH_SECONDS"] = str(settings.refresh_seconds)
    env[f"{PREFIX}LOG_LEVEL"] = settings.log_level
    return env


class SchedulerChild:
    """One `carbonwall scheduler` process owned by the gunicorn master, restarted if it exits.

    Spawned with posix_spawn, not subprocess.Popen: Popen in a thread waits on a pipe whose
    write end a concurrent fork (gunicorn starting a worker) inherits, and then hangs until
    that worker exits. gunicorn's SIGCHLD handler may reap the child before this thread does;
    either way the loop notices it is gone.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pid: int | None = None
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._supervise, name="scheduler", daemon=True)
        self._thread.start()

    def _spawn(self) -> int:
        command = scheduler_command()
        return os.posix_spawn(
            command[0],
            command,
            scheduler_env(self.settings),
            file_actions=[(os.POSIX_SPAWN_CLOSE, fd) for fd in _inheritable_fds()],
        )

    def _wait(self, pid: int) -> int | None:
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:  # reaped by gunicorn's SIGCHLD handler
            while _alive(pid):
                time.sleep(0.5)
            return None
        return os.waitstatus_to_exitcode(status)

    def _supervise(self) -> None:
        while not self.stopping.is_set():
            self.pid = self._spawn()
            log.info("heavy work: scheduler process %d started by the master", self.pid)
            code = self._wait(self.pid)
            if self.stopping.is_set():
                break
            log.error(
                "scheduler process exited (%s); restarting in %d s", code, SCHEDULER_RESTART_SECONDS
            )
            self.stopping.wait(SCHEDULER_RESTART_SECONDS)

    def stop(self) -> None:
        self.stopping.set()
        pid = self.pid
        if pid is None or not _alive(pid):
            return
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


def _inheritable_fds() -> list[int]:
    """The master's inheritable descriptors beyond stdio: gunicorn's listening sockets, which
    the scheduler must not hold (the port would stay bound if the master died)."""
    out = []
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > 2:
            try:
                if os.get_inheritable(fd):
                    out.append(fd)
            except OSError:
                pass  # closed since listed (the listing's own descriptor)
    return out


def _alive(pid: int) -> bool:
    """The process exists and is not a zombie waiting to be reaped."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def scheduler_hooks(settings: Settings) -> dict[str, Any]:
    """gunicorn server hooks: the master starts the one scheduler child and stops it on exit."""
    child = SchedulerChild(settings)

    def when_ready(_server: Any) -> None:
        child.start()

    def on_exit(_server: Any) -> None:
        child.stop()

    return {"when_ready": when_ready, "on_exit": on_exit}


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
        from dashboard.app import create_app, freeze_heap

        # a worker polls the data version; the heavy work is never a worker's (see above)
        server = create_app(self.settings, poller=True, heavy=False).server
        freeze_heap()
        return server
