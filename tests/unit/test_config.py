"""Settings: from the environment, loud on typos, documented in the operator guide."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from dashboard.config import PREFIX, ConfigError, Settings


def test_defaults_are_the_embedded_sqlite_pool():
    s = Settings.from_env({})
    assert s.database_url == "sqlite:///instance/carbon.sqlite"
    assert s.refresh_seconds == 30
    assert s.root_region == "100000"
    assert s.host == "127.0.0.1"
    assert s.tokens == ()


def test_values_are_parsed_by_type():
    s = Settings.from_env(
        {
            "CARBONWALL_REFRESH_SECONDS": "5",
            "CARBONWALL_RUN_SCHEDULER": "false",
            "CARBONWALL_ADMIN_TOKENS": " a1 , b2 ,",
            "CARBONWALL_KIOSK_VIEWS": "340000,320000",
        }
    )
    assert s.refresh_seconds == 5
    assert s.run_scheduler is False
    assert s.tokens == ("a1", "b2")
    assert s.kiosk_view_list == ("340000", "320000")


def test_unknown_setting_is_an_error_naming_it():
    with pytest.raises(ConfigError, match="CARBONWALL_REFRESH_SECOND"):
        Settings.from_env({"CARBONWALL_REFRESH_SECOND": "5"})


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("CARBONWALL_REFRESH_SECONDS", "soon", "CARBONWALL_REFRESH_SECONDS='soon' is invalid"),
        ("CARBONWALL_REFRESH_SECONDS", "0", "at least 1"),
        ("CARBONWALL_LANG", "fr", "zh or en"),
        ("CARBONWALL_GWP_SET", "AR7", "SAR, AR4, AR5 or AR6"),
        ("CARBONWALL_ROOT_REGION", "34", "6-digit"),
        ("CARBONWALL_RUN_SCHEDULER", "maybe", "expected true/false"),
    ],
)
def test_bad_values_are_errors(key, value, message):
    with pytest.raises(ConfigError, match=message):
        Settings.from_env({key: value})


def test_operator_guide_documents_every_setting():
    guide = (Path(__file__).parents[2] / "docs" / "operator-guide.md").read_text("utf-8")
    rows = {line.split("|")[1].strip() for line in guide.splitlines() if line.startswith("| `")}
    missing = [f.name for f in fields(Settings) if f"`{PREFIX}{f.name.upper()}`" not in rows]
    assert missing == []  # each has a row in the Settings table


def test_settings_have_every_field_the_screens_read():
    from layouts.settings import ScreenSettings

    read = sorted(n for n, v in vars(ScreenSettings).items() if isinstance(v, property))
    s = Settings(kiosk_views="340000", max_upload_mb=7)
    assert [n for n in read if not hasattr(s, n)] == []
    assert {"root_region", "kiosk_view_list", "max_upload_mb", "refresh_seconds"} <= set(read)
    assert (s.root_region, s.kiosk_view_list, s.max_upload_mb) == ("100000", ("340000",), 7)
