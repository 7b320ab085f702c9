"""Framework and contract pages, through the Django test client: the owner's pages refuse other
organisations (404) and members without a buying role (403) and change nothing when they do; the
public page lists lots and appointed suppliers; the import page lists every row's problem; the call-off
pages refuse ineligible authorities, unknown lots and routes the lot does not allow; contract pages
show each contract only to its parties and let only the buyer's buyers change it."""

import html
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenderbox.audit.models import AuditEvent
from tenderbox.contracts.models import Contract, ContractChange
from tenderbox.frameworks import actions
from tenderbox.frameworks.models import Appointment, EligibilityRule, Framework, FrameworkLot
from tenderbox.organisations.models import Membership, Role
from tenderbox.tenders.models import Procurement
from tests.conftest import TOTP_HEX, make_user, sign_in
from tests.framework_fixtures import draft_framework, lots

BAD_CSV = b"lot,companies_house_number\n1,04112233\n3,SC412345\n1,NOT A NUMBER\n2,99999999\n"


def csv(content: bytes = BAD_CSV):
    return SimpleUploadedFile("appointed.csv", content, content_type="text/csv")


def text(response) -> str:
    """The page's text with tags removed and white space collapsed, as a person reads it."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))).strip()


@pytest.fixture
def eve(crown):
    """Eve evaluates for Crown Purchasing Service: a member, but without a buying role."""
    user = make_user("eve@crown.example", "Eve Moss")
    TOTPDevice.objects.create(user=user, name="App", key=TOTP_HEX, confirmed=True)
    Membership.objects.create(user=user, organisation=crown, role=Role.EVALUATOR)
    return user


@pytest.fixture
def draft(crown, fiona, time_machine):
    time_machine.move_to("2026-12-01 10:00:00+00:00", tick=False)
    return draft_framework(crown, fiona)


@pytest.fixture
def call_off(framework, northshire, ian, delta):
    """Northshire's direct award on lot 2 to Delta."""
    return actions.direct_award(
        lots(framework)[1],
        authority=northshire,
        supplier=delta,
        by=ian,
        justification="Ranked first on price for the region.",
        title="Cleaning of Northshire libraries",
        description="Daily cleaning of 14 libraries.",
        value_excl_vat=Decimal("85000.00"),
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 12, 31),
        delivery_postcode="DL7 8AD",
        delivery_region="TLE",
    )


def state(framework: Framework) -> tuple:
    """Everything an owner's page could change, to check that a refused request changed nothing."""
    framework.refresh_from_db()
    return (
        framework.status,
        framework.ends_on,
        list(framework.lots.values_list("number", "title")),
        list(EligibilityRule.objects.filter(framework=framework).values_list("authority_type", "region")),
        list(framework.documents.values_list("title", flat=True)),
        list(
            Appointment.objects.filter(lot__framework=framework)
            .order_by("pk")
            .values_list("supplier__name", "status", "status_reason")
        ),
        AuditEvent.objects.count(),
    )


def owner_posts(framework: Framework) -> list[tuple[str, dict]]:
    """Every POST an owner's page accepts, each with data that the owner would get accepted."""
    base = f"/managing/frameworks/{framework.pk}"
    appointment = Appointment.objects.filter(lot__framework=framework).first()
    posts = [
        (
            f"{base}/lots/add",
            {
                "title": "Security",
                "scope": "Guarding",
                "cpv_code": "90910000-9",
                "max_value": "1000",
                "call_off_method": "further_competition",
                "max_suppliers": "1",
            },
        ),
        (f"{base}/eligibility", {"authority_types": ["nhs"]}),
        (f"{base}/documents/add", {"title": "Order form", "file": csv(b"order,form\n")}),
        (f"{base}/live", {}),
        (f"{base}/import", {"file": csv(b"lot,companies_house_number\n2,04112233\n"), "reason": "Notice"}),
        (f"{base}/extend", {"new_end": "2029-01-31", "reason": "More time"}),
    ]
    if appointment is not None:
        posts.append((f"{base}/appointments/{appointment.pk}/suspend", {"reason": "Insurance lapsed"}))
    return posts


