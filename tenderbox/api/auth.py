"""Who is calling the API: a person signed in to the site, or an organisation's API token."""

from dataclasses import dataclass
from datetime import timedelta

from django.http import Http404
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from tenderbox.api.models import ApiToken, hash_token
from tenderbox.lib.errors import PermissionDenied
from tenderbox.organisations.models import Membership


@dataclass(frozen=True)
class Principal:
    """The caller: a user, and for a token the one organisation (and scope) it is limited to."""

    user: object
    token: ApiToken | None = None

    def __str__(self):
        # The throttle's key: one bucket per person, and one per token.
        return f"user:{self.user.pk}:token:{self.token.pk if self.token else '-'}"

    @property
    def organisation_id(self) -> int | None:
        return self.token.organisation_id if self.token else None

    def can_write(self) -> bool:
        return self.token is None or self.token.scope == ApiToken.Scope.WRITE

    def require_write(self) -> None:
        if not self.can_write():
            raise PermissionDenied("This API token is read-only.")

    def organisation_for(self, organisation_id: int | None) -> int:
        """The organisation a request acts for: a token's own, or the one a signed-in person names."""
        if self.token is not None:
            if organisation_id not in (None, self.token.organisation_id):
                raise Http404("No such organisation.")
            return self.token.organisation_id
        if organisation_id is None:
            from tenderbox.lib.errors import DomainError

            raise DomainError("Name the organisation you act for with ?organisation=<id>.")
        return organisation_id

    def check_object_organisation(self, organisation_id: int) -> None:
        """A token never reaches another organisation's objects, whatever its creator can see."""
        if self.token is not None and organisation_id != self.token.organisation_id:
            raise Http404("Not found.")


class TokenAuth(HttpBearer):
    """`Authorization: Bearer tbx_…`. Refused when revoked, expired, or its creator is no longer a
    member of the organisation."""

    def authenticate(self, request, token):
        if not token.startswith("tbx_") or len(token) > 100:
            return None
        api_token = ApiToken.objects.select_related("created_by").filter(token_hash=hash_token(token)).first()
        if api_token is None or api_token.status != "active":
            return None
        user = api_token.created_by
        if (
            not user.is_active
            or not Membership.objects.filter(user=user, organisation_id=api_token.organisation_id).exists()
        ):
            return None
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        return Principal(user=user, token=api_token)


class SessionAuth(APIKeyCookie):
    """A person signed in to the site (with CSRF protection on writes)."""

    param_name = "sessionid"

    def __init__(self):
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def authenticate(self, request, key):
        if request.user.is_authenticated:
            return Principal(user=request.user)
        return None
