"""Contracts: call-offs under frameworks and contracts let by Tenderbox procurements, with their changes."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from tenderbox.lib.errors import Conflict
from tenderbox.tenders import rules as tender_rules


class ContractQuerySet(models.QuerySet):
    def for_organisation(self, organisation_id):
        return self.filter(models.Q(buyer_id=organisation_id) | models.Q(supplier_id=organisation_id))


class Contract(models.Model):
    """A public contract between an authority and a supplier: a call-off under a framework lot (by
    further competition or direct award), or a contract let by a Tenderbox procurement.

    States:
    - active: in force; spend and KPI reports are recorded against it; it can be varied or extended.
    - ended: its end date has passed (the day decides; `ends_on` may move by extension first).
    - terminated: ended early, with a reason (contract termination notice, PA23 s.80).
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"
        TERMINATED = "terminated", "Terminated"

    TRANSITIONS = {
        Status.ACTIVE: {Status.ENDED, Status.TERMINATED},
        Status.ENDED: set(),
        Status.TERMINATED: set(),
    }

    class Route(models.TextChoices):
        PROCUREMENT = "procurement", "Competitive procurement"
        FURTHER_COMPETITION = "further_competition", "Further competition under a framework"
        DIRECT_AWARD = "direct_award", "Direct award under a framework"

    class Category(models.TextChoices):
        GOODS = tender_rules.GOODS, "Goods"
        SERVICES = tender_rules.SERVICES, "Services"
        WORKS = tender_rules.WORKS, "Works"

    reference = models.CharField(
        max_length=30, unique=True, help_text="Tenderbox reference, e.g. CON-2026-000001."
    )
    buyer = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="contracts_bought"
    )
    supplier = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="contracts_supplied"
    )
    framework = models.ForeignKey(
        "frameworks.Framework",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="call_offs",
        help_text="The framework it was called off, for call-offs.",
    )
    framework_lot = models.ForeignKey(
        "frameworks.FrameworkLot",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="call_offs",
        help_text="The framework lot it was called off.",
    )
    procurement = models.ForeignKey(
        "tenders.Procurement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
        help_text="The procurement or further competition that awarded it.",
    )
    award = models.OneToOneField(
        "evaluation.Award",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contract",
        help_text="The award decision it came from.",
    )
    route = models.CharField(max_length=20, choices=Route.choices, help_text="How it was awarded.")
    justification = models.TextField(
        blank=True, help_text="Direct award: why this supplier, against the framework's criteria."
    )
    title = models.CharField(max_length=200, help_text="Short title.")
    description = models.TextField(help_text="What is supplied.")
    category = models.CharField(
        max_length=10, choices=Category.choices, help_text="Goods, services or works."
    )
    value_excl_vat = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Current value excluding VAT, GBP, after variations.",
    )
    original_value_excl_vat = models.DecimalField(
        max_digits=14, decimal_places=2, help_text="Value when awarded, excluding VAT, GBP."
    )
    starts_on = models.DateField(help_text="First day of the contract.")
    ends_on = models.DateField(db_index=True, help_text="Last day of the contract, as extended.")
    original_ends_on = models.DateField(help_text="Last day as first agreed.")
    delivery_postcode = models.CharField(max_length=8, help_text="Where it is delivered: UK postcode.")
    delivery_region = models.CharField(max_length=3, help_text="Where it is delivered: ITL1 code, or UK.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    awarded_at = models.DateTimeField(default=timezone.now, help_text="When it was awarded.")
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True, help_text="When its end was recorded.")
    terminated_at = models.DateTimeField(null=True, blank=True)
    termination_reason = models.TextField(blank=True)
    next_transition_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="When the clock next acts on it (scheduler index)."
    )

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["-awarded_at", "reference"]
        indexes = [models.Index(fields=["buyer", "status"], name="contract_buyer_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="contract_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(route="procurement") | models.Q(framework_lot__isnull=False),
                name="contract_call_off_has_lot",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def is_call_off(self) -> bool:
        return self.framework_lot_id is not None

    def _move(self, to: str, *, fields: list[str]) -> str:
        if to not in self.TRANSITIONS[self.Status(self.status)]:
            raise Conflict(
                f"A contract that is {self.get_status_display().lower()} cannot become "
                f"{self.Status(to).label.lower()}."
            )
        before = self.status
        self.status = to
        self.save(update_fields=["status", *fields])
        return before

    def end(self, *, at) -> str:
        self.ended_at = at
        self.next_transition_at = None
        return self._move(self.Status.ENDED, fields=["ended_at", "next_transition_at"])

    def terminate(self, *, at, reason: str) -> str:
        if not reason.strip():
            raise Conflict("Give the reason for terminating: it is published in the termination notice.")
        self.terminated_at = at
        self.termination_reason = reason.strip()
        self.next_transition_at = None
        return self._move(
            self.Status.TERMINATED, fields=["terminated_at", "termination_reason", "next_transition_at"]
        )

    def change(self, *, value, ends_on, next_check) -> None:
        """Apply a variation or extension's new value and end date (the ContractChange records why)."""
        if self.status != self.Status.ACTIVE:
            raise Conflict("Only an active contract can be varied or extended.")
        self.value_excl_vat = value
        self.ends_on = ends_on
        self.next_transition_at = next_check
        self.save(update_fields=["value_excl_vat", "ends_on", "next_transition_at"])


class ContractChange(models.Model):
    """A variation or extension of a contract, with its reason, the value and end date before and
    after (PA23 s.74-77: a modification; a contract change notice, UK10, where one is required)."""

    class Kind(models.TextChoices):
        VARIATION = "variation", "Variation"
        EXTENSION = "extension", "Extension"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.TextField(help_text="Why the contract changed.")
    old_value = models.DecimalField(max_digits=14, decimal_places=2)
    new_value = models.DecimalField(max_digits=14, decimal_places=2)
    old_ends_on = models.DateField()
    new_ends_on = models.DateField()
    made_at = models.DateTimeField(default=timezone.now)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["contract_id", "made_at"]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.contract_id}"
