"""Consent records, legal holds and the retention job's own records."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ConsentRecord(models.Model):
    """Evidence of one consent: what the person agreed to, in which words, when and where.

    States: given (withdrawn_at empty) and withdrawn. A consent is never edited: a new consent is a
    new record, a withdrawal sets `withdrawn_at` once (UK GDPR Art. 7(1): be able to show consent).
    """

    class Purpose(models.TextChoices):
        MARKETING = "marketing", "News of Tenderbox's own services"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="consents",
        help_text="Who consented.",
    )
    purpose = models.CharField(max_length=30, choices=Purpose.choices, help_text="What it allows.")
    wording = models.TextField(help_text="The exact words the person agreed to.")
    version = models.CharField(max_length=40, help_text="Version of the wording.")
    source = models.CharField(max_length=100, help_text="Where it was given (page or form).")
    given_at = models.DateTimeField(default=timezone.now, help_text="When it was given.")
    withdrawn_at = models.DateTimeField(null=True, blank=True, help_text="When it was withdrawn.")
    withdrawn_via = models.CharField(max_length=100, blank=True, help_text="How it was withdrawn.")

    class Meta:
        ordering = ["-given_at"]
        indexes = [models.Index(fields=["user", "purpose"], name="consent_user_purpose_idx")]

    def __str__(self):
        return f"{self.get_purpose_display()} consent"

    def withdraw(self, *, via: str) -> bool:
        if self.withdrawn_at is not None:
            return False
        self.withdrawn_at = timezone.now()
        self.withdrawn_via = via
        self.save(update_fields=["withdrawn_at", "withdrawn_via"])
        return True


MARKETING_CONSENT_WORDING = (
    "Send me occasional news about Tenderbox's own services by email. "
    "I can stop these at any time from my account or from the link in every email."
)
MARKETING_CONSENT_VERSION = "2026-11-01"


class MarketingSuppression(models.Model):
    """The minimal entry kept after marketing consent is withdrawn or objected to, so the address is
    never mailed marketing again (UK GDPR Art. 21(3); ICO direct-marketing guidance): the address
    only, lowercased, and when."""

    email = models.EmailField(unique=True, help_text="Lowercased address never to send marketing to.")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return "Marketing suppression"


class Objection(models.Model):
    """A person's objection to processing for one purpose based on legitimate interests (Art. 21).
    Honoured from `recorded_at` unless overriding grounds are recorded; direct marketing is absolute."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="objections")
    purpose = models.CharField(max_length=40, help_text="Register key of the purpose objected to.")
    recorded_at = models.DateTimeField(default=timezone.now)
    overriding_grounds = models.TextField(
        blank=True, help_text="Compelling grounds to continue, if recorded."
    )
    ended_at = models.DateTimeField(
        null=True, blank=True, help_text="When the person withdrew the objection."
    )

    class Meta:
        indexes = [models.Index(fields=["user", "purpose"], name="objection_user_purpose_idx")]

    def __str__(self):
        return f"Objection to {self.purpose}"


class Restriction(models.Model):
    """A restriction of processing (Art. 18): while active the person's data is only stored, and no
    alert, marketing, statistic, profiling or fraud check uses it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="restrictions")
    reason = models.TextField(help_text="Why processing is restricted (Art. 18(1)(a)-(d)).")
    started_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was lifted (the person is told first)."
    )

    def __str__(self):
        return "Restriction of processing"


class LegalHoldQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(lifted_at=None)


class LegalHold(models.Model):
    """A legal hold on one person, organisation or procurement (exactly one): while it is in force, no
    retention rule purges, deletes or anonymises their records, and erasure waits (UK GDPR Art.
    17(3)(e), legal claims). Placed and lifted by Tenderbox staff in the admin site, each audited.

    States: in force (`lifted_at` empty) and lifted. A hold is never edited or deleted by hand: a new
    reason is a new hold; the retention job deletes a lifted hold 12 months after it was lifted.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legal_holds",
        help_text="Person whose records are held.",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legal_holds",
        help_text="Organisation whose records are held.",
    )
    procurement = models.ForeignKey(
        "tenders.Procurement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legal_holds",
        help_text="Procurement whose records (tenders included) are held.",
    )
    reason = models.TextField(
        help_text="Why the records must be kept: the reference of the claim, request or order (no names)."
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", help_text="Staff who placed it."
    )
    placed_at = models.DateTimeField(default=timezone.now, help_text="When it was placed.")
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Staff who lifted it.",
    )
    lifted_at = models.DateTimeField(null=True, blank=True, db_index=True, help_text="When it was lifted.")

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, organisation__isnull=True, procurement__isnull=True)
                    | models.Q(user__isnull=True, organisation__isnull=False, procurement__isnull=True)
                    | models.Q(user__isnull=True, organisation__isnull=True, procurement__isnull=False)
                ),
                name="legal_hold_exactly_one_target",
                violation_error_message="Choose exactly one person, organisation or procurement to hold.",
            ),
        ]

    def __str__(self):
        return f"Legal hold #{self.pk} on {self.target_label}"

    @property
    def target_label(self) -> str:
        """The held record as app_label.model #pk (no names: the label appears in audit and logs)."""
        if self.user_id:
            return f"accounts.user #{self.user_id}"
        if self.organisation_id:
            return f"organisations.organisation #{self.organisation_id}"
        return f"tenders.procurement #{self.procurement_id}"

    @property
    def in_force(self) -> bool:
        return self.lifted_at is None


