"""Wiring of the analysis pages: the pickers every page shares, and ``register`` that binds all
four pages (regions, sectors, gases, inventory) to one app; each page's own callbacks live in
callbacks/analysis_<page>.py."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output
from sqlalchemy.orm import Session, sessionmaker

from callbacks.common import lang_of
from datasource import queries
from layouts import ids_analysis as ids
from layouts.pages import analysis as common
from layouts.settings import ScreenSettings


def url_outputs(page: str) -> list[Output]:
    return [Output(ids.url(page), "search"), Output(ids.lang_link(page), "href")]


def url_values(state: dict[str, Any], keys: tuple[str, ...], lang: str) -> tuple[str, str]:
    """(URL query, language-switch link) of a page's state."""
    search = common.query_string({**state, "lang": lang}, keys)
    return search, common.lang_href(search, lang)


def register_pickers(
    app: Dash, page: str, *, sessions: sessionmaker[Session], settings: ScreenSettings
) -> None:
    """A page's region and year pickers: every region as an option, the years with data
    (newest first); values from the URL when known, else the root region and the latest year."""

    @app.callback(
        Output(ids.region(page), "options"),
        Output(ids.year(page), "options"),
        Output(ids.region(page), "value"),
        Output(ids.year(page), "value"),
        Input(ids.params(page), "data"),
    )
    def fill_pickers(params):  # noqa: ANN001, ANN202
        with sessions() as session:
            everything = queries.regions(session)
            years = queries.periods_with_data(session)
        known = {r.code for r in everything}
        region = (params or {}).get("region")
        year = (params or {}).get("year")
        return (
            common.region_options(everything, lang_of(params)),
            [{"label": y, "value": y} for y in reversed(years)],
            region if region in known else settings.root_region,
            year if year in years else (years[-1] if years else None),
        )


def register(app: Dash, *, sessions: sessionmaker[Session], settings: ScreenSettings) -> None:
    """Every analysis page's callbacks (ids are per page, so they never collide)."""
    from callbacks import (
        analysis_forecasts,
        analysis_gases,
        analysis_inventory,
        analysis_periods,
        analysis_regions,
        analysis_sectors,
    )

    for module in (
        analysis_regions,
        analysis_sectors,
        analysis_gases,
        analysis_inventory,
        analysis_forecasts,
        analysis_periods,
    ):
        module.register(app, sessions=sessions, settings=settings)
