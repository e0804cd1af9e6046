"""The settings as the screens see them: the fields callbacks/ and layouts/ read.

dashboard.config.Settings sits above these layers (lint-imports), so they cannot import it;
they type the Settings they are handed with this Protocol, which Settings satisfies
(tests/unit/test_config.py checks every name here is a Settings field or property).
"""

from __future__ import annotations

from typing import Protocol


class ScreenSettings(Protocol):
    """The read-only part of dashboard.config.Settings the pages and callbacks use."""

    @property
    def root_region(self) -> str: ...

    @property
    def gwp_set(self) -> str: ...

    @property
    def refresh_seconds(self) -> int: ...

    @property
    def kiosk_dwell_seconds(self) -> int: ...

    @property
    def kiosk_resume_seconds(self) -> int: ...

    @property
    def kiosk_view_list(self) -> tuple[str, ...]: ...

    @property
    def max_upload_mb(self) -> int: ...

    @property
    def geo_cache_dir(self) -> str: ...
