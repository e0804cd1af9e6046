"""Small helpers every panel callback shares: reading the focus, the language, the scale,
and memoised look-ups through the worker's WallState."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from datasource import queries

CODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class Deps:
    """What every panel's register() receives from the app factory."""

    sessions: Any  # sessionmaker
    state: Any  # dashboard.wall_state.WallState (duck-typed: callbacks never import dashboard)
    settings: Any
    dashes: Any  # () -> list of (lon, lat) lines, the South China Sea dashes
    has_layer: Any = None  # (code) -> bool: is there a map layer of this region's children?


def lang_of(page: dict | None) -> str:
    return "en" if (page or {}).get("lang") == "en" else "zh"


def scale_of(focus: dict | None) -> float:
    try:
        s = float((focus or {}).get("s", 1.0))
    except (TypeError, ValueError):
        return 1.0
    return min(max(s, 0.5), 4.0)


def code_of(focus: dict | None, root: str) -> str:
    """The focused code if it looks like a region code (6 digits); junk means the root."""
    code = (focus or {}).get("code")
    return code if isinstance(code, str) and CODE.match(code) else root


def memo_query(deps: Deps, name: str, **kwargs: Any) -> Any:
    """queries.<name>(session, **kwargs), once per data version and arguments in this worker."""
    key = (name, tuple(sorted(kwargs.items())))

    def compute() -> Any:
        with deps.sessions() as session:
            return getattr(queries, name)(session, **kwargs)

    return deps.state.memo(key, compute)


def resolve(deps: Deps, focus: dict | None) -> tuple[str, Any, bool]:
    """(code to show, its RegionInfo, known?) — an unknown code falls back to the root."""
    root = deps.settings.root_region
    code = code_of(focus, root)
    info = memo_query(deps, "region", code=code)
    if info is None and code != root:
        return root, memo_query(deps, "region", code=root), False
    return code, info, True


def period(deps: Deps) -> str | None:
    return deps.state.snapshot().period


def panel(deps: Deps, name: str, focus: dict | None, page: dict | None, build: Any) -> Any:
    """build(deps, focus, page), once per data version, region, language and scale."""
    code = code_of(focus, deps.settings.root_region)
    key = ("panel", name, code, lang_of(page), scale_of(focus))
    return deps.state.memo(key, lambda: build(deps, focus, page))
