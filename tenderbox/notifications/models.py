"""The communications archive: every message Tenderbox sends, kept under its retention rule."""

from django.conf import settings
from django.db import models
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

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.subject} → {self.to_email}"
