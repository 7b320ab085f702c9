"""The only way to fetch procurements for a person.

- Anyone sees published procurements (and their later states); drafts do not exist for them (404).
- Buyer staff (admin or buyer role) of the procurement's own authority manage it; anyone else gets 404,
  an evaluator of that authority 403.
- Supplier staff (admin or bidder) act for their own supplier organisation only.
"""

import functools

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connections, router
from django.http import Http404

from tenderbox.organisations.access import get_membership
from tenderbox.organisations.models import Membership, Role
from tenderbox.tenders import versions
from tenderbox.tenders.actions import apply_clock
from tenderbox.tenders.models import Clarification, Procurement
from tenderbox.tenders.rules import clock_moves

BUYER_ROLES = (Role.ADMIN, Role.BUYER)
SUPPLIER_ROLES = (Role.ADMIN, Role.BIDDER)


def get_public_procurement(reference: str, user=None) -> Procurement:
    """A published procurement by reference. A further competition is not advertised: it exists only
    for the calling authority's own members and the invited suppliers whose appointment is active;
    for anyone else it is a 404, as if it did not exist."""
    procurements = Procurement.objects.exclude(status=Procurement.Status.DRAFT).select_related(
        "buyer", "main_cpv"
    )
    procurement = procurements.filter(reference=reference).order_by().first()
    if procurement is None:
        raise Http404("No such opportunity.")
    if procurement.is_further_competition and not may_see_competition(user, procurement):
        raise Http404("No such opportunity.")
    return apply_clock(procurement)


HEAD_FIELDS = ("status", "clarification_deadline", "submission_deadline", "next_transition_at")


@functools.cache
def _head_sql(vendor: str) -> str:
    """The head's query, compiled by the ORM once a process: building it again for every hit cost
    as much as running it (1 ms of 2). Its parameters are (DRAFT, reference), in that order."""
    query = (
        Procurement.objects.public()  # a further competition is never public: the full read decides
        .filter(reference="")
        .annotate(page_version=versions.opportunity_version())
        .values(*HEAD_FIELDS, "page_version")
        .order_by()
    )
    sql, params = query.query.sql_with_params()
    if tuple(params) != (Procurement.Status.DRAFT, ""):
        raise ImproperlyConfigured(f"The page head's query changed its parameters: {params!r}")
    return sql


def public_page_head(reference: str, now) -> dict | None:
    """What the page cache needs to serve an advertised procurement's public page to anyone: the
    version of the page (tenders/versions.py) and the moments it reads differently from, in one
    query of one row and no models built (a hit is this and a cache read). None when only the full
    read (`get_public_procurement`) may decide: no such public procurement (`public()`: a further
    competition is not, though its own suppliers may see it), or one the clock moves now."""
    db = connections[router.db_for_read(Procurement)]  # a replica when there is one, as the ORM reads
    with db.cursor() as cursor:
        cursor.execute(_head_sql(db.vendor), [Procurement.Status.DRAFT, reference])
        row = cursor.fetchone()
    if row is None:
        return None
    head = dict(zip((*HEAD_FIELDS, "page_version"), row, strict=True))
    moves = clock_moves(
        status=head["status"],
        submission_deadline=head["submission_deadline"],
        next_transition_at=head["next_transition_at"],
        now=now,
    )
    return None if moves else head


def may_see_competition(user, procurement: Procurement) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if Membership.objects.filter(user=user, organisation_id=procurement.buyer_id).exists():
        return True
    return procurement.competition_invitations.filter(
        appointment__status="active",
        appointment__supplier__memberships__user=user,
        appointment__supplier__memberships__role__in=SUPPLIER_ROLES,
    ).exists()


def buyer_memberships(user):
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(
        user=user, organisation__kind="buyer", role__in=BUYER_ROLES
    ).select_related("organisation")


def procurements_for_buyer(user):
    return Procurement.objects.filter(buyer__in=[m.organisation_id for m in buyer_memberships(user)])


def get_procurement_for_buyer(user, procurement_id) -> Procurement:
    procurement = Procurement.objects.select_related("buyer", "main_cpv").filter(pk=procurement_id).first()
    if procurement is None:
        raise Http404("No such procurement.")
    membership = get_membership(user, procurement.buyer_id)  # 404 for another organisation
    if membership.role not in BUYER_ROLES:
        raise PermissionDenied("Only the authority's buyers can manage its procurements.")
    return apply_clock(procurement)


def get_clarification_for_buyer(user, procurement_id, clarification_id) -> Clarification:
    procurement = get_procurement_for_buyer(user, procurement_id)
    clarification = procurement.clarifications.filter(pk=clarification_id).first()
    if clarification is None:
        raise Http404("No such question.")
    return clarification


def supplier_memberships(user):
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(
        user=user, organisation__kind="supplier", role__in=SUPPLIER_ROLES
    ).select_related("organisation")


def get_supplier_for_user(user, supplier_id):
    """The supplier organisation the person acts for: theirs, with a role that may bid."""
    membership = get_membership(user, supplier_id)
    if membership.organisation.kind != "supplier":
        raise Http404("No such supplier.")
    if membership.role not in SUPPLIER_ROLES:
        raise PermissionDenied("Only the supplier's admins and bidders can do this.")
    return membership.organisation
