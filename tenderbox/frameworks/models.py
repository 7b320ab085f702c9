"""Framework agreements: lots, who may use them, and the suppliers appointed to each lot."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from tenderbox.frameworks import rules
from tenderbox.lib.errors import Conflict
from tenderbox.organisations.models import Organisation


class FrameworkQuerySet(models.QuerySet):
    def public(self):
        """Frameworks anyone may see: every framework once it is live (its appointed suppliers are
        published, PA23 s.45 and the privacy policy's transparency promise)."""
        return self.exclude(status=Framework.Status.DRAFT)


class Framework(models.Model):
    """A framework agreement run by a buyer acting as a central purchasing body (PA23 s.45-49).

    States:
    - draft: the owner sets up lots, eligibility, call-off rules and documents; only its staff see it.
    - live: suppliers are appointed and the authorities allowed to use it call off from it during its
      term (`starts_on` to `ends_on`, both included, decided by the clock on the day of the call-off).
    - expired: the term has ended (the scheduler records it; the day decides even before it runs);
      nothing can be called off; call-offs already made run on.
    Extensions move `ends_on` later, within `extendable_to`.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        LIVE = "live", "Live"
        EXPIRED = "expired", "Expired"

    TRANSITIONS = {
        Status.DRAFT: {Status.LIVE},
        Status.LIVE: {Status.EXPIRED},
        Status.EXPIRED: set(),
    }

    owner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="frameworks",
        help_text="The authority (central purchasing body) that runs the framework.",
    )
    reference = models.CharField(
        max_length=30, unique=True, help_text="Tenderbox reference, e.g. FW-2026-0001."
    )
    title = models.CharField(max_length=200, help_text="Short title.")
    description = models.TextField(help_text="What the framework covers (plain text).")
    procurement = models.OneToOneField(
        "tenders.Procurement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="framework",
        help_text="The Tenderbox procurement that let it, if it was let here.",
    )
    let_elsewhere_reference = models.CharField(
        max_length=100, blank=True, help_text="For a framework let outside Tenderbox: its notice reference."
    )
    starts_on = models.DateField(help_text="First day of the term.")
    ends_on = models.DateField(db_index=True, help_text="Last day of the term, as extended.")
    original_ends_on = models.DateField(help_text="Last day of the term as first agreed.")
    extendable_to = models.DateField(
        null=True, blank=True, help_text="The latest day extensions may reach, if any are provided for."
    )
    fee_rate = models.DecimalField(
        max_digits=5,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10"))],
        help_text="Fee (levy) on declared spend, percent; empty when none is charged.",
    )
    call_off_minimum_days = models.PositiveSmallIntegerField(
        default=rules.PROPOSED_CALL_OFF_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="The framework's own minimum period for further competitions, in days (PA23 s.46).",
    )
    named_authorities = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="frameworks_named_in",
        help_text="Authorities named as allowed to use it.",
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    went_live_at = models.DateTimeField(null=True, blank=True, help_text="When it went live.")
    went_live_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expired_at = models.DateTimeField(null=True, blank=True, help_text="When its expiry was recorded.")
    next_transition_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="When the clock next acts on it (scheduler index)."
    )

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "reference"]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def in_term(self, on) -> bool:
        return rules.is_in_term(starts_on=self.starts_on, ends_on=self.ends_on, on=on)

    def callable_on(self, on) -> bool:
        """Live and within its term on that day: the date decides, whatever the scheduler has done."""
        return self.status == self.Status.LIVE and self.in_term(on)

    def _move(self, to: str, *, fields: list[str]) -> str:
        if to not in self.TRANSITIONS[self.Status(self.status)]:
            raise Conflict(
                f"A framework that is {self.get_status_display().lower()} cannot become "
                f"{self.Status(to).label.lower()}."
            )
        before = self.status
        self.status = to
        self.save(update_fields=["status", *fields])
        return before

    def go_live(self, *, by, at, next_check) -> str:
        self.went_live_at = at
        self.went_live_by = by
        self.next_transition_at = next_check
        return self._move(self.Status.LIVE, fields=["went_live_at", "went_live_by", "next_transition_at"])

    def extend(self, *, new_end, next_check) -> None:
        if self.status != self.Status.LIVE:
            raise Conflict("Only a live framework can be extended.")
        self.ends_on = new_end
        self.next_transition_at = next_check
        self.save(update_fields=["ends_on", "next_transition_at"])

    def expire(self, *, at) -> str:
        self.expired_at = at
        self.next_transition_at = None
        return self._move(self.Status.EXPIRED, fields=["expired_at", "next_transition_at"])


class EligibilityRule(models.Model):
    """A description of authorities allowed to use a framework (PA23 s.45(3)(b)): by type, by
    region, or both. An empty part matches any."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="eligibility_rules")
    authority_type = models.CharField(
        max_length=30,
        blank=True,
        choices=Organisation.AuthorityType.choices,
        help_text="Kind of authority (empty: any kind).",
    )
    region = models.CharField(max_length=3, blank=True, help_text="ITL1 region (empty: anywhere).")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "authority_type", "region"], name="eligibility_rule_unique"
            )
        ]

    def __str__(self):
        return f"{self.authority_type or 'any authority'} in {self.region or 'any region'}"


