"""The analysis pages' figure builders, page builders and URL state, from hand-made rows."""

from __future__ import annotations

from types import SimpleNamespace as Row

import pytest
from dash import dcc, html

from layouts import figures_analysis as fa
from layouts import ids_analysis as ids
from layouts.pages import analysis as common
from layouts.pages import gases, inventory, regions, sectors


def summary(period, co2e, intensity, flag="fell"):
    return Row(period=period, co2e=co2e, intensity=intensity, flag=flag)


def rank(rank_, code, name, co2e, intensity, change, flag, co2=None, co2e_change=None):
    return Row(
        rank=rank_,
        code=code,
        name_zh=name,
        name_en=code,
        co2e=co2e,
        co2=co2,
        intensity=intensity,
        intensity_change=change,
        co2e_change=co2e_change,
        flag=flag,
    )


def test_compare_lines_one_trace_per_region_in_wan_tonnes_or_intensity():
    found = {
        "340100": [summary("2021", 5_000_000.0, 0.5), summary("2022", 6_000_000.0, 0.45)],
        "340200": [summary("2022", 1_000_000.0, 0.2)],
    }
    names = {"340100": "合肥市", "340200": "芜湖市"}
    fig = fa.compare_lines(found, names, metric="co2e")
    assert [t.name for t in fig.data] == ["合肥市", "芜湖市"]
    assert list(fig.data[0].y) == [500.0, 600.0]
    assert list(fig.data[1].x) == ["2022"]
    assert fig.layout.yaxis.title.text == "万吨CO₂e"
    fig = fa.compare_lines(found, names, metric="intensity", lang="en")
    assert list(fig.data[0].y) == [0.5, 0.45]
    assert fig.layout.yaxis.title.text == "t/10k CNY"
    assert fig.data[0].line.color != fig.data[1].line.color
    with pytest.raises(ValueError):
        fa.compare_lines(found, names, metric="gdp")


def test_empty_inputs_give_a_calm_empty_state():
    for fig in (
        fa.compare_lines({}, {}),
        fa.history([]),
        fa.ranking_bars([]),
        fa.sector_lines([]),
        fa.bars_by_region([]),
        fa.gas_trend([]),
        fa.gas_by_children([]),
    ):
        assert fig.data == ()
        assert fig.layout.annotations[0].text == "暂无数据"
    assert fa.history([], lang="en").layout.annotations[0].text == "No data"


def test_history_bars_emissions_and_intensity_on_a_second_axis_coloured_by_flag():
    rows = [summary("2021", 2e6, 0.3, "none"), summary("2022", 3e6, 0.33, "rose")]
    fig = fa.history(rows)
    bars, line = fig.data
    assert bars.type == "bar" and list(bars.y) == [200.0, 300.0]
    assert line.yaxis == "y2" and list(line.y) == [0.3, 0.33]
    assert list(line.marker.color) == [fa.FLAG_COLOURS["none"], fa.FLAG_COLOURS["rose"]]
    assert fig.layout.yaxis2.overlaying == "y"
    assert list(bars.x) == [2021, 2022] and list(fig.layout.xaxis.range) == [2020.4, 2022.6]


def test_history_marks_the_policies_in_force_inside_their_year():
    from datetime import date

    def mark(day, title, level="national", doc_id=1):
        return Row(
            issued_on=day,
            title=title,
            doc_no=None,
            agency="国务院",
            document_id=doc_id,
            level=level,
        )

    rows = [summary("2020", 2e6, 0.3), summary("2021", 3e6, 0.33), summary("2022", 3e6, 0.31)]
    policies = [
        mark(date(2021, 10, 24), "2030年前碳达峰行动方案", doc_id=2),
        mark(date(2019, 3, 1), "早于图表的文件", doc_id=3),  # before the chart: left out
        mark(date(2023, 1, 1), "晚于图表的文件", doc_id=4),  # after it: left out
    ]
    fig = fa.history(rows, policies=policies)
    assert len(fig.layout.shapes) == 1
    # the 2021 bar spans 2020.5-2021.5; 24 October is 81.1 % through the year
    assert fig.layout.shapes[0].x0 == pytest.approx(2021.311, abs=1e-3)
    note = fig.layout.annotations[0]
    assert note.text == "▼" and "2030年前碳达峰行动方案" in note.hovertext
    monthly = fa.history([summary("2021-01", 1e6, 0.3)], policies=policies)
    assert monthly.layout.shapes == () and monthly.layout.xaxis.type == "category"


