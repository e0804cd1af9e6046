"""The OpenAPI 3.0 document of the data service API, served at /api/v1/openapi.json.

It covers every route under /api/v1: the data pool (dashboard.api), the parks' PDI evaluation
(dashboard.api_parks) and the forecasts (dashboard.api_forecast). The parks and forecast
parameters are built from the constants those views validate with, so they cannot drift.
"""

from __future__ import annotations

import re
from typing import Any

from dashboard import api_forecast, api_parks
from dashboard.api_format import FORMATS
from dashboard.config import Settings
from datasource import forecast, pdi, periods, queries, reference, zero_carbon

REGION_PATTERN = "^[0-9A-Za-z]{1,32}$"
PERIOD_PATTERN = f"^{periods.PATTERN}$"  # year, quarter, month or day (docs/periods.md)
SECTOR_PATTERN = "^[1-5](\\.[0-9]{1,2}){0,3}$"
FILE_NAME_PATTERN = "^[^/\\\\\\x00-\\x1f]{1,200}$"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REGIONS_CSV = "\ufeffcode,parent_code,level,name_zh\r\n340000,100000,province,安徽省\r\n"


def _anchored(rx: re.Pattern[str]) -> str:
    """A view's fullmatch regex as an OpenAPI (ECMA) pattern."""
    return f"^{rx.pattern}$"


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _num(description: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"type": "number", "nullable": True}
    if description:
        out["description"] = description
    return out


def _str(nullable: bool = False, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "string", **extra}
    if nullable:
        out["nullable"] = True
    return out


def _obj(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": props,
        "required": list(props) if required is None else required,
    }


def _param(
    name: str,
    description: str,
    schema: dict[str, Any],
    *,
    required: bool = False,
    allow_empty: bool = False,
) -> dict[str, Any]:
    out = {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    }
    if allow_empty:  # name= is taken as no value (the parks API does so)
        out["allowEmptyValue"] = True
    return out


def _ok(schema_name: str, description: str, *, csv_example: str | None) -> dict[str, Any]:
    """A 200 answer: JSON, plus CSV and XLSX unless ``csv_example`` is None."""
    content: dict[str, Any] = {"application/json": {"schema": _ref("schemas", schema_name)}}
    if csv_example is not None:
        content["text/csv"] = {"schema": {"type": "string"}, "example": csv_example}
        content[XLSX] = {"schema": {"type": "string", "format": "binary"}}
    return {"description": description, "content": content}


def _get(
    summary: str,
    description: str,
    params: list[dict[str, Any]],
    schema_name: str,
    *,
    errors: tuple[str, ...] = ("BadRequest", "NotFound"),
    tag: str = "data",
    csv_example: str | None = REGIONS_CSV,
) -> dict[str, Any]:
    responses: dict[str, Any] = {"200": _ok(schema_name, "the answer", csv_example=csv_example)}
    for name in errors:
        responses[_STATUS[name]] = _ref("responses", name)
    responses["405"] = _ref("responses", "MethodNotAllowed")
    responses["500"] = _ref("responses", "InternalError")
    responses["503"] = _ref("responses", "Unavailable")
    return {
        "summary": summary,
        "description": description,
        "operationId": schema_name[0].lower() + schema_name[1:],
        "tags": [tag],
        "parameters": params,
        "responses": responses,
    }


_STATUS = {
    "BadRequest": "400",
    "Unauthorized": "401",
    "NotFound": "404",
    "ParksNotFound": "404",
    "ParkNotFound": "404",
    "ForecastNotFound": "404",
    "TooLarge": "413",
    "Rejected": "422",
}


def _format_param(*, allow_empty: bool = False) -> dict[str, Any]:
    return _param(
        "format",
        "json (default), csv (UTF-8 with BOM, header row of field names) or xlsx "
        "(one sheet, Chinese headers)",
        {"type": "string", "enum": list(FORMATS), "default": "json"},
        allow_empty=allow_empty,
    )


def _dimensions(description: str) -> dict[str, Any]:
    """An object with a number for each PDI dimension (P, D, I)."""
    return {
        "type": "object",
        "description": description,
        "properties": {d: {"type": "number"} for d in pdi.DIMENSIONS},
        "required": list(pdi.DIMENSIONS),
    }


