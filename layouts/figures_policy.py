"""Pure builders of the policy library's screens: the monthly views chart, the statistics'
export tables (CSV / XLSX bytes) and the policy library's screen text. No Dash, no SQL."""

from __future__ import annotations

import io
from collections.abc import Sequence

import plotly.graph_objects as go

from datasource.policy import PolicyStats
from layouts import theme

TEXT: dict[str, tuple[str, str]] = {
    "app": ("双碳政策法规管理平台", "Dual-carbon policy library"),
    "library": ("政策资料库", "Library"),
    "stats": ("统计分析", "Statistics"),
    "where": ("当前位置：", "You are here: "),
    "tab_policy": ("政策文件统计", "Policy documents"),
    "tab_news": ("低碳资讯统计", "Low-carbon news"),
    "access_policy": ("政策文件访问统计", "Views of policy documents"),
    "access_news": ("低碳资讯访问统计", "Views of low-carbon news"),
    "month": ("本月", "This month"),
    "year": ("本年", "This year"),
    "views": ("浏览量", "Views"),
    "top_docs": ("热门政策TOP5", "Most-read TOP 5"),
    "top_agencies": ("发文机关TOP5", "Issuing agencies TOP 5"),
    "rank": ("排名", "Rank"),
    "doc_title": ("政策标题", "Title"),
    "doc_views": ("浏览量(次)", "Views"),
    "agency": ("机关名称", "Agency"),
    "doc_count": ("发文数(个)", "Documents"),
    "export_csv": ("导出 CSV", "Export CSV"),
    "export_xlsx": ("导出 Excel", "Export Excel"),
    "search": ("搜索", "Search"),
    "search_ph": ("输入标题、文号或正文中的词语，如：碳达峰", "Title, number or text, e.g. 碳达峰"),
    "category": ("类别", "Category"),
    "issuer": ("发文机关", "Agency"),
    "level": ("级别", "Level"),
    "region": ("地区代码", "Region code"),
    "date_from": ("起始日期", "From"),
    "date_to": ("截止日期", "To"),
    "all": ("全部", "All"),
    "found": ("共找到 {n} 份文件", "{n} documents found"),
    "none": ("没有找到符合条件的文件", "No document matches"),
    "back": ("返回列表", "Back to the list"),
    "doc_no": ("文号", "Number"),
    "issued_on": ("发文日期", "Issued"),
    "pdf": ("下载 PDF 原文", "Download the PDF"),
    "total_views": ("累计浏览 {n} 次", "{n} views in all"),
    "not_found": ("文件不存在或已隐藏", "The document does not exist or is hidden"),
    "admin": ("管理员 {user}", "Administrator {user}"),
    "login": ("登录", "Log in"),
    "logout": ("退出", "Log out"),
    "hide": ("隐藏", "Hide"),
    "no_views": ("暂无浏览数据", "No views yet"),
    "manage": ("文件管理", "Administration"),
    "gate_login": ("文件管理仅限管理员：请先登录", "Administrators only: please log in"),
    "gate_role": (
        "无权限：用户 {user} 不是管理员，不能管理文件",
        "Not allowed: {user} is not an administrator",
    ),
    "documents": ("全部文件（含已隐藏）", "All documents (hidden ones too)"),
    "filter_ph": ("按标题、文号或正文筛选", "Filter by title, number or text"),
    "new_doc": ("新增文件", "New document"),
    "edit_doc": ("编辑文件 #{id}", "Edit document #{id}"),
    "edit": ("编辑", "Edit"),
    "save": ("保存", "Save"),
    "unhide": ("取消隐藏", "Show again"),
    "delete": ("删除", "Delete"),
    "delete_q": (
        "确定删除《{title}》？文件、PDF 和浏览记录将被删除，审计记录保留。",
        "Delete “{title}”? The document, its PDF and views go; the audit log stays.",
    ),
    "title": ("标题", "Title"),
    "tags": ("标签（逗号分隔）", "Tags (comma-separated)"),
    "body": ("正文", "Full text"),
    "region_ph": ("6 位行政区划代码或园区代码，如 340000", "6-digit region or park code"),
    "status": ("状态", "Status"),
    "shown": ("公开", "Public"),
    "hidden": ("已隐藏", "Hidden"),
    "saved_new": ("已新增文件 #{id}", "Document #{id} added"),
    "saved": ("已保存 #{id}：修改了 {fields}", "#{id} saved: {fields} changed"),
    "unchanged": ("没有改动", "Nothing changed"),
    "not_saved": ("未保存，请修改以下内容：", "Not saved; please correct:"),
    "unreadable": ("文件无法读取", "The file could not be read"),
    "now_hidden": ("#{id} 已隐藏", "#{id} hidden"),
    "now_shown": ("#{id} 已公开", "#{id} shown"),
    "deleted": ("已删除 #{id}", "#{id} deleted"),
    "refused": ("无权限：仅管理员可以修改文件", "Not allowed: administrators only"),
    "pick_first": ("请先在列表中选择或保存一份文件", "Choose or save a document first"),
    "pdf_upload": ("上传 PDF 原文（拖放或点击选择）", "Upload the PDF (drop or click)"),
    "pdf_done": ("已上传 {name}（{size}）", "Uploaded {name} ({size})"),
    "import": ("批量导入目录（CSV / XLSX）", "Import a catalogue (CSV / XLSX)"),
    "import_drop": ("拖放或点击选择目录文件", "Drop or click to choose the catalogue"),
    "dry_run": ("仅校验，不导入", "Check only, import nothing"),
    "import_done": ("已导入 {n} 份文件（{name}）", "{n} documents imported ({name})"),
    "import_ok": (
        "校验通过：{n} 行均可导入（未导入）",
        "All {n} rows are valid (nothing imported)",
    ),
    "import_bad": (
        "未导入（全部或全不）：{name} 中有 {n} 处问题",
        "Nothing imported (all or nothing): {n} problems in {name}",
    ),
    "too_big": ("文件超过 {mb} MB 上限", "The file is over the {mb} MB limit"),
    "audit": ("操作记录（最近 50 条）", "Audit log (latest 50)"),
    "at": ("时间", "When"),
    "user": ("用户", "User"),
    "action": ("操作", "Action"),
    "detail": ("内容", "Detail"),
}

