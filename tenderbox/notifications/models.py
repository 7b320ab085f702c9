"""The communications archive: every message Tenderbox sends, kept under its retention rule."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone


class Message(models.Model):
    """One email sent (or to be sent) to one recipient.

    States: queued (written, waiting for the worker), sent, failed (the mail server refused it).
    Written in the transaction that caused it and delivered by a task after that commits, so a
    rolled-back action sends nothing. The policy's legal-basis table keeps copies of communications
    to safeguard user policy (legitimate interest).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SUPPRESSED = "suppressed", "Not sent: no longer allowed at sending time"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages_received",
        help_text="Account of the recipient, when they have one.",
    )
    to_email = models.EmailField(help_text="Address the message was sent to.")
    subject = models.CharField(max_length=250, help_text="Subject line.")
    body = models.TextField(help_text="Plain-text body as sent.")
    purpose = models.CharField(
        max_length=40, help_text="Processing purpose (privacy register key) the message serves."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(default=timezone.now, db_index=True, help_text="When written.")
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When the mail server accepted it.")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Delivery attempts so far.")
    last_error = models.CharField(max_length=500, blank=True, help_text="Last delivery error, if any.")
    unsubscribe_url = models.URLField(
        max_length=500, blank=True, help_text="One-click unsubscribe link (List-Unsubscribe), if any."
    )

    class Meta:
        ordering = ["-created_at"]
        # Erasure and the access export find a person's messages by address (to_email__iexact, which
        # compares upper() on PostgreSQL); without it each looked through the whole archive.
        indexes = [models.Index(Upper("to_email"), name="message_to_email_ci_idx")]

    def __str__(self):
        return f"{self.subject} → {self.to_email}"


class AlertSubscription(models.Model):
    """A supplier user's alert for new opportunities (legitimate interest: the policy's "notify you of
    tender opportunities related to your industry"). Matches CPV codes with everything beneath them,
    regions, keywords and value; sent at once or as a daily digest. Each opportunity reaches a
    subscriber once (AlertDelivery)."""

    class Frequency(models.TextChoices):
        INSTANT = "instant", "As soon as it is published"
        DAILY = "daily", "In a daily summary"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts")
    name = models.CharField(max_length=100, help_text="The subscriber's name for the alert.")
    cpv_codes = models.ManyToManyField(
        "tenders.CpvCode",
        blank=True,
        related_name="+",
        help_text="Codes to match, each with every code beneath it.",
    )
    regions = models.CharField(
        max_length=100, blank=True, help_text="Comma-separated ITL codes; empty: anywhere."
    )
    keywords = models.CharField(
        max_length=200, blank=True, help_text="Words that must all appear; empty: any."
    )
    value_min = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    value_max = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    active = models.BooleanField(default=True, help_text="False once unsubscribed.")
    created_at = models.DateTimeField(default=timezone.now)
    last_digest_at = models.DateTimeField(null=True, blank=True, help_text="When the last digest was sent.")

    class Meta:
        ordering = ["user", "created_at"]
        indexes = [models.Index(fields=["active", "frequency"], name="alert_active_freq_idx")]

    def __str__(self):
        return self.name

    def region_list(self) -> list[str]:
        return [r for r in self.regions.split(",") if r]


class AlertDelivery(models.Model):
    """That an opportunity was sent to a subscription: the unique pair makes a second send impossible."""

    subscription = models.ForeignKey(AlertSubscription, on_delete=models.CASCADE, related_name="deliveries")
    procurement = models.ForeignKey("tenders.Procurement", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "procurement"], name="alert_delivery_unique")
        ]

    def __str__(self):
        return f"Alert {self.subscription_id} for {self.procurement_id}"
