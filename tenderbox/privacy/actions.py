"""Consent and objection workflows, each audited."""

from django.db import transaction
from django.utils import timezone

from tenderbox.audit.chain import record
from tenderbox.privacy.models import (
    MARKETING_CONSENT_VERSION,
    MARKETING_CONSENT_WORDING,
    ConsentRecord,
    MarketingSuppression,
    Objection,
)


def give_marketing_consent(user, *, source: str, request=None) -> ConsentRecord:
    """Explicit opt-in, recorded with the wording shown, its version, the time and where."""
    with transaction.atomic():
        consent = ConsentRecord.objects.filter(user=user, purpose="marketing", withdrawn_at=None).first()
        if consent is None:
            consent = ConsentRecord.objects.create(
                user=user,
                purpose="marketing",
                wording=MARKETING_CONSENT_WORDING,
                version=MARKETING_CONSENT_VERSION,
                source=source,
            )
            MarketingSuppression.objects.filter(email=user.email.lower()).delete()  # a new opt-in lifts it
            record("consent.given", actor=user, obj=consent, after={"purpose": "marketing"}, request=request)
    return consent


def withdraw_marketing_consent(user, *, via: str, request=None) -> int:
    """As easy as giving it: one action. Leaves a minimal suppression entry (the address only)."""
    with transaction.atomic():
        withdrawn = 0
        for consent in ConsentRecord.objects.select_for_update().filter(
            user=user, purpose="marketing", withdrawn_at=None
        ):
            withdrawn += consent.withdraw(via=via)
            record(
                "consent.withdrawn",
                actor=user,
                obj=consent,
                after={"purpose": "marketing", "via": via},
                request=request,
            )
        MarketingSuppression.objects.get_or_create(email=user.email.lower())
    return withdrawn


def object_to(user, purpose: str, *, request=None) -> Objection:
    """Art. 21: an objection to a legitimate-interest purpose takes effect at once."""
    with transaction.atomic():
        objection = Objection.objects.filter(user=user, purpose=purpose, ended_at=None).first()
        if objection is None:
            objection = Objection.objects.create(user=user, purpose=purpose, recorded_at=timezone.now())
            record("privacy.objected", actor=user, obj=objection, after={"purpose": purpose}, request=request)
    return objection


MARKETING_SALT = "tenderbox.marketing.unsubscribe"


def marketing_unsubscribe_url(user) -> str:
    from django.conf import settings
    from django.core import signing
    from django.urls import reverse

    token = signing.dumps({"u": user.pk}, salt=MARKETING_SALT)
    return settings.SITE_URL + reverse("privacy:marketing-unsubscribe", args=[token])


def user_from_marketing_token(token: str):
    from django.contrib.auth import get_user_model
    from django.core import signing

    try:
        data = signing.loads(token, salt=MARKETING_SALT)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=data.get("u"), erased_at=None).first()


def send_marketing(*, subject: str, body: str, users) -> int:
    """News of Tenderbox's own services, to those who consented. Each email carries a one-click
    unsubscribe link; consent is checked again by the worker at the moment of sending."""
    from tenderbox.notifications.actions import send_email
    from tenderbox.privacy.checks import may_process

    sent = 0
    for user in users:
        if not may_process(user, "marketing"):
            continue
        url = marketing_unsubscribe_url(user)
        send_email(
            to=user.email,
            user=user,
            subject=subject,
            template="privacy/email/marketing.txt",
            context={"user": user, "body": body, "unsubscribe": url},
            purpose="marketing",
            unsubscribe_url=url,
        )
        sent += 1
    return sent


def submit_complaint(*, name: str, email: str, details: str, user=None, request=None):
    """Record a complaint and acknowledge it at once (the law allows up to 30 days)."""
    from tenderbox.notifications.actions import send_email
    from tenderbox.privacy.models import Complaint

    with transaction.atomic():
        complaint = Complaint.objects.create(
            name=name.strip(),
            email=email.strip(),
            details=details.strip(),
            user=user if user is not None and user.is_authenticated else None,
        )
        complaint.status = Complaint.Status.ACKNOWLEDGED
        complaint.acknowledged_at = timezone.now()
        complaint.save(update_fields=["status", "acknowledged_at"])
        record("privacy.complaint_received", actor=complaint.user, obj=complaint, request=request)
        send_email(
            to=complaint.email,
            user=complaint.user,
            subject="We have received your complaint",
            template="privacy/email/complaint_acknowledged.txt",
            context={"complaint": complaint},
            purpose="privacy_rights",
        )
    return complaint


def close_complaint(complaint, *, outcome: str, by, request=None):
    """Tell the complainant the outcome and their right to complain to the ICO."""
    from tenderbox.lib.errors import Conflict, DomainError
    from tenderbox.notifications.actions import send_email
    from tenderbox.privacy.models import Complaint

    if not outcome.strip():
        raise DomainError("Write the outcome: the complainant is told it.")
    if complaint.status == Complaint.Status.CLOSED:
        raise Conflict("This complaint is already closed.")
    with transaction.atomic():
        complaint.outcome = outcome.strip()
        complaint.status = Complaint.Status.CLOSED
        complaint.closed_at = timezone.now()
        complaint.save(update_fields=["outcome", "status", "closed_at"])
        record("privacy.complaint_closed", actor=by, obj=complaint, request=request)
        send_email(
            to=complaint.email,
            user=complaint.user,
            subject="The outcome of your complaint",
            template="privacy/email/complaint_outcome.txt",
            context={"complaint": complaint},
            purpose="privacy_rights",
        )
    return complaint
