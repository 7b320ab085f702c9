"""Alice downloads her data (ready at once: she re-entered her password); Robin asks for it on her
behalf and Pat, the privacy officer, checks his authority; Alice asks for erasure, Pat runs it, and
Alice reads what was erased and what is kept (her tender, under the Procurement Act floor). Everything
happens in a real browser."""

import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from tenderbox.privacy.models import IdentityEvidence, SubjectRequest
from tests.browser.steps import field, link_in, pass_two_factor, sign_in, submit
from tests.conftest import PASSWORD, PDF, TOTP_HEX, current_code, make_user, submit_tender

pytestmark = pytest.mark.browser


@pytest.fixture
def pat(db):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user("pat@tenderbox.example", "Pat Officer", is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=user, name="Phone", key=TOTP_HEX, confirmed=True)
    return user


def officer_opens(page, reference: str) -> None:
    page.goto("/privacy/officer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Data requests")
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Request {reference}")


def test_download_a_representatives_check_and_an_erasure_with_its_statement(
    new_context, live_server, mailoutbox, procurement, acme, alice, pat
):
    submit_tender(procurement, acme, alice)  # a tender the s.98 floor keeps
    alice_page = new_context().new_page()
    pat_page = new_context().new_page()
    robin = new_context().new_page()

    # Alice asks for a copy of her data from Your data, entering her password again.
    sign_in(alice_page, alice.email, PASSWORD)
    alice_page.get_by_role("link", name="Your data").click()
    expect(alice_page.get_by_role("heading", level=1)).to_have_text("Your data")
    alice_page.get_by_label("A copy of your data (access)").check()
    field(alice_page, "Your password").fill(PASSWORD)
    assert submit(alice_page, "Send request").status == 302
    access = SubjectRequest.objects.get(kind="access")
    expect(alice_page.get_by_role("heading", level=1)).to_have_text(f"Request {access.reference}")
    expect(alice_page.locator(".govuk-notification-banner")).to_contain_text("Your data is ready")
    expect(alice_page.get_by_role("main")).to_contain_text("The link works once")

    # She downloads it once from the emailed link; a second use is refused.
    ready = next(m for m in mailoutbox if m.subject == f"Your data is ready ({access.reference})")
    alice_page.goto(link_in(ready, live_server))
    with alice_page.expect_download() as download:
        alice_page.get_by_role("button", name="Download your data").click()
    archive = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes()))
    data = json.loads(archive.read("data.json"))
    assert data["records"]["accounts.User"][0]["fields"]["email"] == alice.email
    assert "summary.html" in archive.namelist()
    alice_page.goto(link_in(ready, live_server))
    alice_page.get_by_role("button", name="Download your data").click()
    expect(alice_page.get_by_role("main")).to_contain_text("This download link has already been used")

    # Robin asks for Alice's data on her behalf, with her signed authority, and confirms his address.
    robin.goto("/privacy/request")
    robin.get_by_label("A copy of your data (access)").check()
    field(robin, "Full name of the person the data is about").fill("Alice Green")
    field(robin, "Their email address").fill(alice.email)
    robin.get_by_label("No, I am acting for them").check()
    field(robin, "Your name (if you act for them)").fill("Robin Agent")
    field(robin, "Your email address (if you act for them)").fill("robin@agents.example")
    field(robin, "Your authority to act for them (if you act for them)").set_input_files(
        files=[{"name": "authority.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    assert submit(robin, "Send request").status == 200
    expect(robin.get_by_role("heading", level=1)).to_have_text("Check your email")
    confirm = next(m for m in mailoutbox if m.to == ["robin@agents.example"])
    robin.goto(link_in(confirm, live_server))
    expect(robin.get_by_role("heading", level=1)).to_contain_text("Email address confirmed")

    # Pat sees it waiting, with the clock stopped, checks the authority and records the check.
    on_behalf = SubjectRequest.objects.get(representative_email="robin@agents.example")
    sign_in(pat_page, pat.email, PASSWORD)
    pass_two_factor(pat_page, current_code())
    pat_page.goto("/privacy/officer/")
    row = pat_page.get_by_role("row").filter(has_text=on_behalf.reference)
    expect(row).to_contain_text("Paused: Waiting for proof of identity or authority")
    officer_opens(pat_page, on_behalf.reference)
    expect(
        pat_page.get_by_role("link", name="Authority to act for the person: authority.pdf")
    ).to_be_visible()
    field(pat_page, "What you checked (never a document's number)").fill(
        "Signed letter; called Alice to confirm"
    )
    assert submit(pat_page, "Identity checked").status == 302
    expect(pat_page.get_by_role("main")).to_contain_text("Email address proved and identity checked")
    assert IdentityEvidence.objects.count() == 0
    on_behalf.refresh_from_db()
    assert (on_behalf.status, on_behalf.user) == ("in_progress", alice)

    # Alice asks for erasure; Pat runs it.
    alice_page.goto("/privacy/your-data")
    alice_page.get_by_label("Erase your data (erasure)").check()
    field(alice_page, "Your password").fill(PASSWORD)
    submit(alice_page, "Send request")
    erasure = SubjectRequest.objects.get(kind="erasure")
    officer_opens(pat_page, erasure.reference)
    assert submit(pat_page, "Erase now").status == 302

    # Erasure signed her out everywhere; her account is kept (restricted) for her tender, so she can
    # sign in and read exactly what was erased and what is kept, why and until when.
    sign_in(alice_page, alice.email, PASSWORD)
    alice_page.goto("/privacy/your-data")
    expect(alice_page.get_by_role("main")).to_contain_text("The use of your data is restricted")
    alice_page.get_by_role("link", name=erasure.reference).click()
    outcome = alice_page.locator("#outcome")
    expect(outcome).to_contain_text("so it is restricted")
    expect(outcome).to_contain_text("Erased:")
    expect(outcome).to_contain_text(
        re.compile(r"Kept:.*Response records \(1\): a tender you submitted", re.S)
    )
    expect(outcome).to_contain_text("Procurement Act 2023 s.98")
    expect(alice_page.get_by_role("main")).to_contain_text("Who we told")