def _parks_schemas() -> dict[str, Any]:
    score = {"type": "number", "minimum": 0, "maximum": pdi.SCORE_MAX}
    rank = {"type": "integer", "minimum": 1}
    dimension = _str(enum=list(pdi.DIMENSIONS))
    park = {
        "rank": {**rank, "description": "by total, within the answer's set"},
        "code": _str(description="the park's region code (ingest allows up to 32 characters)"),
        "name_zh": _str(),
        "name_en": _str(),
        "province_code": _str(
            pattern="^([0-9]{2}0000)?$", description="from the county code; empty without one"
        ),
        "province_zh": _str(description="empty when the province is not in the pool"),
        "county_code": _str(nullable=True, description="the park's parent region"),
        "industry": _str(nullable=True, description="main industry"),
        "park_level": _str(nullable=True, enum=[*api_parks.PARK_LEVELS, None]),
        "lon": _num("degrees east"),
        "lat": _num("degrees north"),
        **{d: {**score, "description": pdi.DIMENSION_NAMES_EN[d]} for d in pdi.DIMENSIONS},
        "total": {**score, "description": "weighted sum of P, D and I"},
        **{f"rank_{d}": rank for d in pdi.DIMENSIONS},
        "stage": _str(
            enum=list(pdi.STAGES), description=f"mature when total >= {pdi.MATURE_TOTAL}"
        ),
        "weakest": {**dimension, "description": "lowest dimension; ties go to P, then D"},
        "direct": {
            "type": "array",
            "description": "dimensions given as scores rather than computed from indicators",
            "items": dimension,
            "uniqueItems": True,
        },
    }
    strategy = _obj(
        {
            "dimension": dimension,
            "stage": _str(enum=list(pdi.STAGES)),
            "text_zh": _str(),
            "source": _str(),
        }
    )
    median = {
        "type": "object",
        "description": "medians over the park's industry: P, D, I, total and each level-2 "
        "indicator every peer has",
        "properties": {k: {"type": "number"} for k in (*pdi.DIMENSIONS, "total")},
        "required": [*pdi.DIMENSIONS, "total"],
        "additionalProperties": {"type": "number"},
    }
    detail = {
        **park,
        "rank": {**rank, "description": "by total, within the park's industry"},
        "zero_carbon": _zero_carbon_schema(),
        "level2": {
            "type": "object",
            "description": "level-2 indicator scores (0-5); null under a dimension given directly",
            "additionalProperties": {"type": "number", "nullable": True},
        },
        "weights": _dimensions("first-level weights in force"),
        "industry_median": median,
        "industry_size": {"type": "integer", "minimum": 1},
        "strategies": {"type": "array", "items": strategy},
    }
    return {
        "Park": _obj(park),
        "Parks": _obj(
            {
                "filters": _obj(
                    {
                        "province": _str(nullable=True),
                        "industry": _str(nullable=True),
                        "park_level": _str(nullable=True, enum=[*api_parks.PARK_LEVELS, None]),
                    }
                ),
                "weights": _dimensions("first-level weights in force"),
                "scale": {
                    "type": "array",
                    "description": "the score range",
                    "items": {"type": "number"},
                    "minItems": 2,
                    "maxItems": 2,
                },
                "count": {"type": "integer", "minimum": 0},
                "items": {"type": "array", "items": _ref("schemas", "Park")},
            }
        ),
        "ParkDetail": _obj(detail),
    }


def _zero_carbon_schema() -> dict[str, Any]:
    """The park's newest reported year against the zero-carbon park thresholds (issue 21)."""
    met = {"type": "boolean", "nullable": True, "description": "null: no value or no threshold"}
    threshold = _num("null where none is published (未公布) or the park is below the tiers")
    core = _obj(
        {
            "value": _num("单位能耗碳排放 = energy CO2 (t) / energy consumption (tce)"),
            "unit": _str(enum=[zero_carbon.CORE_UNIT]),
            "threshold": threshold,
            "tier": _str(
                nullable=True,
                description='energy-use tier in tce, "200000-1000000" or "1000000+"; null '
                "below the smallest tier or without energy use",
            ),
            "met": met,
        }
    )
    guiding = _obj(
        {
            "indicator": _str(enum=list(zero_carbon.GUIDING)),
            "value": _num("% for the shares, 1/2/3 for product_energy_grade"),
            "threshold": threshold,
            "met": met,
        }
    )
    out = _obj(
        {
            "period": _str(description="the newest year the park reported"),
            "energy_tce": _num("annual comprehensive energy consumption, tce"),
            "core": core,
            "guiding": {"type": "array", "items": guiding, "minItems": 5, "maxItems": 5},
            "status": _str(enum=list(zero_carbon.STATUSES)),
        }
    )
    out["nullable"] = True
    out["description"] = "null when the park has reported no zero-carbon indicator"
    return out


