"""All writes to the data pool: validate a file (vectorised), then load it in one transaction.

A file is one batch: every row lands or none does. A rejected file changes nothing in the data
pool; the attempt is recorded (``ingest_batch`` status ``rejected`` plus ``rejected_row``) in a
separate short transaction. An accepted batch that changed something bumps the data version in
the same transaction as its rows. Rows are staged into a temporary table (COPY on PostgreSQL)
and upserted with ``INSERT … ON CONFLICT DO UPDATE``; replaced values go to ``value_change``.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, insert, text
from sqlalchemy.exc import SQLAlchemyError

from datasource import periods, reference
from datasource.models import IngestBatch, RejectedRow
from datasource.readers import (
    COLUMNS,
    KIND_NAMES_ZH,
    KINDS,
    Problem,
    Table,
    detect_kind,
    read_bytes,
)

log = logging.getLogger(__name__)

__all__ = ["IngestReport", "Problem", "ingest_bytes", "ingest_file", "ingest_frame"]

MAX_LISTED_PROBLEMS = 1000
ParkChecker = Callable[[str, float, float], "str | None"]


@dataclass(frozen=True)
class IngestReport:
    """What happened to one file. ``ok`` is False when it was rejected (nothing changed)."""

    ok: bool
    kind: str | None
    batch_id: int | None
    rows: int
    inserted: int
    replaced: int
    unchanged: int
    problems: list[Problem]
    data_version: int | None
    file_name: str = ""
    status: str = "rejected"  # accepted / unchanged / rejected / dry-run
    problem_count: int = 0  # all problems; ``problems`` lists at most MAX_LISTED_PROBLEMS
    encoding: str | None = None
    dry_run: bool = False

    def render(self) -> str:
        kind = (
            f"{KIND_NAMES_ZH.get(self.kind or '', '')} {self.kind}" if self.kind else "未识别类型"
        )
        if not self.ok:
            head = [
                f"导入被拒绝 (rejected): {self.file_name} [{kind}]",
                f"共 {self.problem_count} 个问题 (problems), 数据池未改变 (nothing was changed); "
                f"数据版本 data version {self.data_version}",
            ]
            body = [p.render() for p in self.problems]
            rest = self.problem_count - len(self.problems)
            if rest > 0:
                body.append(f"…… 另有 {rest} 个问题未列出 ({rest} more problems not listed)")
            return "\n".join(head + body)
        verb = {
            "accepted": "导入成功 (accepted)",
            "unchanged": "数据无变化 (unchanged)",
            "dry-run": "校验通过, 未写入 (dry run: valid, nothing written)",
        }[self.status]
        counts = (
            f"{self.rows} 行 rows: 新增 inserted {self.inserted}, 替换 replaced {self.replaced}, "
            f"未变 unchanged {self.unchanged}"
        )
        batch = f"批次 batch {self.batch_id}, " if self.batch_id is not None else ""
        return f"{verb}: {self.file_name} [{kind}]\n{counts}\n{batch}数据版本 data version {self.data_version}"  # noqa: E501

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


# --------------------------------------------------------------------------- entry points


def ingest_file(
    engine: Engine,
    path: str | Path,
    *,
    kind: str | None = None,
    dry_run: bool = False,
    source: str = "cli",
    park_checker: ParkChecker | None = None,
) -> IngestReport:
    """Validate and load one CSV (UTF-8, UTF-8-BOM, GBK) or XLSX file: all rows or none."""
    path = Path(path)
    return ingest_bytes(
        engine,
        path.read_bytes(),
        path.name,
        kind=kind,
        dry_run=dry_run,
        source=source,
        park_checker=park_checker,
    )


def ingest_bytes(
    engine: Engine,
    data: bytes,
    file_name: str,
    *,
    kind: str | None = None,
    dry_run: bool = False,
    source: str = "api",
    park_checker: ParkChecker | None = None,
) -> IngestReport:
    """Like ingest_file, for the bytes of an uploaded file."""
    table = read_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    return _ingest_table(
        engine,
        table,
        kind=kind,
        file_name=file_name,
        sha256=digest,
        dry_run=dry_run,
        source=source,
        park_checker=park_checker,
    )


def ingest_frame(
    engine: Engine,
    frame: pd.DataFrame,
    *,
    kind: str,
    file_name: str,
    source: str = "demo",
    park_checker: ParkChecker | None = None,
    dry_run: bool = False,
) -> IngestReport:
    """Load a frame with a file's columns (str or numbers); line numbers as if header = line 1."""
    from datasource.readers import canonical_column

    renamed = {c: canonical_column(c) or str(c) for c in frame.columns}
    frame = frame.rename(columns=renamed).reset_index(drop=True)
    table = Table(frame, np.arange(len(frame), dtype=np.int64) + 2, encoding=None)
    digest = hashlib.sha256(
        pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()
    ).hexdigest()
    return _ingest_table(
        engine,
        table,
        kind=kind,
        file_name=file_name,
        sha256=digest,
        dry_run=dry_run,
        source=source,
        park_checker=park_checker,
    )


# --------------------------------------------------------------------------- problems


class _Problems:
    """Collects problems per check (a row mask and a reason), listing at most a cap."""

    def __init__(self, lines: np.ndarray) -> None:
        self.lines = lines
        self.items: list[Problem] = []
        self.count = 0

    def add(self, problem: Problem) -> None:
        self.count += 1
        self.items.append(problem)

    def mask(
        self, mask: np.ndarray, column: str | None, reason: str | Callable[[int], str]
    ) -> None:
        idx = np.flatnonzero(mask)
        if not len(idx):
            return
        self.count += len(idx)
        for i in idx[:MAX_LISTED_PROBLEMS]:
            why = reason(int(i)) if callable(reason) else reason
            self.items.append(Problem(int(self.lines[i]), column, why))

    def listed(self) -> list[Problem]:
        ordered = sorted(self.items, key=lambda p: (p.line or 0, p.column or ""))
        return ordered[:MAX_LISTED_PROBLEMS]


# --------------------------------------------------------------------------- cell helpers


