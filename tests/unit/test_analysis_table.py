"""The inventory table's formatting and its XLSX export, from hand-made rows (no DB)."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from datasource import reference
from layouts import export
from layouts.pages import analysis as common
from layouts.pages import inventory as page


def rows_from(leaves: dict[tuple[str, str], float], top: str | None = None):
    """InventoryRow-likes for the whole sector tree: inner rows sum their reported leaves, as
    queries.inventory does; labels as queries.inventory gives them ("1化石燃料燃烧")."""
    out = []
    for s in reference.sectors():
        if top and s.top != top:
            continue
        values = {}
        for gas in reference.GASES:
            found = [
                v
                for (code, g), v in leaves.items()
                if g == gas and (code == s.code or code.startswith(s.code + "."))
            ]
            values[gas] = sum(found) if found else None
        prefix = "" if s.depth == 0 else s.code.split(".", 1)[1]
        out.append(
            SimpleNamespace(
                sector_code=s.code,
                label_zh=prefix + s.name_zh,
                label_en=prefix + s.name_en,
                depth=s.depth,
                is_leaf=s.is_leaf,
                values=values,
            )
        )
    return out


LEAVES = {
    ("1.1.1.1", "CO2"): 30_000_000.0,
    ("1.1.1.1", "CH4"): 2_000.0,
    ("1.1.1.2", "CO2"): 5_000_000.0,
    ("1.1.1.3", "CO2"): 0.0,
    ("1.1.3.1", "CO2"): 12_000_000.0,
    ("1.2", "N2O"): 1_000.0,
    ("2.7", "HFCs"): 220_000.0,
    ("4.1", "CO2"): -3_000_000.0,
    ("4.2", "CO2"): 1_000_000.0,
}


def test_fmt_wan_two_decimals_dash_for_unreported_and_small_values_keep_digits():
    assert common.fmt_wan(50_000_000.0) == "5,000.00"
    assert common.fmt_wan(0.0) == "0.00"
    assert common.fmt_wan(None) == "—"
    assert common.fmt_wan(float("nan")) == "—"
    assert common.fmt_wan(-3_000_000.0) == "−300.00"
    assert common.fmt_wan(12.0) == "0.0012"  # 12 t is not "0.00"
    assert common.fmt_wan(49.0) == "0.0049"


def test_seed_numbering_inside_a_tab():
    assert page.seed_label("1", "能源活动", 0) == "能源活动"
    assert page.seed_label("1.1", "1化石燃料燃烧", 1) == "1.化石燃料燃烧"
    assert page.seed_label("1.1.1", "1.1能源工业", 2) == "1.1能源工业"
    assert page.seed_label("1.1.1.1", "1.1.1电力生产", 3) == "1.1.1电力生产"
    assert page.seed_label("1.1.2", "1.2农、林、牧、渔业", 2) == "1.2农、林、牧、渔业"
    assert page.seed_label("2.10", "10电力设备生产和使用", 1) == "10.电力设备生产和使用"
    assert page.seed_label("1.1.1.1", "1.1.1Public electricity", 3, "en") == (
        "1.1.1 Public electricity"
    )


def test_energy_tab_rows_in_seed_order_with_subtotals_that_add_up():
    table = page.table_rows(rows_from(LEAVES), "1")
    labels = [r["label"] for r in table]
    assert labels[:14] == [
        "能源活动",
        "1.化石燃料燃烧",
        "1.1能源工业",
        "1.1.1电力生产",
        "1.1.2油气开采",
        "1.1.3固体燃料",
        "1.2农、林、牧、渔业",
        "1.3工业和建筑业",
        "1.3.1钢铁",
        "1.3.2有色金属",
        "1.3.3化工",
        "1.3.4建材",
        "1.3.5其他工业",
        "1.3.6建筑业",
    ]
    by = {r["label"]: r for r in table}
    assert [by["能源活动"][g] for g in page.GASES] == ["4,700.00", "0.20", "0.10", "—", "—", "—"]
    assert by["1.1能源工业"]["CO2"] == "3,500.00"  # 3,000 + 500 + 0
    assert by["1.3工业和建筑业"]["CO2"] == "1,200.00"
    assert by["1.1.3固体燃料"]["CO2"] == "0.00"  # reported zero
    assert by["1.2农、林、牧、渔业"]["CO2"] == "—"  # not reported
    assert by["2.生物质燃烧"]["N2O"] == "0.10"
    assert by["能源活动"]["depth"] == 0 and by["1.1.1电力生产"]["leaf"] is True
    assert by["1.1能源工业"]["leaf"] is False


def test_subtotals_equal_the_sum_of_their_children_in_every_tab():
    rows = rows_from(LEAVES)
    by_code = {r.sector_code: r for r in rows}
    for r in rows:
        kids = [k for k in rows if k.sector_code.rsplit(".", 1)[0] == r.sector_code and k.depth]
        if r.is_leaf or not kids:
            continue
        for gas in reference.GASES:
            reported = [k.values[gas] for k in kids if k.values[gas] is not None]
            expected = sum(reported) if reported else None
            assert by_code[r.sector_code].values[gas] == expected, (r.sector_code, gas)


def test_lulucf_tab_shows_a_net_sink_and_other_tabs_are_separate():
    land = {r["label"]: r for r in page.table_rows(rows_from(LEAVES), "4")}
    assert list(land) == [
        "土地利用、土地利用变化和林业（LULUCF，净）",
        "1.森林和其他木质生物质碳贮量变化",
        "2.森林转化",
    ]
    assert land["土地利用、土地利用变化和林业（LULUCF，净）"]["CO2"] == "−200.00"
    process = page.table_rows(rows_from(LEAVES), "2")
    assert process[0]["label"] == "工业生产过程" and process[0]["HFCs"] == "22.00"
    assert [r["label"] for r in process][-3:] == [
        "10.电力设备生产和使用",
        "11.半导体生产",
        "12.氢氟烃生产",
    ]


def test_column_heads_are_the_seeds_units():
    heads = [c["headerName"] for c in page.column_defs("zh")]
    assert heads == [
        "排放源",
        "二氧化碳(万吨)",
        "甲烷(万吨)",
        "氧化亚氮(万吨)",
        "氢氟碳化物(万吨CO₂e)",
        "全氟化碳(万吨CO₂e)",
        "六氟化硫(万吨CO₂e)",
    ]
    assert [c["headerName"] for c in page.column_defs("en")][1] == "CO₂ (10k t)"
    assert [t[1] for t in page.TABS] == [
        "能源活动",
        "工业生产过程",
        "农业活动",
        "废弃物处理",
        "土地利用变化与林业",
    ]


def test_caption_says_derived_and_the_dash_convention():
    assert page.caption("合肥市", "2022", False) == (
        "合肥市 · 2022年 · 单位：万吨（氢氟碳化物、全氟化碳、六氟化硫为万吨CO₂e） · “—”表示未报告"
    )
    assert "由下级地区汇总；“—”表示未报告" in page.caption("安徽省", "2022", True)
    assert page.caption("Anhui", "2022", True, "en") == (
        "Anhui · 2022 · sum of sub-regions; “—” = not reported"
    )


def test_inventory_xlsx_one_sheet_per_sector_in_the_screens_layout():
    data = export.inventory_xlsx(rows_from(LEAVES), title="温室气体清单 · 合肥市 · 2022年")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == [
        "能源活动",
        "工业生产过程",
        "农业活动",
        "废弃物处理",
        "土地利用变化与林业",
    ]
    energy = list(book["能源活动"].iter_rows(values_only=True))
    assert energy[0][0] == "温室气体清单 · 合肥市 · 2022年"
    assert energy[1][0] == "排放源" and energy[1][6] == "六氟化硫(万吨CO₂e)"
    assert energy[2][0] == "能源活动"
    assert energy[2][1:4] == pytest.approx((4700.0, 0.2, 0.1))
    assert energy[2][4:] == ("—", "—", "—")
    assert energy[3][0] == "1.化石燃料燃烧"
    assert [r[0] for r in energy[2:]] == [
        r["label"] for r in page.table_rows(rows_from(LEAVES), "1")
    ]
    solid = next(r for r in energy if r[0] == "1.1.3固体燃料")
    assert solid[1] == 0 and solid[2] == "—"
    assert book["能源活动"]["B3"].number_format == "#,##0.00"
    agri = list(book["农业活动"].iter_rows(min_row=3, values_only=True))
    assert agri[0] == ("农业活动", "—", "—", "—", "—", "—", "—")
    land = list(book["土地利用变化与林业"].iter_rows(min_row=3, values_only=True))
    assert land[0][1] == pytest.approx(-200.0)


def test_ranking_csv_has_a_bom_and_xlsx_keeps_numbers():
    cols = [("rank", "名次"), ("name", "地区"), ("co2e", "排放量(万吨CO₂e)")]
    records = [{"rank": 1, "name": "合肥市", "co2e": 5140.5}, {"rank": 2, "name": "芜湖市"}]
    text = export.table_csv(cols, records).decode("utf-8")
    assert text == "\ufeff名次,地区,排放量(万吨CO₂e)\n1,合肥市,5140.5\n2,芜湖市,\n"
    book = load_workbook(io.BytesIO(export.table_xlsx(cols, records, sheet="排名", title="T")))
    assert list(book["排名"].iter_rows(values_only=True)) == [
        ("T", None, None),
        ("名次", "地区", "排放量(万吨CO₂e)"),
        (1, "合肥市", 5140.5),
        (2, "芜湖市", None),
    ]
