"""The forecast panel's figure: history, the stored forecast with its 80 % and 95 % bands,
last year's forecast beside what happened, and the intensity target's path. Pure: rows in,
go.Figure out (rows are datasource.queries.Summary, datasource.forecast.ForecastPoint and
datasource.targets.TargetTrack, or anything with the same attributes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from layouts import theme
from layouts.figures import _axis_unit, _figure, _layout, empty
from layouts.i18n import pct, pct_as_set, t

HISTORY_YEARS = 12  # years of history before the forecast (the trend panel shows them all)
# the forecast models' names on screen (datasource.forecast_models.MODELS)
MODEL_NAMES = {
    "naive": ("朴素预测", "naive"),
    "drift": ("漂移", "drift"),
    "drift_recent": ("近6年漂移", "recent drift"),
    "drift_damped": ("阻尼漂移", "damped drift"),
    "ets_pooled": ("阻尼趋势", "damped trend"),
    "ets_drift": ("阻尼趋势+漂移", "damped trend + drift"),
    "theta": ("Theta", "Theta"),
    "ets_local": ("ETS", "ETS"),
}
TRACK_TEXT = {
    "record": (
        "{model} · 回测误差 h3 {smape}，80% 区间覆盖 {cover}",
        "{model} · backtest sMAPE h3 {smape}, 80% PI coverage {cover}",
    ),
    "short": ("历史太短，无法回测 · 显示朴素预测区间", "too short to backtest · naive band shown"),
    "naive": (
        "无模型胜过朴素预测（h{hs}）· 显示朴素预测区间",
        "no model beat naive (h{hs}) · naive band shown",
    ),
    "detail": (
        "按{group}回测：{series} 个序列，{origins} 个起点（h3）<br>"
        "h3 误差：所选 {smape} · 朴素 {naive} · 漂移 {drift}<br>{models}",
        "backtest of {group}: {series} series, {origins} origins (h3)<br>"
        "h3 sMAPE: chosen {smape} · naive {naive} · drift {drift}<br>{models}",
    ),
    "all_levels": ("全部层级", "all levels"),
}


@dataclass(frozen=True)
class Row:
    """One metric's row of the panel, in the units it is drawn in."""

    axis: str  # "y" or "y2"
    label: str
    history: list[tuple[int, float | None]]
    points: list[tuple[int, float, float, float, float, float]]  # year, point, lo80..hi95
    previous: list[tuple[int, float, float, float]]  # last year's forecast: year, point, lo, hi
    colour: str
    band80: str
    band95: str
    fmt: str


def target_path(target: Any, anchor: float | None = None) -> list[tuple[int, float]]:
    """(year, value) of the target's straight-line path in logs (a constant yearly rate) from
    the base year's value to the target value; [] without both. ``anchor`` is the plotted
    series' own base-year value: a target assessed on another definition (energy-activity CO2)
    is drawn as its rate applied to the line it stands beside, never from the other scale."""
    if target is None or target.base_value is None or target.target_value is None:
        return []
    base, end = int(target.base_period[:4]), int(target.target_period[:4])
    if end <= base:
        return []
    ratio = target.target_value / target.base_value
    start = anchor if anchor else target.base_value
    return [(y, start * ratio ** ((y - base) / (end - base))) for y in range(base, end + 1)]


def backtest(history: Sequence[tuple[int, float | None]], previous: Sequence[Any]) -> Any:
    """(year, actual, forecast, lo80, hi80) for the latest year that last year's forecast
    covered and that has happened; None when there is no such year."""
    actual = {y: v for y, v in history if v is not None}
    hits = [p for p in previous if p[0] in actual]
    if not hits:
        return None
    year, point, lo, hi = hits[-1]
    return year, actual[year], point, lo, hi