def _parks_paths() -> dict[str, Any]:
    params = [
        _param(
            "province",
            "only parks in this province (6-digit code ending 0000; 404 if unknown); "
            "empty = no filter",
            {"type": "string", "pattern": _anchored(api_parks.PROVINCE_RE), "example": "440000"},
            allow_empty=True,
        ),
        _param(
            "industry",
            "only parks of this main industry (404 if no evaluated park has it); empty = no filter",
            {"type": "string", "example": "电子信息"},
            allow_empty=True,
        ),
        _param(
            "park_level",
            "only national or provincial parks; empty = no filter",
            {"type": "string", "enum": list(api_parks.PARK_LEVELS)},
            allow_empty=True,
        ),
        _format_param(allow_empty=True),
    ]
    code = {
        "name": "code",
        "in": "path",
        "required": True,
        "description": "the park's region code",
        "schema": {"type": "string", "pattern": _anchored(api_parks.PARK_RE), "example": "P001"},
    }
    detail = _get(
        "One park in detail",
        "One evaluated park: its scores, ranks within its industry, level-2 scores, the "
        "industry's medians and the suggested strategies (weakest dimension first), and its "
        "zero-carbon park yardstick (zero_carbon: the newest reported year against the "
        "thresholds in force, see docs/parks.md). JSON only; takes no query parameters (400 "
        "if given).",
        [code],
        "ParkDetail",
        errors=("BadRequest", "ParkNotFound"),
        tag="parks",
        csv_example=None,
    )
    return {
        "/api/v1/parks": {
            "get": _get(
                "The parks' PDI evaluation",
                "Every evaluated park's performance (P), development (D) and impact (I) scores "
                "(0-5), weighted total, ranks and stage, best total first. Ranks are within the "
                "filtered set; scores never depend on the filter. Unknown parameters are a 400.",
                params,
                "Parks",
                errors=("BadRequest", "ParksNotFound"),
                tag="parks",
                csv_example="\ufeff" + ",".join(api_parks.COLUMNS) + "\r\n"
                "1,E1,园区E1,320000,江苏省,电子信息,national,2.94,1.84,3.65,2.752,3,2,1,mature,D\r\n",
            )
        },
        "/api/v1/parks/{code}": {"get": detail},
    }


def _forecast_schemas() -> dict[str, Any]:
    bound = {"type": "number", "description": "interval bound"}
    row = _obj(
        {
            "year": {"type": "integer"},
            "point": {"type": "number", "description": "point forecast"},
            "lo80": bound,
            "hi80": bound,
            "lo95": bound,
            "hi95": bound,
            "actual": _num("what happened, where the year has data"),
            "model": _str(enum=list(forecast.MODELS)),
        }
    )
    return {
        "Forecast": _obj(
            {
                "region_code": _str(),
                "region_name_zh": _str(),
                "region_name_en": _str(),
                "metric": _str(enum=list(forecast.METRICS)),
                "unit": _str(enum=[api_forecast.UNITS[m] for m in forecast.METRICS]),
                "origin": {"type": "integer", "description": "last year of data used"},
                "source": _str(
                    enum=["stored", "computed"],
                    description="stored by the background job, or computed for this request",
                ),
                "model": _str(
                    nullable=True,
                    enum=[*forecast.MODELS, None],
                    description="null when no model could forecast the series",
                ),
                "data_version": {
                    "type": "integer",
                    "nullable": True,
                    "description": "data version of the stored parameters; null without any",
                },
                "intervals": {
                    "type": "array",
                    "description": "the prediction intervals given, in percent",
                    "items": {"type": "integer", "enum": [80, 95]},
                },
                "history": {
                    "type": "array",
                    "description": "the region's yearly values up to origin",
                    "items": _obj({"year": {"type": "integer"}, "value": _num()}),
                },
                "forecast": {"type": "array", "items": row},
                "track_record": _track_record_schema(),
            }
        )
    }


def _track_record_schema() -> dict[str, Any]:
    share = _num("share of the backtest's actuals inside the calibrated interval; null if none")
    horizon = _obj(
        {
            "horizon": {"type": "integer", "description": "years ahead, 1-5"},
            "model": _str(enum=list(forecast.MODELS), description="model chosen at this horizon"),
            "smape": _num("its mean sMAPE in % in the backtest; null without a backtest"),
            "naive_smape": _num("the naive forecast's mean sMAPE in %"),
            "drift_smape": _num("the drift forecast's mean sMAPE in %"),
            "cover80": share,
            "cover95": share,
            "scores": {"type": "integer", "description": "forecasts scored at this horizon"},
        }
    )
    ints = {"type": "array", "items": {"type": "integer"}}
    out = _obj(
        {
            "decided_by": _str(description="the region level whose backtest chose, or * (all)"),
            "series": {"type": "integer", "description": "series in that backtest"},
            "origins": {"type": "integer", "description": "origins scored at horizon 3"},
            "naive_unbeaten": {**ints, "description": "horizons where naive won the backtest"},
            "too_short": {**ints, "description": "horizons with too few scores: naive shown"},
            "horizons": {"type": "array", "items": horizon},
        }
    )
    out["description"] = (
        "the model chosen per horizon by the rolling-origin backtest on the pool's own data up "
        "to origin, and how it scored there (docs/forecasts.md)"
    )
    return out


def _forecast_paths() -> dict[str, Any]:
    params = [
        _param(
            "region",
            "region code (administrative or park)",
            {"type": "string", "pattern": _anchored(api_forecast.REGION_RE), "example": "340000"},
            required=True,
        ),
        _param(
            "metric",
            "co2 (t), co2e (t CO2e, AR5 GWP-100) or intensity (t CO2 per 10^4 CNY)",
            {"type": "string", "enum": list(forecast.METRICS), "default": "co2e"},
        ),
        _param(
            "origin",
            "forecast as of this year, from data up to it only (400 if after the latest year "
            "with data); default: the latest year",
            {"type": "string", "pattern": _anchored(api_forecast.YEAR_RE), "example": "2019"},
        ),
        _format_param(),
    ]
    return {
        "/api/v1/forecast": {
            "get": _get(
                "A region's forecast",
                "Yearly point forecasts with 80 % and 95 % intervals made from data up to "
                "`origin`, with what actually happened where the year has passed. Stored "
                "origins (the latest year and the one before) are read; any other is computed "
                "for the one region. 404 when the region is unknown (not_found), the pool has no "
                "yearly data (no_data) or the series is too short (no_forecast).",
                params,
                "Forecast",
                errors=("BadRequest", "ForecastNotFound"),
                tag="forecast",
                csv_example="\ufeff" + ",".join(api_forecast.COLUMNS) + "\r\n"
                "2025,146.41,140.2,152.9,137.0,156.5,,drift\r\n",
            )
        }
    }


