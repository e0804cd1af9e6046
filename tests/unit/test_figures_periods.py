"""The period page's pure builders: seasonal lines per year, 同比 bars, days, the credit."""

from __future__ import annotations

from types import SimpleNamespace

from layouts import figures_periods, theme
from layouts.pages import periods as page


def _month(period, co2e, change=None, complete=True):
    return SimpleNamespace(
        period=period, co2e=co2e, co2e_change=change, complete=complete, prev_label_zh=None
    )


def test_seasonal_draws_one_line_per_year_and_marks_a_month_still_filling():
    rows = [_month("2024-01", 1e4), _month("2024-02", 2e4), _month("2025-01", 3e4, complete=False)]
    fig = figures_periods.seasonal(rows)
    assert [t.name for t in fig.data] == ["2024年", "2025年"]
    assert list(fig.data[0].x) == ["1月", "2月"] and list(fig.data[0].y) == [1.0, 2.0]
    assert list(fig.data[1].marker.symbol) == ["circle-open"]


def test_yoy_bars_colour_rises_red_and_falls_green():
    rows = [_month("2025-01", 1.0, 0.1), _month("2025-02", 1.0, -0.25), _month("2024-12", 1.0, 0.5)]
    fig = figures_periods.yoy_bars(rows, year="2025")
    assert list(fig.data[0].x) == ["1月", "2月"]
    assert list(fig.data[0].y) == [0.1 * 100, -25.0]
    assert list(fig.data[0].marker.color) == [theme.ROSE, theme.FELL]
    empty = figures_periods.yoy_bars([_month("2025-01", 1.0)], year="2025")
    assert empty.layout.annotations[0].text == "无同期数据可比"


def test_days_put_the_month_beside_the_same_month_a_year_earlier():
    rows = [_month("2019-02-01", 5e4), _month("2020-02-01", 3e4), _month("2020-02-02", 4e4)]
    fig = figures_periods.days(rows, month="2020-02")
    assert [t.name for t in fig.data] == ["2019年2月", "2020年2月"]
    assert list(fig.data[1].x) == [1, 2] and list(fig.data[1].y) == [3.0, 4.0]


def test_the_credit_names_the_dataset_licence_and_link():
    source = SimpleNamespace(
        name_zh="数据集", name_en="Dataset", licence="CC BY 4.0", url="https://x"
    )
    parts = page.credit([source])
    assert [getattr(p, "children", None) for p in parts] == [
        "数据来源：",
        "数据集",
        " · CC BY 4.0 · ",
        "https://x",
    ]
    assert page.credit([]) == []
