"""Finding every row of every app that holds a person's data, from the privacy map alone.

The access export and erasure both start here, so a model another app declares in its
`personal_data.py` is found without a change to this module. A model's rows are the person's when:

1. a *person key* of the model points at them: a declared foreign key (or one-to-one) to the account,
   a declared link-to-a-person integer column holding their id (the audit trail's `actor_id`), a
   declared email field holding their address (invitations, messages, suppression entries), or one
   of the few columns named in EXTRA_KEYS (django-axes records the address typed as `username`);
2. the person is a sole trader and the row belongs to their organisation: a declared model with a
   foreign key to `organisations.Organisation` (a sole trader's organisation details are their
   personal data; organisations/personal_data.py), for every organisation they are a member of that
   is a sole trader;
3. the model has neither, and the row points (by a foreign key) at a row found by 1-3: it is part of
   that row (a score of the person's evaluation, the pauses of their request, the deliveries of their
   alert).

Sessions hold the account id inside their encoded data, so they are found by decoding (FINDERS).
`tests/test_subject_coverage.py` checks that every declared model is reached by one of these ways.
"""

import base64
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q

from tenderbox.privacy.map import Category, Field, privacy_map

ORGANISATION_LABEL = "organisations.Organisation"

# Columns that name the person by their address but are not email fields.
EXTRA_KEYS = {
    ("axes.AccessAttempt", "username"),
    ("axes.AccessFailureLog", "username"),
    ("axes.AccessLog", "username"),
}


def _may_be_signed_in_as(session_data: str, user_id: str) -> bool:
    """Whether a stored session could be signed in as `user_id`, judged from its payload alone.

    Decoding checks each session's signature, about 0.1 ms a session: seconds for a busy site's
    tens of thousands, for every export and erasure. Django stores `base64(JSON)` (prefixed "." when
    zlib-compressed), then ":timestamp:signature"; the JSON of a signed-in session holds
    `"_auth_user_id":"<id>"`. This is only a filter: a session it lets through is decoded and checked
    properly, and one whose payload it cannot read as JSON (another format) is let through, so no
    session of the person is missed.
    """
    payload = session_data.split(":", 1)[0]
    body = payload.removeprefix(".")
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        if payload.startswith("."):
            raw = zlib.decompress(raw)
    except (ValueError, zlib.error):
        return True
    if not raw.startswith(b"{"):
        return True
    return f'"_auth_user_id":"{user_id}"'.encode() in raw or f'"_auth_user_id":{user_id}'.encode() in raw


def _sessions_of(user) -> list:
    from django.contrib.sessions.models import Session

    found = []
    user_id = str(user.pk)
    rows = Session.objects.values_list("session_key", "session_data").iterator(chunk_size=5000)
    for key, data in rows:
        if not _may_be_signed_in_as(data, user_id):
            continue
        decoded = Session(session_key=key, session_data=data).get_decoded()  # {} if corrupt or tampered
        if str(decoded.get("_auth_user_id", "")) == user_id:
            found.append(key)
    return found


# Models whose rows cannot be found by a column: label -> function(user) -> primary keys.
FINDERS: dict[str, Callable] = {"sessions.Session": _sessions_of}


@dataclass(frozen=True)
class Key:
    """One way a model's row names the person."""

    field: str
    kind: str  # "account", "account_id", "email", "organisation", "parent"
    parent: str = ""  # the parent model's label, for "parent"


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


@cache
def mapped_models() -> tuple[str, ...]:
    """Labels of installed models with at least one declared personal field."""
    labels = {f.model for f in privacy_map().personal}
    return tuple(sorted(label for label in labels if _model(label) is not None))


def person_keys(label: str) -> list[Key]:
    """The declared fields of a model that point at a person, or at their address."""
    model = _model(label)
    user_model = get_user_model()
    keys = []
    for entry in privacy_map().for_model(label):
        field = model._meta.get_field(entry.field)
        if getattr(field, "many_to_many", False):
            continue
        if field.is_relation and field.related_model is user_model:
            keys.append(Key(entry.field, "account"))
        elif (
            not field.is_relation
            and entry.category == Category.LINK
            and isinstance(field, models.IntegerField | models.BigIntegerField)
        ):
            keys.append(Key(entry.field, "account_id"))
        elif isinstance(field, models.EmailField) or (label, entry.field) in EXTRA_KEYS:
            keys.append(Key(entry.field, "email"))
    return keys


def organisation_keys(label: str) -> list[Key]:
    model = _model(label)
    organisation = _model(ORGANISATION_LABEL)
    if model is organisation:
        return [Key("pk", "organisation")]
    return [
        Key(f.name, "organisation")
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is organisation
    ]


# Foreign keys that point at a mapped model but do not make the row part of it: the procurement an
# alert was about is not the procurement's author's data; a score of a tender is its evaluator's.
NOT_PARTS = {("notifications.AlertDelivery", "procurement"), ("evaluation.Score", "version")}