# The owner's pages ----------------------------------------------------------------------------
@pytest.mark.parametrize("which", ["draft", "framework"])
def test_another_organisations_framework_is_not_found_and_nothing_changes(
    client, request, which, helen, northshire
):
    framework = request.getfixturevalue(which)
    sign_in(client, helen)  # Northshire's admin: a buyer, but not of Crown
    before = state(framework)
    assert client.get(f"/managing/frameworks/{framework.pk}/").status_code == 404
    for url, data in owner_posts(framework):
        assert client.post(url, data).status_code == 404, url
    assert state(framework) == before


@pytest.mark.parametrize("which", ["draft", "framework"])
def test_a_member_without_a_buying_role_is_refused_and_nothing_changes(client, request, which, eve):
    framework = request.getfixturevalue(which)
    sign_in(client, eve)
    before = state(framework)
    page = client.get(f"/managing/frameworks/{framework.pk}/")
    assert page.status_code == 403
    assert "Only the framework owner's buyers can manage it." in text(page)
    for url, data in owner_posts(framework):
        assert client.post(url, data).status_code == 403, url
    assert state(framework) == before


def test_an_unknown_framework_or_appointment_is_not_found(client, framework, fiona, northshire):
    sign_in(client, fiona)
    assert client.get("/managing/frameworks/999999/").status_code == 404
    assert client.get(f"/managing/frameworks/{framework.pk}/appointments/999999/suspend").status_code == 404
    appointment = Appointment.objects.filter(lot__framework=framework).first()
    url = f"/managing/frameworks/{framework.pk}/appointments/{appointment.pk}/promote"
    assert client.post(url, {"reason": "Why not"}).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == "active"


@pytest.mark.parametrize(
    ("status", "verb", "message"),
    [
        ("active", "reinstate", "Acme Facilities Ltd is active on lot 1, so it cannot be reinstated."),
        ("suspended", "suspend", "Acme Facilities Ltd is suspended from lot 1, so it cannot be suspended."),
        ("removed", "remove", "Acme Facilities Ltd is removed from lot 1, so it cannot be removed."),
    ],
)
def test_a_change_the_appointment_cannot_make_is_refused_before_the_reason(
    client, framework, fiona, acme, status, verb, message
):
    appointment = Appointment.objects.get(supplier=acme)
    Appointment.objects.filter(pk=appointment.pk).update(status=status)
    sign_in(client, fiona)
    url = f"/managing/frameworks/{framework.pk}/appointments/{appointment.pk}/{verb}"
    page = client.get(url)
    assert page.status_code == 409
    assert message in text(page)
    assert client.post(url, {"reason": "Again"}).status_code == 409
    appointment.refresh_from_db()
    assert (appointment.status, appointment.status_reason) == (status, "")


def test_the_owners_steps_each_confirm_what_was_done(
    client, crown, fiona, acme, brightside, delta, time_machine
):
    time_machine.move_to("2026-12-01 10:00:00+00:00", tick=False)
    sign_in(client, fiona)
    made = client.post(
        f"/managing/frameworks/new/{crown.pk}",
        {
            "title": "Facilities management",
            "description": "Grounds and cleaning.",
            "starts_on": "2026-12-01",
            "ends_on": "2028-11-30",
            "call_off_minimum_days": "10",
        },
        follow=True,
    )
    framework = Framework.objects.get()
    assert f"Draft {framework.reference} saved." in text(made)
    lot = client.post(
        f"/managing/frameworks/{framework.pk}/lots/add",
        {
            "title": "Grounds maintenance",
            "scope": "Mowing",
            "cpv_code": "77310000-6",
            "max_value": "1000000",
            "call_off_method": "further_competition",
            "max_suppliers": "1",
        },
        follow=True,
    )
    assert "Grounds maintenance added as lot 1." in text(lot)
    client.post(f"/managing/frameworks/{framework.pk}/eligibility", {"authority_types": ["local_authority"]})
    client.post(f"/managing/frameworks/{framework.pk}/live")
    imported = client.post(
        f"/managing/frameworks/{framework.pk}/import",
        {"file": csv(b"lot,companies_house_number\n1,04112233\n1,SC412345\n"), "reason": "Award notice"},
        follow=True,
    )
    assert "2 suppliers appointed." in text(imported)
    appointment = Appointment.objects.get(supplier=brightside)
    suspended = client.post(
        f"/managing/frameworks/{framework.pk}/appointments/{appointment.pk}/suspend",
        {"reason": "Insurance lapsed"},
        follow=True,
    )
    assert "Brightside Cleaning Ltd is suspended from lot 1." in text(suspended)
    reinstated = client.post(
        f"/managing/frameworks/{framework.pk}/appointments/{appointment.pk}/reinstate",
        {"reason": "Insurance renewed"},
        follow=True,
    )
    assert "Brightside Cleaning Ltd is reinstated on lot 1." in text(reinstated)


