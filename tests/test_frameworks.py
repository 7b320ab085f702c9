"""Frameworks: set-up rules, appointments by import, suspension, the term's edges, expiry warnings,
eligibility, and both call-off routes."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from tenderbox.audit.models import AuditEvent
from tenderbox.contracts.models import Contract
from tenderbox.frameworks import actions, rules
from tenderbox.frameworks.models import Appointment, ExpiryWarning, Framework
from tenderbox.lib.errors import Conflict, DomainError, PermissionDenied
from tests.framework_fixtures import TERM_END, draft_framework, lots


def direct(framework, authority, supplier, by, **overrides):
    fields = {
        "authority": authority,
        "supplier": supplier,
        "by": by,
        "justification": "Ranked first on price for Yorkshire at appointment.",
        "title": "Cleaning of County Hall",
        "description": "Daily office cleaning.",
        "value_excl_vat": Decimal("80000.00"),
        "starts_on": date(2027, 1, 4),
        "ends_on": date(2028, 1, 3),
        "delivery_postcode": "dl7 8ad",
        "delivery_region": "TLE",
        **overrides,
    }
    return actions.direct_award(lots(framework)[1], **fields)


# Term rules -----------------------------------------------------------------------------------
def test_a_term_longer_than_four_years_is_refused():
    problems = rules.check_term(starts_on=date(2026, 6, 1), ends_on=date(2030, 6, 1), extendable_to=None)
    assert [p.message for p in problems] == [
        "A framework may run for at most 4 years (PA23 s.47): it must end on or before 31 May 2030."
    ]
    problems = rules.check_term(
        starts_on=date(2026, 6, 1), ends_on=date(2028, 5, 31), extendable_to=date(2030, 6, 1)
    )
    assert [p.message for p in problems] == [
        "With extensions a framework may run for at most 4 years (PA23 s.47): extensions may reach "
        "31 May 2030 at the latest."
    ]
    assert rules.check_term(starts_on=date(2024, 2, 29), ends_on=date(2028, 2, 28), extendable_to=None) == []


def test_going_live_needs_lots_and_eligible_authorities(crown, fiona):
    framework = actions.create_framework(
        owner=crown,
        by=fiona,
        title="Empty",
        description="Nothing yet",
        starts_on=date(2026, 6, 1),
        ends_on=date(2028, 5, 31),
    )
    with pytest.raises(DomainError) as refused:
        actions.go_live(framework, by=fiona)
    assert refused.value.message == (
        "Add at least one lot. Say which authorities may use the framework, by name or by description "
        "(PA23 s.45)."
    )
    framework.refresh_from_db()
    assert framework.status == Framework.Status.DRAFT


def test_a_lot_allowing_direct_award_must_state_its_criteria(crown, fiona):
    framework = actions.create_framework(
        owner=crown,
        by=fiona,
        title="F",
        description="D",
        starts_on=date(2026, 6, 1),
        ends_on=date(2027, 5, 31),
    )
    with pytest.raises(DomainError, match="PA23 s.47\\(2\\)"):
        actions.add_lot(
            framework, by=fiona, title="L", scope="S", max_value=Decimal("10"), call_off_method="both"
        )
    assert framework.lots.count() == 0


# Appointments -------------------------------------------------------------------------------
def test_an_import_with_bad_rows_is_refused_whole(crown, fiona, acme, time_machine):
    time_machine.move_to("2026-12-01 10:00:00+00:00", tick=False)
    framework = draft_framework(crown, fiona)
    actions.go_live(framework, by=fiona)
    data = b"lot,companies_house_number\n1,04112233\n3,04112233\n2,AB\n1,99999999\n1,04112233\n"
    with pytest.raises(actions.ImportRefused) as refused:
        actions.import_appointments(framework, data, by=fiona, reason="Award notice")
    assert [(p.line, p.column, p.message) for p in refused.value.problems] == [
        (3, "lot", "There is no lot “3” in this framework."),
        (4, "companies_house_number", "“AB” is not a Companies House number."),
        (5, "companies_house_number", "No supplier with number 99999999 is registered on Tenderbox."),
        (6, "companies_house_number", "Acme Facilities Ltd is listed twice for lot 1."),
    ]
    assert Appointment.objects.count() == 0


def test_an_import_appoints_and_is_audited(framework, acme, brightside, delta):
    assert sorted(Appointment.objects.values_list("lot__number", "supplier__name", "source", "status")) == [
        (1, "Acme Facilities Ltd", "import", "active"),
        (1, "Brightside Cleaning Ltd", "import", "active"),
        (2, "Delta Services Ltd", "import", "active"),
    ]
    assert AuditEvent.objects.filter(verb="framework.supplier_appointed").count() == 3
    assert AuditEvent.objects.filter(verb="framework.suppliers_imported").count() == 1


def test_suspension_needs_a_reason_and_tells_the_supplier(framework, fiona, brightside, commit, mailoutbox):
    appointment = Appointment.objects.get(supplier=brightside)
    with pytest.raises(Conflict, match="Give the reason"):
        actions.change_appointment(appointment, verb="suspend", by=fiona, reason=" ")
    with commit():
        actions.change_appointment(appointment, verb="suspend", by=fiona, reason="Insurance lapsed")
    appointment.refresh_from_db()
    assert (appointment.status, appointment.status_reason) == ("suspended", "Insurance lapsed")
    assert [m.subject for m in mailoutbox] == [f"You have been suspended from {framework.reference}"]
    actions.change_appointment(appointment, verb="reinstate", by=fiona, reason="Insurance renewed")
    actions.change_appointment(appointment, verb="remove", by=fiona, reason="Left the market")
    with pytest.raises(Conflict, match="removed cannot become active"):
        actions.change_appointment(appointment, verb="reinstate", by=fiona, reason="Back")


# Eligibility and call-off rules ---------------------------------------------------------------
def test_an_ineligible_authority_is_refused(framework, southvale, sam, delta):
    with pytest.raises(PermissionDenied) as refused:
        direct(framework, southvale, delta, sam)
    assert refused.value.message == (
        "Southvale Academy Trust is not named or described among the authorities allowed to use "
        f"{framework.reference} (PA23 s.45)."
    )
    with pytest.raises(PermissionDenied):
        actions.start_further_competition(
            lots(framework)[0],
            authority=southvale,
            by=sam,
            title="T",
            description="D",
            value_excl_vat=Decimal("1000"),
            vat=Decimal("200"),
        )
    assert Contract.objects.count() == 0


def test_a_named_authority_is_eligible_whatever_its_type(crown, fiona, southvale, time_machine):
    time_machine.move_to("2026-12-01 10:00:00+00:00", tick=False)
    framework = draft_framework(crown, fiona)
    actions.set_eligibility(framework, by=fiona, named=[southvale])
    assert actions.is_eligible(framework, southvale) is True


def test_direct_award_makes_a_call_off_with_its_justification(framework, northshire, ian, delta):
    contract = direct(framework, northshire, delta, ian)
    assert (contract.route, contract.framework, contract.framework_lot.number, contract.supplier) == (
        "direct_award",
        framework,
        2,
        delta,
    )
    assert contract.justification == "Ranked first on price for Yorkshire at appointment."
    assert (contract.delivery_postcode, contract.delivery_region, contract.category) == (
        "DL7 8AD",
        "TLE",
        "services",
    )


def test_direct_award_is_refused_where_the_lot_allows_only_competition(framework, northshire, ian, acme):
    with pytest.raises(Conflict, match="Lot 1 allows further competition only"):
        actions.direct_award(
            lots(framework)[0],
            authority=northshire,
            supplier=acme,
            by=ian,
            justification="Cheapest",
            title="T",
            description="D",
            value_excl_vat=Decimal("10"),
            starts_on=date(2027, 1, 1),
            ends_on=date(2027, 12, 31),
            delivery_postcode="DL7 8AD",
            delivery_region="TLE",
        )


def test_direct_award_refuses_suppliers_not_active_on_the_lot(framework, northshire, ian, fiona, acme, delta):
    with pytest.raises(Conflict, match="Acme Facilities Ltd is not an active appointed supplier on lot 2"):
        direct(framework, northshire, acme, ian)
    actions.change_appointment(
        Appointment.objects.get(supplier=delta), verb="suspend", by=fiona, reason="Audit"
    )
    with pytest.raises(Conflict, match="Delta Services Ltd is not an active appointed supplier"):
        direct(framework, northshire, delta, ian)
    with pytest.raises(DomainError, match="Explain why"):
        direct(framework, northshire, delta, ian, justification="")
    assert Contract.objects.count() == 0


def test_a_call_off_may_not_pass_the_lots_maximum_value(framework, northshire, ian, delta):
    direct(framework, northshire, delta, ian, value_excl_vat=Decimal("450000.00"))
    with pytest.raises(Conflict) as refused:
        direct(framework, northshire, delta, ian, value_excl_vat=Decimal("50000.01"))
    assert refused.value.message == (
        "This call-off would take lot 2 past its maximum value of £500,000.00 "
        "(£450,000.00 already called off)."
    )
    assert Contract.objects.count() == 1


# The term's edges -----------------------------------------------------------------------------
def test_a_call_off_on_the_last_day_of_the_term_is_allowed(framework, northshire, ian, delta):
    with time_machine.travel("2028-05-31 23:59:00+01:00", tick=False):
        contract = direct(
            framework, northshire, delta, ian, starts_on=date(2028, 6, 1), ends_on=date(2029, 5, 31)
        )
    assert contract.route == "direct_award"


def test_nothing_can_be_called_off_after_expiry(framework, northshire, ian, delta):
    with time_machine.travel("2028-06-01 00:00:00+01:00", tick=False):
        with pytest.raises(Conflict) as refused:
            direct(framework, northshire, delta, ian, starts_on=date(2028, 6, 1), ends_on=date(2029, 5, 31))
        framework.refresh_from_db()
    assert refused.value.message == (
        f"The framework {framework.reference} ended on 31 May 2028: nothing can be called off it."
    )
    assert framework.status == Framework.Status.EXPIRED
    assert Contract.objects.count() == 0


def test_after_an_extension_call_offs_continue_to_the_new_end(framework, northshire, ian, fiona, delta):
    with time_machine.travel("2028-05-01 12:00:00+01:00", tick=False):
        actions.extend(framework, by=fiona, new_end=date(2029, 5, 31), reason="Replacement delayed")
    framework.refresh_from_db()
    assert (framework.ends_on, framework.original_ends_on) == (date(2029, 5, 31), TERM_END)
    with time_machine.travel("2028-06-01 09:00:00+01:00", tick=False):
        contract = direct(
            framework, northshire, delta, ian, starts_on=date(2028, 7, 1), ends_on=date(2029, 6, 30)
        )
    assert contract.framework == framework
    with (
        time_machine.travel("2029-06-01 00:00:01+01:00", tick=False),
        pytest.raises(Conflict, match="ended on 31 May 2029"),
    ):
        direct(framework, northshire, delta, ian, starts_on=date(2029, 7, 1), ends_on=date(2030, 6, 30))


def test_an_extension_beyond_what_the_framework_provides_is_refused(framework, fiona):
    with pytest.raises(DomainError, match="may be extended to 31 May 2029 at the latest"):
        actions.extend(framework, by=fiona, new_end=date(2029, 6, 1), reason="More time")
    framework.refresh_from_db()
    assert framework.ends_on == TERM_END


def test_everyone_involved_is_warned_before_expiry_once(
    framework, northshire, ian, delta, commit, mailoutbox
):
    direct(framework, northshire, delta, ian)
    mailoutbox.clear()
    with time_machine.travel("2028-03-02 08:00:00+00:00", tick=False), commit():
        assert actions.apply_due_transitions() == 1
        actions.apply_due_transitions()
    subject = f"{framework.reference} ends on 31 May 2028"
    recipients = sorted(m.to[0] for m in mailoutbox if m.subject == subject)
    assert recipients == [
        "alice@acme.example",
        "carol@brightside.example",
        "dev@delta.example",
        "fiona@crown.example",
        "helen@northshire.example",
        "ian@northshire.example",
    ]
    with time_machine.travel("2028-05-01 08:00:00+01:00", tick=False), commit():
        actions.apply_due_transitions()
    assert sorted(ExpiryWarning.objects.values_list("days", flat=True)) == [30, 90]
    assert len([m for m in mailoutbox if m.subject == subject]) == 12
    with time_machine.travel("2028-06-01 00:30:00+01:00", tick=False), commit():
        actions.apply_due_transitions()
    framework.refresh_from_db()
    assert framework.status == "expired"
    assert len([m for m in mailoutbox if m.subject == f"{framework.reference} has expired"]) == 6


def test_a_late_start_sends_only_the_nearest_warning(framework, commit, mailoutbox):
    with time_machine.travel(date(2028, 5, 31) - timedelta(days=10), tick=False), commit():
        actions.apply_due_transitions()
    assert sorted(ExpiryWarning.objects.values_list("days", flat=True)) == [30, 90]
    assert len([m for m in mailoutbox if "ends on" in m.subject]) == 4  # Fiona and the three suppliers


# Appointments from a Tenderbox award ----------------------------------------------------------
def test_the_highest_ranked_tenders_are_appointed_from_the_award(
    opened, northshire, ian, jo, acme, brightside
):
    from tenderbox.evaluation import actions as evaluation
    from tenderbox.tenders.models import CpvCode
    from tests.test_evaluation import _evaluate

    procurement, acme_v, brightside_v = opened
    framework = actions.create_framework(
        owner=northshire,
        by=ian,
        title="Grounds framework",
        description="Parks",
        starts_on=date(2027, 1, 1),
        ends_on=date(2030, 12, 31),
        procurement=procurement,
    )
    for title, suppliers in (("North", 2), ("South", 2)):
        actions.add_lot(
            framework,
            by=ian,
            title=title,
            scope="Parks",
            max_value=Decimal("900000"),
            call_off_method="further_competition",
            max_suppliers=suppliers,
            cpv_codes=[CpvCode.objects.get(code="77310000-6")],
        )
    actions.set_eligibility(framework, by=ian, named=[northshire])
    framework = actions.go_live(framework, by=ian)
    with pytest.raises(Conflict, match="once the procurement's award is decided"):
        actions.appoint_from_award(framework, by=ian)
    _evaluate(procurement, [acme_v, brightside_v], jo, ian, [4, 3])
    awarded = evaluation.award(procurement, by=ian, winners={})
    actions.appoint_from_award(framework, by=ian)
    assert sorted(Appointment.objects.values_list("lot__number", "supplier__name", "source", "award_id")) == [
        (1, "Acme Facilities Ltd", "award", awarded.awards.get(lot__number=1).pk),
        (1, "Brightside Cleaning Ltd", "award", None),
        (2, "Acme Facilities Ltd", "award", awarded.awards.get(lot__number=2).pk),
    ]
    assert actions.appoint_from_award(framework, by=ian) == []  # twice appoints nobody twice
    with time_machine.travel(awarded.standstill_ends_at + timedelta(seconds=1), tick=False):
        evaluation.enter_contract(awarded, by=ian)
    assert Contract.objects.count() == 0  # the framework agreement is the contract; call-offs come later


def test_a_framework_going_live_late_in_its_term_warns_at_once(
    crown, fiona, time_machine, commit, mailoutbox
):
    time_machine.move_to("2028-05-11 10:00:00+01:00", tick=False)
    framework = actions.go_live(draft_framework(crown, fiona), by=fiona)
    assert framework.next_transition_at <= timezone.now()
    with commit():
        actions.apply_due_transitions()
    assert sorted(ExpiryWarning.objects.values_list("days", flat=True)) == [30, 90]
    assert [m.subject for m in mailoutbox] == [f"{framework.reference} ends on 31 May 2028"]


def test_the_framework_pages_render_for_the_public_the_owner_and_an_eligible_buyer(
    client, framework, fiona, ian, northshire, delta
):
    from tests.conftest import sign_in

    public = client.get(f"/frameworks/{framework.reference}/")
    text = public.content.decode()
    assert public.status_code == 200
    assert (
        "Local authority" in text
        and "Delta Services Ltd" in text
        and "Start a further competition" not in text
    )
    assert client.get("/frameworks/").status_code == 200
    sign_in(client, ian)
    text = client.get(f"/frameworks/{framework.reference}/").content.decode()
    assert "Start a further competition on lot 1" in text and "Direct award on lot 2" in text
    assert "Direct award on lot 1" not in text
    contract = direct(framework, northshire, delta, ian)
    page = client.get(f"/contracts/{contract.pk}/")
    assert page.status_code == 200
    assert "Spend to date" in page.content.decode()  # the spend app's section
    assert "KPIs and performance" in page.content.decode()  # the performance app's section
    sign_in(client, fiona)
    assert client.get(f"/managing/frameworks/{framework.pk}/").status_code == 200
    assert client.get(f"/contracts/{contract.pk}/").status_code == 200
