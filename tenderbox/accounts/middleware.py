"""Session rules that every request passes through."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

# Pages a person who must set up two-factor sign-in can still reach.
TWO_FACTOR_EXEMPT_PREFIXES = (
    "/account/two-factor",
    "/account/sign-out",
    "/static/",
    "/privacy",
    "/cookies",
    "/accessibility",
    "/contact",
)


class TwoFactorRequiredMiddleware:
    """Ends idle or over-long sessions; holds accounts the sign-up screening held; and sends buyer
    staff and Tenderbox staff who have not passed a second factor to set one up before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            expired = self._session_expired(request)
            if expired:
                logout(request)
                messages.info(request, "You were signed out because your session ended. Sign in again.")
                return redirect(f"{reverse('accounts:sign-in')}?next={request.path}")
            exempt = request.path.startswith(TWO_FACTOR_EXEMPT_PREFIXES)
            # A sign-up held by the fraud screening can use nothing until a person decides.
            screening = getattr(user, "screening", None)
            if (
                screening is not None
                and screening.decision != "cleared"
                and not exempt
                and not request.path.startswith("/account/held")
            ):
                return redirect("accounts:held")
            if not exempt and not user.is_verified() and user.requires_two_factor():
                return redirect("accounts:two-factor")
        return self.get_response(request)

    @staticmethod
    def _session_expired(request) -> bool:
        now = int(time.time())
        session = request.session
        started = session.get("signed_in_at", now)
        last_seen = session.get("last_seen", now)
        if now - started > settings.SESSION_COOKIE_AGE or now - last_seen > settings.SESSION_IDLE_TIMEOUT:
            return True
        # Write at most once a minute: enough for a 30-minute idle timeout, few session writes.
        if now - last_seen >= 60 or "last_seen" not in session:
            session["last_seen"] = now
            session.setdefault("signed_in_at", now)
        return False
