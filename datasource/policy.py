"""The policy library (双碳宣传子系统): documents, search, views, statistics, the audit log,
PDFs stored in the database, catalogue import, and the login tables.

Functions take a Session the caller owns (and commits); writes take the acting user's name
and record what they changed in ``policy_audit``.

This module is the entry point: callers import ``datasource.policy`` and find every name here.
The code lives in modules by concern:

- ``policy_common``: errors (``PolicyError``, ``NotFound``), the clock ``utcnow``, months in
  北京时间, ``Problem``, the JSON form of documents and hits
- ``policy_audit``: writing and reading the audit log
- ``policy_docs``: fields and their validation, create / edit / hide / delete, one document,
  its PDF
- ``policy_search``: full-text search and its dialect split (SQLite FTS5 / PostgreSQL
  trigram, explained in that module's docstring), filters, snippets, facets
- ``policy_stats``: view counting, the statistics screen, the policies marked on the wall
- ``policy_import``: the CSV / XLSX catalogue import, all rows or none
- ``users``: users and failed logins, for dashboard/auth.py

Time: every module reads the clock as ``policy_common.utcnow()`` when it runs, and ``utcnow``
here calls it too, so patching ``datasource.policy_common.utcnow`` moves them all.
"""

from __future__ import annotations

from datetime import datetime

from datasource import policy_common, policy_search
from datasource.policy_audit import AuditEntry, audit_entries
from datasource.policy_common import CHINA_TZ, NotFound, PolicyError, Problem, month_of
from datasource.policy_docs import (
    EDITABLE,
    LEVEL_NAMES_ZH,
    PDF_MAGIC,
    Document,
    StoredFile,
    attach_pdf,
    clean_fields,
    create_document,
    delete_document,
    get_document,
    get_pdf,
    insert_document,
    known_region_codes,
    parse_date,
    sanitize_file_name,
    set_hidden,
    update_document,
)
from datasource.policy_import import (
    CATALOGUE_REQUIRED,
    ImportReport,
    RowReport,
    import_catalogue,
    read_catalogue,
)
from datasource.policy_search import (
    Facets,
    Hit,
    SearchPage,
    facets,
    search,
    snippet,
    split_terms,
)
from datasource.policy_stats import (
    NATIONAL_CODE,
    TABS,
    VIEW_WINDOW,
    PolicyMark,
    PolicyStats,
    TopAgency,
    TopDocument,
    count_view,
    policies_for_region,
    stats,
    view_months,
)
from datasource.users import (
    UserRow,
    add_user,
    clear_failures,
    get_user,
    recent_failures,
    record_failure,
    set_password_hash,
)


def utcnow() -> datetime:
    """The library's clock (``policy_common.utcnow``, looked up on each call)."""
    return policy_common.utcnow()


# private names other modules reach for: demo_policy inserts validated rows without an audit
# entry; tests/unit/test_policy_units.py checks the two escapes; migration 0031's docstring
# names the expression its index is built on
_insert = insert_document
_fts_phrase = policy_search._fts_phrase
_like_pattern = policy_search._like_pattern
_search_text = policy_search._search_text

# the names callers use (dashboard, callbacks, layouts, bench/, tests/, demo_policy)
__all__ = [
    "CATALOGUE_REQUIRED",
    "CHINA_TZ",
    "EDITABLE",
    "LEVEL_NAMES_ZH",
    "NATIONAL_CODE",
    "PDF_MAGIC",
    "TABS",
    "VIEW_WINDOW",
    "AuditEntry",
    "Document",
    "Facets",
    "Hit",
    "ImportReport",
    "NotFound",
    "PolicyError",
    "PolicyMark",
    "PolicyStats",
    "Problem",
    "RowReport",
    "SearchPage",
    "StoredFile",
    "TopAgency",
    "TopDocument",
    "UserRow",
    "add_user",
    "attach_pdf",
    "audit_entries",
    "clean_fields",
    "clear_failures",
    "count_view",
    "create_document",
    "delete_document",
    "facets",
    "get_document",
    "get_pdf",
    "get_user",
    "import_catalogue",
    "insert_document",
    "known_region_codes",
    "month_of",
    "parse_date",
    "policies_for_region",
    "read_catalogue",
    "recent_failures",
    "record_failure",
    "sanitize_file_name",
    "search",
    "set_hidden",
    "set_password_hash",
    "snippet",
    "split_terms",
    "stats",
    "update_document",
    "utcnow",
    "view_months",
]
