"""The search page's counter version (lib/pagecache.py, tenders/versions.py), with tests that commit:
the counter is raised by triggers when a write commits, so these run with `transaction=True`.

A file of its own because each test ends with a flush of every table (then the data migrations' rows
are restored from their serialized copy): pytest-django runs such tests after all the others, and
pytest-xdist hands out whole files, so no test of another file runs after one of these on a worker.
"""

import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tenderbox.organisations.models import Organisation
from tenderbox.portal import bulk, scale
from tenderbox.portal.demo import generate_scale
from tenderbox.tenders import actions
from tenderbox.tenders.models import CpvCode, Procurement, SearchVersion
from tenderbox.tenders.versions import SEARCH_TABLES
from tests.conftest import draft_procurement
from tests.page_cache_fixtures import page, tables

if connection.vendor != "postgresql":
    pytest.skip(
        "Pages are cached under PostgreSQL's row versions only (run by .ci/run's PostgreSQL step)",
        allow_module_level=True,
    )


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
