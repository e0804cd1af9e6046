"""Screen text in Chinese (default) and English, and number formats (万吨 / 亿吨, t/万元)."""

from __future__ import annotations

import math

TEXT: dict[str, tuple[str, str]] = {
    "title": ("碳排放态势监测大屏", "Carbon Emissions Situation Wall"),
    "kpi_co2e": ("温室气体排放总量", "Total GHG emissions"),
    "kpi_co2": ("二氧化碳排放", "CO₂ emissions"),
    "kpi_intensity": ("碳排放强度", "Carbon intensity"),
    "kpi_target": ("强度目标进度", "Intensity target"),
    "kpi_rising": ("强度上升的下级地区", "Rising intensity"),
    "kpi_net": ("净排放（含碳汇）", "Net emissions (with sinks)"),
    "sink": ("LULUCF 净 {v}", "LULUCF net {v}"),
    "vs_prev": ("较{prev}年", "vs {prev}"),
    "no_prev": ("无上期数据", "no previous period"),
    "derived": ("下级汇总", "sum of sub-regions"),
    "of_n": ("{n} 个中 {k} 个", "{k} of {n}"),
    "target_fmt": ("{plan}：{base}→{target}年 {change}", "{plan}: {base}→{target} {change}"),
    "so_far": ("已完成 {change}", "so far {change}"),
    "status_on_track": ("进度正常", "on track"),
    "status_at_risk": ("存在风险", "at risk"),
    "status_off_track": ("滞后", "off track"),
    "status_no_data": ("数据不足", "no data"),
    "no_target": ("未设定目标", "no target set"),
    "panel_trend": ("分领域排放趋势", "Emissions by sector"),
    "panel_map": ("下级地区碳排放强度", "Carbon intensity of sub-regions"),
    "panel_rank": ("下级地区排名", "Sub-region ranking"),
    "panel_leaf": ("本地区排放构成", "Emissions here"),
    "panel_forecast": ("排放与强度预测", "Emissions and intensity outlook"),
    "panel_gas": ("温室气体构成", "Greenhouse gas composition"),
    "rank_co2e_top": ("排放量 前{n}", "Emissions: top {n}"),
    "rank_co2e_bottom": ("排放量 后{n}", "Emissions: bottom {n}"),
    "rank_int_top": ("强度 前{n}", "Intensity: top {n}"),
    "rank_int_bottom": ("强度 后{n}", "Intensity: bottom {n}"),
    "rank_co2e_all": ("排放量 排名", "Emissions ranking"),
    "rank_int_all": ("强度 排名", "Intensity ranking"),
    "vs_year": ("较{prev}年", "vs {prev}"),
    "col_vs_prev": ("较上期", "Change"),
    "vs_year_short": ("较{prev}", "vs {prev}"),
    "vs_prev_short": ("较上年", "vs previous year"),
    "col_co2e_unit": ("排放量 {unit}", "Emissions {unit}"),
    "col_intensity_unit": ("强度 {unit}", "Intensity {unit}"),
    "col_sector": ("领域", "Sector"),
    "col_industry": ("行业", "Industry"),
    "share_col": ("占比", "Share"),
    "leaf_sectors": ("本地区分领域排放（{period}年）", "Emissions by sector ({period})"),
    "leaf_parks": ("辖区内园区（{n} 个）", "Parks here ({n})"),
    "own_records": ("本级上报", "own records"),
    "basis_constant": ("可比价地区生产总值", "constant-price GDP"),
    "basis_constant_year": ("{year}年可比价地区生产总值", "GDP at constant {year} prices"),
    "basis_current": ("现价地区生产总值（缺可比价，回退）", "current-price GDP (fallback)"),
    "export_note": (
        "来源：carbonwall 数据版本 {version} · 温室气体按 {gwp} 全球增温潜势折算 CO₂e · "
        "强度 = 二氧化碳排放 / 地区生产总值（口径见“强度分母”列） · 导出于 {at}",
        "Source: carbonwall data version {version} · CO₂e with {gwp} GWP values · "
        "intensity = CO₂ / GDP (basis in the GDP basis column) · exported {at}",
    ),
    "kpi_co2e_gwp": ("温室气体排放总量（{gwp}）", "Total GHG emissions ({gwp})"),
    "kpi_net_gwp": ("净排放（含LULUCF，{gwp}）", "Net (with LULUCF, {gwp})"),
    "last_trend_co2e": ("近年排放走势", "Recent emissions"),
    "gas_gwp": ("CO₂e · {gwp}", "CO₂e · {gwp}"),
    "park_not_on_map": (
        "园区 {code} 暂无位置信息，地图上无法标出，显示其所在区县",
        "Park {code} has no position on file; showing its county",
    ),
    "col_rank": ("名次", "#"),
    "col_region": ("地区", "Region"),
    "col_co2e": ("排放量", "Emissions"),
    "col_intensity": ("强度", "Intensity"),
    "col_change": ("强度变化", "Change"),
    "export_csv": ("导出 CSV", "CSV"),
    "export_xlsx": ("导出 Excel", "Excel"),
    "rose": ("强度上升（{now}年较{prev}年）", "Intensity rose ({now} vs {prev})"),
    "fell": ("强度下降（{now}年较{prev}年）", "Intensity fell ({now} vs {prev})"),
    "parks": ("园区", "Parks"),
    "colorbar": ("强度<br>吨/万元", "Intensity<br>t/10k CNY"),
    "unit_intensity": ("吨/万元", "t/10k CNY"),
    "unit_mass_axis": ("万吨", "10k t"),
    "history": ("历史", "history"),
    "forecast": ("预测", "forecast"),
    "band": ("80% 区间", "80% PI"),
    "emissions": ("排放量", "Emissions"),
    "intensity": ("强度", "Intensity"),
    "no_data": ("暂无数据", "No data yet"),
    "no_children": ("无下级地区", "No sub-regions"),
    "unknown_region": (
        "未找到地区代码 {code}，已返回全局视图",
        "Region {code} is unknown; showing the overview",
    ),
    "db_down": (
        "数据暂时无法加载，系统将自动重试（显示的是 {ago} 前的数据）",
        "Data cannot be loaded right now; retrying (showing data from {ago} ago)",
    ),
    "error": ("数据暂时无法加载，系统将自动重试", "Data cannot be loaded right now; retrying"),
    "fresh": ("数据期 {period} 年 · 更新于 {at}", "Data period {period} · updated {at}"),
    "tz_name": ("北京时间", "Beijing time"),
    "fresh_none": ("尚无数据", "No data yet"),
    "rank_among": ("在{parent}下级地区中排名", "Rank in {parent}"),
    "rank_value": ("排放第 {a} / 强度第 {b}（共 {n}）", "emissions #{a} / intensity #{b} of {n}"),
    "last_trend": ("近年走势", "Recent trend"),
    "detail_park": ("园区 · {industry}", "Park · {industry}"),
    "minutes": ("{n} 分钟", "{n} min"),
    "hours": ("{n} 小时", "{n} h"),
    "lang_switch": ("English", "中文"),
    "nav_analysis": ("综合分析", "Analysis"),
    "sector_total": ("合计", "Total"),
    "net": ("净排放", "Net"),
    "share": ("占比", "share"),
    # target progress (KPI tile, map view, forecast panel)
    "kpi_target_plan": ("强度目标进度 · {plan}", "Intensity target · {plan}"),
    "target_goal": ("/ 目标 {change}", "/ goal {change}"),
    "needed_rate": ("尚需年均 {rate}", "needs {rate}/yr"),
    "headroom": ("年均余量 {rate}", "headroom {rate}/yr"),
    "map_mode_note_target": ("颜色：目标进度", "Colour: target progress"),
    "target_year_now": ("已到目标年", "target year reached"),
    "colorbar_target": ("目标进度", "Target progress"),
    "target_hover": (
        "目标进度 {status}（已 {so_far}，{year}年目标 {goal}）",
        "Target: {status} ({so_far} so far, {goal} by {year})",
    ),
    "target_hover_none": ("目标进度 数据不足", "Target: not enough data"),
    "no_intensity": ("暂无强度数据", "no intensity"),
    "map_mode_intensity": ("强度", "Intensity"),
    "map_mode_target": ("目标进度", "Target"),
    "map_mode_zero_carbon": ("零碳园区", "Zero-carbon parks"),
    "band95": ("95% 区间", "95% PI"),
    "last_year_fc": ("去年预测", "Prior forecast"),
    "actual": ("实际", "actual"),
    "backtest": ("去年预测与实际", "Prior forecast vs actual"),
    "last_fc_band": ("去年预测（80%：{lo}–{hi}）", "prior forecast (80%: {lo}–{hi})"),
    "bands": ("80% / 95% 区间", "80% / 95% PI"),
    "in_band": ("在区间内", "inside the interval"),
    "out_of_band": ("超出区间", "outside the interval"),
    "vs_last_fc": ("实际，较去年预测 {miss}，{where}", "actual, {miss} vs prior forecast, {where}"),
    "target_path": ("目标路径", "Target path"),
    "target_at": ("目标 {year}年 {change}", "target {year} {change}"),
    # assessed intensity and dual control (target tile; datasource.definitions, dual_control)
    "kpi_assessed": ("{plan}考核强度 · 目标 {goal}", "{plan} target {goal}"),
    "assessed_title": ("{plan}考核强度 {year}年", "{plan} assessed intensity {year}"),
    "fallback_current_prices": ("现价GDP回退", "current-price GDP fallback"),
    "fallback_other_price_base": ("价格基年不同", "other price base"),
    "fallback_derived": ("下级汇总", "sum of sub-regions"),
    "dual_title": ("{plan}双控（{base}→{end}）", "{plan} dual control"),
    "dual_intensity": ("强度", "Intensity"),
    "dual_total": ("总量", "Total"),
    "dual_no_target": ("未设定", "none"),
    "dual_no_base_data": ("待{year}年基数", "awaiting {year} base"),
    "dual_annual": ("上限", "cap"),
    "dual_scope": ("口径", "Scope"),
    "dual_gdp": ("强度分母", "Per"),
    "dual_cumulative": ("累计", "budget"),
    "plan_result_achieved": ("已完成", "achieved"),
    "plan_result_not_achieved": ("未完成", "not achieved"),
    "plan_result_pending": ("待{year}年数据", "awaiting {year} data"),
    "result_title": ("{plan}（{base}→{end}）考核结果", "{plan} ({base}→{end}) result"),
    "result_line": ("{name} {change} / 目标 {goal}", "{name} {change} / goal {goal}"),
    "metric_energy_intensity": ("能耗强度", "Energy intensity"),
    "metric_co2e_intensity": ("温室气体强度", "GHG intensity"),
    "metric_co2e": ("温室气体总量", "GHG total"),
    "metric_energy": ("能耗总量", "Energy total"),
    "since_base": ("较{year}年", "vs {year}"),
    # parks
    "colorbar_pdi": ("园区 PDI 总分", "Park PDI total"),
    "park_level_national": ("国家级", "national"),
    "park_level_provincial": ("省级", "provincial"),
    "pdi_none": ("未参与 PDI 评价", "no PDI evaluation"),
    "pdi_total": ("PDI 总分", "PDI total"),
    "pdi_dims": ("表现力 {p} · 发展力 {d} · 影响力 {i}", "P {p} · D {d} · I {i}"),
    "pdi_P": ("低碳表现力（50%）", "Performance (50%)"),
    "pdi_D": ("低碳发展力（30%）", "Development (30%)"),
    "pdi_I": ("低碳影响力（20%）", "Impact (20%)"),
    "pdi_rank": ("行业内第 {rank} / {n}（{industry}）", "#{rank} of {n} in {industry}"),
    "detail_park_level": ("园区 · {industry} · {level}", "Park · {industry} · {level}"),
    # peak watch and policies (detail card)
    "peak": ("达峰研判", "Peak watch"),
    "peak_peaked": ("已达峰（峰值年 {year}）", "peaked ({year})"),
    "peak_plateau": ("平台期（峰值年 {year}）", "plateau (high in {year})"),
    "peak_not": ("未达峰", "not yet peaked"),
    "peak_none": ("数据不足", "not enough data"),
    "policies": ("最新政策", "Latest policies"),
    "no_policies": ("暂无相关政策", "no policies on file"),
}

