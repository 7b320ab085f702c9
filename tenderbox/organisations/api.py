"""API endpoints for the caller and their organisations' members."""

from ninja import Router, Schema

from tenderbox.organisations import access

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    id: int
    kind: str
    name: str
    trading_name: str
    region: str
    role: str


class MemberOut(Schema):
    id: int
    name: str
    email: str
    role: str


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    organisations: list[OrganisationOut]


def _org_out(membership) -> OrganisationOut:
    org = membership.organisation
    return OrganisationOut(
        id=org.pk,
        kind=org.kind,
        name=org.name,
        trading_name=org.trading_name,
        region=org.region,
        role=membership.role,
    )


@router.get("/me", response=MeOut, summary="The caller and the organisations they act for")
def me(request):
    principal = request.auth
    memberships = access.memberships_for_user(principal.user)
    if principal.token is not None:
        memberships = memberships.filter(organisation_id=principal.organisation_id)
    return MeOut(
        id=principal.user.pk,
        email=principal.user.email,
        full_name=principal.user.full_name,
        organisations=[_org_out(m) for m in memberships],
    )


@router.get("/organisations/{org_id}/members", response=list[MemberOut], summary="Members of an organisation")
def members(request, org_id: int):
    request.auth.check_object_organisation(org_id)
    organisation, _ = access.get_organisation_for_member(request.auth.user, org_id)
    return [
        MemberOut(id=m.pk, name=m.user.full_name, email=m.user.email, role=m.role)
        for m in organisation.memberships.select_related("user").order_by("user__full_name")
    ]
