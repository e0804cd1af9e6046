"""HTML panel builders: KPI tiles, breadcrumb, detail card, ranking tables, legend, freshness."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dash import html

from layouts import i18n, ids
from layouts.i18n import t


def spark_heights(values: Sequence[float | None]) -> list[int]:
    """Bar heights in percent (20-100) for a sparkline; 0 for a missing value."""
    present = [v for v in values if v is not None]
    if len(present) < 2:
        return []
    lo, hi = min(present), max(present)
    span = hi - lo or 1.0
    return [0 if v is None else round(20 + 80 * (v - lo) / span) for v in values]


def spark(values: Sequence[float | None]) -> html.Div | str:
    """A sparkline of CSS bars: cheap, crisp at any size, needs no graph or glyphs."""
    heights = spark_heights(values)
    if not heights:
        return ""
    return html.Div([html.I(style={"height": f"{h}%"}) for h in heights], className="spark")


def recent_trend(recent: Sequence[Any], lang: str = "zh") -> html.Div | str:
    """The card's recent trend as a leader reads it: the bars with the first and last year
    under them, and the last year's emissions with its change on the year before
    (recent: Summary rows, oldest first)."""
    bars = spark([s.co2e for s in recent])
    if not bars:
        return ""
    first, last = recent[0], recent[-1]
    change = last.co2e_change
    value = [
        html.Span(f"{last.period}{'' if lang == 'en' else '年'} ", className="spark-year"),
        html.Span(mass_co2e(last.co2e, lang), className="spark-last"),
    ]
    if change is not None:
        value += [
            html.Span(" " + t("vs_prev_short", lang) + " "),
            html.Span(i18n.pct(change), className=_change_class(change)),
        ]
    return html.Div(
        [
            bars,
            html.Div([html.Span(first.period), html.Span(last.period)], className="spark-axis"),
            html.Div(value, className="spark-value"),
        ],
        className="spark-block",
    )


def _change_class(change: float | None, *, good_when_down: bool = True) -> str:
    if change is None or change == 0:
        return "kpi-change neutral"
    bad = change > 0 if good_when_down else change < 0
    return "kpi-change bad" if bad else "kpi-change good"


def _tile(metric: str, label: str, value: str, unit: str, foot: Any, cls: str = "") -> html.Div:
    return html.Div(
        [
            html.Div(label, className="kpi-label"),
            html.Div(
                [html.Span(value, className="kpi-value"), html.Span(unit, className="kpi-unit")]
            ),
            html.Div(foot, className="kpi-foot"),
        ],
        id=ids.kpi(metric),
        className=f"kpi-tile {cls}".strip(),
    )


def _vs(summary: Any, change: float | None, lang: str) -> Any:
    if summary is None or summary.prev_period is None or change is None:
        return html.Span(t("no_prev", lang), className="kpi-change neutral")
    return [
        html.Span(t("vs_prev", lang, prev=summary.prev_period) + " "),
        html.Span(i18n.pct(change), className=_change_class(change)),
    ]


def kpi_row(
    summary: Any,
    target: Any,
    children_rows: Sequence[Any],
    *,
    lang: str = "zh",
    dual: Any = None,
) -> list[html.Div]:
    """Six tiles for the focused region and the latest period (``dual``: its dual control)."""
    co2e = i18n.mass_parts(summary.co2e if summary else None, lang)
    co2 = i18n.mass_parts(summary.co2 if summary else None, lang)
    net = i18n.mass_parts(summary.co2e_net if summary else None, lang)
    co2_change = summary.co2_change if summary else None
    gwp = getattr(summary, "gwp_set", None)
    tiles = [
        _tile(
            "co2e",
            t("kpi_co2e_gwp", lang, gwp=gwp) if gwp else t("kpi_co2e", lang),
            co2e[0],
            co2e_unit(co2e[1], lang),
            _vs(summary, summary.co2e_change if summary else None, lang),
        ),
        _tile("co2", t("kpi_co2", lang), co2[0], co2[1], _vs(summary, co2_change, lang)),
        _tile(
            "intensity",
            t("kpi_intensity", lang),
            i18n.intensity(summary.intensity if summary else None),
            t("unit_intensity", lang),
            _vs(summary, summary.intensity_change if summary else None, lang),
        ),
        _target_tile(target, lang, dual),
        _rising_tile(children_rows, lang),
        _tile(
            "net",
            t("kpi_net_gwp", lang, gwp=gwp) if gwp else t("kpi_net", lang),
            net[0],
            co2e_unit(net[1], lang),
            html.Span(
                t("sink", lang, v=i18n.mass(summary.lulucf_co2e, lang)) if summary else "—",
                className="kpi-change good",
            ),
        ),
    ]
    return tiles


def _target_tile(target: Any, lang: str, dual: Any = None) -> html.Div:
    """The assessed intensity against the plan's goal (datasource.targets.TargetTrack): change
    so far coloured by status, the goal with the precision it was set at, the yearly rate still
    needed, the definition it is assessed on with its fallback marks; beside it the running
    plan's dual control (dual_control_line)."""
    if target is None:
        tile = _tile("target", t("kpi_target", lang), "—", "", t("no_target", lang))
        return _with_dual(tile, html.Div(className="kpi-def"), dual, lang)
    status = target.status
    plan = i18n.plan(target.plan, lang)
    goal = t("target_goal", lang, change=i18n.pct_as_set(target.target_change))
    if getattr(target, "definition", None) is not None:  # the goal in the title: no wrap
        label = t("kpi_assessed", lang, plan=plan, goal=i18n.pct_as_set(target.target_change))
        unit = t("since_base", lang, year=target.base_period)
    else:
        label, unit = t("kpi_target_plan", lang, plan=plan), goal
    status_span = html.Span(t(f"status_{status}", lang), className=f"status status-{status}")
    if status == "no_data" or target.change_so_far is None:
        tile = _tile("target", label, "—", unit, status_span, cls="status-no_data")
        return _with_dual(tile, _definition_line(target, lang), dual, lang, target)
    if target.needed_annual_rate is not None and target.needed_annual_rate >= 0:
        need = t("headroom", lang, rate=i18n.pct(target.needed_annual_rate))
    elif target.needed_annual_rate is not None:
        need = t("needed_rate", lang, rate=i18n.pct(target.needed_annual_rate))
    else:
        need = t("target_year_now", lang)
    foot = [html.Span(need + " · "), status_span]
    value = i18n.pct(target.change_so_far)
    tile = _tile("target", label, value, unit, foot, cls=f"status-{status}")
    return _with_dual(tile, _definition_line(target, lang), dual, lang, target)


