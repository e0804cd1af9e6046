"""Small helpers every panel callback shares: reading the focus, the language, the scale,
memoised look-ups through the worker's WallState, and the map layers' feature lists."""

from __future__ import annotations

import functools
import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from datasource import forecast, pdi_store, policy, queries, targets

log = logging.getLogger(__name__)

CODE = re.compile(r"^\d{6}$")
# Policy documents are edited in the library without moving the rollup version: reads of them
# (and the panels that show them) are keyed to a 5-minute window as well.
POLICY_SECONDS = 300


def _scores(session: Any) -> Any:
    return pdi_store.scores_by_code(session)


def _policies(session: Any, *, region_code: str, limit: int, window: int) -> Any:
    del window  # only part of the memo key
    return policy.policies_for_region(session, region_code, limit=limit)


# Reads beyond datasource.queries that the wall memoises (name -> function(session, **kwargs)).
READS: dict[str, Callable[..., Any]] = {
    "forecast": forecast.stored,  # region_code, metric, origin
    "targets": targets.progress_many,  # region_codes (a tuple)
    "park_scores": _scores,  # every evaluated park, by code
    "policies": _policies,  # region_code, limit, window
}


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


def policy_window() -> int:
    """The current 5-minute window (part of the keys of everything that shows policies)."""
    return int(time.time() // POLICY_SECONDS)


def memo_query(deps: Deps, name: str, **kwargs: Any) -> Any:
    """queries.<name>(session, **kwargs) (or READS[name]), once per data version and arguments
    in this worker."""
    key = (name, tuple(sorted(kwargs.items())))
    read = READS.get(name) or getattr(queries, name)

    def compute() -> Any:
        with deps.sessions() as session:
            return read(session, **kwargs)

    return deps.state.memo(key, compute)


def resolve(deps: Deps, focus: dict | None) -> tuple[str, Any, bool]:
    """(code to show, its RegionInfo, known?) — an unknown code falls back to the root."""
    root = deps.settings.root_region
    code = code_of(focus, root)
    info = memo_query(deps, "region", code=code)
    if info is None and code != root:
        return root, memo_query(deps, "region", code=root), False
    return code, info, True


def target_of(deps: Deps, code: str, info: Any) -> Any:
    """The region's TargetTrack, read together with its siblings' (one batch per parent: the
    next click is usually a sibling, and the map's target view of the parent is the same read)."""
    parent = getattr(info, "parent_code", None)
    if parent is None or code == deps.settings.root_region:
        codes: tuple[str, ...] = (code,)
    else:
        codes = tuple(sorted(r.code for r in memo_query(deps, "children", code=parent)))
    return memo_query(deps, "targets", region_codes=codes).get(code)


def period(deps: Deps) -> str | None:
    return deps.state.snapshot().period


def panel(
    deps: Deps, name: str, focus: dict | None, page: dict | None, build: Any, *extra: Any
) -> Any:
    """build(deps, focus, page, *extra), once per data version, region, language, scale and
    `extra` (a map mode, a picked park, a policy window)."""
    code = code_of(focus, deps.settings.root_region)
    key = ("panel", name, code, lang_of(page), scale_of(focus), *extra)
    return deps.state.memo(key, lambda: build(deps, focus, page, *extra))


@functools.lru_cache(maxsize=512)
def _read_features(path: str, _mtime_ns: int) -> tuple[tuple[str, str, str], ...]:
    try:
        doc = json.loads(Path(path).read_bytes())
    except (OSError, ValueError):
        log.warning("map layer %s cannot be read", path)
        return ()
    out = []
    for f in doc.get("features", []):
        props = f.get("properties") or {}
        code = str(f.get("id") or props.get("code") or "")
        if code:
            out.append((code, props.get("name_zh") or code, props.get("name_en") or code))
    return tuple(out)


def layer_features(deps: Deps, parent_code: str) -> tuple[tuple[str, str, str], ...]:
    """(code, name_zh, name_en) of every feature the map layer of `parent_code` draws: the grey
    base under the coloured regions (Taiwan, Hong Kong and Macao are drawn without data)."""
    try:
        from geo import layers
    except ImportError:
        return ()
    path = layers.layer_file(Path(deps.settings.geo_cache_dir), parent_code)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return ()
    return _read_features(str(path), mtime)
