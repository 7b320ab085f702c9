"""Every page works without JavaScript: GOV.UK Frontend only enhances plain HTML forms."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.steps import expect_problem, field, sign_in, submit
from tests.conftest import PASSWORD, current_code

pytestmark = pytest.mark.browser


@pytest.fixture
def page(new_context):
    return new_context(java_script_enabled=False).new_page()


def expect_no_javascript(page):
    # The layout's nonce'd inline script marks <body> when scripts run; here none may.
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))


def test_a_supplier_signs_in_without_javascript(page, alice):
    sign_in(page, alice.email, PASSWORD)

    expect(page).to_have_url(re.compile(r"/account/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_role("main")).to_contain_text(alice.full_name)
    expect_no_javascript(page)


def test_a_buyer_passes_two_factor_sign_in_without_javascript(page, helen):
    sign_in(page, helen.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/account/sign-in/two-factor$"))
    field(page, "Security code").fill(current_code())
    assert submit(page, "Continue").status == 302

    expect(page).to_have_url(re.compile(r"/account/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect_no_javascript(page)


def test_a_refused_sign_in_shows_the_error_summary_without_javascript(page, alice):
    sign_in(page, alice.email, "not my password at all")

    expect_problem(page, "Enter the email address and password of your account")
    expect(field(page, "Email address")).to_have_value(alice.email)
    expect_no_javascript(page)