def _with_dual(
    tile: html.Div, definition: html.Div, dual: Any, lang: str, target: Any = None
) -> html.Div:
    """Faces that take turns (assets/30-targets.css), since one tile this size cannot show it
    all legibly from across the room: the progress with its definition line; the assessed
    intensity itself (value, definition, base year, fallback marks); the closed plan's result;
    the running plan's dual control."""
    faces = [html.Div([*tile.children, definition], className="kpi-face")]
    plan = getattr(target, "plan", None)
    extra = (
        assessed_face(target, lang),
        result_face(dual, plan, lang),
        dual_control_face(dual, lang),
    )
    faces.extend(face for face in extra if face is not None)
    tile.children = [html.Div(faces, className=f"kpi-faces faces-{len(faces)}")]
    return tile


def _definition_line(target: Any, lang: str) -> html.Div:
    """能源活动CO₂ ※下级汇总: what the assessed figure counts, and its first fallback mark
    (the GDP it is divided by is on the assessed face; every mark in the title)."""
    definition = getattr(target, "definition", None)
    if definition is None:
        return html.Div(className="kpi-def")
    marks = [t(f"fallback_{m}", lang) for m in getattr(target, "fallback", ())]
    first = " ※" + marks[0] + ("…" if len(marks) > 1 else "") if marks else ""
    full = getattr(target, "label_en" if lang == "en" else "label_zh", None) or ""
    return html.Div(
        [definition.numerator_label(lang), html.Span(first, className="kpi-fallback")],
        className="kpi-def",
        title=" ".join([full, *marks]),
    )


def assessed_face(target: Any, lang: str) -> html.Div | None:
    """The assessed intensity on its definition: 0.843 吨/万元 = 能源活动CO₂ ÷ 2020年可比价GDP
    (None for a target without a definition or a value)."""
    definition = getattr(target, "definition", None)
    if target is None or definition is None or target.current_value is None:
        return None
    plan = i18n.plan(target.plan, lang)
    title = t("assessed_title", lang, plan=plan, year=target.current_period)
    gdp = definition.gdp_label(lang, getattr(target, "price_base_year", None))
    return html.Div(
        [
            html.Div(title, className="kpi-label"),
            html.Div(
                [
                    html.Span(i18n.intensity(target.current_value), className="kpi-value"),
                    html.Span(t("unit_intensity", lang), className="kpi-unit"),
                ]
            ),
            html.Div(definition.numerator_label(lang), className="kpi-def"),
            html.Div("÷ " + gdp, className="kpi-def"),
        ],
        className="kpi-face",
    )


