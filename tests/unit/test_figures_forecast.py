"""layouts.figures_outlook: stored forecasts with both bands, last year's forecast against what
happened, and the intensity target's path, on hand-made rows."""

from __future__ import annotations

from types import SimpleNamespace as Row

import pytest

from layouts import figures_outlook, theme


@pytest.fixture(autouse=True, scope="module")
def _template():
    theme.install()


def fp(year, point, spread=0.1, origin=2024):
    return Row(
        year=year,
        point=point,
        lo80=point * (1 - spread),
        hi80=point * (1 + spread),
        lo95=point * (1 - 2 * spread),
        hi95=point * (1 + 2 * spread),
        origin=origin,
    )


HISTORY = [
    Row(period=str(y), co2e=1e6 * (y - 2000), intensity=2.0 - 0.05 * (y - 2010))
    for y in range(2010, 2025)
]
TARGET = Row(
    base_period="2020",
    target_period="2025",
    base_value=1.5,
    target_value=1.5 * 0.82,
    target_change=-0.18,
)


def by_name(fig, name):
    return [t for t in fig.data if t.name == name]


def test_target_path_is_a_constant_yearly_rate_from_base_to_goal():
    path = figures_outlook.target_path(TARGET)
    assert [y for y, _ in path] == [2020, 2021, 2022, 2023, 2024, 2025]
    assert path[0][1] == pytest.approx(1.5)
    assert path[-1][1] == pytest.approx(1.23)
    assert path[1][1] / path[0][1] == pytest.approx(path[5][1] / path[4][1])
    assert figures_outlook.target_path(None) == []
    assert figures_outlook.target_path(Row(**{**TARGET.__dict__, "base_value": None})) == []


def test_backtest_takes_the_latest_year_that_has_happened():
    history = [(2023, 10.0), (2024, 12.0)]
    previous = [(2024, 11.0, 10.0, 12.5), (2025, 11.5, 10.0, 13.0)]
    assert figures_outlook.backtest(history, previous) == (2024, 12.0, 11.0, 10.0, 12.5)
    assert figures_outlook.backtest(history, [(2026, 1.0, 0.5, 2.0)]) is None


def test_forecast_draws_both_bands_the_dashed_outlook_and_the_target_path():
    fig = figures_outlook.forecast(
        HISTORY,
        [fp(2025, 2.6e7), fp(2026, 2.7e7)],
        [fp(2025, 1.25), fp(2026, 1.2)],
        target=TARGET,
    )
    history = fig.data[0]
    assert list(history.x) == list(range(2013, 2025))  # the last 12 years
    assert list(history.y)[-1] == pytest.approx(2400.0)  # 万吨
    band95, band80 = by_name(fig, "95% 区间"), by_name(fig, "80% 区间")
    assert [t.yaxis for t in band95] == ["y", "y2"]
    assert band95[0].fillcolor == theme.FORECAST_BAND95
    assert band80[1].fillcolor == theme.INTENSITY_BAND
    # one closed polygon per band, joined to the last observation: upper edge out, lower back
    assert list(band80[0].x) == [2024, 2025, 2026, 2026, 2025, 2024]
    assert list(band80[0].y) == pytest.approx([2400.0, 2860.0, 2970.0, 2430.0, 2340.0, 2400.0])
    assert band80[0].fill == "toself"
    outlook = by_name(fig, "预测")
    assert [t.line.dash for t in outlook] == ["dash", "dash"]
    path = by_name(fig, "目标路径")[0]
    assert path.yaxis == "y2" and path.line.dash == "longdash"
    assert list(path.x) == [2020, 2021, 2022, 2023, 2024, 2025]
    assert list(path.marker.size) == [0, 0, 0, 0, 0, 12]  # a star at the target year
    assert len(fig.data) == 9  # 2 rows x (history, two bands, outlook) + the target path

    assert fig.layout.annotations[0].text == "目标 2025年 −18%"
    assert fig.layout.xaxis.tickformat == "d"


def test_last_years_forecast_is_faint_with_the_actual_value_marked():
    previous = [fp(2024, 2.5e7, origin=2023), fp(2025, 2.6e7, origin=2023)]
    fig = figures_outlook.forecast(
        HISTORY, [fp(2025, 2.6e7)], [], emissions_prev=previous, intensity_prev=[]
    )
    line = by_name(fig, "去年预测")[0]
    assert line.line.dash == "dot" and line.line.color == theme.PREVIOUS
    assert list(line.x) == [2023, 2024, 2025]  # from the origin year's actual value
    both = by_name(fig, "去年预测与实际")[0]
    assert list(both.x) == [2024, 2024]
    assert list(both.y) == [2500.0, 2400.0]  # last year's forecast for 2024, then the actual
    assert list(both.error_y.array) == pytest.approx([250.0, 0.0])
    assert list(both.marker.symbol) == ["diamond-open", "circle"]
    assert list(both.marker.color) == [theme.PREVIOUS, theme.FELL]  # inside 2250-2750
    assert list(both.customdata) == [
        "去年预测（80%：2,250–2,750）",
        "实际，较去年预测 −4.0%，在区间内",
    ]
    assert fig.layout.showlegend is False  # the key is HTML (panels.forecast_key)


