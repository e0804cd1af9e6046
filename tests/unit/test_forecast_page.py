"""The forecast backtest page (layouts/pages/forecasts.py): the table and the summary lines on
hand-made rows, and its place in the router and the navigation."""

from __future__ import annotations

from types import SimpleNamespace as Row

from dash import html

from layouts import router
from layouts.pages import analysis
from layouts.pages import forecasts as page


def texts(component) -> list[str]:
    out = []

    def walk(c):
        if isinstance(c, str):
            out.append(c)
        elif isinstance(c, list | tuple):
            for x in c:
                walk(x)
        elif hasattr(c, "children"):
            walk(c.children)

    walk(component)
    return out


def score(level, model, h, smape, cover80, chosen=False):
    return Row(level=level, model=model, horizon=h, smape=smape, cover80=cover80, chosen=chosen)


def test_the_table_has_a_row_per_level_and_model_with_the_chosen_cells_starred():
    rows = [score("county", "naive", h, 5.0 + h, 0.7) for h in (1, 2, 3)]
    rows += [score("county", "theta", h, 4.0 + h, 0.815, chosen=True) for h in (1, 2, 3)]
    rows += [score("*", "naive", 1, 6.0, 0.8)]
    table = page.table(rows, "zh")
    body = table.children[0].children[1].children
    assert [texts(tr) for tr in body] == [
        ["区县", "朴素预测", "6.00%", "7.00%", "8.00%", "—", "—", "70%", "70%", "70%", "—", "—"],
        ["区县", "Theta"]
        + ["5.00% ★", "6.00% ★", "7.00% ★", "—", "—"]
        + ["82%", "82%", "82%", "—", "—"],
        ["全部层级", "朴素预测", "6.00%", "—", "—", "—", "—", "80%", "—", "—", "—", "—"],
    ]
    heads = texts(table.children[0].children[0])
    assert heads[:4] == ["层级", "模型", "sMAPE h1", "sMAPE h2"]
    assert heads[-1] == "80%覆盖 h5"
    assert texts(page.table([], "en")) == [
        "No backtest yet: forecasts not computed, or too few years of data"
    ]


def test_the_summary_says_what_each_level_chose_and_when_it_borrowed():
    def plan(model, group):
        return [
            Row(
                horizon=h,
                model=model,
                reason="backtest",
                group=group,
                smape=5.8,
                naive=7.7,
                drift=9.4,
                cover80=0.82,
                cover95=0.9,
                scores=60,
                series=31,
                origins=12,
            )
            for h in range(1, 6)
        ]

    lines = page.summary(
        [("province", "province", plan("theta", "province")), ("park", "*", plan("drift", "*"))],
        "zh",
    )
    assert texts(lines) == [
        "省：Theta · 回测误差 h3 5.8%，80% 区间覆盖 82%",
        "园区：漂移 · 回测误差 h3 5.8%，80% 区间覆盖 82%（序列太少，沿用全部层级的选择）",
    ]
    english = page.summary([("park", "*", plan("drift", "*"))], "en")
    assert texts(english) == [
        "park: drift · backtest sMAPE h3 5.8%, 80% PI coverage 82% (too few series: all levels' "
        "choice)"
    ]


def test_the_page_is_routed_and_in_the_navigation():
    assert router.pages()["/analysis/forecasts"] is page.build
    assert ("/analysis/forecasts", "nav_forecasts") in analysis.NAV
    assert analysis.tr("nav_forecasts") == "预测回测"
    built = page.build(None, {"metric": "intensity"}, "en")
    assert isinstance(built, html.Div)
    picker = find(built, page.ids.FC_METRIC)
    assert picker.value == "intensity"
    # inside the analysis pages' frame: the navigation and a shareable address
    assert find(built, analysis.ids.url("forecasts")) is not None
    assert find(built, analysis.ids.lang_link("forecasts")) is not None


def find(node, target):
    """The component with id ``target`` in the tree under ``node`` (None: not there)."""
    if getattr(node, "id", None) == target:
        return node
    kids = getattr(node, "children", None)
    for kid in kids if isinstance(kids, list | tuple) else [kids] if kids is not None else []:
        hit = find(kid, target)
        if hit is not None:
            return hit
    return None
