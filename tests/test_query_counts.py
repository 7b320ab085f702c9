"""No page makes more database queries because there is more data (issue 10): an N+1 query is a bug.

Every page of the permission matrix (tests/test_permission_matrix.py) that answers a GET with 200 is
fetched by the caller it lets in, first in the matrix's world and then after that world has grown:
four times as many procurements and, on the procurement open for tenders, amendments with documents,
answered clarifications, interested suppliers and their draft tenders; appointed suppliers on the
framework; call-off contracts; KPIs; members and invitations; alerts; API tokens; subject requests.
Each page must make exactly the same number of queries both times.

The clock is stopped, so the once-a-minute session write and deadlines cannot differ between the two
fetches; each page is fetched once before it is counted (per-process caches, such as content types,
are warm) and both fetches are rolled back, so what a page writes does not change the next one.
"""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import test_permission_matrix as matrix
from tests.conftest import draft_procurement, make_user, pdf_upload, supplier_details

GROWTH = 3  # of each kind of row, on top of the one or two the world has
world = matrix.world  # the permission matrix's world, as a fixture here too


@pytest.fixture
def stopped_clock():
    with time_machine.travel(timezone.now(), tick=False):
        yield


def counts(world) -> dict[str, tuple[str, int]]:
    """For each page that answers a GET with 200: who fetched it and how many queries it made."""
    found = {}
    for name, row in sorted(matrix.PAGES.items()):
        if "GET" not in row.methods:
            continue
        callers = [] if matrix._is_refusal(row.anonymous) else [(None, row.anonymous)]
        if isinstance(row.right, tuple):
            callers.append(row.right)
        for persona, expected in callers:
            if expected != 200:
                continue
            client = matrix._client_for(world, persona)
            url = reverse(name, kwargs=row.args(world))
            with transaction.atomic():
                client.get(url)
                transaction.set_rollback(True)
            with transaction.atomic(), CaptureQueriesContext(connection) as queries:
                response = client.get(url)
                transaction.set_rollback(True)
            assert response.status_code == 200, f"{name} as {persona or 'anonymous'}: {response.status_code}"
            found[f"{name} as {persona or 'anonymous'}"] = len(queries)
    return found


def grow(world, times: int) -> None:
    """`times` more of every kind of row the pages list, through the real actions."""
    from tenderbox.api.actions import create_token
    from tenderbox.contracts.actions import let_contract
    from tenderbox.frameworks import actions as frameworks
    from tenderbox.notifications.actions import create_alert
    from tenderbox.organisations.actions import invite_member, register_organisation
    from tenderbox.organisations.models import Membership
    from tenderbox.performance import actions as performance
    from tenderbox.privacy import requests as subject_requests
    from tenderbox.submissions import actions as submissions
    from tenderbox.tenders import actions as tenders

    published = world.published
    suppliers = []
    for n in range(times):
        tenders.publish(
            draft_procurement(world.northshire, world.ian, title=f"Gritting area {n}"), by=world.ian
        )
        tenders.amend(
            published,
            by=world.ian,
            reason=f"Reason {n}",
            summary=f"Change {n}",
            uploaded=pdf_upload(f"addendum-{n}.pdf"),
        )
        published.refresh_from_db()
        question = tenders.ask_question(published, world.acme, by=world.alice, question=f"Question {n}?")
        tenders.answer_question(question, by=world.ian, answer=f"Answer {n}")
        person = make_user(f"owner{n}@supplier{n}.example", f"Owner {n}")
        supplier = register_organisation(by=person, **supplier_details(f"Supplier {n} Ltd", f"0900000{n}"))
        suppliers.append(supplier)
        tenders.register_interest(published, supplier, by=person)
        submissions.start_response(published, supplier, by=person)
        member = make_user(f"member{n}@acme.example", f"Member {n}")
        Membership.objects.create(user=member, organisation=world.acme, role="bidder")
        invite_member(world.acme, f"invitee{n}@acme.example", "bidder", by=world.alice)
        create_alert(
            world.alice,
            name=f"Alert {n}",
            cpv_codes=[],
            regions=["TLE"],
            keywords="",
            value_min=None,
            value_max=None,
            frequency="daily",
        )
        create_token(world.acme, by=world.alice, name=f"Token {n}", scope="read", days=30)
        performance.define_kpi(
            by=world.ian,
            name=f"Measure {n}",
            unit="hours",
            target=4,
            period="monthly",
            direction="lower",
            contract=world.contract,
        )
        let_contract(
            buyer=world.northshire,
            supplier=world.acme,
            by=world.ian,
            route="direct_award",
            justification="Ranked first on price for the region.",
            title=f"Cleaning of depot {n}",
            description="Weekly cleaning.",
            category="services",
            value_excl_vat=Decimal("10000.00"),
            starts_on=date(2026, 7, 1),
            ends_on=date(2027, 6, 30),
            delivery_postcode="DL7 8AD",
            delivery_region="TLE",
            framework_lot=world.lot,
        )
        subject_requests.make_request(
            kind="access",
            details="Everything you hold.",
            user=None,
            subject_name=f"Person {n}",
            subject_email=f"person{n}@example.com",
        )
        _more_of_the_contract_portal(world, n)
        _evaluation_for_jo(world, n)
    lines = "".join(f"1,{s.companies_house_number}\n2,{s.companies_house_number}\n" for s in suppliers)
    frameworks.import_appointments(
        world.framework,
        f"lot,companies_house_number\n{lines}".encode(),
        by=world.ian,
        reason="Award notice 2",
    )


