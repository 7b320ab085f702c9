"""API endpoints for the signed-in person's organisations and their members."""

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


@router.get("/me", response=MeOut, summary="The signed-in person and their organisations")
def me(request):
    user = request.auth
    return MeOut(
        id=user.pk,
        email=user.email,
        full_name=user.full_name,
        organisations=[_org_out(m) for m in access.memberships_for_user(user)],
    )


@router.get(
    "/organisations/{org_id}/members",
    response=list[MemberOut],
    summary="Members of an organisation",
)
def members(request, org_id: int):
    organisation, _ = access.get_organisation_for_member(request.auth, org_id)
    return [
        MemberOut(id=m.pk, name=m.user.full_name, email=m.user.email, role=m.role)
        for m in organisation.memberships.select_related("user").order_by("user__full_name")
    ]
