"""Aggregate statistics (publishing/statistics.py, statistics_tables.py, /statistics/): exact figures
from the data, and disclosure control that holds whatever filters are combined.

The world, built through the real actions in 2026: Crown Purchasing's framework has a cleaning lot
(CPV division 90) and a grounds lot (division 77). Northshire County Council (a local authority in
Yorkshire, TLE) calls off cleaning from 22 companies, 12 of them SMEs (Acme, Brightside, Delta and
nine more) and 10 large (Heron, Lark…), and pays each of them in the first and second quarters;
Lark's second-quarter payment is large enough to make most of that quarter. Southshire District
Council (local, South East, TLJ) calls off grounds work from 11 of them and from Priya Shah, a sole
trader (Shah Gardening), and pays them all in the first quarter; only Heron is paid in the second.
Eastmoor NHS Trust (East of England, TLH) buys grounds work from Priya alone, paid in the second
quarter: she is the only supplier of the NHS, of the East of England and of much else, and the
adversary tests try every combination of filters, and every difference and sum of what is shown,
to single her out (or Heron, alone at Southshire in the second quarter).
"""

import csv
import io
import itertools
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from tenderbox.contracts.actions import let_contract
from tenderbox.frameworks.models import Appointment, FrameworkLot
from tenderbox.organisations.actions import register_organisation
from tenderbox.organisations.models import Organisation
from tenderbox.publishing import statistics, statistics_tables
from tenderbox.publishing.models import StatisticsCell, StatisticsRelease
from tenderbox.spend.actions import record_spend
from tenderbox.tenders.models import CpvCode
from tests.conftest import make_user, supplier_details
from tests.spend_fixtures import make_buyer, make_framework

LONDON = timezone.get_fixed_timezone(0)
SMES = [
    "Acme",
    "Brightside",
    "Delta",
    "Kestrel",
    "Osprey",
    "Wren",
    "Finch",
    "Robin",
    "Swift",
    "Merlin",
    "Plover",
    "Linnet",
]
DIVISION_77 = "77 Agricultural, forestry, horticultural, aquacultural and apicultural services"
DIVISION_90 = "90 Sewage, refuse, cleaning and environmental services"
LARGE = ["Heron", "Lark", "Condor", "Eagle", "Falcon", "Gannet", "Ibis", "Jay", "Kite", "Magpie"]


@dataclass
class World:
    companies: list  # 22: the 12 SMEs then the 10 large
    priya: Organisation
    heron: Organisation
    lark: Organisation
    northshire: Organisation
    southshire: Organisation
    eastmoor: Organisation
    release: object


def _company(name: str, number: int, size: str) -> Organisation:
    user = make_user(f"admin@{name.lower()}.example", f"{name} Admin")
    return register_organisation(by=user, **supplier_details(f"{name} Ltd", f"{number:08d}", size=size))


def _call_off(buyer, supplier, by, lot, value, region):
    return let_contract(
        buyer=buyer,
        supplier=supplier,
        by=by,
        route="direct_award",
        title=f"{lot.title} for {buyer.name}",
        description=lot.scope,
        category="services",
        value_excl_vat=Decimal(value),
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        delivery_postcode="DL7 8AD",
        delivery_region=region,
        framework_lot=lot,
        justification="Lowest price on the rate card.",
    )


def _pay(contract, by, amount, day: date, number: str):
    record_spend(
        contract,
        by=by,
        amount_excl_vat=Decimal(amount),
        vat=Decimal(amount) / 5,
        invoice_date=day,
        paid_on=day,
        description="Services for the month",
        transaction_number=number,
    )


