"""The cookie jar, read from a real browser before and after each cookie choice: nothing but strictly
necessary cookies until the person chooses, and the analytics cookie only after they accept."""

import json
import re
import time
from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from tenderbox.analytics.models import DailyVisitors, PageView

pytestmark = pytest.mark.browser

ONE_YEAR = 365 * 24 * 60 * 60


def jar(context: BrowserContext) -> dict[str, dict]:
    return {cookie["name"]: cookie for cookie in context.cookies()}


def policy(cookie: dict) -> dict:
    """The choice in `cookies_policy`, as the server reads it (the browser keeps it quoted)."""
    parsed = SimpleCookie()
    parsed.load(f"{cookie['name']}={cookie['value']}")
    return json.loads(parsed[cookie["name"]].value)


def press(page: Page, button: str) -> int:
    """Press a button; returns the status of the POST it sends."""
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name=button, exact=True).click()
    return posted.value.status


def cookie_banner(page: Page):
    return page.get_by_role("region", name="Cookies on Tenderbox")


def expect_kept_for_a_year(cookie: dict) -> None:
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (True, "Lax", "/")
    assert abs(cookie["expires"] - (time.time() + ONE_YEAR)) < 120


def counted() -> list[tuple[str, int]]:
    today = timezone.localdate()
    return list(PageView.objects.filter(day=today).order_by("path").values_list("path", "views"))


def visitors() -> int:
    today = DailyVisitors.objects.filter(day=timezone.localdate()).first()
    return today.visitors if today else 0


@pytest.fixture
def no_js_page(new_context) -> Page:
    return new_context(java_script_enabled=False).new_page()


def test_a_visitor_rejects_analytics_without_javascript_and_only_the_choice_is_kept(no_js_page):
    page, context = no_js_page, no_js_page.context

    page.goto("/opportunities/?q=parks")
    assert context.cookies() == []  # before any choice: not even a strictly necessary one
    banner = cookie_banner(page)
    expect(banner.get_by_role("button", name="Accept analytics cookies")).to_have_class("govuk-button")
    expect(banner.get_by_role("button", name="Reject analytics cookies")).to_have_class("govuk-button")

    assert press(page, "Reject analytics cookies") == 302

    expect(page).to_have_url(re.compile(r"/opportunities/\?q=parks$"))
    expect(banner).to_have_text(
        re.compile(r"You’ve rejected analytics cookies\.\s+You can change your cookie settings at any time\.")
    )
    change = banner.get_by_role("link", name="change your cookie settings")
    expect(change).to_have_attribute("href", "/cookies")
    cookies = jar(context)
    assert list(cookies) == ["cookies_policy"]
    assert policy(cookies["cookies_policy"]) == {"analytics": False, "version": 1}
    expect_kept_for_a_year(cookies["cookies_policy"])

    page.goto("/privacy")
    expect(cookie_banner(page)).to_have_count(0)
    assert list(jar(context)) == ["cookies_policy"]
    assert (counted(), visitors()) == ([], 0)


def test_a_visitor_accepts_analytics_then_changes_their_mind_on_the_cookies_page(page):
    context = page.context

    page.goto("/")
    assert context.cookies() == []

    assert press(page, "Accept analytics cookies") == 302

    # The redirect back to the page is the first page view after accepting: it is counted.
    expect(cookie_banner(page)).to_contain_text("You’ve accepted analytics cookies.")
    cookies = jar(context)
    assert sorted(cookies) == ["cookies_policy", "tb_analytics"]
    assert policy(cookies["cookies_policy"]) == {"analytics": True, "version": 1}
    assert cookies["tb_analytics"]["value"] == timezone.localdate().isoformat()
    expect_kept_for_a_year(cookies["tb_analytics"])
    assert (counted(), visitors()) == ([("/", 1)], 1)

    page.goto("/opportunities/?q=schools")
    expect(cookie_banner(page)).to_have_count(0)
    assert (counted(), visitors()) == ([("/", 1), ("/opportunities/", 1)], 1)

    page.goto("/cookies")
    expect(page.get_by_label("Yes", exact=True)).to_be_checked()
    page.get_by_label("No", exact=True).check()
    assert press(page, "Save cookie settings") == 302

    expect(page).to_have_url(re.compile(r"/cookies$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You’ve set your cookie preferences.")
    expect(page.get_by_label("No", exact=True)).to_be_checked()
    cookies = jar(context)
    assert sorted(cookies) == sorted(["cookies_policy", settings.CSRF_COOKIE_NAME])  # the page's form
    assert policy(cookies["cookies_policy"]) == {"analytics": False, "version": 1}

    page.goto("/privacy")
    assert "tb_analytics" not in jar(context)
    assert (counted(), visitors()) == ([("/", 1), ("/cookies", 1), ("/opportunities/", 1)], 1)