class FrameworkLot(models.Model):
    """A lot of a framework: its scope, CPV codes, maximum value and how call-offs are made."""

    class CallOff(models.TextChoices):
        FURTHER_COMPETITION = rules.FURTHER_COMPETITION, "Further competition only"
        DIRECT_AWARD = rules.DIRECT_AWARD, "Direct award only"
        BOTH = rules.BOTH, "Further competition or direct award"

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField(help_text="Lot number, from 1.")
    title = models.CharField(max_length=200, help_text="Lot title.")
    scope = models.TextField(help_text="What may be bought under the lot.")
    cpv_codes = models.ManyToManyField("tenders.CpvCode", related_name="framework_lots", blank=True)
    max_value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Maximum total value of call-offs under the lot, excluding VAT, GBP.",
    )
    call_off_method = models.CharField(
        max_length=20, choices=CallOff.choices, help_text="How call-off contracts are awarded."
    )
    max_suppliers = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="For a framework let on Tenderbox: how many of the highest-ranked tenders on the "
        "procurement's lot of the same number are appointed.",
    )
    direct_award_criteria = models.TextField(
        blank=True,
        help_text="The objective criteria a direct award is made against (PA23 s.47(2)); needed when "
        "direct award is allowed.",
    )

    class Meta:
        ordering = ["framework_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="framework_lot_number_unique")
        ]

    def __str__(self):
        return f"Lot {self.number}: {self.title}"

    def allows(self, route: str) -> bool:
        return rules.allows(self.call_off_method, route)


def framework_document_path(instance, filename):
    return f"frameworks/{instance.framework_id}/{instance.sha256}"


class FrameworkDocument(models.Model):
    """A call-off terms document of a framework (terms and conditions, order form, specification)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200, help_text="What the document is.")
    file = models.FileField(upload_to=framework_document_path, help_text="Stored under its SHA-256.")
    filename = models.CharField(max_length=200, help_text="Safe file name for downloads.")
    content_type = models.CharField(max_length=100, help_text="Type sniffed from the content.")
    size = models.PositiveBigIntegerField(help_text="Bytes.")
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the content.")
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["framework_id", "uploaded_at"]

    def __str__(self):
        return self.title


class AppointmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Appointment.Status.ACTIVE)


class Appointment(models.Model):
    """A supplier appointed to a framework lot.

    States:
    - active: may be invited to further competitions and chosen by direct award.
    - suspended: invited to nothing and chosen for nothing until reinstated (with a reason).
    - removed: no longer on the framework (with a reason); final.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        REMOVED = "removed", "Removed"

    TRANSITIONS = {
        Status.ACTIVE: {Status.SUSPENDED, Status.REMOVED},
        Status.SUSPENDED: {Status.ACTIVE, Status.REMOVED},
        Status.REMOVED: set(),
    }

    class Source(models.TextChoices):
        AWARD = "award", "Award of a Tenderbox procurement"
        IMPORT = "import", "Imported: framework let elsewhere"

    lot = models.ForeignKey(FrameworkLot, on_delete=models.CASCADE, related_name="appointments")
    supplier = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="appointments"
    )
    source = models.CharField(max_length=8, choices=Source.choices, help_text="How it was appointed.")
    award = models.ForeignKey(
        "evaluation.Award",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        help_text="The award it came from, for appointments from a Tenderbox procurement.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    appointed_at = models.DateTimeField(default=timezone.now)
    appointed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status_changed_at = models.DateTimeField(null=True, blank=True, help_text="When the status last changed.")
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status_reason = models.TextField(
        blank=True, help_text="Why it was last suspended, reinstated or removed."
    )

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["lot", "supplier__name"]
        constraints = [models.UniqueConstraint(fields=["lot", "supplier"], name="appointment_unique")]

    def __str__(self):
        return f"{self.supplier} on {self.lot}"

    def _move(self, to: str, *, by, at, reason: str) -> str:
        if to not in self.TRANSITIONS[self.Status(self.status)]:
            raise Conflict(
                f"An appointment that is {self.get_status_display().lower()} cannot become "
                f"{self.Status(to).label.lower()}."
            )
        if not reason.strip():
            raise Conflict("Give the reason: it is recorded and the supplier is told it.")
        before = self.status
        self.status = to
        self.status_changed_at = at
        self.status_changed_by = by
        self.status_reason = reason.strip()
        self.save(update_fields=["status", "status_changed_at", "status_changed_by", "status_reason"])
        return before

    def suspend(self, *, by, at, reason: str) -> str:
        return self._move(self.Status.SUSPENDED, by=by, at=at, reason=reason)

    def reinstate(self, *, by, at, reason: str) -> str:
        return self._move(self.Status.ACTIVE, by=by, at=at, reason=reason)

    def remove(self, *, by, at, reason: str) -> str:
        return self._move(self.Status.REMOVED, by=by, at=at, reason=reason)


class ExpiryWarning(models.Model):
    """That the warning `days` before a framework's end was sent: one row each, so it goes once even
    when the job runs twice. An extension moves the end, so warnings key on the end date too."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="expiry_warnings")
    ends_on = models.DateField(help_text="The end date the warning was about.")
    days = models.PositiveSmallIntegerField(help_text="Days before the end.")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["framework", "ends_on", "days"], name="expiry_warning_once")
        ]

    def __str__(self):
        return f"{self.days}-day warning for {self.framework_id}"


class CompetitionInvitation(models.Model):
    """A supplier invited to a further competition: one of the lot's appointed suppliers that was
    active when the competition was launched. It may respond only while its appointment stays active
    (frameworks/access.py decides at every door)."""

    procurement = models.ForeignKey(
        "tenders.Procurement", on_delete=models.CASCADE, related_name="competition_invitations"
    )
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="invitations")
    invited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["procurement", "appointment"], name="competition_invitation_unique"
            )
        ]

    def __str__(self):
        return f"{self.appointment.supplier} invited to {self.procurement_id}"
