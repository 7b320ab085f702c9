"""The public page cache (lib/pagecache.py) on PostgreSQL: a repeat visit by someone not signed in is
one query, and the page is never out of date. An amendment, an answer, a cancellation, a new
opportunity or a buyer's new name shows on the next request, however it was written; a deadline
closes the page at the deadline; the cookie banner, messages and signed-in people each get their own
page; every request gets its own CSP nonce; nothing read inside a transaction is kept.

The search page's version is a counter that triggers raise when a write commits, so its tests commit
(`transaction=True`): inside a test case's transaction that has written, the search is never cached.
"""

import re
from datetime import timedelta
from importlib import import_module

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tenderbox.organisations.models import Organisation
from tenderbox.tenders import actions
from tenderbox.tenders.models import Procurement, SearchVersion
from tenderbox.tenders.versions import OPPORTUNITY_TABLES, SEARCH_TABLES
from tests.conftest import sign_in
from tests.page_cache_fixtures import page, tables

if connection.vendor != "postgresql":
    pytest.skip(
        "Pages are cached under PostgreSQL's row versions only (run by .ci/run's PostgreSQL step)",
        allow_module_level=True,
    )

REJECTED = '{"analytics":false,"version":1}'


def test_it_serves_a_repeat_visit_from_one_query(client, opportunity):
    path = f"/opportunities/{opportunity.reference}/"
    first, first_queries = page(client, path)
    again, again_queries = page(client, path)

    # A miss reads the version's row, then the page (8 queries); a hit, the version's row alone.
    assert (first_queries, again_queries) == (9, 1)
    assert again == first


def test_each_visit_gets_its_own_nonce_in_the_page_and_the_policy(client, opportunity):
    path = f"/opportunities/{opportunity.reference}/"
    nonces = []
    for _ in range(2):
        response = client.get(path)
        body = re.findall(r'nonce="([^"]+)"', response.content.decode())
        header = re.findall(r"'nonce-([^']+)'", response["Content-Security-Policy"])
        assert len(set(body)) == 1
        assert header == body[:1]  # the policy names the nonce the page uses
        nonces.append(header[0])
    assert nonces[0] != nonces[1]


def test_an_amendment_shows_on_the_next_visit(client, opportunity, ian):
    path = f"/opportunities/{opportunity.reference}/"
    page(client, path)
    new_deadline = opportunity.submission_deadline + timedelta(days=7)
    actions.amend(
        opportunity, by=ian, reason="More time asked for", summary="Deadline moved", new_deadline=new_deadline
    )

    shown, queries = page(client, path)
    assert queries == 9  # a new version: rendered again
    assert "Deadline moved Reason: More time asked for" in shown
    assert timezone.localtime(new_deadline).strftime("%-d %B %Y") in shown


def test_an_answer_shows_on_the_next_visit(client, opportunity, acme, alice, ian):
    path = f"/opportunities/{opportunity.reference}/"
    question = actions.ask_question(opportunity, acme, by=alice, question="Are depots provided?")
    before, _ = page(client, path)
    actions.answer_question(question, by=ian, answer="Yes, two depots.")

    after, _ = page(client, path)
    assert "Are depots provided?" not in before
    assert "<strong>A:</strong> Yes, two depots." in after


def test_a_write_that_bypasses_the_actions_shows_too(client, opportunity, northshire):
    """A bulk update (or the admin site, or SQL by hand) writes a new row version all the same."""
    path = f"/opportunities/{opportunity.reference}/"
    page(client, path)
    Organisation.objects.filter(pk=northshire.pk).update(name="North Shire Council")

    assert "North Shire Council · TBX-" in page(client, path)[0]


def test_the_page_closes_at_the_deadline(client, opportunity):
    path = f"/opportunities/{opportunity.reference}/"
    deadline = opportunity.submission_deadline
    with time_machine.travel(deadline - timedelta(seconds=1), tick=False):
        open_page, _ = page(client, path)
        assert page(client, path)[1] == 1
    with time_machine.travel(deadline, tick=False):
        closed_page, _ = page(client, path)

    assert "to register interest, ask questions and submit a tender" in open_page
    assert "submit a tender" not in closed_page
    assert ">Closed: tenders sealed</strong>" in closed_page


