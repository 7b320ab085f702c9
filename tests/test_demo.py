"""`tenderbox demo`: the known world, and `--scale N` synthetic volume (portal/scale.py) written by
COPY on PostgreSQL or bulk_create elsewhere (portal/bulk.py): exact counts on both databases, the
same rows from both writers, and data the app's pages, search, actions and OCDS export accept."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from tenderbox.accounts.models import User
from tenderbox.audit.chain import verify
from tenderbox.contracts.models import Contract
from tenderbox.frameworks.models import Appointment, Framework, FrameworkLot
from tenderbox.organisations.models import Membership, Organisation
from tenderbox.portal import bulk, scale
from tenderbox.portal.demo import generate_scale
from tenderbox.spend import rules as spend_rules
from tenderbox.spend.models import SpendRecord
from tenderbox.tenders.models import AwardCriterion, Interest, Lot, Procurement

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
MOMENT = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)


class Rollback(Exception):
    pass


def test_demo_is_idempotent(db):
    call_command("demo", quiet=True)
    counts = (User.objects.count(), Organisation.objects.count(), Membership.objects.count())
    assert counts == (13, 7, 12)
    assert Organisation.objects.filter(kind="buyer").count() == 2
    assert Organisation.objects.filter(kind="supplier").count() == 5
    call_command("demo", quiet=True)
    assert (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
    ) == counts
    assert verify().ok


def synthetic_counts() -> dict:
    scale_users = User.objects.filter(email__endswith="@scale.example")
    procurements = Procurement.objects.filter(created_by__in=scale_users)
    frameworks = Framework.objects.filter(created_by__in=scale_users)
    call_offs = Contract.objects.filter(framework__in=frameworks)
    return {
        "users": scale_users.count(),
        "buyers": Organisation.objects.filter(kind="buyer", memberships__user__in=scale_users).count(),
        "suppliers": Organisation.objects.filter(kind="supplier", memberships__user__in=scale_users).count(),
        "procurements": procurements.count(),
        "published": procurements.filter(status="published").count(),
        "closed": procurements.filter(status="closed").count(),
        "drafts": procurements.filter(status="draft").count(),
        "cpv links": Procurement.cpv_codes.through.objects.filter(procurement__in=procurements).count(),
        "lots": Lot.objects.filter(procurement__in=procurements).count(),
        "criteria": AwardCriterion.objects.filter(procurement__in=procurements).count(),
        "interest": Interest.objects.filter(procurement__in=procurements).count(),
        "frameworks": frameworks.count(),
        "framework lots": FrameworkLot.objects.filter(framework__in=frameworks).count(),
        "appointments": Appointment.objects.filter(lot__framework__in=frameworks).count(),
        "call-offs": call_offs.count(),
        "ended call-offs": call_offs.filter(status="ended").count(),
        "spend": SpendRecord.objects.filter(contract__in=call_offs).count(),
        "credit notes": SpendRecord.objects.filter(contract__in=call_offs, amount_excl_vat__lt=0).count(),
    }


EXPECTED_120 = {
    "users": 14,
    "buyers": 2,
    "suppliers": 12,
    "procurements": 120,
    "published": 76,
    "closed": 38,
    "drafts": 6,
    "cpv links": 120,
    "lots": 159,
    "criteria": 240,
    "interest": 251,
    "frameworks": 1,
    "framework lots": 3,
    "appointments": 21,
    "call-offs": 24,
    "ended call-offs": 2,
    "spend": 1200,
    "credit notes": 21,
}


def test_demo_scale_adds_exactly_the_same_world_on_either_database(db):
    with time_machine.travel(MOMENT, tick=False):
        call_command("demo", scale=120, quiet=True)
    assert synthetic_counts() == EXPECTED_120


def test_scale_data_is_valid_for_the_app(db):
    with time_machine.travel(MOMENT, tick=False):
        made = generate_scale(120)
        today = timezone.localdate()
    assert (made["procurements"], made["spend"], made["call_offs"]) == (120, 1200, 24)
    synthetic = Procurement.objects.filter(created_by__email__endswith="@scale.example")
    assert all(sum(p.criteria.values_list("weight", flat=True)) == 100 for p in synthetic)
    assert not synthetic.filter(cpv_codes=None).exists()
    assert not synthetic.filter(published_at__gt=MOMENT).exists()
    assert not synthetic.filter(status="published", submission_deadline__lte=MOMENT).exists()
    call_offs = Contract.objects.filter(framework__created_by__email__endswith="@scale.example")
    # Direct awards only to a supplier appointed to the lot, under a lot that allows them.
    assert not call_offs.exclude(supplier__appointments__lot=models.F("framework_lot")).exists()
    assert not call_offs.filter(framework_lot__call_off_method="further_competition").exists()
    assert not call_offs.exclude(framework__status="live").exists()
    spend = SpendRecord.objects.filter(contract__in=call_offs)
    assert spend.counted().count() == 1200  # public: the buyer's own records
    assert not spend.filter(invoice_date__lt=models.F("contract__starts_on")).exists()
    assert not spend.filter(invoice_date__gt=today).exists()
    assert not spend.filter(paid_on__gt=today).exists()
    assert not spend.filter(amount_excl_vat=0).exists()
    for record in spend:
        assert spend_rules.check_vat(record.amount_excl_vat, record.vat) is None
        assert record.period == spend_rules.month_start(record.invoice_date)
        assert record.transaction_number == record.transaction_number.strip().upper()
    numbers = spend.values_list("contract_id", "transaction_number")
    assert len(set(numbers)) == 1200


def rows_of(shape, seed) -> list:
    world = scale.World(shape, seed=seed, first_id=lambda model: 1, batch=50)
    return [
        (rows.model._meta.label, rows.fields, rows.rows)
        for stage in world.stages()
        for batch in stage.batches()
        for rows in batch.tables
    ]


def test_the_world_is_the_same_for_the_same_seed_and_not_for_another(db):
    shape = scale.Shape(60, spend_per_procurement=3)
    with time_machine.travel(MOMENT, tick=False):
        first, again, other = rows_of(shape, 5), rows_of(shape, 5), rows_of(shape, 6)
    assert first == again
    assert first != other
    assert sum(len(rows) for label, _, rows in first if label == "spend.SpendRecord") == 180


def test_bad_sizes_get_a_clear_message(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="cannot be negative"):
        call_command("demo", scale=10, spend_per_procurement=-1, quiet=True)
    with pytest.raises(ValueError, match="at least 1"):
        generate_scale(0)


def snapshot() -> dict:
    """The synthetic world by natural keys (ids differ between two loads in one database)."""
    procurements = Procurement.objects.filter(created_by__email__endswith="@scale.example")
    spend = SpendRecord.objects.filter(recorded_by__email__endswith="@scale.example")
    return {
        "counts": synthetic_counts(),
        "procurements": list(
            procurements.order_by("reference").values_list(
                "reference", "buyer__name", "title", "value_excl_vat", "vat", "status", "submission_deadline"
            )
        ),
        "lots": list(
            Lot.objects.filter(procurement__in=procurements)
            .order_by("procurement__reference", "number")
            .values_list("procurement__reference", "number", "value_excl_vat")
        ),
        "call-offs": list(
            Contract.objects.filter(awarded_by__email__endswith="@scale.example")
            .order_by("reference")
            .values_list("reference", "supplier__name", "framework_lot__framework__reference", "starts_on")
        ),
        "spend": list(
            spend.order_by("contract__reference", "transaction_number").values_list(
                "contract__reference",
                "transaction_number",
                "invoice_date",
                "paid_on",
                "amount_excl_vat",
                "vat",
                "description",
                "category",
                "recorded_by__email",
            )
        ),
    }


def catalogue() -> list:
    """Every index and constraint of the tables a scale load writes to, as PostgreSQL defines them."""
    tables = [m._meta.db_table for m in scale.loaded_models()]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1, 2",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid::regclass::text = ANY(%s) ORDER BY 1, 2",
            [tables],
        )
        return indexes + cursor.fetchall()


@on_postgresql
def test_copy_writes_exactly_what_bulk_create_writes_and_leaves_every_index_and_constraint(db):
    call_command("demo", quiet=True)
    before = catalogue()
    snapshots, rebuilt = {}, {}
    # COPY rebuilding the tables it at least doubles (and writing the others row by row), COPY
    # keeping every index and constraint as the rows go in (as it does below 10,000 rows), the ORM.
    writers = {
        "copy, rebuilding": bulk.CopyWriter(rebuild_from=0),
        "copy": bulk.CopyWriter(),
        "orm": bulk.OrmWriter(),
    }
    for name, writer in writers.items():
        try:
            with transaction.atomic(), time_machine.travel(MOMENT, tick=False):
                made = generate_scale(120, writer=writer)
                snapshots[name], rebuilt[name] = snapshot(), made["rebuilt"]
                assert catalogue() == before
                raise Rollback
        except Rollback:
            pass
    # The demo world's framework has two eligibility rules: one more is not a bulk load.
    assert {"spend_spendrecord", "tenders_procurement", "accounts_user"} < set(rebuilt["copy, rebuilding"])
    assert "frameworks_eligibilityrule" not in rebuilt["copy, rebuilding"]
    assert rebuilt["copy"] == rebuilt["orm"] == []
    assert snapshots["orm"]["counts"] == EXPECTED_120
    assert snapshots["copy, rebuilding"] == snapshots["copy"] == snapshots["orm"]


@on_postgresql
def test_one_bad_row_fails_the_whole_load_even_in_a_rebuilt_table(db, monkeypatch):
    real = scale.World.spend

    def dangling(self):
        for batch in real(self):
            row = batch.tables[0].rows[0]
            batch.tables[0].rows[0] = (row[0], 987654321, *row[2:])  # no such contract
            yield batch

    monkeypatch.setattr(scale.World, "spend", dangling)
    before = (Procurement.objects.count(), SpendRecord.objects.count(), User.objects.count())
    with pytest.raises(IntegrityError, match="spend_spendrecord_contract_id"):
        generate_scale(30, writer=bulk.CopyWriter(rebuild_from=0))
    assert (Procurement.objects.count(), SpendRecord.objects.count(), User.objects.count()) == before


@on_postgresql
def test_after_copy_search_finds_the_rows_and_new_rows_get_fresh_ids(db):
    from tenderbox.spend.actions import record_spend
    from tenderbox.tenders.search import SearchQuery, search

    made = generate_scale(60, writer=bulk.CopyWriter(rebuild_from=0))
    assert "tenders_procurement" in made["rebuilt"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tenders_procurement WHERE search_vector IS NULL")
        assert cursor.fetchone() == (0,)
    opportunity = Procurement.objects.public().filter(status="published").order_by("pk").first()
    word = opportunity.title.split()[0]
    assert opportunity in search(SearchQuery(text=f"{word} {opportunity.title.split()[-1]}"))
    contract = Contract.objects.filter(status="active").order_by("pk").first()
    highest = SpendRecord.objects.order_by("-pk").first().pk
    record = record_spend(
        contract,
        by=contract.awarded_by,
        amount_excl_vat=Decimal("100.00"),
        vat=Decimal("20.00"),
        invoice_date=timezone.localdate(),
        description="After the load",
        transaction_number="new-1",
    )
    assert record.pk == highest + 1


def test_pages_and_open_data_work_on_scale_data(db, client):
    from tenderbox.publishing import export

    with time_machine.travel(MOMENT, tick=False):
        generate_scale(30, spend_per_procurement=4)
        opportunity = Procurement.objects.public().filter(status="published").order_by("pk").first()
        assert client.get("/opportunities/?q=" + opportunity.title.split()[0]).status_code == 200
        page = client.get(f"/opportunities/{opportunity.reference}/")
        assert page.status_code == 200
        assert opportunity.title in page.content.decode()
        assert client.get("/registers/call-offs/").status_code == 200
        lines = list(export.package_lines("https://tenderbox.example/api/ocds/bulk/releases.jsonl.gz"))
    implementation = sum(line.count(b'"tag":["implementation"]') for line in lines)
    assert implementation == 120  # 30 procurements x 4 records, each one transaction release
