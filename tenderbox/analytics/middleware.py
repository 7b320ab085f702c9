"""First-party analytics, counted on the server: no third-party script, no JavaScript.

Processing for the register's `effectiveness` purpose (privacy/register.py: consent), so it runs only
when the request carries a current `cookies_policy` that accepts analytics (analytics/consent.py).
For each successful HTML page fetched with GET it then:

1. counts the view in `PageView` under the page's path, without the query string; a page whose
   address carries a value (an id, a reference, an emailed token) is counted under its URL pattern,
   such as `/account/verify/<token>`, so no secret and nothing that points at one person's records
   (`/evaluation/<assignment_id>/`) is ever stored, and the table cannot grow with made-up addresses;
2. keeps the first-party `tb_analytics` cookie, whose only content is the day the browser was last
   counted, and counts the browser once in that day's `DailyVisitors`.

Without that consent it counts nothing and removes any `tb_analytics` cookie the browser still holds
(a choice withdrawn, or made under an older cookie policy).
"""

import logging
import re

from django.db import DatabaseError
from django.utils import timezone

from tenderbox.analytics import actions
from tenderbox.analytics.consent import (
    ANALYTICS_COOKIE,
    POLICY_COOKIE,
    analytics_accepted,
    forget_analytics,
    set_cookie,
)

logger = logging.getLogger(__name__)

_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
_NOT_COUNTED_NAMESPACES = {"admin"}


def counted_path(request) -> str | None:
    """The path to count a page view under, or None for pages that are not counted."""
    match = request.resolver_match
    if match is None or _NOT_COUNTED_NAMESPACES.intersection(match.namespaces):
        return None
    if match.args or match.captured_kwargs:
        return "/" + _CONVERTER.sub(r"<\1>", match.route)
    return request.path_info


def _is_page_view(request, response) -> bool:
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
    )


def _restricted(request) -> bool:
    """A signed-in person whose processing is restricted, or who objected, is not counted (UK GDPR
    Arts. 18, 21): their consent to the cookie does not outweigh it."""
    from tenderbox.privacy.checks import may_process

    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and not may_process(user, "effectiveness"))


class AnalyticsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if POLICY_COOKIE in response.cookies:
            return response  # the person has just chosen: the view set (or removed) the cookies
        if not analytics_accepted(request):
            if ANALYTICS_COOKIE in request.COOKIES:
                forget_analytics(response)
            return response
        if _is_page_view(request, response) and not _restricted(request):
            path = counted_path(request)
            if path is not None:
                self._count(request, response, path)
        return response

    def _count(self, request, response, path: str) -> None:
        day = timezone.localdate()
        new_visitor = request.COOKIES.get(ANALYTICS_COOKIE) != day.isoformat()
        try:
            actions.count_page_view(day=day, path=path, new_visitor=new_visitor)
        except DatabaseError:
            # Counting is never worth failing the page the person asked for.
            logger.exception("Could not count a page view of %s", path)
            return
        if new_visitor:
            set_cookie(response, ANALYTICS_COOKIE, day.isoformat())
