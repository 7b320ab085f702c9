"""Spend against contracts, suppliers' monthly management-information (MI) returns, the chasers and
warnings they drive, framework fee (levy) invoices, and the portal's own subscriptions and payments.

All of these are financial records: spend under frameworks is kept at least 7 years from the
transaction (privacy policy 4.1.3), fees and subscriptions at least 7 years from payment (4.1.4).
Nothing here is ever deleted by the application; a corrected return supersedes the one before it and
both stay.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone

from tenderbox.lib.errors import Conflict


class SpendRecordQuerySet(models.QuerySet):
    def counted(self):
        """Records that count: the buyer's own, and the lines of each period's current MI return (a
        superseded return's lines stay as history and count no more)."""
        return self.filter(
            models.Q(source=SpendRecord.Source.BUYER) | models.Q(mi_return__status=MIReturn.Status.ACCEPTED)
        )

    def public(self):
        """The spend that is published and makes up a contract's spend to date: the records that
        count, each invoice once by its number, the buyer's record first (an MI line whose invoice
        the buyer also recorded is left out). Never a superseded return's lines; a refused return
        saved none.

        Written as "no *other* buyer record has this number", which keeps every buyer record (the
        buyer's numbers are unique per contract) without an OR around the subquery, so PostgreSQL
        plans it as an anti-join on the unique index spend_buyer_transaction_once."""
        other_buyer_record = SpendRecord.objects.filter(
            contract=models.OuterRef("contract"),
            source=SpendRecord.Source.BUYER,
            transaction_number=models.OuterRef("transaction_number"),
        ).exclude(pk=models.OuterRef("pk"))
        return self.counted().filter(~models.Exists(other_buyer_record))


class SpendRecord(models.Model):
    """One item of spend against a contract: an invoice (or credit note) with its net amount and VAT.

    Two sources: the buyer's staff record payments one at a time (their ledger), and the supplier
    declares its invoices in a monthly MI return (one record per line of the return). The same
    invoice may come from both; the contract's spend to date counts it once, by its transaction
    number, the buyer's figure first (spend/actions.summary).
    """

    class Source(models.TextChoices):
        BUYER = "buyer", "Recorded by the buyer"
        MI_RETURN = "mi_return", "Declared in the supplier's MI return"

    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="spend_records")
    source = models.CharField(max_length=10, choices=Source.choices, help_text="Who recorded it.")
    mi_return = models.ForeignKey(
        "spend.MIReturn",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        help_text="The MI return it was declared in, for supplier-declared lines.",
    )
    line_number = models.PositiveIntegerField(
        null=True, blank=True, help_text="Line of the uploaded file (the header is line 1)."
    )
    period = models.DateField(help_text="The month it belongs to (its first day).")
    invoice_date = models.DateField(help_text="Date of the invoice or credit note.")
    paid_on = models.DateField(null=True, blank=True, help_text="Date it was paid, when known.")
    transaction_number = models.CharField(
        max_length=60, help_text="Invoice or transaction number, upper case without surrounding spaces."
    )
    description = models.CharField(max_length=500, help_text="What was bought (purpose of the spend).")
    category = models.CharField(
        max_length=100, blank=True, help_text="Service area or CPV code, as the Transparency Code asks."
    )
    amount_excl_vat = models.DecimalField(
        max_digits=14, decimal_places=2, help_text="Net amount, GBP; negative for a credit note."
    )
    vat = models.DecimalField(max_digits=14, decimal_places=2, help_text="VAT on it, GBP.")
    recorded_at = models.DateTimeField(default=timezone.now, help_text="When it was recorded here.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who recorded it (for MI lines, who uploaded the return).",
    )

    objects = SpendRecordQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "period", "invoice_date", "pk"]
        indexes = [
            models.Index(fields=["contract", "period"], name="spend_contract_period_idx"),
            # The public spend register (publishing/registers.py) on millions of rows: newest first
            # and a date range, an amount range, a category whatever its case.
            models.Index(fields=["invoice_date", "id"], name="spend_invoice_date_idx"),
            models.Index(fields=["amount_excl_vat"], name="spend_amount_idx"),
            models.Index(Upper("category"), name="spend_category_upper_idx"),
        ]
        constraints = [
            # A buyer entering the same invoice twice would double the spend.
            models.UniqueConstraint(
                fields=["contract", "transaction_number"],
                condition=models.Q(source="buyer"),
                name="spend_buyer_transaction_once",
            ),
            models.CheckConstraint(
                condition=(models.Q(source="buyer") & models.Q(mi_return__isnull=True))
                | (models.Q(source="mi_return") & models.Q(mi_return__isnull=False)),
                name="spend_source_matches_return",
            ),
        ]

    def __str__(self):
        return f"{self.transaction_number} on {self.contract_id}"

    @property
    def gross(self) -> Decimal:
        return self.amount_excl_vat + self.vat


