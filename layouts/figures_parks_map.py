"""The wall map's zero-carbon park layer (issue 21): parks as points coloured by their status
against the zero-carbon park yardstick (met / not met / incomplete / below the tiers), the
legend of those colours, and the lines a park's card adds. Pure: park statuses in
(datasource.zero_carbon_store.ParkStatus), a trace dict or Dash components out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import html

from datasource import zero_carbon as zc
from layouts import theme
from layouts.figures_map import PARKS_META
from layouts.figures_zero_carbon import STATUS_COLOURS

STATUS_EN = {
    "met": "met",
    "not_met": "not met",
    "incomplete": "incomplete",
    "below_tiers": "below the tiers",
}
MODE = "zero_carbon"  # the map mode that colours parks by zero-carbon status


def status_name(status: str, lang: str) -> str:
    return STATUS_EN.get(status, status) if lang == "en" else zc.STATUS_NAMES_ZH[status]


def prefix_of(code: str, level: str | None) -> str | None:
    """The county-code prefix of the parks under a region: a province's first two digits, a
    city's four, a county's six; None at the national level (no points there)."""
    return {"province": code[:2], "city": code[:4], "county": code}.get(level or "")


def _paren(text: str, lang: str) -> str:
    return f" ({text})" if lang == "en" else f"（{text}）"


def _core_text(s: Any, lang: str) -> str:
    if s.core_value is None:
        return "—"
    unit = "t CO₂/tce" if lang == "en" else "吨CO₂/吨标准煤"
    if s.threshold is None:
        return f"{s.core_value:.3f} {unit}"
    word = "limit" if lang == "en" else "阈值"
    return f"{s.core_value:.3f} {unit}" + _paren(f"{word} ≤ {s.threshold:.2f}", lang)


def hover(s: Any, lang: str) -> str:
    core = "Carbon per energy" if lang == "en" else "单位能耗碳排放"
    zero = "Zero-carbon park" if lang == "en" else "零碳园区"
    name = (s.name_zh if lang != "en" else getattr(s, "name_en", None) or s.name_zh) or s.code
    return "<br>".join(
        [
            f"<b>{name}</b>",
            f"{zero}{_paren(s.period, lang)}{': ' if lang == 'en' else '：'}"
            f"<b>{status_name(s.status, lang)}</b>",
            f"{core} {_core_text(s, lang)}",
        ]
    )


def status_trace(parks: Sequence[Any], *, lang: str = "zh", scale: float = 1.0) -> dict[str, Any]:
    """A scattergeo of the parks with a position, coloured by status; its meta is the park
    layer's, so a click picks the park's card as on the PDI layer."""
    shown = [p for p in parks if p.lon is not None and p.lat is not None]
    return dict(
        type="scattergeo",
        lon=[p.lon for p in shown],
        lat=[p.lat for p in shown],
        customdata=[p.code for p in shown],
        text=[hover(p, lang) for p in shown],
        mode="markers",
        marker=dict(
            symbol="circle",
            size=round(13 * scale, 1),
            color=[STATUS_COLOURS.get(p.status, theme.MUTED) for p in shown],
            opacity=0.95,
            line=dict(color=theme.BG, width=max(1.0, 1.2 * scale)),
        ),
        hovertemplate="%{text}<extra></extra>",
        meta=PARKS_META,
        name="零碳园区" if lang != "en" else "Zero-carbon parks",
        showlegend=False,
    )


def legend(lang: str = "zh") -> list[Any]:
    """The four status colours, after the map's own legend items."""
    title = "Parks: zero-carbon status" if lang == "en" else "园区颜色：零碳园区指标"
    items: list[Any] = [html.Span(title, className="legend-item legend-note")]
    for status in zc.STATUSES:
        items.append(
            html.Span(
                [
                    html.I(
                        className="swatch zc-swatch",
                        style={"background": STATUS_COLOURS[status], "borderRadius": "50%"},
                    ),
                    status_name(status, lang),
                ],
                className="legend-item",
            )
        )
    return items


def card_rows(s: Any | None, lang: str = "zh") -> list[Any]:
    """The zero-carbon lines of a park's card: status and year, core indicator vs threshold."""
    if s is None:
        return []
    zero = "Zero-carbon park" if lang == "en" else "零碳园区"
    core = "Carbon per energy" if lang == "en" else "单位能耗碳排放"
    badge = html.Span(
        status_name(s.status, lang),
        className="zc-card-status",
        style={"color": STATUS_COLOURS.get(s.status, theme.MUTED), "fontWeight": 700},
    )
    return [
        _row(zero + _paren(s.period, lang), badge),
        _row(core, _core_text(s, lang)),
    ]


def card(s: Any, lang: str = "zh") -> list[Any]:
    """A park's card where the map shows only its zero-carbon point (a province's map)."""
    name = (s.name_zh if lang != "en" else getattr(s, "name_en", None) or s.name_zh) or s.code
    head = [html.Div(name, className="detail-name")]
    if s.industry:
        head.append(html.Div(s.industry, className="detail-sub"))
    return head + card_rows(s, lang)


def _row(key: str, value: Any) -> html.Div:
    # the same markup as the region and park cards' rows (layouts.panels)
    return html.Div(
        [html.Span(key, className="detail-key"), html.Span(value, className="detail-val")],
        className="detail-row",
    )