def test_an_actual_outside_last_years_interval_is_red():
    previous = [fp(2024, 3.0e7, spread=0.05, origin=2023)]
    fig = figures_outlook.forecast(HISTORY, [], [], emissions_prev=previous, lang="en")
    both = by_name(fig, "Prior forecast vs actual")[0]
    assert list(both.marker.color)[1] == theme.ROSE
    assert list(both.customdata)[1] == "actual, −20.0% vs prior forecast, outside the interval"


def test_no_history_is_a_calm_empty_state():
    assert figures_outlook.forecast([], [], []).layout.annotations[0].text == "暂无数据"


def choice(h, model, reason="backtest", **kw):
    base = dict(
        group="*",
        smape=5.8,
        naive=7.7,
        drift=9.4,
        cover80=0.82,
        cover95=0.93,
        scores=600,
        series=3509,
        origins=12,
    )
    return Row(horizon=h, model=model, reason=reason, **{**base, **kw})


PLAN = [choice(1, "ets_drift"), choice(2, "ets_drift")] + [choice(h, "theta") for h in (3, 4, 5)]


def test_the_track_record_names_the_model_its_h3_error_and_coverage():
    text, detail = figures_outlook.track_text(PLAN)
    assert text == "Theta · 回测误差 h3 5.8%，80% 区间覆盖 82%"
    assert detail == (
        "按全部层级回测：3509 个序列，12 个起点（h3）<br>h3 误差：所选 5.8% · 朴素 7.7% · "
        "漂移 9.4%<br>h1 阻尼趋势+漂移 · h2 阻尼趋势+漂移 · h3 Theta · h4 Theta · h5 Theta"
    )
    county = [choice(h, "drift_recent", group="county") for h in range(1, 6)]
    text, detail = figures_outlook.track_text(county, "en")
    assert text == "recent drift · backtest sMAPE h3 5.8%, 80% PI coverage 82%"
    assert detail.startswith("backtest of county: 3509 series, 12 origins (h3)")


def test_the_track_record_says_when_naive_is_unbeaten_or_the_pool_too_short():
    unbeaten = PLAN[:3] + [choice(4, "naive"), choice(5, "naive")]
    assert figures_outlook.track_text(unbeaten)[0] == "无模型胜过朴素预测（h4–5）· 显示朴素预测区间"
    short = [choice(h, "naive", reason="short") for h in range(1, 6)]
    assert figures_outlook.track_text(short, "en") == (
        "too short to backtest · naive band shown",
        "",
    )


def test_the_panel_labels_each_row_with_its_track_record_and_the_target_as_set():
    target = Row(**{**TARGET.__dict__, "target_change": -0.195})
    fig = figures_outlook.forecast(
        HISTORY,
        [fp(2025, 2.6e7)],
        [fp(2025, 1.25)],
        target=target,
        records={"co2e": PLAN, "intensity": [choice(h, "drift") for h in range(1, 6)]},
    )
    notes = [(a.text, a.y) for a in fig.layout.annotations]
    assert notes == [
        ("Theta · 回测误差 h3 5.8%，80% 区间覆盖 82%", 1.0),
        ("漂移 · 回测误差 h3 5.8%，80% 区间覆盖 82%", 0.45),
        ("目标 2025年 −19.5%", pytest.approx(1.5 * 0.82)),
    ]
    assert fig.layout.margin.t == theme.font_px(1.0, 0.8) + 6


def test_a_target_on_another_numerator_is_drawn_at_its_rate_from_the_plotted_line():
    # assessed on energy-activity CO2 (1.2 in 2020) while the panel plots all CO2 (1.5 in 2020)
    assessed = Row(**{**TARGET.__dict__, "base_value": 1.2, "target_value": 1.2 * 0.82})
    path = figures_outlook.target_path(assessed, anchor=1.5)
    assert path[0] == (2020, pytest.approx(1.5))
    assert path[-1] == (2025, pytest.approx(1.23))
    fig = figures_outlook.forecast(HISTORY, [fp(2025, 1e7)], [fp(2025, 1.2)], target=assessed)
    drawn = by_name(fig, "目标路径")[0]
    assert list(drawn.x)[0] == 2020
    assert list(drawn.y)[0] == pytest.approx(1.5)  # not 1.2, the other numerator's scale