def test_ranking_bars_per_metric_and_regions_without_a_value_left_out():
    rows = [
        rank(1, "a", "甲", 3e6, 0.5, 0.1, "rose"),
        rank(2, "b", "乙", 2e6, None, None, "none"),
    ]
    fig = fa.ranking_bars(rows, metric="co2e")
    assert list(fig.data[0].y) == ["甲", "乙"] and list(fig.data[0].x) == [300.0, 200.0]
    assert fig.layout.yaxis.autorange == "reversed"
    fig = fa.ranking_bars(rows, metric="intensity_change")
    assert list(fig.data[0].y) == ["甲"] and list(fig.data[0].x) == [pytest.approx(10.0)]
    assert list(fig.data[0].marker.color) == [fa.FLAG_COLOURS["rose"]]
    with pytest.raises(ValueError):
        fa.ranking_bars(rows, metric="gdp")


def test_sector_lines_five_sectors_with_lulucf_below_zero():
    rows = [
        Row(period=p, sector_code=c, name_zh=c, name_en=c, co2e=v)
        for p in ("2021", "2022")
        for c, v in (("1", 4e6), ("2", 1e6), ("3", 5e5), ("4", -3e5), ("5", 1e5))
    ]
    fig = fa.sector_lines(rows)
    assert [t.name for t in fig.data] == [
        "能源活动",
        "工业过程",
        "农业活动",
        "废弃物",
        "LULUCF净值",
    ]
    assert list(fig.data[-1].y) == [-30.0, -30.0]


def test_bars_by_region_largest_first_with_shares():
    fig = fa.bars_by_region([("乙", 1e6), ("甲", 3e6)])
    assert list(fig.data[0].y) == ["甲", "乙"]
    assert list(fig.data[0].x) == [300.0, 100.0]
    assert list(fig.data[0].customdata) == [75.0, 25.0]
    subs = [Row(name_zh="稻田", name_en="Rice", co2e=2e6)]
    assert list(fa.sub_sectors(subs, lang="en").data[0].y) == ["Rice"]


def test_gas_trend_stacks_in_reporting_order_and_share_mode_normalises():
    rows = [("2022", "CH4", 2.8e6), ("2022", "CO2", 1e7), ("2021", "CO2", 9e6)]
    fig = fa.gas_trend(rows)
    assert [t.name for t in fig.data] == ["二氧化碳", "甲烷"]
    assert list(fig.data[0].y) == [900.0, 1000.0]
    assert list(fig.data[1].y) == [0.0, 280.0]  # no CH4 in 2021: zero in the stack
    share = fa.gas_trend(rows, mode="share", lang="en")
    assert share.data[0].groupnorm == "percent" and share.data[1].groupnorm is None
    assert [t.name for t in share.data] == ["CO₂", "CH₄"]
    assert tuple(share.layout.yaxis.range) == (0, 100)
    with pytest.raises(ValueError):
        fa.gas_trend(rows, mode="log")


def test_gas_by_children_stacks_gases_per_region_and_shares_sum_to_100():
    rows = [
        Row(code="1", name_zh="甲", name_en="A", gas="CO2", co2e=3e6),
        Row(code="1", name_zh="甲", name_en="A", gas="CH4", co2e=1e6),
        Row(code="2", name_zh="乙", name_en="B", gas="CH4", co2e=5e6),
    ]
    fig = fa.gas_by_children(rows)
    assert fig.layout.barmode == "stack"
    assert list(fig.data[0].y) == ["乙", "甲"]  # by total: 乙 500 > 甲 400
    assert list(fig.data[0].x) == [0.0, 300.0] and list(fig.data[1].x) == [500.0, 100.0]
    share = fa.gas_by_children(rows, mode="share")
    assert [share.data[0].x[1] + share.data[1].x[1]] == [100.0]
    assert list(share.data[0].x) == [0.0, 75.0]


