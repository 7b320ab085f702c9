"""Sending email: archive the message, then deliver it from the worker once the caller commits."""

from django.contrib.auth import get_user_model
from django.template.loader import render_to_string

from tenderbox.notifications.models import Message


def send_email(*, to: str, subject: str, template: str, context: dict, purpose: str, user=None) -> Message:
    from tenderbox.notifications.tasks import deliver_message

    if user is None:
        user = get_user_model().objects.filter(email__iexact=to).first()
    body = render_to_string(template, context, using="django")
    message = Message.objects.create(recipient=user, to_email=to, subject=subject, body=body, purpose=purpose)
    deliver_message.enqueue(message.pk)
    return message