def forecast(
    history: Sequence[Any],
    emissions: Sequence[Any],
    intensity: Sequence[Any],
    *,
    emissions_prev: Sequence[Any] = (),
    intensity_prev: Sequence[Any] = (),
    target: Any = None,
    records: Mapping[str, Sequence[Any]] | None = None,
    lang: str = "zh",
    scale: float = 1.0,
    uirevision: str | None = None,
) -> go.Figure:
    """Emissions (top) and carbon intensity (bottom): history solid; the forecast dashed with
    its 80 % band and a lighter 95 % band; last year's forecast faint and dotted, with this
    year's actual value marked against it; the intensity target's path dashed in green.
    ``records`` (metric -> the chosen model per horizon with its backtest record,
    datasource.forecast.track_record) label each row with its model and track record."""
    if not history:
        return empty(t("no_data", lang), scale=scale)
    first = int(history[-1].period[:4]) - HISTORY_YEARS + 1
    base_year = target.base_period[:4] if target is not None else None
    anchor = next((s.intensity for s in history if s.period[:4] == base_year), None)
    path = target_path(target, anchor)
    if path:
        first = min(first, path[0][0])
    shown = [s for s in history if int(s.period[:4]) >= first]
    divisor, mass_unit = _axis_unit([abs(s.co2e) / 1e4 for s in shown if s.co2e], lang)
    k = 1e4 * divisor

    def mass(v: float | None) -> float | None:
        return None if v is None else v / k

    rows = [
        Row(
            "y",
            t("emissions", lang),
            [(int(s.period[:4]), mass(s.co2e)) for s in shown],
            [
                (p.year, *(v / k for v in (p.point, p.lo80, p.hi80, p.lo95, p.hi95)))
                for p in emissions
            ],
            [(p.year, p.point / k, p.lo80 / k, p.hi80 / k) for p in emissions_prev],
            theme.FORECAST_LINE,
            theme.FORECAST_BAND,
            theme.FORECAST_BAND95,
            ",.2f" if divisor != 1 else ",.0f",
        ),
        Row(
            "y2",
            t("intensity", lang),
            [(int(s.period[:4]), s.intensity) for s in shown],
            [(p.year, p.point, p.lo80, p.hi80, p.lo95, p.hi95) for p in intensity],
            [(p.year, p.point, p.lo80, p.hi80) for p in intensity_prev],
            theme.INTENSITY_LINE,
            theme.INTENSITY_BAND,
            theme.INTENSITY_BAND95,
            ".3f",
        ),
    ]
    data: list[dict[str, Any]] = []
    for i, row in enumerate(rows):
        _draw_row(data, row, lang, scale, legend=i == 0)
    notes = []
    records = records or {}
    for metric, y in (("co2e", 1.0), ("intensity", 0.45)):
        if records.get(metric):
            notes.append(_track_note(records[metric], y, lang, scale))
    if path:
        _draw_target(data, notes, path, target, lang, scale)
    # two rows sharing one numeric year axis, laid out by hand (make_subplots costs ~14 ms)
    layout = _layout(
        scale,
        uirevision,
        hovermode="x unified",
        # the key is HTML in the panel's head (layouts.panels.forecast_key): a Plotly legend
        # cost ~40 ms a redraw on the wall's CPU-only browser
        showlegend=False,
        # room above the top row for its track-record label
        margin=dict(
            t=theme.font_px(scale, 0.8) + round(6 * scale) if records else round(12 * scale)
        ),
        annotations=notes,
        xaxis=dict(tickformat="d", hoverformat="d", nticks=8, anchor="y2"),
        yaxis=dict(
            domain=[0.55, 1.0],
            tickformat=",",
            title=dict(text=f"{t('emissions', lang)}<br>{mass_unit}"),
        ),
        yaxis2=dict(
            domain=[0.0, 0.45],
            anchor="x",
            tickformat=",",
            title=dict(text=f"{t('intensity', lang)}<br>{t('unit_intensity', lang)}"),
        ),
    )
    return _figure(data, layout)


