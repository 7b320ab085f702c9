"""A refused sign-up says what is wrong in the GOV.UK error summary, keeps what was typed and saves
nothing: a wrong VAT number, an address that already has an account, a weak password."""

import re
from dataclasses import replace

import pytest
from playwright.sync_api import expect

from tenderbox.accounts.models import User
from tenderbox.notifications.models import Message
from tenderbox.organisations.models import Organisation
from tests.browser.steps import (
    Person,
    Supplier,
    expect_problem,
    expect_problem_links_to,
    field,
    fill_organisation,
    fill_person,
    submit,
)
from tests.conftest import make_user

pytestmark = pytest.mark.browser

SAM = Person("Sam Patel", "sam@sunrise-cleaning.example", "maple violin harbour")
SUNRISE = Supplier("Sunrise Cleaning Ltd", companies_house_number="09876543", vat_number="GB980780684")
WRONG_VAT = "That VAT number's check digits are wrong"


def sign_up(page, person: Person = SAM, org: Supplier = SUNRISE):
    page.goto("/account/sign-up")
    fill_person(page, person)
    fill_organisation(page, org)
    return submit(page, "Create account")


def assert_nothing_saved(mailoutbox, accounts_before: int = 0) -> None:
    assert User.objects.count() == accounts_before
    assert not Organisation.objects.exists()
    assert not Message.objects.exists()
    assert mailoutbox == []


def test_a_vat_number_with_wrong_check_digits_is_refused(page, mailoutbox):
    response = sign_up(page, org=replace(SUNRISE, vat_number="GB980780685"))

    assert response.status == 400
    expect_problem(page, WRONG_VAT)
    expect_problem_links_to(page, WRONG_VAT, "id_org-vat_number")
    vat = field(page, "VAT number (optional)")
    expect(vat).to_have_value("GB980780685")
    expect(page.locator(".govuk-form-group--error")).to_have_count(1)
    # Everything else typed is kept too, so only the VAT number needs another look.
    expect(field(page, "Full name")).to_have_value(SAM.name)
    expect(field(page, "Legal name of the organisation")).to_have_value(SUNRISE.name)
    expect(page.get_by_label(SUNRISE.size, exact=True)).to_be_checked()
    expect(field(page, "Region")).to_have_value("TLE")
    expect(field(page, "I am 18 or over")).to_be_checked()
    # The summary's link takes the person to the field.
    page.locator(".govuk-error-summary").get_by_role("link", name=WRONG_VAT).click()
    expect(vat).to_be_focused()
    assert_nothing_saved(mailoutbox)


def test_an_email_address_that_already_has_an_account_is_refused(page, mailoutbox):
    make_user(SAM.email, SAM.name)
    typed = "SAM@Sunrise-Cleaning.example"  # the same address, whatever its case

    response = sign_up(page, person=replace(SAM, email=typed))

    assert response.status == 400
    expect_problem(page, "An account already uses this email address")
    expect_problem_links_to(page, "An account already uses this email address", "id_email")
    expect(field(page, "Email address")).to_have_value(typed)
    expect(page.locator(".govuk-form-group--error")).to_contain_text(
        "An account already uses this email address. Sign in, or reset your password"
    )
    expect(field(page, "Legal name of the organisation")).to_have_value(SUNRISE.name)
    assert_nothing_saved(mailoutbox, accounts_before=1)


def test_a_weak_password_is_refused(page, mailoutbox):
    response = sign_up(page, person=replace(SAM, password="password123"))

    assert response.status == 400
    # One message per field (GOV.UK), the most telling first.
    expect_problem(page, "This password is too common.")
    expect_problem_links_to(page, "This password is too common.", "id_password")
    password_group = page.locator(".govuk-form-group--error")
    expect(password_group).to_contain_text("This password is too common.")
    expect(password_group).not_to_contain_text("at least 12 characters")
    # A password is never sent back to the browser: its box is empty and everything else is kept.
    expect(field(page, "Create a password")).to_have_value("")
    expect(field(page, "Full name")).to_have_value(SAM.name)
    expect(field(page, "Email address")).to_have_value(SAM.email)
    expect(field(page, "VAT number (optional)")).to_have_value(SUNRISE.vat_number)
    assert_nothing_saved(mailoutbox)


def test_the_title_says_error_when_only_the_organisation_is_refused(page):
    sign_up(page, org=replace(SUNRISE, vat_number="GB980780685"))

    expect(page).to_have_title(re.compile(r"^Error: "), timeout=1000)