def _targets_schemas() -> dict[str, Any]:
    """GET /api/v1/targets: plans and their controlled metrics (datasource.dual_control)."""
    definition = _obj(
        {
            "metric": _str(),
            "numerator": _str(
                enum=["energy_co2", "energy_process_co2", "co2", "co2e", "energy"],
                description="energy_co2 = CO2 of energy activities (sector 1); "
                "energy_process_co2 = sectors 1 and 2; co2 = all CO2; co2e = every gas in CO2e "
                "with gwp_set; energy = energy use (万吨标准煤). LULUCF is never included",
            ),
            "gdp_basis": _str(nullable=True, enum=["constant", "current", None]),
            "gdp_base_year": {"type": "integer", "nullable": True},
            "gwp_set": _str(nullable=True),
            "label_zh": _str(),
            "label_en": _str(),
        }
    )
    status = _str(enum=["on_track", "at_risk", "off_track", "no_target", "no_base_data"])
    control = _obj(
        {
            "metric": _str(description="co2_intensity, co2, energy_intensity, …"),
            "kind": _str(
                nullable=True,
                enum=["change", "annual", "cumulative", None],
                description="relative change, annual cap, cumulative budget; null: no target",
            ),
            "target_change": _num("fraction vs the base period (-0.18 = 18 % lower)"),
            "target_value": _num("absolute targets, in unit"),
            "unit": _str(description="万吨, 万吨标准煤, 吨/万元 or 吨标准煤/万元"),
            "base_value": _num("the base period's value, in unit"),
            "current_period": _str(nullable=True),
            "current_value": _num("in unit"),
            "current_change": _num("fraction vs the base period"),
            "needed_annual_rate": _num("the yearly change still needed to meet the target"),
            "used": _num("cumulative budgets: the sum of the plan's years so far, in unit"),
            "estimated_years": {
                "type": "array",
                "items": {"type": "integer"},
                "description": "budget years filled by interpolation (not reported)",
            },
            "status": status,
            "definition": definition,
            "fallback": {
                "type": "array",
                "items": _str(enum=["current_prices", "other_price_base", "derived"]),
                "description": "why a figure is not on the definition as stated",
            },
            "target_source": _str(nullable=True, enum=["own", "inherited", "national", None]),
            "target_source_code": _str(nullable=True),
            "document": _str(nullable=True, description="where the target is published"),
            "note": _str(nullable=True),
        }
    )
    plan = _obj(
        {
            "plan": _str(description="13th-FYP, 14th-FYP, 15th-FYP, NDC-2030"),
            "name_zh": _str(),
            "name_en": _str(),
            "base_period": _str(),
            "target_period": _str(),
            "state": _str(enum=["closed", "running", "upcoming"]),
            "result": _str(
                nullable=True,
                enum=["achieved", "not_achieved", "pending", None],
                description="closed plans; pending while the target year is not in the pool",
            ),
            "source": _str(description="the plan document(s)"),
            "controls": {"type": "array", "items": control},
        }
    )
    return {"Targets": _obj({"region": _str(), "plans": {"type": "array", "items": plan}})}


def _targets_paths() -> dict[str, Any]:
    params = [
        _param(
            "region",
            "region code; default: the root region",
            {"type": "string", "pattern": REGION_PATTERN, "example": "440000"},
        ),
        _param(
            "year",
            "the calendar year that decides which plan is running (default: this year)",
            {"type": "string", "pattern": "^(19|20)[0-9]{2}$", "example": "2026"},
        ),
    ]
    return {
        "/api/v1/targets": {
            "get": _get(
                "Dual control: a region's plans and controlled metrics",
                "Every plan (13th, 14th, 15th FYP and the NDC) with each controlled metric: "
                "its target (a region's own, an ancestor's or the national one; none = "
                "no_target, 未设定), the definition it is assessed on, where the region stands, "
                "the yearly rate still needed and the status. Closed plans carry their result. "
                "400 for a malformed code, 404 for an unknown one.",
                params,
                "Targets",
                csv_example=None,
            )
        }
    }


