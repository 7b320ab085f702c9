"""What a person does in the browser, in their words: fill the sign-up form, follow an emailed link,
read a code from an authenticator app. Shared by the browser tests."""

import base64
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django_otp.oath import totp
from playwright.sync_api import Page, Response, expect

RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"  # screenshots; gitignored


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    password: str


@dataclass(frozen=True)
class Supplier:
    name: str
    companies_house_number: str = ""
    vat_number: str = ""
    size: str = "Micro (fewer than 10 staff)"
    address_line_1: str = "2 Park Row"
    town: str = "Leeds"
    postcode: str = "LS1 5HD"
    region: str = "TLE"  # Yorkshire and The Humber


def field(page: Page, label: str):
    """The form control with exactly this label ("Email address" is not "Organisation contact email")."""
    return page.get_by_label(label, exact=True)


def fill_person(page: Page, person: Person, *, email: bool = True) -> None:
    field(page, "Full name").fill(person.name)
    if email:
        field(page, "Email address").fill(person.email)
    field(page, "Create a password").fill(person.password)
    field(page, "I am 18 or over").check()


def fill_organisation(page: Page, org: Supplier) -> None:
    field(page, "Legal name of the organisation").fill(org.name)
    field(page, "Companies House number (optional)").fill(org.companies_house_number)
    field(page, "VAT number (optional)").fill(org.vat_number)
    page.get_by_role("group", name="Size of the organisation").get_by_label(org.size, exact=True).check()
    field(page, "Address line 1").fill(org.address_line_1)
    field(page, "Town or city").fill(org.town)
    field(page, "Postcode").fill(org.postcode)
    field(page, "Region").select_option(org.region)


def submit(page: Page, button: str) -> Response:
    """Press a form's button; returns the server's answer to the POST (before any redirect is followed)."""
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name=button, exact=True).click()
    return posted.value


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/account/sign-in")
    field(page, "Email address").fill(email)
    field(page, "Password").fill(password)
    submit(page, "Sign in")


def pass_two_factor(page: Page, code: str) -> None:
    """At the second step of signing in, type the code the authenticator app shows (or a recovery code)."""
    expect(page).to_have_url(re.compile(r"/account/sign-in/two-factor$"))
    field(page, "Security code").fill(code)
    assert submit(page, "Continue").status == 302


def link_in(message, live_server) -> str:
    """The link in an email, pointed at the live server instead of settings.SITE_URL."""
    match = re.search(re.escape(settings.SITE_URL) + r"(/\S+)", message.body)
    assert match, f"No link to {settings.SITE_URL} in:\n{message.body}"
    return live_server.url + match.group(1)


def authenticator_code(secret: str) -> str:
    """What an authenticator app shows now for the base32 key typed in from the set-up page."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


def expect_problem(page: Page, *messages: str, title: bool = True) -> None:
    """The GOV.UK error summary is shown, listing each message, and the page's title starts "Error: "
    so a screen reader says so first."""
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    for message in messages:
        expect(summary.get_by_role("listitem").filter(has_text=message)).to_be_visible()
    if title:
        expect(page).to_have_title(re.compile(r"^Error: "))


def expect_banner(page: Page, text: str) -> None:
    expect(page.locator(".govuk-notification-banner")).to_contain_text(text)


def expect_problem_links_to(page: Page, message: str, control_id: str) -> None:
    """The error summary's message is a link to the refused field."""
    link = page.locator(".govuk-error-summary").get_by_role("link", name=message)
    expect(link).to_have_attribute("href", f"#{control_id}")
    expect(page.locator(f"#{control_id}")).to_be_visible()