_CONTROL_NAMES = {"co2_intensity": "dual_intensity", "co2": "dual_total"}


def result_face(dual: Any, plan: str | None, lang: str) -> html.Div | None:
    """A closed plan's result (datasource.dual_control.PlanStanding.result): 已完成 / 未完成 /
    待2025年数据, and each targeted metric's change against its goal; None for a plan that is
    not closed (or has no targeted metric with data)."""
    found = next((p for p in dual or () if p.plan == plan and p.result), None)
    if found is None:
        return None
    name = i18n.plan(found.plan, lang)
    title = t("result_title", lang, plan=name, base=found.base_period, end=found.target_period)
    text = t(f"plan_result_{found.result}", lang, plan=name, year=found.target_period)
    lines = []
    for c in found.controls:
        if c.kind != "change" or c.current_change is None:
            continue
        key = _CONTROL_NAMES.get(c.metric, f"metric_{c.metric}")
        goal = i18n.pct_as_set(c.target_change)
        lines.append(
            html.Div(
                t(
                    "result_line",
                    lang,
                    name=t(key, lang),
                    change=i18n.pct(c.current_change),
                    goal=goal,
                    year=c.current_period,
                ),
                className="kpi-def",
            )
        )
    return html.Div(
        [
            html.Div(title, className="kpi-label"),
            html.Div(
                html.Span(text, className=f"dual-status result-{found.result}"),
                className="dual-cells",
            ),
            *lines[:2],
        ],
        className="kpi-face",
    )


def dual_control_face(dual: Any, lang: str) -> html.Div | None:
    """The running plan's dual control (datasource.dual_control.PlanStanding list): intensity
    and total side by side, each with its status, then each one's definition and target;
    None without a running plan."""
    running = next((p for p in dual or () if p.state == "running" and "FYP" in p.plan), None)
    if running is None:
        return None
    by_metric = {c.metric: c for c in running.controls}
    shown = [
        (key, by_metric[m])
        for m, key in (("co2_intensity", "dual_intensity"), ("co2", "dual_total"))
        if m in by_metric
    ]
    cells = [
        html.Div(
            [html.Span(t(key, lang), className="kpi-unit"), _dual_status(c, running, lang)],
            className="dual-cell",
        )
        for key, c in shown
    ]
    lines = [html.Div(text, className="kpi-def") for text in _dual_terms(shown, lang)]
    name = i18n.plan(running.plan, lang)
    label = t("dual_title", lang, plan=name, base=running.base_period, end=running.target_period)
    return html.Div(
        [
            html.Div(label, className="kpi-label"),
            html.Div(cells, className="dual-cells"),
            *lines,
        ],
        className="kpi-face kpi-dual",
    )


def _dual_terms(shown: list[tuple[str, Any]], lang: str) -> list[str]:
    """Two short lines: the numerator (口径：能源活动CO₂, one per metric when they differ) and
    the intensity's GDP (强度分母：2025年可比价GDP), or the targets when they are set."""
    sep = ": " if lang == "en" else "："
    targeted = [(key, c) for key, c in shown if c.kind is not None]
    if targeted:
        return [f"{t(key, lang)}{sep}{_dual_goal(c, lang)}" for key, c in targeted]
    numerators = {c.definition.numerator_label(lang) for _key, c in shown}
    if len(numerators) == 1:
        lines = [f"{t('dual_scope', lang)}{sep}{numerators.pop()}"]
    else:
        lines = [f"{t(key, lang)}{sep}{c.definition.numerator_label(lang)}" for key, c in shown]
    gdp = next((c.definition for _key, c in shown if c.definition.is_intensity), None)
    if gdp is not None and len(lines) < 2:
        lines.append(f"{t('dual_gdp', lang)}{sep}{gdp.gdp_label(lang)}")
    return lines


def _dual_goal(c: Any, lang: str) -> str:
    """目标 −17% · 已 −3.1% (relative), 上限 95 万吨 · 96 (caps), 累计 480 万吨 · 已用 194."""
    if c.kind == "change":
        text = t("target_goal", lang, change=i18n.pct_as_set(c.target_change)).lstrip("/ ")
        return f"{text} · {i18n.pct(c.current_change)}" if c.current_change is not None else text
    cap = f"{t(f'dual_{c.kind}', lang)} {c.target_value:,.0f} {c.unit}"
    now = c.used if c.kind == "cumulative" else c.current_value
    return f"{cap} · {now:,.0f}" if now is not None else cap


