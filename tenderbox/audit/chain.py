"""Appending to the audit chain, verifying it, and redacting a person out of it."""

import contextlib
import secrets
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC

from django.db import transaction
from django.utils import timezone

from tenderbox.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent, normalise_state


def client_ip(request) -> str | None:
    """The client's address as the web server saw it (the proxy sets REMOTE_ADDR in production)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    verb: str,
    *,
    actor=None,
    organisation=None,
    obj=None,
    subject=None,
    before: dict | None = None,
    after: dict | None = None,
    request=None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction (or a new one when there is none).

    `before` and `after` must hold state, never personal data: the chain keeps them for ever.
    Inside `appending_together()` the event joins the ones appended when that ends.
    """
    fields = {
        "verb": verb,
        "actor_id": getattr(actor, "pk", None),
        "organisation_id": getattr(organisation, "pk", None),
        "subject_user_id": getattr(subject, "pk", None),
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None else "",
        "before": normalise_state(before),
        "after": normalise_state(after),
        "actor_label": actor_label if actor_label is not None else getattr(actor, "email", ""),
        "ip_address": client_ip(request),
    }
    pending = _pending.get()
    if pending is not None:
        if pending.head is None:
            pending.head = _locked_head()
        event = _append(pending.head, fields)
        pending.events.append(event)
        return event
    with transaction.atomic():
        head = _locked_head()
        event = _append(head, fields)
        event.save(force_insert=True)
        head.save(update_fields=["last_seq", "last_hash"])
        return event


def _locked_head() -> AuditChainHead:
    # The head row is made by a migration; get_or_create also survives a database flush.
    return AuditChainHead.objects.select_for_update().get_or_create(pk=1)[0]


def _append(head: AuditChainHead, fields: dict) -> AuditEvent:
    """The next event after `head`, hashed; moves the head (in memory) to it."""
    event = AuditEvent(
        seq=head.last_seq + 1,
        created_at=timezone.now().astimezone(UTC),
        prev_hash=head.last_hash,
        personal_salt=secrets.token_hex(16),
        **fields,
    )
    event.personal_digest = event.compute_personal_digest()
    event.hash = event.compute_hash()
    head.last_seq = event.seq
    head.last_hash = event.hash
    return event


@dataclass
class _Pending:
    head: AuditChainHead | None = None
    events: list = field(default_factory=list)


_pending: ContextVar[_Pending | None] = ContextVar("audit_pending", default=None)


@contextlib.contextmanager
def appending_together():
    """Append the events recorded inside to the chain together, in order, when the block ends: one
    lock of the head, one insert and one update, instead of three statements per event (the
    retention job records an event for each of thousands of accounts in a batch).

    Only inside a transaction that any error ends: the head stays locked until it commits (as after
    any `record`), and an event recorded in a savepoint that rolls back while the transaction goes
    on would still be appended. Nested, the outermost block appends.
    """
    if _pending.get() is not None:
        yield
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("appending_together() needs the caller's transaction.")
    pending = _Pending()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    if pending.events:
        AuditEvent.objects.bulk_create(pending.events)
        pending.head.save(update_fields=["last_seq", "last_hash"])


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def verify(*, chunk_size: int = 2000) -> VerifyResult:
    """Walk the chain from the first event; report the first event that does not hold."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if event.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, f"event #{expected_seq} is missing")
        if event.prev_hash != expected_prev:
            return VerifyResult(False, checked, event.seq, "its link to the previous event is broken")
        if event.compute_hash() != event.hash:
            return VerifyResult(False, checked, event.seq, "its content does not match its hash")
        if not event.personal_erased and event.compute_personal_digest() != event.personal_digest:
            return VerifyResult(False, checked, event.seq, "its personal details were altered")
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.get_or_create(pk=1)[0]
    if head.last_seq != checked or head.last_hash != expected_prev:
        return VerifyResult(
            False,
            checked,
            checked + 1,
            f"the chain ends at #{checked} but its head says #{head.last_seq}",
        )
    return VerifyResult(True, checked)


def redact_person(user) -> int:
    """Blank the personal columns of every event that holds this person's details (erasure).

    Those are the events they did, and the events with no actor that name them (a failed sign-in
    records the address that was typed).

    The chained fields stay, so the chain still verifies; the salt goes too, so the digest can no
    longer be used to confirm a guessed email or address.
    """
    from django.db.models import Q

    return (
        AuditEvent.objects.filter(Q(actor_id=user.pk) | Q(actor_id=None, subject_user_id=user.pk))
        .exclude(personal_salt="")
        .update(actor_label="", ip_address=None, personal_salt="")
    )
