"""The `carbonwall` command: init-db, build-geo, ingest, demo, rollup, serve, scheduler."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from dashboard.config import ConfigError, Settings
from dashboard.logs import configure_logging

log = logging.getLogger(__name__)

PDI_KINDS = ("pdi_tree", "pdi_ratings", "pdi_values", "pdi_scores")


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


def _engine(settings: Settings):
    from datasource.engine import make_engine

    return make_engine(settings.database_url)


@click.group()
def cli() -> None:
    """carbonwall: 双碳监测大屏与分析平台 (dual-carbon command-center wall)."""


@cli.command("init-db")
def init_db() -> None:
    """Create or migrate the schema, load reference tables and the region registry."""
    settings = _settings()
    configure_logging(settings.log_level)
    from sqlalchemy.orm import Session

    from datasource.schema import load_regions, migrate
    from geo.regions import load_regions as geo_regions

    engine = _engine(settings)
    migrate(engine)
    with Session(engine) as session, session.begin():
        n = load_regions(session, geo_regions())
    _build_geo_if_missing(settings)
    click.echo(
        f"schema ready at {engine.url.render_as_string(hide_password=True)}; {n} new regions"
    )


def _build_geo_if_missing(settings: Settings) -> None:
    try:
        from geo import layers
    except ImportError:  # geo layers not built yet in this version
        return
    if not layers.is_built(Path(settings.geo_cache_dir)):
        report = layers.build_all(Path(settings.geo_cache_dir))
        click.echo(f"map layers built into {settings.geo_cache_dir} in {report.seconds:.1f} s")


@cli.command("build-geo")
@click.option("--force", is_flag=True, help="rebuild even if the cache is complete")
def build_geo(force: bool) -> None:
    """Build the simplified map layers into the geo cache folder."""
    settings = _settings()
    configure_logging(settings.log_level)
    from geo import layers

    report = layers.build_all(Path(settings.geo_cache_dir), force=force)
    click.echo(f"{report.files} layer files in {settings.geo_cache_dir}, {report.seconds:.1f} s")


def _os_user() -> str | None:
    """The operating-system account running the CLI, recorded as the batch's actor."""
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return None


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(["emissions", "indicators", "regions", "parks", "targets", *PDI_KINDS]),
    default=None,
    help="what the file holds; detected from its columns when omitted",
)
@click.option("--dry-run", is_flag=True, help="validate only; change nothing")
def ingest(file: Path, kind: str | None, dry_run: bool) -> None:
    """Load a CSV (UTF-8, UTF-8-BOM, GBK) or XLSX file into the data pool: all rows or none."""
    settings = _settings()
    configure_logging(settings.log_level)
    if kind in PDI_KINDS:
        from datasource.pdi_store import ingest_pdi_file

        report = ingest_pdi_file(
            _engine(settings), file, kind, dry_run=dry_run, source="cli", actor=_os_user()
        )
        click.echo(report.render())
        sys.exit(0 if report.ok else 1)
    from datasource.ingest import ingest_file
    from geo.parks import check_park

    report = ingest_file(
        _engine(settings),
        file,
        kind=kind,
        dry_run=dry_run,
        source="cli",
        park_checker=check_park,
        actor=_os_user(),
    )
    click.echo(report.render())
    if not report.ok:
        sys.exit(1)