def mi_return_path(instance, filename):
    return f"spend/returns/{instance.supplier_id}/{instance.sha256}"


class MIReturn(models.Model):
    """A supplier's management-information return for one month: for one contract, or for all its
    call-offs under one framework (each line names its contract).

    States:
    - accepted: the current return for its contract (or framework) and month; its lines count.
    - superseded: replaced by a corrected return for the same month (`superseded_by`); kept, with
      its lines, as the record of what was declared when; its lines no longer count.
    A nil return (nothing sold that month) has no file and no lines. Sending exactly the same file
    again changes nothing (matched by SHA-256).
    """

    class Status(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        SUPERSEDED = "superseded", "Superseded by a corrected return"

    TRANSITIONS = {Status.ACCEPTED: {Status.SUPERSEDED}, Status.SUPERSEDED: set()}

    supplier = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="mi_returns"
    )
    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mi_returns",
        help_text="The contract it covers, for a return for one contract.",
    )
    framework = models.ForeignKey(
        "frameworks.Framework",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mi_returns",
        help_text="The framework whose call-offs it covers, for a framework-wide return.",
    )
    period = models.DateField(help_text="The month it declares (its first day).")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACCEPTED, db_index=True)
    is_nil = models.BooleanField(default=False, help_text="A nil return: nothing was invoiced that month.")
    file = models.FileField(upload_to=mi_return_path, blank=True, help_text="The file as uploaded.")
    filename = models.CharField(max_length=200, blank=True, help_text="Safe name of the uploaded file.")
    content_type = models.CharField(max_length=100, blank=True, help_text="Type sniffed from the content.")
    size = models.PositiveBigIntegerField(default=0, help_text="Bytes.")
    sha256 = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the file: the same file again is not a new return."
    )
    line_count = models.PositiveIntegerField(default=0, help_text="Lines declared.")
    total_excl_vat = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0.00"), help_text="Sum of the net amounts, GBP."
    )
    total_vat = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0.00"), help_text="Sum of the VAT, GBP."
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    superseded_at = models.DateTimeField(null=True, blank=True, help_text="When a correction replaced it.")
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The corrected return that replaced it.",
    )

    class Meta:
        ordering = ["-period", "-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(contract__isnull=False) & models.Q(framework__isnull=True))
                | (models.Q(contract__isnull=True) & models.Q(framework__isnull=False)),
                name="mi_return_one_scope",
            ),
            # One current return per contract and month, and per supplier, framework and month: a
            # second upload supersedes the first instead of adding to it.
            models.UniqueConstraint(
                fields=["contract", "period"],
                condition=models.Q(status="accepted", contract__isnull=False),
                name="mi_return_current_per_contract",
            ),
            models.UniqueConstraint(
                fields=["framework", "supplier", "period"],
                condition=models.Q(status="accepted", framework__isnull=False),
                name="mi_return_current_per_framework",
            ),
        ]

    def __str__(self):
        return f"MI return {self.period:%B %Y} by {self.supplier_id}"

    @property
    def scope_label(self) -> str:
        return self.contract.reference if self.contract_id else self.framework.reference

    def supersede(self, *, at) -> None:
        """Step aside for a correction. It must happen before the correction is saved (one accepted
        return per month is a constraint); the action then points `superseded_by` at it."""
        if self.Status.SUPERSEDED not in self.TRANSITIONS[self.Status(self.status)]:
            raise Conflict("This return has already been replaced by a corrected one.")
        self.status = self.Status.SUPERSEDED
        self.superseded_at = at
        self.save(update_fields=["status", "superseded_at"])


class ReturnChase(models.Model):
    """That the supplier was chased for a missing MI return for a contract and month: once each."""

    contract = models.ForeignKey("contracts.Contract", on_delete=models.CASCADE, related_name="return_chases")
    period = models.DateField(help_text="The month whose return was missing.")
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveSmallIntegerField(default=0, help_text="How many people were emailed.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contract", "period"], name="return_chase_once")]

    def __str__(self):
        return f"Chase for {self.contract_id} {self.period:%B %Y}"


class SpendWarning(models.Model):
    """That the buyer was warned spend reached `threshold` percent of the contract's value: once per
    threshold and value (a variation that raises the value arms the warnings again)."""

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, related_name="spend_warnings"
    )
    threshold = models.PositiveSmallIntegerField(help_text="Percent of the contract value.")
    contract_value = models.DecimalField(
        max_digits=14, decimal_places=2, help_text="The contract value the warning was about, GBP."
    )
    spent = models.DecimalField(max_digits=14, decimal_places=2, help_text="Spend to date when warned, GBP.")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["contract", "threshold"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "threshold", "contract_value"], name="spend_warning_once"
            )
        ]

    def __str__(self):
        return f"{self.threshold}% warning for {self.contract_id}"