def _build_world() -> World:
    fiona = make_user("fiona@crown.stats.example", "Fiona Hale")
    helen = make_user("helen@northshire.stats.example", "Helen Ward")
    sue = make_user("sue@southshire.example", "Sue Hart")
    erin = make_user("erin@eastmoor.example", "Erin Cole")
    priya_user = make_user("priya@shahgardening.example", "Priya Shah")
    with time_machine.travel(datetime(2026, 1, 5, 10, tzinfo=LONDON), tick=False):
        crown = register_organisation(
            by=fiona,
            kind=Organisation.Kind.BUYER,
            name="Crown Purchasing Service",
            authority_type=Organisation.AuthorityType.CENTRAL,
            address_line_1="1 Whitehall",
            town="London",
            postcode="SW1A 2AA",
            region="TLI",
        )
        northshire = register_organisation(
            by=helen,
            kind=Organisation.Kind.BUYER,
            name="Northshire County Council",
            authority_type=Organisation.AuthorityType.LOCAL,
            address_line_1="County Hall",
            town="Northallerton",
            postcode="DL7 8AD",
            region="TLE",
        )
        southshire = make_buyer(sue)
        eastmoor = register_organisation(
            by=erin,
            kind=Organisation.Kind.BUYER,
            name="Eastmoor NHS Trust",
            authority_type=Organisation.AuthorityType.NHS,
            address_line_1="Eastmoor Hospital",
            town="Norwich",
            postcode="NR1 3SR",
            region="TLH",
        )
        priya = register_organisation(
            by=priya_user,
            kind=Organisation.Kind.SUPPLIER,
            name="Priya Shah",
            trading_name="Shah Gardening",
            is_sole_trader=True,
            size=Organisation.Size.MICRO,
            address_line_1="4 Orchard Row",
            town="Guildford",
            postcode="GU1 3AA",
            region="TLJ",
        )
        smes = [_company(name, 20_000_000 + i, Organisation.Size.SME) for i, name in enumerate(SMES)]
        large = [_company(name, 30_000_000 + i, Organisation.Size.LARGE) for i, name in enumerate(LARGE)]
        companies = smes + large
        framework = make_framework(crown, fiona, suppliers=[*companies, priya])
        cleaning = framework.lots.get(number=1)
        cleaning.cpv_codes.add(CpvCode.objects.get(code="90910000-9"))
        grounds = FrameworkLot.objects.create(
            framework=framework,
            number=2,
            title="Grounds",
            scope="Grounds maintenance",
            max_value=Decimal("5000000.00"),
            call_off_method=FrameworkLot.CallOff.BOTH,
            direct_award_criteria="Lowest price on the rate card",
        )
        grounds.cpv_codes.add(CpvCode.objects.get(code="77310000-6"))
        for supplier in [*companies, priya]:
            Appointment.objects.create(
                lot=grounds, supplier=supplier, source=Appointment.Source.IMPORT, appointed_by=fiona
            )
        north = [
            _call_off(northshire, s, helen, cleaning, 100_000 + 1_000 * i, "TLE")
            for i, s in enumerate(companies)
        ]
        south_suppliers = companies[:6] + companies[12:17]  # 6 SMEs (Acme…), 5 large (Heron…)
        south = [
            _call_off(southshire, s, sue, grounds, 50_000 + 1_000 * i, "TLJ")
            for i, s in enumerate(south_suppliers)
        ]
        priya_south = _call_off(southshire, priya, sue, grounds, 40_000, "TLJ")
        priya_east = _call_off(eastmoor, priya, erin, grounds, 30_000, "TLH")
    heron, lark = large[0], large[1]
    with time_machine.travel(datetime(2026, 8, 15, 10, tzinfo=LONDON), tick=False):
        for i, contract in enumerate(north):
            _pay(contract, helen, 1_000 + 10 * i, date(2026, 2, 10), f"N1-{i}")
            second = 30_000 if contract.supplier == lark else 1_000 + 10 * i
            _pay(contract, helen, second, date(2026, 5, 10), f"N2-{i}")
        for i, contract in enumerate(south):
            _pay(contract, sue, 900 + 10 * i, date(2026, 3, 10), f"S1-{i}")
        _pay(next(c for c in south if c.supplier == heron), sue, 1_000, date(2026, 5, 12), "S2-HERON")
        _pay(priya_south, sue, 900, date(2026, 3, 10), "S1-PRIYA")
        _pay(priya_east, erin, 1_500, date(2026, 5, 20), "E2-PRIYA")
        release = statistics.make_due_release()
    return World(companies, priya, heron, lark, northshire, southshire, eastmoor, release)