def _draw_row(data: list[dict[str, Any]], row: Row, lang: str, scale: float, legend: bool) -> None:
    axes = {"xaxis": "x", "yaxis": row.axis}
    hist_x = [y for y, _ in row.history]
    hist_y = [v for _, v in row.history]
    hover = "%{y:" + row.fmt + "}<extra>"
    data.append(
        dict(
            type="scatter",
            x=hist_x,
            y=hist_y,
            mode="lines",
            line=dict(color=row.colour, width=2.5 * scale),
            name=f"{row.label}·{t('history', lang)}",
            hovertemplate=hover + t("history", lang) + "</extra>",
            showlegend=False,
            **axes,
        )
    )
    _draw_previous(data, row, lang, scale, legend, axes)
    if not row.points:
        return
    x = [p[0] for p in row.points]
    cols = list(zip(*[p[1:] for p in row.points], strict=True))  # point, lo80, hi80, lo95, hi95
    if hist_x and hist_y[-1] is not None and x[0] == hist_x[-1] + 1:
        # join the forecast to the last observation so the dashed line does not float
        x = [hist_x[-1], *x]
        cols = [[hist_y[-1], *c] for c in cols]
    point, lo80, hi80, lo95, hi95 = cols
    # each band one closed polygon (upper edge out, lower edge back): half the traces of a
    # "tonexty" pair, and fewer traces draw faster on the wall's CPU-only browser
    for lo, hi, colour, key in (
        (lo95, hi95, row.band95, "band95"),
        (lo80, hi80, row.band80, "band"),
    ):
        data.append(
            dict(
                type="scatter",
                x=x + x[::-1],
                y=list(hi) + list(lo)[::-1],
                mode="lines",
                line=dict(width=0),
                fill="toself",
                fillcolor=colour,
                name=t(key, lang),
                legendgroup=key,
                showlegend=legend,
                hoverinfo="skip",
                **axes,
            )
        )
    data.append(
        dict(
            type="scatter",
            x=x,
            y=list(point),
            mode="lines",
            line=dict(color=row.colour, width=2 * scale, dash="dash"),
            name=t("forecast", lang),
            legendgroup="forecast",
            showlegend=legend,
            hovertemplate=hover + t("forecast", lang) + "</extra>",
            **axes,
        )
    )


def _draw_previous(
    data: list[dict[str, Any]], row: Row, lang: str, scale: float, legend: bool, axes: dict
) -> None:
    """Last year's forecast, faint; where it covers a year that has happened, its point and
    80 % bar there beside the actual value (the backtest a leader can see)."""
    if not row.previous:
        return
    prev_x = [p[0] for p in row.previous]
    prev_y = [p[1] for p in row.previous]
    origin = prev_x[0] - 1
    start = next((v for y, v in row.history if y == origin and v is not None), None)
    if start is not None:
        prev_x, prev_y = [origin, *prev_x], [start, *prev_y]
    data.append(
        dict(
            type="scatter",
            x=prev_x,
            y=prev_y,
            mode="lines",
            line=dict(color=theme.PREVIOUS, width=1.5 * scale, dash="dot"),
            name=t("last_year_fc", lang),
            legendgroup="previous",
            showlegend=legend,
            hoverinfo="skip",
            **axes,
        )
    )
    hit = backtest(row.history, row.previous)
    if hit is None:
        return
    year, actual, point, lo, hi = hit
    miss = actual / point - 1 if point else None
    inside = lo <= actual <= hi
    fmt = "{:" + row.fmt + "}"
    # one trace, two points: last year's forecast for this year with its 80 % bar, and what
    # happened (green inside the bar, red outside)
    data.append(
        dict(
            type="scatter",
            x=[year, year],
            y=[point, actual],
            mode="markers",
            marker=dict(
                symbol=["diamond-open", "circle"],
                size=[round(9 * scale), round(8 * scale)],
                color=[theme.PREVIOUS, theme.FELL if inside else theme.ROSE],
                line=dict(width=max(1.5, 1.5 * scale)),
            ),
            error_y=dict(
                type="data",
                symmetric=False,
                array=[hi - point, 0.0],
                arrayminus=[point - lo, 0.0],
                color=theme.PREVIOUS,
                thickness=max(1.0, scale),
                width=round(4 * scale),
            ),
            name=t("backtest", lang),
            showlegend=False,
            customdata=[
                t("last_fc_band", lang, lo=fmt.format(lo), hi=fmt.format(hi)),
                _miss_text(miss, inside, lang),
            ],
            hovertemplate="%{y:" + row.fmt + "} %{customdata}<extra></extra>",
            **axes,
        )
    )


