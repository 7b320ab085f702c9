"""Frameworks and call-offs for the spend tests, built with the models and contracts.actions."""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tenderbox.contracts.actions import let_contract
from tenderbox.frameworks.models import Appointment, Framework, FrameworkLot
from tenderbox.organisations.actions import register_organisation
from tenderbox.organisations.models import Organisation

HEADER = (
    "contract_reference,invoice_number,invoice_date,payment_date,description,category,amount_excl_vat,vat"
)


def make_framework(owner, by, *, fee_rate="1.000", reference="FW-2026-0001", suppliers=()) -> Framework:
    framework = Framework.objects.create(
        owner=owner,
        reference=reference,
        title="Facilities management",
        description="Cleaning and grounds maintenance for public bodies.",
        starts_on=date(2025, 10, 1),
        ends_on=date(2028, 9, 30),
        original_ends_on=date(2028, 9, 30),
        fee_rate=Decimal(fee_rate) if fee_rate is not None else None,
        status=Framework.Status.LIVE,
        created_by=by,
        went_live_at=timezone.now(),
        went_live_by=by,
    )
    lot = FrameworkLot.objects.create(
        framework=framework,
        number=1,
        title="Cleaning",
        scope="Office cleaning",
        max_value=Decimal("5000000.00"),
        call_off_method=FrameworkLot.CallOff.BOTH,
        direct_award_criteria="Lowest price on the rate card",
    )
    for supplier in suppliers:
        Appointment.objects.create(
            lot=lot, supplier=supplier, source=Appointment.Source.IMPORT, appointed_by=by
        )
    return framework


def make_call_off(
    buyer,
    supplier,
    by,
    framework,
    *,
    value="100000.00",
    starts_on=date(2026, 1, 1),
    ends_on=date(2026, 12, 31),
    title="Office cleaning, County Hall",
):
    return let_contract(
        buyer=buyer,
        supplier=supplier,
        by=by,
        route="direct_award",
        title=title,
        description="Daily cleaning of County Hall.",
        category="services",
        value_excl_vat=Decimal(value),
        starts_on=starts_on,
        ends_on=ends_on,
        delivery_postcode="DL7 8AD",
        delivery_region="TLE",
        framework_lot=framework.lots.get(number=1),
        justification="Lowest price on the rate card.",
    )


def make_buyer(by, name="Southshire District Council"):
    return register_organisation(
        by=by,
        kind=Organisation.Kind.BUYER,
        name=name,
        authority_type=Organisation.AuthorityType.LOCAL,
        address_line_1="Civic Centre",
        town="Southby",
        postcode="SO14 7LY",
        region="TLJ",
    )


def csv_file(*lines: str, header: str = HEADER, name: str = "march.csv", encoding="utf-8"):
    content = "\n".join([header, *lines]).encode(encoding) + b"\n"
    return SimpleUploadedFile(name, content, content_type="text/csv")


def line(
    ref="",
    number="INV-1",
    invoice_date="2026-03-10",
    paid="",
    description="Cleaning for March",
    category="Facilities",
    amount="1000.00",
    vat="200.00",
) -> str:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(
        [ref, number, invoice_date, paid, description, category, amount, vat]
    )
    return buffer.getvalue()