@pytest.fixture(scope="module")
def built_world(django_db_setup, django_db_blocker):
    """The world is built once for this module (it takes some seconds: 58 payments through the
    spend action), inside a transaction rolled back at the end; each test runs in its own savepoint,
    so what a test changes is undone after it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def stats_world(built_world, db):
    return built_world


@pytest.fixture
def released(stats_world):
    assert stats_world.release.covers_through == date(2026, 6, 30)
    return stats_world.release


def table(client, slug, **filters) -> dict:
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    response = client.get(f"/statistics/{slug}/?format=json{'&' + query if query else ''}")
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def rows(document, *columns) -> list[tuple]:
    out = [
        (r["label"], *[r.get(c) if r.get(c) is not None else r["symbols"][c] for c in columns])
        for r in document["rows"]
    ]
    total = document["total"]
    return out + [
        ("Total", *[total.get(c) if total.get(c) is not None else total["symbols"][c] for c in columns])
    ]


# Exact figures ---------------------------------------------------------------------------------------
def test_spend_by_category_gives_exact_totals_with_counts_rounded_to_five(client, released):
    document = table(client, "spend-by-category")
    # Division 90: 22 companies paid £1,000 + £10 a place in each quarter, Lark £30,000 instead of
    # £1,130 in the second: 2 x 24,310 - 1,130 + 30,000. Division 77: 11 companies £900 + £10 a
    # place (10,450), Heron £1,000 again, Priya £900 and £1,500. Payments: 44 -> 45, 14 -> 15, 58 -> 60.
    assert rows(document, "spend", "payments", "share_of_spend") == [
        (DIVISION_77, 13_850, 15, 15.2),
        (DIVISION_90, 77_490, 45, 84.8),
        ("Total", 91_340, 60, 100.0),
    ]
    assert document["covers_through"] == "2026-06-30" and document["counts_rounded_to"] == 5


def test_one_region_alone_is_hidden_with_the_next_smallest_and_the_total_stays(client, released):
    # The East of England is Priya alone: hidden, and the South East (the next smallest) with it,
    # so the total minus Yorkshire gives only their sum, 13 suppliers.
    assert rows(table(client, "spend-by-region"), "spend", "payments", "share_of_spend") == [
        ("Yorkshire and The Humber", 77_490, 45, 84.8),
        ("East of England", "[c]", "[c]", "[c]"),
        ("South East (England)", "[c]", "[c]", "[c]"),
        ("Total", 91_340, 60, 100.0),
    ]
    # A table with only one other row hides both: the NHS is Priya alone.
    assert rows(table(client, "spend-by-authority-type"), "spend") == [
        ("Local authority", "[c]"),
        ("NHS", "[c]"),
        ("Total", 91_340),
    ]


def test_the_sme_share_counts_a_sole_trader_as_small(client, released):
    # Contracts: 12 SMEs at Northshire (£100,000 + £1,000 a place: 1,266,000), 6 at Southshire
    # (£50,000 + £1,000 a place: 315,000) and Priya's two (70,000); 10 large at Northshire (1,165,000)
    # and 5 at Southshire (290,000). Counts 20 and 15; shares from the counts shown.
    assert rows(table(client, "sme-share"), "contracts", "share_of_contracts", "value", "share_of_value") == [
        ("Small and medium-sized enterprises (including sole traders)", 20, 57.1, 1_651_000, 53.2),
        ("Large enterprises", 15, 42.9, 1_455_000, 46.8),
        ("Total", 35, 100.0, 3_106_000, 100.0),
    ]


def test_a_quarter_one_supplier_dominates_is_hidden_with_its_year_s_other_quarter(client, released):
    # The second quarter has 24 suppliers, but Lark's £30,000 is most of its £55,680: dominance hides
    # it, and the first quarter (the only other) goes with it; the year is shown.
    for quarter in ("1", "2"):
        assert rows(table(client, "spend-by-category", year="2026", quarter=quarter), "spend") == [
            (DIVISION_77, "[c]"),
            (DIVISION_90, "[c]"),
            ("Total", "[c]"),
        ]
    assert rows(table(client, "spend-by-category", year="2026"), "spend")[-1] == ("Total", 91_340)


def test_filters_combine_and_an_empty_combination_is_a_true_zero(client, released):
    # Local authorities are hidden in their own table: so in every finer one.
    assert rows(
        table(client, "spend-by-category", region="TLE", authority_type="local_authority"), "spend"
    ) == [
        (DIVISION_77, "[c]"),
        (DIVISION_90, "[c]"),
        ("Total", "[c]"),
    ]
    assert rows(table(client, "spend-by-region", division="90", year="2026"), "spend") == [
        ("Yorkshire and The Humber", 77_490),
        ("East of England", "[c]"),
        ("South East (England)", "[c]"),
        ("Total", 77_490),
    ]
    # Nothing of division 77 was bought in Yorkshire: a zero says so.
    assert rows(table(client, "spend-by-region", division="77"), "spend")[0] == (
        "Yorkshire and The Humber",
        0,
    )
    assert rows(table(client, "spend-by-category", region="TLK"), "spend", "share_of_spend")[-1] == (
        "Total",
        0,
        "[z]",
    )


# The adversary -----------------------------------------------------------------------------------------
YEARS = [("", ""), ("2026", ""), *[("2026", q) for q in "123"]]
REGIONS = ["", "TLE", "TLJ", "TLH", "TLK"]  # TLK: nothing bought there
KINDS = ["", "local_authority", "nhs"]
DIVISIONS = ["", "90", "77"]


@dataclass(frozen=True)
class Fact:
    """One payment (or contract) as the adversary knows the world: what every filter sees of it."""

    year: str
    quarter: str
    region: str
    authority_type: str
    division: str
    breakdown: str
    supplier: int
    pence: int

    def matches(self, cell: dict) -> bool:
        if cell["year"] and self.year != cell["year"]:
            return False
        if cell["quarter"] and self.quarter != cell["quarter"]:
            return False
        return all(
            not cell[d] or getattr(self, d) == cell[d]
            for d in ("region", "authority_type", "division", "breakdown")
        )


def spend_facts() -> list[Fact]:
    from tenderbox.spend.models import SpendRecord

    out = []
    for r in SpendRecord.objects.select_related("contract__buyer", "contract__framework_lot"):
        day = r.paid_on
        lot_code = r.contract.framework_lot.cpv_codes.get().code
        out.append(
            Fact(
                str(day.year),
                str((day.month - 1) // 3 + 1),
                r.contract.buyer.region,
                r.contract.buyer.authority_type,
                lot_code[:2],
                "",
                r.contract.supplier_id,
                int(r.amount_excl_vat * 100),
            )
        )
    return out


def contract_facts() -> list[Fact]:
    from tenderbox.contracts.models import Contract

    out = []
    for c in Contract.objects.select_related("buyer", "supplier", "framework_lot"):
        day = timezone.localtime(c.awarded_at).date()
        size = "large" if c.supplier.size == "large" else "sme"
        out.append(
            Fact(
                str(day.year),
                str((day.month - 1) // 3 + 1),
                c.buyer.region,
                c.buyer.authority_type,
                c.framework_lot.cpv_codes.get().code[:2],
                size,
                c.supplier_id,
                int(c.original_value_excl_vat * 100),
            )
        )
    return out


def everything_published(slugs) -> dict[tuple, int]:
    """Every money figure shown, for every combination of filters, each cell once: cell -> pence."""
    from tenderbox.publishing.models import StatisticsRelease

    release = StatisticsRelease.objects.published().get()
    labels, readers = statistics_tables.Labels(), {}
    shown = {}
    for slug in slugs:
        t = statistics_tables.TABLES[slug]
        money = next(c.key for c in t.columns if c.kind == "money")
        for (year, quarter), region, kind, division in itertools.product(YEARS, REGIONS, KINDS, DIVISIONS):
            filters = {
                "year": year,
                "quarter": quarter,
                "region": region,
                "authority_type": kind,
                "division": division,
            }
            result = statistics_tables.build(t, release, filters, labels, readers)
            for row in [*result.rows, result.total]:
                figure = row.figures[money]
                if figure.symbol:
                    continue
                cell = {**filters, "breakdown": ""}
                if row.key:
                    cell[t.row_dim] = row.key
                shown[tuple(sorted(cell.items()))] = figure.value
    return shown


def rank(matrix: list[list[int]]) -> int:
    """Rank over the rationals, by elimination."""
    rows_ = [[Fraction(x) for x in row] for row in matrix if any(row)]
    r = 0
    width = len(rows_[0]) if rows_ else 0
    for col in range(width):
        pivot = next((i for i in range(r, len(rows_)) if rows_[i][col] != 0), None)
        if pivot is None:
            continue
        rows_[r], rows_[pivot] = rows_[pivot], rows_[r]
        for i in range(len(rows_)):
            if i != r and rows_[i][col] != 0:
                factor = rows_[i][col] / rows_[r][col]
                rows_[i] = [a - factor * b for a, b in zip(rows_[i], rows_[r], strict=True)]
        r += 1
    return r


def check_nothing_singles_out(shown: dict, facts: list[Fact], people: list[Organisation]):
    cells = [dict(key) for key in shown]
    members = [[f for f in facts if f.matches(c)] for c in cells]
    for cell, inside in zip(cells, members, strict=True):
        # Exact: every figure shown is the sum of what it covers.
        assert shown[tuple(sorted(cell.items()))] == round(sum(f.pence for f in inside) / 100), cell
        # Primary: ten or more suppliers, none making most of it, or nothing at all.
        suppliers = {f.supplier for f in inside}
        assert not suppliers or len(suppliers) >= 10, cell
        by_supplier = sorted(
            (sum(f.pence for f in inside if f.supplier == s) for s in suppliers), reverse=True
        )
        if by_supplier:
            assert by_supplier[0] * 2 <= sum(by_supplier), cell
    # Differencing: with and without any filters, the difference is nobody or ten or more.
    for (a, inside_a), (b, inside_b) in itertools.permutations(zip(cells, members, strict=True), 2):
        if all(not b[k] or a[k] == b[k] for k in a) and a != b:  # a is b with more filters
            rest = {f.supplier for f in inside_b if f not in inside_a}
            assert not rest or len(rest) >= 10, (a, b)
    # Any sum or difference of everything shown: nothing that is only one person's or organisation's.
    matrix = [[1 if f in inside else 0 for f in facts] for inside in members]
    everyone = rank(matrix)
    for org in people:
        others = [i for i, f in enumerate(facts) if f.supplier != org.pk]
        assert rank([[row[i] for i in others] for row in matrix]) == everyone, org.name


def test_no_combination_of_filters_singles_out_the_sole_trader_or_anyone(client, released, stats_world):
    spend = everything_published(["spend-by-category", "spend-by-region", "spend-by-authority-type"])
    assert len(spend) > 20  # plenty is shown: the figures the adversary works with
    check_nothing_singles_out(spend, spend_facts(), [stats_world.priya, stats_world.heron])
    contracts = everything_published(["sme-share"])
    check_nothing_singles_out(contracts, contract_facts(), [stats_world.priya, stats_world.heron])


def _cell(**values) -> tuple:
    blank = {"year": "", "quarter": "", "region": "", "authority_type": "", "division": "", "breakdown": ""}
    return tuple(sorted({**blank, **values}.items()))


def test_the_adversary_is_not_toothless(stats_world, released):
    """Had the East of England been shown, or only the South East hidden with it, the checks above
    would find Priya: the first is her payment; the second is the total less the two others."""
    spend = everything_published(["spend-by-category", "spend-by-region", "spend-by-authority-type"])
    facts = spend_facts()
    assert {f.supplier for f in facts if f.region == "TLH"} == {stats_world.priya.pk}
    assert _cell(region="TLH") not in spend and _cell(region="TLJ") not in spend and _cell() in spend
    with pytest.raises(AssertionError):
        check_nothing_singles_out({**spend, _cell(region="TLH"): 1_500}, facts, [stats_world.priya])
    with pytest.raises(AssertionError, match="Priya Shah"):
        check_nothing_singles_out({**spend, _cell(region="TLJ"): 12_350}, facts, [stats_world.priya])
    # Nor is a hidden figure stored anywhere: not its value, not its count.
    hidden = StatisticsCell.objects.get(
        measure="spend", period="", region="TLH", authority_type="", division=""
    )
    assert (hidden.shown, hidden.value_pence, hidden.count) == (False, None, None)


def test_a_download_shows_the_symbols_and_nothing_about_anyone(client, released):
    response = client.get("/statistics/spend-by-region/?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines == [
        ["Buyer's region", "Spend excluding VAT (£)", "Payments", "Share of spend (%)"],
        ["Yorkshire and The Humber", "77490", "45", "84.8"],
        ["East of England", "[c]", "[c]", "[c]"],
        ["South East (England)", "[c]", "[c]", "[c]"],
        ["Total", "91340", "60", "100.0"],
    ]
    document = table(client, "spend-by-region")
    assert document["rows"][1]["symbols"] == {"spend": "[c]", "payments": "[c]", "share_of_spend": "[c]"}
    assert document["symbols"]["[c]"].startswith("Confidential")


# What never counts ------------------------------------------------------------------------------------
def test_drafts_unopened_tenders_and_draft_responses_contribute_nothing(
    northshire, helen, ian, alice, acme, carol, brightside, dev, delta
):
    from tenderbox.submissions import actions as sub
    from tenderbox.submissions.actions import approve_opening
    from tenderbox.tenders import actions as tenders
    from tests.conftest import draft_procurement, submit_tender

    opened = tenders.publish(draft_procurement(northshire, ian), by=ian)
    submit_tender(opened, acme, alice)
    sub.start_response(opened, brightside, by=carol)  # a draft response, never submitted
    submit_tender(opened, delta, dev)
    sub.withdraw(opened.responses.get(supplier=delta), by=dev)  # withdrawn: counts no more
    sealed = tenders.publish(draft_procurement(northshire, ian, title="Still sealed"), by=ian)
    submit_tender(sealed, brightside, carol)
    draft_procurement(northshire, ian, title="A draft nobody sees")
    with time_machine.travel(opened.submission_deadline + timedelta(seconds=1), tick=False):
        approve_opening(opened, by=helen)
        approve_opening(opened, by=ian)
    facts = list(statistics.tender_facts(date(2030, 1, 1)))
    assert [(f["s_unit"], f["s_breakdown"], f["s_contributor"]) for f in facts] == [(opened.pk, "1", acme.pk)]
    assert list(statistics.award_time_facts(date(2030, 1, 1))) == []


def test_time_to_award_counts_calendar_days_from_publication_to_award(world):
    from tenderbox.tenders.models import Procurement

    facts = sorted(
        (f["s_breakdown"], f["s_days"], f["s_units"]) for f in statistics.award_time_facts(date(2030, 1, 1))
    )
    expected = sorted(
        (
            p.procedure,
            (timezone.localdate(p.awarded_at) - timezone.localdate(p.published_at)).days,
            1,
        )
        for p in Procurement.objects.filter(awarded_at__isnull=False).exclude(status="cancelled")
    )
    assert facts == expected and len(facts) == 2


def test_quartiles_interpolate_between_the_nearest_ranks():
    histogram = [(10, 1), (20, 1), (30, 1), (40, 1)]
    assert [statistics.quantile(histogram, p) for p in (0.25, 0.5, 0.75)] == [
        Decimal("17.5"),
        Decimal("25.0"),
        Decimal("32.5"),
    ]
    assert statistics.quantile([(7, 3), (9, 1)], 0.5) == Decimal("7.0")


def test_a_sole_trader_erased_is_still_counted_and_never_named(client, stats_world, released):
    figures = (
        "measure",
        "period",
        "region",
        "authority_type",
        "division",
        "breakdown",
        "shown",
        "count",
        "value_pence",
    )
    before = sorted(StatisticsCell.objects.values_list(*figures))
    priya = stats_world.priya
    # What the privacy code's erasure does to a sole trader's organisation in place.
    Organisation.objects.filter(pk=priya.pk).update(
        name=f"Erased supplier {priya.pk}", trading_name="", address_line_1="", town="", postcode=""
    )
    with time_machine.travel(datetime(2026, 8, 16, 12, tzinfo=LONDON), tick=False):
        again = statistics.make_release(covers_through=date(2026, 6, 30))
    assert sorted(StatisticsCell.objects.filter(release=again).values_list(*figures)) == before
    pages = [client.get("/statistics/").content.decode()]
    for slug in statistics_tables.TABLES:
        for kind in ("csv", "json"):
            pages.append(
                client.get(f"/statistics/{slug}/?format={kind}&region=TLH").content.decode("utf-8-sig")
            )
    text = "\n".join(pages)
    assert [w for w in ("Priya", "Shah", "Erased supplier", "Orchard") if w in text] == []
    assert StatisticsRelease.objects.count() == 1  # the release before it is gone


# The pages ---------------------------------------------------------------------------------------------
def test_the_statistics_page_has_every_table_the_filters_and_the_symbols(client, released):
    page = client.get("/statistics/").content.decode()
    for t in statistics_tables.TABLES.values():
        assert f'id="table-{t.slug}"' in page and t.title in page
    assert "These statistics cover everything dated up to 30 June 2026" in page
    assert '<dt class="govuk-summary-list__key">[c]</dt>' in page
    assert '<option value="2026">2026</option>' in page
    assert 'href="/statistics/spend-by-region/?format=csv"' in page
    filtered = client.get("/statistics/?year=2026&division=90").content.decode()
    assert 'href="/statistics/spend-by-region/?year=2026&amp;division=90&amp;format=json"' in filtered


def test_the_open_data_pages_link_to_the_statistics(client, db):
    assert 'href="/statistics/"' in client.get("/registers/").content.decode()
    assert (
        '<a class="govuk-footer__link" href="/statistics/">Statistics</a>' in client.get("/").content.decode()
    )


def test_before_the_first_release_the_page_says_so_and_downloads_are_not_found(client, db):
    StatisticsRelease.objects.all().delete()  # this module's world has one
    page = client.get("/statistics/")
    assert page.status_code == 200 and "No statistics have been published yet" in page.content.decode()
    assert client.get("/statistics/sme-share/?format=csv").status_code == 404


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        (
            "/statistics/spend-by-region/?quarter=2&format=csv",
            400,
            "Choose a year to choose one of its quarters",
        ),
        ("/statistics/spend-by-region/?region=ZZZ&format=json", 400, "Select a valid choice"),
        ("/statistics/spend-by-region/?format=xml", 400, "format must be csv or json."),
        ("/statistics/no-such-thing/", 404, ""),
    ],
)
def test_bad_requests_get_a_clear_message(client, released, url, status, message):
    response = client.get(url)
    assert response.status_code == status
    assert message in response.content.decode()


def test_one_statistic_has_its_own_page(client, released):
    page = client.get("/statistics/time-to-award/?region=TLE").content.decode()
    assert '<h1 class="govuk-heading-l">Time from publication to award</h1>' in page
    assert 'action="/statistics/time-to-award/"' in page and 'id="table-time-to-award"' in page
    assert 'id="table-sme-share"' not in page
    refused = client.get("/statistics/time-to-award/?quarter=1")
    assert refused.status_code == 400 and 'action="/statistics/time-to-award/"' in refused.content.decode()


def test_a_bad_filter_on_the_page_is_shown_against_its_field(client, released):
    response = client.get("/statistics/?quarter=3")
    assert response.status_code == 400
    assert 'href="#id_quarter">Choose a year to choose one of its quarters</a>' in response.content.decode()


# Releases -----------------------------------------------------------------------------------------------
def test_a_release_is_made_once_a_quarter_may_be_published(stats_world):
    StatisticsRelease.objects.all().delete()
    with time_machine.travel(datetime(2026, 4, 20, 6, tzinfo=LONDON), tick=False):
        first = statistics.make_due_release()
        assert first.covers_through == date(2025, 12, 31)
        assert statistics.make_due_release() is None  # the job again: nothing to do
    with time_machine.travel(datetime(2026, 5, 1, 6, tzinfo=LONDON), tick=False):
        second = statistics.make_due_release()
    assert second.covers_through == date(2026, 3, 31)
    assert list(StatisticsRelease.objects.values_list("pk", flat=True)) == [second.pk]
    # The first quarter of 2026: the second quarter's spend is not in it yet.
    assert (
        StatisticsCell.objects.get(
            release=second, measure="spend", period="", region="", authority_type="", division=""
        ).value_pence
        == (sum(1_000 + 10 * i for i in range(22)) + sum(900 + 10 * i for i in range(11)) + 900) * 100
    )


def test_the_command_makes_a_release(stats_world):
    StatisticsRelease.objects.all().delete()
    out = io.StringIO()
    with time_machine.travel(datetime(2026, 8, 15, 6, tzinfo=LONDON), tick=False):
        call_command("statistics", "release", stdout=out)
    assert "Published statistics covering everything dated up to 30 June 2026" in out.getvalue()
