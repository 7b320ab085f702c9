"""The export and erasure cover the apps added after them (frameworks, contracts, spend, performance, privacy
notices) from their declarations alone: Val, a sole trader appointed to a framework with a call-off,
spend and a fee paid, and the buyer staff who dealt with her."""

import io
import json
import zipfile
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from tenderbox.contracts.actions import change_contract
from tenderbox.frameworks.actions import add_document
from tenderbox.performance import actions as performance
from tenderbox.privacy.export import build_export
from tenderbox.privacy.map import privacy_map
from tenderbox.privacy.subject import mapped_models
from tenderbox.privacy.subject_erasure import erase
from tenderbox.spend import actions as spend
from tests.conftest import make_user, pdf_upload, supplier_details
from tests.spend_fixtures import csv_file, line, make_call_off, make_framework
from tests.test_subject_erasure import rows_naming

NEW_APPS = ("frameworks", "contracts", "spend", "performance")
VAL_EMAIL = "val.moss@cleanval.example"
VAL_NAME = "Val Moss"
VAL_PHONE = "07700 900456"


@pytest.fixture
def val_everywhere(northshire, helen, commit):
    from tenderbox.organisations.actions import register_organisation
    from tenderbox.privacy.models import SubjectRequest  # noqa: F401 - the app is loaded

    val = make_user(VAL_EMAIL, VAL_NAME, phone=VAL_PHONE)
    org = register_organisation(
        by=val,
        **supplier_details("Val Moss Cleaning", "", is_sole_trader=True, contact_email=VAL_EMAIL),
    )
    with time_machine.travel("2026-01-05 10:00 +00:00", tick=False), commit():
        framework = make_framework(northshire, helen, fee_rate="1.500", suppliers=[org])
        add_document(framework, pdf_upload("terms.pdf"), title="Terms", by=helen)
        contract = make_call_off(northshire, org, helen, framework)
        change_contract(
            contract, by=helen, kind="variation", reason="More floors", new_value=Decimal("120000")
        )
        kpi = performance.define_kpi(
            by=helen, contract=contract, name="Rooms cleaned", unit="%", target=Decimal("95"),
            period="monthly", direction="higher",
        )  # fmt: skip
    with time_machine.travel("2026-04-17 10:00 +01:00", tick=False), commit():
        spend.record_spend(
            contract,
            by=helen,
            transaction_number="INV-9",
            amount_excl_vat=Decimal("1000.00"),
            vat=Decimal("200.00"),
            invoice_date=date(2026, 3, 10),
            description="Cleaning for March",
        )
        spend.submit_return(  # Val's MI return: spend she declares, on which the fee is due
            supplier=org,
            by=val,
            contract=contract,
            period=date(2026, 3, 1),
            uploaded=csv_file(line(amount="800.00", vat="160.00")),
        )
        invoice, _ = spend.issue_fee_invoice(framework, org, date(2026, 3, 1))
        performance.report_kpi(
            contract, kpi, period_start=date(2026, 1, 1), value="96", comment="Val Moss checked", by=val
        )
        performance.rate_performance(
            contract, period_kind="quarterly", period_start=date(2026, 1, 1), rating="requires_improvement",
            feedback="Late twice", by=helen,
        )  # fmt: skip
        spend.record_payment(
            by=helen,
            amount=invoice.amount,
            paid_at=timezone.now(),
            reference="BACS-7",
            method="bacs",
            fee_invoice=invoice,
            payer_name=VAL_NAME,
            payer_email=VAL_EMAIL,
        )
    return val, org


def fields_in(person) -> set[tuple[str, str]]:
    data = json.loads(zipfile.ZipFile(io.BytesIO(build_export(person))).read("data.json"))
    return {
        (label, name) for label, rows in data["records"].items() for row in rows for name in row["fields"]
    }


def test_every_field_the_new_apps_declare_is_in_the_exports(val_everywhere, helen):
    val, _ = val_everywhere
    seen = fields_in(val) | fields_in(helen)
    declared = {
        (f.model, f.field)
        for f in privacy_map().personal
        if f.model in mapped_models() and f.model.split(".")[0] in NEW_APPS
    }
    assert declared - seen == set()
    val_records = {label for label, _ in fields_in(val)}
    assert {
        "frameworks.Appointment",
        "contracts.Contract",
        "spend.Payment",
        "performance.KpiReport",
    } <= val_records


def test_erasure_keeps_the_framework_and_financial_records_and_says_why(val_everywhere):
    val, org = val_everywhere
    result = erase(val, reference="DSR-VAL")
    val.refresh_from_db()
    # The framework appointment and the financial records keep the account (restricted) and the
    # records themselves, each listed with its rule.
    assert result.account == "restricted" and val.erased_at is None
    assert any("kept under framework_supplier" in b for b in result.blockers)
    rules = {rule for (label, _), rule in result.kept_rows.items() if label.split(".")[0] in NEW_APPS}
    assert rules == {"framework_supplier", "framework_transactions", "fees_and_subscriptions"}  # + KPIs
    hits = rows_naming((VAL_NAME, VAL_EMAIL, VAL_PHONE))
    assert hits - set(result.kept_rows) == set()
    assert ("spend.Payment", str(org.fee_invoices.get().payments.get().pk)) in result.kept_rows
