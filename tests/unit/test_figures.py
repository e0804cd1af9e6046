"""Figure builders on small hand-made rows: flags, derived regions, the LULUCF sink, empties."""

from __future__ import annotations

import math
from types import SimpleNamespace as Row

import pytest

from layouts import figures, i18n, theme


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
    fig = figures.choropleth(ROWS, geojson_url="/geo/layer/340000.json", period="2024")
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
    fig = figures.choropleth(ROWS, geojson_url="/g.json", period="2024")
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


def test_choropleth_adds_parks_and_dashes_and_scales_outlines():
    parks = [Row(code="P1", name_zh="化工园", name_en="Chem", lon=117.3, lat=31.9, industry="化工")]
    fig = figures.choropleth(
        ROWS,
        geojson_url="/g.json",
        period="2024",
        parks=parks,
        dashes=[[(110.0, 10.0), (111.0, 9.0)]],
        scale=2.0,
    )
    assert [t.type for t in fig.data] == ["choropleth", "scattergeo", "scattergeo"]
    assert list(fig.data[1].lon) == [110.0, 111.0, None]
    assert list(fig.data[2].customdata) == ["P1"]
    assert list(fig.data[2].text) == ["化工园<br>化工"]
    assert list(fig.data[0].marker.line.width) == [1.2, 4.8, 6.4]
    assert fig.layout.font.size == 30


def test_choropleth_without_children_is_a_calm_empty_state():
    fig = figures.choropleth([], geojson_url="/g.json", period="2024")
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


def test_sector_trend_stacks_four_and_draws_lulucf_below_zero():
    rows = [
        sector(p, c, v)
        for p in ("2023", "2024")
        for c, v in (("1", 1e6), ("2", 2e5), ("3", 1e5), ("4", -3e5), ("5", 5e4))
    ]
    fig = figures.sector_trend(rows)
    names = [t.name for t in fig.data]
    assert names == ["能源活动", "工业过程", "农业活动", "废弃物", "林业碳汇", "净排放"]
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


def test_forecast_draws_history_band_and_dashed_outlook():
    history = [Row(period=str(y), co2e=1e6 + y, intensity=1.0) for y in range(2020, 2025)]
    point = Row(period="2025", value=1.1e6, lo=1.0e6, hi=1.2e6)
    ipoint = Row(period="2025", value=0.9, lo=0.8, hi=1.0)
    fig = figures.forecast(history, [point], [ipoint])
    assert len(fig.data) == 8
    band_hi, band_lo, outlook = fig.data[1], fig.data[2], fig.data[3]
    assert list(band_hi.y) == [pytest.approx(100.2024), 120.0]
    assert band_lo.fill == "tonexty"
    assert outlook.line.dash == "dash"
    assert list(outlook.x) == ["2024", "2025"]


def test_big_masses_switch_the_axis_to_yi_tonnes_without_si_suffixes():
    rows = [sector("2024", c, v) for c, v in (("1", 1.2e9), ("4", -2e8))]
    fig = figures.sector_trend(rows)
    assert fig.layout.annotations[0].text == "亿吨"
    assert fig.layout.yaxis.tickformat == ","
    assert list(fig.data[0].y) == [12.0]
    assert list(fig.data[-1].y) == [10.0]


def test_map_leaves_room_for_the_detail_card():
    fig = figures.choropleth(ROWS, geojson_url="/g.json", period="2024", reserve_right=0.25)
    assert list(fig.layout.geo.domain.x) == [0.0, 0.75]


def test_empty_inputs_give_no_data_messages():
    assert figures.sector_trend([]).layout.annotations[0].text == "暂无数据"
    assert figures.forecast([], [], []).layout.annotations[0].text == "暂无数据"
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
