"""Background delivery of archived messages. Safe to run twice: a sent message is not resent."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from tenderbox.notifications.models import Message


@task
def deliver_message(message_id: int) -> str:
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status == Message.Status.SENT:
            return "skipped"
        message.attempts += 1
        try:
            EmailMessage(
                subject=message.subject,
                body=message.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[message.to_email],
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
