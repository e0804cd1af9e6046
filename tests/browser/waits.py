"""Conditions the browser tests wait on instead of fixed sleeps (imported by test_*.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from dash.testing.wait import until

T = TypeVar("T")


def settled(read: Callable[[], T], *, quiet: float = 0.5, timeout: float = 10.0) -> T:
    """Wait until `read()` has returned the same value for `quiet` seconds; return that value.

    For "nothing more will happen" conditions: a request count that stopped growing, a page
    whose layout stopped moving. Fails (TimeoutException) if it keeps changing for `timeout`."""
    state = {"value": read(), "since": time.monotonic()}

    def unchanged_long_enough() -> bool:
        value, now = read(), time.monotonic()
        if value != state["value"]:
            state.update(value=value, since=now)
            return False
        return now - state["since"] >= quiet

    until(unchanged_long_enough, timeout, poll=0.05, msg=f"still changing after {timeout} s")
    return state["value"]


def downloaded(target: Path, *, timeout: float = 15.0) -> Path:
    """Wait until Chromium has finished downloading `target` and return it.

    Chromium writes into `<name>.crdownload` (after reserving `target` as an empty file) and
    renames it to `target` when the last byte is written: the file is complete once `target`
    is non-empty and no `.crdownload` is left in the folder."""

    def complete() -> bool:
        partial = list(target.parent.glob("*.crdownload"))
        return target.is_file() and target.stat().st_size > 0 and not partial

    until(complete, timeout, msg=f"{target.name} not downloaded within {timeout} s")
    return target
