"""Public registers for people: awarded contracts, call-off contracts, the appointed suppliers of
each framework lot, and the spend under every contract, with filters that combine, pages, and
streamed CSV and JSON downloads.

Each register is data: a queryset of what is public, the filter form, and its columns. The columns
publish what the law asks about a supplier (name, company number, size and VCSE flags) and never a
person's details: a sole trader is named and nothing more (PA23 s.50 and the contract details
notice; the privacy policy's transparency promise).
"""

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from tenderbox.lib.db import replica_reads
from tenderbox.lib.forms import GovukForm
from tenderbox.lib.uk import region_name
from tenderbox.tenders.forms import DateInput, region_choices

CHUNK = 500


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    value: Callable[[object], object]


@dataclass(frozen=True)
class Register:
    slug: str
    title: str
    intro: str
    form: type
    rows: Callable[[dict], object]
    columns: tuple[Column, ...]
    noun: tuple[str, str]
    paginator: type = Paginator


class CappedPaginator(Paginator):
    """Pages that count no further than `limit` rows: counting every row of a register of millions
    (spend) would read them all on each page view, while reading at most limit + 1 rows stays quick
    on the index. Past the limit the page says "more than" and the filters or the download go on."""

    limit = 10_000

    @cached_property
    def _found(self) -> int:
        # Unordered: which limit + 1 rows are counted does not matter, and without the order the
        # database may reach them through whichever index the filters use (a supplier's contracts).
        return self.object_list.order_by()[: self.limit + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._found, self.limit)

    @property
    def capped(self) -> bool:
        return self._found > self.limit


def _supplier_number(org) -> str:
    return "" if org.is_sole_trader else org.companies_house_number


def _size(org) -> str:
    if org.is_sole_trader:
        return "Sole trader"
    return org.get_size_display().split(" (")[0] if org.size else ""


def _money(value) -> str:
    return f"{value:.2f}"


# Contracts -------------------------------------------------------------------------------------
class ContractFilters(GovukForm):
    q = forms.CharField(label="Title or reference", required=False, max_length=200)
    buyer = forms.CharField(label="Buyer", required=False, max_length=200)
    supplier = forms.CharField(label="Supplier", required=False, max_length=200)
    framework = forms.CharField(
        label="Framework reference", required=False, max_length=30, help_text="For example FW-2026-0001"
    )
    route = forms.ChoiceField(label="Type", required=False, choices=())
    region = forms.ChoiceField(label="Delivery region", required=False, choices=())
    value_min = forms.DecimalField(
        label="Minimum value (£)", required=False, min_value=0, max_digits=14, decimal_places=2
    )
    value_max = forms.DecimalField(
        label="Maximum value (£)", required=False, min_value=0, max_digits=14, decimal_places=2
    )
    awarded_after = forms.DateField(label="Awarded on or after", required=False, widget=DateInput())
    awarded_before = forms.DateField(label="Awarded on or before", required=False, widget=DateInput())

    ROUTES = None  # every route; the call-off register offers only the two call-off routes

    def __init__(self, *args, **kwargs):
        from tenderbox.contracts.models import Contract

        super().__init__(*args, **kwargs)
        routes = [
            (v, label) for v, label in Contract.Route.choices if self.ROUTES is None or v in self.ROUTES
        ]
        self.fields["route"].choices = [("", "Any type"), *routes]
        self.fields["region"].choices = region_choices("Any region")

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("value_min"), cleaned.get("value_max")
        if low is not None and high is not None and low > high:
            self.add_error("value_max", "The maximum value must be at least the minimum value")
        after, before = cleaned.get("awarded_after"), cleaned.get("awarded_before")
        if after and before and after > before:
            self.add_error("awarded_before", "The last date must be on or after the first date")
        return cleaned


class CallOffFilters(ContractFilters):
    ROUTES = ("further_competition", "direct_award")


