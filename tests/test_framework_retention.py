"""The framework-supplier rule (privacy policy 4.1.2): for a supplier appointed to a framework, the 12
months of non-use begin only at the end of the framework's term, extensions included.

Finn Cole trades alone as Cole Grounds and is appointed to Northshire's Facilities framework, which
runs to 30 September 2028. He last signed in on 5 January 2026. Gail Ross runs Ross Gardens, which
is not appointed to anything, and last signed in the same day: her account follows the plain rule.
"""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.utils import timezone

from tenderbox.frameworks import actions as frameworks
from tenderbox.frameworks.models import Appointment
from tenderbox.organisations.actions import register_organisation
from tenderbox.privacy.holds import Holds
from tenderbox.privacy.models import SubjectRequest
from tenderbox.privacy.retention_engine import explain, policy
from tenderbox.privacy.retention_policies import Outcome
from tenderbox.privacy.subject_erasure import _pending_policy, erase
from tests.conftest import make_user, supplier_details
from tests.spend_fixtures import make_framework

LAST_SIGN_IN = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
TERM = "the end of framework FW-2026-0001's term, including extensions"


def _person(email, name, organisation):
    user = make_user(email, name)
    user.last_login = LAST_SIGN_IN
    user.save(update_fields=["last_login"])
    org = register_organisation(by=user, **supplier_details(organisation, "", is_sole_trader=True))
    return user, org


@pytest.fixture
def finn(db):
    return _person("finn@colegrounds.example", "Finn Cole", "Cole Grounds")


@pytest.fixture
def gail(db):
    return _person("gail@rossgardens.example", "Gail Ross", "Ross Gardens")


@pytest.fixture
def facilities(northshire, helen, finn):
    return make_framework(northshire, helen, suppliers=[finn[1]])


def assess(user, day):
    return policy("accounts_lapsed").assess(user, today=day, holds=Holds.in_force())


def test_the_clock_of_an_appointed_supplier_starts_at_the_end_of_the_term(finn, gail, facilities):
    finn_user, gail_user = finn[0], gail[0]
    plain = assess(gail_user, date(2026, 12, 5))
    assert (plain.clock_event, plain.clock_start, plain.due_on) == (
        "the last sign-in",
        date(2026, 1, 5),
        date(2027, 1, 5),
    )
    assert plain.outcome == Outcome.NOT_DUE
    assert assess(gail_user, date(2026, 12, 6)).outcome == Outcome.WARN  # 30 days before

    before = assess(finn_user, date(2029, 8, 30))
    assert (before.outcome, before.clock_event, before.clock_start, before.due_on, before.kept_until) == (
        Outcome.NOT_DUE,
        TERM,
        date(2028, 9, 30),
        date(2029, 9, 30),
        date(2029, 9, 30),
    )
    assert assess(finn_user, date(2029, 8, 31)).outcome == Outcome.WARN  # 30 days before, not earlier


def test_an_extension_moves_the_clock(finn, facilities, helen):
    facilities.extendable_to = date(2029, 9, 30)
    facilities.save(update_fields=["extendable_to"])
    with time_machine.travel("2027-06-01 09:00 +01:00", tick=False):
        frameworks.extend(facilities, by=helen, new_end=date(2029, 9, 30), reason="Re-let delayed")
    extended = assess(finn[0], date(2029, 9, 30))
    assert (extended.outcome, extended.clock_start, extended.due_on) == (
        Outcome.NOT_DUE,
        date(2029, 9, 30),
        date(2030, 9, 30),
    )
    lines = explain("accounts.User", finn[0].pk, now=timezone.make_aware(datetime(2030, 1, 1, 12))).lines
    assert f"Clock starts: {TERM}, on 30 September 2029" in lines
    assert "Due: 30 September 2030 (anonymised then)" in lines


