"""The public page cache (lib/pagecache.py) on PostgreSQL: a repeat visit by someone not signed in is
one query, and the page is never out of date. An amendment, an answer, a cancellation, a new
opportunity or a buyer's new name shows on the next request, however it was written; a deadline
closes the page at the deadline; the cookie banner, messages and signed-in people each get their own
page; every request gets its own CSP nonce; nothing read inside a transaction is kept.

The search page's version is a counter that triggers raise when a write commits, so its tests commit
(`transaction=True`): inside a test case's transaction that has written, the search is never cached.
"""

import re
import threading
import time
from datetime import timedelta
from importlib import import_module

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tenderbox.organisations.models import Organisation
from tenderbox.portal import bulk, scale
from tenderbox.portal.demo import generate_scale
from tenderbox.tenders import actions
from tenderbox.tenders.models import CpvCode, Procurement, SearchVersion
from tenderbox.tenders.versions import OPPORTUNITY_TABLES, SEARCH_TABLES
from tests.conftest import draft_procurement, sign_in

if connection.vendor != "postgresql":
    pytest.skip(
        "Pages are cached under PostgreSQL's row versions only (run by .ci/run's PostgreSQL step)",
        allow_module_level=True,
    )

REJECTED = '{"analytics":false,"version":1}'


def page(client, path: str, **kwargs) -> tuple[str, int]:
    """The page's text with the CSP nonce taken out, and the number of queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **kwargs)
    assert response.status_code == 200
    return re.sub(r'nonce="[^"]+"', 'nonce=""', response.content.decode()), len(queries)


def tables(queries) -> set[str]:
    return {name for q in queries for name in re.findall(r'(?:FROM|JOIN) "?(\w+)"?', q["sql"])}


@pytest.fixture
def opportunity(northshire, ian):
    return actions.publish(draft_procurement(northshire, ian), by=ian)


def test_it_serves_a_repeat_visit_from_one_query(client, opportunity):
    path = f"/opportunities/{opportunity.reference}/"
    first, first_queries = page(client, path)
    again, again_queries = page(client, path)

    assert (first_queries, again_queries) == (8, 1)
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
    assert queries == 8  # a new version: rendered again
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
committing = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@committing
def test_a_search_hit_is_one_query_of_the_version(client, opportunity):
    path = "/opportunities/?q=parks"
    first, first_queries = page(client, path)
    with CaptureQueriesContext(connection) as queries:
        again, _ = page(client, path)

    # A miss: the version, the next deadline, the count and the page.
    assert (first_queries, len(queries)) == (4, 1)
    assert tables(queries) == {SearchVersion._meta.db_table}
    assert again == first
    assert "Grounds maintenance for county parks" in again


@committing
def test_search_shows_a_new_opportunity_and_drops_a_cancelled_one_at_once(
    client, opportunity, northshire, ian
):
    assert "1 opportunity" in page(client, "/opportunities/")[0]
    assert page(client, "/opportunities/")[1] == 1
    actions.publish(draft_procurement(northshire, ian, title="Winter gritting"), by=ian)
    after_publish, _ = page(client, "/opportunities/")
    actions.cancel(opportunity, by=ian, reason="Budget withdrawn")
    after_cancel, _ = page(client, "/opportunities/")

    assert "2 opportunities" in after_publish
    assert "Winter gritting" in after_publish
    assert "1 opportunity" in after_cancel
    assert "Grounds maintenance" not in after_cancel


@committing
def test_search_shows_writes_that_bypass_the_actions_at_once(client, opportunity, northshire):
    """A bulk update, SQL by hand, a CPV code added to a procurement, a code's prefix changed."""
    path = "/opportunities/?cpv=45000000"  # construction: not the opportunity's
    assert "0 opportunities" in page(client, path)[0]
    page(client, "/opportunities/?q=parks")

    Organisation.objects.filter(pk=northshire.pk).update(name="North Shire Council")
    assert "North Shire Council · TBX-" in page(client, "/opportunities/?q=parks")[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tenders_procurement SET title = 'County parks upkeep' WHERE id = %s", [opportunity.pk]
        )
    assert ">County parks upkeep</a>" in page(client, "/opportunities/?q=parks")[0]
    opportunity.cpv_codes.add(CpvCode.objects.get(code="45000000-7"))
    assert "1 opportunity" in page(client, path)[0]
    CpvCode.objects.filter(code="45000000-7").update(prefix="99")
    assert "0 opportunities" in page(client, path)[0]