def _more_of_the_contract_portal(world, n: int) -> None:
    """A live framework of Northshire's, a profile document, an MI return with its fee invoice, a held
    sign-up and a variation of the call-off."""
    from tenderbox.accounts.models import SignupScreening
    from tenderbox.contracts.actions import change_contract
    from tenderbox.frameworks import actions as frameworks
    from tenderbox.spend import actions as spend
    from tenderbox.submissions import actions as submissions
    from tests.framework_fixtures import draft_framework
    from tests.spend_fixtures import csv_file, line

    framework = draft_framework(world.northshire, world.ian, title=f"Estates {n}")
    frameworks.go_live(framework, by=world.ian)
    submissions.add_profile_document(
        world.acme, pdf_upload(f"cert-{n}.pdf"), kind="insurance", by=world.alice
    )
    period = date(2026, 8 + n, 1)
    spend.submit_return(
        supplier=world.acme,
        by=world.alice,
        period=period,
        contract=world.contract,
        uploaded=csv_file(
            line(ref=world.contract.reference, number=f"INV-{n}", invoice_date=f"{period:%Y-%m}-10")
        ),
    )
    spend.issue_fee_invoice(world.framework, world.acme, period, by=world.ian)
    SignupScreening.objects.create(
        user=make_user(f"held{n}@example.com", f"Held {n}"), score=60, decision="held"
    )
    change_contract(
        world.contract,
        by=world.ian,
        kind="variation",
        reason=f"More offices {n}",
        new_value=Decimal(f"21{n}000.00"),
    )


def _evaluation_for_jo(world, n: int) -> None:
    """Another of Northshire's procurements, opened, with Jo assigned to evaluate it."""
    from datetime import timedelta

    from tenderbox.evaluation import actions as evaluation
    from tenderbox.submissions.actions import approve_opening
    from tenderbox.tenders import actions as tenders
    from tests.conftest import submit_tender

    procurement = tenders.publish(
        draft_procurement(world.northshire, world.ian, title=f"Bridges {n}", lots=0), by=world.ian
    )
    submit_tender(procurement, world.acme, world.alice)
    with time_machine.travel(procurement.submission_deadline + timedelta(seconds=1), tick=False):
        approve_opening(procurement, by=world.helen)
        approve_opening(procurement, by=world.ian)
    evaluation.assign(procurement, world.jo, by=world.ian)


def test_no_page_makes_more_queries_for_more_data(stopped_clock, world):
    small = counts(world)
    grow(world, GROWTH)
    large = counts(world)

    grew = {page: (small[page], large[page]) for page in small if large.get(page) != small[page]}
    assert grew == {}, "queries (before, after the data grew):\n" + "\n".join(
        f"  {page}: {before} -> {after}" for page, (before, after) in sorted(grew.items())
    )
    assert len(small) > 60  # the walk reached the pages
