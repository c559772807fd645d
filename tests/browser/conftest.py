"""A real Chromium, driven by Playwright, for tests of the dashboard.

Chromium comes from Debian's ``chromium`` package (``make test`` installs it);
Playwright's own browser downloads are never used. Without it the tests are
skipped, with the reason, unless ``PHONEGEN_E2E_REQUIRED=1`` makes that a
failure, as for the other e2e services.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path(os.environ.get("PHONEGEN_CHROMIUM", "/usr/bin/chromium"))

# Headless as root without a display, and silent: no sandbox (root), no GPU,
# and none of the background requests (updates, sync, QUIC probes) a desktop
# browser makes. Every host name but 127.0.0.1 fails to resolve, so a page
# that reached for a CDN would show it.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def _missing(reason: str) -> None:
    if os.environ.get("PHONEGEN_E2E_REQUIRED") == "1":
        pytest.fail(f"{reason} (PHONEGEN_E2E_REQUIRED=1)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> Iterator:
    """A headless Chromium browser (Playwright's sync API).

    Module-scoped: the sync API keeps its own event loop running in the main
    thread until it stops, and the asyncio tests that run later need it gone.
    """
    if not CHROMIUM.is_file():
        _missing(f"{CHROMIUM} not found; `apt-get install chromium` provides it")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed (requirements.txt)")

    with sync_playwright() as playwright:
        # Playwright starts it with a fresh temporary profile of its own.
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class OutsideRequests(list):
    """URLs the page asked for on any host but 127.0.0.1."""

    def watch(self, request) -> None:
        local = urlsplit(request.url).hostname in {"127.0.0.1", None}
        if not local and not request.url.startswith(("data:", "blob:", "about:")):
            self.append(request.url)


@pytest.fixture
def page(chromium, tmp_path: Path) -> Iterator:
    """A page of a new browser context (its own cookies), with downloads on;
    the test fails if the page sent any request off this machine."""
    context = chromium.new_context(
        accept_downloads=True, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    outside = OutsideRequests()
    context.on("request", outside.watch)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert outside == [], f"the dashboard reached outside 127.0.0.1: {outside}"
    assert errors == [], f"script errors on the page: {errors}"
