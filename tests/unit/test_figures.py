"""Figure builders on small hand-made rows: flags, derived regions, the LULUCF sink, empties."""

from __future__ import annotations

import math
from datetime import date
from types import SimpleNamespace as Row

import pytest

from layouts import figures, figures_map, i18n, theme


@pytest.fixture(autouse=True, scope="module")
def _template():
    theme.install()


def rank_row(code, flag, *, co2e=100.0, intensity=1.0, change=None, derived=False, name=None):
    return Row(
        code=code,
        name_zh=name or f"地区{code}",
        name_en=f"R{code}",
        level="city",
        derived=derived,
        co2=co2e,
        co2e=co2e,
        intensity=intensity,
        intensity_basis="constant",
        prev_period="2023" if flag != "none" else None,
        co2e_change=None,
        intensity_change=change,
        flag=flag,
    )


ROWS = [
    rank_row("340100", "rose", co2e=300.0, intensity=2.0, change=0.05, name="合肥市"),
    rank_row("340200", "fell", co2e=200.0, intensity=3.0, change=-0.04, name="芜湖市"),
    rank_row("340300", "none", co2e=100.0, intensity=1.0, derived=True, name="蚌埠市"),
]


def test_choropleth_outlines_rose_red_fell_green_none_grey():
    fig = figures_map.choropleth(ROWS, geojson_url="/geo/layer/340000.json", period="2024")
    trace = fig.data[0]
    assert trace.geojson == "/geo/layer/340000.json"
    assert trace.featureidkey == "id"
    assert list(trace.locations) == ["340300", "340200", "340100"]  # rose drawn last
    assert list(trace.marker.line.color) == [theme.NO_PREV, theme.FELL, theme.ROSE]
    assert list(trace.marker.line.width) == [0.6, 2.4, 3.2]
    assert list(trace.z) == [1.0, 3.0, 2.0]
    assert fig.layout.geo.visible is False
    assert fig.layout.geo.fitbounds == "locations"


def test_choropleth_hover_has_emissions_intensity_rank_change_and_derived():
    fig = figures_map.choropleth(ROWS, geojson_url="/g.json", period="2024")
    by_code = dict(zip(fig.data[0].locations, fig.data[0].customdata, strict=True))
    assert list(by_code["340100"]) == [
        "合肥市",
        "0.03 万吨",
        "2.000 吨/万元",
        "排放第 1 / 强度第 2（共 3）",
        "+5.0%",
    ]
    assert by_code["340300"][0] == "蚌埠市（下级汇总）"
    assert by_code["340200"][3] == "排放第 2 / 强度第 1（共 3）"
    assert by_code["340300"][4] == "—"
    assert "强度变化（2024）" in fig.data[0].hovertemplate


def park(code="P1", co2e=2e5, total=3.2, **kw):
    scored = dict(P=3.5, D=3.0, I=2.8, total=total) if total is not None else {}
    return figures_map.ParkMark(
        code=code,
        name_zh=kw.get("name", "化工园"),
        name_en="Chem",
        lon=117.3,
        lat=31.9,
        industry="化工",
        park_level="national",
        co2e=co2e,
        **scored,
    )


def test_choropleth_adds_parks_and_dashes_and_scales_outlines():
    fig = figures_map.choropleth(
        ROWS,
        geojson_url="/g.json",
        period="2024",
        parks=[park()],
        dashes=[[(110.0, 10.0), (111.0, 9.0)]],
        scale=2.0,
    )
    assert [t.type for t in fig.data] == ["choropleth", "scattergeo", "scattergeo"]
    assert list(fig.data[1].lon) == [110.0, 111.0, None]
    assert list(fig.data[2].customdata) == ["P1"]
    assert fig.data[2].meta == "parks"
    assert list(fig.data[2].text) == [
        "<b>化工园</b><br>化工 · 国家级<br>排放量 20.00 万吨<br>PDI 总分 <b>3.20</b>"
        "<br>表现力 3.50 · 发展力 3.00 · 影响力 2.80"
    ]
    assert list(fig.data[0].marker.line.width) == [1.2, 4.8, 6.4]
    assert fig.layout.font.size == 36  # 18 px at 1080p (issue 15: readable from 3-5 m), doubled


