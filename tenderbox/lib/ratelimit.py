"""Rate limits for the forms and endpoints that attackers hammer: a fixed window counter per key in
the cache (Redis in production, so every web process shares it), and a clear 429 page or JSON body."""

import time
from functools import wraps

from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render

from tenderbox.audit.chain import client_ip


def hit(key: str, limit: int, window: int) -> bool:
    """Count one attempt for `key` in the current window; False once `limit` is exceeded."""
    bucket = f"rl:{key}:{int(time.time() // window)}"
    if cache.add(bucket, 1, timeout=window + 5):
        return True
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, timeout=window + 5)
        return True
    return count <= limit


def too_many(request, window: int, *, api: bool = False):
    minutes = max(1, window // 60)
    message = f"Too many attempts. Wait {minutes} minute{'s' if minutes != 1 else ''} and try again."
    if api:
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(
            request, "portal/error.html", {"title": "Too many attempts", "text": message}, status=429
        )
    response["Retry-After"] = str(window)
    return response


def limit_posts(name: str, *, per_ip: int, window: int, per_user: int | None = None):
    """Limit POSTs to a view by client address (and by signed-in person, when given)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                keys = [(f"{name}:ip:{client_ip(request)}", per_ip)]
                if per_user is not None and request.user.is_authenticated:
                    keys.append((f"{name}:user:{request.user.pk}", per_user))
                if not all(hit(key, limit, window) for key, limit in keys):
                    return too_many(request, window)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
