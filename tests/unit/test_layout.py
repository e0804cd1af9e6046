"""The page layout and the HTML panel builders."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace as Row

from dash import html

from dashboard.config import Settings
from layouts import ids, panels, shell


def all_ids(component) -> list:
    found = []
    stack = [component]
    while stack:
        node = stack.pop()
        if getattr(node, "id", None) is not None:
            found.append(node.id)
        kids = getattr(node, "children", None)
        if isinstance(kids, list | tuple):
            stack.extend(kids)
        elif kids is not None and hasattr(kids, "to_plotly_json"):
            stack.append(kids)
    return found


def texts(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list | tuple):
        return [s for n in node for s in texts(n)]
    kids = getattr(node, "children", None)
    return texts(kids) if kids is not None else []


def test_layout_has_no_duplicate_ids_in_either_language_or_kiosk():
    for lang in ("zh", "en"):
        for kiosk in (False, True):
            found = all_ids(shell.build(Settings(), lang=lang, kiosk=kiosk))
            keys = [json.dumps(i, sort_keys=True) for i in found]
            assert len(keys) == len(set(keys))
            assert ids.MAP in found and ids.REFRESH in found and ids.KIOSK in found


def test_graphs_use_local_topojson_and_the_chinese_locale():
    page = shell.build(
        Settings(refresh_seconds=7, kiosk_dwell_seconds=9),
        lang="zh",
        version=3,
        freshness="数据期 2024 年",
    )
    flat = {json.dumps(i): None for i in all_ids(page)}
    assert json.dumps(ids.MAP) in flat
    config = shell.graph_config("zh")
    assert config["topojsonURL"] == "/geo/topojson/"
    assert config["locale"] == "zh-CN"
    assert "locale" not in shell.graph_config("en")
    assert page.className == "wall"
    assert shell.build(Settings(), kiosk=True).className == "wall kiosk"


def test_page_data_lists_the_kiosk_views_after_the_root():
    settings = Settings(root_region="340000", kiosk_views="340100, 340200", kiosk_resume_seconds=45)
    assert shell.page_data(settings, lang="en", kiosk=True) == {
        "lang": "en",
        "kiosk": True,
        "root": "340000",
        "views": ["340000", "340100", "340200"],
        "resume_ms": 45000,
    }


def summary(**kw):
    base = dict(
        co2e=2.5e7,
        co2=2.4e7,
        co2e_net=2.3e7,
        lulucf_co2e=-2e6,
        intensity=0.5,
        prev_period="2023",
        co2e_change=0.02,
        co2_change=-0.01,
        intensity_change=-0.03,
    )
    return Row(**{**base, **kw})


def test_kpi_row_tiles_and_change_colours():
    kids = [Row(flag="rose"), Row(flag="fell"), Row(flag="rose"), Row(flag="none")]
    target = Row(
        plan="14th-FYP",
        base_period="2020",
        target_period="2025",
        target_change=-0.18,
        change_so_far=-0.06,
        needed_annual_rate=-0.1234,
        status="off_track",
    )
    tiles = panels.kpi_row(summary(), target, kids)
    assert [t.id["metric"] for t in tiles] == [
        "co2e",
        "co2",
        "intensity",
        "target",
        "rising",
        "net",
    ]
    assert texts(tiles[0]) == ["温室气体排放总量", "2,500", "万吨CO₂e", "较2023年 ", "+2.0%"]
    assert tiles[0].children[2].children[1].className == "kpi-change bad"
    assert tiles[1].children[2].children[1].className == "kpi-change good"
    assert texts(tiles[3]) == [
        "强度目标进度 · 十四五",
        "−6.0%",
        "/ 目标 −18%",
        "尚需年均 −12.3% · ",
        "滞后",
    ]
    assert tiles[3].className == "kpi-tile status-off_track"
    assert texts(tiles[4]) == ["强度上升的下级地区", "2", "个", "3 个中 2 个"]
    assert tiles[4].className == "kpi-tile alarm"


def test_kpi_row_without_previous_period_or_data():
    tiles = panels.kpi_row(summary(prev_period=None, co2e_change=None), None, [])
    assert texts(tiles[0])[-1] == "无上期数据"
    assert texts(tiles[3]) == ["强度目标进度", "—", "", "未设定目标"]
    assert texts(panels.kpi_row(None, None, [], lang="en")[2])[:3] == [
        "Carbon intensity",
        "—",
        "t/10k CNY",
    ]


def test_breadcrumb_starts_at_the_root_and_ends_unclickable():
    chain = [
        Row(code="100000", name_zh="全国", name_en="China"),
        Row(code="340000", name_zh="安徽省", name_en="Anhui"),
        Row(code="340100", name_zh="合肥市", name_en="Hefei"),
    ]
    parts = panels.breadcrumb(chain, root="340000")
    assert texts(parts) == ["安徽省", "›", "合肥市"]
    assert isinstance(parts[0], html.Button) and parts[0].id == ids.crumb("340000")
    assert isinstance(parts[2], html.Span)


def test_spark_heights_and_ranking_tables():
    assert panels.spark_heights([1.0, 2.0, None, 3.0]) == [20, 60, 0, 100]
    assert panels.spark([1.0]) == ""
    # four sub-regions: one table per metric with all of them (was: "前五" over two rows each)
    rows = [
        Row(
            code=str(i),
            name_zh=f"区{i}",
            name_en=str(i),
            co2e=float(i),
            co2e_change=None,
            intensity=10.0 - i,
            intensity_change=None,
            prev_period=None,
            flag="none",
        )
        for i in range(1, 5)
    ]
    tables = panels.ranking_tables(rows)
    assert [texts(t)[0] for t in tables] == ["排放量 排名 · 万吨CO₂e", "强度 排名 · 吨/万元"]
    assert texts(tables[0])[1:9] == [
        "名次",
        "地区",
        "排放量",
        "较上期",
        "1",
        "区4",
        "0.00",
        "—",
    ]
    assert texts(tables[1])[5:7] == ["1", "区1"]


def test_short_names_and_plan_names():
    from layouts import i18n

    assert i18n.short_name(Row(name_zh="宁夏回族自治区", name_en="Ningxia"), "zh") == "宁夏"
    assert i18n.short_name(Row(name_zh="伊犁哈萨克自治州", name_en="Ili"), "zh") == "伊犁哈萨克"
    assert i18n.short_name(Row(name_zh="瑶海区", name_en="Yaohai"), "zh") == "瑶海区"
    assert i18n.plan("14th-FYP") == "十四五"
    assert i18n.plan("14th-FYP", "en") == "14th FYP"


def test_map_legend_names_both_periods():
    assert texts(panels.map_legend("2024", "2023", lang="en")) == [
        "Intensity rose (2024 vs 2023)",
        "Intensity fell (2024 vs 2023)",
    ]
    assert panels.map_legend("2024", None) == []


def test_page_args_read_lang_and_kiosk_from_the_referrer():
    import flask

    from dashboard.app import page_args

    app = flask.Flask(__name__)
    with app.test_request_context(headers={"Referer": "http://wall/?lang=en&kiosk=1&region=1"}):
        assert page_args(Settings()) == ("en", True)
    with app.test_request_context(headers={"Referer": "http://wall/?lang=fr"}):
        assert page_args(Settings(lang="zh")) == ("zh", False)
    with app.test_request_context():
        assert page_args(Settings(lang="en")) == ("en", False)


def track(**kw):
    base = dict(
        plan="14th-FYP",
        target_change=-0.18,
        change_so_far=-0.19,
        needed_annual_rate=0.004,
        status="on_track",
    )
    return Row(**{**base, **kw})


def test_target_tile_headroom_target_year_and_no_data():
    assert texts(panels._target_tile(track(), "zh"))[3:] == ["年均余量 +0.4% · ", "进度正常"]
    assert texts(panels._target_tile(track(needed_annual_rate=None), "en"))[3:] == [
        "target year reached · ",
        "on track",
    ]
    tile = panels._target_tile(track(status="no_data", change_so_far=None), "zh")
    assert texts(tile) == ["强度目标进度 · 十四五", "—", "/ 目标 −18%", "数据不足"]
    assert tile.className == "kpi-tile status-no_data"


def peak(status="peaked", year=2013, since=11):
    return Row(status=status, peaked=status == "peaked", peak_year=year, years_since_peak=since)


def test_peak_text_peaked_plateau_rising_and_no_data():
    assert panels.peak_text(peak()) == "已达峰（峰值年 2013）"
    assert panels.peak_text(peak("not_peaked", 2022, 2)) == "平台期（峰值年 2022）"
    assert panels.peak_text(peak("not_peaked", 2024, 0)) == "未达峰"
    assert panels.peak_text(peak("no_data", None, None)) == "数据不足"
    assert panels.peak_text(peak(), "en") == "peaked (2013)"


def policy(i, day):
    from datetime import date

    return Row(title=f"政策{i}", doc_no=f"皖政〔2023〕{i}号", issued_on=date.fromisoformat(day))


def test_detail_card_has_peak_watch_and_the_three_latest_policies():
    info = Row(name_zh="合肥市", name_en="Hefei", level="city")
    parent = Row(name_zh="安徽省", name_en="Anhui")
    marks = [policy(i, f"2023-0{9 - i}-01") for i in range(1, 5)]
    card = panels.detail_card(info, summary(), (1, 2, 16), parent, [], peak=peak(), policies=marks)
    words = texts(card)
    assert words[:4] == ["合肥市", "排放量", "2,500 万吨CO₂e", "强度"]
    assert words[words.index("达峰研判") + 1] == "已达峰（峰值年 2013）"
    at = words.index("最新政策")
    assert words[at + 1 :] == [
        "政策1",
        "2023-08-01 · 皖政〔2023〕1号",
        "政策2",
        "2023-07-01 · 皖政〔2023〕2号",
        "政策3",
        "2023-06-01 · 皖政〔2023〕3号",
    ]
    empty = panels.detail_card(info, summary(), None, None, [], policies=[])
    assert texts(empty)[-2:] == ["最新政策", "暂无相关政策"]


def test_park_card_shows_the_three_dimensions_total_and_industry_rank():
    from layouts.figures_map import ParkMark

    mark = ParkMark(
        "P1", "瑶海化工园", "Yaohai", 117.3, 31.9, "化工", "provincial", 1.2e5, 3.5, 2.0, 1.25, 2.7
    )
    card = panels.park_card(mark, (3, 46))
    assert texts(card) == [
        "瑶海化工园",
        "园区 · 化工 · 省级",
        "排放量",
        "12.00 万吨",
        "PDI 总分",
        "2.70",
        "行业内第 3 / 46（化工）",
        "低碳表现力（50%）",
        "3.50",
        "低碳发展力（30%）",
        "2.00",
        "低碳影响力（20%）",
        "1.25",
    ]
    bars = [row.children[1].children.children[0].children for row in card[4:7]]
    assert [b.style for b in bars] == [{"width": "70%"}, {"width": "40%"}, {"width": "25%"}]
    unscored = ParkMark("P2", "乙园", "B", 1.0, 2.0, None, None, None)
    assert texts(panels.park_card(unscored, None, lang="en"))[-2:] == [
        "PDI total",
        "no PDI evaluation",
    ]


def test_map_legend_says_when_the_map_shows_target_status():
    assert texts(panels.map_legend("2024", "2023", mode="target"))[0] == "颜色：目标进度"
    assert texts(panels.map_legend(None, None, mode="target")) == ["颜色：目标进度"]


def test_map_mode_toggle_is_in_the_map_panel():
    page = shell.build(Settings(), lang="zh")
    found = all_ids(page)
    assert ids.MAP_MODE in found and ids.PICK in found

    def find(node, target):
        if getattr(node, "id", None) == target:
            return node
        kids = getattr(node, "children", None)
        for kid in kids if isinstance(kids, list | tuple) else [kids] if kids is not None else []:
            hit = find(kid, target)
            if hit is not None:
                return hit
        return None

    toggle = find(page, ids.MAP_MODE)
    assert [o["label"] for o in toggle.options] == ["强度", "目标进度", "零碳园区"]
    assert toggle.value == "intensity"


def test_forecast_key_names_the_lines_and_bands():
    assert texts(panels.forecast_key()) == ["预测", "80% / 95% 区间", "去年预测", "目标路径"]
    assert texts(panels.forecast_key("en"))[1] == "80% / 95% PI"


def test_every_page_beside_the_wall_scrolls_below_its_bar():
    """html and body never scroll (the wall's stylesheet): each page's content sits in one
    .page-body that fills the screen below the bar and scrolls, so nothing is out of reach."""
    from layouts import router

    for path in router.pages():
        built = router.build_page(path, Settings(), {}, "zh")
        assert built.className == "page", path
        body = built.children[-1]
        assert body.className == "page-body", path
        assert all(getattr(c, "className", "") != "page-body" for c in built.children[:-1])
    css = (Path(__file__).parents[2] / "assets" / "10-wall.css").read_text("utf-8")
    assert ".page > .page-body { flex: 1 1 auto; min-height: 0; overflow-y: auto; }" in css
    assert router.build_page("/", Settings(), {}, "zh") is None
