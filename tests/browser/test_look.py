"""The pages load GOV.UK Frontend's styles and fonts. Full-page screenshots go to test-results/
(gitignored) for a person to look at."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.steps import RESULTS_DIR

pytestmark = pytest.mark.browser


PAGES = [
    ("home", "/", "Find and win public sector contracts"),
    ("sign-up", "/account/sign-up", "Create an account"),
]


@pytest.mark.parametrize(("name", "path", "heading"), PAGES, ids=[name for name, _, _ in PAGES])
def test_the_page_is_styled_as_govuk_and_is_screenshotted(page, name, path, heading):
    stylesheets = []
    page.on("response", lambda r: r.url.endswith(".css") and stylesheets.append((r.url, r.status)))

    page.goto(path, wait_until="load")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)

    assert stylesheets and all(status == 200 for _, status in stylesheets), stylesheets
    # Not a GOV.UK service: no crown header and no GDS Transport (GOV.UK Frontend's brand guidance).
    expect(page.locator(".govuk-header")).to_have_count(0)
    expect(page.locator(".govuk-service-navigation")).to_be_visible()
    expect(page.locator(".govuk-width-container").first).to_have_css("max-width", "960px")
    expect(page.get_by_role("heading", level=1)).to_have_css("font-family", re.compile(r"^arial", re.I))
    # The nonce'd inline script ran, so the strict Content-Security-Policy lets GOV.UK's script in.
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))

    RESULTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS_DIR / f"{name}.png", full_page=True)


def test_every_asset_loads_and_govuk_frontend_javascript_starts(page):
    failed = []
    page.on("response", lambda r: r.status >= 400 and failed.append((r.url, r.status)))

    page.goto("/account/sign-up", wait_until="load")

    # initAll() turns on the password box's "Show" button, hidden until the script runs.
    expect(page.get_by_role("button", name="Show password")).to_be_visible(timeout=2000)
    assert failed == []
