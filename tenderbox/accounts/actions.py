"""Account workflows: sign-up, email verification, two-factor enrolment, password reset.

Each runs in one transaction and writes its audit event there; emails go out after commit.
"""

import secrets
from base64 import b32encode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenderbox.audit.chain import client_ip, record
from tenderbox.lib.errors import Conflict, DomainError
from tenderbox.notifications.actions import send_email
from tenderbox.privacy.actions import give_marketing_consent
from tenderbox.privacy.notices import accept_at_sign_up, current_version_label

User = get_user_model()
VERIFY_SALT = "tenderbox.accounts.verify-email"
RECOVERY_CODE_COUNT = 10


def sign_up(
    *, full_name, email, password, phone="", marketing=False, verified=False, organisation=None, request=None
) -> User:
    """Create an account with the 18+ declaration, the notice version shown and any consent.

    `verified` is for a sign-up that already proved control of the address (an emailed
    invitation's link); otherwise a confirmation link is sent.
    """
    now = timezone.now()
    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=password,
            full_name=full_name.strip(),
            phone=phone.strip(),
            adult_declared_at=now,
            privacy_notice_version=current_version_label(),
            email_verified_at=now if verified else None,
        )
        record("user.signed_up", actor=user, obj=user, request=request)
        accept_at_sign_up(user)
        screen_signup(user, ip=client_ip(request), organisation=organisation, request=request)
        if marketing:
            give_marketing_consent(user, source="sign-up form", request=request)
        if not verified:
            send_verification_email(user)
    return user


def verification_token(user) -> str:
    # The address is signed in, so a link stops working if the address changes.
    return signing.dumps({"u": user.pk, "e": user.email.lower()}, salt=VERIFY_SALT)