def _dual_status(control: Any, plan: Any, lang: str) -> html.Span:
    status = control.status
    if status == "no_target":
        text = t("dual_no_target", lang)
    elif status == "no_base_data":
        text = t("dual_no_base_data", lang, year=plan.base_period)
    else:
        text = t(f"status_{status}", lang)
    return html.Span(text, className=f"dual-status status status-{status}")


def _rising_tile(rows: Sequence[Any], lang: str) -> html.Div:
    rose = sum(1 for r in rows if r.flag == "rose")
    compared = sum(1 for r in rows if r.flag in ("rose", "fell"))
    unit = "" if lang == "en" or not compared else "个"
    if compared:
        foot = t("of_n", lang, n=compared, k=rose)
    elif not rows:  # a county: nothing below it to compare, not a missing year
        foot = t("no_children", lang)
    elif all(r.intensity is None for r in rows):
        foot = t("no_intensity", lang)
    else:
        foot = t("no_prev", lang)
    cls = "alarm" if rose else ""
    return _tile("rising", t("kpi_rising", lang), f"{rose}" if compared else "—", unit, foot, cls)


def breadcrumb(chain: Sequence[Any], *, root: str, lang: str = "zh") -> list[Any]:
    """全国 › 安徽省 › 合肥市: every level above the focus is a button back up."""
    start = next((i for i, r in enumerate(chain) if r.code == root), 0)
    visible = list(chain[start:])
    parts: list[Any] = []
    for i, info in enumerate(visible):
        if i:
            parts.append(html.Span("›", className="crumb-sep"))
        label = i18n.name(info, lang)
        if i == len(visible) - 1:
            parts.append(html.Span(label, className="crumb current"))
        else:
            parts.append(html.Button(label, id=ids.crumb(info.code), className="crumb", n_clicks=0))
    return parts


def detail_card(
    info: Any,
    summary: Any,
    ranks: tuple[int | None, int | None, int] | None,
    parent: Any,
    recent: Sequence[Any],
    *,
    peak: Any = None,
    policies: Sequence[Any] | None = None,
    lang: str = "zh",
) -> list[Any]:
    """The clicked region: emissions, intensity, rank among its siblings, recent trend, whether
    its emissions have peaked, and its three latest policies."""
    if info is None:
        return []
    head = [html.Div(i18n.name(info, lang), className="detail-name")]
    if getattr(info, "level", "") == "park":
        head.append(
            html.Div(t("detail_park", lang, industry=info.industry or "—"), className="detail-sub")
        )
    rows: list[tuple[str, Any]] = [
        (t("col_co2e", lang), mass_co2e(summary.co2e if summary else None, lang)),
        (
            t("col_intensity", lang),
            f"{i18n.intensity(summary.intensity if summary else None)} {t('unit_intensity', lang)}",
        ),
    ]
    if ranks is not None and parent is not None:
        a, b, n = ranks
        rows.append(
            (
                t("rank_among", lang, parent=i18n.name(parent, lang)),
                t("rank_value", lang, a=a or "—", b=b or "—", n=n),
            )
        )
    trend = recent_trend(recent, lang) if recent else ""
    if trend:
        rows.append((t("last_trend_co2e", lang), trend))
    if peak is not None:
        rows.append(
            (t("peak", lang), html.Span(peak_text(peak, lang), className=_peak_class(peak)))
        )
    body = [_detail_row(k, v) for k, v in rows]
    if policies is not None and info.level != "park":
        body.append(policy_list(policies, lang))
    return head + body


def _detail_row(key: str, value: Any) -> html.Div:
    return html.Div(
        [html.Span(key, className="detail-key"), html.Span(value, className="detail-val")],
        className="detail-row",
    )


def peak_text(peak: Any, lang: str = "zh") -> str:
    """已达峰（峰值年 2013）/ 平台期（峰值年 2021）/ 未达峰 (datasource.targets.PeakStatus):
    a high that is behind the latest year but not yet confirmed is a plateau."""
    if peak.status == "no_data" or peak.peak_year is None:
        return t("peak_none", lang)
    if peak.peaked:
        return t("peak_peaked", lang, year=peak.peak_year)
    if peak.years_since_peak:
        return t("peak_plateau", lang, year=peak.peak_year)
    return t("peak_not", lang)


def _peak_class(peak: Any) -> str:
    if peak.peaked:
        return "peak peaked"
    return "peak plateau" if peak.years_since_peak else "peak rising"