def _lookup(series: pd.Series, func: Callable[[str], object]) -> np.ndarray:
    """Apply ``func`` to each distinct stripped text of a column (fast for repeated codes)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    mapped = np.empty(len(uniques), dtype=object)
    for i, u in enumerate(uniques):
        mapped[i] = func(_cell(u))
    return mapped[codes]


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _texts(series: pd.Series) -> np.ndarray:
    return _lookup(series, lambda s: s)


def _code(text: str) -> str:
    return text[:-2] if re.fullmatch(r"\d+\.0", text) else text


def _numbers(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(float values, is-empty mask); non-numbers are NaN."""
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan, copy=True)
        empty = np.isnan(values)
        values[~np.isfinite(values)] = np.nan  # inf is not a number either
        return values, empty
    raw = series.astype(str).str.strip()
    empty = (raw == "").to_numpy() | series.isna().to_numpy()
    values = pd.to_numeric(raw.where(~empty, "nan"), errors="coerce").to_numpy(
        dtype=float, copy=True
    )
    values[~np.isfinite(values)] = np.nan
    return values, empty


def _check_scaled(
    probs: _Problems, usable: np.ndarray, scaled: np.ndarray, values: np.ndarray, units: np.ndarray
) -> None:
    """A value that overflows when converted to the stored unit (1e305 万吨) is an error too."""
    probs.mask(
        usable & ~np.isfinite(scaled),
        "value",
        lambda i: f"数值过大 (value {values[i]:g} {units[i]} is too large to store)",
    )


def _period(text: str) -> str | None:
    try:
        return periods.normalise(text)
    except periods.PeriodError:
        return None


def _check_numbers(
    probs: _Problems, values: np.ndarray, empty: np.ndarray, raw: pd.Series, column: str
) -> np.ndarray:
    """Report empty and non-numeric cells; return the mask of usable numbers."""
    probs.mask(empty, column, "数值为空 (empty value)")
    bad = np.isnan(values) & ~empty
    probs.mask(bad, column, lambda i: f"不是数字 (not a number): {_cell(raw.iat[i])!r}")
    return ~np.isnan(values)


def _check_known(
    probs: _Problems, texts: np.ndarray, ok: np.ndarray, column: str, what_zh: str, what: str
) -> None:
    empty = texts == ""
    probs.mask(empty, column, f"{what_zh}为空 (empty {what})")
    probs.mask(~ok & ~empty, column, lambda i: f"未知{what_zh} (unknown {what}): {texts[i]!r}")


def _duplicates(
    probs: _Problems,
    key_cols: Sequence[np.ndarray],
    valid: np.ndarray,
    codes: Sequence[np.ndarray] | None = None,
) -> None:
    """Name both lines of every key that appears more than once among valid rows."""
    key = np.zeros(len(valid), dtype=np.int64)
    for i, col in enumerate(key_cols):
        col_codes = codes[i] if codes is not None else pd.factorize(col)[0]
        key = key * (int(col_codes.max(initial=0)) + 2) + col_codes
    key = np.where(valid, key, -1 - np.arange(len(valid)))
    dup = pd.Series(key).duplicated(keep="first").to_numpy() & valid
    if not dup.any():
        return
    first_line: dict[int, int] = {}
    for i in np.flatnonzero(valid):
        first_line.setdefault(int(key[i]), int(probs.lines[i]))
    names = [c for c in key_cols]

    def reason(i: int) -> str:
        shown = ", ".join(str(c[i]) for c in names)
        line = first_line[int(key[i])]
        return f"与第 {line} 行重复 (duplicate key {shown}: also on line {line})"

    probs.mask(dup, None, reason)


# --------------------------------------------------------------------------- units and names

_MASS = {
    "t": 1.0,
    "吨": 1.0,
    "kt": 1e3,
    "千吨": 1e3,
    "万t": 1e4,
    "万吨": 1e4,
    "mt": 1e6,
    "百万吨": 1e6,
    "亿t": 1e8,
    "亿吨": 1e8,
}
_SUFFIXES = ("co2e", "co2eq", "co2-eq", "co2当量", "二氧化碳当量", "co2", "ch4", "n2o")
EMISSION_UNITS = (
    "t, kt, 万吨, Mt, 亿吨 (HFCs/PFCs/SF6: t CO2e, kt CO2e, 万吨CO2e, Mt CO2e, 亿吨CO2e)"
)
F_GASES = ("HFCs", "PFCs", "SF6")


def _emission_unit(text: str) -> tuple[float, str] | None:
    """``'万吨CO2e'`` -> (1e4, 'co2e'); ``'kt'`` -> (1e3, ''); unknown -> None."""
    s = re.sub(r"\s", "", text.lower()).replace("₂", "2").replace("₄", "4")
    if s in _MASS:
        return _MASS[s], ""
    for sfx in _SUFFIXES:
        if s.endswith(sfx) and s[: -len(sfx)] in _MASS:
            return _MASS[s[: -len(sfx)]], "co2e" if sfx.startswith(
                ("co2e", "co2-", "co2当", "二")
            ) else sfx
    return None


def _unit_fits_gas(gas: str, suffix: str) -> bool:
    if gas in F_GASES:
        return suffix == "co2e"
    if gas == "CO2":
        return suffix in ("", "co2", "co2e")
    return suffix in ("", gas.lower())


_GAS_ALIASES = {
    **{g.lower(): g for g in reference.GASES},
    **{zh: g for g, zh in reference.GAS_NAMES_ZH.items()},
    "hfc": "HFCs",
    "pfc": "PFCs",
    "co₂": "CO2",
    "ch₄": "CH4",
    "n₂o": "N2O",
    "sf₆": "SF6",
}


def _gas(text: str) -> str | None:
    return _GAS_ALIASES.get(text.strip().lower())