def test_a_notice_sent_before_the_appointment_no_longer_applies(finn, northshire, helen):
    user = finn[0]
    lapsed = policy("accounts_lapsed")
    warned = assess(user, date(2026, 12, 6))
    assert warned.outcome == Outcome.WARN
    with time_machine.travel("2026-12-06 09:00 +00:00", tick=False):
        lapsed.warn(user, warned, now=timezone.now())
    assert assess(user, date(2027, 1, 6)).outcome == Outcome.APPLY  # not yet appointed
    make_framework(northshire, helen, suppliers=[finn[1]])  # appointed before the removal ran
    user.refresh_from_db()
    after = assess(user, date(2027, 1, 6))
    assert (after.outcome, after.due_on) == (Outcome.NOT_DUE, date(2029, 9, 30))
    assert assess(user, date(2029, 8, 31)).outcome == Outcome.WARN  # told again, about the new date


def test_an_appointed_sole_traders_erasure_waits_for_the_rule_then_goes_ahead(finn, facilities):
    user, org = finn
    with time_machine.travel("2027-01-10 09:00 +00:00", tick=False):
        result = erase(user, reference="DSR-FINN")
    user.refresh_from_db()
    assert result.account == "restricted" and user.erased_at is None
    assert [b for b in result.blockers if "framework_supplier" in b] == [
        "1 appointment record(s) kept under framework_supplier until 30 September 2029: 12 months of "
        "non-use, counted only from the end of the framework's term including extensions."
    ]
    appointment = Appointment.objects.get(supplier=org)
    assert result.kept_rows[("frameworks.Appointment", str(appointment.pk))] == "framework_supplier"
    assert [(ln.action, ln.until) for ln in result.lines if ln.label == "frameworks.Appointment"] == [
        ("kept", "30 September 2029")
    ]

    SubjectRequest.objects.create(
        kind="erasure", status="completed", user=user, subject_name="Finn Cole", subject_email=user.email,
        closed_at=timezone.now(),
    )  # fmt: skip
    pending = _pending_policy()
    day_before = pending.assess(user, today=date(2029, 9, 29), holds=Holds.in_force())
    assert (day_before.outcome, day_before.kept_until) == (Outcome.FLOOR, date(2029, 9, 30))
    on_the_day = pending.assess(user, today=date(2029, 9, 30), holds=Holds.in_force())
    assert on_the_day.outcome == Outcome.APPLY
    assert pending.assess(user, today=date(2029, 10, 1), holds=Holds.in_force()).outcome == Outcome.APPLY
    with time_machine.travel("2029-09-30 09:00 +01:00", tick=False):
        pending.apply(user, on_the_day, now=timezone.now())
    user.refresh_from_db()
    assert user.erased_at is not None
    appointment.refresh_from_db()  # the appointment stays in the framework's published record
    assert appointment.supplier_id == org.pk


def test_a_legal_hold_on_the_organisation_outlasts_the_rule(finn, facilities, helen):
    from tenderbox.privacy.holds import place_legal_hold

    user, org = finn
    with time_machine.travel("2027-01-10 09:00 +00:00", tick=False):
        erase(user, reference="DSR-FINN")
    SubjectRequest.objects.create(
        kind="erasure", status="completed", user=user, subject_name="Finn Cole", subject_email=user.email,
        closed_at=timezone.now(),
    )  # fmt: skip
    place_legal_hold(organisation=org, reason="Claim about lot 1", by=helen)
    held = _pending_policy().assess(user, today=date(2029, 10, 1), holds=Holds.in_force())
    assert held.outcome == Outcome.HELD


def test_every_record_an_account_waits_for_has_a_clock(db):
    """A floor or the framework rule over rows with no known clock would keep an erasure waiting for
    good: every model the map puts under one has a clock, and its path is a real lookup."""
    from tenderbox.privacy.map import privacy_map
    from tenderbox.privacy.retention_policies import RECORD_CLOCKS, records_kept_until
    from tenderbox.privacy.subject_erasure import ACCOUNT_FLOORS

    waited_for = {f.model for f in privacy_map().personal if f.retention in ACCOUNT_FLOORS}
    assert waited_for - set(RECORD_CLOCKS) == set()
    for label in RECORD_CLOCKS:
        assert records_kept_until(label, [0], "framework_transactions") == {}
