"""Period analysis (/analysis/periods, 月度分析): a region's months over the years with the
seasonal pattern, the picked month's 同比 and 环比, the year-to-date (累计) against the same
months of the year before, the year so far, the month's days, and the source credited.

State in the URL query: ?region=&month=. Callbacks: callbacks/analysis_periods.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import dcc, html

from layouts import ids_analysis, theme
from layouts import ids_periods as ids
from layouts.pages import analysis as common
from layouts.settings import ScreenSettings

PAGE = ids.PAGE
PATH = "/analysis/periods"
QUERY_KEYS = ("region", "month")


def _pct(fraction: float | None) -> str:
    return common.fmt_pct(fraction)


def _change_line(label: str, change: float | None, base: str | None, lang: str) -> html.Div:
    colour = theme.MUTED if change is None else (theme.ROSE if change > 0 else theme.FELL)
    if base is None:
        note = "无可比期" if lang != "en" else "nothing comparable"
    else:
        note = f"对比 {base}" if lang != "en" else f"vs {base}"
    return html.Div(
        [
            html.Span(f"{label} ", className="text-secondary"),
            html.Span(_pct(change), style={"color": colour, "fontWeight": 600}),
            html.Span(f"（{note}）" if lang != "en" else f" ({note})", className="text-secondary"),
        ]
    )


def _card(title: str, value: float | None, lines: Sequence[Any], lang: str) -> html.Section:
    unit = "万吨CO₂e" if lang != "en" else "10k t CO₂e"
    return common.panel(
        title,
        html.Div(
            [
                html.Div(
                    [
                        html.Span(common.fmt_wan(value), className="kpi-value"),
                        html.Span(f" {unit}", className="text-secondary"),
                    ],
                    style={"fontSize": "1.6rem", "color": "#f8fafc"},
                ),
                *lines,
            ]
        ),
        style={"flex": "1 1 0"},
    )


def kpi_cards(month: Any, ytd: Any, year: Any, lang: str = "zh") -> list[html.Section]:
    """The picked month (同比, 环比), the year-to-date through it (同比 on the same months) and
    the year as far as the data go (a partial year says so in its label)."""
    if month is None:
        return [common.panel(None, html.Div(common.tr("no_data", lang)))]
    yoy, mom = ("同比", "环比") if lang != "en" else ("YoY", "MoM")
    cards = [
        _card(
            f"{month.label_zh} 排放量" if lang != "en" else f"{month.period} emissions",
            month.co2e,
            [
                _change_line(yoy, month.co2e_change, month.prev_label_zh, lang),
                _change_line(mom, month.co2e_mom_change, month.mom_label_zh, lang),
            ],
            lang,
        ),
        _card(
            f"累计 {ytd.label_zh}" if lang != "en" else f"Year to date through {ytd.through}",
            ytd.co2e,
            [
                _change_line(
                    yoy, ytd.co2e_change, ytd.prev_label_zh if ytd.prev_co2e else None, lang
                )
            ],
            lang,
        ),
    ]
    if year is not None:
        partial = "" if year.complete else ("（年初至今）" if lang != "en" else " (to date)")
        cards.append(
            _card(
                f"{year.label_zh}{partial}",
                year.co2e,
                [_change_line(yoy, year.co2e_change, year.prev_label_zh, lang)],
                lang,
            )
        )
    return cards


def credit(sources: Sequence[Any], lang: str = "zh") -> list[Any]:
    """数据来源: each dataset's name, licence and link (its licence asks for the credit)."""
    if not sources:
        return []
    parts: list[Any] = [html.Span("数据来源：" if lang != "en" else "Source: ")]
    for i, s in enumerate(sources):
        if i:
            parts.append(html.Span("；"))
        parts += [
            html.Span(s.name_zh if lang != "en" else s.name_en),
            html.Span(f" · {s.licence} · "),
            html.A(
                s.url, href=s.url, target="_blank", rel="noopener", style={"color": theme.ACCENT}
            ),
        ]
    return parts


def month_picker(value: str | None) -> dcc.Dropdown:
    return dcc.Dropdown(
        id=ids.MONTH,
        options=common.known_option(value),
        value=value,
        clearable=False,
        searchable=True,
        style={"minWidth": "9rem"},
    )


def build(settings: ScreenSettings, params: Mapping[str, str], lang: str = "zh") -> html.Div:
    region = params.get("region") or settings.root_region
    controls = html.Div(
        [
            common.labelled(
                common.tr("region", lang),
                common.region_picker(ids_analysis.region(PAGE), region, lang),
            ),
            common.labelled("月份" if lang != "en" else "Month", month_picker(params.get("month"))),
        ],
        className="d-flex align-items-center gap-3 mb-2",
    )
    graphs = common.row(
        common.col(
            common.panel(
                "月度排放与季节规律" if lang != "en" else "Months and the seasonal pattern",
                common.graph(ids.SEASONAL, lang),
                style={"flex": "1 1 0"},
            ),
            flex=3,
        ),
        common.col(
            common.panel(
                "各月同比" if lang != "en" else "Each month, YoY",
                common.graph(ids.YOY, lang),
                style={"flex": "1 1 0"},
            ),
            flex=2,
        ),
        height="21rem",
    )
    daily = common.row(
        common.col(
            common.panel(
                "逐日排放（与上年同月对比）" if lang != "en" else "Days, against a year earlier",
                common.graph(ids.DAYS, lang),
                style={"flex": "1 1 0"},
            )
        ),
        height="17rem",
    )
    body = [
        controls,
        html.Div(id=ids.KPIS, className="d-flex mb-2", style={"gap": "0.5rem"}),
        graphs,
        daily,
        html.Div(id=ids.CREDIT, className="text-secondary small", style={"fontSize": "0.9rem"}),
    ]
    title = "月度分析" if lang != "en" else "Months and year-to-date"
    crumb = common.tr("crumb_analysis", lang)
    return common.frame(PAGE, PATH, title, crumb, body, params=params, lang=lang)