_INDICATOR_ALIASES = {
    "gdp_current": ("gdp_current", "地区生产总值", "地区生产总值(现价)", "gdp现价", "现价gdp"),
    "gdp_constant": ("gdp_constant", "地区生产总值(可比价)", "gdp可比价", "可比价gdp", "不变价gdp"),
    "gdp_index": ("gdp_index", "地区生产总值指数", "gdp指数"),
    "population": ("population", "常住人口", "人口", "年末常住人口"),
    "energy": ("energy", "能源消费总量", "能耗", "综合能源消费量"),
}
_INDICATOR = {
    re.sub(r"[\s（）()]", "", a.lower()): name
    for name, aliases in _INDICATOR_ALIASES.items()
    for a in aliases
}
_GDP_UNITS = {"亿元": 1.0, "万元": 1e-4, "元": 1e-8}
INDICATOR_UNITS: dict[str, dict[str, float]] = {
    "gdp_current": _GDP_UNITS,
    "gdp_constant": _GDP_UNITS,
    "gdp_index": {"": 1.0, "%": 1.0, "上年=100": 1.0, "index": 1.0, "指数": 1.0},
    "population": {"万人": 1.0, "人": 1e-4},
    "energy": {
        "万吨标准煤": 1.0,
        "万吨标煤": 1.0,
        "万tce": 1.0,
        "吨标准煤": 1e-4,
        "吨标煤": 1e-4,
        "tce": 1e-4,
    },
}
INDICATOR_STORED_UNITS = {
    "gdp_current": "亿元",
    "gdp_constant": "亿元",
    "gdp_index": "上年=100",
    "population": "万人",
    "energy": "万吨标准煤",
}


def _indicator(text: str) -> str | None:
    return _INDICATOR.get(re.sub(r"[\s（）()]", "", text.lower()))


TARGET_METRICS = ("co2_intensity", "co2e_intensity", "energy_intensity", "co2", "co2e", "energy")
REGION_LEVELS = {
    "province": "province",
    "省": "province",
    "省级": "province",
    "city": "city",
    "市": "city",
    "地级": "city",
    "地市": "city",
    "county": "county",
    "县": "county",
    "区县": "county",
    "县级": "county",
}
LEVEL_RANK = {"country": 0, "province": 1, "city": 2, "county": 3, "park": 4}
PARK_LEVELS = {
    "national": "national",
    "国家级": "national",
    "provincial": "provincial",
    "省级": "provincial",
}
CHINA_LON = (73.0, 136.0)
CHINA_LAT = (3.0, 54.0)


# --------------------------------------------------------------------------- validation


@dataclass
class _Context:
    regions: dict[str, str]  # code -> level, from the data pool
    park_checker: ParkChecker | None

    @property
    def known(self) -> list[str]:
        return list(self.regions)


@dataclass
class _Staged:
    """Validated rows ready to write, and how to write them."""

    table: str
    keys: tuple[str, ...]
    compare: tuple[str, ...]  # a change in any of these replaces the row
    frame: pd.DataFrame
    types: dict[str, str] = field(default_factory=dict)  # column -> text / float / int
    value_col: str | None = None  # recorded in value_change


class _Col:
    """A column factorised once: per-row codes into its distinct stripped texts, so every check
    runs once per distinct value (a province file has ~100 regions, 20 periods, 60 sectors)."""

    def __init__(self, series: pd.Series) -> None:
        self.codes, raw = pd.factorize(series, use_na_sentinel=False)
        self.texts = np.array([_cell(u) for u in raw], dtype=object)

    def map(self, func: Callable[[str], object]) -> tuple[np.ndarray, np.ndarray]:
        """(per-row results, per-row int code of the result) of ``func`` on each distinct text."""
        distinct = np.empty(len(self.texts), dtype=object)
        for i, text_ in enumerate(self.texts):
            distinct[i] = func(text_)
        result_codes, _ = pd.factorize(distinct, use_na_sentinel=False)
        return distinct[self.codes], result_codes[self.codes]

    def rows(self) -> np.ndarray:
        return self.texts[self.codes]


def _pairs_ok(
    a: np.ndarray, a_codes: np.ndarray, b: np.ndarray, b_codes: np.ndarray, func
) -> np.ndarray:
    """``func(a, b)`` per row, evaluated once per distinct (a, b) pair."""
    width = int(b_codes.max(initial=0)) + 1
    combined = a_codes.astype(np.int64) * width + b_codes
    codes, uniques = pd.factorize(combined)
    first = pd.Series(np.arange(len(combined))).groupby(codes).first().to_numpy()
    distinct = np.array([bool(func(a[i], b[i])) for i in first], dtype=bool)
    return distinct[codes]


