"""A cache of whole public pages for people who are not signed in, that is never out of date.

A page is stored under its address and a *version* of everything it shows, read from the database on
every request in one query (docs/decisions/0012-public-page-cache.md). On PostgreSQL the version is
made of row versions: `xmin`, the id of the transaction that wrote the row version, with `ctid`, where
it is stored. Every insert and update writes a new row version, whatever wrote it (an action, the
admin site, a bulk update, SQL by hand), and no two versions of a row share both: a transaction
never reuses the place of a row it replaced itself, and another transaction has another id. So a
change is seen by the next request, and never by a request that read the page's version before the
change committed. The search page, which shows too many rows to read their versions on every
request, reads instead one counter that database triggers raise at the commit of every write to the
tables it shows (tenders/versions.py). A page also stops being served at the first moment its
content depends on the clock (a deadline): `valid_until`.

The cache is bypassed (the page is rendered as usual) when:
- someone is signed in, or the request carries messages to show: the page is theirs alone;
- the database is not PostgreSQL (no row versions: SQLite is for development);
- the request runs inside a transaction it opened, whose writes could still be rolled back (web
  requests do not: no ATOMIC_REQUESTS; a test case's own transaction counts as none, as it does for
  Django's durable atomic blocks, so the test suite on PostgreSQL runs with the cache);
- PAGE_CACHE_SECONDS is 0.

Only complete 200 responses that set no cookie are stored, with the request's CSP nonce replaced by
a placeholder that each request's own nonce replaces again, so the strict CSP still holds.
"""

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache as default_cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csp import get_nonce

NONCE_PLACEHOLDER = b"\x00tenderbox-csp-nonce\x00"  # a NUL never appears in a rendered page


@dataclass(frozen=True)
class Entry:
    body: bytes
    content_type: str
    valid_until: float  # seconds since the epoch


def row_versions_available() -> bool:
    return connection.vendor == "postgresql"


# SQL for the versions of rows, PostgreSQL only. Table names and conditions are constant SQL written
# in the code, never input.
def row_version(table: str) -> str:
    """The version of one row of `table` (a table name or alias of the query)."""
    return f"({table}.xmin::text || {table}.ctid::text)"


def rows_version(table: str, where: str) -> str:
    """The version of a few rows (those beneath one object): every row version, in one digest."""
    versions = "string_agg(xmin::text || ctid::text, ',' ORDER BY ctid)"
    return f"(SELECT md5(coalesce({versions}, '')) FROM {table} WHERE {where})"  # noqa: S608


def in_own_transaction() -> bool:
    """Inside a transaction that this request opened (a test case's own transaction counts as none,
    as for Django's durable atomic blocks: see the module's text)."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def may_cache(request) -> bool:
    """Whether this request may be served from, and stored in, the cache (see the module's text)."""
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method != "GET":
        return False
    if not row_versions_available() or in_own_transaction():
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return len(get_messages(request)) == 0  # reads the messages without marking them shown


@cache
def release() -> str:
    """What changes when Tenderbox is upgraded: its code, its templates and the static files' names (a
    rolling upgrade must not serve the old release's pages from a shared cache). Read once a process."""
    digest = hashlib.sha256(metadata.version("tenderbox").encode())
    package = Path(settings.BASE_DIR, "tenderbox")
    for path in sorted([*package.rglob("*.py"), *package.glob("*/jinja2/**/*.html")]):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT, "staticfiles.json")
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


def _key(name: str, request, version: str, variant: str) -> str:
    parts = "\n".join([release(), request.get_full_path(), version, variant])
    return f"page:{name}:{hashlib.sha256(parts.encode()).hexdigest()}"


def _earliest(times, now: float, as_of: float | None = None) -> float:
    """The first of `times` (datetimes, None ignored) after `as_of` (the moment the page was read for;
    now by default), capped at the cache lifetime. When one came between `as_of` and now, the page is
    already out of date: the result is not in the future, and the page is not stored."""
    since = now if as_of is None else as_of
    limit = now + settings.PAGE_CACHE_SECONDS
    future = [t.timestamp() for t in times if isinstance(t, datetime) and t.timestamp() > since]
    return min([limit, *future])


def cached_page(request, name: str, *, version: str, render, depends_on_times=(), as_of=None):
    """The page `render()` would return, from the cache when it holds this version of it.

    `version` is what the page shows, as read from the database in this request; `depends_on_times`
    are moments from which the page would read differently (deadlines), or a function that returns
    them, called only when the page is rendered (a query a hit must not make); `as_of` (a datetime)
    is the moment the page's queries decide open and closed by, when not the time of the call. Call
    only when `may_cache`.
    """
    from tenderbox.jinja2 import layout_variant

    key = _key(name, request, version, layout_variant(request))
    now = time.time()
    entry = default_cache.get(key)
    if entry is not None and now < entry.valid_until:
        return _response(request, entry)
    times = depends_on_times() if callable(depends_on_times) else depends_on_times
    response = render()
    valid_until = _earliest(times, now, as_of.timestamp() if as_of else None)
    if _storable(request, response) and valid_until > now:
        nonce = str(get_nonce(request) or "").encode()
        body = response.content.replace(nonce, NONCE_PLACEHOLDER) if nonce else response.content
        entry = Entry(body=body, content_type=response["Content-Type"], valid_until=valid_until)
        default_cache.set(key, entry, timeout=max(1, int(valid_until - now)))
    return response


def _storable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        # The page used the CSRF token: it is this browser's and must not be shown to another.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def _response(request, entry: Entry) -> HttpResponse:
    body = entry.body
    nonce = get_nonce(request)
    if NONCE_PLACEHOLDER in body and nonce is not None:
        body = body.replace(NONCE_PLACEHOLDER, str(nonce).encode())
    return HttpResponse(body, content_type=entry.content_type)
