"""Anonymising a person's account in place, driven by the privacy map.

One function for every reason an account is anonymised: retention of an unused account today, a
subject's erasure request (Art. 17) later. The account row stays, so the records that point at it
(tenders, procurement decisions, the audit trail) keep their shape and identify nobody.

What happens to each field and each related row is read from the privacy map, not written here:
- the account's own fields declared `ANONYMISE` get a placeholder (PLACEHOLDERS below; a new one must
  be added there or this module refuses to run), those declared `BLANK` are emptied, and the ones
  declared `UNLINKED` (dates) stay;
- rows that belong to the person, through a link to the account declared `DELETE` that is either a
  link-to-a-person field or a cascading foreign key, are deleted (consents, messages, memberships,
  devices, alerts, tokens...); links declared `FOLLOWS`, `UNLINKED` or `KEEP` stay (the marketing
  suppression entry and a restriction are kept, so no mail reaches the address again);
- rows whose declared `DELETE` email field holds the person's address are deleted (invitations and
  messages sent to the address before it had an account);
- the personal columns of the person's audit events are blanked (`audit.chain.redact_person`).

It does not decide whether the person may be anonymised: a legal hold or a floor stops that, and
the caller checks (`retention_engine.erasure_blockers`).
"""

from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from tenderbox.audit.chain import record, redact_person
from tenderbox.privacy.map import Category, Erasure, Field, privacy_map

USER_LABEL = "accounts.User"

# The value each field declared ANONYMISE on the account takes: kept unique where the field is.
PLACEHOLDERS = {
    "email": lambda user: f"erased-{user.pk}@invalid.tenderbox",
    "full_name": lambda user: "Erased user",
}


@cache
def person_links() -> tuple[tuple[type[models.Model], str], ...]:
    """(model, field) of every foreign key to the account whose rows erasure deletes."""
    user_model = get_user_model()
    pmap = privacy_map()
    links = []
    for model in apps.get_models(include_auto_created=True):
        if model is user_model:
            continue
        for field in model._meta.concrete_fields:
            if not (field.is_relation and field.related_model is user_model):
                continue
            entry = pmap.classification(model._meta.label, field.name)
            if not isinstance(entry, Field) or entry.erasure != Erasure.DELETE:
                continue
            # A DELETE on a non-cascading link that is not a link-to-a-person field (a reviewer named
            # on someone else's record) is about that record, not this person's own rows: kept.
            if entry.category == Category.LINK or field.remote_field.on_delete is models.CASCADE:
                links.append((model, field.name))
    return tuple(sorted(links, key=lambda link: (link[0]._meta.label, link[1])))


@cache
def address_fields() -> tuple[tuple[type[models.Model], str], ...]:
    """(model, field) of every email field declared DELETE outside the account itself."""
    pmap = privacy_map()
    found = []
    for entry in pmap.personal:
        if entry.model == USER_LABEL or entry.erasure != Erasure.DELETE:
            continue
        try:
            model = apps.get_model(entry.model)
            field = model._meta.get_field(entry.field)
        except LookupError:
            continue
        if isinstance(field, models.EmailField):
            found.append((model, entry.field))
    return tuple(sorted(found, key=lambda f: (f[0]._meta.label, f[1])))


def _account_changes(user) -> list[str]:
    """Apply the map's ANONYMISE and BLANK declarations to the account; return the fields changed."""
    changed = []
    for entry in privacy_map().for_model(USER_LABEL):
        if entry.erasure == Erasure.ANONYMISE:
            if entry.field == "password":
                user.set_unusable_password()
            elif entry.field in PLACEHOLDERS:
                setattr(user, entry.field, PLACEHOLDERS[entry.field](user))
            else:
                raise ImproperlyConfigured(
                    f"{USER_LABEL}.{entry.field} is declared ANONYMISE: add its placeholder to "
                    "privacy/erasure.py PLACEHOLDERS."
                )
            changed.append(entry.field)
        elif entry.erasure == Erasure.BLANK:
            field = user._meta.get_field(entry.field)
            setattr(user, entry.field, None if field.null else "")
            changed.append(entry.field)
    return changed