def _validate_emissions(t: Table, ctx: _Context, probs: _Problems) -> _Staged:
    f = t.frame
    known = set(ctx.regions)
    region_col = _Col(f["region_code"])
    region, region_k = region_col.map(_code)
    region_ok = region_col.map(lambda c: _code(c) in known)[0].astype(bool)
    _check_known(probs, region, region_ok, "region_code", "地区代码", "region")

    period_col = _Col(f["period"])
    period, period_k = period_col.map(_period)
    period_ok = pd.notna(period)
    period_raw = period_col.rows()
    probs.mask(~period_ok, "period", lambda i: _period_reason(period_raw[i]))

    smap = reference.sector_map()
    sector_col = _Col(f["sector_code"])
    sector, sector_k = sector_col.map(lambda s: s)
    sector_known = sector_col.map(lambda s: s in smap)[0].astype(bool)
    _check_known(probs, sector, sector_known, "sector_code", "排放源代码", "sector")
    leaf = sector_col.map(lambda s: s in smap and smap[s].is_leaf)[0].astype(bool)
    probs.mask(sector_known & ~leaf, "sector_code", lambda i: _not_leaf(sector[i]))
    sector_ok = sector_known & leaf
    top = sector_col.map(lambda s: s.split(".")[0])[0]

    gas_col = _Col(f["gas"])
    gas, gas_k = gas_col.map(_gas)
    gas_ok = pd.notna(gas)
    _check_known(probs, gas_col.rows(), gas_ok, "gas", "气体", "gas")
    allowed = {(s.code, g) for s in reference.leaves() for g in s.gases}
    pair_ok = _pairs_ok(sector, sector_k, gas, gas_k, lambda s, g: (s, g) in allowed)
    probs.mask(
        sector_ok & gas_ok & ~pair_ok,
        "gas",
        lambda i: (
            f"排放源 {sector[i]} 不排放 {gas[i]} (sector {sector[i]} {smap[sector[i]].name_en} "
            f"reports only {', '.join(smap[sector[i]].gases)})"
        ),
    )

    values, empty = _numbers(f["value"])
    value_ok = _check_numbers(probs, values, empty, f["value"], "value")

    unit_col = _Col(f["unit"])
    unit, unit_k = unit_col.map(_emission_unit)
    unit_known = pd.notna(unit)
    unit_text = unit_col.rows()
    probs.mask(
        ~unit_known,
        "unit",
        lambda i: f"未知单位 (unknown unit) {unit_text[i]!r}; 可用 (use): {EMISSION_UNITS}",
    )
    factor = unit_col.map(lambda s: (_emission_unit(s) or (np.nan,))[0])[0].astype(float)
    fits = _pairs_ok(gas, gas_k, unit_text, unit_col.codes, _fits)
    probs.mask(unit_known & gas_ok & ~fits, "unit", lambda i: _unit_reason(gas[i], unit_text[i]))

    with np.errstate(over="ignore", invalid="ignore"):
        scaled = values * factor
    _check_scaled(probs, value_ok & unit_known, scaled, values, unit_text)

    negative = value_ok & (values < 0) & sector_ok & (top != reference.LULUCF)
    probs.mask(
        negative,
        "value",
        lambda i: (
            f"负值仅允许用于土地利用变化与林业 (negative value {values[i]:g} is only allowed in "
            f"sector 4, LULUCF; sector {sector[i]} is not)"
        ),
    )

    valid = region_ok & period_ok & sector_ok & gas_ok & pair_ok
    _duplicates(
        probs, [region, period, sector, gas], valid, codes=[region_k, period_k, sector_k, gas_k]
    )
    kind = period_col.map(lambda s: "M" if len(_period(s) or "") == 7 else "Y")[0]
    frame = pd.DataFrame(
        {
            "region_code": region,
            "period": period,
            "sector_code": sector,
            "gas": gas,
            "sector_top": top,
            "period_kind": kind,
            "value": scaled,
        }
    )
    return _Staged(
        "emission",
        ("region_code", "period", "sector_code", "gas"),
        ("value",),
        frame,
        {"value": "float"},
        "value",
    )


def _fits(gas: object, unit: object) -> bool:
    parsed = _emission_unit(str(unit))
    return bool(isinstance(gas, str) and parsed and _unit_fits_gas(gas, parsed[1]))


def _unit_reason(gas: str, unit: str) -> str:
    if gas in F_GASES:
        return (
            f"单位与气体不符 (unit {unit!r} does not fit {gas}): HFCs/PFCs/SF6 须以 CO2 当量填报 "
            f"(must be given in CO2e, e.g. t CO2e, 万吨CO2e)"
        )
    return (
        f"单位与气体不符 (unit {unit!r} does not fit {gas}): {gas} 以其自身质量填报 "
        f"(give tonnes of {gas}: t, kt, 万吨, Mt, 亿吨)"
    )


def _period_reason(raw: object) -> str:
    return f"期间格式错误 (malformed period) {_cell(raw)!r}: 应为年份 2024 或月份 2024-07"


def _not_leaf(code: str) -> str:
    kids = [s.code for s in reference.sectors() if s.parent == code]
    return f"排放源 {code} 不是末级 (not a leaf sector): 请填其下级 (use one of) {', '.join(kids)}"


def _validate_indicators(t: Table, ctx: _Context, probs: _Problems) -> _Staged:
    f = t.frame
    region = _lookup(f["region_code"], _code)
    region_ok = pd.Series(region).isin(ctx.known).to_numpy()
    _check_known(probs, region, region_ok, "region_code", "地区代码", "region")
    period = _lookup(f["period"], _period)
    period_ok = pd.notna(period)
    probs.mask(~period_ok, "period", lambda i: _period_reason(f["period"].iat[i]))
    name = _lookup(f["indicator"], _indicator)
    name_ok = pd.notna(name)
    _check_known(probs, _texts(f["indicator"]), name_ok, "indicator", "指标", "indicator")

    values, empty = _numbers(f["value"])
    value_ok = _check_numbers(probs, values, empty, f["value"], "value")
    unit_text = _texts(f["unit"])
    keyed = pd.Series(name).fillna("").str.cat(unit_text, sep="|")
    factor = _lookup(keyed, _indicator_factor).astype(float)
    probs.mask(
        name_ok & np.isnan(factor),
        "unit",
        lambda i: (
            f"单位不适用于 {name[i]} (unit {unit_text[i]!r} does not fit {name[i]}); 可用 (use): "
            f"{', '.join(u for u in INDICATOR_UNITS[name[i]] if u)}"
        ),
    )
    probs.mask(
        value_ok & (values < 0), "value", lambda i: f"指标不能为负 (negative value {values[i]:g})"
    )
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = values * factor
    _check_scaled(probs, value_ok & ~np.isnan(factor), scaled, values, unit_text)

    base = np.full(len(f), np.nan)
    is_const = name == "gdp_constant"
    if "base_year" in f.columns:
        base_raw = _texts(f["base_year"])
        years = _lookup(
            f["base_year"],
            lambda s: int(_code(s)) if re.fullmatch(r"(19|20)\d\d", _code(s)) else None,
        )
        base = np.array([np.nan if y is None else float(y) for y in years])
        probs.mask(
            is_const & (base_raw == ""),
            "base_year",
            "可比价 GDP 须填价格基年 (gdp_constant requires base_year)",
        )
        probs.mask(
            is_const & (base_raw != "") & np.isnan(base),
            "base_year",
            lambda i: f"基年格式错误 (base_year must be a year such as 2020): {base_raw[i]!r}",
        )
    else:
        probs.mask(
            is_const, "base_year", "可比价 GDP 须填价格基年 (gdp_constant requires base_year)"
        )
    base = np.where(is_const, base, np.nan)

    valid = region_ok & period_ok & name_ok
    _duplicates(probs, [region, period, name], valid)
    frame = pd.DataFrame(
        {
            "region_code": region,
            "period": period,
            "name": name,
            "value": scaled,
            "base_year": pd.array(base, dtype="Int64"),
        }
    )
    return _Staged(
        "indicator",
        ("region_code", "period", "name"),
        ("value", "base_year"),
        frame,
        {"value": "float", "base_year": "int"},
        "value",
    )


