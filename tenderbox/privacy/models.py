"""Consent records."""

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