ACTION_NAMES = {
    "create": ("新增", "create"),
    "edit": ("修改", "edit"),
    "hide": ("隐藏", "hide"),
    "unhide": ("取消隐藏", "unhide"),
    "delete": ("删除", "delete"),
    "upload_pdf": ("上传PDF", "upload PDF"),
    "import": ("批量导入", "import"),
}
FIELD_NAMES = {
    "title": ("标题", "title"),
    "doc_no": ("文号", "number"),
    "agency": ("发文机关", "agency"),
    "issued_on": ("发文日期", "date"),
    "level": ("级别", "level"),
    "category": ("类别", "category"),
    "region_code": ("地区代码", "region"),
    "tags": ("标签", "tags"),
    "body": ("正文", "text"),
}

LEVEL_NAMES = {
    "national": ("国家级", "National"),
    "provincial": ("省级", "Provincial"),
    "municipal": ("市级", "Municipal"),
    "park": ("园区级", "Park"),
}


def t(key: str, lang: str = "zh", **kwargs: object) -> str:
    zh, en = TEXT[key]
    text = en if lang == "en" else zh
    return text.format(**kwargs) if kwargs else text


def file_size(n: int) -> str:
    """45 B, 12.3 KB, 4.5 MB."""
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def action_name(action: str, lang: str = "zh") -> str:
    zh, en = ACTION_NAMES.get(action, (action, action))
    return en if lang == "en" else zh


def field_names(fields: Sequence[str], lang: str = "zh") -> str:
    """Screen names of document fields, in the form's order: 标题、正文."""
    i = 1 if lang == "en" else 0
    given = set(fields)
    names = [pair[i] for f, pair in FIELD_NAMES.items() if f in given]
    names += sorted(f for f in given if f not in FIELD_NAMES)
    return (", " if lang == "en" else "、").join(names)


def level_name(level: str, lang: str = "zh") -> str:
    zh, en = LEVEL_NAMES.get(level, (level, level))
    return en if lang == "en" else zh


def views_chart(
    series: Sequence[tuple[str, int]], *, highlight: str | None = None, lang: str = "zh"
) -> go.Figure:
    """Bars of views per month (YYYY-MM), the highlighted month in the accent colour."""
    fig = go.Figure()
    if not series or not any(n for _, n in series):
        fig.add_annotation(text=t("no_views", lang), showarrow=False, font=dict(color=theme.MUTED))
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
    else:
        colours = [
            theme.ACCENT if m == highlight else "rgba(56, 189, 248, 0.45)" for m, _ in series
        ]
        fig.add_bar(
            x=[m for m, _ in series],
            y=[n for _, n in series],
            marker_color=colours,
            text=[f"{n:,}" for _, n in series],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}<br>" + t("views", lang) + " %{y:,}<extra></extra>",
            name=t("views", lang),
        )
        fig.update_xaxes(type="category")
        fig.update_yaxes(title_text=t("views", lang), rangemode="tozero")
    fig.update_layout(
        font=dict(family=theme.FONT_FAMILY, color=theme.TEXT),
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        margin=dict(l=50, r=16, t=24, b=40),
        showlegend=False,
        uirevision="policy-views",
    )
    return fig


def export_rows(stats: PolicyStats, *, lang: str = "zh") -> list[list[object]]:
    """The statistics as one table: the period's views, the monthly series, both TOP 5s."""
    tab = t("tab_policy" if stats.tab == "policy" else "tab_news", lang)
    rows: list[list[object]] = [[tab, stats.period, t("views", lang), stats.views]]
    rows.append([])
    rows.append([t("views", lang), "", "", ""])
    rows += [[month, "", "", n] for month, n in stats.series]
    rows.append([])
    rows.append([t("top_docs", lang), t("rank", lang), t("doc_title", lang), t("doc_views", lang)])
    rows += [["", d.rank, d.title, d.views] for d in stats.top_documents]
    rows.append([])
    rows.append([t("top_agencies", lang), t("rank", lang), t("agency", lang), t("doc_count", lang)])
    rows += [["", a.rank, a.agency, a.documents] for a in stats.top_agencies]
    return rows


def export_csv(stats: PolicyStats, *, lang: str = "zh") -> bytes:
    """UTF-8 with BOM, so Excel on a Chinese Windows desktop opens it correctly."""
    from layouts import spreadsheet

    return spreadsheet.csv_bytes(export_rows(stats, lang=lang), lineterminator="\r\n")


def export_xlsx(stats: PolicyStats, *, lang: str = "zh") -> bytes:
    import xlsxwriter

    from layouts import spreadsheet

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, spreadsheet.XLSXWRITER_OPTIONS)
    sheet = book.add_worksheet(t("stats", lang))
    for r, row in enumerate(export_rows(stats, lang=lang)):
        for c, value in enumerate(row):
            spreadsheet.xlsxwriter_cell(sheet, r, c, value)
    sheet.set_column(0, 0, 18)
    sheet.set_column(2, 2, 60)
    book.close()
    return buf.getvalue()


def export_name(stats: PolicyStats, ext: str) -> str:
    return f"policy-stats-{stats.tab}-{stats.period}.{ext}"