def _indicator_factor(name_and_unit: str) -> float:
    name, _, unit = name_and_unit.partition("|")
    units = INDICATOR_UNITS.get(name, {})
    return units.get(unit, units.get(unit.lower().replace(" ", ""), np.nan))


def _validate_targets(t: Table, ctx: _Context, probs: _Problems) -> _Staged:
    f = t.frame
    region = _lookup(f["region_code"], _code)
    region_ok = pd.Series(region).isin(ctx.known).to_numpy()
    _check_known(probs, region, region_ok, "region_code", "地区代码", "region")
    plan = _texts(f["plan"])
    probs.mask(plan == "", "plan", "规划为空 (empty plan), e.g. 14th-FYP")
    probs.mask(
        pd.Series(plan).str.len().to_numpy() > 32, "plan", "规划名称过长 (plan longer than 32)"
    )
    metric = _texts(f["metric"])
    metric_ok = pd.Series(metric).isin(TARGET_METRICS).to_numpy()
    probs.mask(
        ~metric_ok,
        "metric",
        lambda i: (
            f"未知目标指标 (unknown metric) {metric[i]!r}; 可用 (use): {', '.join(TARGET_METRICS)}"
        ),
    )
    base = _lookup(f["base_period"], _period)
    target = _lookup(f["target_period"], _period)
    probs.mask(pd.isna(base), "base_period", lambda i: _period_reason(f["base_period"].iat[i]))
    probs.mask(
        pd.isna(target), "target_period", lambda i: _period_reason(f["target_period"].iat[i])
    )
    both = pd.notna(base) & pd.notna(target)
    order_bad = np.array(
        [ok and (len(b) != len(g) or g <= b) for ok, b, g in zip(both, base, target, strict=True)],
        dtype=bool,
    )
    probs.mask(
        order_bad,
        "target_period",
        lambda i: (
            f"目标期须晚于基期且同为年或月 (target_period {target[i]} must come after base_period {base[i]})"  # noqa: E501
        ),
    )
    raw_change = _texts(f["target_change"])
    pct = pd.Series(raw_change).str.endswith("%").to_numpy()
    change, empty = _numbers(pd.Series(raw_change).str.rstrip("%"))
    change = np.where(pct, change / 100.0, change)
    ok = _check_numbers(probs, change, empty, f["target_change"], "target_change")
    probs.mask(
        ok & (change <= -1),
        "target_change",
        lambda i: (
            f"目标变化须大于 -100% (target_change {change[i]:g} must be above -1; -0.18 means 18 % lower)"  # noqa: E501
        ),
    )
    valid = region_ok & (plan != "") & metric_ok
    _duplicates(probs, [region, plan, metric], valid)
    frame = pd.DataFrame(
        {
            "region_code": region,
            "plan": plan,
            "metric": metric,
            "base_period": base,
            "target_period": target,
            "target_change": change,
        }
    )
    return _Staged(
        "target",
        ("region_code", "plan", "metric"),
        ("base_period", "target_period", "target_change"),
        frame,
        {"target_change": "float"},
        "target_change",
    )


def _names(f: pd.DataFrame, probs: _Problems) -> tuple[np.ndarray, np.ndarray]:
    name_zh = _texts(f["name_zh"])
    probs.mask(name_zh == "", "name_zh", "中文名称为空 (empty name_zh)")
    probs.mask(
        pd.Series(name_zh).str.len().to_numpy() > 64, "name_zh", "名称过长 (name_zh longer than 64)"
    )
    name_en = _texts(f["name_en"]) if "name_en" in f.columns else np.full(len(f), "", dtype=object)
    name_en = np.where(name_en == "", name_zh, name_en)
    probs.mask(
        pd.Series(name_en).str.len().to_numpy() > 128,
        "name_en",
        "名称过长 (name_en longer than 128)",
    )
    return name_zh, name_en


def _validate_regions(t: Table, ctx: _Context, probs: _Problems) -> _Staged:
    f = t.frame
    code = _lookup(f["code"], _code)
    code_ok = np.array([bool(re.fullmatch(r"\d{6}", c)) for c in code], dtype=bool)
    probs.mask(
        ~code_ok, "code", lambda i: f"区划代码须为 6 位数字 (code must be 6 digits): {code[i]!r}"
    )
    park = np.array([ctx.regions.get(c) == "park" for c in code], dtype=bool)
    probs.mask(
        code_ok & park,
        "code",
        lambda i: f"代码 {code[i]} 已是园区 (code is a park; use a parks file)",
    )
    level = _lookup(f["level"], lambda s: REGION_LEVELS.get(s.lower()))
    level_ok = pd.notna(level)
    probs.mask(
        ~level_ok,
        "level",
        lambda i: (
            f"未知级别 (unknown level) {_cell(f['level'].iat[i])!r}; 可用 (use): province, city, county"  # noqa: E501
        ),
    )
    parent = _lookup(f["parent_code"], _code)
    levels = dict(ctx.regions)
    levels.update({c: lv for c, lv, ok in zip(code, level, code_ok & level_ok, strict=True) if ok})
    parent_level = np.array([levels.get(p) for p in parent], dtype=object)
    probs.mask(
        pd.isna(parent_level),
        "parent_code",
        lambda i: f"未知上级代码 (unknown parent region) {parent[i]!r}",
    )
    rank_bad = np.array(
        [
            pl is not None and lv is not None and LEVEL_RANK[pl] >= LEVEL_RANK[lv]
            for pl, lv in zip(parent_level, level, strict=True)
        ],
        dtype=bool,
    )
    probs.mask(
        rank_bad,
        "parent_code",
        lambda i: (
            f"上级 {parent[i]} ({parent_level[i]}) 不能高于或等于本级 (a {level[i]} cannot sit under a {parent_level[i]})"  # noqa: E501
        ),
    )
    name_zh, name_en = _names(f, probs)
    _duplicates(probs, [code], code_ok)
    frame = pd.DataFrame(
        {
            "code": code,
            "parent_code": parent,
            "level": level,
            "name_zh": name_zh,
            "name_en": name_en,
        }
    )
    return _Staged("region", ("code",), ("parent_code", "level", "name_zh", "name_en"), frame)


