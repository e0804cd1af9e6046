"""Logging set up once, before anything else runs."""

from __future__ import annotations

import logging


def configure_logging(level: str = "INFO") -> None:
    root = logging.getLogger()
    if getattr(root, "_carbonwall_configured", False):
        root.setLevel(level.upper())
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level.upper())
    # APScheduler logs two INFO lines per job run (every refresh interval): keep warnings only
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    root._carbonwall_configured = True  # type: ignore[attr-defined]
