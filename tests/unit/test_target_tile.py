"""The wall's target tile on hand-made tracks: the goal with the precision it was set at, the
assessed intensity with its definition and fallback marks, the closed plan's result and the
running plan's dual control."""

from __future__ import annotations

from dash import html

from datasource import dual_control as dc
from datasource.definitions import Definition
from datasource.targets import TargetTrack
from layouts import i18n, panels

ASSESSED = Definition("co2_intensity", "energy_co2", "constant", 2020)


def texts(node) -> list[str]:
    if isinstance(node, str):
        return [node] if node else []
    if isinstance(node, list | tuple):
        return [s for n in node for s in texts(n)]
    kids = getattr(node, "children", None)
    return texts(kids) if kids is not None else []


def faces(tile: html.Div) -> list[html.Div]:
    return tile.children[0].children


def track(**kw) -> TargetTrack:
    base = dict(
        region_code="440000",
        plan="14th-FYP",
        metric="co2_intensity",
        base_period="2020",
        target_period="2025",
        target_change=-0.195,
        source="own",
        source_code="440000",
        base_value=0.5,
        target_value=0.4025,
        current_period="2024",
        current_value=0.45,
        change_so_far=-0.1,
        path_change=-0.1594,
        years_left=1,
        needed_annual_rate=-0.10555,
        forecast_value=None,
        forecast_lo80=None,
        forecast_hi80=None,
        forecast_change=None,
        status="off_track",
        definition=ASSESSED,
        fallback=("derived",),
        label_zh=ASSESSED.label(),
        label_en=ASSESSED.label("en"),
    )
    return TargetTrack(**{**base, **kw})


def standing(plan, state, controls, result=None, base="2025", end="2030"):
    return dc.PlanStanding(plan, "", "", base, end, state, "", tuple(controls), result)


def test_targets_keep_the_precision_they_were_set_at():
    assert [i18n.pct_as_set(x) for x in (-0.195, -0.18, -0.135, -0.65, 0.0, 0.025)] == [
        "−19.5%",
        "−18%",
        "−13.5%",
        "−65%",
        "±0%",
        "+2.5%",
    ]
    assert i18n.pct_as_set(None) == "—"


def test_the_tile_shows_the_assessed_intensity_its_definition_and_marks():
    tile = panels._target_tile(track(), "zh")
    progress, assessed = faces(tile)
    assert texts(progress) == [
        "十四五考核强度 · 目标 −19.5%",
        "−10.0%",
        "较2020年",
        "尚需年均 −10.6% · ",
        "滞后",
        "能源活动CO₂",
        " ※下级汇总",
    ]
    assert progress.children[-1].title == "能源活动CO₂/2020年可比价GDP 下级汇总"
    assert texts(assessed) == [
        "十四五考核强度 2024年",
        "0.450",
        "吨/万元",
        "能源活动CO₂",
        "÷ 2020年可比价GDP",
    ]
    assert tile.className == "kpi-tile status-off_track"
    assert tile.children[0].className == "kpi-faces faces-2"


def test_fallbacks_are_named_in_english_and_the_price_base_actually_used():
    tile = panels._target_tile(
        track(fallback=("current_prices", "derived"), price_base_year=2015), "en"
    )
    progress, assessed = faces(tile)
    assert texts(progress)[-2:] == ["energy-activity CO₂", " ※current-price GDP fallback…"]
    assert progress.children[-1].title == (
        "energy-activity CO₂ / constant-2020 GDP current-price GDP fallback sum of sub-regions"
    )
    assert texts(assessed)[-1] == "÷ constant-2015 GDP"


def test_the_closed_plan_result_and_the_running_plans_dual_control():
    fifteenth = Definition("co2_intensity", "energy_co2", "constant", 2025)
    assessed = dc.Control(
        "co2_intensity",
        "change",
        ASSESSED,
        "off_track",
        target_change=-0.195,
        current_period="2024",
        current_change=-0.1,
    )
    energy = dc.Control(
        "energy_intensity",
        "change",
        Definition("energy_intensity", "energy", "constant", 2020),
        "on_track",
        target_change=-0.135,
        current_period="2024",
        current_change=-0.14,
    )
    plans = [
        standing("14th-FYP", "closed", [assessed, energy], "pending", "2020", "2025"),
        standing(
            "15th-FYP",
            "running",
            [
                dc.Control("co2_intensity", None, fifteenth, "no_target"),
                dc.Control("co2", None, Definition("co2", "energy_co2"), "no_target"),
            ],
        ),
    ]
    tile = panels._target_tile(track(), "zh", plans)
    progress, _assessed, result, dual = faces(tile)
    assert texts(result) == [
        "十四五（2020→2025）考核结果",
        "待2025年数据",
        "强度 −10.0% / 目标 −19.5%",
        "能耗强度 −14.0% / 目标 −13.5%",
    ]
    assert texts(dual) == [
        "十五五双控（2025→2030）",
        "强度",
        "未设定",
        "总量",
        "未设定",
        "口径：能源活动CO₂",
        "强度分母：2025年可比价GDP",
    ]
    assert tile.children[0].className == "kpi-faces faces-4"
    final = [standing("14th-FYP", "closed", [assessed], "not_achieved", "2020", "2025")]
    assert texts(panels.result_face(final, "14th-FYP", "en"))[:2] == [
        "14th FYP (2020→2025) result",
        "not achieved",
    ]
    assert panels.result_face(plans, "15th-FYP", "zh") is None  # running: no result


def test_dual_control_with_targets_and_without_the_base_year():
    fifteenth = Definition("co2_intensity", "energy_co2", "constant", 2025)
    set_ = [
        dc.Control(
            "co2_intensity",
            "change",
            fifteenth,
            "at_risk",
            target_change=-0.17,
            current_change=-0.021,
        ),
        dc.Control(
            "co2",
            "cumulative",
            Definition("co2", "energy_co2"),
            "on_track",
            target_value=480000.0,
            unit="万吨",
            used=97000.0,
        ),
    ]
    dual = panels.dual_control_face([standing("15th-FYP", "running", set_)], "zh")
    assert texts(dual)[1:] == [
        "强度",
        "存在风险",
        "总量",
        "进度正常",
        "强度：目标 −17% · −2.1%",
        "总量：累计 480,000 万吨 · 97,000",
    ]
    waiting = [dc.Control("co2_intensity", "change", fifteenth, "no_base_data", -0.17)]
    face = panels.dual_control_face([standing("15th-FYP", "running", waiting)], "zh")
    assert texts(face)[1:3] == ["强度", "待2025年基数"]
    assert panels.dual_control_face([standing("14th-FYP", "closed", [])], "zh") is None


def test_a_region_without_a_target():
    tile = panels._target_tile(None, "zh")
    assert texts(tile) == ["强度目标进度", "—", "未设定目标"]