@cli.command()
@click.option("--scale", type=click.Choice(["province", "national"]), default="national")
@click.option("--seed", type=int, default=2060, show_default=True)
@click.option(
    "--province", default="340000", show_default=True, help="the province for --scale province"
)
@click.option("--if-empty", is_flag=True, help="do nothing if the pool already holds emissions")
@click.option(
    "--dataset",
    type=click.Choice(["cui2021"]),
    default=None,
    help="load a real open dataset instead of the synthetic demo: cui2021 = daily CO2 of the "
    "31 provinces, 2019-2020 (Cui et al. 2021, CC BY 4.0; docs/periods.md)",
)
def demo(scale: str, seed: int, province: str, if_empty: bool, dataset: str | None) -> None:
    """Fill the data pool with deterministic, plausible demo data (2005-2024), or with a real
    open dataset (--dataset)."""
    settings = _settings()
    configure_logging(settings.log_level)
    from sqlalchemy.orm import Session

    from datasource.demo import generate
    from datasource.queries import has_emissions
    from datasource.rollup import rebuild
    from geo.parks import representative_point

    engine = _engine(settings)
    with Session(engine) as session:
        occupied = has_emissions(session)
    if if_empty and occupied:
        click.echo("the data pool already holds emissions; demo not loaded (--if-empty)")
        return
    if dataset == "cui2021":
        from datasource import demo_cui2021

        try:
            click.echo(demo_cui2021.load(engine).render())
        except demo_cui2021.DatasetError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(rebuild(engine).render())
        return
    summary = generate(
        engine, scale=scale, seed=seed, province=province, park_point=representative_point
    )
    click.echo(summary.render())
    from datasource import demo_pdi, demo_policy, forecast

    click.echo(demo_pdi.generate(engine, seed=seed).render())
    with Session(engine) as session, session.begin():
        documents = demo_policy.load_demo(session)
    click.echo(f"policy library: {documents} demo documents")
    click.echo(rebuild(engine).render())
    click.echo(forecast.compute_all(engine).render())


@cli.command()
def rollup() -> None:
    """Rebuild the rollup tables now (the scheduler does this when the data version moves)."""
    settings = _settings()
    configure_logging(settings.log_level)
    from datasource.rollup import rebuild

    click.echo(rebuild(_engine(settings)).render())


@cli.command()
def forecast() -> None:
    """Compute and store every region's forecasts now (the scheduler does this on new data)."""
    settings = _settings()
    configure_logging(settings.log_level)
    from datasource import forecast as fc

    click.echo(fc.compute_all(_engine(settings), force=True).render())


@cli.command()
def backtest() -> None:
    """The rolling-origin backtest that chooses the forecast models, on the current pool: sMAPE
    and 80 % coverage per metric, level, model and horizon 1-5, and the models chosen."""
    settings = _settings()
    configure_logging(settings.log_level)
    from datasource import forecast as fc

    click.echo(fc.backtest(_engine(settings)).render())


@cli.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "viewer"]), default="admin", show_default=True)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="read the password from the first line of standard input (for scripts)",
)
def create_user(username: str, role: str, password_stdin: bool) -> None:
    """Create a login for the administration pages (passwords are hashed with argon2).

    The password is asked for (twice, not echoed) or, with --password-stdin, read from
    standard input: never an argument, which `ps` and the shell history would show."""
    if password_stdin:
        password = click.get_text_stream("stdin").readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    settings = _settings()
    configure_logging(settings.log_level)
    from dashboard.auth import create_user as make_user

    try:
        make_user(_engine(settings), username, password, role=role)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"user {username!r} created with role {role}")


@cli.command()
@click.option("--workers", type=int, default=None, help="gunicorn workers; 0 = Dash's own server")
@click.option("--host", default=None)
@click.option("--port", type=int, default=None)
def serve(workers: int | None, host: str | None, port: int | None) -> None:
    """Serve the wall (Dash's server for one user, gunicorn with --workers N for a wall)."""
    settings = _settings()
    configure_logging(settings.log_level)
    from dashboard.serve import run

    run(settings, workers=workers, host=host, port=port)


@cli.command()
def scheduler() -> None:
    """Run the heavy scheduled work (rollups, forecasts) in this process only."""
    settings = _settings()
    configure_logging(settings.log_level)
    from dashboard.scheduler import run_heavy_forever

    run_heavy_forever(settings)


if __name__ == "__main__":  # pragma: no cover
    cli()