def send_verification_email(user) -> None:
    link = settings.SITE_URL + reverse("accounts:verify-email", args=[verification_token(user)])
    send_email(
        to=user.email,
        subject="Confirm your email address for Tenderbox",
        template="accounts/email/verify.txt",
        context={"user": user, "link": link, "days": settings.EMAIL_VERIFICATION_MAX_AGE // 86400},
        purpose="portal_service",
        user=user,
    )


def verify_email(token: str, *, request=None) -> User:
    """Mark the address verified. Raises signing.BadSignature (or SignatureExpired) on a bad link."""
    data = signing.loads(token, salt=VERIFY_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
    user = User.objects.filter(pk=data["u"], email__iexact=data["e"], erased_at=None).first()
    if user is None:
        raise signing.BadSignature("No such account.")
    with transaction.atomic():
        if user.verify_email():
            record("user.email_verified", actor=user, obj=user, request=request)
    return user


def begin_totp_enrolment(user) -> TOTPDevice:
    """An unconfirmed authenticator for the person to scan; replaces any earlier unconfirmed one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def totp_secret(device: TOTPDevice) -> str:
    """The base32 secret people type into an authenticator app when they cannot scan the QR code."""
    return b32encode(device.bin_key).decode().rstrip("=")


def confirm_totp_enrolment(device: TOTPDevice, token: str, *, request=None) -> list[str] | None:
    """Confirm the device with a code from it; returns fresh recovery codes, or None if wrong."""
    if not device.verify_token(token):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _replace_recovery_codes(device.user)
        record("user.two_factor_enabled", actor=device.user, obj=device.user, request=request)
    return codes


def _replace_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def regenerate_recovery_codes(user, *, request=None) -> list[str]:
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
        record("user.recovery_codes_replaced", actor=user, obj=user, request=request)
    return codes


def disable_two_factor(user, *, request=None) -> None:
    if user.requires_two_factor():
        raise Conflict("Two-factor sign-in is required for your account and cannot be turned off.")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        record("user.two_factor_disabled", actor=user, obj=user, request=request)


def send_password_reset(email: str) -> None:
    """Email a reset link if an account uses this address; say nothing either way."""
    user = User.objects.filter(email__iexact=email, is_active=True, erased_at=None).first()
    if user is None:
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = settings.SITE_URL + reverse("accounts:password-reset-confirm", args=[uid, token])
    with transaction.atomic():
        send_email(
            to=user.email,
            subject="Reset your Tenderbox password",
            template="accounts/email/password_reset.txt",
            context={"user": user, "link": link, "minutes": settings.PASSWORD_RESET_TIMEOUT // 60},
            purpose="portal_service",
            user=user,
        )


def reset_password(user, password: str, *, request=None) -> None:
    with transaction.atomic():
        user.set_password(password)
        fields = ["password"]
        if user.email_verified_at is None:
            # The link came to the address, which proves control of it.
            user.email_verified_at = timezone.now()
            fields.append("email_verified_at")
        user.save(update_fields=fields)
        record("user.password_reset", actor=user, obj=user, request=request)


def update_profile(user, *, full_name: str, phone: str, request=None) -> None:
    with transaction.atomic():
        changed = [
            name
            for name, value in (("full_name", full_name), ("phone", phone))
            if getattr(user, name) != value
        ]
        if not changed:
            return
        user.full_name = full_name
        user.phone = phone
        user.save(update_fields=changed)
        # Field names only: the values are personal data and the chain keeps events for ever.
        record("user.profile_updated", actor=user, obj=user, after={"fields": changed}, request=request)


# Sign-up fraud screening ----------------------------------------------------------------------
def screen_signup(user, *, ip: str | None, organisation: dict | None = None, request=None):
    """Score the sign-up with the explainable rules (accounts/screening.py) and hold it for a person's
    review when the score reaches the threshold. Records the rules that fired either way."""
    from datetime import timedelta

    from tenderbox.accounts import screening
    from tenderbox.accounts.models import SignupScreening

    now = timezone.now()
    organisation = organisation or {}
    network = screening.network_of(ip)
    recent = SignupScreening.objects.filter(screened_at__gte=now - timedelta(hours=1))
    facts = screening.Facts(
        email=user.email,
        ip=ip,
        organisation_name=organisation.get("name", ""),
        is_sole_trader=bool(organisation.get("is_sole_trader")),
        companies_house_number=organisation.get("companies_house_number", ""),
        size=organisation.get("size", ""),
        signups_from_ip_last_hour=recent.filter(ip_address=ip).count() if ip else 0,
        signups_from_network_last_day=SignupScreening.objects.filter(
            network=network, screened_at__gte=now - timedelta(days=1)
        ).count()
        if network
        else 0,
    )
    fired = screening.fired_rules(facts)
    total = screening.score(fired)
    held = total >= screening.HOLD_THRESHOLD
    result = SignupScreening.objects.create(
        user=user,
        ip_address=ip,
        network=network,
        score=total,
        rules_fired=",".join(r.code for r in fired),
        decision=SignupScreening.Decision.HELD if held else SignupScreening.Decision.CLEARED,
        screened_at=now,
    )
    record(
        "screening.held" if held else "screening.cleared",
        actor=user,
        obj=result,
        after={"score": total, "rules": [r.code for r in fired]},
        request=request,
    )
    return result


def request_review(screening_record, *, representations: str, request=None):
    """Art. 22C: the person asks for a person to decide, with what they want considered."""
    if screening_record.decision != screening_record.Decision.HELD:
        raise Conflict("Only a held account can be reviewed.")
    with transaction.atomic():
        screening_record.review_requested_at = timezone.now()
        screening_record.representations = representations.strip()
        screening_record.save(update_fields=["review_requested_at", "representations"])
        record(
            "screening.review_requested", actor=screening_record.user, obj=screening_record, request=request
        )
        send_email(
            to=settings.PRIVACY_OFFICER_EMAIL,
            subject="A held sign-up asks for a human review",
            template="accounts/email/review_requested.txt",
            context={"screening": screening_record},
            purpose="fraud_prevention",
        )
    return screening_record


def decide_review(screening_record, *, by, clear: bool, reason: str, request=None):
    if not reason.strip():
        raise DomainError("Give the reasons for the decision: the person is told them.")
    if screening_record.decision != screening_record.Decision.HELD:
        raise Conflict("This sign-up has already been decided.")
    with transaction.atomic():
        screening_record.decision = (
            screening_record.Decision.CLEARED if clear else screening_record.Decision.REFUSED
        )
        screening_record.reviewed_by = by
        screening_record.reviewed_at = timezone.now()
        screening_record.review_reason = reason.strip()
        screening_record.save(update_fields=["decision", "reviewed_by", "reviewed_at", "review_reason"])
        record(
            "screening.reviewed",
            actor=by,
            obj=screening_record,
            subject=screening_record.user,
            after={"decision": screening_record.decision},
            request=request,
        )
        send_email(
            to=screening_record.user.email,
            user=screening_record.user,
            subject="The check of your Tenderbox account is complete",
            template="accounts/email/review_decided.txt",
            context={"screening": screening_record},
            purpose="fraud_prevention",
        )
    return screening_record