def test_park_markers_sized_by_emissions_coloured_by_pdi_total():
    parks = [park("P1", co2e=4e5, total=4.0), park("P2", co2e=1e5, total=None), park("P3", None)]
    fig = figures_map.choropleth(
        ROWS, geojson_url="/g.json", period="2024", parks=parks, park_range=(1.0, 4.5)
    )
    trace = fig.data[1]
    assert list(trace.marker.size) == [26.0, 13.0, 7.0]  # areas follow emissions: 26 * sqrt(1/4)
    assert list(trace.marker.color)[0] == 4.0 and math.isnan(list(trace.marker.color)[1])
    assert (trace.marker.cmin, trace.marker.cmax) == (1.0, 4.5)
    assert trace.marker.colorbar.title.text == "园区 PDI 总分"
    assert "未参与 PDI 评价" in trace.text[1]


def test_park_sizes_ranks_and_score_range():
    assert figures_map.park_sizes([100.0, 25.0, None, 0.0], lo=5, hi=20) == [20.0, 10.0, 5, 5]
    assert figures_map.park_sizes([None], lo=5, hi=20) == [5]
    scores = [
        Row(code="A", industry="化工", total=3.0),
        Row(code="B", industry="化工", total=4.0),
        Row(code="C", industry="化工", total=3.0),
        Row(code="D", industry="纺织", total=1.23),
    ]
    assert figures_map.park_industry_ranks(scores) == {
        "A": (2, 3),
        "B": (1, 3),
        "C": (2, 3),
        "D": (1, 1),
    }
    assert figures_map.score_range(scores) == (1.2, 4.0)
    assert figures_map.score_range(scores[:1]) == (0.0, 5.0)


def test_park_marks_join_emissions_and_scores_and_skip_parks_without_a_position():
    infos = [
        Row(
            code="P1",
            name_zh="甲园",
            name_en="A",
            lon=1.0,
            lat=2.0,
            industry="化工",
            park_level="provincial",
        ),
        Row(
            code="P2",
            name_zh="乙园",
            name_en="B",
            lon=None,
            lat=None,
            industry=None,
            park_level=None,
        ),
    ]
    score = Row(P=1.0, D=2.0, I=3.0, total=1.7)
    marks = figures_map.park_marks(infos, {"P1": 5e4}, {"P1": score})
    assert marks == [
        figures_map.ParkMark(
            "P1", "甲园", "A", 1.0, 2.0, "化工", "provincial", 5e4, 1.0, 2.0, 3.0, 1.7
        )
    ]


def test_regions_without_a_value_are_drawn_grey_not_left_out():
    rows = [*ROWS, rank_row("710000", "none", co2e=None, intensity=None, name="台湾省")]
    features = [("340100", "合肥市", "Hefei"), ("810000", "香港特别行政区", "Hong Kong")]
    fig = figures_map.choropleth(rows, geojson_url="/g.json", period="2024", features=features)
    assert list(fig.data[0].locations) == ["340300", "340200", "340100"]
    grey = fig.data[1]
    assert grey.meta == "nodata"
    assert list(grey.locations) == ["710000", "810000"]
    hover = dict(zip(fig.data[0].locations, fig.data[0].customdata, strict=True))
    assert hover["340100"][3] == "排放第 1 / 强度第 2（共 3）"  # Taiwan has no rank to count
    assert list(grey.customdata) == [
        "<b>台湾省</b><br>暂无数据",
        "<b>香港特别行政区</b><br>暂无数据",
    ]
    assert grey.showscale is False
    assert grey.colorscale[0][1] == theme.NODATA
    assert grey.hovertemplate == "%{customdata}<extra></extra>"
    no_gdp = [rank_row("340100", "none", co2e=2.5e6, intensity=None, name="合肥市")]
    fig = figures_map.choropleth(no_gdp, geojson_url="/g.json", period="2024")
    assert list(fig.data[0].locations) == []
    assert list(fig.data[1].customdata) == ["<b>合肥市</b><br>排放量 250.0 万吨<br>暂无强度数据"]


def test_target_view_colours_by_status_and_keeps_the_flag_outlines():
    track = dict(change_so_far=-0.1, target_change=-0.18, target_period="2025")
    statuses = {
        "340100": Row(status="off_track", **track),
        "340200": Row(status="on_track", **track),
        "340300": Row(status="no_data", **track),
    }
    fig = figures_map.choropleth(ROWS, geojson_url="/g.json", period="2024", statuses=statuses)
    main = fig.data[0]
    assert list(main.locations) == ["340200", "340100"]
    assert list(main.z) == [0.0, 2.0]
    assert (main.zmin, main.zmax) == (-0.5, 2.5)
    assert list(main.marker.line.color) == [theme.FELL, theme.ROSE]
    assert list(main.colorbar.ticktext) == ["进度正常", "存在风险", "滞后"]
    assert main.colorscale[0][1] == theme.STATUS_FILL["on_track"]
    assert main.customdata[1][5] == "目标进度 滞后（已 −10.0%，2025年目标 −18%）"
    assert list(fig.data[1].locations) == ["340300"]  # no data: grey
    assert list(fig.data[1].customdata) == [
        "<b>蚌埠市</b><br>排放量 0.01 万吨<br>目标进度 数据不足"
    ]


