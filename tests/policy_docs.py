"""Shared fixtures' data of the policy library tests: a national document, a minimal PDF and
the two logins (an administrator and a viewer)."""

from __future__ import annotations

ADMIN = ("admin", "correct horse battery")
VIEWER = ("reader", "reader password")
DOC = {
    "title": "2030年前碳达峰行动方案",
    "doc_no": "国发〔2021〕23号",
    "agency": "国务院",
    "issued_on": "2021-10-24",
    "level": "national",
    "category": "政策法规",
    "region_code": "100000",
    "body": "扎实推进碳达峰行动。",
}
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
