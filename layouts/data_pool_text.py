"""The data pool page's (/data) screen text in Chinese and English, and the small formatters
its builders share: kind, status and source names, Beijing time, numbers, problem lines."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone

from datasource.pdi_ingest import KIND_NAMES_ZH as PDI_NAMES_ZH
from datasource.pdi_ingest import KINDS as PDI_KINDS
from datasource.readers import KIND_NAMES_ZH, KINDS
from layouts import theme

AUTO = "auto"  # the kind selector's "detect from the columns"
CHINA_TZ = timezone(timedelta(hours=8))  # times are shown in Beijing time

TEXT: dict[str, tuple[str, str]] = {
    "title": ("数据资源池 · 数据采集入库与存储管理", "Data pool · ingest and storage"),
    "gate_login": ("数据资源池管理仅限管理员：请先登录", "Administrators only: please log in"),
    "gate_role": (
        "无权限：用户 {user} 不是管理员，不能管理数据资源池",
        "Not allowed: {user} is not an administrator",
    ),
    "login": ("登录", "Log in"),
    "refused": ("无权限：仅管理员可以导入数据", "Not allowed: administrators only"),
    "ingest": ("数据采集入库", "Ingest a file"),
    "kind": ("数据类型", "Kind"),
    "auto": ("自动识别（按表头）", "Detect from the header"),
    "dry_run": ("仅校验，不写入", "Check only, write nothing"),
    "drop": (
        "拖放或点击选择 CSV / XLSX 文件（不超过 {mb} MB）",
        "Drop or click to choose a CSV / XLSX file (up to {mb} MB)",
    ),
    "rule": (
        "一个文件是一个批次：全部行导入，或者一行也不导入。",
        "One file is one batch: every row goes in, or none does.",
    ),
    "unreadable": ("文件无法读取", "The file could not be read"),
    "too_big": ("文件超过 {mb} MB 上限", "The file is over the {mb} MB limit"),
    "accepted": ("已导入：{name}（{kind}）", "Accepted: {name} ({kind})"),
    "unchanged": (
        "数据无变化：{name}（{kind}）与库中数据相同",
        "Unchanged: {name} ({kind}) matches the pool",
    ),
    "dry_ok": (
        "校验通过（仅校验，未写入）：{name}（{kind}）",
        "Valid (check only, nothing written): {name} ({kind})",
    ),
    "counts": (
        "{rows} 行：新增 {inserted}，替换 {replaced}，未变 {unchanged}",
        "{rows} rows: {inserted} new, {replaced} replaced, {unchanged} unchanged",
    ),
    "counts_pdi": (
        "{rows} 行：新增 {inserted}，替换 {replaced}",
        "{rows} rows: {inserted} new, {replaced} replaced",
    ),
    "version_now": (
        "批次 #{batch}，数据版本现为 {version}",
        "Batch #{batch}; the data version is now {version}",
    ),
    "version_same": ("数据版本仍为 {version}", "The data version is still {version}"),
    "batch_same": (
        "批次 #{batch}，数据版本仍为 {version}",
        "Batch #{batch}; the data version is still {version}",
    ),
    "ignored": ("已忽略的列（未导入）：{cols}", "Ignored columns (not loaded): {cols}"),
    "rollup_next": (
        "大屏汇总数据将由调度程序在后台重建。",
        "The scheduler rebuilds the wall's aggregates in the background.",
    ),
    "rejected": (
        "已拒绝，未导入：{name}（{kind}）有 {n} 个问题",
        "Rejected, nothing loaded: {n} problems in {name} ({kind})",
    ),
    "more_problems": ("另有 {n} 个问题未列出", "{n} more problems not listed"),
    "nothing_changed": (
        "数据资源池没有任何改变（全部导入或全部不导入），数据版本仍为 {version}。",
        "Nothing in the data pool changed (all or nothing); the data version is still {version}.",
    ),
    "recorded": (
        "此次尝试已记为批次 #{batch}，可在导入历史中查看。",
        "The attempt is recorded as batch #{batch} in the history.",
    ),
    "line": ("第 {line} 行", "Line {line}"),
    "file": ("文件", "File"),
    "unknown_kind": ("未识别类型", "unknown kind"),
    "history": ("存储管理 · 导入批次（最新在前）", "Storage · ingest batches (newest first)"),
    "at": ("时间（北京时间）", "Time (Beijing)"),
    "file_name": ("文件", "File"),
    "kind_col": ("类型", "Kind"),
    "status": ("状态", "Status"),
    "rows": ("行数", "Rows"),
    "inserted": ("新增", "New"),
    "replaced": ("替换", "Replaced"),
    "source": ("来源", "Source"),
    "no_batches": ("尚无导入批次", "No batches yet"),
    "shown": ("显示最新 {shown} 批，共 {total} 批", "Newest {shown} of {total} batches"),
    "more": ("更多", "More"),
    "pick": (
        "点击文件名查看该批次的拒绝原因或被替换的值",
        "Click a file name to see the batch's problems or replaced values",
    ),
    "detail_head": (
        "批次 #{id}：{name}（{kind}，{status}）",
        "Batch #{id}: {name} ({kind}, {status})",
    ),
    "detail_rejected": ("拒绝原因（共 {n} 条）", "Why it was rejected ({n} in all)"),
    "detail_changes": ("被替换的值（共 {n} 个）", "Replaced values ({n} in all)"),
    "detail_none": ("此批次没有替换库中已有的值", "This batch replaced no stored value"),
    "detail_more": ("另有 {n} 条未列出", "{n} more not listed"),
    "detail_gone": ("批次 #{id} 不存在", "Batch #{id} does not exist"),
    "table": ("数据表", "Table"),
    "key": ("键", "Key"),
    "old_new": ("原值 → 新值", "Old → new"),
    "units": (
        "数值为库中的存储单位（排放量：吨或吨CO₂e）",
        "Values in the stored unit (emissions: t or t CO₂e)",
    ),
    "state": ("数据状态", "Data state"),
    "version": ("当前数据版本：{v}", "Data version: {v}"),
    "changed_at": ("（{at} 更新）", " (changed {at})"),
    "rollup": ("大屏汇总：基于版本 {v}", "Wall aggregates: built from version {v}"),
    "rollup_at": ("（{at} 重建）", " (rebuilt {at})"),
    "rollup_never": ("大屏汇总：尚未构建", "Wall aggregates: not built yet"),
    "rollup_current": ("已是最新", "up to date"),
    "rollup_behind": ("待重建", "waiting for a rebuild"),
    "scheduler": (
        "导入成功后，大屏的汇总数据（各级地区合计、排名、趋势）由调度程序在后台重建"
        "（约每 {s} 秒检查一次数据版本）；重建完成前，大屏显示上一版汇总。",
        "After an accepted ingest the scheduler rebuilds the wall's aggregates (totals per "
        "region level, rankings, trends) in the background (it checks the data version about "
        "every {s} s); until then the wall shows the previous aggregates.",
    ),
}

STATUS_NAMES = {
    "accepted": ("已导入", "accepted"),
    "rejected": ("已拒绝", "rejected"),
    "unchanged": ("无变化", "unchanged"),
    "dry-run": ("仅校验", "dry run"),
}
SOURCE_NAMES = {
    "web": ("网页", "web"),
    "api": ("接口", "API"),
    "cli": ("命令行", "CLI"),
    "demo": ("演示数据", "demo"),
}
KIND_NAMES_EN = {
    "emissions": "Emissions",
    "indicators": "Socio-economic indicators",
    "regions": "Regions",
    "parks": "Parks",
    "targets": "Targets",
    "pdi_tree": "PDI indicator tree and weights",
    "pdi_ratings": "Delphi ratings",
    "pdi_values": "Park indicator values",
    "pdi_scores": "Park dimension scores",
}
TABLE_NAMES = {
    "emission": ("排放数据", "emissions"),
    "indicator": ("经济社会指标", "indicators"),
    "region": ("行政区划", "regions"),
    "target": ("目标", "targets"),
}
STATUS_COLOURS = {"accepted": theme.FELL, "rejected": theme.ROSE, "unchanged": theme.MUTED}


def t(key: str, lang: str = "zh", **kwargs: object) -> str:
    zh, en = TEXT[key]
    text = en if lang == "en" else zh
    return text.format(**kwargs) if kwargs else text


def name_of(names: Mapping[str, tuple[str, str]], key: str, lang: str) -> str:
    """The screen name of ``key`` in one of the name tables; the key itself if unknown."""
    zh, en = names.get(key, (key, key))
    return en if lang == "en" else zh


def kind_name(kind: str | None, lang: str = "zh") -> str:
    """排放数据 / Emissions; the raw kind when it is not one the pool knows."""
    if not kind or kind == "unknown":
        return t("unknown_kind", lang)
    if lang == "en":
        return KIND_NAMES_EN.get(kind, kind)
    return KIND_NAMES_ZH.get(kind) or PDI_NAMES_ZH.get(kind) or kind


def kind_options(lang: str = "zh") -> list[dict[str, str]]:
    """The kind selector: detect, then the pool's kinds, then the PDI kinds."""
    return [{"label": t("auto", lang), "value": AUTO}] + [
        {
            "label": f"{kind_name(k, lang)}（{k}）"
            if lang == "zh"
            else f"{kind_name(k, lang)} ({k})",
            "value": k,
        }
        for k in (*KINDS, *PDI_KINDS)
    ]


def beijing(moment: datetime | None) -> str:
    return "—" if moment is None else moment.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S")


def number(value: float | None) -> str:
    """12,345.6789 at most four decimals; — for none."""
    if value is None:
        return "—"
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def problem_line(line: int | None, column: str | None, reason: str, lang: str = "zh") -> str:
    """第 3 行 [value]: 原因 (header = line 1); 文件: … for the whole file."""
    where = t("line", lang, line=line) if line is not None else t("file", lang)
    col = f" [{column}]" if column else ""
    return f"{where}{col}: {reason}"