def test_choropleth_without_children_is_a_calm_empty_state():
    fig = figures_map.choropleth([], geojson_url="/g.json", period="2024")
    assert fig.data == ()
    assert fig.layout.annotations[0].text == "无下级地区"


def test_rank_positions_and_flag_groups():
    assert figures.rank_positions(ROWS) == {
        "340100": (1, 2),
        "340200": (2, 1),
        "340300": (3, 3),
    }
    assert figures.flag_groups(ROWS) == {"rose": ["340100"], "fell": ["340200"], "none": ["340300"]}


def sector(period, code, co2e):
    names = {
        "1": "能源活动",
        "2": "工业生产过程",
        "3": "农业活动",
        "4": "土地利用变化与林业",
        "5": "废弃物处理",
    }
    return Row(period=period, sector_code=code, name_zh=names[code], name_en=code, co2e=co2e)


def mark(day, level="national", doc_id=1, title="方案"):
    return Row(
        issued_on=date.fromisoformat(day),
        title=title,
        doc_no=f"发〔{day[:4]}〕{doc_id}号",
        agency="国务院",
        document_id=doc_id,
        level=level,
    )


def test_sector_trend_marks_policies_at_their_dates_grouping_close_ones():
    rows = [sector(str(y), "1", 1e6) for y in range(2019, 2025)]
    marks = [
        mark("2021-10-24", doc_id=1, title="2030年前碳达峰行动方案"),
        mark("2021-12-01", "provincial", doc_id=2, title="省方案"),
        mark("2023-07-02", doc_id=3),
        mark("2010-01-01", doc_id=4),  # before the data: left out
    ]
    fig = figures.sector_trend(rows, policies=marks)
    assert [round(s.x0, 3) for s in fig.layout.shapes] == [2021.863, 2023.499]
    notes = fig.layout.annotations[1:]
    assert [n.text for n in notes] == ["▼2", "▼"]
    assert notes[0].font.color == theme.POLICY_LOCAL
    assert notes[1].font.color == theme.POLICY_NATIONAL
    assert notes[0].hovertext == (
        "2021-12-01 · 国务院<br><b>省方案</b><br>发〔2021〕2号<br><br>"
        "2021-10-24 · 国务院<br><b>2030年前碳达峰行动方案</b><br>发〔2021〕1号"
    )
    assert list(fig.data[0].x) == [2019, 2020, 2021, 2022, 2023, 2024]


def test_pick_policies_keeps_the_regions_own_and_national_newest():
    own = [mark(f"202{i}-01-0{i}", "municipal", doc_id=10 + i) for i in range(1, 6)]
    national = [mark(f"201{i}-03-01", doc_id=20 + i) for i in range(1, 6)]
    province = [mark("2024-05-05", "provincial", doc_id=30)]
    chosen = figures.pick_policies(own + national + province, "municipal")
    assert [m.document_id for m in chosen] == [23, 24, 25, 13, 14, 15]
    only_national = figures.pick_policies(national + province, "municipal", n=3)
    assert [m.document_id for m in only_national] == [23, 24, 25]
    filled = figures.pick_policies([national[0], *province], "municipal", n=3)
    assert [m.document_id for m in filled] == [21, 30]  # the province's fills the gap
    assert figures.pick_policies([], None) == []


def test_year_fraction():
    assert figures.year_fraction(date(2021, 1, 1)) == 2021.0
    assert figures.year_fraction(date(2020, 7, 2)) == pytest.approx(2020 + 183 / 366)


def test_sector_trend_stacks_four_and_draws_lulucf_below_zero():
    rows = [
        sector(p, c, v)
        for p in ("2023", "2024")
        for c, v in (("1", 1e6), ("2", 2e5), ("3", 1e5), ("4", -3e5), ("5", 5e4))
    ]
    fig = figures.sector_trend(rows)
    names = [t.name for t in fig.data]
    assert names == ["能源活动", "工业过程", "农业活动", "废弃物", "LULUCF净值", "净排放"]
    assert [t.stackgroup for t in fig.data[:4]] == ["above"] * 4
    lulucf = fig.data[4]
    assert lulucf.stackgroup is None and lulucf.fill == "tozeroy"
    assert list(lulucf.y) == [-30.0, -30.0]  # 万吨, below zero
    assert list(fig.data[5].y) == [105.0, 105.0]  # net = 135 - 30 万吨


