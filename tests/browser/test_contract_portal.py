"""The contract portal through the pages, as the people involved would use it.

Fiona runs Crown Purchasing Service, a central purchasing body. She sets up a facilities framework let
elsewhere, with two lots (grounds by further competition only; cleaning by further competition or
direct award), open to local authorities, makes it live and imports its appointed suppliers: her first
file has mistakes, every one is listed and nothing is saved; her second is right. She suspends
Brightside for lapsed insurance.

Ian at Northshire County Council (a local authority, so eligible) runs a further competition on lot 1
from the framework's page, completing the draft on the usual procurement pages. Only Acme is invited:
Carol (Brightside, suspended) and Dev (Delta, lot 2 only) find no door to it. Alice tenders for Acme;
after the deadline Helen and Ian open the tenders, Helen evaluates, Ian moderates and awards, and after
standstill enters into the call-off contract. Sam at Southvale Academy Trust (an education body, not
described by the framework) is refused with the reason. Helen then direct-awards a cleaning call-off
on lot 2 to Delta, with her justification.

Each stage is a function taking the `Story` so far; later stages (spend by MI return, KPIs) are
appended in the test, where it says so. The clock moves with time-machine as in test_open_procedure.py.
"""

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from tenderbox.contracts.models import Contract
from tenderbox.frameworks.models import Appointment, Framework
from tenderbox.tenders.models import Procurement
from tests.browser.steps import (
    expect_banner,
    expect_problem,
    field,
    link_in,
    pass_two_factor,
    sign_in,
    submit,
)
from tests.conftest import PASSWORD, PDF, current_code

pytestmark = pytest.mark.browser

CROWN = "Crown Purchasing Service"
NORTHSHIRE = "Northshire County Council"
SOUTHVALE = "Southvale Academy Trust"
ACME = "Acme Facilities Ltd"
BRIGHTSIDE = "Brightside Cleaning Ltd"
DELTA = "Delta Services Ltd"

FRAMEWORK = "Facilities management"
LOTS = {
    1: ("Grounds maintenance", "77310000-6", "1000000", "Further competition only", ""),
    2: (
        "Cleaning",
        "90910000-9",
        "500000",
        "Further competition or direct award",
        "The supplier ranked first on price for the region at appointment.",
    ),
}
BAD_CSV = "lot,companies_house_number\n1,04112233\n3,SC412345\n1,NOT A NUMBER\n2,99999999\n"
GOOD_CSV = "lot,companies_house_number\n1,04112233\n1,SC412345\n2,07654321\n"
SUSPENSION = "Public liability insurance lapsed on 30 November."

COMPETITION = "Grounds maintenance for Northshire parks"
QUALITY = "Approach to delivery"
CLEANING = "Cleaning of Northshire libraries"
JUSTIFICATION = "Delta ranked first on price for Yorkshire and The Humber at appointment."


@dataclass
class Story:
    """What the stages share: who is who, and what has been made so far."""

    new_context: object
    cast: dict
    mailoutbox: list
    live_server: object
    framework: Framework | None = None
    competition: Procurement | None = None
    call_off: Contract | None = None
    direct_award: Contract | None = None
    pages: dict = dataclass_field(default_factory=dict)


@pytest.fixture
def cast(fiona, crown, helen, ian, northshire, sam, southvale, alice, acme, carol, brightside, dev, delta):
    return {
        "fiona": fiona,
        "helen": helen,
        "ian": ian,
        "sam": sam,
        "alice": alice,
        "carol": carol,
        "dev": dev,
        CROWN: crown,
        NORTHSHIRE: northshire,
        SOUTHVALE: southvale,
        ACME: acme,
        BRIGHTSIDE: brightside,
        DELTA: delta,
    }


def signed_in(story: Story, who: str) -> Page:
    """The person signs in in a browser of their own; authority staff also type their authenticator
    code (by the moved clock, which is the server's too)."""
    user = story.cast[who]
    page = story.new_context().new_page()
    sign_in(page, user.email, PASSWORD)
    if user.totpdevice_set.exists():
        pass_two_factor(page, current_code())
    expect(page).to_have_url(re.compile(r"/account/$"))
    story.pages[who] = page
    return page


