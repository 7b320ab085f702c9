"""Contract performance: KPIs set for a framework's call-offs or for one contract, the supplier's
report for each period, the buyer's rating and feedback, and the record that a late report was chased.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from tenderbox.lib.charts import fmt
from tenderbox.performance import rules


class KpiQuerySet(models.QuerySet):
    def for_contract(self, contract):
        """The KPIs that apply to a contract: its own and, for a call-off, its framework's."""
        return self.for_contracts([contract])

    def for_contracts(self, contracts):
        """The KPIs that apply to any of these contracts (`Kpi.applies_to` says to which)."""
        condition = models.Q(contract__in=[c.pk for c in contracts])
        frameworks = {c.framework_id for c in contracts if c.framework_id}
        if frameworks:
            condition |= models.Q(framework_id__in=frameworks)
        return self.filter(condition)


class Kpi(models.Model):
    """A key performance indicator (PA23 s.52): a measure the supplier reports each period and the
    buyer assesses against its target. Set either on a framework (it applies to every call-off under
    it, set by the framework owner's staff) or on one contract (set by the buyer's staff): exactly one
    of `framework` and `contract`."""

    class Period(models.TextChoices):
        MONTHLY = rules.MONTHLY, "Monthly"
        QUARTERLY = rules.QUARTERLY, "Quarterly"
        ANNUAL = rules.ANNUAL, "Annual (April to March)"

    class Direction(models.TextChoices):
        HIGHER = rules.HIGHER, "Higher is better"
        LOWER = rules.LOWER, "Lower is better"

    framework = models.ForeignKey(
        "frameworks.Framework",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="kpis",
        help_text="The framework whose call-offs it applies to (empty for a contract's own KPI).",
    )
    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="kpis",
        help_text="The contract it applies to (empty for a framework KPI).",
    )
    name = models.CharField(
        max_length=120, help_text="What is measured, e.g. 'Calls answered within 20 seconds'."
    )
    description = models.TextField(blank=True, help_text="How it is measured (plain text).")
    unit = models.CharField(max_length=30, help_text="Unit of the reported value, e.g. '%', 'days', 'count'.")
    target = models.DecimalField(max_digits=14, decimal_places=2, help_text="The value to reach each period.")
    period = models.CharField(max_length=10, choices=Period.choices, help_text="How often it is reported.")
    direction = models.CharField(
        max_length=6, choices=Direction.choices, help_text="Whether a higher or a lower value is better."
    )
    created_at = models.DateTimeField(default=timezone.now, help_text="When it was set.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", help_text="Who set it."
    )

    objects = KpiQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(framework__isnull=False, contract__isnull=True)
                    | models.Q(framework__isnull=True, contract__isnull=False)
                ),
                name="kpi_framework_xor_contract",
            ),
        ]

    def __str__(self):
        return self.name

    def applies_to(self, contract) -> bool:
        """Whether this KPI applies to the contract: set on it, or on the framework it is called off."""
        return self.contract_id == contract.pk or bool(
            contract.framework_id and self.framework_id == contract.framework_id
        )

    @property
    def scope_label(self) -> str:
        return "Framework KPI" if self.framework_id else "Contract KPI"

    def periods_for(self, contract) -> list[rules.Period]:
        return rules.contract_periods(self.period, contract.starts_on, contract.ends_on)

    def meets(self, value: Decimal) -> bool:
        return rules.meets_target(value, self.target, self.direction)

    def show(self, value) -> str:
        """A value in the KPI's unit as people read it: '96.5%', '3 days', '1,250 calls'."""
        if value is None:
            return ""
        return f"{fmt(value)}{'%' if self.unit == '%' else f' {self.unit}' if self.unit else ''}"

    @property
    def target_label(self) -> str:
        return f"{self.show(self.target)}, {self.get_direction_display().lower()}"


class KpiReport(models.Model):
    """The supplier's reported value of one KPI on one contract for one period. One per (KPI, contract,
    period): a correction replaces the value in place, counts itself and is audited with the old value."""

    kpi = models.ForeignKey(
        Kpi, on_delete=models.CASCADE, related_name="reports", help_text="The KPI reported."
    )
    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.CASCADE,
        related_name="kpi_reports",
        help_text="The contract it is reported for (a framework KPI is reported per call-off).",
    )
    period_start = models.DateField(help_text="First day of the reporting period.")
    period_end = models.DateField(help_text="Last day of the reporting period.")
    value = models.DecimalField(max_digits=14, decimal_places=2, help_text="The value for the period.")
    comment = models.TextField(blank=True, help_text="The supplier's explanation, if any.")
    reported_at = models.DateTimeField(
        default=timezone.now, help_text="When it was last reported or corrected."
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who last reported it.",
    )
    corrections = models.PositiveSmallIntegerField(default=0, help_text="How many times it was corrected.")

    class Meta:
        ordering = ["kpi", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "contract", "period_start"], name="kpi_report_once_a_period"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="kpi_report_period_order"
            ),
        ]

    def __str__(self):
        return f"{self.kpi} {self.period_start}: {self.value}"


class Rating(models.TextChoices):
    """The contract performance notice's scale (PA23 s.71; Procurement Regulations 2024)."""

    GOOD = "good", "Good"
    APPROACHING = "approaching_target", "Approaching target"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"
    OTHER = "other", "Other (explained in the feedback)"


class PerformanceRating(models.Model):
    """The buyer's assessment of the supplier's performance over one period of a contract: a rating on
    the contract performance notice's scale and written feedback (PA23 s.71: at least every 12 months).
    One per (contract, period); a correction replaces it and is audited."""

    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.CASCADE,
        related_name="ratings",
        help_text="The contract rated.",
    )
    period_kind = models.CharField(
        max_length=10, choices=Kpi.Period.choices, help_text="Kind of period rated."
    )
    period_start = models.DateField(help_text="First day of the period rated.")
    period_end = models.DateField(help_text="Last day of the period rated.")
    rating = models.CharField(max_length=20, choices=Rating.choices, help_text="The overall rating.")
    feedback = models.TextField(help_text="The buyer's written feedback to the supplier.")
    rated_at = models.DateTimeField(default=timezone.now, help_text="When it was given or last corrected.")
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", help_text="Who last rated it."
    )
    corrections = models.PositiveSmallIntegerField(default=0, help_text="How many times it was corrected.")

    class Meta:
        ordering = ["contract", "period_start", "period_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period_kind", "period_start"], name="performance_rating_once_a_period"
            ),
        ]

    def __str__(self):
        return f"{self.get_rating_display()} for {self.contract_id} {self.period_start}"


class ReportChase(models.Model):
    """That the supplier was chased for a late report: one row per (KPI, contract, period), so the
    daily job emails once however often it runs."""

    kpi = models.ForeignKey(
        Kpi, on_delete=models.CASCADE, related_name="chases", help_text="The KPI not reported."
    )
    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, related_name="kpi_chases", help_text="The contract."
    )
    period_start = models.DateField(help_text="First day of the period whose report is late.")
    sent_at = models.DateTimeField(default=timezone.now, help_text="When the reminder went.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kpi", "contract", "period_start"], name="kpi_chase_once"),
        ]

    def __str__(self):
        return f"Chase for {self.kpi_id} on {self.contract_id} {self.period_start}"
