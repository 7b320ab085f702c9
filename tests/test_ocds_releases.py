"""OCDS releases: one per event of each public contracting process, as the event left it, with
stable ids, the deployment's ocid prefix, parties with roles and scale, CPV items, GBP values,
periods, the PA23 procurement method, bid counts only, and framework links for call-offs."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.test import override_settings

from tenderbox.lib.env import ConfigError, env_ocds_prefix
from tenderbox.publishing import packages, sources
from tenderbox.publishing.releases import ocid


def releases(procurement_or_ref):
    ref = getattr(procurement_or_ref, "reference", procurement_or_ref)
    return packages.releases_for(ocid(ref))


def test_every_event_of_the_advertised_procurement_is_a_release(world):
    parks = world["parks"]
    p = f"ocds-tbx000-{parks.reference}"
    assert [(r["id"], r["tag"]) for r in releases(parks)] == [
        (f"{p}-tender", ["tender"]),
        (f"{p}-amendment-{parks.amendments.get().pk}", ["tenderAmendment"]),
        (f"{p}-opened", ["tenderUpdate"]),
        (f"{p}-award", ["award"]),
        (f"{p}-contract", ["contract"]),
        (
            f"{p}-change-{parks.contracts.get(supplier__name='Acme Facilities Ltd').changes.get().pk}",
            ["contractAmendment"],
        ),
    ]
    assert {r["ocid"] for r in releases(parks)} == {p}
    # Built again, the same: ids and contents are stable.
    assert releases(parks) == releases(parks)


def test_the_tender_release_is_the_notice_as_first_published(world):
    parks = world["parks"]
    amendment = parks.amendments.get()
    tender_release, amended = releases(parks)[:2]
    tender = tender_release["tender"]
    assert tender_release["date"] == "2026-12-01T10:00:00+00:00"
    assert tender_release["initiationType"] == "tender"
    assert tender["tenderPeriod"] == {
        "startDate": "2026-12-01T10:00:00+00:00",
        "endDate": amendment.old_deadline.astimezone(UTC).isoformat(),
    }
    assert tender["enquiryPeriod"]["endDate"] == "2026-12-21T10:00:00+00:00"
    assert (
        tender["status"],
        tender["value"],
        tender["procurementMethod"],
        tender["mainProcurementCategory"],
    ) == (
        "active",
        {"amount": 400000, "currency": "GBP"},
        "open",
        "services",
    )
    assert tender["procurementMethodDetails"] == "Open procedure (Procurement Act 2023 s.20(2)(a))"
    assert tender["items"] == [
        {
            "id": "whole-77310000",
            "description": "Planting and maintenance services of green areas",
            "classification": {
                "scheme": "CPV",
                "id": "77310000",
                "description": "Planting and maintenance services of green areas",
            },
        }
    ]
    assert [(lot["id"], lot["title"], lot["value"]["amount"]) for lot in tender["lots"]] == [
        ("lot-1", "Area 1", 200000),
        ("lot-2", "Area 2", 200000),
    ]
    assert tender_release["parties"] == [
        {
            "id": f"ocds-tbx000-org-{parks.buyer.pk}",
            "name": "Northshire County Council",
            "roles": ["buyer", "procuringEntity"],
            "address": {
                "streetAddress": "County Hall",
                "locality": "Northallerton",
                "region": "TLE",
                "postalCode": "DL7 8AD",
                "countryName": "United Kingdom",
            },
        }
    ]
    (document,) = parks.documents.all()
    assert tender["documents"] == [
        {
            "id": str(document.pk),
            "documentType": "biddingDocuments",
            "title": "Specification",
            "url": f"http://127.0.0.1:8000/opportunities/{parks.reference}/documents/{document.pk}",
            "datePublished": "2026-12-01T10:00:00+00:00",
            "format": "application/pdf",
        }
    ]
    # The amendment release carries the new deadline and the reason.
    assert amended["tender"]["tenderPeriod"]["endDate"] == amendment.new_deadline.astimezone(UTC).isoformat()
    assert amended["tender"]["amendments"] == [
        {
            "id": str(amendment.pk),
            "date": "2026-12-01T10:00:00+00:00",
            "rationale": "More time for site visits",
            "description": "Deadline moved by a week.",
        }
    ]


def test_once_opened_only_the_number_of_tenders_is_published(world):
    opened = releases(world["parks"])[2]
    assert opened["bids"] == {
        "statistics": [{"id": "bids", "measure": "bids", "value": 3, "date": "2027-01-07T10:00:01+00:00"}]
    }
    assert opened["tender"]["numberOfTenderers"] == 3
    assert [p["name"] for p in opened["parties"]] == ["Northshire County Council"]  # no tenderer named


def test_the_award_names_the_winners_and_the_contract_their_values(world):
    parks = world["parks"]
    award, contract = releases(parks)[3:5]
    assert [
        (a["status"], a["relatedLots"], [s["name"] for s in a["suppliers"]], "value" in a)
        for a in award["awards"]
    ] == [
        ("pending", ["lot-1"], ["Brightside Cleaning Ltd"], False),
        ("pending", ["lot-2"], ["Acme Facilities Ltd"], False),
    ]
    assert award["tender"]["status"] == "complete"
    assert [(a["status"], a["value"]) for a in contract["awards"]] == [
        ("active", {"amount": 120000, "currency": "GBP"}),
        ("active", {"amount": 150000, "currency": "GBP"}),
    ]
    assert [
        (c["id"], c["awardID"], c["status"], c["value"]["amount"], c["period"]) for c in contract["contracts"]
    ] == [
        (
            c.reference,
            str(c.award_id),
            "active",
            int(c.original_value_excl_vat),
            {"startDate": "2027-02-09T00:00:00+00:00", "endDate": "2029-02-08T23:59:59+00:00"},
        )
        for c in parks.contracts.order_by("pk")
    ]
    suppliers = {p["name"]: p for p in contract["parties"] if "supplier" in p["roles"]}
    assert suppliers["Acme Facilities Ltd"]["identifier"] == {
        "scheme": "GB-COH",
        "id": "04112233",
        "legalName": "Acme Facilities Ltd",
    }
    assert suppliers["Acme Facilities Ltd"]["details"] == {"scale": "sme"}
    assert suppliers["Acme Facilities Ltd"]["id"] == "GB-COH-04112233"


def test_a_variation_is_a_contract_amendment_and_the_record_compiles_it(world):
    parks = world["parks"]
    change = releases(parks)[5]
    acme_contract = parks.contracts.get(supplier__name="Acme Facilities Ltd")
    assert change["contracts"][0]["value"] == {"amount": 170000, "currency": "GBP"}
    assert change["contracts"][0]["amendments"][0]["rationale"] == "Two more parks added"
    record = packages.record(releases(parks))
    compiled = record["compiledRelease"]
    assert compiled["tag"] == ["compiled"]
    assert {c["id"]: c["value"]["amount"] for c in compiled["contracts"]} == {
        parks.contracts.get(supplier__name="Brightside Cleaning Ltd").reference: 120000,
        acme_contract.reference: 170000,
    }
    assert (
        compiled["tender"]["tenderPeriod"]["endDate"] == parks.submission_deadline.astimezone(UTC).isoformat()
    )
    history = next(c for c in record["versionedRelease"]["contracts"] if c["id"] == acme_contract.reference)
    assert [(v["releaseTag"], v["value"]) for v in history["value"]["amount"]] == [
        (["contract"], 150000),
        (["contractAmendment"], 170000),
    ]


def test_the_framework_is_its_own_process_with_its_appointed_suppliers(world):
    framework = world["framework"]
    made = releases(framework.reference)
    assert [r["tag"] for r in made] == [["tender"], ["award"], ["awardUpdate"]]
    tender = made[0]["tender"]
    assert tender["techniques"]["hasFrameworkAgreement"] is True
    assert tender["techniques"]["frameworkAgreement"]["period"] == {
        "startDate": "2026-06-01T00:00:00+01:00",
        "endDate": "2028-05-31T23:59:59+01:00",
        "maxExtentDate": "2029-05-31T23:59:59+01:00",
    }
    assert [(lot["id"], lot["value"]["amount"]) for lot in tender["lots"]] == [
        ("lot-1", 1000000),
        ("lot-2", 500000),
    ]
    assert [(a["relatedLots"], a["suppliers"][0]["name"], a["status"]) for a in made[1]["awards"]] == [
        (["lot-1"], "Acme Facilities Ltd", "active"),
        (["lot-1"], "Brightside Cleaning Ltd", "active"),  # suspended, still appointed
        (["lot-2"], "Delta Services Ltd", "active"),
    ]
    assert [(a["suppliers"][0]["name"], a["status"]) for a in made[2]["awards"]] == [
        ("Delta Services Ltd", "cancelled")
    ]
    compiled = packages.record(made)["compiledRelease"]
    assert sorted((a["suppliers"][0]["name"], a["status"]) for a in compiled["awards"]) == [
        ("Acme Facilities Ltd", "active"),
        ("Brightside Cleaning Ltd", "active"),
        ("Delta Services Ltd", "cancelled"),
    ]


def test_a_direct_award_call_off_is_linked_to_its_framework(world):
    direct = world["direct"]
    (release,) = releases(direct.reference)
    assert release["tag"] == ["tender", "award", "contract"]
    assert release["relatedProcesses"] == [
        {
            "id": "framework",
            "relationship": ["framework"],
            "title": "Facilities management",
            "scheme": "ocid",
            "identifier": f"ocds-tbx000-{world['framework'].reference}",
        }
    ]
    tender = release["tender"]
    assert (tender["procurementMethod"], tender["competitive"], tender["techniques"]) == (
        "limited",
        False,
        {"hasFrameworkAgreement": True},
    )
    assert tender["procurementMethodRationale"] == "Ranked first on price for the region at appointment."
    assert release["awards"][0]["value"] == {"amount": 96000, "currency": "GBP"}
    assert release["contracts"][0]["id"] == direct.reference


def test_a_further_competition_is_published_only_from_its_award(world):
    won, still_open = world["won"], world["open_competition"]
    made = releases(won)
    assert [r["tag"] for r in made] == [["tender", "award"], ["contract"]]
    assert made[0]["tender"]["competitive"] is True
    assert made[0]["tender"]["procurementMethodDetails"] == (
        "Competitive selection process under a framework (Procurement Act 2023 s.46)"
    )
    assert all(
        r["relatedProcesses"][0]["identifier"] == f"ocds-tbx000-{world['framework'].reference}" for r in made
    )
    assert releases(still_open) is None
    assert releases(world["draft"]) is None
    assert ocid(still_open.reference) not in {o for _, o, _ in packages.iter_processes()}


def test_a_cancelled_procurement_publishes_its_cancellation(world):
    cancelled = releases(world["cancelled"])
    assert [r["tag"] for r in cancelled] == [["tender"], ["tenderCancellation"]]
    assert (cancelled[1]["tender"]["status"], cancelled[1]["tender"]["statusDetails"]) == (
        "cancelled",
        "Budget withdrawn",
    )


@override_settings(OCDS_PREFIX="ocds-abc123")
def test_the_ocid_prefix_is_the_deployments(world):
    parks = world["parks"]
    assert {r["ocid"] for r in packages.releases_for(f"ocds-abc123-{parks.reference}")} == {
        f"ocds-abc123-{parks.reference}"
    }
    assert packages.releases_for(f"ocds-tbx000-{parks.reference}") is None


@pytest.mark.parametrize("value", ["ocds-ABC123", "ocds-abc12", "abc123", "ocds-abc1234"])
def test_a_malformed_prefix_stops_start_up(monkeypatch, value):
    monkeypatch.setenv("OCDS_PREFIX", value)
    with pytest.raises(ConfigError, match="OCDS_PREFIX must be 'ocds-' and six"):
        env_ocds_prefix("OCDS_PREFIX", "ocds-tbx000")


def test_production_requires_the_prefix(monkeypatch):
    monkeypatch.delenv("OCDS_PREFIX", raising=False)
    with pytest.raises(ConfigError, match="OCDS_PREFIX must be set"):
        env_ocds_prefix("OCDS_PREFIX", None)
    monkeypatch.setenv("OCDS_PREFIX", "ocds-h6vhtk")
    assert env_ocds_prefix("OCDS_PREFIX", None) == "ocds-h6vhtk"


def test_a_sole_trader_is_named_with_its_region_only(world):
    from tenderbox.organisations.models import Organisation

    Organisation.objects.filter(name="Delta Services Ltd").update(
        name="Dev Patel", companies_house_number="", is_sole_trader=True, size="micro"
    )
    (release,) = releases(world["direct"].reference)
    delta = next(p for p in release["parties"] if "supplier" in p["roles"])
    assert delta == {
        "id": f"ocds-tbx000-org-{world['direct'].supplier_id}",
        "name": "Dev Patel",
        "roles": ["supplier"],
        "address": {"region": "TLE", "countryName": "United Kingdom"},
        "details": {"scale": "selfEmployed"},
    }


def test_transactions_come_from_the_registered_source_only(world):
    direct = world["direct"]
    assert [r["tag"] for r in releases(direct.reference)] == [["tender", "award", "contract"]]

    def spend(contracts):
        return {
            c.pk: [
                sources.Transaction(
                    id="INV-7", date=datetime(2027, 2, 3, 9, tzinfo=UTC), amount=Decimal("8000.50")
                )
            ]
            for c in contracts
            if c.pk == direct.pk
        }

    sources.register_transaction_source(spend)
    try:
        made = releases(direct.reference)
    finally:
        sources.unregister_transaction_source(spend)
    implementation = made[-1]
    assert (implementation["id"], implementation["tag"]) == (
        f"ocds-tbx000-{direct.reference}-{direct.reference}-transaction-INV-7",
        ["implementation"],
    )
    assert implementation["contracts"][0]["implementation"]["transactions"] == [
        {
            "id": "INV-7",
            "date": "2027-02-03T09:00:00+00:00",
            "value": {"amount": 8000.5, "currency": "GBP"},
            "payer": {"id": f"ocds-tbx000-org-{direct.buyer_id}", "name": "Northshire County Council"},
            "payee": {"id": "GB-COH-07654321", "name": "Delta Services Ltd"},
        }
    ]
    roles = {p["name"]: p["roles"] for p in implementation["parties"]}
    assert roles == {
        "Northshire County Council": ["buyer", "payer"],
        "Delta Services Ltd": ["supplier", "payee"],
    }
    assert [r["tag"] for r in releases(direct.reference)] == [["tender", "award", "contract"]]


def test_a_framework_let_on_tenderbox_is_its_procurements_process(
    opened, northshire, ian, jo, offline, tmp_path
):
    from datetime import date, timedelta

    import time_machine

    from tenderbox.evaluation import actions as evaluation
    from tenderbox.frameworks import actions as frameworks
    from tenderbox.tenders.models import CpvCode
    from tests.ocds_fixtures import assert_valid, evaluate, validate

    procurement, acme_v, brightside_v = opened
    framework = frameworks.create_framework(
        owner=northshire,
        by=ian,
        title="Grounds framework",
        description="Parks",
        starts_on=date(2027, 1, 1),
        ends_on=date(2030, 12, 31),
        procurement=procurement,
    )
    for title in ("North", "South"):
        frameworks.add_lot(
            framework,
            by=ian,
            title=title,
            scope="Parks",
            max_value=Decimal("900000"),
            call_off_method="further_competition",
            max_suppliers=2,
            cpv_codes=[CpvCode.objects.get(code="77310000-6")],
        )
    frameworks.set_eligibility(framework, by=ian, named=[northshire])
    assert "techniques" not in releases(procurement)[0]["tender"]  # a draft framework is not published
    framework = frameworks.go_live(framework, by=ian)
    with time_machine.travel(procurement.opened_at + timedelta(hours=1), tick=False):
        evaluate(procurement, [acme_v, brightside_v], jo, ian, [4, 3])
        awarded = evaluation.award(procurement, by=ian, winners={})
        frameworks.appoint_from_award(framework, by=ian)
    with time_machine.travel(awarded.standstill_ends_at + timedelta(seconds=1), tick=False):
        evaluation.enter_contract(awarded, by=ian)
    made = releases(procurement)
    assert [r["tag"] for r in made] == [["tender"], ["tenderUpdate"], ["award"], ["award"], ["contract"]]
    assert made[0]["tender"]["techniques"] == {
        "hasFrameworkAgreement": True,
        "frameworkAgreement": {
            "description": "Parks",
            "period": {"startDate": "2027-01-01T00:00:00+00:00", "endDate": "2030-12-31T23:59:59+00:00"},
        },
    }
    assert [(a["relatedLots"], a["suppliers"][0]["name"]) for a in made[3]["awards"]] == [
        (["lot-1"], "Acme Facilities Ltd"),
        (["lot-1"], "Brightside Cleaning Ltd"),
        (["lot-2"], "Acme Facilities Ltd"),
    ]
    assert "contracts" not in made[4]  # the framework agreement is the contract; call-offs come later
    assert [o for _, o, _ in packages.iter_processes()] == [ocid(procurement.reference)]
    package = packages.release_package(made, uri="https://tenderbox.example/")
    assert_valid(validate(package, tmp_path))
    assert_valid(
        validate(packages.record_package([packages.record(made)], uri="https://x.example/"), tmp_path)
    )


@pytest.mark.parametrize(
    ("procedure", "regime", "expected"),
    [
        ("open", "pa23", ("open", "Open procedure (Procurement Act 2023 s.20(2)(a))")),
        (
            "competitive_flexible",
            "pa23",
            ("selective", "Competitive flexible procedure (Procurement Act 2023 s.20(2)(b))"),
        ),
        ("quick_quote", "pa23", ("open", "Below-threshold open competition (Procurement Act 2023 s.84-88)")),
        (
            "further_competition",
            "pa23",
            ("selective", "Competitive selection process under a framework (Procurement Act 2023 s.46)"),
        ),
        ("open", "pcr2015", ("open", "Open procedure (Public Contracts Regulations 2015 reg. 27)")),
        ("competitive_flexible", "pcr2015", ("selective", "Restricted or negotiated procedure (PCR 2015)")),
    ],
)
def test_each_procedure_maps_to_an_ocds_method(procedure, regime, expected):
    from tenderbox.publishing import rules

    assert rules.procurement_method(procedure, regime) == expected


def test_scale_codes():
    from tenderbox.publishing import rules

    assert [rules.scale(s, sole_trader=False) for s in ("micro", "sme", "large", "")] == [
        "micro",
        "sme",
        "large",
        None,
    ]
    assert rules.scale("large", sole_trader=True) == "selfEmployed"


def test_a_document_added_by_an_amendment_is_published_from_then(procurement, ian):
    from tenderbox.tenders import actions as tenders
    from tests.conftest import pdf_upload

    tenders.amend(
        procurement,
        by=ian,
        reason="Site plans",
        summary="Plans added.",
        uploaded=pdf_upload("plans.pdf"),
        document_title="Site plans",
    )
    tender_release, amendment_release = releases(procurement)
    assert [d["title"] for d in tender_release["tender"]["documents"]] == ["Specification"]
    assert [d["title"] for d in amendment_release["tender"]["documents"]] == ["Specification", "Site plans"]


def test_spend_recorded_against_a_call_off_is_published_as_transactions(world, ian, offline, tmp_path):
    from datetime import date

    import time_machine

    from tenderbox.spend.actions import record_spend
    from tests.ocds_fixtures import assert_valid, validate

    direct = world["direct"]
    with time_machine.travel("2027-03-01 10:00:00+00:00", tick=False):
        for number, amount, vat, paid in (
            ("inv-101", "8000.00", "1600.00", date(2027, 2, 20)),
            ("cn-7", "-500.00", "-100.00", None),
        ):
            record_spend(
                direct,
                by=ian,
                amount_excl_vat=Decimal(amount),
                vat=Decimal(vat),
                invoice_date=date(2027, 2, 10),
                description="Cleaning, February",
                transaction_number=number,
                paid_on=paid,
            )
    made = releases(direct.reference)
    assert [(r["tag"], r["date"]) for r in made[1:]] == [
        (["implementation"], "2027-02-10T12:00:00+00:00"),
        (["implementation"], "2027-02-20T12:00:00+00:00"),
    ]
    assert [
        (t["id"], t["value"]["amount"])
        for r in made[1:]
        for t in r["contracts"][0]["implementation"]["transactions"]
    ] == [("CN-7", -500), ("INV-101", 8000)]
    compiled = packages.record(made)["compiledRelease"]
    assert len(compiled["contracts"][0]["implementation"]["transactions"]) == 2
    assert_valid(validate(packages.release_package(made, uri="https://x.example/"), tmp_path))