def _validate_parks(t: Table, ctx: _Context, probs: _Problems) -> _Staged:
    f = t.frame
    code = _texts(f["code"])
    probs.mask(code == "", "code", "园区代码为空 (empty park code)")
    probs.mask(
        pd.Series(code).str.len().to_numpy() > 32, "code", "园区代码过长 (code longer than 32)"
    )
    admin = np.array([ctx.regions.get(c) not in (None, "park") for c in code], dtype=bool)
    probs.mask(
        admin, "code", lambda i: f"代码 {code[i]} 已是行政区划 (code is an administrative region)"
    )
    county = _lookup(f["county_code"], _code)
    county_level = np.array([ctx.regions.get(c) for c in county], dtype=object)
    county_ok = np.isin(county_level, ["county", "city"])
    probs.mask(
        pd.isna(county_level),
        "county_code",
        lambda i: f"未知区县代码 (unknown county) {county[i]!r}",
    )
    probs.mask(
        pd.notna(county_level) & ~county_ok,
        "county_code",
        lambda i: (
            f"{county[i]} 是 {county_level[i]}, 园区须挂在区县下 (a park's parent must be a county)"
        ),
    )
    name_zh, name_en = _names(f, probs)
    lon, lon_empty = _numbers(f["lon"])
    lat, lat_empty = _numbers(f["lat"])
    lon_ok = _check_numbers(probs, lon, lon_empty, f["lon"], "lon")
    lat_ok = _check_numbers(probs, lat, lat_empty, f["lat"], "lat")
    lon_in = lon_ok & (lon >= CHINA_LON[0]) & (lon <= CHINA_LON[1])
    lat_in = lat_ok & (lat >= CHINA_LAT[0]) & (lat <= CHINA_LAT[1])
    probs.mask(
        lon_ok & ~lon_in,
        "lon",
        lambda i: f"经度超出中国范围 (longitude {lon[i]:g} outside 73-136 E)",
    )
    probs.mask(
        lat_ok & ~lat_in, "lat", lambda i: f"纬度超出中国范围 (latitude {lat[i]:g} outside 3-54 N)"
    )
    park_level = _lookup(f["park_level"], lambda s: PARK_LEVELS.get(s.lower()))
    probs.mask(
        pd.isna(park_level),
        "park_level",
        lambda i: (
            f"未知园区级别 (unknown park_level) {_cell(f['park_level'].iat[i])!r}; 可用 (use): national, provincial"  # noqa: E501
        ),
    )
    industry = (
        _texts(f["industry"]) if "industry" in f.columns else np.full(len(f), "", dtype=object)
    )
    if ctx.park_checker is not None:
        for i in np.flatnonzero(county_ok & lon_in & lat_in):
            why = ctx.park_checker(str(county[i]), float(lon[i]), float(lat[i]))
            if why:
                probs.add(
                    Problem(
                        int(t.lines[i]), "lon", f"园区位置与所在区县不符 (location check): {why}"
                    )
                )
    _duplicates(probs, [code], code != "")
    frame = pd.DataFrame(
        {
            "code": code,
            "parent_code": county,
            "level": "park",
            "name_zh": name_zh,
            "name_en": name_en,
            "lon": lon,
            "lat": lat,
            "industry": np.where(industry == "", None, industry),
            "park_level": park_level,
        }
    )
    return _Staged(
        "region",
        ("code",),
        ("parent_code", "level", "name_zh", "name_en", "lon", "lat", "industry", "park_level"),
        frame,
        {"lon": "float", "lat": "float"},
    )


_VALIDATORS = {
    "emissions": _validate_emissions,
    "indicators": _validate_indicators,
    "regions": _validate_regions,
    "parks": _validate_parks,
    "targets": _validate_targets,
}


def _validate(
    table: Table, kind: str | None, ctx: _Context
) -> tuple[str | None, _Staged | None, _Problems]:
    probs = _Problems(table.lines)
    for p in table.problems:
        probs.add(p)
    if table.problems and table.frame.empty and not len(table.frame.columns):
        return kind, None, probs
    if kind is None:
        kind = detect_kind(list(table.frame.columns))
        if kind is None:
            probs.add(
                Problem(
                    1,
                    None,
                    (
                        "无法从表头识别文件类型 (cannot tell the kind from the header); 请用 --kind 指定, "  # noqa: E501
                        f"或按 README 的导入格式写表头 (kinds: {', '.join(KINDS)})"
                    ),
                )
            )
            return None, None, probs
    elif kind not in KINDS:
        probs.add(
            Problem(None, None, f"未知类型 (unknown kind) {kind!r}; kinds: {', '.join(KINDS)}")
        )
        return None, None, probs
    required, _optional = COLUMNS[kind]
    missing = [c for c in required if c not in table.frame.columns]
    for col in missing:
        probs.add(Problem(1, col, f"缺少列 (missing column) {col}"))
    structural = any(p.line in (None, 1) for p in table.problems)
    if missing or structural:
        return kind, None, probs
    if table.frame.empty:
        probs.add(Problem(None, None, "空文件: 只有表头, 没有数据行 (empty file: no data rows)"))
        return kind, None, probs
    staged = _VALIDATORS[kind](table, ctx, probs)
    return kind, staged, probs


# --------------------------------------------------------------------------- writing