def policy_list(policies: Sequence[Any], lang: str = "zh", n: int = 3) -> html.Div:
    """The region's `n` latest policies: title, then date and 文号 (PolicyMark); the date comes
    first so that a long 文号 is what an ellipsis cuts."""
    items = [
        html.Li(
            [
                html.Div(p.title, className="policy-title", title=p.title),
                html.Div(
                    " · ".join(x for x in (p.issued_on.isoformat(), p.doc_no) if x),
                    className="policy-meta",
                ),
            ]
        )
        for p in policies[:n]
    ]
    body: Any = (
        html.Ul(items, className="policy-list")
        if items
        else html.Div(t("no_policies", lang), className="policy-meta")
    )
    return html.Div(
        [html.Span(t("policies", lang), className="detail-key"), body], className="detail-row"
    )


def park_card(park: Any, rank: tuple[int, int] | None, *, lang: str = "zh") -> list[Any]:
    """A clicked park (layouts.figures_map.ParkMark): emissions, PDI total with its rank within the
    industry, and the three dimension scores as bars on the 0-5 scale."""
    level = (
        t(f"park_level_{park.park_level}", lang)
        if park.park_level in ("national", "provincial")
        else "—"
    )
    head = [
        html.Div(i18n.name(park, lang), className="detail-name"),
        html.Div(
            t("detail_park_level", lang, industry=park.industry or "—", level=level),
            className="detail-sub",
        ),
    ]
    rows: list[Any] = [_detail_row(t("col_co2e", lang), i18n.mass(park.co2e, lang))]
    if park.total is None:
        rows.append(_detail_row(t("pdi_total", lang), t("pdi_none", lang)))
        return head + rows
    total = [html.Span(f"{park.total:.2f}", className="pdi-total")]
    if rank is not None:
        total.append(
            html.Span(
                t("pdi_rank", lang, rank=rank[0], n=rank[1], industry=park.industry or "—"),
                className="pdi-rank",
            )
        )
    rows.append(_detail_row(t("pdi_total", lang), total))
    for dim in ("P", "D", "I"):
        score = getattr(park, dim)
        rows.append(
            _detail_row(
                t(f"pdi_{dim}", lang),
                html.Div(
                    [
                        html.Div(
                            html.I(style={"width": f"{max(0.0, min(score, 5.0)) / 5 * 100:.0f}%"}),
                            className="pdi-bar",
                        ),
                        html.Span(f"{score:.2f}", className="pdi-score"),
                    ],
                    className="pdi-dim",
                ),
            )
        )
    return head + rows


def mass_co2e(tonnes: float | None, lang: str = "zh") -> str:
    """165.0 万吨CO₂e: a mass of greenhouse gases as the card shows it."""
    number, unit = i18n.mass_parts(tonnes, lang)
    return f"{number} {co2e_unit(unit, lang)}".strip().replace("-", "−")


def co2e_unit(unit: str, lang: str) -> str:
    """亿吨 -> 亿吨CO₂e: a gross or net greenhouse-gas mass says it is CO2-equivalent."""
    return f"{unit}{'' if lang == 'zh' else ' '}CO₂e" if unit else unit


ZH_COUNT = "零一二三四五六七八九十"


def column_unit(values: Sequence[float | None], lang: str = "zh") -> tuple[float, str, int]:
    """(divisor, unit, decimals) for one column of masses in tonnes, chosen once per column
    (never per cell): 亿吨 when its largest value reaches 10^8 t, else 万吨 (Mt / kt in
    English); two decimals below 100, one below 1,000, none above, as the KPI tiles round."""
    top = max((abs(v) for v in values if v is not None), default=0.0)
    if lang == "en":
        divisor, unit = (1e6, "Mt") if top >= 1e6 else (1e3, "kt")
    else:
        divisor, unit = (1e8, "亿吨") if top >= 1e8 else (1e4, "万吨")
    scaled = top / divisor
    decimals = 2 if scaled < 100 else (1 if scaled < 1000 else 0)
    return divisor, unit, decimals


def column_number(value: float | None, divisor: float, decimals: int) -> str:
    """A number of a column_unit column as the screen shows it (true minus sign)."""
    if value is None:
        return "—"
    return f"{value / divisor:,.{decimals}f}".replace("-", "−")


@dataclass(frozen=True)
class RankBlock:
    """One ranking table as shown: title, column heads and rows of cell texts; `flags`
    colours each row's change (rose / fell / none)."""

    title: str
    heads: tuple[str, str, str, str]
    rows: tuple[tuple[str, str, str, str], ...]
    names: tuple[str, ...]  # full names (the tooltip of a shortened one)
    flags: tuple[str, ...]


def _change_flag(change: float | None) -> str:
    if change is None or change == 0:
        return "none"
    return "rose" if change > 0 else "fell"


