"""Creating and revoking API tokens: audited, the secret shown once."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from tenderbox.api.models import ApiToken, hash_token
from tenderbox.audit.chain import record
from tenderbox.lib.errors import Conflict

MAX_TOKEN_DAYS = 365


def create_token(organisation, *, by, name: str, scope: str, days: int, request=None) -> tuple[ApiToken, str]:
    secret = ApiToken.new_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(
            organisation=organisation,
            name=name.strip(),
            token_hash=hash_token(secret),
            prefix=secret[:10],
            scope=scope,
            created_by=by,
            expires_at=timezone.now() + timedelta(days=min(days, MAX_TOKEN_DAYS)),
        )
        record(
            "api_token.created",
            actor=by,
            organisation=organisation,
            obj=token,
            after={"scope": scope},
            request=request,
        )
    return token, secret


def revoke_token(token: ApiToken, *, by, request=None) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            raise Conflict("This token is already revoked.")
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record("api_token.revoked", actor=by, organisation=token.organisation, obj=token, request=request)
    return token