def nav(page: Page, name: str) -> None:
    page.get_by_role("navigation").get_by_role("link", name=name, exact=True).click()


def summary_value(page: Page, key: str):
    """The value beside a key in a GOV.UK summary list, the whole key matching ("Value", not "Max value")."""
    key_cell = page.locator("dt", has_text=re.compile(rf"^\s*{re.escape(key)}\s*$"))
    return page.locator(".govuk-summary-list__row", has=key_cell).locator("dd").first


def csv_file(text: str, name: str) -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode()}


# Stages ---------------------------------------------------------------------------------------
def fiona_sets_up_the_framework(story: Story) -> None:
    fiona = signed_in(story, "fiona")
    nav(fiona, "Frameworks")
    fiona.get_by_role("link", name="Frameworks you run").click()
    fiona.get_by_role("button", name=f"Set up a framework for {CROWN}").click()
    today = timezone.localdate()
    field(fiona, "Title").fill(FRAMEWORK)
    field(fiona, "What the framework covers").fill("Grounds maintenance and cleaning for public buildings.")
    field(fiona, "Start of the term").fill(f"{today:%Y-%m-%d}")
    field(fiona, "End of the term").fill(f"{today + timedelta(days=730):%Y-%m-%d}")
    field(fiona, "Latest end with extensions").fill(f"{today + timedelta(days=1095):%Y-%m-%d}")
    field(fiona, "Fee (levy) on declared spend, percent").fill("1.5")
    field(fiona, "Notice reference, if let outside Tenderbox").fill("FTS-2026-001234")
    assert submit(fiona, "Save draft").status == 302
    framework = Framework.objects.get(title=FRAMEWORK)
    expect(fiona).to_have_url(re.compile(rf"/managing/frameworks/{framework.pk}/$"))
    expect_banner(fiona, f"Draft {framework.reference} saved.")
    expect(summary_value(fiona, "Status")).to_have_text("Draft")

    for title, cpv, maximum, method, criteria in LOTS.values():
        fiona.get_by_role("link", name="Add a lot").click()
        field(fiona, "Lot title").fill(title)
        field(fiona, "What may be bought under the lot").fill(f"{title} for public buildings.")
        field(fiona, "Main CPV code").fill(cpv)
        field(fiona, "Maximum total value of call-offs excluding VAT (£)").fill(maximum)
        fiona.get_by_role("group", name="How call-offs are awarded").get_by_label(method, exact=True).check()
        field(fiona, "Direct-award criteria").fill(criteria)
        assert submit(fiona, "Add lot").status == 302
        expect_banner(fiona, f"{title} added as lot")

    fiona.get_by_role("link", name="Say who may use the framework").click()
    fiona.get_by_role("group", name="Kinds of authority allowed to use it").get_by_label(
        "Local authority", exact=True
    ).check()
    assert submit(fiona, "Save").status == 302
    expect(summary_value(fiona, "Who may use it")).to_have_text("Local authority")
    expect(fiona.locator("#lot-1")).to_have_text("Lot 1: Grounds maintenance")
    expect(fiona.locator("#lot-2")).to_have_text("Lot 2: Cleaning")

    assert submit(fiona, "Make the framework live").status == 302
    expect_banner(fiona, f"{framework.reference} is live.")
    expect(summary_value(fiona, "Status")).to_have_text("Live")
    story.framework = framework