class FeeInvoice(models.Model):
    """A framework fee (levy) invoice to a supplier for one month: the framework's fee rate applied
    to the spend the supplier declared in that month's MI returns under the framework.

    States:
    - issued: sent to the supplier, unpaid.
    - paid: a payment was recorded against it.
    One per framework, supplier and month, whoever or whatever issues it first.
    """

    class Status(models.TextChoices):
        ISSUED = "issued", "Issued"
        PAID = "paid", "Paid"

    TRANSITIONS = {Status.ISSUED: {Status.PAID}, Status.PAID: set()}

    number = models.CharField(max_length=30, unique=True, help_text="Invoice number, e.g. FEE-2026-000001.")
    framework = models.ForeignKey(
        "frameworks.Framework", on_delete=models.PROTECT, related_name="fee_invoices"
    )
    supplier = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="fee_invoices"
    )
    period = models.DateField(help_text="The month of declared spend it charges (its first day).")
    declared_spend = models.DecimalField(
        max_digits=14, decimal_places=2, help_text="Net spend declared for the month, GBP."
    )
    fee_rate = models.DecimalField(max_digits=5, decimal_places=3, help_text="Fee rate applied, percent.")
    amount = models.DecimalField(max_digits=14, decimal_places=2, help_text="Fee due, GBP, excluding VAT.")
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.ISSUED, db_index=True)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The owner's staff member who issued it; empty when the monthly job did.",
    )
    paid_at = models.DateTimeField(null=True, blank=True, help_text="When its payment was recorded.")

    class Meta:
        ordering = ["-period", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "supplier", "period"], name="fee_invoice_once")
        ]

    def __str__(self):
        return self.number

    def mark_paid(self, *, at) -> None:
        if self.Status.PAID not in self.TRANSITIONS[self.Status(self.status)]:
            raise Conflict("This fee invoice is already paid.")
        self.status = self.Status.PAID
        self.paid_at = at
        self.save(update_fields=["status", "paid_at"])


class Subscription(models.Model):
    """An organisation's paid subscription to a Tenderbox portal for a period."""

    class Plan(models.TextChoices):
        SUPPLIER = "supplier", "Supplier portal (Mi Procurement)"
        BUYER = "buyer", "Buyer portal (Mi Procurement)"
        CONTRACT_PORTAL = "contract_portal", "Contract portal (Mi Contract Portal)"

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="subscriptions"
    )
    plan = models.CharField(max_length=20, choices=Plan.choices, help_text="What is subscribed to.")
    period_start = models.DateField(help_text="First day covered.")
    period_end = models.DateField(help_text="Last day covered.")
    amount_excl_vat = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text="Price excluding VAT, GBP.",
    )
    vat = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0.00"), help_text="VAT charged, GBP."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period_start", "organisation__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="subscription_period_order"
            ),
            models.UniqueConstraint(
                fields=["organisation", "plan", "period_start"], name="subscription_once_per_period"
            ),
        ]

    def __str__(self):
        return f"{self.get_plan_display()} for {self.organisation} from {self.period_start}"


class Payment(models.Model):
    """A payment received: for a subscription or for a framework fee invoice. The payer's name and
    address are the billing contact on the payment (a financial record, policy 4.1.4)."""

    class Method(models.TextChoices):
        CARD = "card", "Card"
        BACS = "bacs", "Bank transfer (BACS)"
        DIRECT_DEBIT = "direct_debit", "Direct debit"
        CHEQUE = "cheque", "Cheque"

    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    fee_invoice = models.ForeignKey(
        FeeInvoice, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    amount = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Amount received, GBP, including VAT.",
    )
    paid_at = models.DateTimeField(help_text="When the money was received.")
    reference = models.CharField(max_length=60, help_text="The bank's or card processor's reference.")
    method = models.CharField(max_length=12, choices=Method.choices, help_text="How it was paid.")
    payer_name = models.CharField(max_length=200, blank=True, help_text="Billing contact's name.")
    payer_email = models.EmailField(blank=True, help_text="Billing contact's email address.")
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Tenderbox staff member who recorded it.",
    )

    class Meta:
        ordering = ["-paid_at"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(subscription__isnull=False) & models.Q(fee_invoice__isnull=True))
                | (models.Q(subscription__isnull=True) & models.Q(fee_invoice__isnull=False)),
                name="payment_for_one_thing",
            ),
            # The same bank transfer recorded twice would show money received twice.
            models.UniqueConstraint(fields=["method", "reference"], name="payment_reference_once"),
        ]

    def __str__(self):
        return f"£{self.amount} {self.reference}"
