"""One whole open procedure with two lots, through the pages, as the people involved would do it.

Northshire County Council buys grounds maintenance for its parks in two lots. Ian, a buyer there,
prepares and publishes the tender notice. Two rival suppliers compete: Alice for Acme (whose supplier
profile fills in her tender) and Carol for Brightside. Each asks a question: Helen, the council's admin,
answers Alice's for everyone without naming her, and Ian answers Carol's. Both submit; Carol submits
again at a lower price; Alice tries to change her tender a minute after the deadline and is refused.
Helen and Ian open the tenders together, Jo and Ken score them on their own, and Ian marks, moderates
and awards: lot 1 to Brightside, lot 2 to Acme. Each supplier reads its own assessment summary and
cannot reach its rival's tender or summary. Once standstill is over, Ian enters into the contract.

The clock moves with time-machine: the live server runs in a thread of this process, so it sees the
test's time. Sessions end after 30 idle minutes, so after each jump people sign in again in a new
browser, council staff with the code their authenticator app shows at that (moved) moment.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tenderbox.organisations.actions import register_organisation
from tenderbox.organisations.models import Membership, Organisation, Role
from tenderbox.submissions.models import SupplierProfile
from tenderbox.tenders.models import Procurement
from tests.browser.steps import (
    Person,
    expect_banner,
    field,
    pass_two_factor,
    sign_in,
    submit,
)
from tests.conftest import PASSWORD, PDF, current_code, make_user, supplier_details

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Member(Person):
    totp_key: str = ""  # hex key of their authenticator app; the council's staff must use one


HELEN = Member("Helen Ward", "helen@northshire.example", PASSWORD, totp_key=b"Helen's phone app....".hex())
IAN = Member("Ian Price", "ian@northshire.example", PASSWORD, totp_key=b"Ian's phone app......".hex())
JO = Member("Jo Evans", "jo@northshire.example", PASSWORD, totp_key=b"Jo's phone app.......".hex())
KEN = Member("Ken Lowe", "ken@northshire.example", PASSWORD, totp_key=b"Ken's phone app......".hex())
ALICE = Member("Alice Green", "alice@acme.example", PASSWORD)
CAROL = Member("Carol Diaz", "carol@brightside.example", PASSWORD)

NORTHSHIRE = "Northshire County Council"
ACME = "Acme Facilities Ltd"
BRIGHTSIDE = "Brightside Cleaning Ltd"
ACME_COVER = "£10,000,000"  # public liability cover, from Acme's supplier profile

TITLE = "Grounds maintenance for county parks"
LOTS = {
    1: ("North parks", "Mowing, planting and tree care in the 22 northern parks."),
    2: ("South parks", ""),
}
QUALITY = "Approach to delivery"
QUESTION = "Acme Facilities here: does lot 2 include the lakeside paths at Southport Park?"
PUBLISHED_QUESTION = "Does lot 2 include the lakeside paths at Southport Park?"
ANSWER = "Yes. The lakeside paths are in lot 2; section 4 of the specification maps them."
CAROL_QUESTION = "May a supplier bid for lot 1 only?"
CAROL_ANSWER = "Yes. Each lot is awarded on its own; bid for either lot or both."


@pytest.fixture
def cast(transactional_db):
    """The council with its staff, and the two suppliers, as they stand before the story begins."""
    users = {person: make_user(person.email, person.name) for person in (HELEN, IAN, JO, KEN, ALICE, CAROL)}
    for person in (HELEN, IAN, JO, KEN):
        TOTPDevice.objects.create(user=users[person], name="Phone", key=person.totp_key, confirmed=True)
    northshire = register_organisation(
        by=users[HELEN],
        kind=Organisation.Kind.BUYER,
        name=NORTHSHIRE,
        authority_type=Organisation.AuthorityType.LOCAL,
        address_line_1="County Hall",
        town="Northallerton",
        postcode="DL7 8AD",
        region="TLE",
    )
    for person, role in ((IAN, Role.BUYER), (JO, Role.EVALUATOR), (KEN, Role.EVALUATOR)):
        Membership.objects.create(user=users[person], organisation=northshire, role=role)
    acme = register_organisation(by=users[ALICE], **supplier_details(ACME, "04112233"))
    brightside = register_organisation(by=users[CAROL], **supplier_details(BRIGHTSIDE, "SC412345"))
    # Acme answered these once, for an earlier tender; every new response starts from them.
    SupplierProfile.objects.create(
        supplier=acme,
        public_liability_cover=ACME_COVER,
        employers_liability_cover="£5,000,000",
        accreditations="ISO 9001; ISO 14001; Cyber Essentials",
        annual_turnover="£2.4m",
        updated_by=users[ALICE],
    )
    return {NORTHSHIRE: northshire, ACME: acme, BRIGHTSIDE: brightside, **users}


def signed_in(new_context, person: Member) -> Page:
    """The person opens Tenderbox in a browser of their own and signs in; council staff also type the
    code their authenticator app shows now (by the moved clock, which is the server's too)."""
    page = new_context().new_page()
    sign_in(page, person.email, person.password)
    if person.totp_key:
        pass_two_factor(page, current_code(person.totp_key))
    expect(page).to_have_url(re.compile(r"/account/$"))
    return page


def status_of(page: Page):
    """The procurement's status tag, under the page's heading."""
    return page.locator("h1 + p .govuk-tag")


def fill_tender(page: Page, *, prices: dict[int, str], approach: str) -> None:
    """Bid for the lots numbered in `prices` at those prices, pass every declaration, answer the
    quality question and declare the response true and complete."""
    for number, price in prices.items():
        field(page, f"Lot {number}: {LOTS[number][0]}").check()
        field(page, f"Your price for lot {number} excluding VAT (£)").fill(price)
    yes = page.get_by_role("radio", name="Yes", exact=True)
    expect(yes).to_have_count(3)  # the three standard exclusion declarations
    for answer in yes.all():
        answer.check()
    field(page, QUALITY).fill(approach)
    field(page, "We declare that this response is true and complete").check()


def expect_receipt(page: Page, version: int) -> str:
    """The receipt page for a submitted version; returns its SHA-256."""
    expect(page).to_have_url(re.compile(r"/receipts/[0-9a-f-]{36}$"))
    expect(page.locator(".govuk-panel")).to_contain_text("Tender received")
    expect(page.locator(".govuk-panel")).to_contain_text(f"Version {version}")
    receipt = page.locator("#receipt-hash")
    expect(receipt).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    return receipt.inner_text()


def score(page: Page, supplier: str, value: int, why: str) -> None:
    """An evaluator scores one tender on the quality criterion, with the justification."""
    page.locator("#tenders-to-score").get_by_role("link", name=supplier).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Score the tender from {supplier}")
    field(page, f"Your score for {QUALITY} (0 to 5)").select_option(str(value))
    field(page, f"Justification for {QUALITY}").fill(why)
    assert submit(page, "Save scores").status == 302
    expect_banner(page, "Your scores are saved.")
    expect(page.locator("#tenders-to-score li", has_text=supplier)).to_contain_text("Scored")


def evaluate(page: Page, person: Member, scores: dict[str, int]) -> None:
    """An evaluator declares no conflict of interest, then scores every tender on their own."""
    page.goto("/evaluation/")
    page.locator("#assignments").get_by_role("link", name=TITLE).click()
    page.get_by_label("No, I have no conflict of interest", exact=True).check()
    assert submit(page, "Make declaration").status == 302
    expect(page.get_by_role("heading", name="Tenders to score")).to_be_visible()
    expect(page.locator("#tenders-to-score li")).to_have_count(2)
    for supplier, value in scores.items():
        score(page, supplier, value, f"{person.name}: {value} of 5 for {supplier}'s staffing and method.")


def moderate(page: Page, supplier: str, value: int, why: str, *, evaluators: list[str]) -> None:
    """The buyer passes a tender on every declaration and agrees its quality score from the evaluators'."""
    page.get_by_role("link", name=f"Mark pass or fail for {supplier}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Pass or fail: {supplier}")
    for mark in page.get_by_role("radio", name="Pass", exact=True).all():
        mark.check()
    assert submit(page, "Save marks").status == 302
    page.get_by_role("link", name=f"Moderate {supplier}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Moderate: {supplier}")
    for evaluator in evaluators:
        expect(page.locator("#evaluator-scores")).to_contain_text(f"{evaluator}, {QUALITY}:")
    field(page, f"Agreed score for {QUALITY}").select_option(str(value))
    field(page, f"Why this score for {QUALITY}").fill(why)
    assert submit(page, "Save agreed scores").status == 302
    row = page.locator("#evaluation-tenders tr", has_text=supplier)
    expect(row.get_by_role("link", name=f"Marked pass or fail for {supplier}")).to_be_visible()
    expect(row.get_by_role("link", name=f"Moderated {supplier}")).to_be_visible()


def test_an_open_procedure_with_two_lots_from_tender_notice_to_contract(new_context, cast, mailoutbox):
    acme, brightside = cast[ACME], cast[BRIGHTSIDE]

    # == Before the deadline ====================================================================
    # Ian starts the procurement from the Buying page.
    ian = signed_in(new_context, IAN)
    ian.get_by_role("navigation").get_by_role("link", name="Buying").click()
    ian.get_by_role("button", name=f"Start a procurement for {NORTHSHIRE}").click()
    today = timezone.localtime()
    questions_by = (today + timedelta(days=20)).replace(hour=12, minute=0)
    tenders_by = (today + timedelta(days=30)).replace(hour=12, minute=0)  # above the 25-day minimum
    field(ian, "Title").fill(TITLE)
    field(ian, "Description").fill("Mowing, planting and tree care across the county's 40 parks.")
    ian.get_by_role("group", name="Main category").get_by_label("Services", exact=True).check()
    field(ian, "Main CPV code").fill("77310000-6")
    field(ian, "Estimated value excluding VAT (£)").fill("400000")
    field(ian, "VAT on the estimated value (£)").fill("80000")
    field(ian, "Where the work is delivered").select_option("TLE")
    ian.get_by_role("group", name="Procedure").get_by_label("Open procedure", exact=True).check()
    field(ian, "Deadline for questions").fill(f"{questions_by:%Y-%m-%dT%H:%M}")
    field(ian, "Deadline for tenders").fill(f"{tenders_by:%Y-%m-%dT%H:%M}")
    field(ian, "Expected award date").fill(f"{today + timedelta(days=45):%Y-%m-%d}")
    assert submit(ian, "Save draft").status == 302
    procurement = Procurement.objects.get(title=TITLE)
    reference = procurement.reference
    expect(ian).to_have_url(re.compile(rf"/buying/{procurement.pk}/$"))
    expect_banner(ian, f"Draft {reference} saved.")
    expect(status_of(ian)).to_have_text("Draft")
    expect(ian.locator("#publication-problems")).to_contain_text("Add at least one award criterion.")
    expect(ian.locator("#publication-problems")).to_contain_text(
        "Add the tender documents before publishing."
    )

    # He adds the two lots, the award criteria, the standard exclusion declarations and the specification.
    for title, covers in LOTS.values():
        ian.get_by_role("link", name="Add a lot").click()
        field(ian, "Lot title").fill(title)
        field(ian, "What the lot covers").fill(covers)
        field(ian, "Estimated value of the lot excluding VAT (£)").fill("200000")
        assert submit(ian, "Add lot").status == 302
    for kind, name, weight in (("Quality", QUALITY, "60"), ("Price", "Price", "40")):
        ian.get_by_role("link", name="Add an award criterion").click()
        ian.get_by_role("group", name="Kind of criterion").get_by_label(kind, exact=True).check()
        field(ian, "Criterion").fill(name)
        field(ian, "Weight (%)").fill(weight)
        assert submit(ian, "Add criterion").status == 302
    assert submit(ian, "Add the standard exclusion declarations").status == 302
    ian.get_by_role("link", name="Add a document").click()
    field(ian, "Document title").fill("Specification")
    field(ian, "File").set_input_files(
        {"name": "specification.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    assert submit(ian, "Upload").status == 302
    expect(ian.get_by_role("main")).to_contain_text("Lot 1: North parks, £200,000.00")
    expect(ian.get_by_role("main")).to_contain_text("Lot 2: South parks, £200,000.00")
    expect(ian.get_by_role("main")).to_contain_text(f"{QUALITY} (quality): 60%")
    expect(ian.get_by_role("main")).to_contain_text("Price (price): 40%")

    # Nothing blocks publication any more: he publishes the tender notice.
    expect(ian.locator("#publication-problems")).to_have_count(0)
    assert submit(ian, "Publish the tender notice").status == 302
    expect_banner(ian, f"{reference} is published and open for tenders.")
    expect(status_of(ian)).to_have_text("Open for tenders")

    # Alice finds the opportunity by searching, registers Acme's interest and asks a question.
    alice = signed_in(new_context, ALICE)
    alice.get_by_role("navigation").get_by_role("link", name="Find opportunities").click()
    field(alice, "Search").fill("grounds maintenance")
    alice.get_by_role("button", name="Search", exact=True).click()
    alice.locator("#results").get_by_role("link", name=TITLE).click()
    expect(alice).to_have_url(re.compile(rf"/opportunities/{reference}/$"))
    expect(alice.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert submit(alice, "Register interest").status == 302
    expect_banner(alice, f"{ACME} is registered as interested.")
    alice.get_by_role("link", name="Ask a question").click()
    field(alice, "Your question").fill(QUESTION)
    assert submit(alice, "Send question").status == 302
    expect_banner(alice, "Your question has been sent.")

    # Helen answers it from the procurement's page, taking Acme's name out of the published question.
    helen = signed_in(new_context, HELEN)
    helen.get_by_role("navigation").get_by_role("link", name="Buying").click()
    helen.get_by_role("link", name=TITLE).click()
    helen.get_by_role("listitem").filter(has_text=QUESTION).get_by_role("link", name="Answer").click()
    expect(field(helen, "Question as it will be published")).to_have_value(QUESTION)
    field(helen, "Question as it will be published").fill(PUBLISHED_QUESTION)
    field(helen, "Answer").fill(ANSWER)
    assert submit(helen, "Publish answer").status == 302
    expect(helen.get_by_role("listitem").filter(has_text=PUBLISHED_QUESTION)).to_contain_text("Answered")

    # Carol reads the opportunity: the answer is there for everyone, and nothing says who asked.
    carol = signed_in(new_context, CAROL)
    carol.goto(f"/opportunities/{reference}/")
    answers = carol.get_by_role("main")
    expect(answers).to_contain_text(f"Q: {PUBLISHED_QUESTION}")
    expect(answers).to_contain_text(f"A: {ANSWER}")
    expect(answers).not_to_contain_text("Acme")

    # Carol asks a question of her own; Ian publishes the answer as she asked it.
    carol.get_by_role("link", name="Ask a question").click()
    field(carol, "Your question").fill(CAROL_QUESTION)
    assert submit(carol, "Send question").status == 302
    ian.reload()
    ian.get_by_role("listitem").filter(has_text=CAROL_QUESTION).get_by_role("link", name="Answer").click()
    field(ian, "Answer").fill(CAROL_ANSWER)
    assert submit(ian, "Publish answer").status == 302
    carol.reload()
    expect(answers).to_contain_text(f"Q: {CAROL_QUESTION}")
    expect(answers).to_contain_text(f"A: {CAROL_ANSWER}")

    # So Carol tenders for lot 1 only. Brightside has no profile yet: nothing is filled in for her.
    carol.get_by_role("link", name="Your tender").click()
    assert submit(carol, "Start your response").status == 302
    expect(field(carol, "Public liability insurance cover")).to_have_value("")
    fill_tender(carol, prices={1: "125000"}, approach="Brightside's own crews, with a park keeper in each.")
    assert submit(carol, "Submit tender").status == 302
    expect_receipt(carol, version=1)

    # She thinks again about her price and submits a new version of her tender, at £118,000.
    carol.get_by_role("link", name="Back to your tender").click()
    expect(field(carol, "Your price for lot 1 excluding VAT (£)")).to_have_value("125000")
    field(carol, "Your price for lot 1 excluding VAT (£)").fill("118000")
    assert submit(carol, "Submit tender").status == 302
    expect_receipt(carol, version=2)
    carol.get_by_role("link", name="Back to your tender").click()
    versions = carol.locator("#versions li")
    expect(versions).to_have_count(2)
    expect(versions.first).to_contain_text("Version 2")
    expect(versions.first).to_contain_text("Counts")

    # Carol cannot reach Acme's tender, even by typing its address.
    assert carol.goto(f"/opportunities/{reference}/respond/{acme.pk}").status == 404

    # Alice tenders for both lots. Acme's profile answers are already in her form: she reuses them.
    alice.goto(f"/opportunities/{reference}/")
    alice.get_by_role("link", name="Your tender").click()
    assert submit(alice, "Start your response").status == 302
    expect(field(alice, "Public liability insurance cover")).to_have_value(ACME_COVER)
    expect(field(alice, "Accreditations held")).to_have_value("ISO 9001; ISO 14001; Cyber Essentials")
    expect(alice.get_by_role("main")).to_contain_text("From your profile.")
    fill_tender(
        alice, prices={1: "150000", 2: "150000"}, approach="Acme's year-round crews, led from two depots."
    )
    assert submit(alice, "Submit tender").status == 302
    acme_receipt = expect_receipt(alice, version=1)

    # == The deadline passes ======================================================================
    procurement.refresh_from_db()
    deadline = procurement.submission_deadline
    assert timezone.localtime(deadline).strftime("%Y-%m-%dT%H:%M") == f"{tenders_by:%Y-%m-%dT%H:%M}"
    with time_machine.travel(deadline - timedelta(minutes=2), tick=True) as clock:
        # Two minutes before the deadline Alice opens her tender again to lower her lot 2 price...
        alice = signed_in(new_context, ALICE)
        alice.goto(f"/opportunities/{reference}/")
        alice.get_by_role("link", name="Your tender").click()
        field(alice, "Your price for lot 2 excluding VAT (£)").fill("140000")

        # ...but by the time she presses the button, the deadline has passed: her change is refused.
        clock.move_to(deadline + timedelta(minutes=1))
        assert submit(alice, "Submit tender").status == 409
        expect(alice.locator("#response-error")).to_contain_text("Late tenders cannot be accepted")
        expect(alice.get_by_role("main")).to_contain_text("The deadline has passed.")
        expect(alice.locator("#versions li")).to_have_count(1)  # version 1 still counts, unchanged
        expect(alice.get_by_role("button", name="Submit tender")).to_have_count(0)

        # Helen approves opening the tenders; they stay sealed until a second buyer approves too.
        helen = signed_in(new_context, HELEN)
        helen.goto(f"/buying/{procurement.pk}/")
        expect(status_of(helen)).to_have_text("Closed: tenders sealed")
        helen.get_by_role("link", name="Open the tenders").click()
        assert submit(helen, "Approve opening").status == 302
        expect_banner(helen, "A second buyer must approve to open the tenders.")
        expect(helen.locator("#approvals")).to_contain_text(HELEN.name)
        assert helen.goto(f"/buying/{procurement.pk}/tenders/").status == 409

        # Ian approves as the second buyer, which opens them: one tender from each supplier counts,
        # Brightside's second version and Acme's first.
        ian = signed_in(new_context, IAN)
        ian.goto(f"/buying/{procurement.pk}/")
        ian.get_by_role("link", name="Open the tenders").click()
        assert submit(ian, "Approve opening").status == 302
        expect(ian).to_have_url(re.compile(rf"/buying/{procurement.pk}/tenders/$"))
        expect_banner(ian, "The tenders are open.")
        tenders = ian.locator("#tenders tbody tr")
        expect(tenders).to_have_count(2)
        expect(tenders.nth(0).locator("td")).to_have_text([ACME, "1", re.compile(r"\S")])
        expect(tenders.nth(1).locator("td")).to_have_text([BRIGHTSIDE, "2", re.compile(r"\S")])

        # He reads Acme's tender: it is the very one Alice holds the receipt for.
        ian.get_by_role("link", name=ACME).click()
        expect(ian.get_by_role("heading", level=1)).to_have_text(f"Tender from {ACME}")
        expect(ian.get_by_role("main")).to_contain_text(acme_receipt)
        expect(ian.locator("#prices")).to_contain_text("Lot 1: North parks: £150,000.00")
        expect(ian.locator("#prices")).to_contain_text("Lot 2: South parks: £150,000.00")

        # Ian makes Jo and Ken the evaluators.
        ian.goto(f"/buying/{procurement.pk}/")
        ian.get_by_role("link", name="Evaluators, marking, moderation and award").click()
        for evaluator in (JO, KEN):
            field(ian, "Assign an evaluator").select_option(label=f"{evaluator.name} (Evaluator)")
            assert submit(ian, "Assign").status == 302
            expect_banner(ian, f"{evaluator.name} is an evaluator.")
        expect(ian.locator("#evaluators li")).to_have_count(2)

        # Jo and Ken each declare no conflict of interest and score both tenders, without seeing
        # each other's scores.
        evaluate(signed_in(new_context, JO), JO, {ACME: 3, BRIGHTSIDE: 4})
        evaluate(signed_in(new_context, KEN), KEN, {ACME: 2, BRIGHTSIDE: 5})

        # Ian passes both on the declarations and agrees the quality scores with the evaluators' views.
        ian.reload()
        expect(ian.locator("#evaluators")).to_contain_text(f"{JO.name}: No conflict declared")
        expect(ian.locator("#evaluators")).to_contain_text(f"{KEN.name}: No conflict declared")
        evaluators = [JO.name, KEN.name]
        moderate(ian, ACME, 3, "A sound plan, but thin on winter work.", evaluators=evaluators)
        moderate(ian, BRIGHTSIDE, 4, "A keeper in every park: strong local presence.", evaluators=evaluators)

        # The results: quality 60%, price 40% (lowest price scores highest). Brightside wins lot 1
        # (48 + 40 = 88 against Acme's 36 + 31.467); Acme, alone on lot 2, wins it with 36 + 40.
        ian.get_by_role("link", name="Results and award").click()
        lot1, lot2 = procurement.lots.order_by("number")
        lot1_results = ian.locator(f"#results-{lot1.pk} tbody tr")
        expect(lot1_results).to_have_count(2)
        # Columns: position, supplier, price, total.
        expect(lot1_results.filter(has_text=BRIGHTSIDE).locator("td")).to_have_text(
            ["1", BRIGHTSIDE, "£118,000.00", "88.000"]
        )
        expect(lot1_results.filter(has_text=ACME).locator("td")).to_have_text(
            ["2", ACME, "£150,000.00", "67.467"]
        )
        expect(ian.locator(f"#results-{lot2.pk} tbody tr td")).to_have_text(
            ["1", ACME, "£150,000.00", "76.000"]
        )

        # He decides the award: the summaries go out and standstill begins.
        assert submit(ian, "Decide the award and start standstill").status == 302
        expect(ian).to_have_url(re.compile(rf"/buying/{procurement.pk}/$"))
        expect_banner(ian, "Assessment summaries are sent and standstill has begun.")
        expect(status_of(ian)).to_have_text("Award decided: standstill")
        expect(ian.get_by_role("main")).to_contain_text("Standstill runs until")
        expect(ian.get_by_role("button", name="Enter into the contract")).to_have_count(0)

        # Each supplier reads its own assessment summary, from the opportunity through its own tender,
        # and gets a 404 for its rival's. Carol bid only for lot 1, so hers is only lot 1.
        for person, own, rival in ((ALICE, acme, brightside), (CAROL, brightside, acme)):
            page = signed_in(new_context, person)
            page.goto(f"/opportunities/{reference}/")
            page.get_by_role("link", name="Your tender").click()
            page.get_by_role("link", name="Read your assessment summary").click()
            summary = page.locator("#assessment-summary")
            expect(summary).to_contain_text(f"Assessment summary for {own.name}")
            expect(summary).not_to_contain_text(f"Assessment summary for {rival.name}")
            expect(summary).to_contain_text(f"Winning total: 88.000 ({BRIGHTSIDE})")
            lots = summary.inner_text().split("Lot 2: South parks")
            assert "Lot 1: North parks" in lots[0]
            if own == acme:
                assert "Your total: 67.467 out of 100. Winning total: 88.000" in lots[0]
                assert (
                    "you scored 3 of 5 (36.000 points). Why: A sound plan, but thin on winter work."
                    in lots[0]
                )
                assert f"Your total: 76.000 out of 100. Winning total: 76.000 ({ACME})" in lots[1]
            else:
                assert "Your total: 88.000 out of 100. Winning total: 88.000" in lots[0]
                assert len(lots) == 1  # she did not bid for lot 2
            assert page.goto(f"/opportunities/{reference}/respond/{rival.pk}/assessment").status == 404
            assert page.goto(f"/opportunities/{reference}/respond/{rival.pk}").status == 404
        summaries = [m for m in mailoutbox if m.subject == f"Assessment summary: {reference}"]
        assert sorted((m.to[0], m.body.splitlines()[0]) for m in summaries) == [
            (ALICE.email, f"Assessment summary for {ACME}"),
            (CAROL.email, f"Assessment summary for {BRIGHTSIDE}"),
        ]

        # == Standstill ends ======================================================================
        procurement.refresh_from_db()
        clock.move_to(procurement.standstill_ends_at + timedelta(minutes=1))

        # Ian comes back after the standstill period and enters into the contract.
        ian = signed_in(new_context, IAN)
        ian.goto(f"/buying/{procurement.pk}/")
        expect(ian.get_by_role("main")).to_contain_text("The standstill period ended on")
        # The expected dates are offered; Ian confirms the start and gives the agreed end.
        field(ian, "Contract start date").fill("2027-04-01")
        field(ian, "Contract end date").fill("2029-03-31")
        assert submit(ian, "Enter into the contract").status == 302
        expect_banner(ian, "The contract is entered into and the contract details notice is published.")
        expect(status_of(ian)).to_have_text("Contract entered into")

        # The public page shows the procurement's notices, the contract details notice last.
        ian.goto(f"/opportunities/{reference}/")
        expect(status_of(ian)).to_have_text("Contract entered into")
        expect(ian.get_by_role("main")).to_contain_text("Contract award notice (UK6)")
        expect(ian.get_by_role("main")).to_contain_text("Contract details notice (UK7)")


# After the award ------------------------------------------------------------------------------


@pytest.fixture
def awarded(cast):
    """The same procurement awarded without the pages: Acme alone tendered, and won both lots."""
    from tenderbox.evaluation import actions as evaluation
    from tenderbox.submissions.actions import approve_opening
    from tenderbox.tenders.actions import publish
    from tests.conftest import draft_procurement, submit_tender

    ian = cast[IAN]
    procurement = publish(draft_procurement(cast[NORTHSHIRE], ian), by=ian)
    version = submit_tender(procurement, cast[ACME], cast[ALICE])
    with time_machine.travel(procurement.submission_deadline + timedelta(minutes=1), tick=True):
        approve_opening(procurement, by=cast[HELEN])
        procurement = approve_opening(procurement, by=ian)
        assignment = evaluation.assign(procurement, cast[JO], by=ian)
        evaluation.declare(assignment, by=cast[JO], conflict=False)
        quality = procurement.criteria.get(kind="quality")
        evaluation.score(assignment, version, quality, value=4, justification="Clear and well staffed.")
        evaluation.moderate(version, quality, value=4, reason="Clear and well staffed.", by=ian)
        for question in procurement.selection_questions.all():
            evaluation.mark_selection(version, question, passed=True, reason="", by=ian)
        yield evaluation.award(procurement, by=ian, winners={})


def test_after_the_deadline_the_opportunity_still_leads_a_supplier_to_its_tender(new_context, awarded):
    alice = signed_in(new_context, ALICE)
    alice.goto(f"/opportunities/{awarded.reference}/")
    expect(status_of(alice)).to_have_text("Award decided: standstill")
    alice.get_by_role("link", name="Your tender").click(timeout=2000)
    expect(alice.locator("#versions li")).to_have_count(1)


def test_a_supplier_reaches_its_assessment_summary_from_its_tender(new_context, cast, awarded):
    alice = signed_in(new_context, ALICE)
    alice.goto(f"/opportunities/{awarded.reference}/respond/{cast[ACME].pk}")
    alice.get_by_role("link", name=re.compile("assessment summary", re.I)).click(timeout=2000)
    expect(alice.locator("#assessment-summary")).to_contain_text(f"Assessment summary for {ACME}")