def _miss_text(miss: float | None, inside: bool, lang: str) -> str:
    where = t("in_band", lang) if inside else t("out_of_band", lang)
    return t("vs_last_fc", lang, miss=pct(miss), where=where)


def _draw_target(
    data: list[dict[str, Any]],
    notes: list[dict[str, Any]],
    path: list[tuple[int, float]],
    target: Any,
    lang: str,
    scale: float,
) -> None:
    label = t("target_path", lang)
    data.append(
        dict(
            type="scatter",
            x=[y for y, _ in path],
            y=[v for _, v in path],
            mode="lines+markers",
            line=dict(color=theme.TARGET_LINE, width=1.8 * scale, dash="longdash"),
            # a star at the target year only
            marker=dict(
                symbol="star",
                size=[0] * (len(path) - 1) + [round(12 * scale)],
                color=theme.TARGET_LINE,
            ),
            name=label,
            legendgroup="target",
            showlegend=True,
            hovertemplate="%{y:.3f}<extra>" + label + "</extra>",
            xaxis="x",
            yaxis="y2",
        )
    )
    year, value = path[-1]
    notes.append(
        dict(
            # with the precision it was set at: −19.5 %, not −20 % (issue 15)
            text=t("target_at", lang, year=year, change=pct_as_set(target.target_change)),
            x=year,
            y=value,
            xref="x",
            yref="y2",
            xanchor="right",
            yanchor="top",
            yshift=-round(6 * scale),
            showarrow=False,
            font=dict(size=theme.font_px(scale, 0.8), color=theme.TARGET_LINE),
        )
    )


def track_text(plan: Sequence[Any], lang: str = "zh") -> tuple[str, str]:
    """(the one-line label, the hover detail) of a metric's chosen models and backtest record:
    the h3 model, its sMAPE and 80 % coverage; or that the history is too short to backtest,
    or that no model beat naive at some of h3-5, and the naive band is shown."""
    k = 0 if lang == "zh" else 1
    by = {c.horizon: c for c in plan}
    h3 = by.get(3)
    if h3 is None or h3.reason == "short":
        return TRACK_TEXT["short"][k], ""
    models = " · ".join(f"h{c.horizon} {MODEL_NAMES.get(c.model, (c.model,) * 2)[k]}" for c in plan)
    group = TRACK_TEXT["all_levels"][k] if h3.group == "*" else h3.group
    detail = TRACK_TEXT["detail"][k].format(
        group=group,
        series=h3.series,
        origins=h3.origins,
        smape=_pct_abs(h3.smape),
        naive=_pct_abs(h3.naive),
        drift=_pct_abs(h3.drift),
        models=models,
    )
    unbeaten = [c.horizon for c in plan if c.horizon >= 3 and c.model == "naive"]
    if unbeaten:
        hs = f"{unbeaten[0]}–{unbeaten[-1]}" if len(unbeaten) > 1 else str(unbeaten[0])
        return TRACK_TEXT["naive"][k].format(hs=hs), detail
    text = TRACK_TEXT["record"][k].format(
        model=MODEL_NAMES.get(h3.model, (h3.model,) * 2)[k],
        smape=_pct_abs(h3.smape),
        cover=_pct_abs(None if h3.cover80 is None else h3.cover80 * 100, 0),
    )
    return text, detail


def _pct_abs(value: float | None, digits: int = 1) -> str:
    """A percentage already in percent: 5.8%."""
    return "—" if value is None else f"{value:.{digits}f}%"


def _track_note(plan: Sequence[Any], y: float, lang: str, scale: float) -> dict[str, Any]:
    text, detail = track_text(plan, lang)
    return dict(
        text=text,
        hovertext=detail or None,
        x=0,
        y=y,
        xref="paper",
        yref="paper",
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        font=dict(size=theme.font_px(scale, 0.8), color=theme.PREVIOUS),
    )