class RetentionNotice(models.Model):
    """That a person was told their unused account will be removed (privacy policy 4.1), and when.

    Counted from one moment of activity (`activity_at`: the last sign-in, or registration): signing
    in again moves that moment, so the notice no longer applies and the clock starts again.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="retention_notice",
        help_text="Person told.",
    )
    activity_at = models.DateTimeField(help_text="The last sign-in (or registration) the notice counts from.")
    warned_at = models.DateTimeField(help_text="When the notice was sent.")
    removal_on = models.DateField(help_text="The day the person was told the account would be removed.")

    def __str__(self):
        return f"Retention notice for user {self.user_id}"


class RetentionRun(models.Model):
    """One application of the retention rules (`tenderbox retention`, and the daily job).

    States: running (`running` true, `finished_at` empty) and finished. At most one run is running:
    a run that crashed stays running and the next invocation resumes it from its cursors. A dry run
    writes nothing, not even a run, so that it provably changes nothing.
    """

    started_at = models.DateTimeField(default=timezone.now, help_text="When the run began.")
    finished_at = models.DateTimeField(null=True, blank=True, help_text="When every population was done.")
    running = models.BooleanField(default=True, help_text="True until finished; unique while true.")

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["running"], condition=models.Q(running=True), name="one_retention_run_at_a_time"
            ),
            models.CheckConstraint(
                condition=models.Q(running=True, finished_at__isnull=True)
                | models.Q(running=False, finished_at__isnull=False),
                name="retention_run_finished_iff_not_running",
            ),
        ]

    def __str__(self):
        return f"Retention run #{self.pk}"


class RetentionCursor(models.Model):
    """How far a run has gone through one population, and what it did there.

    Each batch commits its actions, their audit events and the advance of this row in one transaction,
    so a crash loses at most the batch in progress, which the resumed run does again from `last_pk`
    (and which was rolled back, so nothing is done twice). The counts are the run's totals.
    """

    run = models.ForeignKey(RetentionRun, on_delete=models.CASCADE, related_name="cursors")
    population = models.CharField(max_length=40, help_text="Key of the retention policy.")
    last_pk = models.CharField(
        max_length=64, blank=True, help_text="Primary key of the last row dealt with; empty: none yet."
    )
    done = models.BooleanField(default=False, help_text="Every row of the population was dealt with.")
    applied = models.PositiveBigIntegerField(default=0, help_text="Rows deleted, anonymised or blanked.")
    warned = models.PositiveBigIntegerField(default=0, help_text="People told of a coming removal.")
    notice_running = models.PositiveBigIntegerField(default=0, help_text="Due, but the notice runs.")
    kept_by_floor = models.PositiveBigIntegerField(default=0, help_text="Due, but under a floor.")
    held = models.PositiveBigIntegerField(default=0, help_text="Due, but under a legal hold.")
    kept = models.PositiveBigIntegerField(default=0, help_text="Due, but kept for a stated reason.")
    not_due = models.PositiveBigIntegerField(default=0, help_text="Looked at, not yet due.")

    class Meta:
        ordering = ["run", "population"]
        constraints = [
            models.UniqueConstraint(fields=["run", "population"], name="retention_cursor_unique"),
        ]

    def __str__(self):
        return f"{self.population} in run {self.run_id}"


class Processor(models.Model):
    """A third party that processes personal data for Tenderbox (UK GDPR Art. 28): what it processes,
    when due diligence was last done, and whether a processing agreement is in place (policy 5.1, 5.3)."""

    name = models.CharField(max_length=200)
    service = models.CharField(max_length=200, help_text="What it does for Tenderbox (hosting, email...).")
    data_processed = models.TextField(help_text="Which categories of personal data it processes.")
    location = models.CharField(max_length=100, help_text="Where the data is processed (UK, EEA...).")
    due_diligence_on = models.DateField(help_text="When its security and compliance were last checked.")
    agreement_in_place = models.BooleanField(default=False, help_text="A written Art. 28 agreement exists.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Breach(models.Model):
    """A personal-data breach (Arts. 33-34): every breach is recorded; one with a risk is reported to the
    ICO without undue delay and where feasible within 72 hours of becoming aware."""

    description = models.TextField(help_text="What happened, the data and people affected.")
    became_aware_at = models.DateTimeField(
        help_text="When Tenderbox became aware (the 72-hour clock starts)."
    )
    risk_to_people = models.BooleanField(
        default=True, help_text="Whether it is likely to risk people's rights."
    )
    high_risk = models.BooleanField(default=False, help_text="High risk: the people affected must be told.")
    reported_to_ico_at = models.DateTimeField(null=True, blank=True)
    people_told_at = models.DateTimeField(null=True, blank=True)
    actions_taken = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-became_aware_at"]

    def __str__(self):
        return f"Breach of {self.became_aware_at:%Y-%m-%d}"

    @property
    def ico_deadline(self):
        from datetime import timedelta

        return self.became_aware_at + timedelta(hours=72)

    def report_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        return self.risk_to_people and self.reported_to_ico_at is None and now > self.ico_deadline


class Complaint(models.Model):
    """A complaint about how Tenderbox handles personal data (Data (Use and Access) Act 2025: from
    19 June 2026 controllers must facilitate complaints, acknowledge them within 30 days, and tell the
    outcome). States: received, acknowledged, closed (with an outcome naming the right to go to the ICO).
    """

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=200, help_text="The complainant's name.")
    email = models.EmailField(help_text="Where to reply.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="complaints"
    )
    details = models.TextField(help_text="The complaint.")
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.RECEIVED)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True, help_text="The outcome, told to the complainant.")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"Complaint of {self.received_at:%Y-%m-%d}"

    @property
    def acknowledge_by(self):
        from datetime import timedelta

        return self.received_at + timedelta(days=30)


# Privacy notice versions live in their own module; imported here so Django finds the models.
from tenderbox.privacy.notice_models import (  # noqa: E402, F401
    NoticeAcknowledgement,
    NoticeSection,
    NoticeVersion,
)
