"""HTML panel builders: KPI tiles, breadcrumb, detail card, ranking tables, legend, freshness."""

from __future__ import annotations

from collections.abc import Sequence
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
    tiles = [
        _tile(
            "co2e",
            t("kpi_co2e", lang),
            co2e[0],
            co2e[1],
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
            t("kpi_net", lang),
            net[0],
            net[1],
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
    assessed = getattr(target, "definition", None) is not None
    label = t("kpi_assessed" if assessed else "kpi_target_plan", lang, plan=plan)
    result = _plan_result(dual, target.plan, lang)
    if result:
        label = f"{label} · {result}"
    goal = t("target_goal", lang, change=i18n.pct_as_set(target.target_change))
    status_span = html.Span(t(f"status_{status}", lang), className=f"status status-{status}")
    if status == "no_data" or target.change_so_far is None:
        tile = _tile("target", label, "—", goal, status_span, cls="status-no_data")
        return _with_dual(tile, _definition_line(target, lang), dual, lang, target)
    if target.needed_annual_rate is not None and target.needed_annual_rate >= 0:
        need = t("headroom", lang, rate=i18n.pct(target.needed_annual_rate))
    elif target.needed_annual_rate is not None:
        need = t("needed_rate", lang, rate=i18n.pct(target.needed_annual_rate))
    else:
        need = t("target_year_now", lang)
    foot = [html.Span(need + " · "), status_span]
    value = i18n.pct(target.change_so_far)
    tile = _tile("target", label, value, goal, foot, cls=f"status-{status}")
    return _with_dual(tile, _definition_line(target, lang), dual, lang, target)


def _with_dual(
    tile: html.Div, definition: html.Div, dual: Any, lang: str, target: Any = None
) -> html.Div:
    """Faces that take turns (assets/30-targets.css), since one tile this size cannot show it
    all legibly from across the room: the progress with its definition line; the assessed
    intensity itself (value, definition, base year, fallback marks); the running plan's dual
    control."""
    faces = [html.Div([*tile.children, definition], className="kpi-face")]
    for face in (assessed_face(target, lang), dual_control_face(dual, lang)):
        if face is not None:
            faces.append(face)
    tile.children = [html.Div(faces, className=f"kpi-faces faces-{len(faces)}")]
    return tile


def _definition_line(target: Any, lang: str) -> html.Div:
    """能源活动CO₂／2020年可比价GDP ※: what the assessed figure is (※: a fallback, named on the
    assessed face)."""
    label = getattr(target, "label_en" if lang == "en" else "label_zh", None)
    if not label:
        return html.Div(className="kpi-def")
    mark = " ※" if getattr(target, "fallback", ()) else ""
    return html.Div([label, html.Span(mark, className="kpi-fallback")], className="kpi-def")


def assessed_face(target: Any, lang: str) -> html.Div | None:
    """The assessed intensity on its definition: 0.843 吨/万元, 能源活动CO₂／2020年可比价GDP,
    its base-year value and the fallback marks (None for a target without a definition)."""
    label = getattr(target, "label_en" if lang == "en" else "label_zh", None)
    if target is None or not label or target.current_value is None:
        return None
    plan = i18n.plan(target.plan, lang)
    base = ""
    if target.base_value is not None:
        value = i18n.intensity(target.base_value)
        base = t("assessed_base", lang, year=target.base_period, value=value)
    marks = [t(f"fallback_{m}", lang) for m in getattr(target, "fallback", ())]
    title = t("assessed_title", lang, plan=plan, year=target.current_period)
    return html.Div(
        [
            html.Div(title, className="kpi-label"),
            html.Div(
                [
                    html.Span(i18n.intensity(target.current_value), className="kpi-value"),
                    html.Span(t("unit_intensity", lang), className="kpi-unit"),
                ]
            ),
            html.Div(label, className="kpi-def"),
            html.Div(
                [
                    base,
                    html.Span(" ※" + "、".join(marks) if marks else "", className="kpi-fallback"),
                ],
                className="kpi-def",
            ),
        ],
        className="kpi-face",
    )


def _plan_result(dual: Any, plan: str, lang: str) -> str:
    """十四五：已完成 / 未完成 / 待2025年数据 for a closed plan the tile shows; "" otherwise."""
    found = next((p for p in dual or () if p.plan == plan and p.result), None)
    if found is None:
        return ""
    return t(
        f"plan_result_{found.result}",
        lang,
        plan=i18n.plan(plan, lang),
        year=found.target_period,
    ).split("：" if lang != "en" else ": ", 1)[-1]


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
    label = t("dual_title", lang, plan=i18n.plan(running.plan, lang))
    period = f"（{running.base_period}→{running.target_period}）"
    return html.Div(
        [
            html.Div(label + period, className="kpi-label"),
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
    unit = "" if lang == "en" else "个"
    foot = t("of_n", lang, n=compared, k=rose) if compared else t("no_prev", lang)
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
        (t("col_co2e", lang), i18n.mass(summary.co2e if summary else None, lang)),
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
    if recent:
        first, last = recent[0], recent[-1]
        rows.append(
            (
                f"{t('last_trend', lang)} {first.period}–{last.period}",
                spark([s.co2e for s in recent]),
            )
        )
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


def ranking_tables(rows: Sequence[Any], *, lang: str = "zh", n: int = 5) -> list[Any]:
    """Top and bottom children by emissions and by intensity (four small tables)."""
    if not rows:
        return [html.Div(t("no_children", lang), className="empty-note")]
    by_e = [r for r in rows if r.co2e is not None]
    by_e.sort(key=lambda r: (-r.co2e, r.code))
    by_i = [r for r in rows if r.intensity is not None]
    by_i.sort(key=lambda r: (-r.intensity, r.code))
    n = min(n, max(1, len(rows) // 2)) if len(rows) > 1 else 1
    blocks = [
        (t("rank_co2e_top", lang), [(i + 1, r) for i, r in enumerate(by_e[:n])], "co2e"),
        (
            t("rank_co2e_bottom", lang),
            [(len(by_e) - i, r) for i, r in enumerate(reversed(by_e[-n:]))],
            "co2e",
        ),
        (t("rank_int_top", lang), [(i + 1, r) for i, r in enumerate(by_i[:n])], "intensity"),
        (
            t("rank_int_bottom", lang),
            [(len(by_i) - i, r) for i, r in enumerate(reversed(by_i[-n:]))],
            "intensity",
        ),
    ]
    return [_rank_table(title, items, metric, lang) for title, items, metric in blocks]


def _rank_table(title: str, items: list[tuple[int, Any]], metric: str, lang: str) -> html.Div:
    body = []
    for rank, r in items:
        value = i18n.mass(r.co2e, lang) if metric == "co2e" else i18n.intensity(r.intensity)
        body.append(
            html.Tr(
                [
                    html.Td(str(rank), className="rank-no"),
                    html.Td(
                        i18n.short_name(r, lang), className="rank-name", title=i18n.name(r, lang)
                    ),
                    html.Td(value, className="rank-val"),
                    html.Td(i18n.pct(r.intensity_change), className=f"rank-chg flag-{r.flag}"),
                ]
            )
        )
    return html.Div(
        [html.Div(title, className="rank-title"), html.Table(html.Tbody(body), className="rank")],
        className="rank-block",
    )


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


def ranking_frame(rows: Sequence[Any], *, period: str, lang: str = "zh"):  # -> pd.DataFrame
    """Every child with both ranks, for the CSV / XLSX export (values in t and t/万元)."""
    import pandas as pd

    from layouts.figures import rank_positions

    ranks = rank_positions(rows)
    zh = lang != "en"
    columns = (
        [
            "地区代码",
            "地区",
            "数据期",
            "排放量排名",
            "强度排名",
            "温室气体排放量(吨CO2e)",
            "二氧化碳排放量(吨)",
            "碳排放强度(吨/万元)",
            "强度变化",
            "排放量变化",
            "是否下级汇总",
        ]
        if zh
        else [
            "code",
            "region",
            "period",
            "rank_emissions",
            "rank_intensity",
            "co2e_t",
            "co2_t",
            "intensity_t_per_10k_cny",
            "intensity_change",
            "co2e_change",
            "derived",
        ]
    )
    data = [
        [
            r.code,
            i18n.name(r, lang),
            period,
            ranks[r.code][0],
            ranks[r.code][1],
            r.co2e,
            r.co2,
            r.intensity,
            r.intensity_change,
            r.co2e_change,
            bool(r.derived),
        ]
        for r in rows
    ]
    return pd.DataFrame(data, columns=columns)


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
