"""Sign-up, sign-in with two-factor, email verification, password reset, the account page."""

from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenderbox.accounts import actions
from tenderbox.accounts.forms import (
    ConfirmTotpForm,
    EmailForm,
    PasswordConfirmForm,
    ProfileForm,
    SetPasswordForm,
    SignInForm,
    SignUpForm,
    TokenForm,
)
from tenderbox.audit.chain import record
from tenderbox.lib.errors import DomainError
from tenderbox.lib.ratelimit import limit_posts
from tenderbox.lib.views import posted, render_form, safe_next
from tenderbox.organisations.access import memberships_for_user
from tenderbox.organisations.actions import find_invitation, sign_up_by_invitation, sign_up_supplier
from tenderbox.organisations.forms import SupplierForm

User = get_user_model()
PENDING_2FA = "pending_two_factor_user"


def axes_username(request, credentials):
    """Lock-out counts by address without regard to case, as sign-in matches it."""
    value = (credentials or {}).get("email") or request.POST.get("email") or ""
    return value.strip().lower()


def locked_out(request, credentials=None, *args, **kwargs):
    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


@require_http_methods(["GET", "POST"])
@limit_posts("sign-up", per_ip=10, window=3600)
def sign_up(request):
    """A new supplier with its organisation, or (through an invitation) a person joining one."""
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    token = request.GET.get("invitation", "")
    invitation = find_invitation(token) if token else None
    data = request.POST if request.method == "POST" else None
    form = SignUpForm(data, invitation=invitation)
    org_form = None if invitation else SupplierForm(data, prefix="org")
    context = {"form": form, "org_form": org_form, "invitation": invitation}
    if request.method != "POST":
        return render(request, "accounts/sign_up.html", context)
    if not (form.is_valid() & (org_form is None or org_form.is_valid())):
        return render_form(request, "accounts/sign_up.html", context, invalid=True)
    person = {k: form.cleaned_data[k] for k in ("full_name", "email", "password", "phone", "marketing")}
    if invitation is None:
        user, _ = sign_up_supplier(person=person, organisation=org_form.cleaned_data, request=request)
        request.session["signed_up_email"] = user.email
        return redirect("accounts:check-email")
    try:
        user, membership = sign_up_by_invitation(person=person, invitation=invitation, request=request)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return render(request, "accounts/sign_up.html", context, status=exc.status)
    login(request, user, backend="tenderbox.accounts.backends.EmailBackend")
    messages.success(request, f"Your account is ready and you have joined {membership.organisation.name}.")
    return redirect("organisations:detail", membership.organisation_id)


def check_email(request):
    return render(request, "accounts/check_email.html", {"email": request.session.get("signed_up_email")})


def verify_email(request, token):
    try:
        user = actions.verify_email(token, request=request)
    except signing.SignatureExpired:
        return render(request, "accounts/verify_failed.html", {"expired": True}, status=400)
    except signing.BadSignature:
        return render(request, "accounts/verify_failed.html", {"expired": False}, status=400)
    messages.success(request, "Your email address is confirmed. You can now sign in.")
    if request.user.is_authenticated and request.user.pk == user.pk:
        return redirect("accounts:dashboard")
    return redirect("accounts:sign-in")


@require_http_methods(["GET", "POST"])
@limit_posts("verify-again", per_ip=10, window=3600)
def resend_verification(request):
    form = EmailForm(posted(request))
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(email__iexact=form.cleaned_data["email"], email_verified_at=None).first()
        if user is not None:
            with transaction.atomic():
                actions.send_verification_email(user)
        request.session["signed_up_email"] = form.cleaned_data["email"]
        return redirect("accounts:check-email")
    return render_form(request, "accounts/resend.html", {"form": form}, invalid=bool(form.errors))