def test_the_summary_names_the_kinds_of_authority_allowed(client, framework, fiona):
    # A framework open to local authorities: its pages read "Local authority", and do not fail.
    sign_in(client, fiona)
    for url in (f"/managing/frameworks/{framework.pk}/", f"/frameworks/{framework.reference}/"):
        page = client.get(url)
        assert page.status_code == 200
        assert "Who may use it Local authority" in text(page)
    EligibilityRule.objects.create(framework=framework, authority_type="", region="TLE")
    body = text(client.get(url))
    assert "Local authority" in body
    assert "Any authority in Yorkshire and The Humber" in body


# Finding frameworks ---------------------------------------------------------------------------
def test_frameworks_and_contracts_are_in_the_navigation(client, framework, ian):
    anonymous = client.get("/")
    assert 'href="/frameworks/"' in anonymous.content.decode()
    assert 'href="/contracts/"' not in anonymous.content.decode()
    sign_in(client, ian)
    signed_in = client.get("/").content.decode()
    assert 'href="/frameworks/"' in signed_in
    assert 'href="/contracts/"' in signed_in


def test_the_framework_list_leads_a_buyer_to_the_frameworks_they_run(client, framework, fiona, alice):
    assert "Frameworks you run" not in text(client.get("/frameworks/"))
    sign_in(client, alice)  # a supplier runs no frameworks
    assert "Frameworks you run" not in text(client.get("/frameworks/"))
    sign_in(client, fiona)
    page = client.get("/frameworks/")
    assert 'href="/managing/frameworks/">Frameworks you run</a>' in page.content.decode()


# The public page ------------------------------------------------------------------------------
def test_the_public_page_lists_lots_and_appointed_suppliers_but_not_removed_ones(
    client, framework, fiona, brightside, delta
):
    actions.change_appointment(
        Appointment.objects.get(supplier=brightside), verb="suspend", by=fiona, reason="Insurance lapsed"
    )
    actions.change_appointment(
        Appointment.objects.get(supplier=delta), verb="remove", by=fiona, reason="Left the market"
    )
    page = client.get(f"/frameworks/{framework.reference}/")
    assert page.status_code == 200
    body = text(page)
    assert "Lot 1: Grounds maintenance" in body
    assert "Lot 2: Cleaning" in body
    assert "Acme Facilities Ltd 04112233 Active" in body
    assert "Brightside Cleaning Ltd SC412345 Suspended" in body
    assert "Delta Services Ltd" not in body
    assert "Appointed suppliers on lot 2 Supplier Companies House Status No suppliers appointed yet." in body
    assert "Insurance lapsed" not in body  # the owner's reasons are not published