@committing
def test_a_result_leaves_the_open_search_at_its_deadline(client, opportunity, northshire, ian):
    later = actions.publish(draft_procurement(northshire, ian, title="Winter gritting", days=60), by=ian)
    deadline = opportunity.submission_deadline
    with time_machine.travel(deadline - timedelta(seconds=1), tick=False):
        before, _ = page(client, "/opportunities/")
        assert page(client, "/opportunities/")[1] == 1
    with time_machine.travel(deadline, tick=False):
        at_deadline, queries = page(client, "/opportunities/")
        closed, _ = page(client, "/opportunities/?status=closed")

    assert "2 opportunities" in before
    assert (queries, "1 opportunity" in at_deadline) == (4, True)
    assert "Grounds maintenance" not in at_deadline
    assert later.title in at_deadline
    assert "1 opportunity" in closed
    assert "Grounds maintenance" in closed


@committing
def test_writers_in_opposite_orders_do_not_deadlock_on_the_version(opportunity, northshire, ian):
    """One transaction writes a procurement then a buyer; another the buyer then another procurement.
    Raised at the first write, the counter would make them wait on each other (a deadlock); raised at
    commit, the second only waits for the first's commit."""
    other = draft_procurement(northshire, ian, title="Winter gritting")
    before = SearchVersion.objects.get().value
    started = threading.Barrier(2, timeout=10)
    errors = []

    def run(writes):
        try:
            with transaction.atomic():
                for n, write in enumerate(writes):
                    write()
                    if n == 0:
                        started.wait()
                        time.sleep(0.2)  # the other is now waiting for a row this one holds, or writing
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    first = threading.Thread(
        target=run,
        args=[
            [
                lambda: Procurement.objects.filter(pk=opportunity.pk).update(title="First"),
                lambda: Organisation.objects.filter(pk=northshire.pk).update(name="First"),
            ]
        ],
    )
    second = threading.Thread(
        target=run,
        args=[
            [
                lambda: Organisation.objects.filter(pk=northshire.pk).update(town="Second"),
                lambda: Procurement.objects.filter(pk=other.pk).update(title="Second"),
            ]
        ],
    )
    for thread in (first, second):
        thread.start()
    for thread in (first, second):
        thread.join(timeout=30)

    assert errors == []
    assert SearchVersion.objects.get().value == before + 2
    assert Organisation.objects.values_list("name", "town").get(pk=northshire.pk) == ("First", "Second")


def triggers_enabled() -> set[tuple[str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text, tgname, tgenabled FROM pg_trigger "
            "WHERE tgname LIKE 'search_version_%%'"
        )
        return set(cursor.fetchall())


@committing
def test_the_scale_loader_raises_the_version_once_with_the_row_trigger_off(monkeypatch):
    """The COPY load runs with the row trigger off in its own transaction, and raises the counter once."""
    seen = set()
    write = bulk.CopyWriter.write

    def watched(self, rows):
        seen.update(triggers_enabled())
        write(self, rows)

    monkeypatch.setattr(bulk.CopyWriter, "write", watched)
    before = SearchVersion.objects.get().value
    generate_scale(30)

    loaded = {model._meta.db_table for model in scale.loaded_models()} & SEARCH_TABLES
    assert loaded == SEARCH_TABLES - {CpvCode._meta.db_table}  # the vocabulary is never loaded
    assert seen == {
        (table, name, "D" if table in loaded and name == "search_version_at_commit" else "O")
        for table in SEARCH_TABLES
        for name in ("search_version_at_commit", "search_version_at_truncate")
    }
    assert {enabled for _, _, enabled in triggers_enabled()} == {"O"}
    assert SearchVersion.objects.get().value == before + 1