def test_query_string_keeps_order_drops_empties_joins_lists_and_keeps_english():
    keys = ("compare", "region", "year")
    state = {"compare": ["340100", "340200"], "region": "", "year": "2022", "lang": "en"}
    assert common.query_string(state, keys) == "?compare=340100,340200&year=2022&lang=en"
    assert common.query_string({"region": None}, keys) == ""
    assert common.lang_href("?region=340100", "zh") == "?region=340100&lang=en"
    assert common.lang_href("?region=340100&lang=en", "en") == "?region=340100"
    assert common.codes("340100, 340200,340100,,") == ["340100", "340200"]


def test_region_options_name_the_parent_and_mark_parks():
    regions_ = [
        Row(
            code="340000", parent_code="100000", level="province", name_zh="安徽省", name_en="Anhui"
        ),
        Row(code="340100", parent_code="340000", level="city", name_zh="合肥市", name_en="Hefei"),
        Row(code="P1", parent_code="340100", level="park", name_zh="高新区", name_en="HT zone"),
        Row(code="100000", parent_code=None, level="country", name_zh="全国", name_en="China"),
    ]
    assert common.region_options(regions_) == [
        {"label": "安徽省", "value": "340000"},
        {"label": "合肥市 · 安徽省", "value": "340100"},
        {"label": "全国", "value": "100000"},
        {"label": "高新区 · 合肥市（园区）", "value": "P1"},
    ]
    assert common.region_options(regions_, "en")[1]["label"] == "Hefei · Anhui"


def test_ranking_records_in_wan_tonnes_percent_and_flags():
    rows = [rank(1, "340100", "合肥市", 58_953_500.0, 0.459166, 0.1193, "rose", 55.1e6, 0.05)]
    assert regions.ranking_records(rows) == [
        {
            "rank": 1,
            "code": "340100",
            "name": "合肥市",
            "co2e": 5895.35,
            "co2": 5510.0,
            "co2e_change": 5.0,
            "intensity": 0.4592,
            "intensity_change": 11.93,
            "flag": "强度上升",
        }
    ]
    empty_row = rank(2, "340300", "蚌埠市", None, None, None, "none")
    assert regions.ranking_records([empty_row], "en")[0]["flag"] == "—"
    assert [f for f, _ in regions.export_columns()] == [
        "rank",
        "code",
        "name",
        "co2e",
        "co2",
        "co2e_change",
        "intensity",
        "intensity_change",
        "flag",
    ]
    grid = [c["field"] for c in regions.column_defs()]
    assert grid == [
        "rank",
        "name",
        "co2e",
        "co2",
        "co2e_change",
        "intensity",
        "intensity_change",
        "flag",
    ]
    assert regions.column_defs("zh", gwp_set="SAR")[2]["headerName"] == "排放量(万吨CO₂e,SAR)"


def test_gas_table_dash_for_unreported_and_a_total_line():
    rows = [Row(gas="CH4", value=100_000.0, co2e=2_800_000.0, share=1.0)]
    table = gases.gas_table(rows, gwp_set="AR5")
    body = table.children[1].children
    cells = lambda tr: [td.children for td in tr.children]  # noqa: E731
    assert cells(body[0]) == ["二氧化碳", "—", "—", "—"]
    assert cells(body[1]) == ["甲烷", "10.00", "280.00", "100.0%"]
    assert cells(body[-1]) == ["合计", "", "280.00", "100.0%"]
    head = [th.children for th in table.children[0].children.children]
    assert head[2] == "二氧化碳当量（AR5，万吨）"
    line = gases.total_line(2_800_000.0, gwp_set="SAR", region="蚌埠市", year="2022", lang="zh")
    assert line == "蚌埠市 2022年 温室气体排放 280.00 万吨CO₂e（SAR，不含林业碳汇）"