def test_the_public_page_tells_a_buyer_whose_authority_may_not_use_it(client, framework, southvale, sam, ian):
    sign_in(client, sam)
    body = text(client.get(f"/frameworks/{framework.reference}/"))
    assert (
        "Southvale Academy Trust cannot call off from this framework: it is not named or described among "
        "the authorities allowed to use it."
    ) in body
    assert "Start a further competition" not in body
    sign_in(client, ian)
    body = text(client.get(f"/frameworks/{framework.reference}/"))
    assert "cannot call off from this framework" not in body
    assert "Start a further competition on lot 1 for Northshire County Council" in body


def test_a_draft_framework_has_no_public_page(client, draft):
    assert client.get(f"/frameworks/{draft.reference}/").status_code == 404
    assert draft.reference not in text(client.get("/frameworks/"))


# Importing suppliers --------------------------------------------------------------------------
@pytest.fixture
def live_without_suppliers(draft, fiona, acme, brightside, delta):
    return actions.go_live(draft, by=fiona)


def test_the_import_page_lists_every_row_problem_with_status_400(client, live_without_suppliers, fiona):
    framework = live_without_suppliers
    sign_in(client, fiona)
    before = state(framework)
    page = client.post(
        f"/managing/frameworks/{framework.pk}/import", {"file": csv(), "reason": "Award notice FTS-1"}
    )
    assert page.status_code == 400
    body = text(page)
    assert "There is a problem The file was not imported: 3 problems found. Nothing was saved." in body
    assert (
        "Line Column Problem "
        "3 lot There is no lot “3” in this framework. "
        "4 companies_house_number “NOT A NUMBER” is not a Companies House number. "
        "5 companies_house_number No supplier with number 99999999 is registered on Tenderbox."
    ) in body
    assert state(framework) == before
    assert not Appointment.objects.exists()


def test_a_refused_import_links_to_the_file_and_lists_its_problems_before_the_form(
    client, live_without_suppliers, fiona
):
    sign_in(client, fiona)
    page = client.post(
        f"/managing/frameworks/{live_without_suppliers.pk}/import", {"file": csv(), "reason": "Award notice"}
    )
    markup = page.content.decode()
    assert '<a href="#id_file">The file was not imported: 3 problems found. Nothing was saved.</a>' in markup
    assert markup.index('id="import-problems"') < markup.index('enctype="multipart/form-data"')
    assert 'value="Award notice"' in markup  # the reason is kept; only the file is chosen again


def test_an_import_with_one_problem_says_so_in_the_singular(client, live_without_suppliers, fiona):
    sign_in(client, fiona)
    page = client.post(
        f"/managing/frameworks/{live_without_suppliers.pk}/import",
        {"file": csv(b"lot,companies_house_number\n1,04112233\n4,04112233\n"), "reason": "Award notice"},
    )
    assert page.status_code == 400
    assert "The file was not imported: 1 problem found. Nothing was saved." in text(page)
    assert not Appointment.objects.exists()


# Calling off ----------------------------------------------------------------------------------
def test_the_direct_award_page_refuses_an_ineligible_authority(client, framework, southvale, sam, delta):
    sign_in(client, sam)
    lot = lots(framework)[1]
    url = f"/call-off/{southvale.pk}/lots/{lot.pk}/direct-award"
    page = client.get(url)
    assert page.status_code == 403
    assert (
        f"Southvale Academy Trust is not named or described among the authorities allowed to use "
        f"{framework.reference} (PA23 s.45)."
    ) in text(page)
    posted = client.post(
        url,
        {
            "supplier": delta.pk,
            "justification": "Cheapest",
            "title": "Cleaning",
            "description": "Cleaning",
            "value_excl_vat": "1000",
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
            "delivery_postcode": "BS1 4DJ",
            "delivery_region": "TLK",
        },
    )
    assert posted.status_code == 403
    assert not Contract.objects.exists()


def test_the_direct_award_page_does_not_find_an_unknown_lot(client, framework, draft, northshire, ian):
    sign_in(client, ian)
    assert client.get(f"/call-off/{northshire.pk}/lots/999999/direct-award").status_code == 404
    # A draft framework's lot does not exist for a would-be user either.
    draft_lot = FrameworkLot.objects.get(framework=draft, number=2)
    assert client.get(f"/call-off/{northshire.pk}/lots/{draft_lot.pk}/direct-award").status_code == 404
    assert client.get(f"/call-off/{northshire.pk}/lots/{draft_lot.pk}/competition").status_code == 404