@require_http_methods(["GET", "POST"])
def sign_in(request):
    form = SignInForm(posted(request))
    next_url = safe_next(request, "")
    context = {"form": form, "next": next_url}
    if request.method != "POST":
        return render(request, "accounts/sign_in.html", context)
    if not form.is_valid():
        return render_form(request, "accounts/sign_in.html", context, invalid=True)
    email, password = form.cleaned_data["email"], form.cleaned_data["password"]
    user = authenticate(request, email=email, password=password)
    if getattr(request, "axes_locked_out", False):
        return locked_out(request)
    if user is None or user.erased_at is not None:
        known = User.objects.filter(email__iexact=email).first()
        record("user.sign_in_failed", subject=known, actor_label=email.lower(), request=request)
        form.add_error(None, "Enter the email address and password of your account")
        return render_form(request, "accounts/sign_in.html", context, invalid=True)
    if user.email_verified_at is None:
        form.add_error(
            None,
            "Confirm your email address before signing in: open the link we sent you, or ask for a new one.",
        )
        context["unverified"] = True
        return render_form(request, "accounts/sign_in.html", context, invalid=True)
    if user.has_two_factor():
        request.session[PENDING_2FA] = {"user": user.pk, "backend": user.backend, "next": next_url}
        return redirect("accounts:sign-in-two-factor")
    _complete_sign_in(request, user, user.backend)
    return redirect(next_url or "accounts:dashboard")


def _complete_sign_in(request, user, backend, device=None):
    login(request, user, backend=backend)
    if device is not None:
        otp_login(request, device)
    record(
        "user.signed_in",
        actor=user,
        obj=user,
        after={"two_factor": device is not None},
        request=request,
    )


@require_http_methods(["GET", "POST"])
def sign_in_two_factor(request):
    pending = request.session.get(PENDING_2FA)
    if not pending:
        return redirect("accounts:sign-in")
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        return redirect("accounts:sign-in")
    form = TokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            del request.session[PENDING_2FA]
            _complete_sign_in(request, user, pending["backend"], device)
            return redirect(pending.get("next") or "accounts:dashboard")
        record("user.two_factor_failed", subject=user, actor_label=user.email, request=request)
        form.add_error("token", "The security code is not right. Check your app and try again")
    return render_form(request, "accounts/sign_in_two_factor.html", {"form": form}, invalid=bool(form.errors))


@require_http_methods(["GET", "POST"])
def sign_out(request):
    if request.method == "POST":
        if request.user.is_authenticated:
            record("user.signed_out", actor=request.user, obj=request.user, request=request)
        logout(request)
        messages.success(request, "You have signed out.")
        return redirect("portal:home")
    return render(request, "accounts/sign_out.html")


