"""Component ids of the analysis pages and the inventory query (kept apart from the wall's
ids.py until the lead merges them). Kebab-case values prefixed ``an-``, UPPER_CASE names."""

from __future__ import annotations

PAGES = ("regions", "sectors", "gases", "inventory")


# Every page has its own copy of the common widgets, so that all pages' callbacks can be
# registered on one app (the lead's router) without two callbacks sharing an output.
def url(page: str) -> str:
    return f"an-{page}-url"


def params(page: str) -> str:
    """Static per page load: {"lang": ..., **the URL's query values}."""
    return f"an-{page}-params"


def lang_link(page: str) -> str:
    return f"an-{page}-lang-link"


def download(page: str) -> str:
    return f"an-{page}-download"


def region(page: str) -> str:
    """The one region a page is about."""
    return f"an-{page}-region"


def year(page: str) -> str:
    return f"an-{page}-year"


def gwp(page: str) -> str:
    return f"an-{page}-gwp"


# /analysis/regions
COMPARE = "an-compare-regions"  # several regions to compare
COMPARE_METRIC = "an-compare-metric"
COMPARE_GRAPH = "an-compare-graph"
HISTORY_GRAPH = "an-history-graph"
HISTORY_TITLE = "an-history-title"
RANK_METRIC = "an-rank-metric"
RANK_GRID = "an-rank-grid"
RANK_GRAPH = "an-rank-graph"
RANK_TITLE = "an-rank-title"
RANK_CSV = "an-rank-csv"
RANK_XLSX = "an-rank-xlsx"

# /analysis/sectors
SECTOR = "an-sector"
SECTOR_TREND = "an-sector-trend"
SECTOR_REGIONS = "an-sector-regions"
SECTOR_GASES = "an-sector-gases"
SECTOR_SUBS = "an-sector-subs"
SECTOR_TITLE = "an-sector-title"

# /analysis/gases
GAS_MODE = "an-gas-mode"  # "abs" (万吨CO2e) or "share" (%)
GAS_TREND = "an-gas-trend"
GAS_CHILDREN = "an-gas-children"
GAS_TABLE = "an-gas-table"
GAS_TOTAL = "an-gas-total"

# /inventory
INV_REGION = "an-inv-region"
INV_YEAR = "an-inv-year"
INV_QUERY = "an-inv-query"
INV_RESET = "an-inv-reset"
INV_APPLIED = "an-inv-applied"  # {"region": code, "year": "2022"} of the last 查询
INV_TABS = "an-inv-tabs"
INV_GRID = "an-inv-grid"
INV_CAPTION = "an-inv-caption"
INV_EXPORT = "an-inv-export"


def nav(path: str) -> dict[str, str]:
    """Id of one navigation link."""
    return {"type": "an-nav", "path": path}