def test_gas_composition_shares_in_legend_and_total_in_the_middle():
    rows = [
        Row(gas="CO2", name_zh="二氧化碳", co2e=9e6),
        Row(gas="CH4", name_zh="甲烷", co2e=1e6),
        Row(gas="SF6", name_zh="六氟化硫", co2e=0.0),
    ]
    fig = figures.gas_composition(rows)
    assert list(fig.data[0].labels) == ["二氧化碳 90.0%", "甲烷 10.0%"]
    assert fig.layout.annotations[0].text == "<b>1,000</b><br>万吨"
    en = figures.gas_composition(rows, lang="en")
    assert list(en.data[0].labels) == ["CO₂ 90.0%", "CH₄ 10.0%"]


def test_gas_ring_of_the_sector_page_keeps_wan_tonnes_where_the_wall_switches_to_yi():
    rows = [
        Row(gas="CO2", name_zh="二氧化碳", co2e=1.08e9),
        Row(gas="CH4", name_zh="甲烷", co2e=1.2e8),
    ]
    wall = figures.gas_composition(rows)
    assert wall.layout.annotations[0].text == "<b>12.00</b><br>亿吨"
    page = figures.gas_composition(rows, wan=True)
    assert page.layout.annotations[0].text == "<b>120,000.00</b><br>万吨CO₂e"
    assert list(page.data[0].customdata) == ["108,000.00 万吨CO₂e", "12,000.00 万吨CO₂e"]
    en = figures.gas_composition(rows, lang="en", wan=True)
    assert en.layout.annotations[0].text == "<b>120,000.00</b><br>10k t CO₂e"


def test_big_masses_switch_the_axis_to_yi_tonnes_without_si_suffixes():
    rows = [sector("2024", c, v) for c, v in (("1", 1.2e9), ("4", -2e8))]
    fig = figures.sector_trend(rows)
    assert fig.layout.annotations[0].text == "亿吨 CO₂e"
    assert fig.layout.annotations[0].xanchor == "left"  # never cut at the figure's left edge
    named = figures.sector_trend(rows, gwp="AR5", lang="en")
    assert named.layout.annotations[0].text == "100 Mt CO₂e (AR5)"
    assert fig.layout.yaxis.tickformat == ","
    assert list(fig.data[0].y) == [12.0]
    assert list(fig.data[-1].y) == [10.0]


def test_map_leaves_room_for_the_detail_card():
    fig = figures_map.choropleth(ROWS, geojson_url="/g.json", period="2024", reserve_right=0.25)
    assert list(fig.layout.geo.domain.x) == [0.0, 0.75]


def test_empty_inputs_give_no_data_messages():
    assert figures.sector_trend([]).layout.annotations[0].text == "暂无数据"
    assert figures.gas_composition([], lang="en").layout.annotations[0].text == "No data yet"


def test_dashes_lines_reads_multilinestrings():
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {
                    "type": "MultiLineString",
                    "coordinates": [[[1, 2], [3, 4]], [[5, 6], [7, 8]]],
                },
            }
        ],
    }
    assert figures.dashes_lines(doc) == [[(1, 2), (3, 4)], [(5, 6), (7, 8)]]


@pytest.mark.parametrize(
    ("tonnes", "lang", "expected"),
    [
        (2.5e9, "zh", "25.00 亿吨"),
        (1.234e6, "zh", "123.4 万吨"),
        (5.0e4, "zh", "5.00 万吨"),
        (-1.141e5, "zh", "−11.41 万吨"),
        (2.5e9, "en", "2.50 Gt"),
        (None, "zh", "—"),
        (math.nan, "zh", "—"),
    ],
)
def test_mass_formats(tonnes, lang, expected):
    assert i18n.mass(tonnes, lang) == expected


def test_pct_and_intensity_formats():
    assert i18n.pct(0.0523) == "+5.2%"
    assert i18n.pct(-0.18, 0) == "−18%"
    assert i18n.pct(None) == "—"
    assert i18n.intensity(0.14346) == "0.143"
    assert i18n.intensity(12.345) == "12.35"


def test_map_target_hover_keeps_the_precision_the_target_was_set_at():
    track = Row(status="off_track", change_so_far=-0.1, target_change=-0.195, target_period="2025")
    assert figures_map.target_line(track, "zh") == "目标进度 滞后（已 −10.0%，2025年目标 −19.5%）"
