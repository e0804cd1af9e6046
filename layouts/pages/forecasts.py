"""The forecast backtest page (/analysis/forecasts, 预测回测): per metric, the rolling-origin
backtest that chose the forecast models on this pool's own history: each level's and model's
mean sMAPE at horizons 1-5 and the coverage of its calibrated 80 % interval, the chosen model
marked, and one line per level saying what was chosen and how it did (docs/forecasts.md).

Callbacks: callbacks/analysis_forecasts.py (reads datasource.forecast's stored table).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import figures_outlook
from layouts import ids_forecasts as ids
from layouts.pages import analysis as common
from layouts.settings import ScreenSettings

PATH = "/analysis/forecasts"
METRICS = (
    ("co2e", "二氧化碳当量（AR5）", "CO₂e (AR5)"),
    ("co2", "二氧化碳", "CO₂"),
    ("intensity", "碳排放强度", "Carbon intensity"),
)
HORIZONS = (1, 2, 3, 4, 5)
TEXT = {
    "title": ("预测模型回测", "Forecast backtest"),
    "intro": (
        "每次汇总后，系统在本数据池自身的历史上做滚动起点回测：每个候选模型从每个起点预测"
        "1–5 年，与实际值比较；按层级和预测步长选出误差最小、且不劣于朴素预测与漂移预测的"
        "模型。下表为截至最新年份的回测结果（sMAPE 越小越好；80% 区间覆盖越接近 80% 越好）。",
        "After each rollup a rolling-origin backtest on this pool's own history forecasts 1-5 "
        "years ahead with every candidate model from every origin and compares with what "
        "happened; per level and horizon the model with the least error that is never worse "
        "than the naive and drift forecasts is chosen. The table is the backtest as of the "
        "latest year (lower sMAPE is better; 80% interval coverage should be near 80%).",
    ),
    "level": ("层级", "Level"),
    "model": ("模型", "Model"),
    "smape": ("sMAPE h{h}", "sMAPE h{h}"),
    "cover": ("80%覆盖 h{h}", "80% cov. h{h}"),
    "chosen": ("★ 为所选模型", "★ = chosen"),
    "none": (
        "暂无回测结果：预测尚未计算，或数据年份太少",
        "No backtest yet: forecasts not computed, or too few years of data",
    ),
    "all": ("全部层级", "all levels"),
    "borrowed": ("（序列太少，沿用全部层级的选择）", " (too few series: all levels' choice)"),
}


def t(key: str, lang: str = "zh", **kwargs: object) -> str:
    zh, en = TEXT[key]
    text = en if lang == "en" else zh
    return text.format(**kwargs) if kwargs else text


def level_name(level: str, lang: str) -> str:
    if level == "*":
        return t("all", lang)
    zh, en = common.LEVELS.get(level, (level, level))
    return en if lang == "en" else zh


def level_order(level: str) -> int:
    """country, province, city, county, park, then any other, then every level (*)."""
    order = list(common.LEVELS)
    return order.index(level) if level in order else len(order) + (level == "*")


def model_name(model: str, lang: str) -> str:
    zh, en = figures_outlook.MODEL_NAMES.get(model, (model, model))
    return en if lang == "en" else zh


def build(settings: ScreenSettings, params: Mapping[str, str], lang: str) -> html.Div:
    del settings
    metric = params.get("metric")
    metric = metric if metric in {m for m, _, _ in METRICS} else "co2e"
    picker = dbc.RadioItems(
        id=ids.FC_METRIC,
        options=[{"label": en if lang == "en" else zh, "value": m} for m, zh, en in METRICS],
        value=metric,
        inline=True,
    )
    body = html.Div(
        [
            dcc.Store(id=ids.FC_PARAMS, data={"lang": lang}),
            common.panel(
                t("title", lang),
                html.Div(
                    [
                        html.P(t("intro", lang), className="mb-2", style={"color": "#cbd5e1"}),
                        html.Div(id=ids.FC_SUMMARY, className="mb-2"),
                        html.Div(id=ids.FC_TABLE, style={"overflowX": "auto"}),
                    ]
                ),
                extra=picker,
            ),
        ],
        className="p-3",
    )
    # the analysis pages' frame: navigation, shareable address and language link
    return common.frame(
        "forecasts",
        "/analysis/forecasts",
        common.tr("nav_forecasts", lang),
        "",
        [body],
        params={"metric": metric},
        lang=lang,
    )


def summary(lines: Sequence[tuple[str, str, Sequence[Any]]], lang: str) -> html.Ul:
    """One line per level: (level, the level whose backtest decided, its plan per horizon)."""
    items = []
    for level, group, plan in sorted(lines, key=lambda line: level_order(line[0])):
        text, _ = figures_outlook.track_text(plan, lang)
        extra = t("borrowed", lang) if group != level else ""
        colon = ": " if lang == "en" else "："
        items.append(html.Li(f"{level_name(level, lang)}{colon}{text}{extra}"))
    return html.Ul(items, className="mb-0", style={"color": "#e0f2fe"})


def table(rows: Sequence[Any], lang: str) -> html.Div:
    """The stored backtest rows (metric-filtered ForecastScore rows) as one table: a row per
    level and model, sMAPE and 80 % coverage per horizon, the chosen cells starred."""
    if not rows:
        return html.Div(t("none", lang), style={"color": "#94a3b8"})
    by = {(r.level, r.model, r.horizon): r for r in rows}
    models = list(figures_outlook.MODEL_NAMES)
    keys = sorted(
        {(r.level, r.model) for r in rows},
        key=lambda k: (level_order(k[0]), models.index(k[1]) if k[1] in models else len(models)),
    )
    heads = [t("level", lang), t("model", lang)]
    heads += [t("smape", lang, h=h) for h in HORIZONS] + [t("cover", lang, h=h) for h in HORIZONS]
    body = []
    for level, model in keys:
        cells = [html.Td(level_name(level, lang)), html.Td(model_name(model, lang))]
        for h in HORIZONS:
            r = by.get((level, model, h))
            text = "—" if r is None else f"{r.smape:.2f}%" + (" ★" if r.chosen else "")
            style = {"color": "#fbbf24", "fontWeight": 700} if r is not None and r.chosen else {}
            cells.append(html.Td(text, className="text-end", style=style))
        for h in HORIZONS:
            r = by.get((level, model, h))
            cells.append(
                html.Td(
                    "—" if r is None or r.cover80 is None else f"{r.cover80 * 100:.0f}%",
                    className="text-end",
                )
            )
        body.append(html.Tr(cells))
    return html.Div(
        [
            dbc.Table(
                [html.Thead(html.Tr([html.Th(h) for h in heads])), html.Tbody(body)],
                size="sm",
                hover=True,
                className="mb-1",
                style={"fontVariantNumeric": "tabular-nums"},
            ),
            html.Small(t("chosen", lang), style={"color": "#94a3b8"}),
        ]
    )
