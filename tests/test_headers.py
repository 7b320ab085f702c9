"""Security headers on every page a person can reach: anonymous, a supplier, a buyer."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import sign_in

EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _argument_free_paths():
    """Every URL pattern that takes no arguments (admin and API excepted: they have their own checks)."""
    paths = []

    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                if route.startswith(("admin/", "api/")):
                    continue
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern) and "<" not in route:
                paths.append("/" + route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns)
    return sorted(set(paths))


@pytest.mark.parametrize("who", ["anonymous", "alice", "ian"])
def test_every_page_sends_the_security_headers(client, db, who, request):
    if who != "anonymous":
        request.getfixturevalue("acme" if who == "alice" else "northshire")
        sign_in(client, request.getfixturevalue(who))
    checked = 0
    for path in _argument_free_paths():
        response = client.get(path)
        if response.status_code == 405:
            continue
        for header, value in EXPECTED.items():
            assert response.get(header) == value, (path, header)
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, path
        checked += 1
    assert checked > 20