def rank_blocks(rows: Sequence[Any], *, lang: str = "zh", n: int = 5) -> list[RankBlock]:
    """The ranking panel's tables. The emissions tables show each region's emissions and
    their change on the previous period; the intensity tables the intensity and its change.
    Up to `n` sub-regions: one table per metric with all of them; more: top and bottom `n`
    (9 sub-regions give five rows each)."""
    by_e = sorted((r for r in rows if r.co2e is not None), key=lambda r: (-r.co2e, r.code))
    by_i = sorted(
        (r for r in rows if r.intensity is not None), key=lambda r: (-r.intensity, r.code)
    )
    prev = next((r.prev_period for r in rows if getattr(r, "prev_period", None)), None)
    vs = t("vs_year_short", lang, prev=prev) if prev else t("col_vs_prev", lang)
    div, unit, dec = column_unit([r.co2e for r in by_e], lang)
    # the tables' titles name the metric and its unit; the heads stay short enough for 18 px
    e_heads = (t("col_rank", lang), t("col_region", lang), t("col_co2e", lang), vs)
    i_heads = (t("col_rank", lang), t("col_region", lang), t("col_intensity", lang), vs)
    if lang == "en":  # English titles name the metric, the value heads its unit
        e_heads = (t("col_rank", lang), t("col_region", lang), co2e_unit(unit, lang), vs)
        i_heads = (t("col_rank", lang), t("col_region", lang), t("unit_intensity", lang), vs)
    e_unit, i_unit = co2e_unit(unit, lang), t("unit_intensity", lang)

    def block(title: str, items: list[tuple[int, Any]], metric: str) -> RankBlock:
        if lang != "en":
            title = f"{title} · {e_unit if metric == 'co2e' else i_unit}"
        cells, names, flags = [], [], []
        for rank, r in items:
            if metric == "co2e":
                value, change = column_number(r.co2e, div, dec), r.co2e_change
            else:
                value, change = i18n.intensity(r.intensity), r.intensity_change
            cells.append((str(rank), i18n.short_name(r, lang), value, i18n.pct(change)))
            names.append(i18n.name(r, lang))
            flags.append(_change_flag(change) if metric == "co2e" else r.flag)
        heads = e_heads if metric == "co2e" else i_heads
        return RankBlock(title, heads, tuple(cells), tuple(names), tuple(flags))

    def top(ordered: list[Any], k: int) -> list[tuple[int, Any]]:
        return [(i + 1, r) for i, r in enumerate(ordered[:k])]

    def bottom(ordered: list[Any], k: int) -> list[tuple[int, Any]]:
        return [(len(ordered) - i, r) for i, r in enumerate(reversed(ordered[-k:]))]

    if max(len(by_e), len(by_i)) <= n:
        return [
            block(t("rank_co2e_all", lang), top(by_e, n), "co2e"),
            block(t("rank_int_all", lang), top(by_i, n), "intensity"),
        ]
    ke, ki = min(n, len(by_e)), min(n, len(by_i))
    return [
        block(t("rank_co2e_top", lang, n=_count(ke, lang)), top(by_e, ke), "co2e"),
        block(t("rank_co2e_bottom", lang, n=_count(ke, lang)), bottom(by_e, ke), "co2e"),
        block(t("rank_int_top", lang, n=_count(ki, lang)), top(by_i, ki), "intensity"),
        block(t("rank_int_bottom", lang, n=_count(ki, lang)), bottom(by_i, ki), "intensity"),
    ]


def _count(k: int, lang: str) -> str:
    return str(k) if lang == "en" or k >= len(ZH_COUNT) else ZH_COUNT[k]


def ranking_tables(rows: Sequence[Any], *, lang: str = "zh", n: int = 5) -> list[Any]:
    """The ranking panel: the rank_blocks as tables with column heads."""
    if not rows:
        return [html.Div(t("no_children", lang), className="empty-note")]
    return [_rank_table(b) for b in rank_blocks(rows, lang=lang, n=n)]


_RANK_CLASSES = ("rank-no", "rank-name", "rank-val", "rank-chg")


def _rank_table(b: RankBlock) -> html.Div:
    head = html.Thead(
        html.Tr([html.Th(h, className=c) for h, c in zip(b.heads, _RANK_CLASSES, strict=True)])
    )
    body = [
        html.Tr(
            [
                html.Td(no, className="rank-no"),
                html.Td(name, className="rank-name", title=full),
                html.Td(value, className="rank-val"),
                html.Td(change, className=f"rank-chg flag-{flag}"),
            ]
        )
        for (no, name, value, change), full, flag in zip(b.rows, b.names, b.flags, strict=True)
    ]
    return html.Div(
        [
            html.Div(b.title, className="rank-title"),
            html.Table([head, html.Tbody(body)], className="rank"),
        ],
        className="rank-block",
    )