def _contracts(filters: dict, *, call_offs: bool):
    from tenderbox.contracts.models import Contract

    rows = Contract.objects.select_related("buyer", "supplier", "framework", "framework_lot")
    if call_offs:
        rows = rows.filter(framework_lot__isnull=False)
    if filters.get("q"):
        rows = rows.filter(title__icontains=filters["q"]) | rows.filter(
            reference__iexact=filters["q"].strip()
        )
    if filters.get("buyer"):
        rows = rows.filter(buyer__name__icontains=filters["buyer"])
    if filters.get("supplier"):
        rows = rows.filter(supplier__name__icontains=filters["supplier"])
    if filters.get("framework"):
        rows = rows.filter(framework__reference__iexact=filters["framework"].strip())
    if filters.get("route"):
        rows = rows.filter(route=filters["route"])
    if filters.get("region"):
        rows = rows.filter(delivery_region=filters["region"])
    if filters.get("value_min") is not None:
        rows = rows.filter(value_excl_vat__gte=filters["value_min"])
    if filters.get("value_max") is not None:
        rows = rows.filter(value_excl_vat__lte=filters["value_max"])
    if filters.get("awarded_after"):
        rows = rows.filter(awarded_at__date__gte=filters["awarded_after"])
    if filters.get("awarded_before"):
        rows = rows.filter(awarded_at__date__lte=filters["awarded_before"])
    return rows.order_by("-awarded_at", "reference")


CONTRACT_COLUMNS = (
    Column("reference", "Reference", lambda c: c.reference),
    Column("title", "Title", lambda c: c.title),
    Column("type", "Type", lambda c: c.get_route_display()),
    Column("buyer", "Buyer", lambda c: c.buyer.name),
    Column("supplier", "Supplier", lambda c: c.supplier.name),
    Column("supplier_company_number", "Supplier company number", lambda c: _supplier_number(c.supplier)),
    Column("supplier_size", "Supplier size", lambda c: _size(c.supplier)),
    Column("supplier_vcse", "VCSE", lambda c: "Yes" if c.supplier.is_vcse else "No"),
    Column("framework", "Framework", lambda c: c.framework.reference if c.framework_id else ""),
    Column("lot", "Lot", lambda c: c.framework_lot.number if c.framework_lot_id else ""),
    Column("category", "Category", lambda c: c.get_category_display()),
    Column("value", "Value excluding VAT (£)", lambda c: _money(c.value_excl_vat)),
    Column("original_value", "Value when awarded (£)", lambda c: _money(c.original_value_excl_vat)),
    Column("awarded_on", "Awarded on", lambda c: c.awarded_at.date().isoformat()),
    Column("starts_on", "Starts", lambda c: c.starts_on.isoformat()),
    Column("ends_on", "Ends", lambda c: c.ends_on.isoformat()),
    Column("delivery_region", "Delivery region", lambda c: region_name(c.delivery_region)),
    Column("delivery_postcode", "Delivery postcode", lambda c: c.delivery_postcode),
    Column("status", "Status", lambda c: c.get_status_display()),
)


# Appointed suppliers ----------------------------------------------------------------------------
class AppointmentFilters(GovukForm):
    framework = forms.CharField(
        label="Framework reference", required=False, max_length=30, help_text="For example FW-2026-0001"
    )
    lot = forms.IntegerField(label="Lot number", required=False, min_value=1, max_value=999)
    supplier = forms.CharField(label="Supplier", required=False, max_length=200)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Appointed (active or suspended)"), ("active", "Active"), ("suspended", "Suspended")],
    )

    def clean_lot(self):
        lot = self.cleaned_data.get("lot")
        if lot is not None and not (self.data.get("framework") or "").strip():
            raise ValidationError("Enter the framework reference to choose one of its lots")
        return lot


def _appointments(filters: dict):
    from tenderbox.frameworks.models import Appointment, Framework

    rows = (
        Appointment.objects.exclude(status=Appointment.Status.REMOVED)
        .exclude(lot__framework__status=Framework.Status.DRAFT)
        .select_related("supplier", "lot__framework")
    )
    if filters.get("framework"):
        rows = rows.filter(lot__framework__reference__iexact=filters["framework"].strip())
    if filters.get("lot") is not None:
        rows = rows.filter(lot__number=filters["lot"])
    if filters.get("supplier"):
        rows = rows.filter(supplier__name__icontains=filters["supplier"])
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    return rows.order_by("lot__framework__reference", "lot__number", "supplier__name", "pk")


APPOINTMENT_COLUMNS = (
    Column("framework", "Framework", lambda a: a.lot.framework.reference),
    Column("framework_title", "Framework title", lambda a: a.lot.framework.title),
    Column("lot", "Lot", lambda a: a.lot.number),
    Column("lot_title", "Lot title", lambda a: a.lot.title),
    Column("supplier", "Supplier", lambda a: a.supplier.name),
    Column("supplier_company_number", "Supplier company number", lambda a: _supplier_number(a.supplier)),
    Column("supplier_size", "Supplier size", lambda a: _size(a.supplier)),
    Column("supplier_vcse", "VCSE", lambda a: "Yes" if a.supplier.is_vcse else "No"),
    Column("status", "Status", lambda a: a.get_status_display()),
    Column("appointed_on", "Appointed on", lambda a: a.appointed_at.date().isoformat()),
    Column("framework_ends_on", "Framework ends", lambda a: a.lot.framework.ends_on.isoformat()),
)