def document(settings: Settings | None = None) -> dict[str, Any]:
    """The whole OpenAPI 3.0.3 document."""
    settings = settings or Settings()
    root = settings.root_region
    gwp_default = settings.gwp_set
    fmt = _format_param()
    gwp = _param(
        "gwp",
        "GWP-100 set used for CO2e",
        {"type": "string", "enum": list(reference.GWP_SETS), "default": gwp_default},
    )
    period = _param(
        "period",
        "a year (2024), quarter (2024-Q3), month (2024-07) or day (2024-07-15); default: the "
        "latest year with data (a year still filling is year-to-date: see complete, coverage)",
        {"type": "string", "pattern": PERIOD_PATTERN, "example": "2024"},
    )
    region = _param(
        "region",
        f"region code (6-digit administrative code, or a park code); default {root}",
        {"type": "string", "pattern": REGION_PATTERN, "example": "340000"},
    )
    region_obj = _obj(
        {
            "code": _str(),
            "name_zh": _str(),
            "name_en": _str(),
            "level": _str(enum=["country", "province", "city", "county", "park"]),
            "parent_code": _str(nullable=True),
        }
    )
    units = {"type": "object", "additionalProperties": {"type": "string"}}
    change = "fraction vs the previous period (-0.05 = 5 % lower); null without one"
    summary_fields = {
        "period": _str(),
        "derived": {
            "type": "boolean",
            "description": "true when summed from the region's children (no own records)",
        },
        "gwp_set": _str(enum=list(reference.GWP_SETS)),
        "co2": _num("t CO2"),
        "co2e": _num("t CO2e, gross (LULUCF excluded)"),
        "lulucf_co2e": _num("t CO2e of land use, land-use change and forestry (negative = sink)"),
        "co2e_net": _num("t CO2e, gross plus LULUCF"),
        "intensity": _num("t CO2 per 10^4 CNY (万元) of GDP"),
        "intensity_basis": _str(
            nullable=True, enum=["constant", "current", None], description="GDP price basis"
        ),
        "gdp": _num("10^8 CNY (亿元)"),
        "population": _num("10^4 persons (万人)"),
        "prev_period": _str(nullable=True),
        "co2_change": _num(change),
        "co2e_change": _num(change),
        "intensity_change": _num(change),
        "flag": _str(enum=["rose", "fell", "none"], description="intensity vs previous period"),
        "gdp_base_year": {"type": "integer", "nullable": True, "description": "GDP price base"},
        "intensity_label_zh": _str(nullable=True, description="the intensity's definition"),
        "intensity_label_en": _str(nullable=True),
        # periods of any grain (docs/periods.md)
        "grain": _str(enum=list(periods.GRAINS), description="Y year, Q quarter, M month, D day"),
        "label_zh": _str(description="the period as shown, e.g. 2025年1—11月 for year-to-date"),
        "months": {
            "type": "integer",
            "nullable": True,
            "description": "whole months covered (a year 0-12, a quarter 0-3, a month 1 or 0)",
        },
        "days": {
            "type": "integer",
            "nullable": True,
            "description": "days covered (a month; fewer than its days while still filling)",
        },
        "complete": {
            "type": "boolean",
            "description": "false: the figures cover only part of the period (year-to-date)",
        },
        "coverage": _str(
            nullable=True, description="which months (year, quarter) or days (month), e.g. 1-11"
        ),
        "gdp_grain": _str(
            nullable=True,
            enum=["Y", "Q", "M", None],
            description="the GDP intensity used: Y annual, Q the quarters' sum, M monthly",
        ),
        "prev_label_zh": _str(
            nullable=True, description="the 同比 base by name: the same months a year earlier"
        ),
        "mom_period": _str(nullable=True, description="the 环比 base: the period just before"),
        "mom_label_zh": _str(nullable=True),
        "co2_mom_change": _num("fraction vs mom_period (环比)"),
        "co2e_mom_change": _num("fraction vs mom_period (环比)"),
        "intensity_mom_change": _num("fraction vs mom_period (环比)"),
        "sources": {
            "type": "array",
            "description": "published datasets these figures come from: credit them when shown",
            "items": _obj(
                {
                    "code": _str(),
                    "name_zh": _str(),
                    "name_en": _str(),
                    "licence": _str(),
                    "url": _str(),
                    "citation": _str(),
                }
            ),
        },
    }
    target = {
        "type": "object",
        "nullable": True,
        "description": "progress against the newest CO2-intensity target; null without one",
        "properties": {
            "plan": _str(),
            "metric": _str(),
            "base_period": _str(),
            "target_period": _str(),
            "target_change": {"type": "number"},
            "base_value": _num(),
            "target_value": _num(),
            "current_period": _str(nullable=True),
            "current_value": _num(),
            "change_so_far": _num(),
            "years_left": {"type": "integer", "nullable": True},
            "needed_annual_rate": _num(),
            "status": _str(enum=["on_track", "at_risk", "off_track", "no_data"]),
            "definition_zh": _str(
                nullable=True, description="what is tracked, e.g. 能源活动CO₂/2020年可比价GDP"
            ),
            "definition_en": _str(nullable=True),
            "fallback": {
                "type": "array",
                "items": _str(enum=["current_prices", "other_price_base", "derived"]),
            },
        },
        "required": ["plan", "status"],
    }
    sector_row = _obj(
        {
            "period": _str(),
            "sector_code": _str(),
            "sector_name_zh": _str(),
            "sector_name_en": _str(),
            "co2e": {"type": "number", "description": "t CO2e"},
        }
    )
    gas_row = _obj(
        {
            "period": _str(),
            "gas": _str(enum=list(reference.GASES)),
            "gas_name_zh": _str(),
            "value": {"type": "number", "description": "in the gas's unit"},
            "unit": _str(),
            "co2e": {"type": "number", "description": "t CO2e"},
            "share": _num("share of the gross CO2e"),
        }
    )
    sector_gas_row = _obj(
        {
            "period": _str(),
            "sector_code": _str(),
            "sector_name_zh": _str(),
            "gas": _str(enum=list(reference.GASES)),
            "gas_name_zh": _str(),
            "value": {"type": "number"},
            "unit": _str(),
            "co2e": {"type": "number"},
        }
    )
    rank_row = _obj(
        {
            "rank": {"type": "integer", "minimum": 1},
            "code": _str(),
            "name_zh": _str(),
            "name_en": _str(),
            "level": _str(),
            "derived": {"type": "boolean"},
            "co2": _num("t CO2"),
            "co2e": _num("t CO2e"),
            "intensity": _num("t CO2 per 10^4 CNY"),
            "intensity_basis": _str(nullable=True),
            "prev_period": _str(nullable=True),
            "co2e_change": _num(change),
            "intensity_change": _num(change),
            "flag": _str(enum=["rose", "fell", "none"]),
        }
    )
    inventory_row = _obj(
        {
            "sector_code": _str(),
            "label_zh": _str(),
            "label_en": _str(),
            "depth": {"type": "integer", "minimum": 0},
            "is_leaf": {"type": "boolean"},
            **{g: _num(f"{reference.GAS_UNITS[g]}; null = not reported") for g in reference.GASES},
        }
    )
    error = _obj(
        {
            "error": _obj(
                {
                    "code": _str(
                        description="machine-readable: bad_parameter, missing_parameter, "
                        "unknown_region, unknown_industry, unknown_park, no_data, no_forecast, "
                        "not_found, method_not_allowed, unauthorized, missing_file, "
                        "payload_too_large, database_unavailable, internal_error"
                    ),
                    "message": _str(description="one sentence for people"),
                    "field": _str(nullable=True, description="the parameter at fault, if any"),
                }
            )
        }
    )
    problem = _obj(
        {
            "line": {"type": "integer", "nullable": True},
            "column": _str(nullable=True),
            "reason": _str(),
        },
        ["reason"],
    )
    report = {
        "type": "object",
        "description": "the ingest report: all rows or none",
        "properties": {
            "ok": {"type": "boolean"},
            "kind": _str(nullable=True),
            "batch_id": {"type": "integer", "nullable": True},
            "rows": {"type": "integer"},
            "inserted": {"type": "integer"},
            "replaced": {"type": "integer"},
            "unchanged": {"type": "integer"},
            "problems": {"type": "array", "items": problem},
            "data_version": {"type": "integer", "nullable": True},
            "ignored_columns": {
                "type": "array",
                "items": _str(),
                "description": "headers of the file that nothing reads, as written in it",
            },
        },
        "required": ["ok", "problems"],
    }

    def err(description: str) -> dict[str, Any]:
        return {
            "description": description,
            "content": {"application/json": {"schema": _ref("schemas", "Error")}},
        }

    paths: dict[str, Any] = {
        "/api/v1/regions": {
            "get": _get(
                "The region tree",
                "Regions sorted by code; filter by parent and/or level.",
                [
                    _param(
                        "parent",
                        "only the direct children of this region (404 if unknown)",
                        {"type": "string", "pattern": REGION_PATTERN},
                    ),
                    _param(
                        "level",
                        "only this level",
                        {
                            "type": "string",
                            "enum": ["country", "province", "city", "county", "park"],
                        },
                    ),
                    fmt,
                ],
                "Regions",
            )
        },
        "/api/v1/summary": {
            "get": _get(
                "Totals of one region and period",
                "CO2 and CO2e (t), intensity (t CO2/万元), change vs the previous period, "
                "whether the figures are derived from the children, and target progress. "
                "404 unknown_region or no_data.",
                [region, period, gwp, fmt],
                "Summary",
            )
        },
        "/api/v1/emissions": {
            "get": _get(
                "Breakdowns by sector and/or gas",
                "Over one period, or every period with data from `period` to `to` "
                "(same kind, inclusive). `sector` narrows to one node of the sector tree: "
                "by=sector lists its children, by=gas its gases.",
                [
                    region,
                    period,
                    _param(
                        "to",
                        "last period of a range (inclusive); same kind as period",
                        {"type": "string", "pattern": PERIOD_PATTERN},
                    ),
                    _param(
                        "by",
                        "sector (CO2e per sector), gas (each gas and its share), sector,gas",
                        {
                            "type": "string",
                            "enum": ["sector", "gas", "sector,gas"],
                            "default": "sector",
                        },
                    ),
                    _param(
                        "sector",
                        "a node of the inventory sector tree, e.g. 1 or 1.1 (400 if unknown)",
                        {"type": "string", "pattern": SECTOR_PATTERN, "example": "1.1"},
                    ),
                    gwp,
                    fmt,
                ],
                "Emissions",
            )
        },
        "/api/v1/inventory": {
            "get": _get(
                "The inventory table",
                "The sector tree x six gases in gas units (HFCs, PFCs, SF6 in t CO2e); inner "
                "rows are subtotals of their leaves; null = not reported.",
                [
                    region,
                    period,
                    _param(
                        "sector",
                        "one top-level sector (one tab of the query screen)",
                        {"type": "string", "enum": list(reference.TOP_SECTORS)},
                    ),
                    fmt,
                ],
                "Inventory",
            )
        },
        "/api/v1/rankings": {
            "get": _get(
                "A region's children ranked",
                "Administrative children of `parent` ranked by a metric; those without a value "
                "rank last.",
                [
                    _param(
                        "parent",
                        f"the region whose children are ranked; default {root}",
                        {"type": "string", "pattern": REGION_PATTERN},
                    ),
                    period,
                    _param(
                        "metric",
                        "co2e, co2, intensity or intensity_change",
                        {"type": "string", "enum": list(queries.METRICS), "default": "co2e"},
                    ),
                    _param(
                        "order",
                        "desc (largest first) or asc",
                        {"type": "string", "enum": ["asc", "desc"], "default": "desc"},
                    ),
                    _param(
                        "limit",
                        "at most this many rows",
                        {"type": "integer", "minimum": 1, "maximum": 10_000},
                    ),
                    gwp,
                    fmt,
                ],
                "Rankings",
            )
        },
        "/api/v1/version": {
            "get": _get(
                "Data version",
                "The data version (moves with every accepted ingest), when it last changed, "
                "and the version the rollups were built for.",
                [fmt],
                "Version",
                errors=("BadRequest",),
            )
        },
        "/api/v1/ingest": {
            "post": {
                "summary": "Upload a batch",
                "description": "The same validation as `carbonwall ingest`: every row is "
                "accepted or none is. Send the file as the raw body with `file_name`, or as "
                "multipart form field `file`. Needs `Authorization: Bearer <admin token>`. "
                "The rollups are rebuilt by the scheduler when the data version moves.",
                "operationId": "ingest",
                "tags": ["admin"],
                "security": [{"bearer": []}],
                "parameters": [
                    _param(
                        "file_name",
                        "the file's name, kept with the batch (CSV or XLSX is detected from the "
                        "content); default: the multipart file name, else upload",
                        {"type": "string", "pattern": FILE_NAME_PATTERN, "example": "2024.csv"},
                    ),
                    _param(
                        "kind",
                        "what the file holds; detected from its columns when omitted",
                        {
                            "type": "string",
                            "enum": ["emissions", "indicators", "regions", "parks", "targets"],
                        },
                    ),
                    _param(
                        "dry_run",
                        "validate only; change nothing",
                        {"type": "boolean", "default": False},
                    ),
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/octet-stream": {
                            "schema": {"type": "string", "format": "binary"}
                        },
                        "text/csv": {"schema": {"type": "string"}},
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {"file": {"type": "string", "format": "binary"}},
                                "required": ["file"],
                            }
                        },
                    },
                },
                "responses": {
                    "200": {
                        "description": "accepted (or, with dry_run, would be accepted)",
                        "content": {
                            "application/json": {"schema": _ref("schemas", "IngestReport")}
                        },
                    },
                    "400": _ref("responses", "BadRequest"),
                    "401": _ref("responses", "Unauthorized"),
                    "405": _ref("responses", "MethodNotAllowed"),
                    "413": _ref("responses", "TooLarge"),
                    "422": {
                        "description": "rejected: nothing changed; the report lists every problem",
                        "content": {
                            "application/json": {"schema": _ref("schemas", "IngestReport")}
                        },
                    },
                    "500": _ref("responses", "InternalError"),
                    "503": _ref("responses", "Unavailable"),
                },
            }
        },
        "/api/v1/openapi.json": {
            "get": {
                "summary": "This document",
                "operationId": "openapi",
                "tags": ["meta"],
                "responses": {
                    "200": {
                        "description": "the OpenAPI document",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
        "/healthz": {
            "get": {
                "summary": "Liveness: the process answers",
                "operationId": "healthz",
                "tags": ["meta"],
                "responses": {
                    "200": {
                        "description": "up",
                        "content": {
                            "application/json": {"schema": _obj({"status": _str(enum=["ok"])})}
                        },
                    }
                },
            }
        },
        "/readyz": {
            "get": {
                "summary": "Readiness: the data pool is reachable",
                "operationId": "readyz",
                "tags": ["meta"],
                "responses": {
                    "200": {
                        "description": "ready",
                        "content": {
                            "application/json": {
                                "schema": _obj(
                                    {
                                        "status": _str(enum=["ready"]),
                                        "data_version": {"type": "integer"},
                                    }
                                )
                            }
                        },
                    },
                    "503": _ref("responses", "Unavailable"),
                },
            }
        },
    }
    paths |= _parks_paths() | _forecast_paths() | _targets_paths()
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "carbonwall data service API (数据服务接口)",
            "version": "1.0.0",
            "description": "Read the dual-carbon data pool and feed it new batches. Amounts are in "
            "tonnes (t of the gas; CO2e in t CO2e), intensity in t CO2 per 10^4 CNY (万元) of "
            "constant-price GDP, changes as fractions. Every GET answers JSON, or CSV / XLSX "
            "with format=csv|xlsx where it takes a format parameter. Every error is "
            '{"error": {"code", "message", "field"}}.',
        },
        "servers": [{"url": "/"}],
        "tags": [
            {"name": "data", "description": "read the data pool"},
            {"name": "parks", "description": "the parks' PDI evaluation"},
            {"name": "forecast", "description": "forecasts with prediction intervals"},
            {"name": "admin", "description": "feed the data pool (admin token)"},
            {"name": "meta", "description": "health and this document"},
        ],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "an admin token from CARBONWALL_ADMIN_TOKENS",
                }
            },
            "schemas": {
                "Error": error,
                "Region": _obj(
                    {
                        "code": _str(),
                        "parent_code": _str(nullable=True),
                        "level": _str(),
                        "name_zh": _str(),
                        "name_en": _str(),
                        "lon": _num("degrees east"),
                        "lat": _num("degrees north"),
                        "industry": _str(nullable=True, description="parks: main industry"),
                        "park_level": _str(nullable=True, description="parks: national/provincial"),
                    }
                ),
                "Regions": _obj(
                    {
                        "parent": _str(nullable=True),
                        "level": _str(nullable=True),
                        "count": {"type": "integer", "minimum": 0},
                        "items": {"type": "array", "items": _ref("schemas", "Region")},
                    }
                ),
                "Summary": _obj(
                    {
                        "region": region_obj,
                        **summary_fields,
                        "target": target,
                        "units": units,
                    }
                ),
                "Emissions": _obj(
                    {
                        "region": region_obj,
                        "period": _str(),
                        "to": _str(),
                        "periods": {"type": "array", "items": _str()},
                        "by": _str(enum=["sector", "gas", "sector,gas"]),
                        "sector": _str(nullable=True),
                        "gwp_set": _str(enum=list(reference.GWP_SETS)),
                        "units": units,
                        "items": {
                            "type": "array",
                            "items": {"oneOf": [sector_row, gas_row, sector_gas_row]},
                        },
                    }
                ),
                "Inventory": _obj(
                    {
                        "region": region_obj,
                        "period": _str(),
                        "derived": {"type": "boolean"},
                        "sector": _str(nullable=True),
                        "gases": {
                            "type": "array",
                            "items": _obj({"gas": _str(), "name_zh": _str(), "unit": _str()}),
                        },
                        "items": {"type": "array", "items": inventory_row},
                    }
                ),
                "Rankings": _obj(
                    {
                        "parent": region_obj,
                        "period": _str(),
                        "metric": _str(enum=list(queries.METRICS)),
                        "order": _str(enum=["asc", "desc"]),
                        "gwp_set": _str(enum=list(reference.GWP_SETS)),
                        "count": {"type": "integer", "minimum": 0},
                        "units": units,
                        "items": {"type": "array", "items": rank_row},
                    }
                ),
                "Version": _obj(
                    {
                        "version": {"type": "integer"},
                        "changed_at": _str(nullable=True, format="date-time"),
                        "rollup_version": {"type": "integer"},
                        "rollup_at": _str(nullable=True, format="date-time"),
                        "rollup_current": {"type": "boolean"},
                        "latest_period": _str(nullable=True),
                        "latest_periods": _obj(
                            {g: _str(nullable=True) for g in periods.GRAINS},
                        ),
                    }
                ),
                "IngestReport": report,
                **_parks_schemas(),
                **_forecast_schemas(),
                **_targets_schemas(),
            },
            "responses": {
                "BadRequest": err("a malformed or unknown parameter (error.field names it)"),
                "Unauthorized": err("no admin token, a wrong one, or HTTP ingest is off"),
                "NotFound": err("unknown region (unknown_region) or no data (no_data)"),
                "ParksNotFound": err(
                    "unknown province (unknown_region) or no evaluated park in the industry "
                    "(unknown_industry)"
                ),
                "ParkNotFound": err("no evaluated park with this code (unknown_park)"),
                "ForecastNotFound": err(
                    "unknown region (not_found), no yearly data (no_data) or too short a "
                    "series up to origin (no_forecast)"
                ),
                "MethodNotAllowed": err("the path exists, the method does not"),
                "TooLarge": err("the upload exceeds CARBONWALL_MAX_UPLOAD_MB; not read"),
                "InternalError": err("a bug; logged, no traceback is shown"),
                "Unavailable": err("the data pool is not reachable"),
            },
        },
    }