PLAN_NAMES = {  # plan codes as stored -> (zh, en) on screen
    "13th-FYP": ("十三五", "13th FYP"),
    "14th-FYP": ("十四五", "14th FYP"),
    "15th-FYP": ("十五五", "15th FYP"),
    "NDC-2030": ("2030 自主贡献", "NDC 2030"),
}
_SHORT_SUFFIXES = (
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "自治州",
    "地区",
    "省",
    "市",
)

_SHORT_SUFFIXES_EN = (  # Feixi County -> Feixi in the wall's tables and map labels
    " Autonomous Prefecture",
    " Autonomous County",
    " Autonomous Banner",
    " Forestry District",
    " New Area",
    " Prefecture",
    " District",
    " County",
    " League",
    " Banner",
    " City",
)

_TONNE_UNITS_ZH = ((1e8, "亿吨"), (1e4, "万吨"))
_TONNE_UNITS_EN = ((1e9, "Gt"), (1e6, "Mt"), (1e3, "kt"))


def t(key: str, lang: str = "zh", **kwargs: object) -> str:
    """The text for `key` in `lang`, with {placeholders} filled."""
    zh, en = TEXT[key]
    text = en if lang == "en" else zh
    return text.format(**kwargs) if kwargs else text


def name(info: object, lang: str) -> str:
    """A region's display name from anything with name_zh / name_en."""
    return getattr(info, "name_en" if lang == "en" else "name_zh")