def test_a_call_off_route_the_lot_does_not_allow_is_refused_before_the_form(
    client, framework, northshire, ian
):
    sign_in(client, ian)
    grounds = lots(framework)[0]  # further competition only
    page = client.get(f"/call-off/{northshire.pk}/lots/{grounds.pk}/direct-award")
    assert page.status_code == 409
    assert "Lot 1 allows further competition only: a direct award is not allowed." in text(page)
    assert "Award the call-off contract" not in text(page)


def test_the_call_off_pages_say_so_once_the_framework_has_expired(
    client, framework, northshire, ian, time_machine
):
    time_machine.move_to("2028-06-01 10:00:00+00:00", tick=False)
    sign_in(client, ian)
    for route in ("competition", "direct-award"):
        page = client.get(f"/call-off/{northshire.pk}/lots/{lots(framework)[1].pk}/{route}")
        assert page.status_code == 409
        assert f"The framework {framework.reference} ended on 31 May 2028" in text(page)
    assert not Procurement.objects.exists()


# Contracts ------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["ian", "helen", "dev", "fiona"])
def test_the_buyer_the_supplier_and_the_framework_owner_see_the_contract(client, request, call_off, who):
    sign_in(client, request.getfixturevalue(who))
    page = client.get(f"/contracts/{call_off.pk}/")
    assert page.status_code == 200
    assert "How it was awarded Direct award under a framework" in text(page)
    assert call_off.reference in text(client.get("/contracts/"))


@pytest.mark.parametrize("who", ["alice", "sam", "oscar"])
def test_a_rival_supplier_or_another_authority_does_not_find_the_contract(client, request, call_off, who):
    sign_in(client, request.getfixturevalue(who))
    assert client.get(f"/contracts/{call_off.pk}/").status_code == 404
    assert client.get(f"/contracts/{call_off.pk}/change").status_code == 404
    assert client.post(f"/contracts/{call_off.pk}/terminate", {"reason": "Ours now"}).status_code == 404
    assert call_off.reference not in text(client.get("/contracts/"))
    call_off.refresh_from_db()
    assert call_off.status == "active"


@pytest.mark.parametrize("who", ["dev", "fiona", "jo"])
def test_only_the_buyers_buyers_can_vary_or_terminate(client, request, call_off, who):
    sign_in(client, request.getfixturevalue(who))  # supplier, framework owner, buyer's evaluator
    assert "Vary or extend the contract" not in text(client.get(f"/contracts/{call_off.pk}/"))
    for url, data in (
        (f"/contracts/{call_off.pk}/change", {"kind": "variation", "new_value": "1", "reason": "Cheaper"}),
        (f"/contracts/{call_off.pk}/terminate", {"reason": "Stop"}),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
    call_off.refresh_from_db()
    assert (call_off.status, call_off.value_excl_vat) == ("active", Decimal("85000.00"))
    assert not ContractChange.objects.exists()


def test_a_variation_changes_the_value_and_is_listed(client, call_off, ian):
    sign_in(client, ian)
    posted = client.post(
        f"/contracts/{call_off.pk}/change",
        {"kind": "variation", "new_value": "92500", "reason": "Two more libraries"},
    )
    assert posted.status_code == 302
    call_off.refresh_from_db()
    assert (call_off.value_excl_vat, call_off.original_value_excl_vat) == (
        Decimal("92500.00"),
        Decimal("85000.00"),
    )
    body = text(client.get(f"/contracts/{call_off.pk}/"))
    assert "Value £92,500.00 excluding VAT (awarded at £85,000.00)" in body
    assert (
        "1 December 2026 Variation Two more libraries £85,000.00 to £92,500.00 "
        "31 December 2027 to 31 December 2027"
    ) in body