def parent_keys(label: str) -> list[Key]:
    """Cascading foreign keys to other mapped models, for a model with no key of its own: a row that
    is deleted with its parent is part of it."""
    model = _model(label)
    mapped = set(mapped_models())
    return [
        Key(f.name, "parent", f.related_model._meta.label)
        for f in model._meta.concrete_fields
        if f.is_relation
        and f.related_model is not model
        and f.related_model._meta.label in mapped
        and f.remote_field.on_delete is models.CASCADE
        and (label, f.name) not in NOT_PARTS
    ]


def how_found(label: str) -> list[Key]:
    """How rows of a declared model are found for a person (empty: they cannot be)."""
    if label == get_user_model()._meta.label:
        return [Key("pk", "account")]
    if label in FINDERS:
        return [Key("", "finder")]
    own = person_keys(label) + organisation_keys(label)
    return own or parent_keys(label)


def sole_trader_organisations(user) -> list[int]:
    organisation = _model(ORGANISATION_LABEL)
    if user.pk is None:
        return []
    return list(
        organisation.objects.filter(memberships__user=user, is_sole_trader=True).values_list("pk", flat=True)
    )


@dataclass
class Found:
    """A person's rows of one model: all of them (`pks`), and the ones that are theirs (`owned`: found
    by the model's first declared link to a person, by their address, as their sole trader
    organisation's, or as part of a row they own), as against rows that only mention them (a record
    they reviewed). `by_key` says which key found which rows (erasure treats them differently)."""

    label: str
    model: type[models.Model]
    pks: list
    owned: set
    by_key: dict[str, set]
    keys: list[Key]
    where: Q | None = None  # the filter that found them, so reading them needs no list of keys

    @property
    def rows(self):
        qs = self.model._default_manager
        return (qs.filter(self.where) if self.where is not None else qs.filter(pk__in=self.pks)).order_by(
            "pk"
        )


def _key_q(key: Key, user, email: str, organisations: list) -> Q | None:
    if key.kind in ("account", "account_id") and user.pk is None:
        return None  # someone without an account: found by their address only
    if key.kind == "account":
        return Q(pk=user.pk) if key.field == "pk" else Q(**{f"{key.field}_id": user.pk})
    if key.kind == "account_id":
        return Q(**{key.field: user.pk})
    if key.kind == "email":
        return Q(**{f"{key.field}__iexact": email}) if email else None
    if key.kind == "organisation":
        return Q(**{f"{key.field}__in": organisations}) if organisations else None
    return None


def find(user, *, email: str | None = None) -> dict[str, Found]:
    """Every declared model's rows that hold this person's data, by label (models with none left out)."""
    email = (email or user.email).strip()
    organisations = sole_trader_organisations(user)
    found: dict[str, Found] = {}
    pending: list[str] = []
    for label in mapped_models():
        model = _model(label)
        keys = how_found(label)
        if not keys:
            continue
        if keys[0].kind == "finder":
            pks = FINDERS[label](user) if user.pk is not None else []
            if pks:
                found[label] = Found(label, model, pks, set(pks), {"": set(pks)}, keys)
            continue
        if keys[0].kind == "parent":
            pending.append(label)
            continue
        by_key, where = {}, Q()
        for key in keys:
            q = _key_q(key, user, email, organisations)
            if q is not None:
                pks = set(model._default_manager.filter(q).values_list("pk", flat=True))
                if pks:
                    by_key[key.field] = pks
                    where |= q
        if by_key:
            owned = set(by_key.get(keys[0].field, set()))
            for key in keys:
                if key.kind in ("organisation", "email"):
                    owned |= by_key.get(key.field, set())
            pks = sorted(set().union(*by_key.values()), key=str)
            found[label] = Found(label, model, pks, owned, by_key, keys, where)
    # Parts of rows the person owns: repeat until nothing new (a part of a part).
    changed = True
    while changed:
        changed = False
        for label in pending:
            model = _model(label)
            keys = how_found(label)
            by_key = {}
            for key in keys:
                parent = found.get(key.parent)
                if parent is not None and parent.owned:
                    pks = set(
                        model._default_manager.filter(**{f"{key.field}__in": parent.owned}).values_list(
                            "pk", flat=True
                        )
                    )
                    if pks:
                        by_key[key.field] = pks
            if not by_key:
                continue
            pks = sorted(set().union(*by_key.values()), key=str)
            previous = found.get(label)
            if previous is None or set(pks) != set(previous.pks):
                found[label] = Found(label, model, pks, set(pks), by_key, keys)
                changed = True
    return found


def fields_of(label: str) -> list[Field]:
    return privacy_map().for_model(label)


def iter_found(found: dict[str, Found]) -> Iterator[Found]:
    for label in sorted(found):
        yield found[label]
