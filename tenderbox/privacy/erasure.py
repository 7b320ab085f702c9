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

from functools import cache

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Cast, Concat, Upper
from django.utils import timezone

from tenderbox.audit.chain import record
from tenderbox.privacy.map import Category, Erasure, Field, privacy_map

USER_LABEL = "accounts.User"

# The value each field declared ANONYMISE on the account takes (kept unique where the field is), as an
# expression of the row, so that one UPDATE writes a whole batch of accounts.
PLACEHOLDERS = {
    "email": lambda: Concat(Value("erased-"), Cast("pk", models.CharField()), Value("@invalid.tenderbox")),
    "full_name": lambda: Value("Erased user"),
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


def _account_changes() -> dict:
    """The map's ANONYMISE and BLANK declarations on the account, as {field: value or expression}:
    the same for every account, so a batch is one statement (bulk_update's CASE for each row and
    field cost the retention job half its time)."""
    user_model = get_user_model()
    changes = {}
    for entry in privacy_map().for_model(USER_LABEL):
        if entry.erasure == Erasure.ANONYMISE:
            if entry.field == "password":
                # One unusable password for the batch: it never matches anything, whoever has it.
                changes["password"] = make_password(None)
            elif entry.field in PLACEHOLDERS:
                changes[entry.field] = PLACEHOLDERS[entry.field]()
            else:
                raise ImproperlyConfigured(
                    f"{USER_LABEL}.{entry.field} is declared ANONYMISE: add its placeholder to "
                    "privacy/erasure.py PLACEHOLDERS."
                )
        elif entry.erasure == Erasure.BLANK:
            field = user_model._meta.get_field(entry.field)
            changes[entry.field] = None if field.null else ""
    return changes


def anonymise_user(user, *, reason: str, by=None, verb: str = "user.anonymised") -> dict:
    """Anonymise the account in place and delete what belongs to the person; idempotent.

    `reason` is a short code kept in the audit event (a retention rule key, or an erasure request's
    reference); `by` is the staff member, or None for the retention job. Returns what was done, as
    counts (nothing personal), which is also the audit event's `after` ({} if already erased).
    """
    return anonymise_users([user], reason=reason, by=by, verb=verb).get(user.pk, {})


def _cascades(model) -> bool:
    """Whether deleting a row deletes others too (children, many-to-many rows): then a delete's
    count is not the number of the person's own rows, and each person's rows are deleted apart."""
    return bool(model._meta.many_to_many) or any(
        rel.on_delete is models.CASCADE for rel in model._meta.related_objects
    )


def anonymise_users(users, *, reason: str, by=None, verb: str = "user.anonymised", locked: bool = False):
    """`anonymise_user` for many accounts at once, by account id: the same changes, counts and one
    audit event each, with a few statements per table for all of them instead of a dozen per person
    (the retention job anonymises thousands a day). `locked`: the caller read `users` with their rows
    locked in its transaction (retention's batches), so they are not read again and no savepoint is
    made (an error ends that transaction). Accounts already erased are left out. The objects given
    are not changed: read the accounts again to see them anonymised.
    """
    from tenderbox.audit.models import AuditEvent

    user_model = get_user_model()
    with transaction.atomic(savepoint=not locked):
        if not locked:
            users = user_model.objects.select_for_update().filter(pk__in=[u.pk for u in users]).order_by("pk")
        users = [u for u in users if u.erased_at is None]
        if not users:
            return {}
        ids = [u.pk for u in users]
        deleted = {pk: {} for pk in ids}

        def count(pk, label, n):
            if n:
                deleted[pk][label] = deleted[pk].get(label, 0) + n

        def delete(model, rows, by_person):
            """Delete `rows`; `by_person` groups them by account id (a column or an annotation)."""
            label = model._meta.label_lower
            if _cascades(model):
                for pk in set(rows.values_list(by_person, flat=True).distinct().order_by()):
                    n, _ = model._default_manager.filter(
                        pk__in=rows.filter(**{by_person: pk}).values("pk")
                    ).delete()
                    count(pk, label, n)
                return
            tally = rows.values_list(by_person).annotate(n=models.Count("pk")).order_by()
            found = [(pk, n) for pk, n in tally if n]
            if found:
                model._default_manager.filter(pk__in=rows.values("pk")).delete()
                for pk, n in found:
                    count(pk, label, n)

        for model, name in person_links():
            delete(model, model._default_manager.filter(**{f"{name}__in": ids}), name)
        # Rows sent to an address before (or beside) the account: matched as email__iexact matches,
        # upper() on both sides, computed by the database.
        addresses = user_model.objects.filter(pk__in=ids).annotate(address=Upper("email"))
        owner = dict(addresses.values_list("address", "pk"))
        for model, name in address_fields():
            rows = model._default_manager.annotate(_address=Upper(name)).filter(_address__in=list(owner))
            rows = rows.annotate(
                _person=models.Case(*(models.When(_address=a, then=pk) for a, pk in owner.items()))
            )
            delete(model, rows, "_person")
        # The personal columns of their audit events: their own, and those with no actor about them.
        events = AuditEvent.objects.filter(Q(actor_id__in=ids) | Q(actor_id=None, subject_user_id__in=ids))
        events = events.exclude(personal_salt="")
        redacted = dict.fromkeys(ids, 0)
        for actor_id, subject_id, n in (
            events.values_list("actor_id", "subject_user_id").annotate(n=models.Count("pk")).order_by()
        ):
            redacted[actor_id if actor_id in redacted else subject_id] += n
        if any(redacted.values()):
            events.update(actor_label="", ip_address=None, personal_salt="")
        changes = _account_changes()
        user_model.objects.filter(pk__in=ids).update(**changes, is_active=False, erased_at=timezone.now())
        summaries = {}
        for user in users:
            summaries[user.pk] = {
                "reason": reason,
                "fields": sorted(changes),
                "deleted": deleted[user.pk],
                "audit_redacted": redacted[user.pk],
            }
            record(verb, actor=by, obj=user, subject=user, after=summaries[user.pk])
    return summaries


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
