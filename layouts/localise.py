"""The Chinese screen gets no English from components: the dropdowns' own words ("Search",
"No options found", "Select All" ...) and AG Grid's ("No Rows To Show", the filter menu) are set
in Chinese on every page beside the wall, in one walk over the page's components."""

from __future__ import annotations

from typing import Any

DROPDOWN_LABELS_ZH = {
    "select_all": "全选",
    "deselect_all": "全部取消",
    "selected_count": "已选 {num_selected} 项",
    "search": "搜索",
    "clear_search": "清除搜索",
    "clear_selection": "清除选择",
    "no_options_found": "无匹配选项",
}
GRID_LOCALE_ZH = {
    "noRowsToShow": "暂无数据",
    "loadingOoo": "加载中…",
    "filterOoo": "筛选…",
    "searchOoo": "搜索…",
    "selectAll": "全选",
    "blanks": "空白",
    "equals": "等于",
    "notEqual": "不等于",
    "contains": "包含",
    "notContains": "不包含",
    "startsWith": "开头是",
    "endsWith": "结尾是",
    "lessThan": "小于",
    "lessThanOrEqual": "小于等于",
    "greaterThan": "大于",
    "greaterThanOrEqual": "大于等于",
    "inRange": "介于",
    "andCondition": "且",
    "orCondition": "或",
    "applyFilter": "应用",
    "resetFilter": "重置",
    "clearFilter": "清除",
    "page": "第",
    "of": "/",
    "to": "至",
    "more": "更多",
    "next": "下一页",
    "previous": "上一页",
    "first": "首页",
    "last": "末页",
    "sortAscending": "升序",
    "sortDescending": "降序",
    "columns": "列",
    "pinColumn": "固定列",
    "autosizeThisColumn": "自动调整此列宽度",
    "resetColumns": "重置列",
}


def _kind(node: Any) -> tuple[str, str]:
    return getattr(node, "_namespace", ""), getattr(node, "_type", "")


def localise(tree: Any, lang: str) -> Any:
    """`tree` with Chinese component texts when `lang` is zh (changed in place, returned):
    a Dropdown without its own `labels`, an AgGrid's localeText (its own keys win)."""
    if lang == "en":
        return tree
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list | tuple):
            stack.extend(node)
            continue
        namespace, kind = _kind(node)
        if kind == "Dropdown" and getattr(node, "labels", None) is None:
            node.labels = dict(DROPDOWN_LABELS_ZH)
        elif namespace == "dash_ag_grid" and kind == "AgGrid":
            options = dict(getattr(node, "dashGridOptions", None) or {})
            options["localeText"] = {**GRID_LOCALE_ZH, **(options.get("localeText") or {})}
            node.dashGridOptions = options
        children = getattr(node, "children", None)
        if children is not None and not isinstance(children, str | int | float):
            stack.append(children)
    return tree