def _ingest_table(
    engine: Engine,
    table: Table,
    *,
    kind: str | None,
    file_name: str,
    sha256: str,
    dry_run: bool,
    source: str,
    park_checker: ParkChecker | None,
) -> IngestReport:
    with engine.connect() as conn:
        regions = {
            code: level for code, level in conn.execute(text("SELECT code, level FROM region"))
        }
    kind, staged, probs = _validate(table, kind, _Context(regions, park_checker))
    rows = len(table.frame)
    base = {
        "kind": kind,
        "rows": rows,
        "file_name": file_name,
        "encoding": table.encoding,
        "dry_run": dry_run,
    }
    if probs.count or staged is None:
        listed = probs.listed()
        batch_id = None
        if not dry_run:
            batch_id = _record_rejection(
                engine, kind, file_name, sha256, table.encoding, rows, source, listed, probs.count
            )
        log.warning("rejected %s (%s): %d problems", file_name, kind, probs.count)
        return IngestReport(
            ok=False,
            batch_id=batch_id,
            inserted=0,
            replaced=0,
            unchanged=0,
            problems=listed,
            data_version=_version(engine),
            status="rejected",
            problem_count=probs.count,
            **base,
        )
    try:
        return _write(engine, staged, base, sha256=sha256, source=source, dry_run=dry_run)
    except SQLAlchemyError as exc:
        log.exception("ingest of %s failed in the database", file_name)
        problem = Problem(
            None,
            None,
            f"数据库写入失败, 已回滚 (database error, rolled back): {exc.__class__.__name__}: {getattr(exc, 'orig', None) or exc}",  # noqa: E501
        )
        batch_id = None
        if not dry_run:
            batch_id = _record_rejection(
                engine, kind, file_name, sha256, table.encoding, rows, source, [problem], 1
            )
        return IngestReport(
            ok=False,
            batch_id=batch_id,
            inserted=0,
            replaced=0,
            unchanged=0,
            problems=[problem],
            data_version=_version(engine),
            status="rejected",
            problem_count=1,
            **base,
        )


def _version(engine: Engine) -> int | None:
    with engine.connect() as conn:
        return conn.execute(text("SELECT version FROM data_state WHERE id = 1")).scalar()


def _record_rejection(
    engine: Engine,
    kind: str | None,
    file_name: str,
    sha256: str,
    encoding: str | None,
    rows: int,
    source: str,
    listed: list[Problem],
    count: int,
) -> int | None:
    """The audit log of a rejected file, in its own short transaction; never data."""
    try:
        with engine.begin() as conn:
            batch_id = conn.execute(
                insert(IngestBatch).values(
                    kind=kind or "unknown",
                    file_name=file_name[:255],
                    sha256=sha256,
                    encoding=encoding,
                    status="rejected",
                    rows=rows,
                    inserted=0,
                    replaced=0,
                    created_at=datetime.now(UTC),
                    source=source,
                )
            ).inserted_primary_key[0]
            entries = [
                {"batch_id": batch_id, "line": p.line, "column": p.column, "reason": p.reason}
                for p in listed
            ]
            if count > len(listed):
                entries.append(
                    {
                        "batch_id": batch_id,
                        "line": None,
                        "column": None,
                        "reason": f"{count - len(listed)} more problems not listed",
                    }
                )
            if entries:
                conn.execute(insert(RejectedRow), entries)
            return int(batch_id)
    except SQLAlchemyError:
        log.exception("could not record the rejected batch %s", file_name)
        return None


def _distinct(engine_or_conn: Connection, left: str, right: str) -> str:
    """Null-safe "differs": PostgreSQL's IS DISTINCT FROM, SQLite's IS NOT."""
    if engine_or_conn.dialect.name == "postgresql":
        return f"{left} IS DISTINCT FROM {right}"
    return f"{left} IS NOT {right}"


STAGE = "_ingest_stage"


def _write(
    engine: Engine, staged: _Staged, base: dict, *, sha256: str, source: str, dry_run: bool
) -> IngestReport:
    now = datetime.now(UTC)
    with engine.connect() as conn:
        pg = conn.dialect.name == "postgresql"
        tx = conn.begin()
        try:
            result = _write_in(
                conn, staged, base, sha256=sha256, source=source, dry_run=dry_run, pg=pg, now=now
            )
        except BaseException:
            tx.rollback()
            raise
        else:
            if dry_run:
                tx.rollback()
            else:
                tx.commit()
        finally:
            if not pg:  # SQLite runs DDL outside the transaction: drop the staging table
                conn.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{STAGE}")
                conn.commit()
    log.info(
        "%s %s: %d rows, %d inserted, %d replaced (batch %s, version %s)",
        result.status,
        result.file_name,
        result.rows,
        result.inserted,
        result.replaced,
        result.batch_id,
        result.data_version,
    )
    return result


