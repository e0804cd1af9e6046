"""Helpers shared by the peer benchmarks: where the peer lives, its data, the product's pool
filled from the same CSV files, and starting/stopping either server.

The peer (../shared/peers/ beside the checkout, README.md there) is a Streamlit wall with its
own data generator and timing probe. Generated files live under PEERS_HOME (default: cw-peers in
the system temp folder), never in the repository:

    PEERS_HOME/venv            the peer's virtualenv (streamlit ...; see the peers README)
    PEERS_HOME/data/national   gen_data.py --scale national: emissions.csv, indicators.csv
    PEERS_HOME/pool            the product's SQLite pool, loaded from those two files
"""

from __future__ import annotations

import csv
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PEERS = ROOT.parent / "shared" / "peers"
DEFAULT_HOME = Path(tempfile.gettempdir()) / "cw-peers"
CHUNK_ROWS = 1_000_000  # the product refuses a file of more than 1,048,576 lines
# the peer's indicator names -> the product's (docs/data-formats.md, indicators)
INDICATORS = {
    "gdp": ("gdp_current", ""),
    "gdp_constant_2020": ("gdp_constant", "2020"),
    "population": ("population", ""),
}


def peer_python(home: Path) -> str:
    """The peer's interpreter: its own venv if there is one, else this one (`.[bench]`)."""
    venv = home / "venv" / "bin" / "python"
    return str(venv) if venv.is_file() else sys.executable


def ensure_data(peers: Path, home: Path, scale: str = "national") -> Path:
    """Generate the peer's CSV files once (deterministic: the default seed)."""
    data = home / "data" / scale
    if not (data / "emissions.csv").is_file() or not (data / "indicators.csv").is_file():
        subprocess.run(
            [peer_python(home), str(peers / "gen_data.py"), str(data), "--scale", scale],
            check=True,
            cwd=peers,
        )
    return data


def product_files(data: Path, out: Path) -> list[Path]:
    """The same rows as files the product ingests: emissions split under its row limit,
    indicators renamed to the product's names (gdp_constant with base_year 2020)."""
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    with (data / "emissions.csv").open(encoding="utf-8", newline="") as src:
        reader = csv.reader(src)
        header = next(reader)
        part, writer, handle, n = 0, None, None, CHUNK_ROWS
        for row in reader:
            if n >= CHUNK_ROWS:
                if handle:
                    handle.close()
                part += 1
                path = out / f"emissions-{part}.csv"
                files.append(path)
                handle = path.open("w", encoding="utf-8", newline="")
                writer = csv.writer(handle)
                writer.writerow(header)
                n = 0
            writer.writerow(row)  # type: ignore[union-attr]
            n += 1
        if handle:
            handle.close()
    path = out / "indicators.csv"
    with (
        (data / "indicators.csv").open(encoding="utf-8", newline="") as src,
        path.open("w", encoding="utf-8", newline="") as dst,
    ):
        reader = csv.DictReader(src)
        writer = csv.writer(dst)
        writer.writerow(["region_code", "period", "indicator", "value", "unit", "base_year"])
        for r in reader:
            name, base = INDICATORS[r["indicator"]]
            writer.writerow([r["region_code"], r["period"], name, r["value"], r["unit"], base])
    files.append(path)
    return files


def product_env(home: Path, geo_cache: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "CARBONWALL_DATABASE_URL": f"sqlite:///{home / 'pool' / 'carbon.sqlite'}",
        "CARBONWALL_GEO_CACHE_DIR": str(geo_cache),
        "CARBONWALL_SECRET_KEY": os.environ.get("CARBONWALL_SECRET_KEY", secrets.token_hex(32)),
        "CARBONWALL_LOG_LEVEL": "WARNING",
        "CARBONWALL_ACCESS_LOG": "",  # no gunicorn access log in the bench's output
        **extra,
    }


def ensure_pool(data: Path, home: Path, geo_cache: Path) -> Path:
    """The product's pool filled from the peer's CSV files, once (marker file `loaded`)."""
    pool = home / "pool"
    marker = pool / "loaded"
    if marker.is_file():
        return pool
    pool.mkdir(parents=True, exist_ok=True)
    for stale in pool.glob("carbon.sqlite*"):
        stale.unlink()
    env = product_env(home, geo_cache)
    cli = [sys.executable, "-m", "dashboard"]
    subprocess.run([*cli, "init-db"], check=True, env=env, cwd=ROOT)
    for path in product_files(data, pool / "csv"):
        subprocess.run([*cli, "ingest", str(path)], check=True, env=env, cwd=ROOT)
    subprocess.run([*cli, "rollup"], check=True, env=env, cwd=ROOT)
    subprocess.run([*cli, "forecast"], check=True, env=env, cwd=ROOT)
    marker.write_text("ok\n", encoding="utf-8")
    return pool


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 180.0) -> None:
    """Until `url` answers 200 (the server is up and has built what the first page needs)."""
    from urllib.error import URLError
    from urllib.request import urlopen

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except (URLError, OSError):
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def start_product(home: Path, geo_cache: Path, port: int, **extra: str) -> subprocess.Popen:
    env = product_env(home, geo_cache, **extra)
    return subprocess.Popen(
        [sys.executable, "-m", "dashboard", "serve", "--workers", "2", "--port", str(port)],
        env=env,
        cwd=ROOT,
    )


def start_peer(peers: Path, home: Path, data: Path, port: int) -> subprocess.Popen:
    python = peer_python(home)
    return subprocess.Popen(
        [
            python,
            "-m",
            "streamlit",
            "run",
            str(peers / "streamlit_wall.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--",
            "--data",
            str(data),
        ],
        cwd=home,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(5)
