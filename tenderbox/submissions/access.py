"""The only way to reach responses.

- A supplier's admins and bidders reach their own organisation's response, never a rival's (404).
- Buyers reach tenders only once the procurement's tenders are opened, and only for their own
  authority; before that there is nothing to fetch (409 with the reason).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from tenderbox.lib.errors import Conflict
from tenderbox.organisations.access import get_membership
from tenderbox.organisations.models import Role
from tenderbox.submissions.actions import is_opened
from tenderbox.submissions.models import Response, ResponseDocument, ResponseVersion
from tenderbox.tenders import access as tender_access


def get_response_for_supplier(user, reference: str, supplier_id) -> tuple[object, object, Response | None]:
    procurement = tender_access.get_public_procurement(reference, user)
    supplier = tender_access.get_supplier_for_user(user, supplier_id)
    if not procurement.invites(supplier):
        raise Http404("No such opportunity.")  # a further competition this supplier is not invited to
    response = Response.objects.filter(procurement=procurement, supplier=supplier).first()
    return procurement, supplier, response


def get_own_document(user, reference: str, supplier_id, document_id) -> ResponseDocument:
    _, _, response = get_response_for_supplier(user, reference, supplier_id)
    if response is None:
        raise Http404("No such document.")
    document = response.documents.filter(pk=document_id).first() if _is_uuid(document_id) else None
    if document is None:
        raise Http404("No such document.")
    return document


def _is_uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def get_opened_procurement_for_buyer(user, procurement_id):
    """The procurement, for its own buyers (admin or buyer role), once its tenders are opened."""
    procurement = tender_access.get_procurement_for_buyer(user, procurement_id)
    if not is_opened(procurement):
        raise Conflict("Tenders stay sealed until the deadline has passed and two buyers have opened them.")
    return procurement


def get_version_for_buyer(user, procurement_id, version_id) -> ResponseVersion:
    procurement = get_opened_procurement_for_buyer(user, procurement_id)
    if not _is_uuid(version_id):
        raise Http404("No such tender.")
    version = (
        ResponseVersion.objects.select_related("response__supplier", "response__procurement")
        .filter(pk=version_id, response__procurement=procurement)
        .first()
    )
    if version is None:
        raise Http404("No such tender.")
    return version


def require_buyer_staff(user, procurement) -> None:
    """Opening approvals come from the authority's admins and buyers, never evaluators or others."""
    membership = get_membership(user, procurement.buyer_id)
    if membership.role not in (Role.ADMIN, Role.BUYER):
        raise PermissionDenied("Only the authority's buyers can open tenders.")
