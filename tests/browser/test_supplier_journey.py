"""Sam signs his cleaning company up, confirms his address, turns on two-factor sign-in and brings in
his colleague Dana, who joins from the invitation email. Everything happens in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from tenderbox.organisations.models import Membership, Organisation
from tests.browser.steps import (
    Person,
    Supplier,
    authenticator_code,
    expect_banner,
    field,
    fill_organisation,
    fill_person,
    link_in,
    sign_in,
    submit,
)

pytestmark = pytest.mark.browser

SAM = Person("Sam Patel", "sam@sunrise-cleaning.example", "maple violin harbour")
DANA = Person("Dana Okafor", "dana@sunrise-cleaning.example", "quiet copper meadow")
SUNRISE = Supplier("Sunrise Cleaning Ltd", companies_house_number="09876543", vat_number="GB980780684")


def test_sam_signs_up_turns_on_two_factor_and_brings_in_dana(new_context, live_server, mailoutbox):
    sam = new_context().new_page()

    # Sam creates an account for himself and Sunrise Cleaning from the home page.
    sam.goto("/")
    sam.get_by_role("button", name="Create an account").click()
    expect(sam).to_have_url(re.compile(r"/account/sign-up$"))
    fill_person(sam, SAM)
    fill_organisation(sam, SUNRISE)
    assert submit(sam, "Create account").status == 302
    expect(sam).to_have_url(re.compile(r"/account/check-email$"))
    expect(sam.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(sam.get_by_role("main")).to_contain_text(SAM.email)

    # He opens the link in the email we sent him, which confirms his address, and signs in.
    assert [message.to for message in mailoutbox] == [[SAM.email]]
    assert mailoutbox[0].subject == "Confirm your email address for Tenderbox"
    sam.goto(link_in(mailoutbox[0], live_server))
    expect(sam).to_have_url(re.compile(r"/account/sign-in$"))
    expect_banner(sam, "Your email address is confirmed. You can now sign in.")
    sign_in(sam, SAM.email, SAM.password)
    expect(sam).to_have_url(re.compile(r"/account/$"))
    expect(sam.get_by_role("heading", level=1)).to_have_text("Your account")
    two_factor_row = sam.locator(".govuk-summary-list__row", has_text="Two-factor sign-in")
    expect(two_factor_row.locator(".govuk-summary-list__value")).to_have_text("Off")

    # He turns on two-factor sign-in, typing the key into his authenticator app instead of scanning.
    two_factor_row.get_by_role("link", name="Set up two-factor sign-in").click()
    expect(sam.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(sam.locator(".app-qr-code svg")).to_be_visible()
    secret = sam.locator("#totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
    field(sam, "Code from your authenticator app").fill(authenticator_code(secret))
    assert submit(sam, "Turn on two-factor sign-in").status == 302
    expect(sam).to_have_url(re.compile(r"/account/two-factor/recovery-codes$"))
    expect(sam.locator(".govuk-panel")).to_contain_text("Two-factor sign-in is on")
    recovery_codes = sam.locator("#recovery-codes li")
    expect(recovery_codes).to_have_count(10)
    recovery_code = recovery_codes.first.inner_text().strip()
    sam.get_by_role("link", name="Continue to your account").click()
    expect(two_factor_row.locator(".govuk-summary-list__value")).to_have_text("On")

    # He invites Dana to Sunrise Cleaning as a bidder.
    sam.get_by_role("link", name=SUNRISE.name).click()
    expect(sam.get_by_role("heading", level=1)).to_have_text(SUNRISE.name)
    sam.get_by_role("button", name="Invite someone").click()
    field(sam, "Email address of the person to invite").fill(DANA.email)
    sam.get_by_role("group", name="Role").get_by_label("Supplier bidder", exact=True).check()
    assert submit(sam, "Send invitation").status == 302
    expect_banner(sam, f"Invitation sent to {DANA.email}.")
    expect(sam.get_by_role("main")).to_contain_text(f"{DANA.email} – Supplier bidder")

    # Dana, on her own computer, opens the invitation and creates her account with it.
    invitation = mailoutbox[-1]
    assert invitation.to == [DANA.email]
    assert invitation.subject == f"You are invited to join {SUNRISE.name} on Tenderbox"
    dana = new_context().new_page()
    dana.goto(link_in(invitation, live_server))
    expect(dana.get_by_role("heading", level=1)).to_have_text(f"Join {SUNRISE.name}")
    dana.get_by_role("button", name="Create an account").click()
    expect(dana).to_have_url(re.compile(r"/account/sign-up\?invitation="))
    expect(field(dana, "Email address")).to_have_value(DANA.email)
    expect(field(dana, "Legal name of the organisation")).to_have_count(0)  # she joins, not registers
    fill_person(dana, DANA, email=False)
    assert submit(dana, "Create account").status == 302

    # She is signed in, on Sunrise Cleaning's page, a bidder: no second email to confirm her address.
    sunrise = Organisation.objects.get(name=SUNRISE.name)
    expect(dana).to_have_url(re.compile(rf"/organisations/{sunrise.pk}/$"))
    expect_banner(dana, f"Your account is ready and you have joined {SUNRISE.name}.")
    expect(dana.locator("#members tbody tr", has_text=DANA.name)).to_contain_text("Supplier bidder")
    expect(dana.get_by_role("button", name="Invite someone")).to_have_count(0)  # only admins invite
    assert len(mailoutbox) == 2

    # Sam sees Dana among the members, and no invitation left waiting.
    sam.reload()
    expect(sam.locator("#members tbody tr")).to_have_count(2)
    expect(sam.get_by_label(f"Role of {DANA.name}")).to_have_value("bidder")
    expect(sam.get_by_label(f"Role of {SAM.name}")).to_have_value("admin")
    expect(sam.get_by_role("heading", name="Invitations waiting")).to_have_count(0)
    assert sorted(Membership.objects.filter(organisation=sunrise).values_list("user__email", "role")) == [
        (DANA.email, "bidder"),
        (SAM.email, "admin"),
    ]

    # Signing in on another device now asks Sam for a second factor; a recovery code will do.
    laptop = new_context().new_page()
    sign_in(laptop, SAM.email, SAM.password)
    expect(laptop).to_have_url(re.compile(r"/account/sign-in/two-factor$"))
    field(laptop, "Security code").fill(recovery_code)
    assert submit(laptop, "Continue").status == 302
    expect(laptop).to_have_url(re.compile(r"/account/$"))
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Your account")