@dataclass(frozen=True)
class Holdings:
    """Which of a person's own rows exist: the links to the account that have rows, and whether
    audit events still hold their details. Found for many people at once (`holdings_of`), so that
    anonymising each of them only touches the tables that hold something of theirs."""

    links: frozenset = frozenset()
    audit: bool = False


def holdings_of(users) -> dict[int, Holdings]:
    """Holdings of each account, by id, from one query per link for the whole list. Exact only while
    the accounts are locked (select_for_update): a new row pointing at a locked account waits."""
    from tenderbox.audit.models import AuditEvent

    ids = [user.pk for user in users]
    links: dict[int, set] = {pk: set() for pk in ids}
    for model, name in person_links():
        for pk in (
            model._default_manager.filter(**{f"{name}__in": ids}).values_list(name, flat=True).distinct()
        ):
            links[pk].add((model, name))
    # The events redact_person blanks: the person's own, and those with no actor about them.
    events = AuditEvent.objects.filter(Q(actor_id__in=ids) | Q(actor_id=None, subject_user_id__in=ids))
    audited = set()
    for actor_id, subject_id in (
        events.exclude(personal_salt="").values_list("actor_id", "subject_user_id").distinct()
    ):
        audited.add(actor_id if actor_id in links else subject_id)
    return {pk: Holdings(frozenset(links[pk]), pk in audited) for pk in ids}


def anonymise_user(
    user, *, reason: str, by=None, verb: str = "user.anonymised", holdings: Holdings | None = None
) -> dict:
    """Anonymise the account in place and delete what belongs to the person; idempotent.

    `reason` is a short code kept in the audit event (a retention rule key, or an erasure request's
    reference); `by` is the staff member, or None for the retention job. `holdings` (from
    `holdings_of`, with the account locked) skips the tables that hold nothing of the person's.
    Returns what was done, as counts (nothing personal), which is also the audit event's `after`.
    """
    user_model = get_user_model()
    with transaction.atomic():
        user = user_model.objects.select_for_update().get(pk=user.pk)
        if user.erased_at is not None:
            return {}
        old_email = user.email
        deleted = {}
        for model, name in person_links():
            if holdings is not None and (model, name) not in holdings.links:
                continue
            count, _ = model._default_manager.filter(**{name: user}).delete()
            if count:
                deleted[model._meta.label_lower] = deleted.get(model._meta.label_lower, 0) + count
        for model, name in address_fields():
            count, _ = model._default_manager.filter(**{f"{name}__iexact": old_email}).delete()
            if count:
                deleted[model._meta.label_lower] = deleted.get(model._meta.label_lower, 0) + count
        fields = _account_changes(user)
        user.is_active = False
        user.erased_at = timezone.now()
        user.save(update_fields=sorted({*fields, "is_active", "erased_at"}))
        redacted = redact_person(user) if holdings is None or holdings.audit else 0
        summary = {"reason": reason, "fields": sorted(fields), "deleted": deleted, "audit_redacted": redacted}
        record(verb, actor=by, obj=user, subject=user, after=summary)
    return summary


def shorten_tender_retention(response, *, by, requested_at=None, request=None):
    """Record a supplier's written request to keep its tender data no longer than it must be (privacy
    policy 4.1.1). The retention job then purges the tender as soon as the Procurement Act floor has
    passed, and never before: the request shortens the 7-year ceiling, not the floor. Idempotent: the
    first request's date stands."""
    from tenderbox.submissions.models import Response

    with transaction.atomic():
        response = Response.objects.select_for_update().get(pk=response.pk)
        if response.shortened_retention_requested_at is None:
            response.shortened_retention_requested_at = requested_at or timezone.now()
            response.save(update_fields=["shortened_retention_requested_at"])
            record(
                "retention.shortening_requested",
                actor=by,
                organisation=response.supplier,
                obj=response,
                after={"requested_at": response.shortened_retention_requested_at},
                request=request,
            )
    return response
