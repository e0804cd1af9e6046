"""Pure builders of the policy library's screens: the monthly views chart, the statistics'
export tables (CSV / XLSX bytes) and the policy library's screen text. No Dash, no SQL."""

from __future__ import annotations

import csv
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
    buf = io.StringIO()
    csv.writer(buf).writerows(export_rows(stats, lang=lang))
    return buf.getvalue().encode("utf-8-sig")


def export_xlsx(stats: PolicyStats, *, lang: str = "zh") -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet(t("stats", lang))
    for r, row in enumerate(export_rows(stats, lang=lang)):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    sheet.set_column(0, 0, 18)
    sheet.set_column(2, 2, 60)
    book.close()
    return buf.getvalue()


def export_name(stats: PolicyStats, ext: str) -> str:
    return f"policy-stats-{stats.tab}-{stats.period}.{ext}"