def fiona_appoints_the_suppliers(story: Story) -> None:
    fiona = story.pages["fiona"]
    manage_url = fiona.url

    # Her first file has a lot that does not exist, a mistyped number and a company not on Tenderbox:
    # every row's problem is listed, and nothing of the file is saved.
    fiona.get_by_role("link", name="Import appointed suppliers").click()
    field(fiona, "Appointed suppliers (CSV)").set_input_files(csv_file(BAD_CSV, "appointed.csv"))
    field(fiona, "Where the appointments come from").fill("Award notice FTS-2026-001234")
    assert submit(fiona, "Import").status == 400
    expect_problem(fiona, "The file was not imported: 3 problems found. Nothing was saved.")
    problems = fiona.locator("#import-problems tbody tr")
    expect(problems).to_have_count(3)
    expect(problems.nth(0).locator("td")).to_have_text(["3", "lot", "There is no lot “3” in this framework."])
    expect(problems.nth(1).locator("td")).to_have_text(
        ["4", "companies_house_number", "“NOT A NUMBER” is not a Companies House number."]
    )
    expect(problems.nth(2).locator("td")).to_have_text(
        ["5", "companies_house_number", "No supplier with number 99999999 is registered on Tenderbox."]
    )
    assert not Appointment.objects.filter(lot__framework=story.framework).exists()

    # She corrects it and imports again: the file must be chosen again, the reason is kept.
    expect(field(fiona, "Where the appointments come from")).to_have_value("Award notice FTS-2026-001234")
    field(fiona, "Appointed suppliers (CSV)").set_input_files(csv_file(GOOD_CSV, "appointed.csv"))
    assert submit(fiona, "Import").status == 302
    expect(fiona).to_have_url(manage_url)
    expect_banner(fiona, "3 suppliers appointed.")
    for number, suppliers in ((1, [ACME, BRIGHTSIDE]), (2, [DELTA])):
        rows = fiona.get_by_role("table", name=f"Appointed suppliers on lot {number}").locator("tbody tr")
        expect(rows.locator("td:first-child")).to_have_text(suppliers)

    # Brightside's insurance has lapsed: she suspends it from lot 1, saying why.
    fiona.get_by_role("link", name=f"Suspend {BRIGHTSIDE} on lot 1").click()
    expect(fiona.get_by_role("heading", level=1)).to_have_text(f"Suspend {BRIGHTSIDE} on lot 1")
    field(fiona, "Reason").fill(SUSPENSION)
    assert submit(fiona, "Suspend").status == 302
    expect_banner(fiona, f"{BRIGHTSIDE} is suspended from lot 1.")
    row = fiona.get_by_role("table", name="Appointed suppliers on lot 1").locator("tr", has_text=BRIGHTSIDE)
    expect(row).to_contain_text("Suspended")
    expect(row).to_contain_text(SUSPENSION)
    suspended = [
        m
        for m in story.mailoutbox
        if m.subject == f"You have been suspended from {story.framework.reference}"
    ]
    assert [m.to for m in suspended] == [["carol@brightside.example"]]


