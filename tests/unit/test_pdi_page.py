"""The parks page's pure builders: radar, ranking bars, grid rows, the seed's table, URL state."""

from __future__ import annotations

import pytest
from dash import html

from layouts import figures_pdi
from layouts.pages import parks as page

SEED = {"P": 0.5, "D": 0.3, "I": 0.2}


def park(code, name, p, d, i, total, rank, rank_p, **extra):
    return {
        "code": code,
        "name_zh": name,
        "province_zh": "广东省",
        "industry": "电子信息",
        "park_level": "national",
        "P": p,
        "D": d,
        "I": i,
        "total": total,
        "rank": rank,
        "rank_P": rank_p,
        "rank_D": 1,
        "rank_I": 1,
        "stage": "mature",
        **extra,
    }


ROWS = [
    park("A", "园区A", 2.94, 1.84, 3.65, 2.752, 1, 3),
    park("B", "园区B", 3.08, 2.89, 1.70, 2.747, 2, 2),
    park("C", "园区C", 3.21, 1.44, 1.90, 2.417, 3, 1),
]


def test_ranking_bar_stacks_weighted_contributions_that_add_up_to_the_total():
    fig = figures_pdi.ranking_bar(ROWS, SEED)
    bars = [t for t in fig.data if t.type == "bar"]
    assert [t.name for t in bars] == ["表现力 (50%)", "发展力 (30%)", "影响力 (20%)"]
    # best at the top: plotly draws the first y at the bottom, so the lists are reversed
    assert list(bars[0].y) == ["园区C", "园区B", "园区A"]
    a = [t.x[-1] for t in bars]
    assert a == pytest.approx([1.47, 0.552, 0.73])
    assert sum(a) == pytest.approx(2.752)
    assert list(fig.data[-1].text) == ["2.42", "2.75", "2.75"]


def test_ranking_bar_and_radar_have_empty_states():
    assert figures_pdi.ranking_bar([], SEED).layout.annotations[0].text == "没有符合条件的园区"
    empty = figures_pdi.radar([], [], [], park_name="x", median_name="y")
    assert empty.layout.annotations[0].text == "暂无评价数据"


def test_radar_closes_both_loops():
    fig = figures_pdi.radar(
        ["表现力", "发展力", "影响力"],
        [2.94, 1.84, 3.65],
        [3.08, 1.84, 1.90],
        park_name="园区A",
        median_name="电子信息行业中位数",
    )
    median, own = fig.data
    assert list(own.r) == [2.94, 1.84, 3.65, 2.94]
    assert list(own.theta) == ["表现力", "发展力", "影响力", "表现力"]
    assert list(median.r) == [3.08, 1.84, 1.90, 3.08]
    assert fig.layout.polar.radialaxis.range == (0, 5)


def test_grid_rows_rank_by_total_or_by_a_dimension():
    rows = page.grid_rows(ROWS)
    assert [(r["place"], r["code"], r["total"]) for r in rows] == [
        (1, "A", 2.75),
        (2, "B", 2.75),
        (3, "C", 2.42),
    ]
    assert rows[0]["level_zh"] == "国家级"
    assert rows[0]["stage_zh"] == "成熟园区"
    assert [(r["place"], r["code"]) for r in page.grid_rows(ROWS, "P")] == [
        (1, "C"),
        (2, "B"),
        (3, "A"),
    ]


def _texts(component) -> list[str]:
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


def test_comparison_table_has_the_seed_form():
    table = page.comparison_table(
        [(r["name_zh"], r["P"], r["D"], r["I"], r["total"]) for r in ROWS],
        SEED,
        highlight="园区B",
        median=("行业中位数", 3.08, 1.84, 1.90, 2.747),
    )
    texts = _texts(table)
    assert texts[:5] == ["园区", "表现力 (50%)", "发展力 (30%)", "影响力 (20%)", "总分"]
    assert texts[5:10] == ["— 园区A", "2.94", "1.84", "3.65", "2.75"]
    assert texts[-5:] == ["行业中位数", "3.08", "1.84", "1.90", "2.75"]
    body = table.children[1].children
    assert body[1].children[0].style == page.HIGHLIGHT
    assert getattr(body[0].children[0], "style", None) is None


def test_query_string_keeps_the_page_state():
    assert page.query_string({"industry": "电子信息", "park": "S01", "province": None}) == (
        "?industry=%E7%94%B5%E5%AD%90%E4%BF%A1%E6%81%AF&park=S01"
    )
    assert page.query_string({"sort": None}) == ""


def test_build_takes_the_state_from_the_url_and_has_unique_ids():
    root = page.build(None, {"industry": "化工", "park": "C03", "sort": "D"}, "zh")
    found: dict[str, object] = {}

    def walk(c):
        if isinstance(c, list | tuple):
            for x in c:
                walk(x)
            return
        cid = getattr(c, "id", None)
        if cid is not None:
            assert cid not in found, f"duplicate id {cid}"
            found[cid] = c
        if hasattr(c, "children"):
            walk(c.children)

    walk(root)
    assert found[page.INDUSTRY].value == "化工"
    assert found[page.INDUSTRY].options == [{"label": "化工", "value": "化工"}]
    assert found[page.PARK].value == "C03"
    assert found[page.SORT].value == "D"
    assert found[page.PROVINCE].value is None
    assert isinstance(root, html.Div)