def test_sector_child_totals_sum_gases_per_region():
    rows = [
        Row(code="2", name_zh="乙", name_en="B", gas="CO2", co2e=1.0),
        Row(code="1", name_zh="甲", name_en="A", gas="CO2", co2e=2.0),
        Row(code="1", name_zh="甲", name_en="A", gas="CH4", co2e=3.0),
    ]
    assert sectors.child_totals(rows) == [("甲", 5.0), ("乙", 1.0)]


def _ids(component) -> list:
    found = []

    def walk(node):
        if isinstance(node, list | tuple):
            for n in node:
                walk(n)
            return
        if not hasattr(node, "to_plotly_json"):
            return
        if getattr(node, "id", None) is not None:
            found.append(node.id)
        walk(getattr(node, "children", None))

    walk(component)
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", list(common.pages()))
def test_every_page_builds_with_unique_ids_nav_and_url_stores(path, lang):
    settings = Row(gwp_set="AR5", root_region="100000")
    page = common.pages()[path](settings, {"region": "340000", "gwp": "bogus"}, lang)
    found = _ids(page)
    keys = [str(sorted(i.items())) if isinstance(i, dict) else i for i in found]
    assert len(keys) == len(set(keys)), "duplicate ids"
    name = {"/inventory": "inventory"}.get(path, path.rsplit("/", 1)[1])
    assert ids.url(name) in found and ids.params(name) in found and ids.lang_link(name) in found
    assert [i["path"] for i in found if isinstance(i, dict) and i.get("type") == "an-nav"] == [
        "/",
        "/analysis/regions",
        "/analysis/sectors",
        "/analysis/gases",
        "/inventory",
        "/analysis/forecasts",
        "/parks",
        "/policy",
        "/policy/stats",
        "/data",
    ]
    assert page.lang == ("en" if lang == "en" else "zh-CN")


def test_pages_ids_never_collide_across_pages():
    settings = Row(gwp_set="AR5", root_region="100000")
    seen: dict[str, str] = {}
    for path, build in common.pages().items():
        for i in _ids(build(settings, {}, "zh")):
            if isinstance(i, dict):
                continue
            assert i not in seen or seen[i] == path, f"{i} on {seen.get(i)} and {path}"
            seen[i] = path


def test_bad_url_values_fall_back_to_defaults():
    settings = Row(gwp_set="AR4", root_region="100000")
    page = gases.build(settings, {"gwp": "AR9", "mode": "x"}, "zh")
    radios = {c.id: c.value for c in _walk(page) if hasattr(c, "options") and hasattr(c, "value")}
    assert radios[ids.gwp("gases")] == "AR4"
    assert radios[ids.GAS_MODE] == "abs"
    page = inventory.build(settings, {"tab": "9"}, "zh")
    tabs = [c for c in _walk(page) if getattr(c, "id", None) == ids.INV_TABS]
    assert tabs[0].active_tab == "1"


def _walk(node):
    if isinstance(node, list | tuple):
        for n in node:
            yield from _walk(n)
        return
    if not hasattr(node, "to_plotly_json"):
        return
    yield node
    yield from _walk(getattr(node, "children", None))


def test_nav_bar_highlights_the_current_page_and_keeps_english():
    nav = common.nav_bar("/analysis/gases", "en", "gases")
    links = [c for c in nav.children if isinstance(c, dcc.Link)]
    assert [link.href for link in links][:2] == ["/?lang=en", "/analysis/regions?lang=en"]
    active = [link.children for link in links if "active" in link.className]
    assert active == ["Gases"]
    switch = [c for c in nav.children if isinstance(c, html.A)][0]
    assert switch.children == "中文" and switch.href == "?lang=zh"