@login_required
def dashboard(request):
    return render(
        request,
        "accounts/dashboard.html",
        {
            "memberships": memberships_for_user(request.user),
            "two_factor": request.user.has_two_factor(),
            "two_factor_required": request.user.requires_two_factor(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(posted(request), instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        actions.update_profile(
            request.user,
            full_name=form.cleaned_data["full_name"],
            phone=form.cleaned_data["phone"],
            request=request,
        )
        messages.success(request, "Your details are saved.")
        return redirect("accounts:dashboard")
    return render_form(request, "accounts/profile.html", {"form": form}, invalid=bool(form.errors))


def _qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Set up (or see the state of) two-factor sign-in."""
    user = request.user
    if user.has_two_factor() and request.method == "GET":
        return render(
            request,
            "accounts/two_factor_status.html",
            {"required": user.requires_two_factor()},
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or request.method == "GET":
        device = actions.begin_totp_enrolment(user)
    form = ConfirmTotpForm(posted(request))
    if request.method == "POST" and form.is_valid():
        codes = actions.confirm_totp_enrolment(device, form.cleaned_data["token"], request=request)
        if codes is not None:
            otp_login(request, device)
            request.session["recovery_codes"] = codes
            return redirect("accounts:recovery-codes")
        form.add_error("token", "The code is not right. Check the time on your device and try again")
    context = {
        "form": form,
        "secret": actions.totp_secret(device),
        "qr_svg": _qr_svg(device),
        "required": user.requires_two_factor(),
    }
    return render_form(request, "accounts/two_factor_setup.html", context, invalid=bool(form.errors))


@login_required
def recovery_codes(request):
    codes = request.session.pop("recovery_codes", None)
    if not codes:
        return redirect("accounts:two-factor")
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


@login_required
@require_http_methods(["POST"])
def regenerate_recovery_codes(request):
    if not request.user.has_two_factor():
        return redirect("accounts:two-factor")
    request.session["recovery_codes"] = actions.regenerate_recovery_codes(request.user, request=request)
    return redirect("accounts:recovery-codes")


@login_required
@require_http_methods(["GET", "POST"])
def disable_two_factor(request):
    form = PasswordConfirmForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.disable_two_factor(request.user, request=request)
        except DomainError as exc:
            return render(
                request,
                "accounts/two_factor_status.html",
                {"required": True, "error": exc.message},
                status=exc.status,
            )
        messages.success(request, "Two-factor sign-in is turned off.")
        return redirect("accounts:dashboard")
    return render_form(request, "accounts/two_factor_disable.html", {"form": form}, invalid=bool(form.errors))


@require_http_methods(["GET", "POST"])
@limit_posts("password-reset", per_ip=10, window=3600)
def password_reset(request):
    form = EmailForm(posted(request))
    if request.method == "POST" and form.is_valid():
        actions.send_password_reset(form.cleaned_data["email"])
        return render(request, "accounts/password_reset_sent.html", {"email": form.cleaned_data["email"]})
    return render_form(request, "accounts/password_reset.html", {"form": form}, invalid=bool(form.errors))


@require_http_methods(["GET", "POST"])
def password_reset_confirm(request, uidb64, token):
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)), is_active=True)
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "accounts/password_reset_invalid.html", status=400)
    form = SetPasswordForm(posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        actions.reset_password(user, form.cleaned_data["password"], request=request)
        messages.success(request, "Your password has been changed. Sign in with your new password.")
        return redirect("accounts:sign-in")
    return render_form(
        request, "accounts/password_reset_confirm.html", {"form": form}, invalid=bool(form.errors)
    )


# Sign-up screening: the held person's page, and staff review ---------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def held(request):
    from tenderbox.accounts.screening import RULES

    screening = getattr(request.user, "screening", None)
    if screening is None or screening.decision == "cleared":
        return redirect("accounts:dashboard")
    context = {
        "screening": screening,
        "reasons": [RULES[c].explanation for c in screening.rule_codes() if c in RULES],
    }
    if request.method == "POST":
        if screening.decision != "held":
            return render(request, "accounts/held.html", context, status=409)
        actions.request_review(
            screening, representations=request.POST.get("representations", "")[:5000], request=request
        )
        messages.success(request, "A person will review your account and email you the decision.")
        return redirect("accounts:held")
    return render(request, "accounts/held.html", context)


def _staff_only(user):
    if not user.is_staff:
        raise PermissionDenied("Only Tenderbox staff review held sign-ups.")


@login_required
def reviews(request):
    from tenderbox.accounts.models import SignupScreening

    _staff_only(request.user)
    held_list = (
        SignupScreening.objects.filter(decision="held")
        .select_related("user")
        .order_by("review_requested_at", "screened_at")
    )
    return render(request, "accounts/reviews.html", {"held": held_list})


@login_required
@require_http_methods(["GET", "POST"])
def review(request, screening_id):
    from tenderbox.accounts.models import SignupScreening
    from tenderbox.accounts.screening import RULES

    _staff_only(request.user)
    screening = SignupScreening.objects.select_related("user").filter(pk=screening_id).first()
    if screening is None:
        raise Http404("No such sign-up.")
    context = {
        "screening": screening,
        "reasons": [RULES[c].explanation for c in screening.rule_codes() if c in RULES],
    }
    if request.method == "POST":
        decision = request.POST.get("decision")
        try:
            if decision not in ("clear", "refuse"):
                raise DomainError("Choose to clear or refuse the account.")
            actions.decide_review(
                screening,
                by=request.user,
                clear=decision == "clear",
                reason=request.POST.get("reason", ""),
                request=request,
            )
        except DomainError as exc:
            return render(
                request, "accounts/review.html", {**context, "error": exc.message}, status=exc.status
            )
        return redirect("accounts:reviews")
    return render(request, "accounts/review.html", context)