def leaf_breakdown(
    sectors: Sequence[Any], parks: Sequence[Any], period: str | None, *, lang: str = "zh"
) -> list[Any]:
    """The ranking panel of a region without sub-regions (a county): its emissions by sector
    in the latest period with their shares and changes, and its parks by emissions."""
    if not period:
        return [html.Div(t("no_data", lang), className="empty-note")]
    now = {r.sector_code: r for r in sectors if r.period == period}
    prev_period = max((r.period for r in sectors if r.period < period), default=None)
    before = {r.sector_code: r.co2e for r in sectors if r.period == prev_period}
    gross = sum(r.co2e for r in now.values() if r.co2e is not None and r.co2e > 0)
    div, unit, dec = column_unit([r.co2e for r in now.values()], lang)
    vs = t("vs_year_short", lang, prev=prev_period) if prev_period else t("col_vs_prev", lang)
    rows = []
    for code in sorted(now):
        r = now[code]
        share = r.co2e / gross if gross and r.co2e is not None and r.co2e > 0 else None
        old = before.get(code)
        change = r.co2e / old - 1 if r.co2e is not None and old else None
        # a net sink (LULUCF below zero): a change of a negative value is no good or bad sign
        flag = "none" if (r.co2e or 0) < 0 else _change_flag(change)
        rows.append(
            html.Tr(
                [
                    html.Td(sector_name(r, lang), className="rank-name"),
                    html.Td(column_number(r.co2e, div, dec), className="rank-val"),
                    html.Td("—" if share is None else f"{share * 100:.1f}%", className="rank-val"),
                    html.Td(i18n.pct(change), className=f"rank-chg flag-{flag}"),
                ]
            )
        )
    heads = (
        t("col_sector", lang),
        co2e_unit(unit, lang),
        t("share_col", lang),
        vs,
    )
    blocks = [
        html.Div(
            [
                html.Div(t("leaf_sectors", lang, period=period), className="rank-title"),
                html.Table(
                    [
                        html.Thead(html.Tr([html.Th(h) for h in heads])),
                        html.Tbody(rows),
                    ],
                    className="rank rank-sectors",
                ),
            ],
            className="rank-block rank-wide",
        )
    ]
    if parks:
        ordered = sorted(parks, key=lambda p: (-(p.co2e or 0.0), p.code))
        pdiv, punit, pdec = column_unit([p.co2e for p in ordered], lang)
        prow = [
            html.Tr(
                [
                    html.Td(i18n.name(p, lang), className="rank-name", title=i18n.name(p, lang)),
                    html.Td(p.industry or "—", className="rank-name"),
                    html.Td(column_number(p.co2e, pdiv, pdec), className="rank-val"),
                    html.Td("—" if p.total is None else f"{p.total:.2f}", className="rank-val"),
                ]
            )
            for p in ordered[:4]
        ]
        pheads = (
            t("parks", lang),
            t("col_industry", lang),
            co2e_unit(punit, lang),
            t("pdi_total", lang),
        )
        blocks.append(
            html.Div(
                [
                    html.Div(t("leaf_parks", lang, n=len(parks)), className="rank-title"),
                    html.Table(
                        [html.Thead(html.Tr([html.Th(h) for h in pheads])), html.Tbody(prow)],
                        className="rank rank-parks",
                    ),
                ],
                className="rank-block rank-wide",
            )
        )
    return blocks


def sector_name(row: Any, lang: str) -> str:
    """A sector's short name on the wall (the trend legend's), else the sector table's."""
    from layouts.figures import SECTOR_SHORT

    short = SECTOR_SHORT.get(row.sector_code)
    if short:
        return short[1] if lang == "en" else short[0]
    return row.name_en if lang == "en" else row.name_zh


def map_legend(
    period: str | None, prev: str | None, *, lang: str = "zh", mode: str = "intensity"
) -> list[Any]:
    """The map's flag legend, naming both periods it compares (and, when the map is coloured by
    target status, saying so: the panel's title names intensity)."""
    note = (
        [html.Span(t("map_mode_note_target", lang), className="legend-item legend-note")]
        if mode == "target"
        else []
    )
    if not period or not prev:
        return note
    return note + [
        html.Span(
            [html.I(className="swatch rose"), t("rose", lang, now=period, prev=prev)],
            className="legend-item",
        ),
        html.Span(
            [html.I(className="swatch fell"), t("fell", lang, now=period, prev=prev)],
            className="legend-item",
        ),
    ]


