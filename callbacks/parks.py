"""Callbacks of the parks page (/parks): filters -> ranking; a park -> radar, comparison
table and strategies; page state -> URL query."""

from __future__ import annotations

import logging
from typing import Any

from dash import Dash, Input, Output, State, no_update
from sqlalchemy.orm import Session, sessionmaker

from datasource import pdi, pdi_store
from layouts import figures_pdi
from layouts.pages import parks as page
from layouts.settings import ScreenSettings

log = logging.getLogger(__name__)


def _row(p: pdi_store.ParkScore) -> dict[str, Any]:
    return {
        "code": p.code,
        "name_zh": p.name_zh,
        "province_zh": p.province_zh,
        "industry": p.industry,
        "park_level": p.park_level,
        "P": p.P,
        "D": p.D,
        "I": p.I,
        "total": p.total,
        "rank": p.rank,
        "rank_P": p.rank_P,
        "rank_D": p.rank_D,
        "rank_I": p.rank_I,
        "stage": p.stage,
    }


def _options(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"label": label, "value": value} for value, label in pairs]


def register(app: Dash, *, sessions: sessionmaker[Session], settings: ScreenSettings) -> None:
    del settings

    @app.callback(
        Output(page.PROVINCE, "options"),
        Output(page.INDUSTRY, "options"),
        Output(page.LEVEL, "options"),
        Input(page.PARAMS, "data"),
    )
    def refresh_filters(_params: dict) -> tuple[list, list, list]:
        with sessions() as session:
            opts = pdi_store.filter_options(session)
        return (
            _options(opts.provinces),
            _options([(i, i) for i in opts.industries]),
            _options([(lv, page.LEVEL_NAMES.get(lv, lv)) for lv in opts.park_levels]),
        )

    @app.callback(
        Output(page.GRID, "rowData"),
        Output(page.BAR, "figure"),
        Output(page.COUNT, "children"),
        Output(page.PARK, "options"),
        Output(page.PARK, "value"),
        Input(page.PROVINCE, "value"),
        Input(page.INDUSTRY, "value"),
        Input(page.LEVEL, "value"),
        Input(page.SORT, "value"),
        State(page.PARK, "value"),
    )
    def refresh_ranking(province, industry, level, sort, park):  # noqa: ANN001, ANN202
        with sessions() as session:
            parks = pdi_store.evaluations(
                session, province=province, industry=industry, park_level=level
            )
            weights = pdi.first_level_weights(pdi_store.tree(session))
        rows = page.grid_rows([_row(p) for p in parks], sort or "total")
        codes = [r["code"] for r in rows]
        chosen = park if park in codes else (codes[0] if codes else None)
        bar = figures_pdi.ranking_bar([_row(p) for p in parks], weights)
        options = [{"label": f"{r['place']}. {r['name_zh']}", "value": r["code"]} for r in rows]
        return rows, bar, f"共 {len(rows)} 个园区", options, chosen

    @app.callback(
        Output(page.PARK, "value", allow_duplicate=True),
        Input(page.GRID, "cellClicked"),
        prevent_initial_call=True,
    )
    def pick_from_grid(cell: dict | None) -> str:
        return (cell or {}).get("rowId") or no_update

    @app.callback(
        Output(page.RADAR, "figure"),
        Output(page.COMPARE, "children"),
        Output(page.STRATEGIES, "children"),
        Output(page.PARK_TITLE, "children"),
        Input(page.PARK, "value"),
    )
    def refresh_park(code: str | None):  # noqa: ANN202
        if not code:
            return figures_pdi.empty("请选择园区"), None, None, ""
        with sessions() as session:
            detail = pdi_store.park_detail(session, code)
        if detail is None:
            return figures_pdi.empty("该园区暂无评价数据"), None, None, ""
        return (
            _radar(detail),
            _comparison(detail),
            page.strategy_block(
                [
                    {"dimension": s.dimension, "text_zh": s.text_zh, "source": s.source}
                    for s in detail.strategies
                ],
                weakest=detail.park.weakest,
                stage=detail.park.stage,
                industry=detail.park.industry,
            ),
            f"{detail.park.industry or ''} · {detail.industry_size} 个园区",
        )

    @app.callback(
        Output(page.URL, "search"),
        Input(page.PROVINCE, "value"),
        Input(page.INDUSTRY, "value"),
        Input(page.LEVEL, "value"),
        Input(page.SORT, "value"),
        Input(page.PARK, "value"),
        prevent_initial_call=True,
    )
    def sync_url(province, industry, level, sort, park):  # noqa: ANN001, ANN202
        return page.query_string(
            {
                "province": province,
                "industry": industry,
                "level": level,
                "sort": None if sort == "total" else sort,
                "park": park,
            }
        )

    from callbacks import parks_zero_carbon  # the zero-carbon panel (issue 21), its own module

    parks_zero_carbon.register(app, sessions=sessions)


def _radar(detail: pdi_store.ParkDetail):  # noqa: ANN202
    """Level-2 axes when the whole industry has them (scores from values), else P, D, I."""
    park = detail.park
    axes = [c for c in detail.level2_names if c in detail.industry_median]
    if axes and all(park.level2.get(c) is not None for c in axes):
        labels = [detail.level2_names[c] for c in axes]
        values = [park.level2[c] for c in axes]
    else:
        axes = list(pdi.DIMENSIONS)
        labels = [pdi.DIMENSION_NAMES_ZH[d] for d in axes]
        values = [park.dimensions()[d] for d in axes]
    return figures_pdi.radar(
        labels,
        values,
        [detail.industry_median[c] for c in axes],
        park_name=park.name_zh,
        median_name=f"{park.industry or ''}行业中位数",
    )


def _comparison(detail: pdi_store.ParkDetail):  # noqa: ANN202
    """The industry's top five and the selected park (if lower), then the industry median."""
    shown = detail.peers[:5]
    if detail.park.code not in {p.code for p in shown}:
        shown = [*shown, detail.park]
    rows = [(p.name_zh, p.P, p.D, p.I, p.total) for p in shown]
    m = detail.industry_median
    return page.comparison_table(
        rows,
        detail.weights,
        highlight=detail.park.name_zh,
        median=("行业中位数", m["P"], m["D"], m["I"], m["total"]),
    )