def ian_runs_a_further_competition(story: Story) -> None:
    ian = signed_in(story, "ian")
    nav(ian, "Frameworks")
    ian.get_by_role("link", name=FRAMEWORK).click()
    expect(ian.get_by_role("heading", level=1)).to_have_text(FRAMEWORK)
    # Lot 1 allows only further competition; lot 2 both routes.
    expect(ian.get_by_role("link", name=re.compile("^Direct award on lot 1"))).to_have_count(0)
    ian.get_by_role("link", name=f"Start a further competition on lot 1 for {NORTHSHIRE}").click()
    field(ian, "Title").fill(COMPETITION)
    field(ian, "What you are buying").fill("Mowing and tree care for 12 parks.")
    field(ian, "Estimated value excluding VAT (£)").fill("150000")
    field(ian, "VAT on the estimated value (£)").fill("30000")
    assert submit(ian, "Save draft").status == 302
    procurement = Procurement.objects.get(title=COMPETITION)
    expect(ian).to_have_url(re.compile(rf"/buying/{procurement.pk}/$"))
    expect_banner(ian, f"Draft {procurement.reference} saved: add the timetable, criteria and documents.")
    expect(summary_value(ian, "Procedure")).to_have_text("Further competition under a framework")

    # The timetable: 12 days for tenders, above the framework's 10-day minimum.
    now = timezone.localtime()
    ian.get_by_role("link", name="Change the details and timetable").click()
    field(ian, "Deadline for questions").fill(f"{now + timedelta(days=7):%Y-%m-%dT12:00}")
    field(ian, "Deadline for tenders").fill(f"{now + timedelta(days=12):%Y-%m-%dT12:00}")
    field(ian, "Expected award date").fill(f"{now + timedelta(days=20):%Y-%m-%d}")
    field(ian, "Contract start date").fill(f"{now + timedelta(days=40):%Y-%m-%d}")
    field(ian, "Contract end date").fill(f"{now + timedelta(days=40 + 364):%Y-%m-%d}")
    assert submit(ian, "Save").status == 302
    for kind, name, weight in (("Quality", QUALITY, "60"), ("Price", "Price", "40")):
        ian.get_by_role("link", name="Add an award criterion").click()
        ian.get_by_role("group", name="Kind of criterion").get_by_label(kind, exact=True).check()
        field(ian, "Criterion").fill(name)
        field(ian, "Weight (%)").fill(weight)
        assert submit(ian, "Add criterion").status == 302
    assert submit(ian, "Add the standard exclusion declarations").status == 302
    ian.get_by_role("link", name="Add a document").click()
    field(ian, "Document title").fill("Call-off specification")
    field(ian, "File").set_input_files(
        {"name": "specification.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    assert submit(ian, "Upload").status == 302
    expect(ian.locator("#publication-problems")).to_have_count(0)

    assert submit(ian, "Publish and invite the lot's suppliers").status == 302
    expect_banner(ian, f"{procurement.reference} is published and open for tenders.")
    # Only the lot's active supplier is invited: not suspended Brightside, not Delta of lot 2.
    invitations = [
        m
        for m in story.mailoutbox
        if m.subject == f"Invitation to a further competition: {procurement.reference}"
    ]
    assert [m.to for m in invitations] == [["alice@acme.example"]]
    story.competition = procurement


def the_uninvited_find_no_door(story: Story) -> None:
    """Carol (suspended) and Dev (lot 2 only) get 404 for the opportunity and for responding."""
    reference = story.competition.reference
    for who, supplier in (("carol", BRIGHTSIDE), ("dev", DELTA)):
        page = signed_in(story, who)
        assert page.goto(f"/opportunities/{reference}/").status == 404
        assert page.goto(f"/opportunities/{reference}/respond/{story.cast[supplier].pk}").status == 404
        nav(page, "Find opportunities")
        expect(page.get_by_role("main")).not_to_contain_text(COMPETITION)


def alice_tenders(story: Story) -> None:
    alice = signed_in(story, "alice")
    (invitation,) = [m for m in story.mailoutbox if m.to == ["alice@acme.example"]]
    alice.goto(link_in(invitation, story.live_server))
    expect(alice.get_by_role("heading", level=1)).to_have_text(COMPETITION)
    alice.get_by_role("link", name="Your tender").click()
    assert submit(alice, "Start your response").status == 302
    field(alice, "Your price excluding VAT (£)").fill("140000")
    yes = alice.get_by_role("radio", name="Yes", exact=True)
    expect(yes).to_have_count(3)
    for answer in yes.all():
        answer.check()
    field(alice, QUALITY).fill("Acme's year-round crews, led from the Northallerton depot.")
    field(alice, "We declare that this response is true and complete").check()
    assert submit(alice, "Submit tender").status == 302
    expect(alice.locator(".govuk-panel")).to_contain_text("Tender received")


def buyers_open_evaluate_and_award(story: Story) -> None:
    procurement = story.competition
    helen = signed_in(story, "helen")
    helen.goto(f"/buying/{procurement.pk}/")
    helen.get_by_role("link", name="Open the tenders").click()
    assert submit(helen, "Approve opening").status == 302
    expect_banner(helen, "A second buyer must approve to open the tenders.")

    ian = signed_in(story, "ian")
    ian.goto(f"/buying/{procurement.pk}/")
    ian.get_by_role("link", name="Open the tenders").click()
    assert submit(ian, "Approve opening").status == 302
    expect_banner(ian, "The tenders are open.")
    expect(ian.locator("#tenders tbody tr")).to_have_count(1)

    # Ian makes Helen the evaluator; she declares no conflict and scores Acme's tender.
    ian.goto(f"/buying/{procurement.pk}/")
    ian.get_by_role("link", name="Evaluators, marking, moderation and award").click()
    field(ian, "Assign an evaluator").select_option(label="Helen Ward (Organisation admin)")
    assert submit(ian, "Assign").status == 302
    helen.goto("/evaluation/")
    helen.locator("#assignments").get_by_role("link", name=COMPETITION).click()
    helen.get_by_label("No, I have no conflict of interest", exact=True).check()
    assert submit(helen, "Make declaration").status == 302
    helen.locator("#tenders-to-score").get_by_role("link", name=ACME).click()
    field(helen, f"Your score for {QUALITY} (0 to 5)").select_option("4")
    field(helen, f"Justification for {QUALITY}").fill("A clear plan with local crews.")
    assert submit(helen, "Save scores").status == 302
    expect_banner(helen, "Your scores are saved.")

    # Ian passes Acme on the declarations, agrees the score and decides the award.
    ian.reload()
    ian.get_by_role("link", name=f"Mark pass or fail for {ACME}").click()
    for mark in ian.get_by_role("radio", name="Pass", exact=True).all():
        mark.check()
    assert submit(ian, "Save marks").status == 302
    ian.get_by_role("link", name=f"Moderate {ACME}").click()
    field(ian, f"Agreed score for {QUALITY}").select_option("4")
    field(ian, f"Why this score for {QUALITY}").fill("A clear plan with local crews.")
    assert submit(ian, "Save agreed scores").status == 302
    ian.get_by_role("link", name="Results and award").click()
    # Quality 60% at 4 of 5 is 48; the only price scores the full 40.
    expect(ian.locator("table tbody tr td")).to_have_text(["1", ACME, "£140,000.00", "88.000"])
    assert submit(ian, "Decide the award and start standstill").status == 302
    expect_banner(ian, "Assessment summaries are sent and standstill has begun.")


def ian_enters_the_call_off_contract(story: Story) -> None:
    ian = signed_in(story, "ian")
    ian.goto(f"/buying/{story.competition.pk}/")
    assert submit(ian, "Enter into the contract").status == 302
    expect_banner(ian, "The contract is entered into and the contract details notice is published.")
    contract = Contract.objects.get(procurement=story.competition)
    nav(ian, "Contracts")
    ian.get_by_role("link", name=contract.reference).click()
    expect(ian.get_by_role("heading", level=1)).to_have_text(contract.title)
    expect(summary_value(ian, "How it was awarded")).to_have_text(
        f"Further competition under a framework ({story.competition.reference})"
    )
    expect(summary_value(ian, "Framework")).to_contain_text(f"{story.framework.reference} {FRAMEWORK}, lot 1")
    expect(summary_value(ian, "Supplier")).to_have_text(ACME)
    expect(summary_value(ian, "Value")).to_have_text("£140,000.00 excluding VAT")
    story.call_off = contract


def sam_is_refused(story: Story) -> None:
    """Southvale is an education body: the framework describes only local authorities."""
    sam = signed_in(story, "sam")
    nav(sam, "Frameworks")
    sam.get_by_role("link", name=FRAMEWORK).click()
    expect(sam.locator(".govuk-inset-text")).to_have_text(
        f"{SOUTHVALE} cannot call off from this framework: it is not named or described among the "
        "authorities allowed to use it."
    )
    expect(sam.get_by_role("link", name=re.compile("^Start a further competition"))).to_have_count(0)
    expect(sam.get_by_role("link", name=re.compile("^Direct award"))).to_have_count(0)
    lot1, lot2 = story.framework.lots.order_by("number")
    reason = (
        f"{SOUTHVALE} is not named or described among the authorities allowed to use "
        f"{story.framework.reference} (PA23 s.45)."
    )
    southvale = story.cast[SOUTHVALE].pk
    for address in (
        f"/call-off/{southvale}/lots/{lot1.pk}/competition",
        f"/call-off/{southvale}/lots/{lot2.pk}/direct-award",
    ):
        assert sam.goto(address).status == 403
        expect(sam.get_by_role("heading", level=1)).to_have_text("You cannot do this")
        expect(sam.get_by_role("main")).to_contain_text(reason)
    assert not Procurement.objects.filter(buyer=story.cast[SOUTHVALE]).exists()


def helen_direct_awards_on_lot_2(story: Story) -> None:
    helen = signed_in(story, "helen")
    nav(helen, "Frameworks")
    helen.get_by_role("link", name=FRAMEWORK).click()
    helen.get_by_role("link", name=f"Direct award on lot 2 for {NORTHSHIRE}").click()
    expect(helen.get_by_role("main")).to_contain_text(LOTS[2][4])
    suppliers = helen.get_by_role("group", name="Supplier").get_by_role("radio")
    expect(suppliers).to_have_count(1)  # only lot 2's active supplier
    helen.get_by_role("group", name="Supplier").get_by_label(DELTA, exact=True).check()
    field(helen, "Why this supplier, against the framework's direct-award criteria").fill(JUSTIFICATION)
    field(helen, "Contract title").fill(CLEANING)
    field(helen, "What is supplied").fill("Daily cleaning of the county's 14 libraries.")
    field(helen, "Contract value excluding VAT (£)").fill("85000")
    today = timezone.localdate()
    field(helen, "Contract start date").fill(f"{today + timedelta(days=14):%Y-%m-%d}")
    field(helen, "Contract end date").fill(f"{today + timedelta(days=14 + 364):%Y-%m-%d}")
    expect(field(helen, "Delivery postcode")).to_have_value("DL7 8AD")  # the council's own, to start from
    assert submit(helen, "Award the call-off contract").status == 302
    contract = Contract.objects.get(title=CLEANING)
    expect(helen).to_have_url(re.compile(rf"/contracts/{contract.pk}/$"))
    expect_banner(helen, f"Call-off contract {contract.reference} awarded.")
    expect(summary_value(helen, "How it was awarded")).to_have_text("Direct award under a framework")
    expect(summary_value(helen, "Direct-award justification")).to_have_text(JUSTIFICATION)
    expect(summary_value(helen, "Supplier")).to_have_text(DELTA)
    expect(summary_value(helen, "Framework")).to_contain_text("lot 2: Cleaning")
    story.direct_award = contract


# The journey ----------------------------------------------------------------------------------
def test_a_framework_is_let_and_called_off_by_further_competition_and_direct_award(
    new_context, cast, mailoutbox, live_server
):
    story = Story(new_context=new_context, cast=cast, mailoutbox=mailoutbox, live_server=live_server)

    # == Before the competition's deadline ======================================================
    fiona_sets_up_the_framework(story)
    fiona_appoints_the_suppliers(story)
    ian_runs_a_further_competition(story)
    the_uninvited_find_no_door(story)
    alice_tenders(story)

    # == After the deadline =====================================================================
    story.competition.refresh_from_db()
    with time_machine.travel(
        story.competition.submission_deadline + timedelta(minutes=1), tick=True
    ) as clock:
        buyers_open_evaluate_and_award(story)

        # == Standstill ends ==================================================================
        story.competition.refresh_from_db()
        clock.move_to(story.competition.standstill_ends_at + timedelta(minutes=1))
        ian_enters_the_call_off_contract(story)
        sam_is_refused(story)
        helen_direct_awards_on_lot_2(story)

        # Later stages are appended here, each a function of the story: spend recorded by MI return
        # against story.call_off and story.direct_award (a bad file first), then KPIs reported and
        # the report's charts.
