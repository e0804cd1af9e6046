"""Issue 15: every number on the wall labelled with what it is, in units that fit, readable
from across the room; the exports equal the screen. Hand-worked numbers throughout."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace as Row

import pytest

from callbacks.refresh import people_time, updated_text
from dashboard.config import ConfigError, Settings
from geo.labels import LabelPoint, fitting, label_point, label_points
from layouts import figures, figures_map, panels, theme


def texts(node) -> list[str]:
    if isinstance(node, str):
        return [node] if node else []
    if isinstance(node, list | tuple):
        return [s for n in node for s in texts(n)]
    kids = getattr(node, "children", None)
    return texts(kids) if kids is not None else []


def region(code, name, co2e, co2e_change, intensity, intensity_change, flag, **kw):
    base = dict(
        code=code,
        name_zh=name,
        name_en=kw.pop("en", name),
        level="province",
        derived=False,
        co2=co2e * 0.8 if co2e else None,
        co2e=co2e,
        co2e_change=co2e_change,
        intensity=intensity,
        intensity_change=intensity_change,
        intensity_basis="constant",
        prev_period="2023",
        flag=flag,
    )
    return Row(**{**base, **kw})


# nine sub-regions; 河北's emissions fell 1.0 % while its intensity fell 5.3 % (the issue's case)
NINE = [
    region("130000", "河北省", 1.226e9, -0.010, 2.521, -0.053, "fell"),
    region("370000", "山东省", 1.135e9, -0.014, 1.402, -0.061, "fell"),
    region("320000", "江苏省", 1.041e9, 0.022, 0.801, -0.026, "fell"),
    region("150000", "内蒙古自治区", 1.017e9, 0.037, 3.455, -0.004, "fell", en="Inner Mongolia"),
    region("140000", "山西省", 9.11e8, 0.078, 2.848, 0.036, "rose"),
    region("410000", "河南省", 7.5e8, 0.005, 1.1, -0.02, "fell"),
    region("210000", "辽宁省", 6.0e8, 0.0, 1.9, -0.01, "fell"),
    region("110000", "北京市", 1.15e8, -0.03, 0.231, -0.071, "fell"),
    region("540000", "西藏自治区", 3.9e7, 0.036, 0.515, -0.024, "fell"),
]


def test_emissions_ranking_shows_the_emissions_change_and_intensity_the_intensity_change():
    blocks = panels.rank_blocks(NINE)
    assert [b.title for b in blocks] == [
        "排放量 前五 · 亿吨CO₂e",
        "排放量 后五 · 亿吨CO₂e",
        "强度 前五 · 吨/万元",
        "强度 后五 · 吨/万元",
    ]
    assert blocks[0].heads == ("名次", "地区", "排放量", "较2023")
    assert blocks[2].heads == ("名次", "地区", "强度", "较2023")
    assert blocks[0].rows[0] == ("1", "河北", "12.26", "−1.0%")  # not −5.3 %, its intensity's
    assert blocks[0].flags[0] == "fell"
    assert blocks[0].rows[4] == ("5", "山西", "9.11", "+7.8%")
    assert blocks[0].flags[4] == "rose"
    # one unit per column: 西藏's 3,900 万吨 reads 0.39 亿吨 beside 北京's 1.15
    assert blocks[1].rows[:2] == (("9", "西藏", "0.39", "+3.6%"), ("8", "北京", "1.15", "−3.0%"))
    assert blocks[2].rows[0] == ("1", "内蒙古", "3.455", "−0.4%")
    assert blocks[2].rows[4] == ("5", "山东", "1.402", "−6.1%")
    assert blocks[3].rows[0] == ("9", "北京", "0.231", "−7.1%")
    assert blocks[1].names[0] == "西藏自治区"  # the full name is the short name's tooltip


def test_nine_sub_regions_give_five_rows_and_five_or_fewer_give_one_table_each():
    assert [len(b.rows) for b in panels.rank_blocks(NINE)] == [5, 5, 5, 5]
    few = panels.rank_blocks(NINE[:3], lang="en")
    assert [b.title for b in few] == ["Emissions ranking", "Intensity ranking"]
    assert few[0].heads == ("#", "Region", "Mt CO₂e", "vs 2023")  # the unit heads the values
    assert few[1].heads == ("#", "Region", "t/10k CNY", "vs 2023")
    assert few[0].rows == (
        ("1", "河北省", "1,226", "−1.0%"),
        ("2", "山东省", "1,135", "−1.4%"),
        ("3", "江苏省", "1,041", "+2.2%"),
    )


def test_ranking_tables_render_heads_as_table_headers():
    tables = panels.ranking_tables(NINE)
    head = tables[0].children[1].children[0]
    assert texts(head) == ["名次", "地区", "排放量", "较2023"]
    assert type(head.children.children[0]).__name__ == "Th"
    assert texts(panels.ranking_tables([])) == ["无下级地区"]


def test_column_units_are_chosen_once_per_column():
    assert panels.column_unit([1.226e9, 3.9e7]) == (1e8, "亿吨", 2)
    assert panels.column_unit([3.851e7, None]) == (1e4, "万吨", 0)  # 3,851 万吨
    assert panels.column_unit([5e5]) == (1e4, "万吨", 2)  # 50.00 万吨
    assert panels.column_unit([1.2e9], "en") == (1e6, "Mt", 0)
    assert panels.column_unit([]) == (1e4, "万吨", 2)
    assert panels.column_number(-9.0e4, 1e4, 1) == "−9.0"
    assert panels.column_number(None, 1e4, 1) == "—"


def test_export_is_in_the_screens_units_rounded_as_shown_with_percentages_and_a_source_line():
    note = panels.ExportNote(36, "AR5", "2026-12-04 23:49 北京时间")
    rows = [NINE[0], Row(**{**vars(NINE[8]), "derived": True, "intensity_basis": "current"})]
    columns, records, line = panels.ranking_export(rows, period="2024", note=note)
    assert [h for _, h in columns] == [
        "地区代码",
        "地区",
        "数据期",
        "排放量排名",
        "强度排名",
        "温室气体排放量（亿吨CO₂e，AR5）",
        "排放量较上年",
        "二氧化碳排放量（亿吨）",
        "碳排放强度（吨/万元）",
        "强度较上年",
        "强度分母",
        "数据来源",
    ]
    assert records[0] == {
        "code": "130000",
        "region": "河北省",
        "period": "2024",
        "rank_e": 1,
        "rank_i": 1,
        "co2e": 12.26,
        "co2e_change": "−1.0%",
        "co2": 9.81,  # 0.8 x 12.26 亿吨 = 9.808
        "intensity": 2.521,
        "intensity_change": "−5.3%",
        "gdp_basis": "可比价地区生产总值",
        "source": "本级上报",
    }
    assert records[1]["co2e"] == 0.39
    assert records[1]["co2e_change"] == "3.6%"  # no leading +: the CSV layer would quote it
    assert records[1]["gdp_basis"] == "现价地区生产总值（缺可比价，回退）"
    assert records[1]["source"] == "下级汇总"
    assert line == (
        "来源：carbonwall 数据版本 36 · 温室气体按 AR5 全球增温潜势折算 CO₂e · "
        "强度 = 二氧化碳排放 / 地区生产总值（口径见“强度分母”列） · "
        "导出于 2026-12-04 23:49 北京时间"
    )
    en_columns, _, en_line = panels.ranking_export(rows, period="2024", note=note, lang="en")
    assert en_columns[5][1] == "GHG emissions (Mt CO₂e, AR5)"
    assert en_line.startswith("Source: carbonwall data version 36 · CO₂e with AR5 GWP values")


def test_export_percentages():
    assert panels.export_pct(-0.0532) == "−5.3%"
    assert panels.export_pct(0.019) == "1.9%"
    assert panels.export_pct(-0.0004) == "0.0%"
    assert panels.export_pct(None) is None


def sector(period, code, co2e):
    names = {"1": "能源活动", "2": "工业生产过程", "4": "土地利用、土地利用变化和林业"}
    return Row(period=period, sector_code=code, name_zh=names[code], name_en=code, co2e=co2e)


def test_a_county_without_sub_regions_shows_its_sectors_and_parks():
    sectors = [
        sector("2023", "1", 1.20e6),
        sector("2024", "1", 1.26e6),
        sector("2023", "2", 8.0e4),
        sector("2024", "2", 7.4e4),
        sector("2023", "4", -9.0e4),
        sector("2024", "4", -9.9e4),
    ]
    park = Row(
        code="P1", name_zh="瑶海化工园", name_en="Yaohai", industry="化工", co2e=2.0e5, total=3.2
    )
    blocks = panels.leaf_breakdown(sectors, [park], "2024")
    assert texts(blocks[0]) == [
        "本地区分领域排放（2024年）",
        "领域",
        "万吨CO₂e",
        "占比",
        "较2023",
        "能源活动",
        "126.0",
        "94.5%",  # 126 / (126 + 7.4)
        "+5.0%",
        "工业过程",
        "7.4",
        "5.5%",
        "−7.5%",
        "LULUCF净值",
        "−9.9",
        "—",  # a sink has no share of the gross
        "+10.0%",
    ]
    lulucf_row = blocks[0].children[1].children[1].children[2]
    assert lulucf_row.children[3].className == "rank-chg flag-none"  # a bigger sink: no colour
    assert texts(blocks[1]) == [
        "辖区内园区（1 个）",
        "园区",
        "行业",
        "万吨CO₂e",
        "PDI 总分",
        "瑶海化工园",
        "化工",
        "20.00",
        "3.20",
    ]
    assert texts(panels.leaf_breakdown([], [], None)) == ["暂无数据"]


def test_the_rising_tile_gives_the_right_reason():
    def foot(rows):
        return texts(panels._rising_tile(rows, "zh"))[-1]

    assert foot([]) == "无下级地区"
    assert foot([Row(flag="none", intensity=None)]) == "暂无强度数据"
    assert foot([Row(flag="none", intensity=1.0)]) == "无上期数据"
    assert foot([Row(flag="rose", intensity=1.0), Row(flag="fell", intensity=1.0)]) == "2 个中 1 个"


def test_kpis_name_the_gwp_set_and_lulucf():
    summary = Row(
        co2e=1.502e10,
        co2=1.218e10,
        co2e_net=1.363e10,
        lulucf_co2e=-1.393e9,
        intensity=0.968,
        prev_period="2023",
        co2e_change=0.019,
        co2_change=0.019,
        intensity_change=-0.032,
        gwp_set="AR5",
    )
    tiles = panels.kpi_row(summary, None, [])
    assert texts(tiles[0])[:3] == ["温室气体排放总量（AR5）", "150.2", "亿吨CO₂e"]
    assert texts(tiles[5]) == [
        "净排放（含LULUCF，AR5）",
        "136.3",
        "亿吨CO₂e",
        "LULUCF 净 −13.93 亿吨",
    ]


def test_the_cards_recent_trend_has_years_the_last_value_and_its_change():
    recent = [
        Row(period=str(y), co2e=v, co2e_change=c)
        for y, v, c in ((2022, 1.5e6, None), (2023, 1.6e6, 0.0667), (2024, 1.65e6, 0.03125))
    ]
    block = panels.recent_trend(recent)
    assert texts(block) == ["2022", "2024", "2024年 ", "165.0 万吨CO₂e", " 较上年 ", "+3.1%"]
    heights = [i.style["height"] for i in block.children[0].children]
    assert heights == ["20%", "73%", "100%"]  # 20 + 80 x 0.1 / 0.15
    assert panels.recent_trend(recent[:1]) == ""


def mark(day, doc_id):
    return Row(
        issued_on=day,
        document_id=doc_id,
        level="national",
        title="方案",
        doc_no="",
        agency="国务院",
    )


def test_policy_markers_never_come_closer_than_a_label():
    assert figures.marker_gap(20) == pytest.approx(1.8)
    assert figures.marker_gap(2) == 0.35
    # 2015.0, 2016.5 and 2018.0 with 1.8 years between markers: the first two merge (mean
    # 2015.75), then 2018.0 is 2.25 away and stays alone
    marks = [mark(date(2015, 1, 1), 1), mark(date(2016, 7, 2), 2), mark(date(2018, 1, 1), 3)]
    groups = figures.cluster_policies(marks, within=1.8)
    assert [[m.document_id for m in g] for g in groups] == [[1, 2], [3]]
    # the "▼2▼4": 2022.5 and 2023.3 on a 2005-2024 axis share one marker
    near = [mark(date(2022, 7, 2), 1), mark(date(2023, 4, 20), 2)]
    _shapes, notes = figures.policy_marks(near, "zh", 1.0, within=figures.marker_gap(20))
    assert [n["text"] for n in notes] == ["▼2"]


def test_fonts_are_at_least_18px_at_1080p_and_scale_with_the_screen():
    assert theme.font_px(1.0, 0.8) == 18
    assert theme.font_px(1.0, 1.2) == 22
    assert theme.font_px(2.0, 0.85) == 36
    fig = figures.gas_composition(
        [Row(gas="CO2", name_zh="二氧化碳", co2e=9e8), Row(gas="CH4", name_zh="甲烷", co2e=3e8)],
        gwp="AR5",
    )
    assert fig.layout.legend.title.text == "CO₂e · AR5"
    assert fig.layout.annotations[0].text == "<b>12.00</b><br>亿吨CO₂e"


def square(x0, y0, x1, y1):
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def test_label_points_sit_inside_the_largest_part_with_its_room():
    p = label_point("A", square(0, 0, 4, 2))
    assert (p.lat, p.width, p.height) == (1.0, 4, 2)
    assert 1.0 <= p.lon <= 3.0  # every point of the middle line is 1 from the edge
    assert p.radius == pytest.approx(1.0, abs=0.05)
    # an L: the centroid (1.17, 1.17) is near the corner; the label point is inside the L
    ell = {
        "type": "Polygon",
        "coordinates": [[[0, 0], [4, 0], [4, 1], [1, 1], [1, 4], [0, 4], [0, 0]]],
    }
    q = label_point("L", ell)
    assert q.lon <= 1.0 or q.lat <= 1.0
    multi = {
        "type": "MultiPolygon",
        "coordinates": [square(0, 0, 1, 1)["coordinates"], square(10, 0, 16, 3)["coordinates"]],
    }
    assert 11.5 <= label_point("M", multi).lon <= 14.5  # on the bigger island
    assert label_point("X", {"type": "Point", "coordinates": [0, 0]}) is None
    doc = {"features": [{"id": "A", "geometry": square(0, 0, 4, 2)}, {"properties": {}}]}
    assert [x.code for x in label_points(doc)] == ["A"]


def test_labels_are_drawn_only_where_they_fit_and_never_on_each_other():
    big = LabelPoint("B", 5.0, 0.0, 10.0, 10.0, 5.0)
    small = LabelPoint("S", 10.5, 0.0, 1.0, 1.0, 0.5)
    near = LabelPoint("N", 5.2, 0.1, 10.0, 10.0, 5.0)
    # the map shows 0-11 degrees across 550 px: 50 px a degree
    widths = {"B": 54.0, "S": 54.0, "N": 54.0}
    assert [p.code for p in fitting([big, small], widths, box_px=(550, 550), font_px=18)] == ["B"]
    assert [p.code for p in fitting([big, near], widths, box_px=(550, 550), font_px=18)] == ["B"]
    kept = fitting([big, small], widths, box_px=(550, 550), font_px=18, keep="S")
    assert [p.code for p in kept] == ["B", "S"]  # the focused county's name always


def test_the_map_names_regions_and_outlines_the_focused_county():
    rows = [
        region("340102", "瑶海区", 1.65e6, 0.01, 0.921, -0.022, "fell"),
        region("340103", "庐阳区", 1.2e6, 0.0, 0.8, 0.01, "rose"),
    ]
    labels = [
        LabelPoint("340102", 117.4, 31.9, 0.5, 0.5, 0.2),
        LabelPoint("340103", 117.2, 31.9, 0.5, 0.5, 0.2),
    ]
    fig = figures_map.choropleth(
        rows, geojson_url="/g.json", period="2024", labels=labels, highlight="340102"
    )
    assert list(fig.data[0].locations) == ["340103", "340102"]  # the focus drawn last
    assert list(fig.data[0].marker.line.color) == [theme.ROSE, theme.HIGHLIGHT]
    assert list(fig.data[0].marker.line.width) == [3.2, 5.0]
    text = next(t for t in fig.data if t.meta == figures_map.LABELS_META)
    assert list(text.text) == ["<b>瑶海区</b>", "庐阳区"]
    assert text.textfont.size == 18
    assert figures_map.text_px("瑶海区", 18) == 54
    assert figures_map.text_px("Hefei", 18) == pytest.approx(52.2)


def test_times_are_shown_in_beijing_time_whatever_the_server_zone():
    stored = datetime(2026, 12, 4, 15, 49)  # SQLite hands the stored UTC back without a zone
    assert updated_text(stored) == "2026-12-04 23:49 北京时间"
    assert updated_text(stored, lang="en") == "2026-12-04 23:49 Beijing time"
    assert updated_text(stored, "UTC") == "2026-12-04 15:49 UTC"
    assert people_time(stored).utcoffset().total_seconds() == 8 * 3600
    assert Settings().time_zone == "Asia/Shanghai"
    assert Settings.from_env({"CARBONWALL_TIME_ZONE": "Europe/Berlin"}).time_zone == "Europe/Berlin"
    with pytest.raises(ConfigError, match="CARBONWALL_TIME_ZONE must be an IANA time zone"):
        Settings(time_zone="Beijing")


def test_components_speak_chinese_on_the_chinese_pages():
    import dash_ag_grid as dag
    from dash import dcc, html

    from layouts.localise import localise

    own = dcc.Dropdown(id="b", labels={"search": "查找"})
    tree = html.Div(
        [
            dcc.Dropdown(id="a"),
            html.Div(own),
            dag.AgGrid(id="g", dashGridOptions={"localeText": {"noRowsToShow": "无园区"}}),
        ]
    )
    localise(tree, "zh")
    first = tree.children[0]
    assert first.labels["search"] == "搜索"
    assert first.labels["no_options_found"] == "无匹配选项"
    assert first.labels["selected_count"] == "已选 {num_selected} 项"
    assert own.labels == {"search": "查找"}  # a page's own words stay
    grid = tree.children[2].dashGridOptions["localeText"]
    assert grid["noRowsToShow"] == "无园区"
    assert grid["filterOoo"] == "筛选…"
    english = dcc.Dropdown(id="e")
    localise(english, "en")
    assert getattr(english, "labels", None) is None


def test_short_english_names_drop_the_administrative_suffix():
    from layouts import i18n

    def short(name):
        return i18n.short_name(Row(name_en=name, name_zh="合肥市"), "en")

    assert short("Feixi County") == "Feixi"
    assert short("Yaohai District") == "Yaohai"
    assert short("Ili Kazakh Autonomous Prefecture") == "Ili Kazakh"
    assert short("Inner Mongolia") == "Inner Mongolia"
    assert short("Hefei") == "Hefei"
