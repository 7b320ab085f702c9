"""Browser fixtures: one headless Debian chromium per session (per pytest-xdist worker: `make
test-browser` runs one a core), a fresh context (cookies, storage) per test.

Playwright is never asked to download a browser; it drives /usr/bin/chromium (`apt-get install chromium`),
or the one CHROMIUM names. Pages run against pytest-django's `live_server`, which is transactional, so
on-commit work really runs: Huey is immediate under test, so emails land in `mailoutbox` before the
response that caused them reaches the browser.
"""

import contextlib
import os
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.browser.steps import RESULTS_DIR

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000

expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"No chromium at {CHROMIUM}: install Debian's (apt-get install chromium) or set CHROMIUM."
        )
    # Playwright's sync API keeps an event loop in this thread; Django would otherwise refuse ORM calls
    # made from the test (to build personas or check what was saved) as if they came from async code.
    # Set only while the browser runs, so the rest of the suite keeps Django's check.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser, live_server, request):
    """Make browser contexts (each its own person: own cookies) aimed at the live server.

    On a failure each page of each context is saved to test-results/ for a look afterwards.
    """
    contexts: list[BrowserContext] = []

    def make(**options) -> BrowserContext:
        options = {"base_url": live_server.url, "locale": "en-GB", "timezone_id": "Europe/London", **options}
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    report = getattr(request.node, "rep_call", None)
    for n, context in enumerate(contexts):
        if report is not None and report.failed:
            RESULTS_DIR.mkdir(exist_ok=True)
            name = re.sub(r"\W+", "-", request.node.name)
            for m, page in enumerate(context.pages):
                with contextlib.suppress(Exception):  # a crashed page must not hide the real failure
                    page.screenshot(path=RESULTS_DIR / f"failed-{name}-{n}-{m}.png", full_page=True)
        context.close()


@pytest.fixture
def page(new_context) -> Page:
    return new_context().new_page()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
