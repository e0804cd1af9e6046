"""Small helpers every panel callback shares: reading the focus, the language, the scale,
memoised look-ups through the worker's WallState, the region view every wall panel draws from,
and the map layers' feature lists."""

from __future__ import annotations

import functools
import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from datasource import dual_control, forecast, pdi_store, policy, queries, targets
from layouts import figures_map
from layouts.settings import ScreenSettings

log = logging.getLogger(__name__)

CODE = re.compile(r"^\d{6}$")
PARK_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")  # ?region=<park code> opens its card
# Policy documents are edited in the library without moving the rollup version: reads of them
# (and the panels that show them) are keyed to a 5-minute window as well.
POLICY_SECONDS = 300
POLICY_POOL = 20  # newest policies of a region read; the trend marks at most 6, the card 3
PARKS_SHOWN_AT = {"city", "county"}  # region levels whose map shows their parks
VIEW_LOCKS = 16  # regions whose views may be read at the same time in one worker


def _scores(session: Any) -> Any:
    return pdi_store.scores_by_code(session)


def _policies(session: Any, *, region_code: str, limit: int, window: int) -> Any:
    del window  # only part of the memo key
    return policy.policies_for_region(session, region_code, limit=limit)


# Reads beyond datasource.queries that the wall memoises (name -> function(session, **kwargs)).
READS: dict[str, Callable[..., Any]] = {
    "forecast": forecast.stored,  # region_code, metric, origin
    "track_record": forecast.track_record,  # region_code, metric, origin
    "targets": targets.progress_many,  # region_codes (a tuple)
    "dual_control": dual_control.standing,  # region_code: every plan's controls
    "park_scores": _scores,  # every evaluated park, by code
    "policies": _policies,  # region_code, limit, window
}


@dataclass(frozen=True)
class Deps:
    """What every panel's register() receives from the app factory."""

    sessions: Any  # sessionmaker
    state: Any  # dashboard.wall_state.WallState (duck-typed: callbacks never import dashboard)
    settings: ScreenSettings
    dashes: Any  # () -> list of (lon, lat) lines, the South China Sea dashes
    has_layer: Any = None  # (code) -> bool: is there a map layer of this region's children?
    # one lock per stripe of region codes: walls clicking into one region at once (and the
    # warm-up) read its view once; the first reads it while the others wait for it
    view_locks: tuple[Any, ...] = field(
        default_factory=lambda: tuple(threading.Lock() for _ in range(VIEW_LOCKS))
    )


def lang_of(page: dict | None) -> str:
    return "en" if (page or {}).get("lang") == "en" else "zh"


def scale_of(focus: dict | None) -> float:
    try:
        s = float((focus or {}).get("s", 1.0))
    except (TypeError, ValueError):
        return 1.0
    return min(max(s, 0.5), 4.0)


def code_of(focus: dict | None, root: str) -> str:
    """The focused code if it looks like a region code (6 digits) or a park's code (a letter,
    then letters and digits); junk means the root."""
    code = (focus or {}).get("code")
    ok = isinstance(code, str) and (CODE.match(code) or PARK_CODE.match(code))
    return code if ok else root


