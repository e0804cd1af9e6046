"""The offline install path: scripts/build-wheelhouse.sh builds a kit, a fresh venv installs
carbonwall from it with every index and the machine's pip configuration turned off, and the
installed command runs. About 35 s here (kit 13 s, install 21 s)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
OFFLINE = {
    "PIP_CONFIG_FILE": "/dev/null",
    "PIP_FIND_LINKS": "",
    "PIP_CONSTRAINT": "",
    "PIP_INDEX_URL": "http://127.0.0.1:9/nothing",
    "PIP_EXTRA_INDEX_URL": "",
}

CHECK_APP = """
import sys, tempfile
from dashboard.app import create_app
from dashboard.config import Settings
from datasource.engine import make_engine
from datasource.schema import migrate
db = f"sqlite:///{tempfile.mkdtemp()}/pool.sqlite"
migrate(make_engine(db))
app = create_app(Settings(database_url=db, run_scheduler=False, geo_cache_dir="/nonexistent",
                          secret_key="k" * 64, log_level="ERROR"))
client = app.server.test_client()
print(client.get("/").status_code, client.get("/assets/20-wall.js").status_code)
"""


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("offline")
    kit = tmp / "wheelhouse"
    built = subprocess.run(
        ["bash", str(ROOT / "scripts" / "build-wheelhouse.sh"), str(kit)],
        env={**os.environ, "PYTHON": sys.executable},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    assert "wheelhouse ready in" in built.stdout
    env = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True, timeout=120)
    installed = subprocess.run(
        [
            str(env / "bin" / "pip"),
            "install",
            "--quiet",
            "--no-index",
            "--find-links",
            str(kit),
            "carbonwall",
        ],
        env={**os.environ, **OFFLINE},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return env, tmp


def test_carbonwall_installs_from_the_wheelhouse_alone_and_runs(venv):
    env, tmp = venv
    helped = subprocess.run(
        [str(env / "bin" / "carbonwall"), "--help"],
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert helped.returncode == 0, helped.stderr
    for command in ("init-db", "ingest", "serve", "scheduler", "create-user"):
        assert command in helped.stdout
    where = subprocess.run(
        [str(env / "bin" / "python"), "-c", "import dashboard; print(dashboard.__file__)"],
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert where.stdout.startswith(str(env))  # the venv's copy, not the checkout


def test_the_installed_wall_serves_its_assets(venv):
    env, tmp = venv
    run = subprocess.run(
        [str(env / "bin" / "python"), "-c", CHECK_APP],
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["200", "200"]
