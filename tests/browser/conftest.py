"""Browser tests: Debian's Chromium, headless, and nothing that reaches the network."""

from __future__ import annotations

import os

from selenium.webdriver.chrome.options import Options

os.environ.setdefault("DASH_TEST_CHROMEPATH", "/usr/bin/chromium")


def pytest_setup_options():
    options = Options()
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-dev-shm-usage",
    ):
        options.add_argument(arg)
    options.binary_location = os.environ["DASH_TEST_CHROMEPATH"]
    return options
