"""The person's cookie choice, kept in the browser: never stored server-side against a person.

PECR reg. 6: nothing but strictly necessary cookies until the person chooses. The choice itself is
strictly necessary (it records the choice) and lives in `cookies_policy`, as JSON such as
`{"analytics":true,"version":1}`, for one year (the GOV.UK cookie-banner pattern). A choice made
under an older `COOKIE_POLICY_VERSION` counts as no choice, so the banner asks again.
"""

import json
from dataclasses import dataclass

from django.conf import settings

POLICY_COOKIE = "cookies_policy"
ANALYTICS_COOKIE = "tb_analytics"
ONE_YEAR = 60 * 60 * 24 * 365

# Raise by one whenever the set of non-essential cookies (or what they are used for) changes: every
# earlier choice then stops counting and the banner asks again. Read at call time, never copied.
COOKIE_POLICY_VERSION = 1


@dataclass(frozen=True)
class Choice:
    analytics: bool
    version: int


def current_choice(request) -> Choice | None:
    """The choice the request's `cookies_policy` records, or None when there is no valid, current one
    (missing, unreadable, or made under an older version of the cookie policy)."""
    raw = request.COOKIES.get(POLICY_COOKIE) if request is not None else None
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # a hand-made request can send anything, even "[[[[…"
        return None
    if not isinstance(data, dict):
        return None
    analytics, version = data.get("analytics"), data.get("version")
    # bool is a subclass of int: {"version": true} is not a version.
    if not isinstance(analytics, bool) or type(version) is not int:
        return None
    if version != COOKIE_POLICY_VERSION:
        return None
    return Choice(analytics=analytics, version=version)


def analytics_accepted(request) -> bool:
    choice = current_choice(request)
    return choice is not None and choice.analytics


def remember_choice(request, response, *, analytics: bool) -> None:
    """Record the choice on the response; rejecting also removes the analytics cookie at once."""
    value = json.dumps({"analytics": analytics, "version": COOKIE_POLICY_VERSION}, separators=(",", ":"))
    set_cookie(response, POLICY_COOKIE, value)
    if not analytics and ANALYTICS_COOKIE in request.COOKIES:
        forget_analytics(response)


def forget_analytics(response) -> None:
    response.delete_cookie(ANALYTICS_COOKIE, samesite="Lax")


def set_cookie(response, name: str, value: str) -> None:
    """One year, first-party, never read by scripts (no page script needs them), Secure in production."""
    response.set_cookie(
        name,
        value,
        max_age=ONE_YEAR,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