def policy_window() -> int:
    """The current 5-minute window (part of the keys of everything that shows policies)."""
    return int(time.time() // POLICY_SECONDS)


def memo_query(deps: Deps, name: str, **kwargs: Any) -> Any:
    """queries.<name>(session, **kwargs) (or READS[name]), once per data version and arguments
    in this worker."""
    read = READS.get(name) or getattr(queries, name)

    def compute() -> Any:
        with deps.sessions() as session:
            return read(session, **kwargs)

    return deps.state.memo((name, tuple(sorted(kwargs.items()))), compute)


def _reader(deps: Deps, session: Any) -> Callable[..., Any]:
    """memo_query on one open session: q(name, **kwargs)."""

    def q(name: str, **kwargs: Any) -> Any:
        read = READS.get(name) or getattr(queries, name)
        key = (name, tuple(sorted(kwargs.items())))
        return deps.state.memo(key, lambda: read(session, **kwargs))

    return q


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


@dataclass(frozen=True)
class RegionView:
    """What the wall's panels show of one region, read together: once per data version,
    region and policy window in this worker, in one database session (a first visit's reads
    one by one, each in a session of its own, cost about twice as much). Each read still goes
    through the memo, so a region shares its parent's children with its siblings' views."""

    code: str  # the region shown (the root when the asked-for code is unknown)
    info: Any  # its RegionInfo; None only when not even the root is in the pool
    known: bool  # False: the asked-for code is unknown and the root is shown instead
    period: str | None  # the latest period with data; None: nothing below is read
    lineage: Any = ()  # root ... region, for the breadcrumb
    summary: Any = None
    kids: Any = ()  # its children's RankRows
    siblings: Any = ()  # its parent's children's RankRows (none at the root)
    parent: Any = None  # the parent's RegionInfo
    series: Any = ()  # yearly Summary rows
    sectors: Any = ()  # sector_series rows
    gases: Any = ()  # by_gas rows of the latest period
    outlook: Any = field(default_factory=dict)  # metric -> stored forecast, newest origin
    outlook_prev: Any = field(default_factory=dict)  # metric -> the forecast a year before
    records: Any = field(default_factory=dict)  # metric -> the chosen model's backtest record
    target: Any = None  # its TargetTrack
    dual: Any = ()  # its dual_control.PlanStanding list (every plan)
    policies: Any = ()  # the newest POLICY_POOL policies that apply, newest first
    parks: Any = ()  # ParkMarks drawn on its map (a city's, a county's)
    park: str | None = None  # the park asked for (?region=<park code>): its county is shown


def view(deps: Deps, focus: dict | None, window: int | None = None) -> RegionView:
    """The RegionView of the focused region (the root for an unknown code)."""
    code = code_of(focus, deps.settings.root_region)
    window = policy_window() if window is None else window
    lock = deps.view_locks[hash(code) % len(deps.view_locks)]
    with lock:  # the memo is checked again under the lock: a waiting panel finds it built
        return deps.state.memo(("view", code, window), lambda: _read_view(deps, code, window))


def _read_view(deps: Deps, code: str, window: int) -> RegionView:
    root, gwp, now = deps.settings.root_region, deps.settings.gwp_set, period(deps)
    with deps.sessions() as session:
        q = _reader(deps, session)
        info, known, park = q("region", code=code), True, None
        if info is not None and info.level == "park" and info.parent_code:
            park, code = code, info.parent_code  # a park: its county, with the park's card
            info = q("region", code=code)
        if info is None and code != root:
            code, info, known = root, q("region", code=root), False
        lineage = q("lineage", code=code)
        if info is None or now is None:
            return RegionView(code, info, known, now, lineage)
        kids = q("ranking", parent_code=code, period=now, gwp_set=gwp)
        siblings, parent, target = (), None, None
        if info.parent_code is not None and code != root:
            siblings = q("ranking", parent_code=info.parent_code, period=now, gwp_set=gwp)
            parent = q("region", code=info.parent_code)
            # the targets of all siblings in one batch: the next click is usually a sibling,
            # and the map's target view of the parent is the same read
            codes = tuple(sorted(r.code for r in q("children", code=info.parent_code)))
        else:
            codes = (code,)
        target = q("targets", region_codes=codes).get(code)
        outlook = {
            m: q("forecast", region_code=code, metric=m, origin=None)
            for m in ("co2", "co2e", "intensity")
        }
        outlook_prev = {
            m: q("forecast", region_code=code, metric=m, origin=points[0].origin - 1)
            if points
            else []
            for m, points in outlook.items()
            if m != "co2"
        }
        records = {
            m: q("track_record", region_code=code, metric=m, origin=points[0].origin)
            for m, points in outlook.items()
            if m != "co2" and points
        }
        return RegionView(
            code,
            info,
            known,
            now,
            lineage,
            summary=q("summary", region_code=code, period=now, gwp_set=gwp),
            kids=kids,
            siblings=siblings,
            parent=parent,
            series=q("series", region_code=code, gwp_set=gwp),
            sectors=q("sector_series", region_code=code, gwp_set=gwp),
            gases=q("by_gas", region_code=code, period=now, gwp_set=gwp),
            outlook=outlook,
            outlook_prev=outlook_prev,
            records=records,
            target=target,
            dual=q("dual_control", region_code=code) or (),
            policies=q("policies", region_code=code, limit=POLICY_POOL, window=window),
            parks=_parks(q, code, info, kids, now, gwp),
            park=park,
        )


def _parks(q: Callable[..., Any], code: str, info: Any, kids: Any, now: str, gwp: str) -> Any:
    """The parks drawn on the map of `code`: a city's or a county's, and those of a
    municipality whose children are districts; with emissions of the latest period and PDI."""
    if not (info.level in PARKS_SHOWN_AT or any(k.level == "county" for k in kids)):
        return []
    infos = q("parks_within", code=code)
    co2e = {
        p.code: getattr(q("summary", region_code=p.code, period=now, gwp_set=gwp), "co2e", None)
        for p in infos
    }
    return figures_map.park_marks(infos, co2e, q("park_scores"))


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
