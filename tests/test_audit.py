"""The audit trail: hash-chained, verifiable, append-only on PostgreSQL, erasable without breaking."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from tenderbox.audit.chain import appending_together, record, redact_person, verify
from tenderbox.audit.models import AuditEvent

postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL trigger")


def _raw_sql(sql, params=()):
    """Edit the table behind the application's back, as an attacker with database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


@pytest.fixture
def trail(alice, acme, bob):
    # alice + acme + bob: sign-up events of the fixtures, then three more.
    for n in range(3):
        record("test.event", actor=alice, organisation=acme, after={"n": n})
    return AuditEvent.objects.count()


def test_an_untouched_trail_verifies(trail, capsys):
    call_command("audit", "verify")
    assert f"Audit chain verified: {trail} events." in capsys.readouterr().out


def test_events_recorded_together_are_chained_in_order_when_the_block_ends(trail, alice, acme):
    with transaction.atomic(), appending_together():
        for n in range(3):
            record("test.together", actor=alice, organisation=acme, after={"n": n})
        assert not AuditEvent.objects.filter(verb="test.together").exists()
    record("test.after", actor=alice)
    together = AuditEvent.objects.filter(verb="test.together").order_by("seq")
    assert [(e.seq, e.after, e.actor_label) for e in together] == [
        (trail + 1 + n, {"n": n}, "alice@acme.example") for n in range(3)
    ]
    assert AuditEvent.objects.get(verb="test.after").seq == trail + 4
    assert verify().ok


def test_events_recorded_together_are_not_appended_when_the_block_fails(trail, alice):
    with pytest.raises(ValueError, match="boom"), transaction.atomic(), appending_together():
        record("test.together", actor=alice)
        raise ValueError("boom")
    assert not AuditEvent.objects.filter(verb="test.together").exists()
    assert (AuditEvent.objects.count(), verify().ok) == (trail, True)


def test_an_edited_event_is_reported_as_the_first_broken_one(trail):
    _raw_sql("UPDATE audit_auditevent SET verb = 'user.nothing_to_see' WHERE seq = 2")
    with pytest.raises(CommandError, match=r"broken at event #2: its content does not match its hash"):
        call_command("audit", "verify")


def test_a_deleted_event_is_reported(trail):
    _raw_sql("DELETE FROM audit_auditevent WHERE seq = 3")
    result = verify()
    assert (result.ok, result.broken_seq, result.reason) == (False, 3, "event #3 is missing")


def test_deleting_the_newest_event_is_reported(trail):
    _raw_sql("DELETE FROM audit_auditevent WHERE seq = %s", [trail])
    result = verify()
    assert (result.ok, result.broken_seq) == (False, trail)


def test_an_altered_ip_address_is_reported(trail):
    _raw_sql("UPDATE audit_auditevent SET ip_address = '10.9.9.9' WHERE seq = 1")
    result = verify()
    assert (result.ok, result.broken_seq, result.reason) == (
        False,
        1,
        "its personal details were altered",
    )


def test_erasing_a_person_leaves_the_chain_verifiable(trail, alice):
    redacted = redact_person(alice)
    assert redacted > 0
    assert not AuditEvent.objects.filter(actor_id=alice.pk).exclude(actor_label="").exists()
    assert not AuditEvent.objects.filter(actor_label__icontains="alice").exists()
    assert verify().ok


@postgres_only
def test_postgres_refuses_updates_and_deletes(trail):
    for sql in (
        "UPDATE audit_auditevent SET verb = 'x' WHERE seq = 1",
        "DELETE FROM audit_auditevent WHERE seq = 1",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    # Erasure of the personal columns is the one update allowed.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET actor_label = '', ip_address = NULL, personal_salt = '' "
            "WHERE seq = 1"
        )
    assert verify().ok