def plan(code: str, lang: str = "zh") -> str:
    names = PLAN_NAMES.get(code)
    return (names[1] if lang == "en" else names[0]) if names else code


def short_name(info: object, lang: str) -> str:
    """A name for tight spaces: 宁夏回族自治区 -> 宁夏, 伊犁哈萨克自治州 -> 伊犁哈萨克,
    Feixi County ->
    Feixi (the full name is the tooltip)."""
    full = name(info, lang)
    suffixes = _SHORT_SUFFIXES_EN if lang == "en" else _SHORT_SUFFIXES
    for suffix in suffixes:
        if full.endswith(suffix) and len(full) > len(suffix) + 1:
            return full[: -len(suffix)]
    return full


def _is_missing(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def mass_parts(tonnes: float | None, lang: str = "zh") -> tuple[str, str]:
    """(number, unit) for a mass in tonnes: 亿吨 from 10^8 t, else 万吨; Gt/Mt/kt in English."""
    if _is_missing(tonnes):
        return "—", ""
    units = _TONNE_UNITS_EN if lang == "en" else _TONNE_UNITS_ZH
    for size, unit in units:
        if abs(tonnes) >= size:
            value = tonnes / size
            digits = 2 if abs(value) < 100 else (1 if abs(value) < 1000 else 0)
            return f"{value:,.{digits}f}", unit
    size, unit = units[-1]
    return f"{tonnes / size:,.2f}", unit


def mass(tonnes: float | None, lang: str = "zh") -> str:
    number, unit = mass_parts(tonnes, lang)
    return f"{number} {unit}".strip().replace("-", "−")


def wan_tonnes(tonnes: float | None) -> float | None:
    """Tonnes in 万吨 (10^4 t), the unit of the charts' axes."""
    return None if _is_missing(tonnes) else tonnes / 1e4


def intensity(value: float | None) -> str:
    if _is_missing(value):
        return "—"
    return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.2f}"


def pct(fraction: float | None, digits: int = 1) -> str:
    """+3.2% / −3.2% (a true minus sign, readable from across the room)."""
    if _is_missing(fraction):
        return "—"
    sign = "+" if fraction > 0 else ("−" if fraction < 0 else "±")
    return f"{sign}{abs(fraction) * 100:.{digits}f}%"


def pct_as_set(fraction: float | None) -> str:
    """A target with the precision it was set at: −19.5%, −18%, −13.5% (up to two decimals of a
    percent, trailing zeros dropped), where pct() would round −19.5 % to one fixed format."""
    if _is_missing(fraction):
        return "—"
    sign = "+" if fraction > 0 else ("−" if fraction < 0 else "±")
    digits = f"{abs(fraction) * 100:.2f}".rstrip("0").rstrip(".")
    return f"{sign}{digits}%"


def ago(seconds: float, lang: str = "zh") -> str:
    minutes = max(1, round(seconds / 60))
    if minutes < 120:
        return t("minutes", lang, n=minutes)
    return t("hours", lang, n=round(minutes / 60))