# Spend ------------------------------------------------------------------------------------------
class SpendFilters(GovukForm):
    authority = forms.CharField(label="Body (the contracting authority)", required=False, max_length=200)
    supplier = forms.CharField(label="Beneficiary (supplier)", required=False, max_length=200)
    framework = forms.CharField(
        label="Framework reference", required=False, max_length=30, help_text="For example FW-2026-0001"
    )
    contract = forms.CharField(
        label="Contract reference", required=False, max_length=30, help_text="For example CON-2026-0001"
    )
    category = forms.CharField(
        label="Service area or category",
        required=False,
        max_length=100,
        help_text="As the payment names it, for example Facilities or 90910000-9",
    )
    dated_from = forms.DateField(label="Dated on or after", required=False, widget=DateInput())
    dated_to = forms.DateField(label="Dated on or before", required=False, widget=DateInput())
    amount_min = forms.DecimalField(
        label="Minimum amount (£)", required=False, max_digits=14, decimal_places=2
    )
    amount_max = forms.DecimalField(
        label="Maximum amount (£)", required=False, max_digits=14, decimal_places=2
    )

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("amount_min"), cleaned.get("amount_max")
        if low is not None and high is not None and low > high:
            self.add_error("amount_max", "The maximum amount must be at least the minimum amount")
        after, before = cleaned.get("dated_from"), cleaned.get("dated_to")
        if after and before and after > before:
            self.add_error("dated_to", "The last date must be on or after the first date")
        return cleaned


def _spend(filters: dict):
    """Published spend only (SpendRecord.objects.public()): the buyer's records and the lines of
    each month's accepted MI return, each invoice once. A superseded return's lines never appear,
    and a refused return saved none. Newest first: a page walks spend_invoice_date_idx backwards and
    stops once it has its rows (a date range bounds the walk); an amount range or a category that
    matches few rows may use spend_amount_idx or spend_category_upper_idx instead, and an
    authority's, supplier's or framework's spend its contracts' index. benchmarks/spend_register.py
    prints the plans on PostgreSQL."""
    from tenderbox.spend.models import SpendRecord

    rows = (
        SpendRecord.objects.public()
        .select_related("contract__buyer", "contract__supplier", "contract__framework")
        # Only the columns' fields: a download of millions of rows spends its time building objects.
        .only(*SPEND_FIELDS)
    )
    if filters.get("authority"):
        rows = rows.filter(contract__buyer__name__icontains=filters["authority"])
    if filters.get("supplier"):
        rows = rows.filter(contract__supplier__name__icontains=filters["supplier"])
    if filters.get("framework"):
        rows = rows.filter(contract__framework__reference__iexact=filters["framework"].strip())
    if filters.get("contract"):
        rows = rows.filter(contract__reference__iexact=filters["contract"].strip())
    if filters.get("category"):
        rows = rows.filter(category__iexact=filters["category"].strip())
    if filters.get("dated_from"):
        rows = rows.filter(invoice_date__gte=filters["dated_from"])
    if filters.get("dated_to"):
        rows = rows.filter(invoice_date__lte=filters["dated_to"])
    if filters.get("amount_min") is not None:
        rows = rows.filter(amount_excl_vat__gte=filters["amount_min"])
    if filters.get("amount_max") is not None:
        rows = rows.filter(amount_excl_vat__lte=filters["amount_max"])
    return rows.order_by("-invoice_date", "-pk")


SPEND_FIELDS = (
    "source",
    "invoice_date",
    "paid_on",
    "transaction_number",
    "description",
    "category",
    "amount_excl_vat",
    "vat",
    "contract__reference",
    "contract__category",
    "contract__buyer__name",
    "contract__supplier__name",
    "contract__supplier__companies_house_number",
    "contract__supplier__is_sole_trader",
    "contract__framework__reference",
)


def _reported_by(record) -> str:
    return "Buyer" if record.source == "buyer" else "Supplier (MI return)"