def freshness(period: str | None, updated: str | None, *, lang: str = "zh") -> str:
    if not period:
        return t("fresh_none", lang)
    return t("fresh", lang, period=period, at=updated or "—")


@dataclass(frozen=True)
class ExportNote:
    """What the export's source/definition line names."""

    version: int | None
    gwp_set: str
    exported_at: str  # already in the people's time zone, with its name


def ranking_export(
    rows: Sequence[Any], *, period: str, note: ExportNote, lang: str = "zh"
) -> tuple[list[tuple[str, str]], list[dict[str, Any]], str]:
    """(columns, records, source line) of the wall's ranking export: every sub-region with
    both ranks, in the screen's units (亿吨 or 万吨 chosen per column), rounded as shown,
    changes as percentages, headers in the page's language."""
    from layouts.figures import rank_positions

    zh = lang != "en"
    ranks = rank_positions(rows)
    e_div, e_unit, e_dec = column_unit([r.co2e for r in rows], lang)
    c_div, c_unit, c_dec = column_unit([r.co2 for r in rows], lang)
    gwp = note.gwp_set
    columns = [
        ("code", "地区代码" if zh else "Code"),
        ("region", "地区" if zh else "Region"),
        ("period", "数据期" if zh else "Period"),
        ("rank_e", "排放量排名" if zh else "Rank by emissions"),
        ("rank_i", "强度排名" if zh else "Rank by intensity"),
        (
            "co2e",
            f"温室气体排放量（{e_unit}CO₂e，{gwp}）"
            if zh
            else f"GHG emissions ({e_unit} CO₂e, {gwp})",
        ),
        ("co2e_change", "排放量较上年" if zh else "Emissions change"),
        ("co2", f"二氧化碳排放量（{c_unit}）" if zh else f"CO₂ emissions ({c_unit})"),
        (
            "intensity",
            f"碳排放强度（{t('unit_intensity', 'zh')}）"
            if zh
            else f"Carbon intensity ({t('unit_intensity', 'en')})",
        ),
        ("intensity_change", "强度较上年" if zh else "Intensity change"),
        ("gdp_basis", "强度分母" if zh else "GDP basis"),
        ("source", "数据来源" if zh else "Source"),
    ]
    records = [
        {
            "code": r.code,
            "region": i18n.name(r, lang),
            "period": period,
            "rank_e": ranks[r.code][0],
            "rank_i": ranks[r.code][1],
            "co2e": _rounded(r.co2e, e_div, e_dec),
            "co2e_change": export_pct(r.co2e_change),
            "co2": _rounded(r.co2, c_div, c_dec),
            "intensity": _rounded(r.intensity, 1.0, 3 if (r.intensity or 0) < 10 else 2),
            "intensity_change": export_pct(r.intensity_change),
            "gdp_basis": gdp_basis_text(r, lang),
            "source": t("derived", lang) if r.derived else t("own_records", lang),
        }
        for r in rows
    ]
    version = "—" if note.version is None else str(note.version)
    line = t("export_note", lang, version=version, gwp=gwp, at=note.exported_at)
    return columns, records, line


def _rounded(value: float | None, divisor: float, decimals: int) -> float | None:
    return None if value is None else round(value / divisor, decimals)


def export_pct(fraction: float | None) -> str | None:
    """−0.0532 -> "−5.3%", 0.019 -> "1.9%": one decimal as on screen; no leading + or ASCII -
    (the spreadsheet layer would mark such a cell as text against formula injection)."""
    if fraction is None:
        return None
    text = f"{abs(fraction) * 100:.1f}%"
    return "−" + text if fraction < 0 and text != "0.0%" else text


def gdp_basis_text(row: Any, lang: str = "zh") -> str:
    """The GDP an intensity was divided by: constant prices (with the base year when known),
    current prices where constant-price GDP was missing (a fall-back, marked), or none."""
    basis = getattr(row, "intensity_basis", None)
    year = getattr(row, "gdp_base_year", None)
    if basis == "constant":
        return t("basis_constant_year", lang, year=year) if year else t("basis_constant", lang)
    if basis == "current":
        return t("basis_current", lang)
    return "—"


def forecast_key(lang: str = "zh") -> html.Div:
    """The forecast panel's key, in HTML beside its title (cheaper than a Plotly legend)."""
    items = [
        ("key-forecast", t("forecast", lang)),
        ("key-bands", t("bands", lang)),
        ("key-previous", t("last_year_fc", lang)),
        ("key-target", t("target_path", lang)),
    ]
    return html.Div(
        [
            html.Span([html.I(className=f"key {cls}"), label], className="legend-item")
            for cls, label in items
        ],
        className="map-legend forecast-key",
    )
