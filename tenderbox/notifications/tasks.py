"""Background delivery of archived messages. Safe to run twice: a sent message is not resent."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tenderbox.notifications.models import Message
from tenderbox.privacy.checks import may_process

GATED_PURPOSES = frozenset({"marketing", "opportunity_alerts", "recommendations"})


@task
def deliver_message(message_id: int) -> str:
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status == Message.Status.SENT:
            return "skipped"
        # Checked at the moment of sending, not only when recipients were chosen: a consent withdrawn,
        # an objection or a restriction since then stops the message (UK GDPR Arts. 7(3), 18, 21).
        if message.purpose in GATED_PURPOSES and not may_process(message.recipient, message.purpose):
            message.status = Message.Status.SUPPRESSED
            message.save(update_fields=["status"])
            return "suppressed"
        message.attempts += 1
        headers = {}
        if message.unsubscribe_url:
            # RFC 8058 one-click unsubscribe for mail clients.
            headers = {
                "List-Unsubscribe": f"<{message.unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        try:
            EmailMessage(
                subject=message.subject,
                body=message.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[message.to_email],
                headers=headers,
            ).send()
        except OSError as exc:  # SMTP and socket errors
            message.status = Message.Status.FAILED
            message.last_error = str(exc)[:500]
            message.save(update_fields=["status", "attempts", "last_error"])
            raise
        message.status = Message.Status.SENT
        message.sent_at = timezone.now()
        message.save(update_fields=["status", "attempts", "sent_at"])
    return "sent"


@task
def send_instant_alerts(procurement_id: int) -> int:
    """Queued when a procurement is published. Safe to run twice: deliveries are unique."""
    from tenderbox.notifications.alerts import send_instant_alerts as send
    from tenderbox.tenders.models import Procurement

    procurement = Procurement.objects.filter(pk=procurement_id).first()
    return send(procurement) if procurement else 0


@task
def send_daily_digests() -> int:
    from tenderbox.notifications.alerts import send_daily_digests as send

    return send()


@db_periodic_task(crontab(hour="7", minute="0"))
def daily_digests():
    """Huey's scheduler queues the digests at 07:00 each morning (the worker's time zone: UK)."""
    send_daily_digests.enqueue()