def test_the_cookie_banner_asks_only_those_who_have_not_chosen(client, opportunity):
    path = f"/opportunities/{opportunity.reference}/"
    asked, _ = page(client, path)
    client.cookies["cookies_policy"] = REJECTED
    chosen, _ = page(client, path)
    chosen_again, queries = page(client, path)
    del client.cookies["cookies_policy"]

    assert "Cookies on Tenderbox" in asked
    assert "Cookies on Tenderbox" not in chosen
    assert (chosen_again, queries) == (chosen, 1)
    assert "Cookies on Tenderbox" in page(client, path)[0]


def test_a_message_is_shown_not_a_cached_page(client, opportunity):
    path = f"/opportunities/{opportunity.reference}/"
    page(client, path)
    response = client.post("/cookies", {"analytics": "no", "next": path})
    assert response.status_code == 302

    shown, _ = page(client, path)
    assert "You’ve rejected analytics cookies." in shown
    assert "You’ve rejected analytics cookies." not in page(client, path)[0]


def test_signed_in_people_get_their_own_page(client, opportunity, alice, acme):
    path = f"/opportunities/{opportunity.reference}/"
    anonymous, _ = page(client, path)
    sign_in(client, alice)
    own, _ = page(client, path)
    _, queries_again = page(client, path)

    assert "Register interest" not in anonymous
    assert "Register interest" in own
    assert queries_again > 8  # the whole page again, and the session


def test_the_versions_cover_every_table_the_pages_read(client, opportunity, acme, alice, ian):
    """Where a page starts to show another table, its version must cover it (tenders/versions.py)."""
    question = actions.ask_question(opportunity, acme, by=alice, question="Are depots provided?")
    actions.answer_question(question, by=ian, answer="Yes.")
    with CaptureQueriesContext(connection) as opportunity_queries:
        client.get(f"/opportunities/{opportunity.reference}/")
    with CaptureQueriesContext(connection) as search_queries:
        client.get("/opportunities/?q=parks&cpv=77000000&region=TLE&status=any")

    assert tables(opportunity_queries) <= OPPORTUNITY_TABLES
    assert tables(search_queries) - {SearchVersion._meta.db_table} <= SEARCH_TABLES
    assert Procurement._meta.db_table in tables(search_queries)


def test_the_database_function_is_the_one_versions_makes(db):
    """Tenders migration 0008 froze the function's body: a table added beneath the page needs a new
    migration, and this says so."""
    from django.db import connection

    from tenderbox.tenders import versions

    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [versions.OPPORTUNITY_FUNCTION])
        rows = cursor.fetchall()
    assert rows == [(versions.opportunity_function_body(),)]


def test_every_table_the_search_reads_raises_its_version_at_commit(db):
    """Migration 0006 made the triggers on these tables: a deferred row trigger and a TRUNCATE one."""
    migration = import_module("tenderbox.tenders.migrations.0007_search_version")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text, tgname, tgdeferrable, tginitdeferred, tgenabled FROM pg_trigger "
            "WHERE tgname LIKE 'search_version_%%' ORDER BY 1, 2"
        )
        triggers = cursor.fetchall()

    assert set(migration.TABLES) == SEARCH_TABLES
    assert triggers == [
        row
        for table in sorted(SEARCH_TABLES)
        for row in [
            (table, "search_version_at_commit", True, True, "O"),
            (table, "search_version_at_truncate", False, False, "O"),
        ]
    ]


def test_nothing_read_inside_a_transaction_is_kept(client, opportunity):
    """What a transaction reads may include its own writes, which it may yet roll back."""
    path = f"/opportunities/{opportunity.reference}/"
    with transaction.atomic():
        page(client, path)
        assert page(client, path)[1] == 8
    page(client, path)
    assert page(client, path)[1] == 1


# The search page: its version is a counter raised at commit, so these tests commit. -------------
