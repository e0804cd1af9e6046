"""The one Settings object, filled from CARBONWALL_* environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PREFIX = "CARBONWALL_"


class ConfigError(ValueError):
    """A setting is unknown or its value cannot be used; the message names the variable."""


def _parse_bool(text: str) -> bool:
    low = text.strip().lower()
    if low in {"1", "true", "yes", "on"}:
        return True
    if low in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true/false, got {text!r}")


@dataclass(frozen=True)
class Settings:
    """Every tunable of carbonwall. docs/operator-guide.md documents each field (a test checks)."""

    database_url: str = "sqlite:///instance/carbon.sqlite"
    geo_cache_dir: str = "instance/geo"
    refresh_seconds: int = 30
    root_region: str = "100000"
    lang: str = "zh"
    gwp_set: str = "AR5"
    time_zone: str = "Asia/Shanghai"  # the zone of every time shown to people and in exports
    kiosk_views: str = ""
    kiosk_dwell_seconds: int = 20
    kiosk_resume_seconds: int = 60
    admin_tokens: str = ""
    secret_key: str = ""
    host: str = "127.0.0.1"
    port: int = 8050
    workers: int = 2
    max_upload_mb: int = 50
    run_scheduler: bool = True
    log_level: str = "INFO"
    view_login: bool = False
    frame_ancestors: str = "self"
    https: bool = False
    access_log: str = "-"
    max_requests: int = 2000
    proxy_hops: int = 0
    session_hours: int = 12
    trusted_origins: str = ""

    def __post_init__(self) -> None:
        if self.refresh_seconds < 1:
            raise ConfigError(
                f"{PREFIX}REFRESH_SECONDS must be at least 1, got {self.refresh_seconds}"
            )
        if self.lang not in {"zh", "en"}:
            raise ConfigError(f"{PREFIX}LANG must be zh or en, got {self.lang!r}")
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(
                f"{PREFIX}TIME_ZONE must be an IANA time zone such as Asia/Shanghai, "
                f"got {self.time_zone!r}"
            ) from exc
        if self.gwp_set not in {"SAR", "AR4", "AR5", "AR6"}:
            raise ConfigError(f"{PREFIX}GWP_SET must be SAR, AR4, AR5 or AR6, got {self.gwp_set!r}")
        frame = [w.strip("'\"").lower() for w in self.frame_ancestors.split()]
        if "none" in frame and len(frame) > 1:
            raise ConfigError(f"{PREFIX}FRAME_ANCESTORS: none cannot be combined with origins")
        if self.session_hours < 1:
            raise ConfigError(f"{PREFIX}SESSION_HOURS must be at least 1, got {self.session_hours}")
        if self.proxy_hops < 0:
            raise ConfigError(f"{PREFIX}PROXY_HOPS must be 0 (no proxy) or more")
        if self.max_requests < 0:
            raise ConfigError(f"{PREFIX}MAX_REQUESTS must be 0 (never recycle) or more")
        if not (self.root_region.isdigit() and len(self.root_region) == 6):
            raise ConfigError(
                f"{PREFIX}ROOT_REGION must be a 6-digit administrative code, "
                f"got {self.root_region!r}"
            )

    @property
    def tokens(self) -> tuple[str, ...]:
        """Admin API tokens (comma-separated); none means HTTP ingest is off."""
        return tuple(t.strip() for t in self.admin_tokens.split(",") if t.strip())

    @property
    def trusted_origin_list(self) -> tuple[str, ...]:
        """Origins (scheme://host[:port]) besides the server's own that may send writes."""
        return tuple(o.strip().rstrip("/") for o in self.trusted_origins.replace(",", " ").split())

    @property
    def kiosk_view_list(self) -> tuple[str, ...]:
        return tuple(v.strip() for v in self.kiosk_views.split(",") if v.strip())

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        known = {PREFIX + f.name.upper(): f for f in fields(cls)}
        if unknown := sorted(k for k in env if k.startswith(PREFIX) and k not in known):
            raise ConfigError(f"unknown settings {unknown}; known: {sorted(known)}")
        values: dict[str, object] = {}
        for key, field in known.items():
            if key not in env:
                continue
            default = field.default
            try:
                if isinstance(default, bool):
                    values[field.name] = _parse_bool(env[key])
                else:
                    values[field.name] = type(default)(env[key])
            except ValueError as exc:
                raise ConfigError(f"{key}={env[key]!r} is invalid: {exc}") from exc
        return cls(**values)