# The Local Government Transparency Code 2015's columns for expenditure (Part 2, "Expenditure
# exceeding £500": date, body, service area, beneficiary, purpose, merchant category, amount,
# irrecoverable VAT, transaction number), then the framework and contract the payment is under.
# Every payment is published, not only those over £500: the Code sets a minimum.
# The beneficiary is the supplier as the other registers publish it. A sole trader is a person, and
# the Code (Part 1, "Personal and sensitive information") holds that data protection law does not
# stop an authority naming the suppliers it pays, sole traders included, for the public interest in
# how public money is spent: a sole trader is named, and nothing more (no company number, address
# or contact; DOMAIN.md "Local Government Transparency Code"). Tenderbox does not record how much of
# an invoice's VAT the authority reclaims, so the VAT charged is published, headed as such: the
# Code's irrecoverable VAT is at most that.
SPEND_COLUMNS = (
    Column("date", "Date", lambda s: s.invoice_date.isoformat()),
    Column("body", "Body", lambda s: s.contract.buyer.name),
    Column("service_area", "Service area or category", lambda s: s.category),
    Column("beneficiary", "Beneficiary", lambda s: s.contract.supplier.name),
    Column(
        "beneficiary_company_number",
        "Beneficiary company number",
        lambda s: _supplier_number(s.contract.supplier),
    ),
    Column("purpose", "Purpose", lambda s: s.description),
    Column("merchant_category", "Merchant category", lambda s: s.contract.get_category_display()),
    Column("amount", "Amount excluding VAT (£)", lambda s: _money(s.amount_excl_vat)),
    Column("vat", "VAT charged (£)", lambda s: _money(s.vat)),
    Column("transaction_number", "Transaction number", lambda s: s.transaction_number),
    Column("paid_on", "Paid on", lambda s: s.paid_on.isoformat() if s.paid_on else ""),
    Column("contract", "Contract", lambda s: s.contract.reference),
    Column(
        "framework", "Framework", lambda s: s.contract.framework.reference if s.contract.framework_id else ""
    ),
    Column("reported_by", "Reported by", _reported_by),
)


REGISTERS = {
    r.slug: r
    for r in (
        Register(
            "contracts",
            "Awarded contracts",
            "Every contract entered into through Tenderbox: procurements, further competitions and direct "
            "awards under frameworks, with their current value after any variation.",
            ContractFilters,
            lambda f: _contracts(f, call_offs=False),
            CONTRACT_COLUMNS,
            ("contract", "contracts"),
        ),
        Register(
            "call-offs",
            "Call-off contracts",
            "Contracts called off from frameworks, by further competition or direct award, with their value, "
            "where they are delivered, and the supplier.",
            CallOffFilters,
            lambda f: _contracts(f, call_offs=True),
            CONTRACT_COLUMNS,
            ("call-off contract", "call-off contracts"),
        ),
        Register(
            "appointed-suppliers",
            "Appointed suppliers of frameworks",
            "The suppliers appointed to each lot of each live or expired framework. A suspended supplier is "
            "still appointed but cannot be chosen until it is reinstated.",
            AppointmentFilters,
            _appointments,
            APPOINTMENT_COLUMNS,
            ("appointed supplier", "appointed suppliers"),
        ),
        Register(
            "spend",
            "Spend under contracts and frameworks",
            "Every payment under a contract let through Tenderbox, newest first: recorded by the buyer, or "
            "declared by the supplier in an accepted monthly return (an invoice in both appears once, as "
            "the buyer recorded it). The columns are those of the Local Government Transparency Code "
            "2015; the Code's irrecoverable VAT is at most the VAT charged shown here.",
            SpendFilters,
            _spend,
            SPEND_COLUMNS,
            ("payment", "payments"),
            paginator=CappedPaginator,
        ),
    )
}


# Downloads ---------------------------------------------------------------------------------------
class _Line:
    def write(self, value):
        return value


def csv_lines(register: Register, rows) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow([c.header for c in register.columns])
    with replica_reads():  # published rows: the replica's copy will do
        for row in rows.iterator(chunk_size=CHUNK):
            yield writer.writerow([_safe(c.value(row)) for c in register.columns])


def _safe(value):
    """Spreadsheets run a cell starting with = + - @ as a formula: published text is never one."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def json_lines(register: Register, rows) -> Iterator[str]:
    yield "["
    first = True
    with replica_reads():
        for row in rows.iterator(chunk_size=CHUNK):
            item = {c.key: c.value(row) for c in register.columns}
            yield ("" if first else ",") + "\n" + json.dumps(item, ensure_ascii=False)
            first = False
    yield "\n]\n"