def _write_in(
    conn: Connection,
    staged: _Staged,
    base: dict,
    *,
    sha256: str,
    source: str,
    dry_run: bool,
    pg: bool,
    now: datetime,
) -> IngestReport:
    frame = staged.frame
    cols = list(frame.columns)
    _stage(conn, frame, staged.types, pg)
    on = " AND ".join(f"s.{k} = t.{k}" for k in staged.keys)
    differs = " OR ".join(_distinct(conn, f"t.{c}", f"s.{c}") for c in staged.compare)
    k0 = staged.keys[0]
    # fast path (a province's first load): none of the file's first-key values is in the table
    # yet, so every row is new and a plain INSERT ... SELECT needs no conflict handling
    fresh = not _any_existing(conn, staged.table, k0, frame[k0].unique().tolist())
    if fresh:
        total, matched, replaced = len(frame), 0, 0
    else:
        if pg:  # probe the primary key per staged row instead of hashing the whole table
            conn.exec_driver_sql("SET LOCAL enable_hashjoin = off")
            conn.exec_driver_sql("SET LOCAL enable_mergejoin = off")
        total, matched, replaced = conn.execute(
            text(
                f"SELECT count(*), count(t.{k0}), "
                f"coalesce(sum(CASE WHEN t.{k0} IS NOT NULL AND ({differs}) THEN 1 ELSE 0 END), 0) "
                f"FROM {STAGE} s LEFT JOIN {staged.table} t ON {on}"
            )
        ).one()
    inserted, replaced = int(total) - int(matched), int(replaced)
    unchanged = int(total) - inserted - replaced
    changed = bool(inserted or replaced)
    status = "dry-run" if dry_run else ("accepted" if changed else "unchanged")
    batch_id = None
    if not dry_run:
        batch_id = int(
            conn.execute(
                insert(IngestBatch).values(
                    kind=base["kind"],
                    file_name=base["file_name"][:255],
                    sha256=sha256,
                    encoding=base["encoding"],
                    status=status,
                    rows=base["rows"],
                    inserted=inserted,
                    replaced=replaced,
                    created_at=now,
                    source=source,
                )
            ).inserted_primary_key[0]
        )
        if replaced:
            _record_changes(conn, staged, batch_id, on, differs)
        if changed:
            _upsert(conn, staged, cols, batch_id, fresh=fresh)
            conn.execute(
                text("UPDATE data_state SET version = version + 1, changed_at = :now WHERE id = 1"),
                {"now": now},
            )
    version = conn.execute(text("SELECT version FROM data_state WHERE id = 1")).scalar()
    return IngestReport(
        ok=True,
        batch_id=batch_id,
        inserted=inserted,
        replaced=replaced,
        unchanged=unchanged,
        problems=[],
        data_version=version,
        status=status,
        problem_count=0,
        **base,
    )


def _record_changes(
    conn: Connection, staged: _Staged, batch_id: int, on: str, differs: str
) -> None:
    key = " || '|' || ".join(f"s.{k}" for k in staged.keys)
    old = f"t.{staged.value_col}" if staged.value_col else "NULL"
    new = f"s.{staged.value_col}" if staged.value_col else "NULL"
    conn.execute(
        text(
            f"INSERT INTO value_change (batch_id, table_name, key, old_value, new_value) "
            f"SELECT {int(batch_id)}, '{staged.table}', {key}, {old}, {new} "
            f"FROM {STAGE} s JOIN {staged.table} t ON {on} WHERE {differs}"
        )
    )


def _any_existing(conn: Connection, table: str, column: str, values: list[str]) -> bool:
    """Whether any row of ``table`` has one of ``values`` in ``column`` (the key's prefix)."""
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        marks = ", ".join(f":v{i}" for i in range(len(chunk)))
        hit = conn.execute(
            text(f"SELECT 1 FROM {table} WHERE {column} IN ({marks}) LIMIT 1"),
            {f"v{i}": v for i, v in enumerate(chunk)},
        ).first()
        if hit is not None:
            return True
    return False


def _upsert(
    conn: Connection, staged: _Staged, cols: list[str], batch_id: int, *, fresh: bool
) -> None:
    has_batch = staged.table != "region"
    target_cols = cols + (["batch_id"] if has_batch else [])
    select_cols = [f"s.{c}" for c in cols] + ([str(int(batch_id))] if has_batch else [])
    updates = [c for c in cols if c not in staged.keys] + (["batch_id"] if has_batch else [])
    differs = " OR ".join(
        _distinct(conn, f"{staged.table}.{c}", f"excluded.{c}") for c in staged.compare
    )
    sql = (
        f"INSERT INTO {staged.table} ({', '.join(target_cols)}) "
        f"SELECT {', '.join(select_cols)} FROM {STAGE} s WHERE true"
    )
    if not fresh:  # the conflict check costs about half again as much per row on PostgreSQL
        sql += (
            f" ON CONFLICT ({', '.join(staged.keys)}) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in updates)
            + f" WHERE {differs}"
        )
    conn.execute(text(sql))


_SQL_TYPES = {
    "postgresql": {"text": "text", "float": "double precision", "int": "integer"},
    "sqlite": {"text": "TEXT", "float": "REAL", "int": "INTEGER"},
}


def _stage(conn: Connection, frame: pd.DataFrame, types: dict[str, str], pg: bool) -> None:
    """Put the validated rows into a temporary table: binary COPY on PostgreSQL, executemany on
    SQLite."""
    sql_types = _SQL_TYPES["postgresql" if pg else "sqlite"]
    ddl = ", ".join(f"{c} {sql_types[types.get(c, 'text')]}" for c in frame.columns)
    cols = ", ".join(frame.columns)
    columns = _python_columns(frame, types)
    raw = conn.connection.driver_connection
    if pg:
        conn.exec_driver_sql(f"CREATE TEMP TABLE {STAGE} ({ddl}) ON COMMIT DROP")
        copy_types = [_COPY_TYPES[types.get(c, "text")] for c in frame.columns]
        with (
            raw.cursor() as cur,
            cur.copy(f"COPY {STAGE} ({cols}) FROM STDIN (FORMAT binary)") as copy,
        ):
            copy.set_types(copy_types)
            for row in zip(*columns, strict=True):
                copy.write_row(row)
        return
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{STAGE}")
    conn.exec_driver_sql(f"CREATE TEMP TABLE {STAGE} ({ddl})")
    marks = ", ".join("?" for _ in frame.columns)
    raw.executemany(f"INSERT INTO {STAGE} ({cols}) VALUES ({marks})", zip(*columns, strict=True))


_COPY_TYPES = {"text": "text", "float": "float8", "int": "int4"}


def _python_columns(frame: pd.DataFrame, types: dict[str, str]) -> list[list[object]]:
    """Each column as a list of Python values, missing values as None."""
    columns: list[list[object]] = []
    for c in frame.columns:
        col = frame[c]
        if types.get(c) == "int":
            columns.append([None if pd.isna(v) else int(v) for v in col])
        elif types.get(c) == "float":
            values = col.to_numpy(dtype=float)
            if np.isnan(values).any():
                columns.append([None if np.isnan(v) else v for v in values.tolist()])
            else:
                columns.append(values.tolist())
        else:
            columns.append(col.tolist())  # text cells are Python str (or None) already
    return columns
